// 64-bit integer arithmetic on lo/hi Int32 halves, for the operations too large to inline in the interpreter.
// Results go to the exported `out` pair so the hot path allocates nothing.

export const out = { lo: 0, hi: 0 };

const TWO32 = 4294967296;

/** Low 64 bits of a 64x64 product. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  const a0 = alo & 0xffff,
    a1 = alo >>> 16,
    b0 = blo & 0xffff,
    b1 = blo >>> 16;
  const p00 = a0 * b0,
    p01 = a0 * b1,
    p10 = a1 * b0,
    p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiLoLo = p11 + Math.floor(p01 / 65536) + Math.floor(p10 / 65536) + Math.floor(mid / 65536);
  out.lo = Math.imul(alo, blo);
  out.hi = (hiLoLo + Math.imul(alo, bhi) + Math.imul(ahi, blo)) | 0;
}

const toBig = (lo: number, hi: number) => (BigInt(hi) << 32n) | BigInt(lo >>> 0); // signed
const toBigU = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
function setBig(v: bigint): void {
  out.lo = Number(BigInt.asIntN(32, v));
  out.hi = Number(BigInt.asIntN(32, v >> 32n));
}

/** High 64 bits of the product; kind 0 = signed x signed, 1 = signed x unsigned, 2 = unsigned x unsigned. */
export function mulh64(alo: number, ahi: number, blo: number, bhi: number, kind: 0 | 1 | 2): void {
  const a = kind === 2 ? toBigU(alo, ahi) : toBig(alo, ahi);
  const b = kind === 0 ? toBig(blo, bhi) : toBigU(blo, bhi);
  setBig((a * b) >> 64n);
}

/** Whether a lo/hi pair is the sign extension of its low word (fits in an Int32). */
const fits32 = (lo: number, hi: number) => hi === lo >> 31;

/**
 * Unsigned 64-bit division of nonzero b without BigInt: quotient to (qlo, qhi), remainder to (rlo, rhi), all as
 * Int32 halves. A divisor below 2^32 goes by 16-bit digits with exact doubles; a larger one has a quotient below
 * 2^32, estimated in doubles (off by at most one) and corrected with an exact 64-bit product.
 */
const q = { lo: 0, hi: 0, rlo: 0, rhi: 0 };
function udiv(alo: number, ahi: number, blo: number, bhi: number): void {
  const ah = ahi >>> 0,
    al = alo >>> 0,
    bl = blo >>> 0;
  if (bhi === 0) {
    const b = bl;
    const q1 = Math.floor(ah / b);
    let r = ah - q1 * b;
    let t = r * 65536 + (al >>> 16);
    let q2 = Math.floor(t / b);
    r = t - q2 * b;
    if (r < 0) {
      q2--;
      r += b;
    } else if (r >= b) {
      q2++;
      r -= b;
    }
    t = r * 65536 + (al & 0xffff);
    let q3 = Math.floor(t / b);
    r = t - q3 * b;
    if (r < 0) {
      q3--;
      r += b;
    } else if (r >= b) {
      q3++;
      r -= b;
    }
    q.lo = (q2 * 65536 + q3) | 0;
    q.hi = q1 | 0;
    q.rlo = r | 0;
    q.rhi = 0;
    return;
  }
  const bh = bhi >>> 0;
  // The double estimate is within one of the quotient; one less keeps e * b <= a, so the product fits 64 bits.
  let e = Math.min(Math.floor((ah * TWO32 + al) / (bh * TWO32 + bl)), 4294967295);
  if (e > 0) e--;
  mul64(e | 0, 0, blo, bhi);
  let rl = al - (out.lo >>> 0),
    rh = ah - (out.hi >>> 0);
  if (rl < 0) {
    rl += TWO32;
    rh--;
  }
  while (rh > bh || (rh === bh && rl >= bl)) {
    e++;
    rl -= bl;
    rh -= bh;
    if (rl < 0) {
      rl += TWO32;
      rh--;
    }
  }
  q.lo = e | 0;
  q.hi = 0;
  q.rlo = rl | 0;
  q.rhi = rh | 0;
}

/** Signed 64-bit division or remainder with RISC-V's results for division by zero and overflow. */
export function div64(alo: number, ahi: number, blo: number, bhi: number, rem: boolean): void {
  if (blo === 0 && bhi === 0) {
    if (rem) {
      out.lo = alo;
      out.hi = ahi;
    } else {
      out.lo = -1;
      out.hi = -1;
    }
    return;
  }
  if (fits32(alo, ahi) && fits32(blo, bhi)) {
    // Both operands are small: doubles are exact, and -2^31 / -1 = 2^31 still fits in 64 bits.
    const q = rem ? alo % blo : Math.trunc(alo / blo);
    const r = q === 0 ? 0 : q; // normalise -0
    out.lo = r | 0;
    out.hi = Math.floor(r / TWO32) | 0;
    return;
  }
  if (blo === -1 && bhi === -1 && alo === 0 && ahi === -2147483648) {
    if (rem) {
      out.lo = 0;
      out.hi = 0;
    } else {
      out.lo = alo;
      out.hi = ahi;
    }
    return;
  }
  // Divide the magnitudes, then fix the signs: the quotient is negative when the signs differ, the remainder
  // takes the dividend's sign.
  const an = ahi < 0,
    bn = bhi < 0;
  let xl = alo,
    xh = ahi,
    yl = blo,
    yh = bhi;
  if (an) {
    xl = -alo | 0;
    xh = (~ahi + (xl === 0 ? 1 : 0)) | 0;
  }
  if (bn) {
    yl = -blo | 0;
    yh = (~bhi + (yl === 0 ? 1 : 0)) | 0;
  }
  udiv(xl, xh, yl, yh);
  let l = rem ? q.rlo : q.lo,
    h = rem ? q.rhi : q.hi;
  if (rem ? an : an !== bn) {
    l = -l | 0;
    h = (~h + (l === 0 ? 1 : 0)) | 0;
  }
  out.lo = l;
  out.hi = h;
}

/** Unsigned 64-bit division or remainder. */
export function divu64(alo: number, ahi: number, blo: number, bhi: number, rem: boolean): void {
  if (blo === 0 && bhi === 0) {
    if (rem) {
      out.lo = alo;
      out.hi = ahi;
    } else {
      out.lo = -1;
      out.hi = -1;
    }
    return;
  }
  if (ahi === 0 && bhi === 0) {
    const a = alo >>> 0,
      b = blo >>> 0;
    out.lo = (rem ? a % b : Math.floor(a / b)) | 0;
    out.hi = 0;
    return;
  }
  udiv(alo, ahi, blo, bhi);
  if (rem) {
    out.lo = q.rlo;
    out.hi = q.rhi;
  } else {
    out.lo = q.lo;
    out.hi = q.hi;
  }
}

/** 32-bit signed division/remainder, result sign-extended (DIVW/REMW). */
export function divw(a: number, b: number, rem: boolean): number {
  if (b === 0) return rem ? a : -1;
  if (a === -2147483648 && b === -1) return rem ? 0 : a;
  return (rem ? a % b : Math.trunc(a / b)) | 0;
}

/** 32-bit unsigned division/remainder, result sign-extended (DIVUW/REMUW). */
export function divuw(a: number, b: number, rem: boolean): number {
  const ua = a >>> 0,
    ub = b >>> 0;
  if (ub === 0) return rem ? a : -1;
  return (rem ? ua % ub : Math.floor(ua / ub)) | 0;
}

/** Logical shift left by 0..63. */
export function sll64(lo: number, hi: number, sh: number): void {
  if (sh === 0) {
    out.lo = lo;
    out.hi = hi;
  } else if (sh < 32) {
    out.hi = (hi << sh) | (lo >>> (32 - sh));
    out.lo = lo << sh;
  } else {
    out.hi = lo << (sh - 32);
    out.lo = 0;
  }
}

/**
 * Logical shift right by 0..63. The halves are made int32 before they are stored: storing `hi >>> 0` (a uint32, not a
 * small integer) into `out`, even for a moment, changes the representation of its field and so its map, which
 * deoptimized execute() in the middle of a Linux boot (bench/README.md, "Block backend").
 */
export function srl64(lo: number, hi: number, sh: number): void {
  let l: number, h: number;
  if (sh === 0) {
    l = lo;
    h = hi;
  } else if (sh < 32) {
    l = (lo >>> sh) | (hi << (32 - sh));
    h = hi >>> sh;
  } else {
    l = hi >>> (sh - 32);
    h = 0;
  }
  out.lo = l | 0;
  out.hi = h | 0;
}

/** Arithmetic shift right by 0..63. */
export function sra64(lo: number, hi: number, sh: number): void {
  if (sh === 0) {
    out.lo = lo;
    out.hi = hi;
  } else if (sh < 32) {
    out.lo = (lo >>> sh) | (hi << (32 - sh));
    out.hi = hi >> sh;
  } else {
    out.lo = hi >> (sh - 32);
    out.hi = hi >> 31;
  }
}

/** Signed comparison a < b. */
export const lt64 = (alo: number, ahi: number, blo: number, bhi: number) =>
  ahi < bhi || (ahi === bhi && alo >>> 0 < blo >>> 0);
/** Unsigned comparison a < b. */
export const ltu64 = (alo: number, ahi: number, blo: number, bhi: number) =>
  ahi >>> 0 < bhi >>> 0 || (ahi === bhi && alo >>> 0 < blo >>> 0);

/** The exact value of a lo/hi pair as a double when it is within +-2^53 (addresses always are). */
export const toNumber = (lo: number, hi: number) => hi * TWO32 + (lo >>> 0);
