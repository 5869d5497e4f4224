// Differential test of the block compiler against the interpreter, which stays the reference: the same guest
// runs on two machines, one compiling hot code and one not, and their complete state must agree at every checkpoint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Machine } from '../../../src/machine/machine';

function state(m: Machine): string {
  const parts = [`pos=${m.position}`];
  for (const h of m.harts) {
    parts.push(
      `h${h.id} pc=${h.pc} priv=${h.priv} run=${h.run} ret=${h.retired} x=${Array.from(h.x).join(',')} f=${Array.from(h.fw).join(',')}`,
      `csr=${[h.mstatus, h.mie, h.mip, h.fflags, h.frm, h.mepc, h.mcause, h.mtval, h.mscratch, h.reservation].join(',')}`,
    );
  }
  return parts.join('\n');
}
/** This file tests the JS backend; wasm-block.test.ts the WebAssembly one. */
const JS_BLOCKS = { compile: true, blockBackend: 'js' } as const;
const ramHash = (m: Machine) => createHash('sha256').update(m.memory.ram8).digest('hex');

const CASES: [string, number][] = [
  ['rv64i', 1],
  ['muldiv', 1],
  ['atomics', 1],
  ['compressed', 1],
  ['csr', 1],
  ['traps', 1],
  ['fpu', 1],
  ['bench_small', 1],
  ['paging', 1],
  ['vm_bench', 1],
  ['interrupts', 1],
  ['smp_counters', 3],
  ['smp_ipi', 2],
  ['smp_timer', 2],
  ['uart_echo', 1],
];

for (const [guest, harts] of CASES) {
  test(`${guest} on ${harts} hart(s): compiled blocks agree with the interpreter at every checkpoint`, () => {
    const elf = new Uint8Array(readFileSync(`test/guests/bin/${guest}.elf`));
    const fast = Machine.fromElf(elf, { harts, compile: true, blockBackend: 'js', quantum: 333 });
    const slow = Machine.fromElf(elf, { harts, compile: false, quantum: 333 });
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
      const a = fast.run(7919),
        b = slow.run(7919);
      assert.deepEqual(a, b);
      assert.equal(state(fast), state(slow), `state differs at position ${fast.position}`);
      checkpoints++;
      if (a.reason !== 'limit' || fast.position > 3_000_000) break;
    }
    assert.equal(ramHash(fast), ramHash(slow), 'RAM differs');
    assert.equal(outFast, outSlow);
    assert.ok(checkpoints > 1);
  });
}

test('the compiling machine really compiles blocks, so the comparisons above are not vacuous', () => {
  const m = Machine.fromElf(new Uint8Array(readFileSync('test/guests/bin/bench_small.elf')), JS_BLOCKS);
  m.run(2_000_000);
  const compiled = m.memory.blocks.size;
  assert.ok(compiled > 10, `only ${compiled} blocks compiled`);
});

test('S-mode code under Sv39 runs in compiled blocks whose data goes through the TLB', () => {
  const m = Machine.fromElf(new Uint8Array(readFileSync('test/guests/bin/vm_bench.elf')), JS_BLOCKS);
  m.run(2_000_000);
  assert.ok(m.memory.blocks.translatedSize > 5, `only ${m.memory.blocks.translatedSize} translated blocks`);
});
