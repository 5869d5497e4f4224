// Runs single instructions on a one-hart machine for the per-instruction tests: encode from the table, set up
// registers and memory, execute one step, and read the result back.

import { Machine } from '../../../src/machine/machine';
import { INSTRUCTIONS, InstructionInfo } from '../../../src/riscv/instructions';
import { MSTATUS } from '../../../src/riscv/hart';

export const CODE = 0x80000000;
export const DATA = 0x80002000;
export const HANDLER = 0x80000800;

const byName = new Map<string, InstructionInfo>();
for (const row of INSTRUCTIONS) byName.set(row.name, row);

export interface Fields {
  rd?: number;
  rs1?: number;
  rs2?: number;
  rs3?: number;
  imm?: number;
  rm?: number;
  csr?: number;
}

/** Encodes an instruction from its table row and operand fields. */
export function encode(name: string, f: Fields = {}): number {
  const row = byName.get(name);
  if (!row) throw new Error(`no instruction ${name}`);
  const imm = f.imm ?? 0;
  let w = row.match;
  const setIf = (value: number | undefined, shift: number, mask: number) => {
    if (value !== undefined && ((row.mask >>> shift) & mask) === 0) w |= (value & mask) << shift;
  };
  setIf(f.rd, 7, 31);
  setIf(f.rs1, 15, 31);
  setIf(f.rs2, 20, 31);
  setIf(f.rs3, 27, 31);
  setIf(f.rm, 12, 7);
  switch (row.format) {
    case 'U':
      w |= imm & 0xfffff000;
      break;
    case 'J':
      w |=
        (((imm >> 20) & 1) << 31) |
        (((imm >> 1) & 1023) << 21) |
        (((imm >> 11) & 1) << 20) |
        (((imm >> 12) & 255) << 12);
      break;
    case 'B':
      w |= (((imm >> 12) & 1) << 31) | (((imm >> 5) & 63) << 25) | (((imm >> 1) & 15) << 8) | (((imm >> 11) & 1) << 7);
      break;
    case 'S':
    case 'FS':
      w |= (((imm >> 5) & 0x7f) << 25) | ((imm & 31) << 7);
      break;
    case 'I':
    case 'L':
    case 'FL':
      w |= (imm & 0xfff) << 20;
      break;
    case 'SH':
      w |= (imm & 63) << 20;
      break;
    case 'CSR':
    case 'CSRI':
      w |= ((f.csr ?? 0) & 0xfff) << 20;
      break;
  }
  return w >>> 0;
}

export interface Step {
  m: Machine;
  /** x register as unsigned 64-bit. */
  x(i: number): bigint;
  f(i: number): bigint;
  pc: bigint;
  /** mcause after the step when the instruction trapped, else undefined. */
  trap: bigint | undefined;
  mtval: bigint;
  fflags: number;
  mem(addr: number, size: number): bigint;
}

export interface Setup {
  x?: Record<number, bigint>;
  f?: Record<number, bigint>;
  mem?: [addr: number, size: number, value: bigint][];
  frm?: number;
  fpOff?: boolean;
}

/** Executes `words` (one instruction, or a compressed parcel when < 0x10000 and low bits != 3) as one step. */
export function step(word: number, setup: Setup = {}, compressed = false): Step {
  const code = new Uint8Array(8);
  const dv = new DataView(code.buffer);
  if (compressed) dv.setUint16(0, word, true);
  else dv.setUint32(0, word, true);
  const m = new Machine(
    { entry: CODE, segments: [{ paddr: CODE, data: code, memSize: 0x4000 }], symbols: new Map() },
    { harts: 1, ramSize: 1 << 20 },
  );
  const h = m.harts[0];
  h.mtvec = BigInt(HANDLER);
  if (!setup.fpOff) h.mstatus |= 1 << MSTATUS.FS_SHIFT;
  if (setup.frm !== undefined) h.frm = setup.frm;
  for (const [r, v] of Object.entries(setup.x ?? {})) h.writeX(Number(r), BigInt.asUintN(64, v));
  for (const [r, v] of Object.entries(setup.f ?? {})) h.writeF(Number(r), BigInt.asUintN(64, v));
  for (const [addr, size, value] of setup.mem ?? []) {
    for (let k = 0; k < size; k++)
      m.memory.ram8[addr - 0x80000000 + k] = Number((BigInt.asUintN(64, value) >> BigInt(8 * k)) & 0xffn);
  }
  m.stepInstruction(0);
  const trapped = h.pc === HANDLER;
  return {
    m,
    x: (i) => h.readX(i),
    f: (i) => h.readF(i),
    pc: h.pc64,
    trap: trapped ? h.mcause : undefined,
    mtval: h.mtval,
    fflags: h.fflags,
    mem: (addr, size) => {
      let v = 0n;
      for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(m.memory.ram8[addr - 0x80000000 + k]);
      return v;
    },
  };
}

export const u64 = (v: bigint) => BigInt.asUintN(64, v);
