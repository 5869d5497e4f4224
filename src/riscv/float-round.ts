// Exact rounding of a binary value to binary32/binary64 under every RISC-V rounding mode, with IEEE 754 flags.
// It is the slow path that every fast path falls back on: BigInt significands make it exact by construction.

/** fflags bits (RISC-V unprivileged spec, "Accrued Exception Flags"). */
export const NX = 1,
  UF = 2,
  OF = 4,
  DZ = 8,
  NV = 16;
/** Rounding modes as encoded in the rm field and in frm. */
export const RNE = 0,
  RTZ = 1,
  RDN = 2,
  RUP = 3,
  RMM = 4;

export const CANON32 = 0x7fc00000;
export const CANON64_HI = 0x7ff80000;

// Every operation leaves its result's raw bits here: out[0] for binary32, out[0]=lo / out[1]=hi for binary64.
// The three views share one buffer so a fast path can store a native value and the caller reads bits.
const resultBuffer = new ArrayBuffer(8);
export const out = new Int32Array(resultBuffer);
export const outD = new Float64Array(resultBuffer);
export const outF = new Float32Array(resultBuffer);

// Separate scratch for taking doubles apart, so unpacking never clobbers a result.
const unpackD = new Float64Array(1);
const unpackI = new Int32Array(unpackD.buffer);

/** Exponent of the last value unpacked: the value is unpack(x) * 2^unpackedExp. */
export let unpackedExp = 0;

/** Significand of a finite nonzero double as a BigInt; its scale lands in unpackedExp. The sign is dropped. */
export function unpack(x: number): bigint {
  unpackD[0] = x;
  const hi = unpackI[1],
    lo = unpackI[0];
  const biased = (hi >>> 20) & 0x7ff;
  const frac = (hi & 0xfffff) * 4294967296 + (lo >>> 0);
  if (biased === 0) {
    unpackedExp = -1074;
    return BigInt(frac);
  }
  unpackedExp = biased - 1075;
  return BigInt(frac + 4503599627370496);
}

/** 1 if x is negative (including -0), else 0. */
export function signOf(x: number): number {
  return x < 0 || (x === 0 && 1 / x < 0) ? 1 : 0;
}

export function bitLength(n: bigint): number {
  const hex = n.toString(16);
  return (hex.length - 1) * 4 + (32 - Math.clz32(parseInt(hex[0], 16)));
}

export function writeNaN(is64: boolean): void {
  if (is64) {
    out[0] = 0;
    out[1] = CANON64_HI;
  } else out[0] = CANON32;
}

/** Stores a value already representable in the destination format (zeros, infinities, pass-through operands). */
export function writeValue(v: number, is64: boolean): void {
  if (is64) outD[0] = v;
  else outF[0] = v;
}

function writeMaxFinite(sign: number, is64: boolean): void {
  if (is64) {
    out[0] = -1;
    out[1] = (sign << 31) | 0x7fefffff;
  } else out[0] = (sign << 31) | 0x7f7fffff;
}

// Set by roundAt: whether the bits it discarded were nonzero.
let discardedNonzero = false;

/**
 * Rounds sig * 2^exp (plus a positive amount below its last bit when sticky) to a multiple of 2^q,
 * returning the multiplier. Direction follows rm for a value of the given sign.
 */
function roundAt(sig: bigint, exp: number, sticky: boolean, q: number, sign: number, rm: number): bigint {
  const shift = q - exp;
  if (shift <= 0) {
    // Nothing to drop except the sticky remainder, which is below half a unit.
    discardedNonzero = sticky;
    const m = sig << BigInt(-shift);
    return sticky && ((rm === RUP && sign === 0) || (rm === RDN && sign === 1)) ? m + 1n : m;
  }
  const sh = BigInt(shift);
  const m = sig >> sh;
  const rem = sig - (m << sh);
  if (rem === 0n && !sticky) {
    discardedNonzero = false;
    return m;
  }
  discardedNonzero = true;
  const half = 1n << (sh - 1n);
  let up: boolean;
  switch (rm) {
    case RNE:
      up = rem > half || (rem === half && (sticky || (m & 1n) === 1n));
      break;
    case RMM:
      up = rem >= half;
      break;
    case RDN:
      up = sign === 1;
      break;
    case RUP:
      up = sign === 0;
      break;
    default:
      up = false;
  }
  return up ? m + 1n : m;
}

/**
 * Rounds (-1)^sign * sig * 2^exp to the destination format (sig > 0). `sticky` says the true value is a
 * little more than that (by less than one unit of sig's last bit). Writes the bits to `out`, returns fflags.
 * Underflow follows RISC-V: tininess is judged after rounding, and UF needs the result to be inexact too.
 */
export function roundExact(sign: number, sig: bigint, exp: number, sticky: boolean, is64: boolean, rm: number): number {
  const p = is64 ? 53 : 24,
    emin = is64 ? -1022 : -126,
    emax = is64 ? 1023 : 127;
  const e = exp + bitLength(sig) - 1;
  let q = (e < emin ? emin : e) - (p - 1);
  let m = roundAt(sig, exp, sticky, q, sign, rm);
  const inexact = discardedNonzero;
  const top = 1n << BigInt(p);
  if (m === top) {
    m = top >> 1n;
    q += 1;
  }
  const normal = m >= top >> 1n;
  if (normal && q + p - 1 > emax) {
    const toInf = rm === RNE || rm === RMM || (rm === RUP && sign === 0) || (rm === RDN && sign === 1);
    if (toInf) writeValue(sign ? -Infinity : Infinity, is64);
    else writeMaxFinite(sign, is64);
    return OF | NX;
  }
  let flags = inexact ? NX : 0;
  if (inexact && e < emin) {
    // Tiny unless rounding with an unbounded exponent range would already reach the smallest normal.
    let tiny = true;
    if (e === emin - 1 && roundAt(sig, exp, sticky, e - (p - 1), sign, rm) === top) tiny = false;
    if (tiny) flags |= UF;
  }
  const biased = normal ? q + p - 1 + (is64 ? 1023 : 127) : 0;
  const frac = Number(normal ? m - (top >> 1n) : m);
  if (is64) {
    const fracHi = Math.floor(frac / 4294967296);
    out[1] = (sign << 31) | (biased << 20) | fracHi;
    out[0] = (frac - fracHi * 4294967296) | 0;
  } else {
    out[0] = (sign << 31) | (biased << 23) | frac;
  }
  return flags;
}
