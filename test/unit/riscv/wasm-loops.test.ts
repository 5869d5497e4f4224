// Wasm blocks that loop inside their own function: back to their start, into their middle (backwards and
// forwards), with exits that store only what was written before them, and inline division; each against the
// interpreter at many budget cuts, and checked to have really looped without the dispatcher.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ElfImage } from '../../../src/machine/elf';
import { encode } from '../support/instruction-harness';
import { differential } from '../support/jit-differential';

const BASE = 0x80000000;
const DATA = 0x80010000;

/** An image of `prog` after setup code (x5 = DATA, x7 a seed, x19 = -1, x22 = -2^31), looping forever. */
function image(prog: number[]): ElfImage {
  const setup = [
    encode('auipc', { rd: 5, imm: DATA - BASE }),
    encode('addi', { rd: 7, rs1: 0, imm: 1234 }),
    encode('addi', { rd: 19, rs1: 0, imm: -1 }),
    encode('slli', { rd: 22, rs1: 19, imm: 31 }),
  ];
  const all = [...setup, ...prog];
  const bytes = new Uint8Array(all.length * 4);
  all.forEach((w, k) => new DataView(bytes.buffer).setUint32(4 * k, w >>> 0, true));
  const data = new Uint8Array(0x1000);
  for (let k = 0; k < data.length; k++) data[k] = (k * 37) & 255;
  return {
    entry: BASE,
    segments: [
      { paddr: BASE, data: bytes, memSize: 0x1000 },
      { paddr: DATA, data, memSize: data.length },
    ],
    symbols: new Map(),
  };
}

/** A branch at index `from` of the loop body to index `to`. */
const br = (name: string, rs1: number, rs2: number, from: number, to: number) =>
  encode(name, { rs1, rs2, imm: 4 * (to - from) });

// A xorshift step; the data-dependent paths below follow its bits.
const XORSHIFT = [
  encode('slli', { rd: 10, rs1: 7, imm: 13 }),
  encode('xor', { rd: 7, rs1: 7, rs2: 10 }),
  encode('srli', { rd: 10, rs1: 7, imm: 7 }),
  encode('xor', { rd: 7, rs1: 7, rs2: 10 }),
  encode('slli', { rd: 10, rs1: 7, imm: 17 }),
  encode('xor', { rd: 7, rs1: 7, rs2: 10 }),
];

test('a block whose branches go into its own middle loops inside wasm and agrees with the interpreter', () => {
  const n = XORSHIFT.length;
  const F = n + 8; // forward target, skipping the divisions
  const prog = [
    ...XORSHIFT,
    encode('andi', { rd: 11, rs1: 7, imm: 3 }),
    br('beq', 11, 0, n + 1, F),
    encode('addi', { rd: 12, rs1: 12, imm: 1 }),
    encode('divu', { rd: 13, rs1: 7, rs2: 11 }),
    encode('remw', { rd: 14, rs1: 7, rs2: 0 }),
    encode('divw', { rd: 18, rs1: 22, rs2: 19 }),
    encode('rem', { rd: 20, rs1: 7, rs2: 19 }),
    encode('div', { rd: 21, rs1: 7, rs2: 12 }),
    // F: a load and a store over DATA.
    encode('andi', { rd: 15, rs1: 7, imm: 0x7f8 }),
    encode('add', { rd: 15, rs1: 15, rs2: 5 }),
    encode('ld', { rd: 16, rs1: 15, imm: 0 }),
    encode('add', { rd: 16, rs1: 16, rs2: 7 }),
    encode('sd', { rs1: 15, rs2: 16, imm: 0 }),
    encode('addi', { rd: 6, rs1: 6, imm: 1 }),
    encode('andi', { rd: 17, rs1: 6, imm: 3 }),
    // Backwards into the middle (F) three times in four, then to the start or on.
    br('bne', 17, 0, F + 7, F),
    encode('andi', { rd: 17, rs1: 7, imm: 4 }),
    br('bne', 17, 0, F + 9, 0),
    encode('addi', { rd: 23, rs1: 23, imm: 3 }),
    encode('remuw', { rd: 24, rs1: 23, rs2: 7 }),
    encode('divuw', { rd: 25, rs1: 7, rs2: 0 }),
    encode('remu', { rd: 26, rs1: 7, rs2: 23 }),
    encode('jal', { rd: 0, imm: -4 * (F + 14) }),
  ];
  for (const step of [997, 7919, 100_003]) {
    const r = differential(image(prog), {}, 400_000, step);
    assert.ok(r.wasmBlocks > 0, 'no wasm blocks were compiled');
    // Only looping inside the function gives more instructions per call than the block holds.
    const perCall = r.stats.inBlocks / r.stats.calls;
    assert.ok(perCall > prog.length, `${perCall.toFixed(1)} instructions per block call: it did not loop inside`);
  }
});

test('exits of a block that loops to its start store what the pass wrote, before and after each write', () => {
  const n = XORSHIFT.length;
  const prog = [
    ...XORSHIFT,
    // Leaves early, before x12..x14 are written on this pass (but after earlier passes wrote them).
    encode('andi', { rd: 11, rs1: 7, imm: 7 }),
    br('beq', 11, 0, n + 1, n + 9),
    encode('addi', { rd: 12, rs1: 12, imm: 5 }),
    encode('andi', { rd: 13, rs1: 7, imm: 0x7f8 }),
    encode('add', { rd: 13, rs1: 13, rs2: 5 }),
    encode('lw', { rd: 14, rs1: 13, imm: 0 }),
    encode('sw', { rs1: 13, rs2: 7, imm: 4 }),
    br('bne', 14, 12, n + 7, 0),
    encode('jal', { rd: 0, imm: -4 * (n + 8) }),
    // n + 9: out of the loop block, and back to its start.
    encode('addi', { rd: 15, rs1: 15, imm: 1 }),
    encode('jal', { rd: 0, imm: -4 * (n + 10) }),
  ];
  for (const step of [61, 997, 7919]) {
    const r = differential(image(prog), {}, 200_000, step);
    assert.ok(r.wasmBlocks > 0, 'no wasm blocks were compiled');
    assert.ok(r.stats.inBlocks > 100_000, `only ${r.stats.inBlocks} instructions ran in blocks`);
  }
});
