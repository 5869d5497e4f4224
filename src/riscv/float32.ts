// binary32 arithmetic on native doubles. A double holds every binary32 product exactly, and rounding a
// double sum, quotient or root to binary32 is correct (53 >= 2*24 + 2), so Math.fround finishes the job;
// an exact double-side residual gives the error's sign for inexactness and directed rounding.

import { exactAdd, exactDiv, exactFma, exactMul, exactSqrt } from './float-exact';
import { NX, RDN, RMM, RNE, RTZ, RUP, outF } from './float-round';
import { stepMagnitude64 } from './float64';

const stepF = new Float32Array(1);
const stepI = new Int32Array(stepF.buffer);

/** The binary32 neighbour of finite nonzero x one unit further from zero (away) or closer to zero. */
export function stepMagnitude32(x: number, away: boolean): number {
  stepF[0] = x;
  stepI[0] += away ? 1 : -1;
  return stepF[0];
}

// Below this magnitude an inexact result may be tiny: the exact path decides underflow.
const MIN_SAFE = 2 ** -125;

/**
 * Given r = the binary32 value nearest the exact result and the sign of (exact - r), stores the result
 * for rm. Returns fflags, or -1 when the exact path must decide (overflow, tiny, RMM, signed zero under RDN).
 */
export function finish32(r: number, errSign: number, rm: number): number {
  if (r - r !== 0) return -1;
  if (errSign === 0) {
    if (r === 0 && rm === RDN) return -1;
    outF[0] = r;
    return 0;
  }
  if (r < MIN_SAFE && r > -MIN_SAFE) return -1;
  if (rm === RNE) {
    outF[0] = r;
    return NX;
  }
  let v = r;
  switch (rm) {
    case RTZ:
      if (errSign < 0 !== r < 0) v = stepMagnitude32(r, false);
      break;
    case RDN:
      if (errSign < 0) v = stepMagnitude32(r, r < 0);
      break;
    case RUP:
      if (errSign > 0) v = stepMagnitude32(r, r > 0);
      break;
    case RMM:
      return -1;
  }
  if (v - v !== 0) return -1;
  outF[0] = v;
  return NX;
}

/** Sign of (exact - r) when d = fl64(exact) and err = exact - d exactly (both known). */
function errorSign(d: number, err: number, r: number): number {
  // Rounding to double is monotonic and r is a double, so d is on the same side of r as the exact value.
  if (d !== r) return d > r ? 1 : -1;
  return err > 0 ? 1 : err < 0 ? -1 : 0;
}

export function add32(a: number, b: number, rm: number): number {
  const d = a + b;
  if (d - d === 0) {
    const bb = d - a;
    const err = a - (d - bb) + (b - bb);
    const r = Math.fround(d);
    const f = finish32(r, errorSign(d, err, r), rm);
    if (f >= 0) return f;
  }
  return exactAdd(a, b, rm, false);
}

export function mul32(a: number, b: number, rm: number): number {
  const d = a * b;
  if (d - d === 0 && (d !== 0 || a === 0 || b === 0)) {
    const r = Math.fround(d);
    const f = finish32(r, d > r ? 1 : d < r ? -1 : 0, rm);
    if (f >= 0) return f;
  }
  return exactMul(a, b, rm, false);
}

export function div32(a: number, b: number, rm: number): number {
  if (a !== 0 && b !== 0 && a - a === 0 && b - b === 0) {
    const r = Math.fround(a / b);
    if (r !== 0 && r - r === 0) {
      // r*b is exact in a double; the remainder's sign, over b's sign, is the quotient error's sign.
      const rem = a - r * b;
      const f = finish32(r, rem === 0 ? 0 : rem > 0 === b > 0 ? 1 : -1, rm);
      if (f >= 0) return f;
    }
  }
  return exactDiv(a, b, rm, false);
}

export function sqrt32(a: number, rm: number): number {
  if (a > 0 && a < Infinity) {
    const r = Math.fround(Math.sqrt(a));
    const rem = a - r * r;
    const f = finish32(r, rem > 0 ? 1 : rem < 0 ? -1 : 0, rm);
    if (f >= 0) return f;
  }
  return exactSqrt(a, rm, false);
}

const oddD = new Float64Array(1);
const oddI = new Int32Array(oddD.buffer);

/**
 * a*b + c rounded once. The product is exact in a double; the double sum is made round-to-odd (Boldo and
 * Melquiond) so that the final Math.fround cannot double-round.
 */
export function fma32(a: number, b: number, c: number, rm: number): number {
  const p = a * b;
  const d = p + c;
  if (d - d === 0) {
    const bb = d - p;
    const err = p - (d - bb) + (c - bb);
    let r: number;
    if (rm === RNE && err !== 0) {
      oddD[0] = d;
      r = Math.fround((oddI[0] & 1) === 0 ? stepMagnitude64(d, err > 0 === d > 0) : d);
    } else {
      r = Math.fround(d);
    }
    const f = finish32(r, errorSign(d, err, r), rm);
    if (f >= 0) return f;
  }
  return exactFma(a, b, c, rm, false);
}
