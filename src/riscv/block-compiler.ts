// Compiles hot straight-line runs of integer instructions into JS functions with registers in locals.
// A block never traps and never touches MMIO: any access off the RAM fast path bails out to the interpreter,
// which then executes that one instruction itself. Instruction counts stay exact.

import { Op } from './instructions';
import { decodeOp } from './decode';
import { expandCompressed } from './compressed';
import * as alu from './alu64';

/** Compiled code for the instructions starting at one pc. */
export interface Block {
  /** Physical address range [start, end) of the code it was compiled from. */
  readonly start: number;
  readonly end: number;
  /** Instructions in the block when it runs to its end. */
  readonly len: number;
  /** Runs the block; returns the next pc and sets env.count to the instructions it completed. */
  readonly fn: BlockFn;
}

export type BlockFn = (x: Int32Array, ram8: Uint8Array, ram16: Uint16Array, ram32: Int32Array, pf: Uint8Array,
  env: BlockEnv, a: typeof alu, wr: boolean) => number;

export interface BlockEnv {
  count: number;
}

export interface BlockSource {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram16: Uint16Array;
}

const MAX_LEN = 48;
const TWO32 = 4294967296;

const L = (r: number) => (r === 0 ? '0' : `l${r}`);
const H = (r: number) => (r === 0 ? '0' : `h${r}`);

interface Ctx {
  used: Set<number>;
  written: Set<number>;
}

/** 64-bit result written through locals; writes to x0 vanish. */
function set(c: Ctx, rd: number, lo: string, hi: string): string {
  if (rd === 0) return '';
  c.written.add(rd);
  c.used.add(rd);
  return `{const _l=${lo},_h=${hi};l${rd}=_l;h${rd}=_h;}`;
}
/** A 32-bit result, sign-extended. */
function setW(c: Ctx, rd: number, v: string): string {
  if (rd === 0) return '';
  c.written.add(rd);
  c.used.add(rd);
  return `{const _v=${v};l${rd}=_v;h${rd}=_v>>31;}`;
}
const useReg = (c: Ctx, ...rs: number[]) => rs.forEach((r) => r !== 0 && c.used.add(r));
const num = (v: number) => (Object.is(v, -0) ? '0' : String(v));

/**
 * Builds the block at physical `pc`, or returns null when the first instruction cannot be compiled.
 * `stopAt` lists addresses (breakpoints) that must not be inside a block.
 */
export function compileBlock(src: BlockSource, pc: number, stopAt: ReadonlySet<number>): Block | null {
  const c: Ctx = { used: new Set(), written: new Set() };
  const parts: string[] = [];
  const pageEnd = Math.floor((pc - src.ramBase) / 4096) * 4096 + 4096 + src.ramBase;
  let p = pc;
  let len = 0;
  let ended = false;
  const WB = '/*WB*/';
  const bail = (i: number, at: number) => `{${WB}env.count=${i};return ${num(at)};}`;
  while (len < MAX_LEN && !ended) {
    if (len > 0 && stopAt.has(p)) break;
    const off = p - src.ramBase;
    if (off < 0 || off + 2 > src.ramSize) break;
    const parcel = src.ram16[off >> 1];
    let w: number, size: number;
    if ((parcel & 3) === 3) {
      if (p + 4 > pageEnd) break;
      w = parcel | (src.ram16[(off + 2) >> 1] << 16);
      size = 4;
    } else {
      w = expandCompressed(parcel);
      if (w === 0) break;
      size = 2;
    }
    if (p + size > pageEnd) break;
    const op = decodeOp(w);
    const npc = p + size;
    const code = gen(c, op, w, p, npc, len, bail);
    if (code === null) break;
    if (code.ends) ended = true;
    parts.push(code.text);
    len++;
    p = npc;
  }
  if (len === 0) return null;
  if (!ended) parts.push(`${WB}env.count=${len};return ${num(p)};`);
  const regs = [...c.used].sort((a, b) => a - b);
  const decl = regs.map((r) => `let l${r}=x[${2 * r}],h${r}=x[${2 * r + 1}];`).join('');
  const wb = [...c.written].sort((a, b) => a - b).map((r) => `x[${2 * r}]=l${r};x[${2 * r + 1}]=h${r};`).join('');
  const body = `"use strict";${decl}${parts.join('\n').split(WB).join(wb)}`
    .split('RAMBASE').join(String(src.ramBase)).split('RAMLAST').join(String(src.ramSize - 8));
  const fn = new Function('x', 'ram8', 'ram16', 'ram32', 'pf', 'env', 'a', 'wr', body) as BlockFn;
  return { start: pc, end: p, len, fn };
}

interface Gen { text: string; ends: boolean }

function gen(c: Ctx, op: Op, w: number, pc: number, npc: number, i: number, bail: (i: number, at: number) => string): Gen | null {
  const rd = (w >>> 7) & 31, rs1 = (w >>> 15) & 31, rs2 = (w >>> 20) & 31;
  const immI = w >> 20;
  const t = (text: string, ends = false): Gen => ({ text, ends });
  const lo1 = L(rs1), hi1 = H(rs1), lo2 = L(rs2), hi2 = H(rs2);
  useReg(c, rs1, rs2);
  const exit = (target: string) => `/*WB*/env.count=${i + 1};return ${target};`;
  switch (op) {
    case Op.LUI: { const v = w & 0xfffff000; return t(set(c, rd, num(v), num(v >> 31))); }
    case Op.AUIPC: { const v = pc + (w & 0xfffff000); return t(set(c, rd, num(v | 0), num(Math.floor(v / TWO32) | 0))); }
    case Op.JAL: {
      const imm = ((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1);
      return t(set(c, rd, num(npc | 0), num(Math.floor(npc / TWO32) | 0)) + exit(num(pc + imm)), true);
    }
    case Op.JALR:
      return t(`{const _t=${hi1}*${TWO32}+(${lo1}>>>0)+${immI}-((${lo1}+${immI})&1);` +
        set(c, rd, num(npc | 0), num(Math.floor(npc / TWO32) | 0)) + exit('_t') + '}', true);
    case Op.BEQ: case Op.BNE: case Op.BLT: case Op.BGE: case Op.BLTU: case Op.BGEU: {
      const imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
      let cond: string;
      switch (op) {
        case Op.BEQ: cond = `${lo1}===${lo2}&&${hi1}===${hi2}`; break;
        case Op.BNE: cond = `${lo1}!==${lo2}||${hi1}!==${hi2}`; break;
        case Op.BLT: cond = `(${hi1}<${hi2}||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`; break;
        case Op.BGE: cond = `!(${hi1}<${hi2}||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`; break;
        case Op.BLTU: cond = `((${hi1}>>>0)<(${hi2}>>>0)||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`; break;
        default: cond = `!((${hi1}>>>0)<(${hi2}>>>0)||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`; break;
      }
      return t(`if(${cond}){${exit(num(pc + imm))}}${exit(num(npc))}`, true);
    }
    case Op.LB: case Op.LH: case Op.LW: case Op.LD: case Op.LBU: case Op.LHU: case Op.LWU: {
      const size = op === Op.LB || op === Op.LBU ? 1 : op === Op.LH || op === Op.LHU ? 2 : op === Op.LD ? 4 * 2 : 4;
      const addr = `const _a=${hi1}*${TWO32}+(${lo1}>>>0)+${immI}-RAMBASE;`;
      const guard = `if(wr||!(_a>=0&&_a<=RAMLAST&&(_a&${size - 1})===0))${bail(i, pc)}`;
      let v: string;
      switch (op) {
        case Op.LD: v = set(c, rd, 'ram32[_a>>2]', 'ram32[(_a>>2)+1]'); break;
        case Op.LW: v = setW(c, rd, 'ram32[_a>>2]'); break;
        case Op.LWU: v = set(c, rd, 'ram32[_a>>2]', '0'); break;
        case Op.LH: v = setW(c, rd, '(ram16[_a>>1]<<16)>>16'); break;
        case Op.LHU: v = set(c, rd, 'ram16[_a>>1]', '0'); break;
        case Op.LB: v = setW(c, rd, '(ram8[_a]<<24)>>24'); break;
        default: v = set(c, rd, 'ram8[_a]', '0'); break;
      }
      return t(`{${addr}${guard}${v}}`);
    }
    case Op.SB: case Op.SH: case Op.SW: case Op.SD: {
      const size = op === Op.SB ? 1 : op === Op.SH ? 2 : op === Op.SW ? 4 : 8;
      const imm = ((w >> 25) << 5) | ((w >>> 7) & 31);
      const addr = `const _a=${hi1}*${TWO32}+(${lo1}>>>0)+${imm}-RAMBASE;`;
      const guard = `if(!(_a>=0&&_a<=RAMLAST&&(_a&${size - 1})===0&&pf[_a>>>12]===1))${bail(i, pc)}`;
      const store = size === 8 ? `ram32[_a>>2]=${lo2};ram32[(_a>>2)+1]=${hi2};` : size === 4 ? `ram32[_a>>2]=${lo2};`
        : size === 2 ? `ram16[_a>>1]=${lo2};` : `ram8[_a]=${lo2};`;
      return t(`{${addr}${guard}${store}}`);
    }
    case Op.ADDI:
      return t(`{const _a=${lo1},_r=(_a+${immI})|0;` + set(c, rd, '_r', `(${hi1}+${immI >> 31}+((_r>>>0)<(_a>>>0)?1:0))|0`) + '}');
    case Op.SLTI: return t(set(c, rd, `(${hi1}<${immI >> 31}||(${hi1}===${immI >> 31}&&(${lo1}>>>0)<${immI >>> 0}))?1:0`, '0'));
    case Op.SLTIU: return t(set(c, rd, `((${hi1}>>>0)<${(immI >> 31) >>> 0}||(${hi1}===${immI >> 31}&&(${lo1}>>>0)<${immI >>> 0}))?1:0`, '0'));
    case Op.XORI: return t(set(c, rd, `${lo1}^${immI}`, `${hi1}^${immI >> 31}`));
    case Op.ORI: return t(set(c, rd, `${lo1}|${immI}`, `${hi1}|${immI >> 31}`));
    case Op.ANDI: return t(set(c, rd, `${lo1}&${immI}`, `${hi1}&${immI >> 31}`));
    case Op.SLLI: case Op.SRLI: case Op.SRAI: {
      const sh = (w >>> 20) & 63;
      if (sh === 0) return t(set(c, rd, lo1, hi1));
      if (op === Op.SLLI) return t(sh < 32 ? set(c, rd, `${lo1}<<${sh}`, `(${hi1}<<${sh})|(${lo1}>>>${32 - sh})`) : set(c, rd, '0', `${lo1}<<${sh - 32}`));
      if (op === Op.SRLI) return t(sh < 32 ? set(c, rd, `((${lo1}>>>${sh})|(${hi1}<<${32 - sh}))|0`, `(${hi1}>>>${sh})|0`) : set(c, rd, `(${hi1}>>>${sh - 32})|0`, '0'));
      return t(sh < 32 ? set(c, rd, `(${lo1}>>>${sh})|(${hi1}<<${32 - sh})`, `${hi1}>>${sh}`) : set(c, rd, `${hi1}>>${sh - 32}`, `${hi1}>>31`));
    }
    case Op.ADD:
      return t(`{const _a=${lo1},_r=(_a+${lo2})|0;` + set(c, rd, '_r', `(${hi1}+${hi2}+((_r>>>0)<(_a>>>0)?1:0))|0`) + '}');
    case Op.SUB:
      return t(`{const _a=${lo1},_b=${lo2};` + set(c, rd, '(_a-_b)|0', `(${hi1}-${hi2}-((_a>>>0)<(_b>>>0)?1:0))|0`) + '}');
    case Op.SLL: return t(`a.sll64(${lo1},${hi1},${lo2}&63);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.SRL: return t(`a.srl64(${lo1},${hi1},${lo2}&63);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.SRA: return t(`a.sra64(${lo1},${hi1},${lo2}&63);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.SLT: return t(set(c, rd, `(${hi1}<${hi2}||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))?1:0`, '0'));
    case Op.SLTU: return t(set(c, rd, `((${hi1}>>>0)<(${hi2}>>>0)||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))?1:0`, '0'));
    case Op.XOR: return t(set(c, rd, `${lo1}^${lo2}`, `${hi1}^${hi2}`));
    case Op.OR: return t(set(c, rd, `${lo1}|${lo2}`, `${hi1}|${hi2}`));
    case Op.AND: return t(set(c, rd, `${lo1}&${lo2}`, `${hi1}&${hi2}`));
    case Op.ADDIW: return t(setW(c, rd, `(${lo1}+${immI})|0`));
    case Op.SLLIW: return t(setW(c, rd, `${lo1}<<${(w >>> 20) & 31}`));
    case Op.SRLIW: return t(setW(c, rd, `(${lo1}>>>${(w >>> 20) & 31})|0`));
    case Op.SRAIW: return t(setW(c, rd, `${lo1}>>${(w >>> 20) & 31}`));
    case Op.ADDW: return t(setW(c, rd, `(${lo1}+${lo2})|0`));
    case Op.SUBW: return t(setW(c, rd, `(${lo1}-${lo2})|0`));
    case Op.SLLW: return t(setW(c, rd, `${lo1}<<(${lo2}&31)`));
    case Op.SRLW: return t(setW(c, rd, `(${lo1}>>>(${lo2}&31))|0`));
    case Op.SRAW: return t(setW(c, rd, `${lo1}>>(${lo2}&31)`));
    case Op.MUL: return t(`a.mul64(${lo1},${hi1},${lo2},${hi2});` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULH: return t(`a.mulh64(${lo1},${hi1},${lo2},${hi2},0);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULHSU: return t(`a.mulh64(${lo1},${hi1},${lo2},${hi2},1);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULHU: return t(`a.mulh64(${lo1},${hi1},${lo2},${hi2},2);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.DIV: return t(`a.div64(${lo1},${hi1},${lo2},${hi2},false);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.DIVU: return t(`a.divu64(${lo1},${hi1},${lo2},${hi2},false);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.REM: return t(`a.div64(${lo1},${hi1},${lo2},${hi2},true);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.REMU: return t(`a.divu64(${lo1},${hi1},${lo2},${hi2},true);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULW: return t(setW(c, rd, `Math.imul(${lo1},${lo2})`));
    case Op.DIVW: return t(setW(c, rd, `a.divw(${lo1},${lo2},false)`));
    case Op.DIVUW: return t(setW(c, rd, `a.divuw(${lo1},${lo2},false)`));
    case Op.REMW: return t(setW(c, rd, `a.divw(${lo1},${lo2},true)`));
    case Op.REMUW: return t(setW(c, rd, `a.divuw(${lo1},${lo2},true)`));
    case Op.FENCE: return t('');
    default: return null;
  }
}
