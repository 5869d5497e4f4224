// Executes the F and D extensions' computational instructions (everything but loads and stores) on a hart.
// It owns register access, NaN-boxing, NaN results and the rounding-mode check; float32/float64 do the maths.

import { Hart } from './hart';
import { Group, GROUPS, Op, rdOf, rs1Of, rs2Of, rs3Of, VARIANT } from './instructions';
import { CANON32, CANON64_HI, NV, out, outD } from './float-round';
import { add32, div32, fma32, mul32, sqrt32 } from './float32';
import { add64, div64, fma64, mul64, sqrt64 } from './float64';
import { doubleToSingle, floatToInt, intToFloat } from './float-convert';

const ILLEGAL = 2;

/** Ops whose funct3 is a rounding mode: rm 5, 6 (or dynamic with frm >= 5) makes them illegal. */
const USES_RM = GROUPS.map((g) => ((g & Group.rounding) !== 0 ? 1 : 0));

// The hart whose register files the views below point at; rebound when another hart executes.
let bound: Hart | null = null;
let fw = new Int32Array(64);
let fd = new Float64Array(fw.buffer);
let ff = new Float32Array(fw.buffer);
let xr = new Int32Array(64);

function bind(h: Hart): void {
  bound = h;
  fw = h.fw;
  fd = new Float64Array(fw.buffer, fw.byteOffset, 32);
  ff = new Float32Array(fw.buffer, fw.byteOffset, 64);
  xr = h.x;
}

const cvF = new Float32Array(1);
const cvI = new Int32Array(cvF.buffer);

/** The binary32 bits of f[i]: a value that is not properly NaN-boxed reads as the canonical NaN. */
function bits32(i: number): number {
  return fw[2 * i + 1] === -1 ? fw[2 * i] : CANON32;
}

/** The binary32 value of f[i] (NaN when unboxed or NaN; callers look at bits32 only then). */
function read32(i: number): number {
  return fw[2 * i + 1] === -1 ? ff[2 * i] : NaN;
}

function value32(bits: number): number {
  cvI[0] = bits;
  return cvF[0];
}

function isNaN32(b: number): boolean {
  return (b & 0x7fffffff) > 0x7f800000;
}

function isSNaN32(b: number): boolean {
  return (b & 0x7fc00000) === 0x7f800000 && (b & 0x3fffff) !== 0;
}

function isSNaN64(i: number): boolean {
  const hi = fw[2 * i + 1];
  return (hi & 0x7ff80000) === 0x7ff00000 && ((hi & 0x7ffff) | fw[2 * i]) !== 0;
}

function setS(rd: number, bits: number): void {
  fw[2 * rd] = bits;
  fw[2 * rd + 1] = -1;
}

function setDFromOut(rd: number): void {
  fw[2 * rd] = out[0];
  fw[2 * rd + 1] = out[1];
}

function setX(rd: number, lo: number, hi: number): void {
  if (rd !== 0) {
    xr[2 * rd] = lo;
    xr[2 * rd + 1] = hi;
  }
}

function isInf(x: number): boolean {
  return x === Infinity || x === -Infinity;
}

/** fclass result bit index from sign, "exponent all ones", "exponent zero", "fraction zero", quiet bit. */
function classIndex(sign: boolean, expMax: boolean, expZero: boolean, fracZero: boolean, quiet: boolean): number {
  if (expMax) return fracZero ? (sign ? 0 : 7) : quiet ? 9 : 8;
  if (expZero) return fracZero ? (sign ? 3 : 4) : sign ? 2 : 5;
  return sign ? 1 : 6;
}

/**
 * A binary32 operation with a NaN operand (a, b, c read through read32; r3 < 0 when not fused): leaves its result,
 * the canonical NaN, in `out` and returns its flags: invalid for a signaling operand, and for inf * 0 even when the
 * addend is a quiet NaN (RISC-V and QEMU do so). nanResult64 is the same for binary64.
 */
function nanResult32(r1: number, r2: number, r3: number, a: number, b: number): number {
  out[0] = CANON32;
  if (r3 >= 0 && ((isInf(a) && b === 0) || (a === 0 && isInf(b)))) return NV;
  return isSNaN32(bits32(r1)) || isSNaN32(bits32(r2)) || (r3 >= 0 && isSNaN32(bits32(r3))) ? NV : 0;
}

function nanResult64(r1: number, r2: number, r3: number, a: number, b: number): number {
  out[0] = 0;
  out[1] = CANON64_HI;
  if (r3 >= 0 && ((isInf(a) && b === 0) || (a === 0 && isInf(b)))) return NV;
  return isSNaN64(r1) || isSNaN64(r2) || (r3 >= 0 && isSNaN64(r3)) ? NV : 0;
}

/** fmin/fmax (IEEE 754-2019 minimumNumber/maximumNumber): a lone NaN loses, and -0 < +0. */
function minMax32(isMax: boolean, rd: number, ab: number, bb: number): number {
  const an = isNaN32(ab),
    bn = isNaN32(bb);
  const flags = isSNaN32(ab) || isSNaN32(bb) ? NV : 0;
  let r: number;
  if (an || bn) {
    r = an && bn ? CANON32 : an ? bb : ab;
  } else {
    const a = value32(ab),
      b = value32(bb);
    if (a < b) r = isMax ? bb : ab;
    else if (b < a) r = isMax ? ab : bb;
    else r = isMax ? ab & bb : ab | bb; // equal: identical bits, or +0 and -0
  }
  setS(rd, r);
  return flags;
}

function minMax64(isMax: boolean, rd: number, r1: number, r2: number): number {
  const a = fd[r1],
    b = fd[r2];
  const flags = isSNaN64(r1) || isSNaN64(r2) ? NV : 0;
  let lo: number, hi: number;
  if (a !== a || b !== b) {
    const from = a !== a ? (b !== b ? -1 : r2) : r1;
    if (from < 0) {
      lo = 0;
      hi = CANON64_HI;
    } else {
      lo = fw[2 * from];
      hi = fw[2 * from + 1];
    }
  } else {
    const pick = a < b ? (isMax ? r2 : r1) : b < a ? (isMax ? r1 : r2) : -1;
    if (pick >= 0) {
      lo = fw[2 * pick];
      hi = fw[2 * pick + 1];
    } else {
      lo = isMax ? fw[2 * r1] & fw[2 * r2] : fw[2 * r1] | fw[2 * r2];
      hi = isMax ? fw[2 * r1 + 1] & fw[2 * r2 + 1] : fw[2 * r1 + 1] | fw[2 * r2 + 1];
    }
  }
  fw[2 * rd] = lo;
  fw[2 * rd + 1] = hi;
  return flags;
}

/** feq/flt/fle: `k` 0 eq, 1 lt, 2 le. Ordered comparisons signal on any NaN, feq only on signaling ones. */
function compare(k: number, a: number, b: number, aNaN: boolean, bNaN: boolean, snan: boolean): number {
  if (aNaN || bNaN) {
    out[0] = 0;
    return k === 0 && !snan ? 0 : NV;
  }
  out[0] = k === 0 ? (a === b ? 1 : 0) : k === 1 ? (a < b ? 1 : 0) : a <= b ? 1 : 0;
  return 0;
}

/**
 * Executes one F/D instruction (any op from Op.FMADD_S through Op.FMV_D_X).
 * Returns 0 on success, or 2 (illegal instruction) without changing any state.
 * mstatus.FS becomes dirty when an f register is written. Like QEMU 7.2, instructions that only write an
 * x register (compares, fclass, fcvt to integer, fmv.x) accrue fflags but leave FS alone.
 */
export function execFp(h: Hart, op: Op, w: number): number {
  if (h !== bound) bind(h);
  let rm = 0;
  if (USES_RM[op] === 1) {
    rm = (w >>> 12) & 7;
    if (rm === 7) rm = h.frm;
    if (rm > 4) return ILLEGAL;
  }
  const rd = rdOf(w),
    rs1 = rs1Of(w),
    rs2 = rs2Of(w);
  let flags = 0;
  let wroteF = true;
  switch (op) {
    // The arithmetic has one entry per operation, shared with compiled blocks (below): it accrues fflags and
    // marks FS dirty itself.
    case Op.FADD_S:
      fadd32(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FSUB_S:
      fsub32(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FMUL_S:
      fmul32(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FDIV_S:
      fdiv32(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FMADD_S:
    case Op.FMSUB_S:
    case Op.FNMSUB_S:
    case Op.FNMADD_S:
      fma32op(h, VARIANT[op], rd, rs1, rs2, rs3Of(w), rm);
      return 0;
    case Op.FSQRT_S:
      fsqrt32(h, rd, rs1, rm);
      return 0;
    case Op.FADD_D:
      fadd64(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FSUB_D:
      fsub64(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FMUL_D:
      fmul64(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FDIV_D:
      fdiv64(h, rd, rs1, rs2, rm);
      return 0;
    case Op.FMADD_D:
    case Op.FMSUB_D:
    case Op.FNMSUB_D:
    case Op.FNMADD_D:
      fma64op(h, VARIANT[op], rd, rs1, rs2, rs3Of(w), rm);
      return 0;
    case Op.FSQRT_D:
      fsqrt64(h, rd, rs1, rm);
      return 0;
    case Op.FSGNJ_S:
    case Op.FSGNJN_S:
    case Op.FSGNJX_S: {
      const a = bits32(rs1),
        b = bits32(rs2);
      const sign = op === Op.FSGNJ_S ? b : op === Op.FSGNJN_S ? ~b : a ^ b;
      setS(rd, (a & 0x7fffffff) | (sign & 0x80000000));
      break;
    }
    case Op.FSGNJ_D:
    case Op.FSGNJN_D:
    case Op.FSGNJX_D: {
      const a = fw[2 * rs1 + 1],
        b = fw[2 * rs2 + 1];
      const sign = op === Op.FSGNJ_D ? b : op === Op.FSGNJN_D ? ~b : a ^ b;
      fw[2 * rd] = fw[2 * rs1];
      fw[2 * rd + 1] = (a & 0x7fffffff) | (sign & 0x80000000);
      break;
    }
    case Op.FMIN_S:
      flags = minMax32(false, rd, bits32(rs1), bits32(rs2));
      break;
    case Op.FMAX_S:
      flags = minMax32(true, rd, bits32(rs1), bits32(rs2));
      break;
    case Op.FMIN_D:
      flags = minMax64(false, rd, rs1, rs2);
      break;
    case Op.FMAX_D:
      flags = minMax64(true, rd, rs1, rs2);
      break;
    case Op.FCVT_S_D: {
      const a = fd[rs1];
      if (a !== a) {
        flags = isSNaN64(rs1) ? NV : 0;
        out[0] = CANON32;
      } else flags = doubleToSingle(a, rm);
      setS(rd, out[0]);
      break;
    }
    case Op.FCVT_D_S: {
      const ab = bits32(rs1);
      if (isNaN32(ab)) {
        flags = isSNaN32(ab) ? NV : 0;
        out[0] = 0;
        out[1] = CANON64_HI;
      } else outD[0] = value32(ab);
      setDFromOut(rd);
      break;
    }
    case Op.FCVT_S_W:
    case Op.FCVT_S_WU:
    case Op.FCVT_S_L:
    case Op.FCVT_S_LU:
      flags = intToFloat(xr[2 * rs1], xr[2 * rs1 + 1], VARIANT[op], rm, false);
      setS(rd, out[0]);
      break;
    case Op.FCVT_D_W:
    case Op.FCVT_D_WU:
    case Op.FCVT_D_L:
    case Op.FCVT_D_LU:
      flags = intToFloat(xr[2 * rs1], xr[2 * rs1 + 1], VARIANT[op], rm, true);
      setDFromOut(rd);
      break;
    case Op.FMV_W_X:
      setS(rd, xr[2 * rs1]);
      break;
    case Op.FMV_D_X:
      fw[2 * rd] = xr[2 * rs1];
      fw[2 * rd + 1] = xr[2 * rs1 + 1];
      break;
    default:
      wroteF = false;
      switch (op) {
        case Op.FCVT_W_S:
        case Op.FCVT_WU_S:
        case Op.FCVT_L_S:
        case Op.FCVT_LU_S:
          flags = floatToInt(value32(bits32(rs1)), rm, VARIANT[op]);
          setX(rd, out[0], out[1]);
          break;
        case Op.FCVT_W_D:
        case Op.FCVT_WU_D:
        case Op.FCVT_L_D:
        case Op.FCVT_LU_D:
          flags = floatToInt(fd[rs1], rm, VARIANT[op]);
          setX(rd, out[0], out[1]);
          break;
        case Op.FMV_X_W: {
          const v = fw[2 * rs1];
          setX(rd, v, v >> 31);
          break;
        }
        case Op.FMV_X_D:
          setX(rd, fw[2 * rs1], fw[2 * rs1 + 1]);
          break;
        case Op.FEQ_S:
        case Op.FLT_S:
        case Op.FLE_S: {
          const ab = bits32(rs1),
            bb = bits32(rs2);
          flags = compare(
            op === Op.FEQ_S ? 0 : op === Op.FLT_S ? 1 : 2,
            value32(ab),
            value32(bb),
            isNaN32(ab),
            isNaN32(bb),
            isSNaN32(ab) || isSNaN32(bb),
          );
          setX(rd, out[0], 0);
          break;
        }
        case Op.FEQ_D:
        case Op.FLT_D:
        case Op.FLE_D: {
          const a = fd[rs1],
            b = fd[rs2];
          flags = compare(
            op === Op.FEQ_D ? 0 : op === Op.FLT_D ? 1 : 2,
            a,
            b,
            a !== a,
            b !== b,
            isSNaN64(rs1) || isSNaN64(rs2),
          );
          setX(rd, out[0], 0);
          break;
        }
        case Op.FCLASS_S: {
          const b = bits32(rs1),
            e = (b >>> 23) & 0xff,
            f = b & 0x7fffff;
          setX(rd, 1 << classIndex(b < 0, e === 0xff, e === 0, f === 0, (b & 0x400000) !== 0), 0);
          break;
        }
        case Op.FCLASS_D: {
          const hi = fw[2 * rs1 + 1],
            e = (hi >>> 20) & 0x7ff;
          const fracZero = ((hi & 0xfffff) | fw[2 * rs1]) === 0;
          setX(rd, 1 << classIndex(hi < 0, e === 0x7ff, e === 0, fracZero, (hi & 0x80000) !== 0), 0);
          break;
        }
        default:
          return ILLEGAL;
      }
  }
  if (flags !== 0) h.fflags |= flags;
  if (wroteF) h.markFsDirty();
  return 0;
}

// ---- One entry per arithmetic operation, for execFp and for compiled blocks (block-compiler.ts) ----
// They take decoded register numbers and a legal rounding mode (0..4), so none of them can fail. execFp calls them
// after its own decode and rm check; the block compiler decodes when it builds the block and passes literals (a
// static rm resolved there, a dynamic one read from frm and checked by the block before the call), so a block
// changes exactly what the interpreter does. One small function per operation keeps every call site monomorphic
// and lets V8 inline it into the block.

/** Accrues `flags` and marks the F state dirty, as execFp does after an instruction that writes an f register. */
function retireF(h: Hart, flags: number): void {
  if (flags !== 0) h.fflags |= flags;
  h.markFsDirty();
}

/** Writes the binary32 result left in `out` to f[rd] and retires with `flags`. */
function retireS(h: Hart, rd: number, flags: number): void {
  setS(rd, out[0]);
  retireF(h, flags);
}

/** Writes the binary64 result left in `out` to f[rd] and retires with `flags`. */
function retireD(h: Hart, rd: number, flags: number): void {
  setDFromOut(rd);
  retireF(h, flags);
}

export function fadd32(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = read32(r1),
    b = read32(r2);
  retireS(h, rd, a !== a || b !== b ? nanResult32(r1, r2, -1, a, b) : add32(a, b, rm));
}

export function fsub32(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = read32(r1),
    b = read32(r2);
  retireS(h, rd, a !== a || b !== b ? nanResult32(r1, r2, -1, a, b) : add32(a, -b, rm));
}

export function fmul32(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = read32(r1),
    b = read32(r2);
  retireS(h, rd, a !== a || b !== b ? nanResult32(r1, r2, -1, a, b) : mul32(a, b, rm));
}

export function fdiv32(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = read32(r1),
    b = read32(r2);
  retireS(h, rd, a !== a || b !== b ? nanResult32(r1, r2, -1, a, b) : div32(a, b, rm));
}

/** fmadd/fmsub/fnmsub/fnmadd.s: `v` is the op's VARIANT (bit 0 negates the addend, bit 1 the product). */
export function fma32op(h: Hart, v: number, rd: number, r1: number, r2: number, r3: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = read32(r1),
    b = read32(r2),
    c = read32(r3);
  retireS(
    h,
    rd,
    a !== a || b !== b || c !== c
      ? nanResult32(r1, r2, r3, a, b)
      : fma32(v >= 2 ? -a : a, b, (v & 1) === 1 ? -c : c, rm),
  );
}

export function fsqrt32(h: Hart, rd: number, r1: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = read32(r1);
  let flags: number;
  if (a !== a) {
    flags = isSNaN32(bits32(r1)) ? NV : 0;
    out[0] = CANON32;
  } else flags = sqrt32(a, rm);
  setS(rd, out[0]);
  retireF(h, flags);
}

export function fadd64(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = fd[r1],
    b = fd[r2];
  retireD(h, rd, a !== a || b !== b ? nanResult64(r1, r2, -1, a, b) : add64(a, b, rm));
}

export function fsub64(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = fd[r1],
    b = fd[r2];
  retireD(h, rd, a !== a || b !== b ? nanResult64(r1, r2, -1, a, b) : add64(a, -b, rm));
}

export function fmul64(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = fd[r1],
    b = fd[r2];
  retireD(h, rd, a !== a || b !== b ? nanResult64(r1, r2, -1, a, b) : mul64(a, b, rm));
}

export function fdiv64(h: Hart, rd: number, r1: number, r2: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = fd[r1],
    b = fd[r2];
  retireD(h, rd, a !== a || b !== b ? nanResult64(r1, r2, -1, a, b) : div64(a, b, rm));
}

export function fma64op(h: Hart, v: number, rd: number, r1: number, r2: number, r3: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = fd[r1],
    b = fd[r2],
    c = fd[r3];
  retireD(
    h,
    rd,
    a !== a || b !== b || c !== c
      ? nanResult64(r1, r2, r3, a, b)
      : fma64(v >= 2 ? -a : a, b, (v & 1) === 1 ? -c : c, rm),
  );
}

export function fsqrt64(h: Hart, rd: number, r1: number, rm: number): void {
  if (h !== bound) bind(h);
  const a = fd[r1];
  let flags: number;
  if (a !== a) {
    flags = isSNaN64(r1) ? NV : 0;
    out[0] = 0;
    out[1] = CANON64_HI;
  } else flags = sqrt64(a, rm);
  setDFromOut(rd);
  retireF(h, flags);
}

/** feq/flt/fle.s (`k` 0, 1, 2): returns the 0 or 1 for rd and accrues flags; FS stays as it is (see execFp). */
export function fcmp32(h: Hart, k: number, r1: number, r2: number): number {
  if (h !== bound) bind(h);
  const ab = bits32(r1),
    bb = bits32(r2);
  const flags = compare(k, value32(ab), value32(bb), isNaN32(ab), isNaN32(bb), isSNaN32(ab) || isSNaN32(bb));
  if (flags !== 0) h.fflags |= flags;
  return out[0];
}

export function fcmp64(h: Hart, k: number, r1: number, r2: number): number {
  if (h !== bound) bind(h);
  const a = fd[r1],
    b = fd[r2];
  const flags = compare(k, a, b, a !== a, b !== b, isSNaN64(r1) || isSNaN64(r2));
  if (flags !== 0) h.fflags |= flags;
  return out[0];
}

/** The f registers of `h` as binary32 values (the low word of f[i] at index 2i), for the inline paths of blocks. */
export function singles(h: Hart): Float32Array {
  if (h !== bound) bind(h);
  return ff;
}
