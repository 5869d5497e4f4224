// Differential test of the block compiler against the interpreter, which stays the reference: the same guest
// runs on two machines, one compiling hot code and one not, and their complete state must agree at every checkpoint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Machine } from '../../../src/machine/machine';
import { compileBlock } from '../../../src/riscv/block-compiler';

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
    // Compile after 4 arrivals instead of HOT, so these short runs are mostly compiled code.
    fast.memory.blocks.hot = 4;
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

/** A block compiled from `words` at the start of a small RAM: how many of them it holds. */
function compiledLength(words: number[]): number {
  const ram8 = new Uint8Array(8192);
  const src = {
    ramBase: 0x80000000,
    ramSize: ram8.length,
    ram8,
    ram16: new Uint16Array(ram8.buffer),
    ram32: new Int32Array(ram8.buffer),
    pageFlags: new Uint8Array(2),
  };
  words.forEach((w, k) => (src.ram32[k] = w | 0));
  return compileBlock(src, 0x80000000, 0x80000000, false, new Set())?.len ?? 0;
}

test('blocks hold FP, FP loads and stores, AMO, LR/SC and reads of counter CSRs, FP CSR accesses, and end before other CSR writes', () => {
  const body = [
    0x02208053, // fadd.d f0, f1, f2, rne
    0x0005b087, // fld f1, 0(x11)
    0x0015a027, // fsw f1, 0(x11)
    0xe20000d3, // fmv.x.d x1, f0
    0x0065a2af, // amoadd.w x5, x6, (x11)
    0x1005b3af, // lr.d x7, (x11)
    0x1865b42f, // sc.d x8, x6, (x11)
    0xc0102473, // rdtime x8
    0xc00024f3, // rdcycle x9
    0xf1402573, // csrr x10, mhartid
    0x00102773, // frflags x14
    0x00171073, // fsflags x14
    0x0020d073, // fsrmi 1 (csrrwi x0, frm, 1)
    0x00150513, // addi x10, x10, 1
  ];
  assert.equal(compiledLength(body), body.length);
  assert.equal(compiledLength([0x00150513, 0x30029073, 0x00150513]), 1, 'csrw mstatus ends the block');
  assert.equal(compiledLength([0x00150513, 0x00000073]), 1, 'ecall ends the block');
});
