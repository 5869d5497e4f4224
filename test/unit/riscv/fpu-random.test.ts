// Randomized cross-check of execFp against the BigInt-rational reference, for every rounding mode.
// Inputs are drawn (fixed seed) to hit cancellation, subnormals, overflow and underflow thresholds, and specials.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BINARY32,
  BINARY64,
  Format,
  Result,
  refAdd,
  refConvert,
  refDiv,
  refFma,
  refFromInt,
  refMul,
  refSqrt,
  refToInt,
} from '../support/fpu-reference';
import { exec, hart, hex, op32, op64, setF32, setF64, DYN } from '../support/fpu-harness';

/** mulberry32: a small, fixed-seed generator so failures reproduce. */
function generator(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

const rand = generator(0x5eed1234);
const below = (n: number) => rand() % n;
function randBits(n: number): bigint {
  let v = 0n;
  for (let i = 0; i < n; i += 32) v = (v << 32n) | BigInt(rand());
  return v & ((1n << BigInt(n)) - 1n);
}

function pack(f: Format, neg: boolean, e: number, frac: bigint): bigint {
  return ((neg ? 1n : 0n) << BigInt(f.ebits + f.p - 1)) | (BigInt(e) << BigInt(f.p - 1)) | frac;
}

/** A random operand biased toward interesting encodings. */
function operand(f: Format): bigint {
  const maxE = 2 ** f.ebits - 1;
  const neg = below(2) === 1;
  const fracMask = (1n << BigInt(f.p - 1)) - 1n;
  // Fractions with long runs of ones or zeros make ties and carries likely.
  const frac = (() => {
    switch (below(4)) {
      case 0:
        return randBits(f.p - 1);
      case 1:
        return randBits(f.p - 1) & ~((1n << BigInt(below(f.p))) - 1n) & fracMask;
      case 2:
        return (randBits(f.p - 1) | ((1n << BigInt(below(f.p))) - 1n)) & fracMask;
      default:
        return BigInt(below(16)) << BigInt(f.p - 5);
    }
  })();
  switch (below(20)) {
    case 0:
      return pack(f, neg, 0, 0n);
    case 1:
      return pack(f, neg, maxE, 0n);
    case 2:
      return pack(f, neg, maxE, frac | (1n << BigInt(f.p - 2))); // quiet NaN
    case 3:
      return pack(f, neg, maxE, frac & (fracMask >> 1n) || 1n); // signaling NaN
    case 4:
    case 5:
      return pack(f, neg, 0, frac); // subnormal
    case 6:
      return pack(f, neg, 1 + below(f.p + 2), frac); // just above the subnormals
    case 7:
      return pack(f, neg, maxE - 1 - below(4), frac); // near overflow
    case 8:
      return pack(f, neg, f.emax + below(3) - 1, frac); // around 1
    default:
      return pack(f, neg, f.emax - 40 + below(80), frac);
  }
}

/** An operand close to `like` (same or adjacent exponent) so that subtraction cancels. */
function near(f: Format, like: bigint): bigint {
  const delta = BigInt(below(64)) - 32n;
  return BigInt.asUintN(f.ebits + f.p, like + delta) ^ (below(2) ? 1n << BigInt(f.ebits + f.p - 1) : 0n);
}

function check(what: string, got: { bits: bigint | number; flags: number }, want: Result): void {
  const g = typeof got.bits === 'number' ? BigInt(got.bits >>> 0) : got.bits;
  if (g !== want.bits || got.flags !== want.flags) {
    assert.fail(`${what}: got ${hex(g)} flags ${got.flags}, want ${hex(want.bits)} flags ${want.flags}`);
  }
}

const ROUNDS = Number(process.env.FPU_ROUNDS ?? 2500);

function runBinary(f: Format, suffix: 's' | 'd'): void {
  const is32 = suffix === 's';
  for (let i = 0; i < ROUNDS; i++) {
    const a = operand(f);
    const b = below(4) === 0 ? near(f, a) : operand(f);
    let c = operand(f);
    const rm = below(6);
    const field = rm === 5 ? DYN : rm;
    const mode = rm === 5 ? below(5) : rm;
    hart.frm = mode;
    const run = (name: string, x: bigint, y = 0n, z = 0n) =>
      is32 ? op32(`${name}.s`, field, Number(x), Number(y), Number(z)) : op64(`${name}.d`, field, x, y, z);
    const args = `${hex(a)} ${hex(b)} rm=${mode}`;
    check(`fadd.${suffix} ${args}`, run('fadd', a, b), refAdd(a, b, f, mode));
    check(`fsub.${suffix} ${args}`, run('fsub', a, b), refAdd(a, b, f, mode, true));
    check(`fmul.${suffix} ${args}`, run('fmul', a, b), refMul(a, b, f, mode));
    check(`fdiv.${suffix} ${args}`, run('fdiv', a, b), refDiv(a, b, f, mode));
    check(`fsqrt.${suffix} ${args}`, run('fsqrt', a), refSqrt(a, f, mode));
    // Make the addend cancel the product now and then, where fusion matters most.
    if (below(3) === 0) {
      const p = refMul(a, b, f, 0).bits;
      c = near(f, p);
    }
    const fargs = `${args} c=${hex(c)}`;
    check(`fmadd.${suffix} ${fargs}`, run('fmadd', a, b, c), refFma(a, b, c, f, mode, false, false));
    check(`fmsub.${suffix} ${fargs}`, run('fmsub', a, b, c), refFma(a, b, c, f, mode, false, true));
    check(`fnmsub.${suffix} ${fargs}`, run('fnmsub', a, b, c), refFma(a, b, c, f, mode, true, false));
    check(`fnmadd.${suffix} ${fargs}`, run('fnmadd', a, b, c), refFma(a, b, c, f, mode, true, true));
  }
}

test('binary32 arithmetic matches the rational reference', () => runBinary(BINARY32, 's'));
test('binary64 arithmetic matches the rational reference', () => runBinary(BINARY64, 'd'));

test('conversions match the rational reference', () => {
  const kinds: [string, 32 | 64, boolean][] = [
    ['w', 32, true],
    ['wu', 32, false],
    ['l', 64, true],
    ['lu', 64, false],
  ];
  for (let i = 0; i < ROUNDS; i++) {
    const rm = below(5);
    for (const [f, s] of [
      [BINARY32, 's'],
      [BINARY64, 'd'],
    ] as [Format, string][]) {
      // Operands around the integer range boundaries as well as general ones.
      let a = operand(f);
      if (below(2) === 0) {
        const v = [2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 0.5, 1.5, 2.5][below(7)] * (below(2) ? -1 : 1);
        const base =
          f === BINARY32
            ? BigInt(new Uint32Array(new Float32Array([v]).buffer)[0])
            : new BigUint64Array(new Float64Array([v]).buffer)[0];
        a = base + BigInt(below(5)) - 2n;
      }
      for (const [k, bits, signed] of kinds) {
        if (s === 's') setF32(2, Number(a));
        else setF64(2, a);
        const got = exec(`fcvt.${k}.${s}`, rm, true);
        const want = refToInt(a, f, rm, bits, signed);
        if (got.bits !== want.value || got.flags !== want.flags) {
          assert.fail(
            `fcvt.${k}.${s} ${hex(a)} rm=${rm}: got ${hex(got.bits)}/${got.flags} want ${hex(want.value)}/${want.flags}`,
          );
        }
      }
    }
    const xv = below(3) === 0 ? randBits(64) : below(2) ? randBits(below(64) + 1) : BigInt(below(1 << 30));
    for (const [k, bits, signed] of kinds) {
      const raw = bits === 32 ? BigInt.asUintN(64, BigInt.asIntN(32, xv)) : xv;
      const value =
        bits === 32 ? (signed ? BigInt.asIntN(32, xv) : BigInt.asUintN(32, xv)) : signed ? BigInt.asIntN(64, xv) : xv;
      for (const [f, s] of [
        [BINARY32, 's'],
        [BINARY64, 'd'],
      ] as [Format, string][]) {
        hart.writeX(2, raw);
        const got = exec(`fcvt.${s}.${k}`, rm);
        const want = refFromInt(value, f, rm);
        const gotBits = s === 's' ? got.bits & 0xffffffffn : got.bits;
        check(`fcvt.${s}.${k} ${hex(raw)} rm=${rm}`, { bits: gotBits, flags: got.flags }, want);
      }
    }
    const d = operand(BINARY64);
    setF64(2, d);
    const sd = exec('fcvt.s.d', rm);
    check(
      `fcvt.s.d ${hex(d)} rm=${rm}`,
      { bits: sd.bits & 0xffffffffn, flags: sd.flags },
      refConvert(d, BINARY64, BINARY32, rm),
    );
    const s32 = operand(BINARY32);
    setF32(2, Number(s32));
    check(`fcvt.d.s ${hex(s32)} rm=${rm}`, exec('fcvt.d.s', rm), refConvert(s32, BINARY32, BINARY64, rm));
  }
});
