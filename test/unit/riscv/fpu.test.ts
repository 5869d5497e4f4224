// Edge cases of the F and D extensions through execFp: rounding-mode legality, NaN-boxing, signed zeros,
// NaNs, overflow/underflow thresholds, fused vs unfused results, comparisons, fclass and fcvt saturation.

import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MSTATUS } from '../../../src/riscv/hart';
import { execFp } from '../../../src/riscv/fpu';
import {
  DYN,
  DZ,
  NV,
  NX,
  OF,
  RDN,
  RMM,
  RNE,
  RTZ,
  RUP,
  UF,
  encode,
  exec,
  f32,
  f64,
  hart,
  info,
  op32,
  op64,
  setF32,
  setF64,
} from '../support/fpu-harness';

const QNAN32 = 0x7fc00000,
  QNAN64 = 0x7ff8000000000000n;
const SNAN32 = 0x7f800001,
  SNAN64 = 0x7ff0000000000001n;
const INF32 = 0x7f800000,
  NINF32 = 0xff800000 | 0,
  INF64 = 0x7ff0000000000000n,
  NINF64 = 0xfff0000000000000n;
const NEG0_32 = 0x80000000 | 0,
  NEG0_64 = 0x8000000000000000n;
const MAX32 = 0x7f7fffff,
  MAX64 = 0x7fefffffffffffffn;

function eq32(got: { bits: number; flags: number }, bits: number, flags: number, what = ''): void {
  assert.deepEqual({ bits: got.bits >>> 0, flags: got.flags }, { bits: bits >>> 0, flags }, what);
}
function eq64(got: { bits: bigint; flags: number }, bits: bigint, flags: number, what = ''): void {
  assert.deepEqual(got, { bits, flags }, what);
}
function toX(name: string, rm: number): { value: bigint; flags: number } {
  const r = exec(name, rm, true);
  return { value: r.bits, flags: r.flags };
}
const u64 = (v: bigint) => BigInt.asUintN(64, v);

describe('rounding mode field', () => {
  test('rm 5 and 6 are illegal and change nothing', () => {
    for (const rm of [5, 6]) {
      setF64(2, f64(1));
      setF64(3, f64(2));
      hart.writeF(1, 0xabcdn);
      hart.fflags = 3;
      const cause = execFp(hart, info('fadd.d').op, encode('fadd.d', rm));
      assert.equal(cause, 2);
      assert.equal(hart.readF(1), 0xabcdn);
      assert.equal(hart.fflags, 3);
    }
  });
  test('dynamic rm uses frm, and frm >= 5 is illegal', () => {
    setF32(2, f32(1));
    setF32(3, f32(3));
    hart.frm = RTZ;
    eq32(op32('fdiv.s', DYN, f32(1), f32(3)), 0x3eaaaaaa, NX);
    hart.frm = RUP;
    eq32(op32('fdiv.s', DYN, f32(1), f32(3)), 0x3eaaaaab, NX);
    for (const frm of [5, 6, 7]) {
      hart.frm = frm;
      assert.equal(execFp(hart, info('fdiv.s').op, encode('fdiv.s', DYN)), 2);
      assert.equal(execFp(hart, info('fcvt.d.s').op, encode('fcvt.d.s', DYN)), 2);
    }
    // Instructions without an rm field ignore frm.
    assert.equal(execFp(hart, info('fsgnj.s').op, encode('fsgnj.s')), 0);
    assert.equal(execFp(hart, info('feq.d').op, encode('feq.d')), 0);
    hart.frm = 0;
  });
  test('every rounding mode on 1/3 and -1/3 (binary64)', () => {
    const lo = 0x3fd5555555555555n,
      hi = 0x3fd5555555555556n;
    const want: [number, bigint, bigint][] = [
      [RNE, lo, lo],
      [RTZ, lo, lo],
      [RDN, lo, hi],
      [RUP, hi, lo],
      [RMM, lo, lo],
    ];
    for (const [rm, pos, negMag] of want) {
      eq64(op64('fdiv.d', rm, f64(1), f64(3)), pos, NX, `rm ${rm}`);
      eq64(op64('fdiv.d', rm, f64(-1), f64(3)), negMag | NEG0_64, NX, `rm ${rm} negative`);
    }
  });
  test('ties: RNE to even, RMM away', () => {
    // 1 + 2^-24 is a tie between 1 and 1 + 2^-23 in binary32.
    const one = f32(1),
      half = f32(2 ** -24);
    eq32(op32('fadd.s', RNE, one, half), f32(1), NX);
    eq32(op32('fadd.s', RMM, one, half), f32(1 + 2 ** -23), NX);
    eq32(op32('fadd.s', RMM, f32(-1), f32(-(2 ** -24))), f32(-(1 + 2 ** -23)), NX);
    // 1 + 3*2^-24 ties between odd 1+2^-23 and even 1+2^-22: both RNE and RMM go up.
    eq32(op32('fadd.s', RNE, f32(1 + 2 ** -23), half), f32(1 + 2 ** -22), NX);
  });
});

describe('NaN-boxing and moves', () => {
  test('an unboxed binary32 operand reads as the canonical NaN', () => {
    hart.writeF(2, 0x000000003f800000n); // 1.0 without the box
    setF32(3, f32(2));
    const r = exec('fadd.s', RNE);
    assert.equal(r.bits, 0xffffffff7fc00000n);
    assert.equal(r.flags, 0);
    hart.writeF(2, 0x000000003f800000n);
    setF32(3, NEG0_32);
    assert.equal(exec('fsgnj.s', 0).bits, 0xffffffffffc00000n);
    hart.writeF(2, 0x000000003f800000n);
    assert.equal(exec('fclass.s', 0, true).bits, 1n << 9n);
    hart.writeF(2, 0x000000003f800000n);
    assert.equal(exec('fcvt.d.s', RNE).bits, QNAN64);
  });
  test('fmv.x.w sign-extends the raw low word, boxed or not', () => {
    hart.writeF(2, 0x0000000080000001n);
    assert.equal(exec('fmv.x.w', 0, true).bits, 0xffffffff80000001n);
    setF32(2, 0x7fffffff);
    assert.equal(exec('fmv.x.w', 0, true).bits, 0x7fffffffn);
  });
  test('fmv.w.x boxes, fmv.d.x and fmv.x.d move 64 raw bits', () => {
    hart.writeX(2, 0x12345678deadbeefn);
    assert.equal(exec('fmv.w.x', 0).bits, 0xffffffffdeadbeefn);
    hart.writeX(2, 0x7ff0000000000001n);
    assert.equal(exec('fmv.d.x', 0).bits, 0x7ff0000000000001n);
    setF64(2, 0xfff0000012345678n);
    assert.equal(exec('fmv.x.d', 0, true).bits, 0xfff0000012345678n);
  });
  test('fsgnj family, including fmv.s/fneg.s/fabs.s idioms', () => {
    eq32(op32('fsgnj.s', 0, f32(1.5), f32(-2)), f32(-1.5), 0);
    eq32(op32('fsgnjn.s', 0, f32(1.5), f32(-2)), f32(1.5), 0);
    eq32(op32('fsgnjx.s', 0, f32(-1.5), f32(-2)), f32(1.5), 0);
    eq32(op32('fsgnj.s', 0, SNAN32, f32(1)), SNAN32, 0); // no NaN canonicalization, no flags
    eq64(op64('fsgnjn.d', 0, f64(3), f64(3)), f64(-3), 0);
    eq64(op64('fsgnjx.d', 0, f64(-3), f64(-1)), f64(3), 0);
    eq64(op64('fsgnj.d', 0, SNAN64, NEG0_64), SNAN64 | NEG0_64, 0);
  });
});

describe('signed zeros, infinities and NaNs', () => {
  test('exact zero sums are +0 except under RDN', () => {
    for (const rm of [RNE, RTZ, RUP, RMM]) {
      eq32(op32('fsub.s', rm, f32(1.25), f32(1.25)), 0, 0);
      eq64(op64('fadd.d', rm, f64(-7), f64(7)), 0n, 0);
      eq32(op32('fadd.s', rm, 0, NEG0_32), 0, 0);
    }
    eq32(op32('fsub.s', RDN, f32(1.25), f32(1.25)), NEG0_32, 0);
    eq64(op64('fadd.d', RDN, f64(-7), f64(7)), NEG0_64, 0);
    eq64(op64('fadd.d', RDN, 0n, NEG0_64), NEG0_64, 0);
    eq64(op64('fadd.d', RNE, NEG0_64, NEG0_64), NEG0_64, 0);
  });
  test('products, quotients and roots of zeros', () => {
    eq64(op64('fmul.d', RNE, f64(-3), 0n), NEG0_64, 0);
    eq32(op32('fdiv.s', RNE, NEG0_32, f32(5)), NEG0_32, 0);
    eq64(op64('fdiv.d', RNE, f64(-1), 0n), NINF64, DZ);
    eq32(op32('fdiv.s', RNE, f32(1), NEG0_32), NINF32, DZ);
    eq64(op64('fdiv.d', RNE, 0n, 0n), QNAN64, NV);
    eq64(op64('fsqrt.d', RNE, NEG0_64), NEG0_64, 0);
    eq32(op32('fsqrt.s', RNE, f32(-1)), QNAN32, NV);
    eq64(op64('fsqrt.d', RNE, NINF64), QNAN64, NV);
    eq64(op64('fsqrt.d', RNE, INF64), INF64, 0);
  });
  test('invalid operations on infinities', () => {
    eq32(op32('fsub.s', RNE, INF32, INF32), QNAN32, NV);
    eq64(op64('fmul.d', RNE, INF64, NEG0_64), QNAN64, NV);
    eq64(op64('fdiv.d', RNE, NINF64, INF64), QNAN64, NV);
    eq64(op64('fdiv.d', RNE, f64(1), INF64), 0n, 0);
    eq32(op32('fmul.s', RNE, NINF32, f32(2)), NINF32, 0);
  });
  test('NaN results are canonical and only signaling NaNs raise NV', () => {
    eq32(op32('fadd.s', RNE, 0x7fc12345, f32(1)), QNAN32, 0);
    eq32(op32('fmul.s', RNE, f32(1), 0xffc00001 | 0), QNAN32, 0);
    eq32(op32('fadd.s', RNE, SNAN32, f32(1)), QNAN32, NV);
    eq64(op64('fsub.d', RNE, f64(1), 0xfff8000000000123n), QNAN64, 0);
    eq64(op64('fdiv.d', RNE, SNAN64, QNAN64), QNAN64, NV);
    eq64(op64('fsqrt.d', RNE, SNAN64), QNAN64, NV);
  });
});

describe('overflow and underflow', () => {
  test('overflow by rounding mode and sign', () => {
    const cases: [number, number, number][] = [
      // rm, positive result, negative result
      [RNE, INF32, NINF32],
      [RMM, INF32, NINF32],
      [RTZ, MAX32, MAX32 | NEG0_32],
      [RDN, MAX32, NINF32],
      [RUP, INF32, MAX32 | NEG0_32],
    ];
    for (const [rm, pos, neg] of cases) {
      eq32(op32('fmul.s', rm, MAX32, f32(2)), pos, OF | NX, `rm ${rm}`);
      eq32(op32('fmul.s', rm, MAX32, f32(-2)), neg, OF | NX, `rm ${rm} negative`);
    }
    eq64(op64('fadd.d', RNE, MAX64, MAX64), INF64, OF | NX);
    eq64(op64('fmul.d', RTZ, MAX64, f64(1.5)), MAX64, OF | NX);
    // Just below the overflow threshold: rounds down to max without overflowing.
    eq64(op64('fadd.d', RNE, MAX64, f64(2 ** 969)), MAX64, NX);
    eq64(op64('fadd.d', RNE, MAX64, f64(2 ** 970)), INF64, OF | NX);
  });
  test('underflow needs tininess after rounding and inexactness', () => {
    // Exact subnormal results raise nothing.
    eq32(op32('fmul.s', RNE, 0x00800000, f32(0.5)), 0x00400000, 0);
    eq64(op64('fsub.d', RNE, 0x0010000000000001n, 0x0010000000000000n), 1n, 0);
    // Half the smallest subnormal: a tie to even (zero) in RNE, up in RUP.
    eq32(op32('fmul.s', RNE, 1, f32(0.5)), 0, UF | NX);
    eq32(op32('fmul.s', RUP, 1, f32(0.5)), 1, UF | NX);
    eq64(op64('fmul.d', RDN, 1n, f64(-0.5)), 0x8000000000000001n, UF | NX);
    // (2^-126 - 2^-149) * (1 + 2^-23) = 2^-126 - 2^-172: rounds to the smallest normal, and would have with
    // an unbounded exponent too, so it is not tiny: NX without UF. Under RTZ it stays tiny.
    eq32(op32('fmul.s', RNE, 0x007fffff, f32(1 + 2 ** -23)), 0x00800000, NX);
    eq32(op32('fmul.s', RTZ, 0x007fffff, f32(1 + 2 ** -23)), 0x007fffff, UF | NX);
    eq64(op64('fmul.d', RNE, 0x000fffffffffffffn, f64(1 + 2 ** -52)), 0x0010000000000000n, NX);
    // (1 - 2^-53) * 2^-1022 = 2^-1022 - 2^-1075 fits 53 bits with an unbounded exponent, so it is tiny
    // after rounding even though the delivered (subnormal-rounded) result is the smallest normal.
    eq64(op64('fmul.d', RNE, 0x3fefffffffffffffn, 0x0010000000000000n), 0x0010000000000000n, UF | NX);
    eq64(op64('fmul.d', RUP, 0x3fefffffffffffffn, 0x0010000000000000n), 0x0010000000000000n, UF | NX);
    eq64(op64('fmul.d', RTZ, 0x3fefffffffffffffn, 0x0010000000000000n), 0x000fffffffffffffn, UF | NX);
  });
});

describe('fused multiply-add', () => {
  test('a single rounding differs from multiply-then-add', () => {
    const a = 1 + 2 ** -52,
      b = 1 - 2 ** -52;
    eq64(op64('fmadd.d', RNE, f64(a), f64(b), f64(-1)), f64(-(2 ** -104)), 0);
    eq64(op64('fmsub.d', RNE, f64(a), f64(b), f64(1)), f64(-(2 ** -104)), 0);
    eq64(op64('fnmsub.d', RNE, f64(a), f64(b), f64(1)), f64(2 ** -104), 0);
    eq64(op64('fnmadd.d', RNE, f64(a), f64(b), f64(-1)), f64(2 ** -104), 0);
    const s = 1 + 2 ** -23,
      t = 1 - 2 ** -23;
    eq32(op32('fmadd.s', RNE, f32(s), f32(t), f32(-1)), f32(-(2 ** -46)), 0);
    // Unfused, the product 1 + 2^-11 + 2^-24 would tie to 1 + 2^-11 first; fused keeps the 2^-24.
    eq32(op32('fmadd.s', RNE, f32(1 + 2 ** -12), f32(1 + 2 ** -12), f32(-1)), f32(2 ** -11 + 2 ** -24), 0);
    eq64(op64('fmadd.d', RNE, f64(0.1), f64(10), f64(-1)), f64(2 ** -54), 0);
  });
  test('signs of zero results', () => {
    eq64(op64('fmadd.d', RNE, 0n, f64(5), NEG0_64), 0n, 0);
    eq64(op64('fmadd.d', RNE, NEG0_64, f64(5), NEG0_64), NEG0_64, 0);
    eq64(op64('fmadd.d', RNE, f64(2), f64(3), f64(-6)), 0n, 0);
    eq64(op64('fmadd.d', RDN, f64(2), f64(3), f64(-6)), NEG0_64, 0);
    eq32(op32('fnmadd.s', RNE, f32(2), f32(3), f32(-6)), 0, 0);
    eq32(op32('fnmsub.s', RNE, 0, f32(1), NEG0_32), NEG0_32, 0);
  });
  test('invalid cases, including inf*0 with a quiet NaN addend', () => {
    eq64(op64('fmadd.d', RNE, INF64, 0n, QNAN64), QNAN64, NV);
    eq32(op32('fmadd.s', RNE, 0, NINF32, QNAN32), QNAN32, NV);
    eq64(op64('fmadd.d', RNE, INF64, f64(1), NINF64), QNAN64, NV);
    eq64(op64('fmsub.d', RNE, INF64, f64(1), INF64), QNAN64, NV);
    eq64(op64('fmadd.d', RNE, INF64, f64(1), INF64), INF64, 0);
    eq64(op64('fmadd.d', RNE, f64(1), f64(1), QNAN64), QNAN64, 0);
    eq32(op32('fmadd.s', RNE, f32(1), f32(1), SNAN32), QNAN32, NV);
  });
  test('overflow inside the product is not an overflow of the result', () => {
    eq64(op64('fmadd.d', RNE, MAX64, f64(2), NINF64), NINF64, 0);
    eq64(op64('fmadd.d', RNE, MAX64, f64(2), 0xffefffffffffffffn), MAX64, 0);
  });
});

describe('min, max and comparisons', () => {
  test('fmin/fmax: -0 < +0, a lone NaN loses, sNaN signals', () => {
    eq32(op32('fmin.s', 0, 0, NEG0_32), NEG0_32, 0);
    eq32(op32('fmax.s', 0, NEG0_32, 0), 0, 0);
    eq64(op64('fmin.d', 0, 0n, NEG0_64), NEG0_64, 0);
    eq64(op64('fmax.d', 0, NEG0_64, 0n), 0n, 0);
    eq32(op32('fmin.s', 0, QNAN32, f32(-3)), f32(-3), 0);
    eq32(op32('fmax.s', 0, f32(2), SNAN32), f32(2), NV);
    eq32(op32('fmax.s', 0, QNAN32, SNAN32), QNAN32, NV);
    eq64(op64('fmin.d', 0, 0x7ff8000000000abcn, 0x7ff8000000000defn), QNAN64, 0);
    eq64(op64('fmax.d', 0, f64(-1), f64(-2)), f64(-1), 0);
    eq64(op64('fmin.d', 0, NINF64, f64(-2)), NINF64, 0);
  });
  test('feq is quiet, flt/fle signal on any NaN', () => {
    const cmp = (name: string, a: bigint, b: bigint) => {
      setF64(2, a);
      setF64(3, b);
      return toX(name, 0);
    };
    assert.deepEqual(cmp('feq.d', 0n, NEG0_64), { value: 1n, flags: 0 });
    assert.deepEqual(cmp('flt.d', NEG0_64, 0n), { value: 0n, flags: 0 });
    assert.deepEqual(cmp('fle.d', NEG0_64, 0n), { value: 1n, flags: 0 });
    assert.deepEqual(cmp('feq.d', QNAN64, QNAN64), { value: 0n, flags: 0 });
    assert.deepEqual(cmp('feq.d', SNAN64, f64(1)), { value: 0n, flags: NV });
    assert.deepEqual(cmp('flt.d', QNAN64, f64(1)), { value: 0n, flags: NV });
    assert.deepEqual(cmp('fle.d', f64(1), QNAN64), { value: 0n, flags: NV });
    assert.deepEqual(cmp('flt.d', NINF64, f64(-1e308)), { value: 1n, flags: 0 });
    setF32(2, f32(1));
    setF32(3, QNAN32);
    assert.deepEqual(toX('feq.s', 0), { value: 0n, flags: 0 });
    assert.deepEqual(toX('fle.s', 0), { value: 0n, flags: NV });
    setF32(2, f32(1.5));
    setF32(3, f32(1.5));
    assert.deepEqual(toX('fle.s', 0), { value: 1n, flags: 0 });
    assert.deepEqual(toX('flt.s', 0), { value: 0n, flags: 0 });
  });
  test('fclass covers all ten classes', () => {
    const s: [number, number][] = [
      [NINF32, 0],
      [f32(-1), 1],
      [0x807fffff | 0, 2],
      [NEG0_32, 3],
      [0, 4],
      [1, 5],
      [f32(1), 6],
      [INF32, 7],
      [SNAN32, 8],
      [QNAN32, 9],
    ];
    for (const [bits, cls] of s) {
      setF32(2, bits);
      assert.equal(exec('fclass.s', 0, true).bits, 1n << BigInt(cls), `fclass.s ${bits}`);
    }
    const d: [bigint, number][] = [
      [NINF64, 0],
      [f64(-1), 1],
      [0x8000000000000001n, 2],
      [NEG0_64, 3],
      [0n, 4],
      [0x000fffffffffffffn, 5],
      [f64(1), 6],
      [INF64, 7],
      [SNAN64, 8],
      [QNAN64, 9],
    ];
    for (const [bits, cls] of d) {
      setF64(2, bits);
      assert.equal(exec('fclass.d', 0, true).bits, 1n << BigInt(cls), `fclass.d ${bits}`);
    }
  });
});

describe('conversions', () => {
  const toInt = (name: string, rm: number, v: bigint | number) => {
    if (typeof v === 'number') setF32(2, v);
    else setF64(2, v);
    return toX(name, rm);
  };
  test('float to int saturates per the spec table and raises NV alone', () => {
    const cases: [string, bigint | number, bigint, number][] = [
      ['fcvt.w.s', f32(2 ** 31), 0x7fffffffn, NV],
      ['fcvt.w.s', f32(-(2 ** 31)), u64(-(2n ** 31n)), 0],
      ['fcvt.w.d', f64(-(2 ** 31) - 1), u64(-(2n ** 31n)), NV],
      ['fcvt.w.d', f64(-(2 ** 31) - 0.5), u64(-(2n ** 31n)), NX],
      ['fcvt.w.d', f64(2 ** 31 - 1), 0x7fffffffn, 0],
      ['fcvt.w.s', QNAN32, 0x7fffffffn, NV],
      ['fcvt.w.d', NEG0_64 | QNAN64, 0x7fffffffn, NV],
      ['fcvt.w.d', NINF64, u64(-(2n ** 31n)), NV],
      ['fcvt.wu.d', f64(-1), 0n, NV],
      ['fcvt.wu.d', f64(4294967295), u64(-1n), 0],
      ['fcvt.wu.d', f64(2 ** 32), u64(-1n), NV],
      ['fcvt.wu.s', SNAN32, u64(-1n), NV],
      ['fcvt.wu.d', f64(2147483648), 0xffffffff80000000n, 0],
      ['fcvt.l.d', f64(2 ** 63), 0x7fffffffffffffffn, NV],
      ['fcvt.l.d', f64(-(2 ** 63)), 0x8000000000000000n, 0],
      ['fcvt.l.s', f32(-(2 ** 64)), 0x8000000000000000n, NV],
      ['fcvt.l.d', QNAN64, 0x7fffffffffffffffn, NV],
      ['fcvt.lu.d', f64(2 ** 64), u64(-1n), NV],
      ['fcvt.lu.d', f64(2 ** 64 - 2048), 0xfffffffffffff800n, 0],
      ['fcvt.lu.d', NINF64, 0n, NV],
      ['fcvt.lu.s', QNAN32, u64(-1n), NV],
      ['fcvt.lu.d', f64(-0.0), 0n, 0],
    ];
    for (const [name, v, value, flags] of cases) {
      assert.deepEqual(toInt(name, RTZ, v), { value, flags }, `${name} ${v}`);
    }
  });
  test('negative values that round to zero are not invalid for unsigned targets', () => {
    assert.deepEqual(toInt('fcvt.wu.d', RTZ, f64(-0.9)), { value: 0n, flags: NX });
    assert.deepEqual(toInt('fcvt.lu.s', RNE, f32(-0.5)), { value: 0n, flags: NX });
    assert.deepEqual(toInt('fcvt.lu.s', RMM, f32(-0.5)), { value: 0n, flags: NV });
    assert.deepEqual(toInt('fcvt.wu.d', RDN, f64(-0.1)), { value: 0n, flags: NV });
  });
  test('float to int in every rounding mode', () => {
    const table: [number, bigint[]][] = [
      // value, results for RNE, RTZ, RDN, RUP, RMM
      [2.5, [2n, 2n, 2n, 3n, 3n]],
      [-2.5, [-2n, -2n, -3n, -2n, -3n]],
      [3.5, [4n, 3n, 3n, 4n, 4n]],
      [0.5, [0n, 0n, 0n, 1n, 1n]],
      [-0.49999999999999994, [0n, 0n, -1n, 0n, 0n]],
      [1.0000001, [1n, 1n, 1n, 2n, 1n]],
    ];
    for (const [v, results] of table) {
      results.forEach((want, rm) => {
        assert.deepEqual(toInt('fcvt.l.d', rm, f64(v)), { value: u64(want), flags: NX }, `${v} rm ${rm}`);
      });
    }
  });
  test('int to float rounds 64-bit integers once', () => {
    const fromInt = (name: string, rm: number, v: bigint) => {
      hart.writeX(2, u64(v));
      const r = exec(name, rm);
      return { bits: r.bits, flags: r.flags };
    };
    eq64(fromInt('fcvt.d.l', RNE, 2n ** 53n + 1n), f64(2 ** 53), NX);
    eq64(fromInt('fcvt.d.l', RUP, 2n ** 53n + 1n), f64(2 ** 53 + 2), NX);
    eq64(fromInt('fcvt.d.lu', RNE, 2n ** 64n - 1n), f64(2 ** 64), NX);
    eq64(fromInt('fcvt.d.lu', RTZ, 2n ** 64n - 1n), 0x43efffffffffffffn, NX);
    eq64(fromInt('fcvt.d.w', RNE, -5n), f64(-5), 0);
    eq64(fromInt('fcvt.d.wu', RNE, -1n), f64(4294967295), 0);
    eq64(fromInt('fcvt.d.l', RNE, 0n), 0n, 0);
    const s = (name: string, rm: number, v: bigint) => {
      const r = fromInt(name, rm, v);
      return { bits: r.bits & 0xffffffffn, flags: r.flags };
    };
    assert.deepEqual(s('fcvt.s.l', RNE, 2n ** 63n - 1n), { bits: BigInt(f32(2 ** 63)), flags: NX });
    assert.deepEqual(s('fcvt.s.l', RNE, -(2n ** 63n)), { bits: BigInt(f32(-(2 ** 63)) >>> 0), flags: 0 });
    assert.deepEqual(s('fcvt.s.w', RNE, 16777217n), { bits: BigInt(f32(16777216)), flags: NX });
    assert.deepEqual(s('fcvt.s.w', RMM, 16777217n), { bits: BigInt(f32(16777218)), flags: NX });
    assert.deepEqual(s('fcvt.s.wu', RDN, -1n), { bits: 0x4f7fffffn, flags: NX });
    // 2^53 + 2^29 + 1 is just above a binary32 midpoint only because of its last bit: no double rounding.
    assert.deepEqual(s('fcvt.s.l', RNE, 2n ** 53n + 2n ** 29n + 1n), {
      bits: BigInt(f32(2 ** 53 + 2 ** 30)),
      flags: NX,
    });
  });
  test('between formats', () => {
    setF64(2, f64(1e300));
    assert.deepEqual(exec('fcvt.s.d', RNE).bits, 0xffffffff00000000n | BigInt(INF32));
    assert.equal(exec('fcvt.s.d', RNE).flags, OF | NX);
    setF64(2, f64(1e300));
    assert.equal(exec('fcvt.s.d', RTZ).bits, 0xffffffff00000000n | BigInt(MAX32));
    setF64(2, SNAN64);
    assert.deepEqual({ b: exec('fcvt.s.d', RNE).bits }, { b: 0xffffffff7fc00000n });
    setF64(2, f64(1 + 2 ** -24));
    assert.equal(exec('fcvt.s.d', RNE).bits, 0xffffffff3f800000n);
    setF64(2, f64(2 ** -150));
    const tiny = exec('fcvt.s.d', RNE);
    assert.deepEqual({ bits: tiny.bits, flags: tiny.flags }, { bits: 0xffffffff00000000n, flags: UF | NX });
    setF32(2, 1);
    assert.deepEqual({ ...exec('fcvt.d.s', RNE), cause: 0 }, { bits: f64(2 ** -149), flags: 0, cause: 0 });
    setF32(2, SNAN32);
    const q = exec('fcvt.d.s', RNE);
    assert.deepEqual({ bits: q.bits, flags: q.flags }, { bits: QNAN64, flags: NV });
  });
});

describe('architectural side effects', () => {
  test('f-register writes make FS dirty; x-only instructions leave FS alone like QEMU 7.2', () => {
    hart.mstatus = 1 << MSTATUS.FS_SHIFT; // initial
    setF64(2, QNAN64);
    setF64(3, f64(1));
    execFp(hart, info('flt.d').op, encode('flt.d'));
    assert.equal(hart.mstatus & MSTATUS.FS, 1 << MSTATUS.FS_SHIFT);
    assert.equal(hart.fflags & NV, NV);
    execFp(hart, info('fadd.d').op, encode('fadd.d'));
    assert.equal(hart.mstatus & MSTATUS.FS, MSTATUS.FS);
  });
  test('x0 is never written', () => {
    hart.writeX(0, 0n);
    setF64(2, f64(7));
    setF64(3, f64(7));
    const w = encode('feq.d') & ~(31 << 7);
    assert.equal(execFp(hart, info('feq.d').op, w), 0);
    assert.equal(hart.readX(0), 0n);
    assert.equal(execFp(hart, info('fcvt.l.d').op, encode('fcvt.l.d', RNE) & ~(31 << 7)), 0);
    assert.equal(hart.readX(0), 0n);
  });
  test('flags accumulate', () => {
    hart.fflags = 0;
    setF64(2, f64(1));
    setF64(3, f64(3));
    execFp(hart, info('fdiv.d').op, encode('fdiv.d', RNE));
    setF64(3, 0n);
    execFp(hart, info('fdiv.d').op, encode('fdiv.d', RNE));
    assert.equal(hart.fflags, NX | DZ);
  });
});
