// binary64 arithmetic on native doubles: the hardware gives the round-to-nearest result, error-free
// transformations (TwoSum, Dekker's product) give the exact error, and its sign steers directed rounding.
// Whenever those proofs need a guard (overflow, tininess, split range), the exact BigInt path takes over.

import { exactAdd, exactDiv, exactFma, exactMul, exactSqrt } from './float-exact';
import { NX, RDN, RMM, RNE, RTZ, RUP, outD } from './float-round';

const stepD = new Float64Array(1);
const stepI = new Int32Array(stepD.buffer);

/** The neighbour of finite nonzero x one unit further from zero (away) or closer to zero. */
export function stepMagnitude64(x: number, away: boolean): number {
  stepD[0] = x;
  const lo = stepI[0];
  if (away) {
    stepI[0] = lo + 1;
    if (lo === -1) stepI[1] += 1;
  } else {
    stepI[0] = lo - 1;
    if (lo === 0) stepI[1] -= 1;
  }
  return stepD[0];
}

/**
 * Turns a round-to-nearest result r and the sign of (exact - r) into the result for rm.
 * Returns fflags, or -1 when the caller must take the exact path (RMM ties, overflow, tiny results).
 */
function finish(r: number, errSign: number, rm: number): number {
  if (errSign === 0) {
    outD[0] = r;
    return 0;
  }
  // Inexact results near the underflow threshold need the exact path's tininess-after-rounding test.
  if (r < MIN_SAFE && r > -MIN_SAFE) return -1;
  if (rm === RNE) {
    outD[0] = r;
    return NX;
  }
  let v = r;
  switch (rm) {
    case RTZ:
      if (errSign < 0 !== r < 0) v = stepMagnitude64(r, false);
      break;
    case RDN:
      if (errSign < 0) v = stepMagnitude64(r, r < 0);
      break;
    case RUP:
      if (errSign > 0) v = stepMagnitude64(r, r > 0);
      break;
    case RMM:
      return -1;
  }
  if (v - v !== 0) return -1;
  outD[0] = v;
  return NX;
}

const MIN_SAFE = 2 ** -1020;
// Dekker's split needs |x| below 2^995; the error term of a product is exact while the product is above ~2^-969.
const SPLIT = 134217729;
const SPLIT_MAX = 2 ** 995;
const PROD_MIN = 2 ** -900;
const PROD_MAX = 2 ** 1000;

/** The exact value of a*b - p where p = fl(a*b), valid inside the guards above. */
function productError(a: number, b: number, p: number): number {
  let t = SPLIT * a;
  const ah = t - (t - a),
    al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b),
    bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

function inProductRange(a: number, b: number, p: number): boolean {
  const ap = p < 0 ? -p : p;
  return ap > PROD_MIN && ap < PROD_MAX && a < SPLIT_MAX && a > -SPLIT_MAX && b < SPLIT_MAX && b > -SPLIT_MAX;
}

export function add64(a: number, b: number, rm: number): number {
  const s = a + b;
  if (s - s === 0) {
    const bb = s - a;
    const err = a - (s - bb) + (b - bb);
    if (err === 0) {
      // An exact zero sum is -0 under RDN; JS always gives +0 for x + -x.
      if (s !== 0 || rm !== RDN) {
        outD[0] = s;
        return 0;
      }
    } else if (err === err) {
      const f = finish(s, err > 0 ? 1 : -1, rm);
      if (f >= 0) return f;
    }
  }
  return exactAdd(a, b, rm, true);
}

export function mul64(a: number, b: number, rm: number): number {
  const p = a * b;
  if (inProductRange(a, b, p)) {
    const err = productError(a, b, p);
    const f = finish(p, err > 0 ? 1 : err < 0 ? -1 : 0, rm);
    if (f >= 0) return f;
  } else if (p === 0 && (a === 0 || b === 0) && b - b === 0 && a - a === 0) {
    outD[0] = p;
    return 0;
  }
  return exactMul(a, b, rm, true);
}

export function div64(a: number, b: number, rm: number): number {
  const q = a / b;
  const aa = a < 0 ? -a : a;
  if (aa > PROD_MIN && aa < PROD_MAX && inProductRange(q, b, q * b)) {
    const ph = q * b;
    const rem = a - ph - productError(q, b, ph);
    const f = finish(q, rem === 0 ? 0 : rem > 0 === b > 0 ? 1 : -1, rm);
    if (f >= 0) return f;
  }
  return exactDiv(a, b, rm, true);
}

export function sqrt64(a: number, rm: number): number {
  if (a > PROD_MIN && a < PROD_MAX) {
    const r = Math.sqrt(a);
    const ph = r * r;
    const rem = a - ph - productError(r, r, ph);
    const f = finish(r, rem > 0 ? 1 : rem < 0 ? -1 : 0, rm);
    if (f >= 0) return f;
  }
  return exactSqrt(a, rm, true);
}

/**
 * a*b + c rounded once. When the product is exact in a double this is one native add; otherwise the
 * round-to-odd method of Boldo and Melquiond (2008) sums the product's two halves and c in round-to-nearest.
 */
export function fma64(a: number, b: number, c: number, rm: number): number {
  const ph = a * b;
  if (c === 0 && ph !== 0) return mul64(a, b, rm);
  if (c - c === 0 && inProductRange(a, b, ph)) {
    const pl = productError(a, b, ph);
    if (pl === 0) {
      const s = ph + c;
      if (s !== 0) {
        const bb = s - ph;
        const err = ph - (s - bb) + (c - bb);
        const f = finish(s, err > 0 ? 1 : err < 0 ? -1 : 0, rm);
        if (f >= 0) return f;
      }
    } else if (rm === RNE) {
      const th = c + ph;
      let bb = th - c;
      const tl = c - (th - bb) + (ph - bb);
      const v = tl + pl;
      bb = v - tl;
      const ev = tl - (v - bb) + (pl - bb);
      let vOdd = v;
      if (ev !== 0) {
        stepD[0] = v;
        if ((stepI[0] & 1) === 0) vOdd = stepMagnitude64(v, ev > 0 === v > 0);
      }
      const r = th + vOdd;
      if (r - r === 0 && (r > MIN_SAFE || r < -MIN_SAFE)) {
        let inexact = ev !== 0;
        if (!inexact) {
          const b2 = r - th;
          inexact = th - (r - b2) + (v - b2) !== 0;
        }
        outD[0] = r;
        return inexact ? NX : 0;
      }
    }
  }
  return exactFma(a, b, c, rm, true);
}
