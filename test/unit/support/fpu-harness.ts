// Runs single F/D instructions through execFp on a scratch hart, with operands and results as raw bits.
// Encodings come from the one instruction table, so the tests exercise the same match values the decoder uses.

import { Hart } from '../../../src/riscv/hart';
import { INSTRUCTIONS, InstructionInfo } from '../../../src/riscv/instructions';
import { execFp } from '../../../src/riscv/fpu';

export const RNE = 0,
  RTZ = 1,
  RDN = 2,
  RUP = 3,
  RMM = 4,
  DYN = 7;
export const NX = 1,
  UF = 2,
  OF = 4,
  DZ = 8,
  NV = 16;

const byName = new Map(INSTRUCTIONS.map((i) => [i.name, i]));

export function info(name: string): InstructionInfo {
  const i = byName.get(name);
  if (!i) throw new Error(`no instruction ${name}`);
  return i;
}

/** Encodes `name` with f/x registers rd=1, rs1=2, rs2=3, rs3=4 and the given rm field. */
export function encode(name: string, rm = 0): number {
  const i = info(name);
  const usesRm = (i.mask & 0x7000) === 0;
  return (
    i.match |
    (1 << 7) |
    (2 << 15) |
    (usesRm ? rm << 12 : 0) |
    ((i.mask & (31 << 20)) === 0 ? 3 << 20 : 0) |
    ((i.mask & (31 << 27)) === 0 ? 4 << 27 : 0)
  );
}

export const hart = new Hart(0);

export function setF64(i: number, bits: bigint): void {
  hart.writeF(i, BigInt.asUintN(64, bits));
}
export function setF32(i: number, bits: number): void {
  hart.writeF(i, (0xffffffffn << 32n) | BigInt(bits >>> 0));
}

export interface Outcome {
  bits: bigint;
  flags: number;
  cause: number;
}

/** Executes `name` with f2/f3/f4 (or x2 for int sources) preset by the caller; result read from f1/x1. */
export function exec(name: string, rm: number, toX = false): Outcome {
  hart.fflags = 0;
  hart.writeF(1, 0x1234n);
  hart.writeX(1, 0x5678n);
  const cause = execFp(hart, info(name).op, encode(name, rm));
  return { bits: toX ? hart.readX(1) : hart.readF(1), flags: hart.fflags, cause };
}

/** Binary32 operation on 32-bit patterns; returns the low word (checking the NaN box) and flags. */
export function op32(name: string, rm: number, a: number, b = 0, c = 0): { bits: number; flags: number } {
  setF32(2, a);
  setF32(3, b);
  setF32(4, c);
  const r = exec(name, rm);
  if (r.cause !== 0) throw new Error(`${name} trapped`);
  if (r.bits >> 32n !== 0xffffffffn) throw new Error(`${name} result not NaN-boxed: ${r.bits.toString(16)}`);
  return { bits: Number(r.bits & 0xffffffffn), flags: r.flags };
}

export function op64(name: string, rm: number, a: bigint, b = 0n, c = 0n): { bits: bigint; flags: number } {
  setF64(2, a);
  setF64(3, b);
  setF64(4, c);
  const r = exec(name, rm);
  if (r.cause !== 0) throw new Error(`${name} trapped`);
  return { bits: r.bits, flags: r.flags };
}

const cv = new DataView(new ArrayBuffer(8));
export function f32(x: number): number {
  cv.setFloat32(0, x);
  return cv.getUint32(0);
}
export function f64(x: number): bigint {
  cv.setFloat64(0, x);
  return cv.getBigUint64(0);
}
export function fromF32(b: number): number {
  cv.setUint32(0, b >>> 0);
  return cv.getFloat32(0);
}
export function fromF64(b: bigint): number {
  cv.setBigUint64(0, BigInt.asUintN(64, b));
  return cv.getFloat64(0);
}

export function hex(v: number | bigint): string {
  return typeof v === 'number'
    ? '0x' + (v >>> 0).toString(16).padStart(8, '0')
    : '0x' + v.toString(16).padStart(16, '0');
}
