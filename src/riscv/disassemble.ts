// Disassembler driven by the instruction table's operand formats; prints GNU-style operands with ABI register names.

import { decodeRow } from './decode';
import { findCompressed } from './compressed';
import { immB, immI, immJ, immS, immU, rdOf, rs1Of, rs2Of, rs3Of } from './instructions';
import { csrName } from './csr-names';

export const X_NAMES = [
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
];
export const F_NAMES = [
  'ft0',
  'ft1',
  'ft2',
  'ft3',
  'ft4',
  'ft5',
  'ft6',
  'ft7',
  'fs0',
  'fs1',
  'fa0',
  'fa1',
  'fa2',
  'fa3',
  'fa4',
  'fa5',
  'fa6',
  'fa7',
  'fs2',
  'fs3',
  'fs4',
  'fs5',
  'fs6',
  'fs7',
  'fs8',
  'fs9',
  'fs10',
  'fs11',
  'ft8',
  'ft9',
  'ft10',
  'ft11',
];
/** Conversions that never round (widening, or from a 32-bit integer to a double). */
const EXACT = new Set(['fcvt.d.s', 'fcvt.d.w', 'fcvt.d.wu']);
const RM = ['rne', 'rtz', 'rdn', 'rup', 'rmm', 'rm5', 'rm6', 'dyn'];

export interface Disassembly {
  /** Instruction length in bytes (2 or 4). */
  length: number;
  mnemonic: string;
  operands: string;
  /** The branch or jump target, when the instruction has a pc-relative one. */
  target?: bigint;
}

const hex = (v: bigint) => '0x' + v.toString(16);

/**
 * How a compressed instruction's operands follow from its expansion's, as GNU objdump -M no-aliases prints them:
 * `rd,imm` (the expansion repeats rd or reads zero as the middle operand: c.addi, c.li, c.mv, c.bnez ...), the
 * target alone (c.j), the base register alone (c.jr, c.jalr), nothing (c.ebreak), or the expansion's operands as they are.
 */
const C_OPERANDS: Record<string, 'dropMiddle' | 'dropFirst' | 'base' | 'none'> = {
  'c.addi': 'dropMiddle',
  'c.addiw': 'dropMiddle',
  'c.li': 'dropMiddle',
  'c.addi16sp': 'dropMiddle',
  'c.slli': 'dropMiddle',
  'c.srli': 'dropMiddle',
  'c.srai': 'dropMiddle',
  'c.andi': 'dropMiddle',
  'c.sub': 'dropMiddle',
  'c.xor': 'dropMiddle',
  'c.or': 'dropMiddle',
  'c.and': 'dropMiddle',
  'c.subw': 'dropMiddle',
  'c.addw': 'dropMiddle',
  'c.add': 'dropMiddle',
  'c.mv': 'dropMiddle',
  'c.beqz': 'dropMiddle',
  'c.bnez': 'dropMiddle',
  'c.j': 'dropFirst',
  'c.jal': 'dropFirst',
  'c.jr': 'base',
  'c.jalr': 'base',
  'c.ebreak': 'none',
};

function compressedOperands(name: string, operands: string): string {
  const parts = operands.split(',');
  switch (C_OPERANDS[name]) {
    case 'dropMiddle':
      return parts.length === 3 ? `${parts[0]},${parts[2]}` : operands;
    case 'dropFirst':
      return parts.slice(1).join(',');
    case 'base':
      return /\((\w+)\)/.exec(operands)?.[1] ?? operands;
    case 'none':
      return '';
    default:
      return operands;
  }
}

/**
 * Disassembles the instruction whose low 16 bits (or all 32 bits) are in `word`, at address `pc`.
 * Compressed instructions print under their `c.` name with their own operands (objdump -M no-aliases).
 */
export function disassemble(word: number, pc: bigint): Disassembly {
  if ((word & 3) !== 3) {
    const c = word & 0xffff;
    const crow = c === 0 ? undefined : findCompressed(c);
    const w = crow ? crow.expand(c) : 0;
    // As objdump spells what decodes to nothing: c.unimp for 0x0000, .short for other reserved encodings.
    if (c === 0) return { length: 2, mnemonic: 'c.unimp', operands: '' };
    if (!crow || w === 0) return { length: 2, mnemonic: '.short', operands: '0x' + c.toString(16).padStart(4, '0') };
    const inner = disassemble32(w, pc);
    return { ...inner, length: 2, mnemonic: crow.name, operands: compressedOperands(crow.name, inner.operands) };
  }
  return disassemble32(word | 0, pc);
}

/** `.aq`, `.rl` or `.aqrl` from an atomic's ordering bits (26 and 25). */
const ordering = (w: number) => ['', '.rl', '.aq', '.aqrl'][(w >>> 25) & 3];

function disassemble32(w: number, pc: bigint): Disassembly {
  const row = decodeRow(w);
  if (!row) return { length: 4, mnemonic: '.word', operands: '0x' + (w >>> 0).toString(16).padStart(8, '0') };
  const x = (n: number) => X_NAMES[n];
  const f = (n: number) => F_NAMES[n];
  const rd = rdOf(w),
    rs1 = rs1Of(w),
    rs2 = rs2Of(w);
  const rm = (w >>> 12) & 7;
  // Conversions that are always exact take no rounding mode in the assembler's syntax.
  const rmSuffix = rm === 7 || EXACT.has(row.name) ? '' : ',' + RM[rm];
  let operands = '';
  let target: bigint | undefined;
  switch (row.format) {
    case 'U':
      operands = `${x(rd)},0x${(immU(w) >>> 12).toString(16)}`;
      break;
    case 'J':
      target = pc + BigInt(immJ(w));
      operands = `${x(rd)},${hex(target)}`;
      break;
    case 'B':
      target = pc + BigInt(immB(w));
      operands = `${x(rs1)},${x(rs2)},${hex(target)}`;
      break;
    case 'I':
      operands = `${x(rd)},${x(rs1)},${immI(w)}`;
      break;
    case 'SH':
      operands = `${x(rd)},${x(rs1)},0x${((w >>> 20) & 63).toString(16)}`;
      break;
    case 'L':
      operands = `${x(rd)},${immI(w)}(${x(rs1)})`;
      break;
    case 'S':
      operands = `${x(rs2)},${immS(w)}(${x(rs1)})`;
      break;
    case 'R':
      operands = `${x(rd)},${x(rs1)},${x(rs2)}`;
      break;
    case 'NONE':
      break;
    case 'FENCE': {
      const set = (b: number) => ['i', 'o', 'r', 'w'].filter((_, k) => b & (8 >> k)).join('') || '0';
      operands = `${set((w >>> 24) & 15)},${set((w >>> 20) & 15)}`;
      break;
    }
    case 'CSR':
      operands = `${x(rd)},${csrName((w >>> 20) & 0xfff)},${x(rs1)}`;
      break;
    case 'CSRI':
      operands = `${x(rd)},${csrName((w >>> 20) & 0xfff)},${rs1}`;
      break;
    case 'SFENCE':
      operands = `${x(rs1)},${x(rs2)}`;
      break;
    case 'LR':
      operands = `${x(rd)},(${x(rs1)})`;
      break;
    case 'AMO':
      operands = `${x(rd)},${x(rs2)},(${x(rs1)})`;
      break;
    case 'FL':
      operands = `${f(rd)},${immI(w)}(${x(rs1)})`;
      break;
    case 'FS':
      operands = `${f(rs2)},${immS(w)}(${x(rs1)})`;
      break;
    case 'R4':
      operands = `${f(rd)},${f(rs1)},${f(rs2)},${f(rs3Of(w))}${rmSuffix}`;
      break;
    case 'FRRM':
      operands = `${f(rd)},${f(rs1)},${f(rs2)}${rmSuffix}`;
      break;
    case 'FR':
      operands = `${f(rd)},${f(rs1)},${f(rs2)}`;
      break;
    case 'F1RM':
      operands = `${f(rd)},${f(rs1)}${rmSuffix}`;
      break;
    case 'FXF':
      operands = `${x(rd)},${f(rs1)}`;
      break;
    case 'FXFRM':
      operands = `${x(rd)},${f(rs1)}${rmSuffix}`;
      break;
    case 'FFX':
      operands = `${f(rd)},${x(rs1)}`;
      break;
    case 'FFXRM':
      operands = `${f(rd)},${x(rs1)}${rmSuffix}`;
      break;
    case 'FXFF':
      operands = `${x(rd)},${f(rs1)},${f(rs2)}`;
      break;
  }
  const mnemonic = row.format === 'LR' || row.format === 'AMO' ? row.name + ordering(w) : row.name;
  return { length: 4, mnemonic, operands, target };
}

/** One line of text, e.g. `addi sp,sp,-16`. */
export function disassembleText(word: number, pc: bigint): string {
  const d = disassemble(word, pc);
  return d.operands ? `${d.mnemonic} ${d.operands}` : d.mnemonic;
}
