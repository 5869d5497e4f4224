// 64-bit integer arithmetic on lo/hi Int32 halves, for the operations too large to inline in the interpreter.
// Results go to the exported `out` pair so the hot path allocates nothing.

export const out = { lo: 0, hi: 0 };

const TWO32 = 4294967296;

/** Low 64 bits of a 64x64 product. */
export function mul64(alo: number, ahi: number, blo: number, bhi: number): void {
  const a0 = alo & 0xffff, a1 = alo >>> 16, b0 = blo & 0xffff, b1 = blo >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
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

/** Signed 64-bit division or remainder with RISC-V's results for division by zero and overflow. */
export function div64(alo: number, ahi: number, blo: number, bhi: number, rem: boolean): void {
  if (blo === 0 && bhi === 0) {
    if (rem) { out.lo = alo; out.hi = ahi; } else { out.lo = -1; out.hi = -1; }
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
  const a = toBig(alo, ahi), b = toBig(blo, bhi);
  if (b === -1n && a === -(1n << 63n)) {
    if (rem) { out.lo = 0; out.hi = 0; } else { out.lo = alo; out.hi = ahi; }
    return;
  }
  setBig(rem ? a % b : a / b);
}

/** Unsigned 64-bit division or remainder. */
export function divu64(alo: number, ahi: number, blo: number, bhi: number, rem: boolean): void {
  if (blo === 0 && bhi === 0) {
    if (rem) { out.lo = alo; out.hi = ahi; } else { out.lo = -1; out.hi = -1; }
    return;
  }
  if (ahi === 0 && bhi === 0) {
    const a = alo >>> 0, b = blo >>> 0;
    out.lo = (rem ? a % b : Math.floor(a / b)) | 0;
    out.hi = 0;
    return;
  }
  const a = toBigU(alo, ahi), b = toBigU(blo, bhi);
  setBig(rem ? a % b : a / b);
}

/** 32-bit signed division/remainder, result sign-extended (DIVW/REMW). */
export function divw(a: number, b: number, rem: boolean): number {
  if (b === 0) return rem ? a : -1;
  if (a === -2147483648 && b === -1) return rem ? 0 : a;
  return (rem ? a % b : Math.trunc(a / b)) | 0;
}

/** 32-bit unsigned division/remainder, result sign-extended (DIVUW/REMUW). */
export function divuw(a: number, b: number, rem: boolean): number {
  const ua = a >>> 0, ub = b >>> 0;
  if (ub === 0) return rem ? a : -1;
  return (rem ? ua % ub : Math.floor(ua / ub)) | 0;
}

/** Logical shift left by 0..63. */
export function sll64(lo: number, hi: number, sh: number): void {
  if (sh === 0) { out.lo = lo; out.hi = hi; } else if (sh < 32) {
    out.hi = (hi << sh) | (lo >>> (32 - sh));
    out.lo = lo << sh;
  } else { out.hi = lo << (sh - 32); out.lo = 0; }
}

/** Logical shift right by 0..63. */
export function srl64(lo: number, hi: number, sh: number): void {
  if (sh === 0) { out.lo = lo; out.hi = hi; } else if (sh < 32) {
    out.lo = (lo >>> sh) | (hi << (32 - sh));
    out.hi = hi >>> sh;
  } else { out.lo = hi >>> (sh - 32); out.hi = 0; }
  out.lo |= 0;
  out.hi |= 0;
}

/** Arithmetic shift right by 0..63. */
export function sra64(lo: number, hi: number, sh: number): void {
  if (sh === 0) { out.lo = lo; out.hi = hi; } else if (sh < 32) {
    out.lo = (lo >>> sh) | (hi << (32 - sh));
    out.hi = hi >> sh;
  } else { out.lo = hi >> (sh - 32); out.hi = hi >> 31; }
}

/** Signed comparison a < b. */
export const lt64 = (alo: number, ahi: number, blo: number, bhi: number) =>
  ahi < bhi || (ahi === bhi && alo >>> 0 < blo >>> 0);
/** Unsigned comparison a < b. */
export const ltu64 = (alo: number, ahi: number, blo: number, bhi: number) =>
  ahi >>> 0 < bhi >>> 0 || (ahi === bhi && alo >>> 0 < blo >>> 0);

/** The exact value of a lo/hi pair as a double when it is within +-2^53 (addresses always are). */
export const toNumber = (lo: number, hi: number) => hi * TWO32 + (lo >>> 0);
