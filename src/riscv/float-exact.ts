// Exact IEEE 754 add, multiply, divide, square root and fused multiply-add for binary32 and binary64.
// Operands arrive as non-NaN doubles (binary32 values are exact doubles); results go through roundExact once.

import { DZ, NV, RDN, bitLength, roundExact, signOf, unpack, unpackedExp, writeNaN, writeValue } from './float-round';

function isInf(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

/** A signed zero in the destination format. */
function writeZero(sign: number, is64: boolean): void {
  writeValue(sign ? -0 : 0, is64);
}

/** The exact sum of two finite nonzero values given as unpacked parts, rounded once. */
function roundSum(
  sa: number,
  ma: bigint,
  ea: number,
  sb: number,
  mb: bigint,
  eb: number,
  rm: number,
  is64: boolean,
): number {
  const e = ea < eb ? ea : eb;
  let va = ma << BigInt(ea - e);
  let vb = mb << BigInt(eb - e);
  if (sa) va = -va;
  if (sb) vb = -vb;
  const s = va + vb;
  if (s === 0n) {
    // An exact cancellation is +0, except when rounding down (IEEE 754 section 6.3).
    writeZero(rm === RDN ? 1 : 0, is64);
    return 0;
  }
  return s < 0n ? roundExact(1, -s, e, false, is64, rm) : roundExact(0, s, e, false, is64, rm);
}

export function exactAdd(a: number, b: number, rm: number, is64: boolean): number {
  if (isInf(a) || isInf(b)) {
    const r = a + b;
    if (r !== r) {
      writeNaN(is64);
      return NV;
    }
    writeValue(r, is64);
    return 0;
  }
  if (a === 0 || b === 0) {
    if (a === 0 && b === 0) {
      const sa = signOf(a),
        sb = signOf(b);
      writeZero(sa === sb ? sa : rm === RDN ? 1 : 0, is64);
    } else {
      writeValue(a === 0 ? b : a, is64);
    }
    return 0;
  }
  const ma = unpack(a),
    ea = unpackedExp;
  const mb = unpack(b),
    eb = unpackedExp;
  return roundSum(signOf(a), ma, ea, signOf(b), mb, eb, rm, is64);
}

export function exactMul(a: number, b: number, rm: number, is64: boolean): number {
  const sign = signOf(a) ^ signOf(b);
  if (isInf(a) || isInf(b)) {
    if (a === 0 || b === 0) {
      writeNaN(is64);
      return NV;
    }
    writeValue(sign ? -Infinity : Infinity, is64);
    return 0;
  }
  if (a === 0 || b === 0) {
    writeZero(sign, is64);
    return 0;
  }
  const ma = unpack(a),
    ea = unpackedExp;
  const mb = unpack(b),
    eb = unpackedExp;
  return roundExact(sign, ma * mb, ea + eb, false, is64, rm);
}

export function exactDiv(a: number, b: number, rm: number, is64: boolean): number {
  const sign = signOf(a) ^ signOf(b);
  if (isInf(a)) {
    if (isInf(b)) {
      writeNaN(is64);
      return NV;
    }
    writeValue(sign ? -Infinity : Infinity, is64);
    return 0;
  }
  if (b === 0) {
    if (a === 0) {
      writeNaN(is64);
      return NV;
    }
    writeValue(sign ? -Infinity : Infinity, is64);
    return DZ;
  }
  if (a === 0 || isInf(b)) {
    writeZero(sign, is64);
    return 0;
  }
  const ma = unpack(a),
    ea = unpackedExp;
  const mb = unpack(b),
    eb = unpackedExp;
  // Scale the dividend so the integer quotient carries at least p + 3 bits; the remainder becomes sticky.
  const p = is64 ? 53 : 24;
  let k = p + 3 + bitLength(mb) - bitLength(ma);
  if (k < 0) k = 0;
  const num = ma << BigInt(k);
  const q = num / mb;
  return roundExact(sign, q, ea - eb - k, q * mb !== num, is64, rm);
}

/** Floor of the square root of n >= 0 (Newton's method from a power of two above the root). */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt((bitLength(n) + 1) >> 1);
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

export function exactSqrt(a: number, rm: number, is64: boolean): number {
  if (a === 0 || a === Infinity) {
    writeValue(a, is64);
    return 0;
  }
  if (a < 0) {
    writeNaN(is64);
    return NV;
  }
  let m = unpack(a),
    e = unpackedExp;
  // Make the exponent even and give the root at least p + 3 bits.
  const p = is64 ? 53 : 24;
  let k = 2 * (p + 3) - bitLength(m);
  if (k < 0) k = 0;
  if (((e - k) & 1) !== 0) k += 1;
  m <<= BigInt(k);
  e -= k;
  const r = isqrt(m);
  return roundExact(0, r, e / 2, r * r !== m, is64, rm);
}

/** a*b + c with a single rounding. Callers express fmsub/fnmsub/fnmadd by negating a and/or c. */
export function exactFma(a: number, b: number, c: number, rm: number, is64: boolean): number {
  const sp = signOf(a) ^ signOf(b);
  if (isInf(a) || isInf(b)) {
    if (a === 0 || b === 0) {
      writeNaN(is64);
      return NV;
    }
    if (isInf(c) && signOf(c) !== sp) {
      writeNaN(is64);
      return NV;
    }
    writeValue(sp ? -Infinity : Infinity, is64);
    return 0;
  }
  if (isInf(c)) {
    writeValue(c, is64);
    return 0;
  }
  if (a === 0 || b === 0) {
    if (c === 0) {
      const sc = signOf(c);
      writeZero(sp === sc ? sp : rm === RDN ? 1 : 0, is64);
    } else {
      writeValue(c, is64);
    }
    return 0;
  }
  const ma = unpack(a),
    ea = unpackedExp;
  const mb = unpack(b),
    eb = unpackedExp;
  if (c === 0) return roundExact(sp, ma * mb, ea + eb, false, is64, rm);
  const mc = unpack(c),
    ec = unpackedExp;
  return roundSum(sp, ma * mb, ea + eb, signOf(c), mc, ec, rm, is64);
}
