// Compiles hot straight-line runs of instructions into JS functions with registers in locals. A block never traps
// and never touches MMIO: any access off the RAM fast path (or a TLB miss under Sv39) bails out exactly at that
// instruction, which the interpreter then executes itself. A branch back to the block's start loops inside the
// function while the budget allows a whole further pass, so instruction counts stay exact.

import { Op } from './instructions';
import { decodeOp } from './decode';
import { expandCompressed } from './compressed';
import * as alu from './alu64';

/** Compiled code for the instructions starting at one physical pc, under one virtual pc. */
export interface Block {
  /** Physical address range [start, end) of the code it was compiled from. */
  readonly start: number;
  readonly end: number;
  /** The virtual pc it was compiled for (the physical one when fetch is untranslated): pc constants use it. */
  readonly vpc: number;
  /** Whether its data accesses go through the Sv39 TLB. */
  readonly dvm: boolean;
  /** Instructions in one pass through the block when it runs to its end. */
  readonly len: number;
  /** Runs the block; sets ctx.pc to the next pc, ctx.count (and ctx.bail when it stopped before an instruction). */
  readonly fn: BlockFn;
  /** False once its code was overwritten or dropped: links to it are then dead. */
  valid: boolean;
  /** Links to the blocks that followed it at its two most recent exits, by virtual pc (see interpreter.ts). */
  pc0: number;
  to0: Block | null;
  pc1: number;
  to1: Block | null;
  /** Calls, and calls that bailed out before their first instruction (the block cache demotes such blocks). */
  runs: number;
  startBails: number;
}

export type BlockFn = (c: BlockContext) => void;

const NO_TLB = new Float64Array(1).fill(-1);

/** The one argument of a compiled block: machine views it reads, TLB arrays, its budget and its results. */
export class BlockContext {
  x = new Int32Array(64);
  ram8: Uint8Array;
  ram16: Uint16Array;
  ram32: Int32Array;
  pf: Uint8Array;
  readonly a = alu;
  /** Read watchpoints are armed: loads bail out. */
  wr = false;
  /** Instructions the block may execute in this call. */
  budget = 0;
  /** Set by the block: instructions completed, and 1 when it stopped before one it cannot do. */
  count = 0;
  bail = 0;
  /** The next pc, as a field rather than a return value: pcs are doubles, and returning one would allocate. */
  pc = NaN;
  /** The data TLB of the running hart (tags and physical bases), for loads and for stores. */
  tl: Float64Array = NO_TLB;
  bl: Float64Array = NO_TLB;
  ts: Float64Array = NO_TLB;
  bs: Float64Array = NO_TLB;

  constructor(src: BlockSource) {
    this.ram8 = src.ram8;
    this.ram16 = src.ram16;
    this.ram32 = src.ram32;
    this.pf = src.pageFlags;
  }
}

export interface BlockSource {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly pageFlags: Uint8Array;
}

const MAX_LEN = 48;
const TWO32 = 4294967296;
/** The MMU's direct-mapped TLB size (src/riscv/mmu.ts). */
const TLB_MASK = 255;

const L = (r: number) => (r === 0 ? '0' : `l${r}`);
const H = (r: number) => (r === 0 ? '0' : `h${r}`);

interface Ctx {
  used: Set<number>;
  written: Set<number>;
  dvm: boolean;
  /** Virtual pc of the block's first instruction: a static branch there loops. */
  start: number;
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
const WB = '/*WB*/';

/**
 * Builds the block at physical `ppc`, fetched at virtual `vpc` (the same when fetch is untranslated), or returns
 * null when its first instruction cannot be compiled. It never crosses a page. `stopAt` lists physical addresses
 * (breakpoints) that must not be inside a block.
 */
export function compileBlock(
  src: BlockSource,
  ppc: number,
  vpc: number,
  dvm: boolean,
  stopAt: ReadonlySet<number>,
): Block | null {
  const c: Ctx = { used: new Set(), written: new Set(), dvm, start: vpc };
  const parts: string[] = [];
  const pageEnd = Math.floor((ppc - src.ramBase) / 4096) * 4096 + 4096 + src.ramBase;
  const v = (p: number) => vpc + (p - ppc);
  let p = ppc;
  let len = 0;
  let ended = false;
  const bail = (i: number, at: number) => `{${WB}c.count=n+${i};c.bail=1;c.pc=${num(v(at))};return;}`;
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
    const code = gen(c, op, w, v(p), v(p + size), len, (i) => bail(i, p));
    if (code === null) break;
    if (code.ends) ended = true;
    parts.push(code.text);
    len++;
    p += size;
  }
  if (len === 0) return null;
  if (!ended) parts.push(`${WB}c.count=n+${len};c.pc=${num(v(p))};return;`);
  const regs = [...c.used].sort((a, b) => a - b);
  const decl = regs.map((r) => `let l${r}=x[${2 * r}],h${r}=x[${2 * r + 1}];`).join('');
  const wb = [...c.written]
    .sort((a, b) => a - b)
    .map((r) => `x[${2 * r}]=l${r};x[${2 * r + 1}]=h${r};`)
    .join('');
  const text = parts.join('\n').split(WB).join(wb);
  // Only a block that branches to its own start needs the loop (and the pass counter).
  const code = (text.includes('continue;') ? `let n=0;for(;;){${text}}` : `const n=0;${text}`)
    .split('RAMBASE')
    .join(String(src.ramBase))
    .split('RAMLAST')
    .join(String(src.ramSize - 8))
    .split('LEN')
    .join(String(len));
  // RAM views are bound once per machine through a closure; per call only the fields the code uses are read.
  const views = ['wr', 'tl', 'bl', 'ts', 'bs'].filter((v) => new RegExp(`\\b${v}\\b`).test(code));
  if (/\bB\b/.test(code)) views.push('B');
  const reads = ['x=c.x', ...views.map((v) => (v === 'B' ? 'B=c.budget' : `${v}=c.${v}`))].join(',');
  // Parenthesized, V8 compiles the inner function with the outer one instead of parsing it a second time at its first call.
  const body = `"use strict";return (function(c){const ${reads};${decl}${code}});`;
  const make = new Function('ram8', 'ram16', 'ram32', 'pf', 'a', body) as (...v: unknown[]) => BlockFn;
  const fn = make(src.ram8, src.ram16, src.ram32, src.pageFlags, alu);
  return {
    start: ppc,
    end: p,
    vpc,
    dvm,
    len,
    fn,
    valid: true,
    pc0: NaN,
    to0: null,
    pc1: NaN,
    to1: null,
    runs: 0,
    startBails: 0,
  };
}

/** The physical RAM offset `_a` of a data access at `vaddr` (a JS expression), or a bail-out on a TLB miss. */
function addressOf(c: Ctx, vaddr: string, store: boolean, bail: string): string {
  if (!c.dvm) return `const _a=${vaddr}-RAMBASE;`;
  const tags = store ? 'ts' : 'tl',
    bases = store ? 'bs' : 'bl';
  return (
    `const _v=${vaddr},_p=Math.floor(_v/4096),_s=_p&${TLB_MASK};if(${tags}[_s]!==_p)${bail}` +
    `const _a=${bases}[_s]+(_v-_p*4096)-RAMBASE;`
  );
}

interface Gen {
  text: string;
  ends: boolean;
}

function gen(c: Ctx, op: Op, w: number, pc: number, npc: number, i: number, bail: (i: number) => string): Gen | null {
  const rd = (w >>> 7) & 31,
    rs1 = (w >>> 15) & 31,
    rs2 = (w >>> 20) & 31;
  const immI = w >> 20;
  const t = (text: string, ends = false): Gen => ({ text, ends });
  const lo1 = L(rs1),
    hi1 = H(rs1),
    lo2 = L(rs2),
    hi2 = H(rs2);
  useReg(c, rs1, rs2);
  // A static exit to the block's own start loops while a whole further pass fits the budget.
  const exit = (target: string) =>
    target === num(c.start)
      ? `{n+=${i + 1};if(n+LEN<=B)continue;${WB}c.count=n;c.pc=${target};return;}`
      : `${WB}c.count=n+${i + 1};c.pc=${target};return;`;
  switch (op) {
    case Op.LUI: {
      const v = w & 0xfffff000;
      return t(set(c, rd, num(v), num(v >> 31)));
    }
    case Op.AUIPC: {
      const v = pc + (w & 0xfffff000);
      return t(set(c, rd, num(v | 0), num(Math.floor(v / TWO32) | 0)));
    }
    case Op.JAL: {
      const imm =
        ((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1);
      return t(set(c, rd, num(npc | 0), num(Math.floor(npc / TWO32) | 0)) + exit(num(pc + imm)), true);
    }
    case Op.JALR:
      return t(
        `{const _t=${hi1}*${TWO32}+(${lo1}>>>0)+${immI}-((${lo1}+${immI})&1);` +
          set(c, rd, num(npc | 0), num(Math.floor(npc / TWO32) | 0)) +
          exit('_t') +
          '}',
        true,
      );
    case Op.BEQ:
    case Op.BNE:
    case Op.BLT:
    case Op.BGE:
    case Op.BLTU:
    case Op.BGEU: {
      const imm = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
      let cond: string;
      switch (op) {
        case Op.BEQ:
          cond = `${lo1}===${lo2}&&${hi1}===${hi2}`;
          break;
        case Op.BNE:
          cond = `${lo1}!==${lo2}||${hi1}!==${hi2}`;
          break;
        case Op.BLT:
          cond = `(${hi1}<${hi2}||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`;
          break;
        case Op.BGE:
          cond = `!(${hi1}<${hi2}||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`;
          break;
        case Op.BLTU:
          cond = `((${hi1}>>>0)<(${hi2}>>>0)||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`;
          break;
        default:
          cond = `!((${hi1}>>>0)<(${hi2}>>>0)||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))`;
          break;
      }
      // The taken side exits (or loops); the block goes on along the fall-through path, so hot paths through
      // several conditional branches run as one function.
      return t(`if(${cond}){${exit(num(pc + imm))}}`);
    }
    case Op.LB:
    case Op.LH:
    case Op.LW:
    case Op.LD:
    case Op.LBU:
    case Op.LHU:
    case Op.LWU: {
      const size = op === Op.LB || op === Op.LBU ? 1 : op === Op.LH || op === Op.LHU ? 2 : op === Op.LD ? 4 * 2 : 4;
      const addr = addressOf(c, `${hi1}*${TWO32}+(${lo1}>>>0)+${immI}`, false, bail(i));
      const guard = `if(wr||!(_a>=0&&_a<=RAMLAST&&(_a&${size - 1})===0))${bail(i)}`;
      let v: string;
      switch (op) {
        case Op.LD:
          v = set(c, rd, 'ram32[_a>>2]', 'ram32[(_a>>2)+1]');
          break;
        case Op.LW:
          v = setW(c, rd, 'ram32[_a>>2]');
          break;
        case Op.LWU:
          v = set(c, rd, 'ram32[_a>>2]', '0');
          break;
        case Op.LH:
          v = setW(c, rd, '(ram16[_a>>1]<<16)>>16');
          break;
        case Op.LHU:
          v = set(c, rd, 'ram16[_a>>1]', '0');
          break;
        case Op.LB:
          v = setW(c, rd, '(ram8[_a]<<24)>>24');
          break;
        default:
          v = set(c, rd, 'ram8[_a]', '0');
          break;
      }
      return t(`{${addr}${guard}${v}}`);
    }
    case Op.SB:
    case Op.SH:
    case Op.SW:
    case Op.SD: {
      const size = op === Op.SB ? 1 : op === Op.SH ? 2 : op === Op.SW ? 4 : 8;
      const imm = ((w >> 25) << 5) | ((w >>> 7) & 31);
      const addr = addressOf(c, `${hi1}*${TWO32}+(${lo1}>>>0)+${imm}`, true, bail(i));
      const guard = `if(!(_a>=0&&_a<=RAMLAST&&(_a&${size - 1})===0&&pf[_a>>>12]===1))${bail(i)}`;
      const store =
        size === 8
          ? `ram32[_a>>2]=${lo2};ram32[(_a>>2)+1]=${hi2};`
          : size === 4
            ? `ram32[_a>>2]=${lo2};`
            : size === 2
              ? `ram16[_a>>1]=${lo2};`
              : `ram8[_a]=${lo2};`;
      return t(`{${addr}${guard}${store}}`);
    }
    case Op.ADDI:
      return t(
        `{const _a=${lo1},_r=(_a+${immI})|0;` +
          set(c, rd, '_r', `(${hi1}+${immI >> 31}+((_r>>>0)<(_a>>>0)?1:0))|0`) +
          '}',
      );
    case Op.SLTI:
      return t(set(c, rd, `(${hi1}<${immI >> 31}||(${hi1}===${immI >> 31}&&(${lo1}>>>0)<${immI >>> 0}))?1:0`, '0'));
    case Op.SLTIU:
      return t(
        set(
          c,
          rd,
          `((${hi1}>>>0)<${(immI >> 31) >>> 0}||(${hi1}===${immI >> 31}&&(${lo1}>>>0)<${immI >>> 0}))?1:0`,
          '0',
        ),
      );
    case Op.XORI:
      return t(set(c, rd, `${lo1}^${immI}`, `${hi1}^${immI >> 31}`));
    case Op.ORI:
      return t(set(c, rd, `${lo1}|${immI}`, `${hi1}|${immI >> 31}`));
    case Op.ANDI:
      return t(set(c, rd, `${lo1}&${immI}`, `${hi1}&${immI >> 31}`));
    case Op.SLLI:
    case Op.SRLI:
    case Op.SRAI: {
      const sh = (w >>> 20) & 63;
      if (sh === 0) return t(set(c, rd, lo1, hi1));
      if (op === Op.SLLI)
        return t(
          sh < 32
            ? set(c, rd, `${lo1}<<${sh}`, `(${hi1}<<${sh})|(${lo1}>>>${32 - sh})`)
            : set(c, rd, '0', `${lo1}<<${sh - 32}`),
        );
      if (op === Op.SRLI)
        return t(
          sh < 32
            ? set(c, rd, `((${lo1}>>>${sh})|(${hi1}<<${32 - sh}))|0`, `(${hi1}>>>${sh})|0`)
            : set(c, rd, `(${hi1}>>>${sh - 32})|0`, '0'),
        );
      return t(
        sh < 32
          ? set(c, rd, `(${lo1}>>>${sh})|(${hi1}<<${32 - sh})`, `${hi1}>>${sh}`)
          : set(c, rd, `${hi1}>>${sh - 32}`, `${hi1}>>31`),
      );
    }
    case Op.ADD:
      return t(
        `{const _a=${lo1},_r=(_a+${lo2})|0;` + set(c, rd, '_r', `(${hi1}+${hi2}+((_r>>>0)<(_a>>>0)?1:0))|0`) + '}',
      );
    case Op.SUB:
      return t(
        `{const _a=${lo1},_b=${lo2};` + set(c, rd, '(_a-_b)|0', `(${hi1}-${hi2}-((_a>>>0)<(_b>>>0)?1:0))|0`) + '}',
      );
    case Op.SLL:
      return t(`a.sll64(${lo1},${hi1},${lo2}&63);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.SRL:
      return t(`a.srl64(${lo1},${hi1},${lo2}&63);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.SRA:
      return t(`a.sra64(${lo1},${hi1},${lo2}&63);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.SLT:
      return t(set(c, rd, `(${hi1}<${hi2}||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))?1:0`, '0'));
    case Op.SLTU:
      return t(set(c, rd, `((${hi1}>>>0)<(${hi2}>>>0)||(${hi1}===${hi2}&&(${lo1}>>>0)<(${lo2}>>>0)))?1:0`, '0'));
    case Op.XOR:
      return t(set(c, rd, `${lo1}^${lo2}`, `${hi1}^${hi2}`));
    case Op.OR:
      return t(set(c, rd, `${lo1}|${lo2}`, `${hi1}|${hi2}`));
    case Op.AND:
      return t(set(c, rd, `${lo1}&${lo2}`, `${hi1}&${hi2}`));
    case Op.ADDIW:
      return t(setW(c, rd, `(${lo1}+${immI})|0`));
    case Op.SLLIW:
      return t(setW(c, rd, `${lo1}<<${(w >>> 20) & 31}`));
    case Op.SRLIW:
      return t(setW(c, rd, `(${lo1}>>>${(w >>> 20) & 31})|0`));
    case Op.SRAIW:
      return t(setW(c, rd, `${lo1}>>${(w >>> 20) & 31}`));
    case Op.ADDW:
      return t(setW(c, rd, `(${lo1}+${lo2})|0`));
    case Op.SUBW:
      return t(setW(c, rd, `(${lo1}-${lo2})|0`));
    case Op.SLLW:
      return t(setW(c, rd, `${lo1}<<(${lo2}&31)`));
    case Op.SRLW:
      return t(setW(c, rd, `(${lo1}>>>(${lo2}&31))|0`));
    case Op.SRAW:
      return t(setW(c, rd, `${lo1}>>(${lo2}&31)`));
    case Op.MUL:
      return t(`a.mul64(${lo1},${hi1},${lo2},${hi2});` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULH:
      return t(`a.mulh64(${lo1},${hi1},${lo2},${hi2},0);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULHSU:
      return t(`a.mulh64(${lo1},${hi1},${lo2},${hi2},1);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULHU:
      return t(`a.mulh64(${lo1},${hi1},${lo2},${hi2},2);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.DIV:
      return t(`a.div64(${lo1},${hi1},${lo2},${hi2},false);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.DIVU:
      return t(`a.divu64(${lo1},${hi1},${lo2},${hi2},false);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.REM:
      return t(`a.div64(${lo1},${hi1},${lo2},${hi2},true);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.REMU:
      return t(`a.divu64(${lo1},${hi1},${lo2},${hi2},true);` + set(c, rd, 'a.out.lo', 'a.out.hi'));
    case Op.MULW:
      return t(setW(c, rd, `Math.imul(${lo1},${lo2})`));
    case Op.DIVW:
      return t(setW(c, rd, `a.divw(${lo1},${lo2},false)`));
    case Op.DIVUW:
      return t(setW(c, rd, `a.divuw(${lo1},${lo2},false)`));
    case Op.REMW:
      return t(setW(c, rd, `a.divw(${lo1},${lo2},true)`));
    case Op.REMUW:
      return t(setW(c, rd, `a.divuw(${lo1},${lo2},true)`));
    case Op.FENCE:
      return t('');
    default:
      return null;
  }
}
