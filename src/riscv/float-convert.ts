// Conversions between floats and 32/64-bit integers, and between binary32 and binary64 (fcvt.*).
// Float-to-integer saturates as the RISC-V spec's conversion table says; QEMU raises only NV when it does.

import { NV, NX, RDN, RMM, RTZ, RUP, out, outD, outF, roundExact, signOf, unpack, unpackedExp } from './float-round';
import { finish32 } from './float32';

/** Integer kinds in rs2-field order: fcvt.w, fcvt.wu, fcvt.l, fcvt.lu. */
export const W = 0,
  WU = 1,
  L = 2,
  LU = 3;

const TWO32 = 4294967296;
const TWO52 = 4503599627370496;
const TWO63 = 9223372036854775808;
const TWO64 = 18446744073709551616;

/** x rounded to an integer under rm (x is not NaN). x - trunc(x) is exact, so ties are found exactly. */
export function roundToIntegral(x: number, rm: number): number {
  if (!(x < TWO52 && x > -TWO52)) return x;
  switch (rm) {
    case RTZ:
      return Math.trunc(x);
    case RDN:
      return Math.floor(x);
    case RUP:
      return Math.ceil(x);
  }
  const t = Math.trunc(x);
  const f = x - t;
  const af = f < 0 ? -f : f;
  if (af < 0.5) return t;
  if (af > 0.5 || rm === RMM) return t + (x < 0 ? -1 : 1);
  return t % 2 === 0 ? t : t + (x < 0 ? -1 : 1);
}

/** Stores a 64-bit two's-complement integer given as an exact double in out[0] (lo) and out[1] (hi). */
function writeInteger(v: number): void {
  const hi = Math.floor(v / TWO32);
  out[1] = hi | 0;
  out[0] = (v - hi * TWO32) | 0;
}

/**
 * fcvt.{w,wu,l,lu}.{s,d}: x is the source value (NaN allowed). Writes the 64-bit register value (32-bit
 * results sign-extended) to out and returns fflags.
 */
export function floatToInt(x: number, rm: number, kind: number): number {
  let lo: number, hi: number;
  switch (kind) {
    case W:
      lo = -2147483648;
      hi = 2147483647;
      break;
    case WU:
      lo = 0;
      hi = 4294967295;
      break;
    case L:
      lo = -TWO63;
      hi = TWO63;
      break;
    default:
      lo = 0;
      hi = TWO64;
  }
  const r = x === x ? roundToIntegral(x, rm) : NaN;
  // 2^63 and 2^64 are exclusive bounds (they are exact doubles); the 32-bit ones are inclusive.
  const inRange = kind >= L ? r >= lo && r < hi : r >= lo && r <= hi;
  if (!inRange) {
    const sat = r < 0 ? lo : kind >= L ? hi - 1 : hi;
    if (kind === L) {
      // 2^63 - 1 and -2^63 are not both exact doubles; write them bitwise.
      out[0] = r < 0 ? 0 : -1;
      out[1] = r < 0 ? -2147483648 : 2147483647;
    } else if (kind === LU) {
      out[0] = out[1] = r < 0 ? 0 : -1;
    } else {
      out[0] = sat | 0;
      out[1] = out[0] >> 31;
    }
    return NV;
  }
  if (kind <= WU) {
    out[0] = r | 0;
    out[1] = out[0] >> 31;
  } else {
    writeInteger(r);
  }
  return r !== x ? NX : 0;
}

/**
 * fcvt.{s,d}.{w,wu,l,lu}: the source register's halves are lo/hi. Writes the result bits to out.
 */
export function intToFloat(lo: number, hi: number, kind: number, rm: number, is64: boolean): number {
  let v: number;
  switch (kind) {
    case W:
      v = lo;
      break;
    case WU:
      v = lo >>> 0;
      break;
    case L:
      v = hi >= -2097152 && hi < 2097152 ? hi * TWO32 + (lo >>> 0) : NaN;
      break;
    default:
      v = hi >>> 0 < 2097152 ? (hi >>> 0) * TWO32 + (lo >>> 0) : NaN;
  }
  if (v === v) {
    // The integer is exact in a double.
    if (is64) {
      outD[0] = v;
      return 0;
    }
    const r = Math.fround(v);
    if (r === v) {
      outF[0] = r;
      return 0;
    }
    if (rm !== RMM) {
      const f = finish32(r, v > r ? 1 : -1, rm);
      if (f >= 0) return f;
    }
  }
  return bigToFloat(lo, hi, kind, rm, is64);
}

function bigToFloat(lo: number, hi: number, kind: number, rm: number, is64: boolean): number {
  let n = (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
  if (kind === W) n = BigInt(lo);
  else if (kind === WU) n = BigInt(lo >>> 0);
  else if (kind === L) n = BigInt.asIntN(64, n);
  const sign = n < 0n ? 1 : 0;
  return roundExact(sign, sign ? -n : n, 0, false, is64, rm);
}

/** fcvt.s.d of a non-NaN double. */
export function doubleToSingle(x: number, rm: number): number {
  const r = Math.fround(x);
  if (r === x) {
    outF[0] = r;
    return 0;
  }
  if (rm !== RMM) {
    const f = finish32(r, x > r ? 1 : -1, rm);
    if (f >= 0) return f;
  }
  const m = unpack(x);
  return roundExact(signOf(x), m, unpackedExp, false, false, rm);
}
