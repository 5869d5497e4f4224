// The block cache's policies, each checked against the interpreter: the hot threshold, the demotion of blocks that
// keep bailing out before their first instruction, and a wfi that cannot take its pending interrupt staying in the run.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { parseElf } from '../../../src/machine/elf';
import { DEMOTE_BAILS, HOT } from '../../../src/riscv/block-cache';
import { buildElf, words } from '../support/elf-builder';
import { differential, machineState } from '../support/jit-differential';

const BASE = 0x80000000;
const T0 = 5,
  T1 = 6,
  T2 = 7,
  T3 = 28,
  A0 = 10;
const auipc = (rd: number, imm20: number) => (imm20 << 12) | (rd << 7) | 0x17;
const lui = (rd: number, imm20: number) => (imm20 << 12) | (rd << 7) | 0x37;
const addi = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
const ld = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (3 << 12) | (rd << 7) | 3;
const sw = (rs2: number, rs1: number) => (rs2 << 20) | (rs1 << 15) | (2 << 12) | 0x23;
const csrrs = (rd: number, csr: number, rs1: number) => (csr << 20) | (rs1 << 15) | (2 << 12) | (rd << 7) | 0x73;
const bne = (rs1: number, rs2: number, off: number) =>
  (((off >> 12) & 1) << 31) |
  (((off >> 5) & 63) << 25) |
  (rs2 << 20) |
  (rs1 << 15) |
  (1 << 12) |
  (((off >> 1) & 15) << 8) |
  (((off >> 11) & 1) << 7) |
  0x63;
const WFI = 0x10500073;
const SPIN = 0x6f; // jal x0, 0: the end of every program here
const MIE = 0x304;

const image = (...ws: number[]) =>
  parseElf(buildElf({ entry: BASE, segments: [{ paddr: BASE, bytes: words(...ws), memSize: 0x2000 }] }), 't.elf');

/** A loop of `n` passes whose first instruction is a misaligned load: every compiled block there bails at once. */
const misalignedLoop = (n: number) =>
  image(auipc(T0, 1), addi(T0, T0, 1), addi(T1, 0, n), ld(A0, T0, 0), addi(T1, T1, -1), bne(T1, 0, -8), SPIN);

test('a block that keeps bailing out before its first instruction is demoted, and the run stays exact', () => {
  const r = differential(misalignedLoop(500), { harts: 1 }, 3000, 97);
  assert.ok(r.stats.startBails >= DEMOTE_BAILS, `only ${r.stats.startBails} bail-outs at a block start`);
  assert.ok(r.stats.demoted >= 1, 'no block was demoted');
  // Demoted, the slot stays with the interpreter: the loop's 500 passes do not each call a block that does nothing.
  assert.ok(r.stats.startBails < 100, `${r.stats.startBails} calls bailed out at once`);
});

test('nothing is compiled before HOT arrivals, and the loop is compiled after them', () => {
  const m = Machine.fromElf(
    buildElf({
      entry: BASE,
      segments: [{ paddr: BASE, bytes: words(lui(T1, 16), addi(T1, T1, -1), bne(T1, 0, -4), SPIN) }],
    }),
  );
  m.run(HOT - 10);
  assert.equal(m.memory.blocks.stats.compiled, 0);
  m.run(4 * HOT);
  assert.ok(m.memory.blocks.stats.compiled >= 1, 'the hot loop was not compiled');
  assert.ok(m.memory.blocks.stats.inBlocks > 0);
});

test('a wfi whose pending interrupt is masked ends the run (the hart yields its slice), and runs as steps do', () => {
  // MSIE on, MSIP raised through the CLINT, mstatus.MIE off: each wfi returns at once, as in OpenSBI's HSM wait.
  const prog = image(
    addi(T0, 0, 8),
    csrrs(0, MIE, T0),
    lui(T2, 0x2000),
    addi(T3, 0, 1),
    sw(T3, T2),
    addi(T1, 0, 1000),
    WFI,
    addi(T1, T1, -1),
    bne(T1, 0, -8),
    SPIN,
  );
  const run = new Machine(prog, { compile: false });
  const stepped = new Machine(prog, { compile: false });
  const entries0 = run.memory.blocks.stats.entries;
  run.run(2500);
  for (let k = 0; k < 2500; k++) stepped.stepInstruction(0);
  assert.equal(machineState(run), machineState(stepped));
  // One run of 2500 positions re-entered the interpreter a handful of times (after the CSR write and the MMIO store),
  // not once per wfi.
  assert.ok(run.memory.blocks.stats.entries - entries0 < 20, `${run.memory.blocks.stats.entries - entries0} entries`);
  assert.equal(differential(prog, { harts: 1 }, 4000, 89).checkpoints > 1, true);
});
