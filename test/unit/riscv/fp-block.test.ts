// F/D instructions and FP CSR accesses compiled into JS blocks against the interpreter's own routines (execFp,
// csrInstruction): every computational F/D row with every rm field (static, illegal and dynamic with every frm),
// on seeded operands rich in NaNs, infinities, zeros, subnormals, overflow and unboxed values, must leave the same
// f and x registers, fflags, frm and mstatus, or bail out before the instruction exactly when the interpreter traps.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BlockContext, BlockSource, compileBlock } from '../../../src/riscv/block-compiler';
import { Hart, MSTATUS } from '../../../src/riscv/hart';
import { GROUPS, Group, INSTRUCTIONS, InstructionInfo } from '../../../src/riscv/instructions';
import { execFp } from '../../../src/riscv/fpu';
import { csrInstruction } from '../../../src/riscv/csr';
import { semanticsOf } from '../../../src/riscv/semantics';

const BASE = 0x80000000;
const FS_INITIAL = 1 << MSTATUS.FS_SHIFT;
const clock = { mtime: () => 0n };

function source(): BlockSource {
  const ram8 = new Uint8Array(8192);
  return {
    ramBase: BASE,
    ramSize: ram8.length,
    ram8,
    ram16: new Uint16Array(ram8.buffer),
    ram32: new Int32Array(ram8.buffer),
    pageFlags: new Uint8Array(2),
  };
}

/** Compiles the one instruction `w` (followed by nothing: the block falls through to the next pc). */
function blockOf(w: number): { src: BlockSource; fn: (c: BlockContext) => void } {
  const src = source();
  src.ram32[0] = w | 0;
  const b = compileBlock(src, BASE, BASE, false, new Set());
  assert.ok(b !== null && b.len === 1, `0x${(w >>> 0).toString(16)} does not compile into a block`);
  return { src, fn: b.fn };
}

/** Runs the block on `h`: true when it executed the instruction, false when it bailed out before it. */
function runBlock(blk: { src: BlockSource; fn: (c: BlockContext) => void }, h: Hart): boolean {
  const c = new BlockContext(blk.src);
  c.x = h.x;
  c.h = h;
  c.bus = clock;
  c.budget = 10;
  c.retired = h.retired;
  blk.fn(c);
  if (c.bail !== 0) {
    assert.equal(c.count, 0);
    assert.equal(c.pc, BASE);
    return false;
  }
  assert.equal(c.count, 1);
  assert.equal(c.pc, BASE + 4);
  return true;
}

function state(h: Hart): string {
  return `f=${Array.from(h.fw).join(',')} x=${Array.from(h.x).join(',')} fflags=${h.fflags} frm=${h.frm} mstatus=${h.mstatus}`;
}

/** A small seeded generator (xorshift32), so a failure names a reproducible case. */
function rng(seed: number): () => number {
  let s = seed | 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

const F32 = [
  0, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40400000, 0x7f7fffff, 0xff7fffff, 0x00000001, 0x80000001,
  0x00800000, 0x007fffff, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x7fa00000, 0x3f800001,
  0x4b000001, 0x33800000, 0x4f000000, 0xcf000000, 0x5f800000, 0x0c000000, 0x1f800000, 0x3eaaaaab,
];
const F64_HI = [
  0, 0x80000000, 0x3ff00000, 0xbff00000, 0x3ff80000, 0x7fefffff, 0xffefffff, 0x00100000, 0x000fffff, 0x7ff00000,
  0xfff00000, 0x7ff80000, 0x7ff00000, 0x7ff40000, 0x41e00000, 0xc1e00000, 0x43e00000, 0x43f00000, 0x3e700000,
  0x20000000, 0x5ff00000, 0x36a00000, 0x3fd55555,
];

/** Fills f[r] with a value of either format (or an unboxed single), and x[r] with an integer source. */
function fillF(h: Hart, r: number, next: () => number): void {
  const k = next() % 8;
  if (k < 3) {
    // A boxed binary32, sometimes a random one.
    h.fw[2 * r] = k === 0 ? next() | 0 : F32[next() % F32.length] | 0;
    h.fw[2 * r + 1] = -1;
  } else if (k < 7) {
    h.fw[2 * r + 1] = k === 3 ? next() | 0 : F64_HI[next() % F64_HI.length] | 0;
    h.fw[2 * r] = k === 4 ? next() | 0 : next() % 3 === 0 ? 1 : 0;
  } else {
    // Not NaN-boxed: a binary32 reader sees the canonical NaN.
    h.fw[2 * r] = F32[next() % F32.length] | 0;
    h.fw[2 * r + 1] = next() % 2 === 0 ? 0 : 0x7fffffff;
  }
}

function fillX(h: Hart, r: number, next: () => number): void {
  const k = next() % 4;
  h.x[2 * r] = k === 0 ? next() % 9 : next() | 0;
  h.x[2 * r + 1] = k === 0 ? 0 : k === 1 ? -1 : next() | 0;
}

function encode(i: InstructionInfo, regs: [number, number, number, number], rm: number): number {
  const [rd, rs1, rs2, rs3] = regs;
  return (
    (i.match |
      (rd << 7) |
      (rs1 << 15) |
      ((i.mask & 0x7000) === 0 ? rm << 12 : 0) |
      ((i.mask & (31 << 20)) === 0 ? rs2 << 20 : 0) |
      ((i.mask & (31 << 27)) === 0 ? rs3 << 27 : 0)) >>>
    0
  );
}

const FLOAT_ROWS = INSTRUCTIONS.filter((i) => semanticsOf(i.op)?.kind === 'float');
/** Distinct registers, full aliasing, and x0 as the destination of an x-writing op. */
const REGISTER_SETS: [number, number, number, number][] = [
  [1, 2, 3, 4],
  [5, 5, 5, 5],
  [0, 6, 7, 8],
];
const CASES_PER_ENCODING = 120;

test('every F/D computational row is covered, with and without a rounding-mode field', () => {
  assert.ok(FLOAT_ROWS.length === 58, `only ${FLOAT_ROWS.length} rows`);
  assert.ok(FLOAT_ROWS.some((i) => (GROUPS[i.op] & Group.rounding) !== 0));
  assert.ok(FLOAT_ROWS.some((i) => (GROUPS[i.op] & Group.rounding) === 0));
});

for (const ins of FLOAT_ROWS) {
  test(`${ins.name}: in a block, every rm and frm, the same state as the interpreter's execFp`, () => {
    const usesRm = (GROUPS[ins.op] & Group.rounding) !== 0;
    const next = rng(ins.op * 7919 + 17);
    let executed = 0,
      trapped = 0;
    for (const regs of REGISTER_SETS) {
      for (const rm of usesRm ? [0, 1, 2, 3, 4, 5, 6, 7] : [0]) {
        const w = encode(ins, regs, rm);
        const blk = blockOf(w);
        for (let k = 0; k < CASES_PER_ENCODING; k++) {
          const ref = new Hart(0);
          for (let r = 1; r < 32; r++) {
            fillF(ref, r, next);
            fillX(ref, r, next);
          }
          ref.fflags = next() % 4 === 0 ? next() & 31 : 0;
          ref.frm = next() % 8;
          ref.mstatus = (ref.mstatus & ~MSTATUS.FS) | FS_INITIAL;
          const jit = new Hart(0);
          jit.fw.set(ref.fw);
          jit.x.set(ref.x);
          jit.fflags = ref.fflags;
          jit.frm = ref.frm;
          jit.mstatus = ref.mstatus;
          const before = state(ref);
          const r = execFp(ref, ins.op, w);
          const ran = runBlock(blk, jit);
          const what = `${ins.name} w=0x${w.toString(16)} frm=${ref.frm} case ${k}\n${before}`;
          if (r !== 0) {
            assert.equal(ran, false, `the block ran what the interpreter traps on: ${what}`);
            assert.equal(state(jit), before, `a bail-out changed state: ${what}`);
            trapped++;
          } else {
            assert.equal(ran, true, `the block bailed out: ${what}`);
            assert.equal(state(jit), state(ref), what);
            executed++;
          }
        }
      }
    }
    assert.ok(executed > 0);
    if (usesRm) assert.ok(trapped > 0, 'no illegal rounding mode was tried');
  });
}

test('FP instructions bail out before any change when mstatus.FS is off', () => {
  for (const ins of FLOAT_ROWS) {
    const w = encode(ins, [1, 2, 3, 4], 0);
    const h = new Hart(0);
    fillF(h, 2, rng(ins.op));
    h.mstatus &= ~MSTATUS.FS;
    const before = state(h);
    assert.equal(runBlock(blockOf(w), h), false, ins.name);
    assert.equal(state(h), before, ins.name);
  }
});

test('fflags, frm and fcsr accesses in a block do what csrInstruction does, and bail out when FS is off', () => {
  const csrRows = INSTRUCTIONS.filter((i) => semanticsOf(i.op)?.kind === 'csr');
  assert.equal(csrRows.length, 6);
  const next = rng(4242);
  let cases = 0;
  for (const ins of csrRows) {
    const s = semanticsOf(ins.op);
    assert.ok(s !== undefined && s.kind === 'csr');
    for (const csr of [1, 2, 3]) {
      for (const [rd, src] of [
        [10, 11],
        [10, 10],
        [0, 12],
        [13, 0],
        [14, 31],
      ]) {
        const w = (ins.match | (csr << 20) | (src << 15) | (rd << 7)) >>> 0;
        const blk = blockOf(w);
        for (let k = 0; k < 40; k++) {
          const ref = new Hart(0);
          for (let r = 1; r < 32; r++) fillX(ref, r, next);
          ref.fflags = next() & 31;
          ref.frm = next() % 8;
          const fsOff = k === 0;
          ref.mstatus = (ref.mstatus & ~MSTATUS.FS) | (fsOff ? 0 : FS_INITIAL);
          const jit = new Hart(0);
          jit.x.set(ref.x);
          jit.fflags = ref.fflags;
          jit.frm = ref.frm;
          jit.mstatus = ref.mstatus;
          const before = state(ref);
          const ok = csrInstruction(ref, clock, w, s.variant, s.immediate);
          const ran = runBlock(blk, jit);
          const what = `${ins.name} csr=${csr} rd=${rd} src=${src} case ${k}\n${before}`;
          assert.equal(ran, ok, what);
          assert.equal(state(jit), ok ? state(ref) : before, what);
          cases++;
        }
      }
    }
  }
  assert.equal(cases, 6 * 3 * 5 * 40);
});
