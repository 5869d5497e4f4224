// An independent, slow IEEE 754 reference for the tests: values are exact BigInt rationals, rounding is
// written from the standard's definitions, and nothing is shared with src/riscv/float*.ts.

export interface Format {
  p: number;
  ebits: number;
  emin: number;
  emax: number;
}
export const BINARY32: Format = { p: 24, ebits: 8, emin: -126, emax: 127 };
export const BINARY64: Format = { p: 53, ebits: 11, emin: -1022, emax: 1023 };

export type Val =
  | { kind: 'nan'; signaling: boolean }
  | { kind: 'inf'; neg: boolean }
  /** A finite value: (-1)^neg * num / den, den > 0; num = 0 is a signed zero. */
  | { kind: 'fin'; neg: boolean; num: bigint; den: bigint };

export interface Result {
  bits: bigint;
  flags: number;
}

const NX = 1,
  UF = 2,
  OF = 4,
  DZ = 8,
  NV = 16;
const RNE = 0,
  RTZ = 1,
  RDN = 2,
  RUP = 3,
  RMM = 4;

function pow2(e: number): bigint {
  return 1n << BigInt(e);
}

export function decode(bits: bigint, f: Format): Val {
  const fracBits = BigInt(f.p - 1);
  const neg = (bits >> (fracBits + BigInt(f.ebits))) & 1n ? true : false;
  const e = Number((bits >> fracBits) & (pow2(f.ebits) - 1n));
  const frac = bits & (pow2(f.p - 1) - 1n);
  const bias = f.emax;
  if (e === 2 ** f.ebits - 1) {
    if (frac === 0n) return { kind: 'inf', neg };
    return { kind: 'nan', signaling: frac >> (fracBits - 1n) === 0n };
  }
  const sig = e === 0 ? frac : frac | pow2(f.p - 1);
  const scale = (e === 0 ? 1 : e) - bias - (f.p - 1);
  return scale >= 0
    ? { kind: 'fin', neg, num: sig << BigInt(scale), den: 1n }
    : { kind: 'fin', neg, num: sig, den: pow2(-scale) };
}

function packFields(neg: boolean, e: number, frac: bigint, f: Format): bigint {
  return ((neg ? 1n : 0n) << BigInt(f.ebits + f.p - 1)) | (BigInt(e) << BigInt(f.p - 1)) | frac;
}

export function canonicalNaN(f: Format): bigint {
  return packFields(false, 2 ** f.ebits - 1, pow2(f.p - 2), f);
}

function inf(neg: boolean, f: Format): bigint {
  return packFields(neg, 2 ** f.ebits - 1, 0n, f);
}
function zero(neg: boolean, f: Format): bigint {
  return packFields(neg, 0, 0n, f);
}

/** Rounds num/den (num > 0) times the multiplier 2^-q to an integer, in direction rm for the sign. */
function roundScaled(num: bigint, den: bigint, q: number, neg: boolean, rm: number): { m: bigint; inexact: boolean } {
  const n = q >= 0 ? num : num << BigInt(-q);
  const d = q >= 0 ? den << BigInt(q) : den;
  let m = n / d;
  const r = n - m * d;
  if (r === 0n) return { m, inexact: false };
  const twice = 2n * r;
  let up: boolean;
  if (rm === RNE) up = twice > d || (twice === d && (m & 1n) === 1n);
  else if (rm === RMM) up = twice >= d;
  else if (rm === RTZ) up = false;
  else if (rm === RDN) up = neg;
  else up = !neg;
  if (up) m += 1n;
  return { m, inexact: true };
}

/** floor(log2(num/den)) for num, den > 0. */
function ilog2(num: bigint, den: bigint): number {
  let e = num.toString(2).length - den.toString(2).length;
  const holds = (k: number) => (k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den);
  while (!holds(e)) e--;
  while (holds(e + 1)) e++;
  return e;
}

/** IEEE 754 rounding of a nonzero rational, with tininess detected after rounding (RISC-V). */
export function roundRational(neg: boolean, num: bigint, den: bigint, f: Format, rm: number): Result {
  const E = ilog2(num, den);
  const q = Math.max(E, f.emin) - (f.p - 1);
  let { m, inexact } = roundScaled(num, den, q, neg, rm);
  let flags = inexact ? NX : 0;
  let qq = q;
  if (m === pow2(f.p)) {
    m = pow2(f.p - 1);
    qq++;
  }
  if (m >= pow2(f.p - 1) && qq + f.p - 1 > f.emax) {
    const toInf = rm === RNE || rm === RMM || (rm === RUP && !neg) || (rm === RDN && neg);
    return { bits: toInf ? inf(neg, f) : packFields(neg, 2 ** f.ebits - 2, pow2(f.p - 1) - 1n, f), flags: OF | NX };
  }
  if (inexact && E < f.emin) {
    // What would the result be with an unbounded exponent? Tiny if still below 2^emin.
    const q2 = E - (f.p - 1);
    const m2 = roundScaled(num, den, q2, neg, rm).m;
    if (m2 < pow2(f.emin - q2)) flags |= UF;
  }
  if (m < pow2(f.p - 1)) return { bits: packFields(neg, 0, m, f), flags };
  return { bits: packFields(neg, qq + f.p - 1 + f.emax, m - pow2(f.p - 1), f), flags };
}

function nan(f: Format, flags: number): Result {
  return { bits: canonicalNaN(f), flags };
}
function isSNaN(v: Val): boolean {
  return v.kind === 'nan' && v.signaling;
}

type Fin = Extract<Val, { kind: 'fin' }>;

/** Exact sum of finite values, rounded; handles the sign of an exact zero (IEEE 754 section 6.3). */
function sumFinite(x: Fin, y: Fin, f: Format, rm: number): Result {
  const nx = (x.neg ? -x.num : x.num) * y.den;
  const ny = (y.neg ? -y.num : y.num) * x.den;
  const n = nx + ny;
  if (n === 0n) {
    const bothNegZero = x.num === 0n && y.num === 0n && x.neg && y.neg;
    const sameSignZeros = x.num === 0n && y.num === 0n && x.neg === y.neg;
    return { bits: zero(sameSignZeros ? bothNegZero : rm === RDN, f), flags: 0 };
  }
  return roundRational(n < 0n, n < 0n ? -n : n, x.den * y.den, f, rm);
}

export function refAdd(a: bigint, b: bigint, f: Format, rm: number, subtract = false): Result {
  const x = decode(a, f);
  let y = decode(b, f);
  if (x.kind === 'nan' || y.kind === 'nan') return nan(f, isSNaN(x) || isSNaN(y) ? NV : 0);
  if (subtract) y = { ...y, neg: !y.neg };
  if (x.kind === 'inf' && y.kind === 'inf') return x.neg === y.neg ? { bits: inf(x.neg, f), flags: 0 } : nan(f, NV);
  if (x.kind === 'inf') return { bits: inf(x.neg, f), flags: 0 };
  if (y.kind === 'inf') return { bits: inf(y.neg, f), flags: 0 };
  return sumFinite(x as Fin, y as Fin, f, rm);
}

export function refMul(a: bigint, b: bigint, f: Format, rm: number): Result {
  const x = decode(a, f),
    y = decode(b, f);
  if (x.kind === 'nan' || y.kind === 'nan') return nan(f, isSNaN(x) || isSNaN(y) ? NV : 0);
  const neg = x.neg !== y.neg;
  const isZero = (v: Val) => v.kind === 'fin' && v.num === 0n;
  if (x.kind === 'inf' || y.kind === 'inf')
    return isZero(x) || isZero(y) ? nan(f, NV) : { bits: inf(neg, f), flags: 0 };
  const n = (x as Fin).num * (y as Fin).num;
  if (n === 0n) return { bits: zero(neg, f), flags: 0 };
  return roundRational(neg, n, (x as Fin).den * (y as Fin).den, f, rm);
}

export function refDiv(a: bigint, b: bigint, f: Format, rm: number): Result {
  const x = decode(a, f),
    y = decode(b, f);
  if (x.kind === 'nan' || y.kind === 'nan') return nan(f, isSNaN(x) || isSNaN(y) ? NV : 0);
  const neg = x.neg !== y.neg;
  if (x.kind === 'inf') return y.kind === 'inf' ? nan(f, NV) : { bits: inf(neg, f), flags: 0 };
  if (y.kind === 'inf') return { bits: zero(neg, f), flags: 0 };
  if (y.num === 0n) return x.num === 0n ? nan(f, NV) : { bits: inf(neg, f), flags: DZ };
  if (x.num === 0n) return { bits: zero(neg, f), flags: 0 };
  return roundRational(neg, x.num * y.den, x.den * y.num, f, rm);
}

/** floor(sqrt(n)) by bisection on the bits of the root. */
function bisectSqrt(n: bigint): bigint {
  let r = 0n;
  for (let bit = BigInt(Math.ceil(n.toString(2).length / 2)); bit >= 0n; bit--) {
    const t = r | (1n << bit);
    if (t * t <= n) r = t;
  }
  return r;
}

export function refSqrt(a: bigint, f: Format, rm: number): Result {
  const x = decode(a, f);
  if (x.kind === 'nan') return nan(f, x.signaling ? NV : 0);
  if (x.kind === 'inf') return x.neg ? nan(f, NV) : { bits: a, flags: 0 };
  if (x.num === 0n) return { bits: a, flags: 0 };
  if (x.neg) return nan(f, NV);
  // sqrt(num/den) with den = 2^k: scale by an even power S so the integer root has p + 20 bits.
  const k = x.den.toString(2).length - 1;
  let S = 2 * (f.p + 20) + k;
  if (S % 2) S++;
  const N = (x.num << BigInt(S)) / x.den;
  const root = bisectSqrt(N);
  const half = S / 2;
  if (root * root === N) return roundRational(false, root, pow2(half), f, rm);
  // Strictly between root and root+1, far finer than any rounding boundary: the midpoint stands in.
  return roundRational(false, 2n * root + 1n, pow2(half + 1), f, rm);
}

/** fmadd/fmsub/fnmsub/fnmadd: (negProduct ? -1 : 1) * a * b + (negAddend ? -1 : 1) * c, rounded once. */
export function refFma(
  a: bigint,
  b: bigint,
  c: bigint,
  f: Format,
  rm: number,
  negProduct: boolean,
  negAddend: boolean,
): Result {
  const x = decode(a, f),
    y = decode(b, f),
    z = decode(c, f);
  const isZero = (v: Val) => v.kind === 'fin' && v.num === 0n;
  const infZero = (x.kind === 'inf' && isZero(y)) || (isZero(x) && y.kind === 'inf');
  if (x.kind === 'nan' || y.kind === 'nan' || z.kind === 'nan') {
    return nan(f, isSNaN(x) || isSNaN(y) || isSNaN(z) || infZero ? NV : 0);
  }
  if (infZero) return nan(f, NV);
  const pNeg = (x.neg !== y.neg) !== negProduct;
  const zNeg = z.neg !== negAddend;
  if (x.kind === 'inf' || y.kind === 'inf') {
    if (z.kind === 'inf' && zNeg !== pNeg) return nan(f, NV);
    return { bits: inf(pNeg, f), flags: 0 };
  }
  if (z.kind === 'inf') return { bits: inf(zNeg, f), flags: 0 };
  const xf = x as Fin,
    yf = y as Fin,
    zf = z as Fin;
  const prod: Fin = { kind: 'fin', neg: pNeg, num: xf.num * yf.num, den: xf.den * yf.den };
  return sumFinite(prod, { ...zf, neg: zNeg }, f, rm);
}

/** fcvt from float to a 32/64-bit integer: saturating per the RISC-V table, raising NV alone when it does. */
export function refToInt(
  a: bigint,
  f: Format,
  rm: number,
  bits: 32 | 64,
  signed: boolean,
): { value: bigint; flags: number } {
  const x = decode(a, f);
  const min = signed ? -pow2(bits - 1) : 0n;
  const max = signed ? pow2(bits - 1) - 1n : pow2(bits) - 1n;
  const ext = (v: bigint) => BigInt.asUintN(64, bits === 32 ? BigInt.asIntN(32, v) : v);
  if (x.kind === 'nan') return { value: ext(max), flags: NV };
  if (x.kind === 'inf') return { value: ext(x.neg ? min : max), flags: NV };
  if (x.num === 0n) return { value: 0n, flags: 0 };
  const { m, inexact } = roundScaled(x.num, x.den, 0, x.neg, rm);
  const v = x.neg ? -m : m;
  if (v < min || v > max) return { value: ext(x.neg ? min : max), flags: NV };
  return { value: ext(v), flags: inexact ? NX : 0 };
}

/** fcvt from an integer (given as a BigInt value) to a float. */
export function refFromInt(v: bigint, f: Format, rm: number): Result {
  if (v === 0n) return { bits: 0n, flags: 0 };
  return roundRational(v < 0n, v < 0n ? -v : v, 1n, f, rm);
}

/** fcvt between formats (from -> to). */
export function refConvert(a: bigint, from: Format, to: Format, rm: number): Result {
  const x = decode(a, from);
  if (x.kind === 'nan') return nan(to, x.signaling ? NV : 0);
  if (x.kind === 'inf') return { bits: inf(x.neg, to), flags: 0 };
  if (x.num === 0n) return { bits: zero(x.neg, to), flags: 0 };
  return roundRational(x.neg, x.num, x.den, to, rm);
}
