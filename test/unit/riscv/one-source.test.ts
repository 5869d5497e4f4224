// Issue 13, item 1: one semantic source per instruction. The integer instructions are IR entries in semantics.ts,
// and all three places that run them follow the entry: re-binding an op to a random IR value changes the
// interpreter's generated case, JS blocks and wasm blocks alike, and all three then compute what a BigInt reading of
// the IR says. The wasm emitter has no per-instruction code, and every op the interpreter runs from an IR entry
// stays inside wasm blocks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { INSTRUCTIONS, Op } from '../../../src/riscv/instructions';
import { define, immediate, ir, semanticsOf } from '../../../src/riscv/semantics';
import type { Binary, Binary32, Call, CompareOp, Semantic, Value, Word } from '../../../src/riscv/semantics';
import { interpreterSwitch } from '../../../src/riscv/interpreter-gen';
import { compileBlock } from '../../../src/riscv/block-compiler';
import type { Block } from '../../../src/riscv/block-compiler';
import { WasmArena, WasmBlock } from '../../../src/riscv/wasm-block';
import { Memory } from '../../../src/machine/memory';
import * as alu from '../../../src/riscv/alu64';

const BASE = 0x80000000;
const RAM = 1 << 20;
const TWO32 = 4294967296;

test('the wasm emitter has no code of its own for any instruction: no Op cases, no immediate bit-slicing', () => {
  const text = readFileSync('src/riscv/wasm-block.ts', 'utf8');
  assert.equal(text.match(/case Op\./g), null, 'wasm-block.ts still switches on ops');
  // The only op it names is the table's last id, to derive SUPPORTED over all of them.
  assert.deepEqual([...new Set(text.match(/\bOp\.[A-Z_]+/g))], ['Op.BREAKPOINT']);
  // Immediates come from semantics.ts (`immediate[k](w)`): no signed shifts of the word, no U/J/B field masks.
  assert.equal(text.match(/\bw >> \d|0xfffff000|>>> 21\)|>>> 25\)/g), null);
});

/** A memory in a wasm arena; `put` writes words at BASE for the next block compiled there. */
function machine() {
  const arena = new WasmArena(RAM, 1);
  const mem = new Memory(RAM, arena);
  const put = (...words: number[]) => {
    const bytes = new Uint8Array(new Int32Array(words).buffer);
    assert.ok(mem.loadBytes(BASE, bytes, bytes.length));
  };
  return { arena, mem, put };
}

/** A word of `row` with random register and immediate fields (what its mask leaves free). */
const wordOf = (row: (typeof INSTRUCTIONS)[number], rnd: () => number) => row.match | (rnd() & ~row.mask) | 0;

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s | 0;
  };
}

test('every op the interpreter runs from an IR entry, and every integer load and store, compiles into a wasm block', () => {
  const rnd = prng(13);
  const integer = (s: Semantic | undefined) =>
    s !== undefined &&
    (s.kind === 'alu' ||
      s.kind === 'branch' ||
      s.kind === 'jump' ||
      ((s.kind === 'load' || s.kind === 'store') && !s.float));
  const rows = INSTRUCTIONS.filter((r) => integer(semanticsOf(r.op)));
  // RV64I (less ecall/ebreak/fence.i and the CSRs) and M: 40 + 7 loads and 4 stores + 13.
  assert.ok(rows.length >= 60, `only ${rows.length} integer rows`);
  for (const row of rows) {
    const { arena, mem, put } = machine();
    for (let k = 0; k < 4; k++) {
      const w = wordOf(row, rnd);
      // The instruction, then one that ends every block (ecall): a one-instruction block.
      put(w, 0x00000073);
      const b = arena.compile(mem, BASE, BASE, false, new Set());
      assert.ok(b instanceof WasmBlock, `${row.name} (${(w >>> 0).toString(16)}) is not compiled to wasm`);
      assert.equal(b.len, 1, `${row.name} fell out of its wasm block`);
    }
  }
});

// ---- A reading of the IR in BigInt: what every backend must compute ----

const MASK64 = (1n << 64n) - 1n;
const s64 = (v: bigint) => BigInt.asIntN(64, v);
const u64 = (v: bigint) => BigInt.asUintN(64, v);
const s32 = (v: bigint) => BigInt.asIntN(32, v);
const u32 = (v: bigint) => BigInt.asUintN(32, v);
const MIN64 = -(1n << 63n);
const MIN32 = -(1n << 31n);

interface Env {
  rs1: bigint;
  rs2: bigint;
  imm: number;
  pc: number;
}

function divide(fn: Call, a: bigint, b: bigint): bigint {
  switch (fn) {
    case 'div':
      return b === 0n ? -1n : a === MIN64 && b === -1n ? a : a / b;
    case 'rem':
      return b === 0n ? a : a === MIN64 && b === -1n ? 0n : a % b;
    case 'divu':
      return b === 0n ? -1n : s64(u64(a) / u64(b));
    case 'remu':
      return b === 0n ? a : s64(u64(a) % u64(b));
    case 'divw': {
      const x = s32(a),
        y = s32(b);
      return y === 0n ? -1n : x === MIN32 && y === -1n ? x : s32(x / y);
    }
    case 'remw': {
      const x = s32(a),
        y = s32(b);
      return y === 0n ? x : x === MIN32 && y === -1n ? 0n : s32(x % y);
    }
    case 'divuw':
      return u32(b) === 0n ? -1n : s32(u32(a) / u32(b));
    case 'remuw':
      return u32(b) === 0n ? s32(a) : s32(u32(a) % u32(b));
    case 'mulh':
      return s64((a * b) >> 64n);
    case 'mulhsu':
      return s64((a * u64(b)) >> 64n);
    case 'mulhu':
      return s64((u64(a) * u64(b)) >> 64n);
  }
}

function evaluate(v: Value, e: Env): bigint {
  switch (v.op) {
    case 'rs1':
      return e.rs1;
    case 'rs2':
      return e.rs2;
    case 'imm':
      return BigInt(e.imm);
    case 'pcImm':
      return s64(BigInt(e.pc + e.imm));
    case 'sext32':
      return s32(evaluateWord(v.a, e));
    case 'call':
      return divide(v.fn, evaluate(v.a, e), evaluate(v.b, e));
    case 'eq':
    case 'ne':
    case 'lt_s':
    case 'ge_s':
    case 'lt_u':
    case 'ge_u': {
      const a = evaluate(v.a, e),
        b = evaluate(v.b, e);
      const r = {
        eq: a === b,
        ne: a !== b,
        lt_s: a < b,
        ge_s: a >= b,
        lt_u: u64(a) < u64(b),
        ge_u: u64(a) >= u64(b),
      }[v.op];
      return r ? 1n : 0n;
    }
    default: {
      const a = evaluate(v.a, e),
        b = evaluate(v.b, e),
        sh = b & 63n;
      const r = {
        add: () => a + b,
        sub: () => a - b,
        xor: () => a ^ b,
        or: () => a | b,
        and: () => a & b,
        mul: () => a * b,
        shl: () => (a << sh) & MASK64,
        shr_u: () => u64(a) >> sh,
        shr_s: () => a >> sh,
      }[v.op]();
      return s64(r);
    }
  }
}

function evaluateWord(w: Word, e: Env): bigint {
  const a = s32(evaluate(w.a, e)),
    b = s32(evaluate(w.b, e)),
    sh = b & 31n;
  const r = {
    add32: () => a + b,
    sub32: () => a - b,
    mul32: () => a * b,
    shl32: () => a << sh,
    shr_u32: () => u32(a) >> sh,
    shr_s32: () => a >> sh,
  }[w.op]();
  return s32(r);
}

// ---- Random IR values ----

const BINARY: Binary[] = ['add', 'sub', 'xor', 'or', 'and', 'shl', 'shr_u', 'shr_s', 'mul'];
const COMPARE: CompareOp[] = ['eq', 'ne', 'lt_s', 'ge_s', 'lt_u', 'ge_u'];
const WORD: Binary32[] = ['add32', 'sub32', 'shl32', 'shr_u32', 'shr_s32', 'mul32'];
const CALLS: Call[] = ['mulh', 'mulhsu', 'mulhu', 'div', 'divu', 'rem', 'remu', 'divw', 'divuw', 'remw', 'remuw'];

function randomValue(rnd: () => number, depth: number): Value {
  const pick = <T>(xs: readonly T[]) => xs[(rnd() >>> 0) % xs.length];
  if (depth === 0 || (rnd() & 7) === 0) return pick([ir.rs1, ir.rs2, ir.imm, ir.pcImm, ir.rs1, ir.rs2]);
  const sub = () => randomValue(rnd, depth - 1);
  switch ((rnd() >>> 0) % 5) {
    case 0:
    case 1:
      return ir.bin(pick(BINARY), sub(), sub());
    case 2:
      return ir.cmp(pick(COMPARE), sub(), sub());
    case 3:
      return ir.sext32(ir.word(pick(WORD), sub(), sub()));
    default:
      return ir.call(pick(CALLS), sub(), sub());
  }
}

/** Register values that reach the edges: zero, -1, the extremes, 32-bit boundaries, and random ones. */
function randomReg(rnd: () => number): bigint {
  const edges = [0n, 1n, -1n, MIN64, -MIN64 - 1n, 0x7fffffffn, -0x80000000n, 0xffffffffn, 0x100000000n, 63n, 64n];
  if ((rnd() & 3) === 0) return edges[(rnd() >>> 0) % edges.length];
  return s64((BigInt(rnd() >>> 0) << 32n) | BigInt(rnd() >>> 0));
}

/** The interpreter's generated case for `name`, as a function of its locals that returns the next pc. */
function interpreterCase(name: string) {
  const text = interpreterSwitch();
  const at = text.indexOf(`case Op.${name}:`);
  const next = text.indexOf('\ncase Op.', at + 1);
  const body = text.slice(at + `case Op.${name}:`.length, next);
  const helpers = { ...alu, TWO32 };
  const run = new Function(
    'x',
    'rs1',
    'rs2',
    'rd',
    'w',
    'pc',
    'npc',
    ...Object.keys(helpers),
    `switch (0) { default: ${body} } return pc;`,
  );
  return {
    body,
    run: (x: Int32Array, w: number, pc: number): number =>
      run(
        x,
        2 * ((w >>> 15) & 31),
        2 * ((w >>> 20) & 31),
        2 * ((w >>> 7) & 31),
        w,
        pc,
        pc + 4,
        ...Object.values(helpers),
      ),
  };
}

/** Runs `b` once on registers `regs` as the chain loop calls a block; returns its count and next pc. */
function runBlock(mem: Memory, arena: WasmArena, b: Block, regs: bigint[]) {
  const ctx = mem.blocks.ctx;
  ctx.x = arena.registers(0);
  regs.forEach((v, r) => ctx.x.set(halves(v), 2 * r));
  ctx.budget = 10;
  ctx.bail = 0;
  ctx.last = b;
  ctx.calls = 1;
  b.fn(ctx);
  return { count: ctx.count, pc: ctx.pc, x: ctx.x };
}

const halves = (v: bigint): [number, number] => [Number(s32(v)), Number(s32(v >> 32n))];
const join = (lo: number, hi: number) => (BigInt(hi) << 32n) | BigInt(lo >>> 0);

// Hosts for a re-bound entry, one per immediate kind an `alu` entry can have: its encoding gives the fields.
const HOSTS = [
  { op: Op.ADDI, name: 'ADDI', imm: 'I' },
  { op: Op.SLLI, name: 'SLLI', imm: 'SH6' },
  { op: Op.SRAIW, name: 'SRAIW', imm: 'SH5' },
  { op: Op.LUI, name: 'LUI', imm: 'U' },
] as const;

for (const host of HOSTS) {
  test(`${host.name} re-bound to random IR values changes the interpreter, JS blocks and wasm blocks alike`, () => {
    const rnd = prng(2026 + host.op);
    const row = INSTRUCTIONS.find((r) => r.op === host.op)!;
    const original = semanticsOf(host.op)!;
    const before = interpreterCase(host.name).body;
    let checked = 0;
    try {
      for (let t = 0; t < 60; t++) {
        // A value other than the entry's own, so that the generated case must change.
        let value = randomValue(rnd, 1 + (t % 4));
        while (JSON.stringify(value) === JSON.stringify(original.kind === 'alu' && original.value))
          value = randomValue(rnd, 1 + (t % 4));
        define(host.op, { kind: 'alu', imm: host.imm, value });
        const interp = interpreterCase(host.name);
        assert.notEqual(interp.body, before, 'the generated interpreter case did not follow the entry');
        const { arena, mem, put } = machine();
        for (let k = 0; k < 6; k++) {
          let w = wordOf(row, rnd);
          if (((w >>> 7) & 31) === 0) w |= 5 << 7; // a write to x0 would vanish
          const regs = Array.from({ length: 32 }, (_, r) => (r === 0 ? 0n : randomReg(rnd)));
          const env: Env = {
            rs1: regs[(w >>> 15) & 31],
            rs2: regs[(w >>> 20) & 31],
            imm: immediate[host.imm](w),
            pc: BASE,
          };
          const want = evaluate(value, env);
          const rd = (w >>> 7) & 31;
          const where = `${JSON.stringify(value)} on ${(w >>> 0).toString(16)} rs1=${env.rs1} rs2=${env.rs2}`;

          // The interpreter's case text.
          const x = new Int32Array(64);
          regs.forEach((v, r) => x.set(halves(v), 2 * r));
          interp.run(x, w, BASE);
          assert.equal(join(x[2 * rd], x[2 * rd + 1]), want, `interpreter: ${where}`);

          // A JS block and a wasm block of the instruction followed by ecall.
          put(w, 0x00000073);
          const js = compileBlock(mem, BASE, BASE, false, new Set())!;
          const wasm = arena.compile(mem, BASE, BASE, false, new Set())!;
          assert.ok(wasm instanceof WasmBlock && wasm.len === 1, `not a wasm block: ${where}`);
          for (const [name, b] of [
            ['JS', js],
            ['wasm', wasm],
          ] as const) {
            const r = runBlock(mem, arena, b, regs);
            assert.equal(r.count, 1, `${name} block: ${where}`);
            assert.equal(r.pc, BASE + 4);
            assert.equal(join(r.x[2 * rd], r.x[2 * rd + 1]), want, `${name} block: ${where}`);
          }
          checked++;
        }
      }
    } finally {
      define(host.op, original);
    }
    assert.equal(interpreterCase(host.name).body, before);
    assert.equal(checked, 360);
  });
}

test('a branch re-bound to a random IR condition is taken by the interpreter, JS blocks and wasm blocks alike', () => {
  const rnd = prng(7);
  const bne = INSTRUCTIONS.find((r) => r.op === Op.BNE)!;
  const original = semanticsOf(Op.BNE)!;
  const before = interpreterCase('BNE').body;
  const taken = [0, 0];
  try {
    for (let t = 0; t < 120; t++) {
      const cond = ir.cmp(COMPARE[t % COMPARE.length], randomValue(rnd, t % 3), randomValue(rnd, (t >> 1) % 3));
      define(Op.BNE, { kind: 'branch', cond });
      const interp = interpreterCase('BNE');
      assert.notEqual(interp.body, before, 'the generated interpreter case did not follow the entry');
      const { arena, mem, put } = machine();
      for (let k = 0; k < 4; k++) {
        // A forward branch within the page, so that both exits are plain pcs.
        const w = (wordOf(bne, rnd) & 0x01fff07f & ~(1 << 7)) | 0x100;
        const target = BASE + immediate.B(w);
        const regs = Array.from({ length: 32 }, (_, r) => (r === 0 ? 0n : randomReg(rnd)));
        // The branch has no immediate of its own kind: `imm` reads 0 in its condition, and pcImm the pc.
        const env: Env = { rs1: regs[(w >>> 15) & 31], rs2: regs[(w >>> 20) & 31], imm: 0, pc: BASE };
        const want = evaluate(cond, env) === 1n ? target : BASE + 4;
        taken[want === target ? 1 : 0]++;
        const where = `${JSON.stringify(cond)} on ${(w >>> 0).toString(16)} rs1=${env.rs1} rs2=${env.rs2}`;
        const x = new Int32Array(64);
        regs.forEach((v, r) => x.set(halves(v), 2 * r));
        assert.equal(interp.run(x, w, BASE), want, `interpreter: ${where}`);
        put(w, 0x00000073);
        const js = compileBlock(mem, BASE, BASE, false, new Set())!;
        const wasm = arena.compile(mem, BASE, BASE, false, new Set())!;
        assert.ok(wasm instanceof WasmBlock && wasm.len === 1, `not a wasm block: ${where}`);
        for (const [name, b] of [
          ['JS', js],
          ['wasm', wasm],
        ] as const) {
          const r = runBlock(mem, arena, b, regs);
          assert.equal(r.count, 1, `${name} block: ${where}`);
          assert.equal(r.pc, want, `${name} block: ${where}`);
        }
      }
    }
  } finally {
    define(Op.BNE, original);
  }
  assert.equal(interpreterCase('BNE').body, before);
  assert.ok(taken[0] > 50 && taken[1] > 50, `branches taken ${taken[1]}, not taken ${taken[0]}: too one-sided`);
});
