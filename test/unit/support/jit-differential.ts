// Runs one image on two machines, one compiling hot code into blocks and one interpreting only, and compares their
// complete state at checkpoints and at the end: the interpreter is the reference for the block compiler.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Machine, MachineOptions } from '../../../src/machine/machine';
import type { ElfImage } from '../../../src/machine/elf';
import type { BlockStats } from '../../../src/riscv/block-cache';

/** Everything architectural about the machine that a block could get wrong, as text (RAM is hashed separately). */
export function machineState(m: Machine): string {
  const parts = [`pos=${m.position} time=${m.timeOffsetNs}`];
  for (const h of m.harts) {
    parts.push(
      `h${h.id} pc=${h.pc} priv=${h.priv} run=${h.run} ret=${h.retired} x=${Array.from(h.x).join(',')} f=${Array.from(h.fw).join(',')}`,
      `csr=${[h.mstatus, h.mie, h.mip, h.fflags, h.frm, h.mepc, h.mcause, h.mtval, h.mscratch, h.reservation, h.satp, h.sepc, h.scause, h.stval].join(',')}`,
    );
  }
  parts.push(`mtimecmp=${m.clint.mtimecmp.join(',')}`);
  return parts.join('\n');
}
export const ramHash = (m: Machine) => createHash('sha256').update(m.memory.ram8).digest('hex');

/**
 * Runs both machines in steps of `step` positions up to `limit` (or until they stop), asserting equal state after
 * every step. Returns the number of checkpoints compared and the blocks the compiling machine built. The compiling
 * machine compiles after `hot` arrivals (far fewer than the machine's HOT) so that short runs spend most of their
 * time, and enter at many more places, in compiled code.
 */
export function differential(
  image: ElfImage,
  opts: MachineOptions,
  limit: number,
  step = 7919,
  hot = 4,
): { checkpoints: number; blocks: number; stats: BlockStats; wasmBlocks: number; jsInArena: number } {
  return compareMachines(
    new Machine(image, { ...opts, compile: true }),
    new Machine(image, { ...opts, compile: false }),
    limit,
    step,
    hot,
  );
}

/** The comparison of differential() on two machines built alike, `fast` with blocks and `slow` without. */
export function compareMachines(
  fast: Machine,
  slow: Machine,
  limit: number,
  step: number,
  hot = 4,
): { checkpoints: number; blocks: number; stats: BlockStats; output: string; wasmBlocks: number; jsInArena: number } {
  fast.exec.compile = true;
  slow.exec.compile = false;
  fast.memory.blocks.hot = hot;
  let outFast = '',
    outSlow = '';
  fast.onConsole = (b) => {
    outFast += Buffer.from(b).toString('latin1');
  };
  slow.onConsole = (b) => {
    outSlow += Buffer.from(b).toString('latin1');
  };
  let checkpoints = 0;
  for (;;) {
    const a = fast.run(step),
      b = slow.run(step);
    assert.deepEqual(a, b, `run results differ at position ${slow.position}`);
    assert.equal(machineState(fast), machineState(slow), `state differs at position ${slow.position}`);
    checkpoints++;
    if (a.reason !== 'limit' || fast.position >= limit) break;
  }
  assert.equal(ramHash(fast), ramHash(slow), 'RAM differs');
  assert.equal(outFast, outSlow);
  return {
    checkpoints,
    blocks: fast.memory.blocks.compiledTotal,
    stats: fast.memory.blocks.stats,
    output: outSlow,
    wasmBlocks: fast.memory.arena?.moduleBlocks ?? 0,
    jsInArena: fast.memory.arena?.jsBlocks ?? 0,
  };
}
