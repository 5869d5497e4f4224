// Compiles hot straight-line runs of instructions into JS functions with registers in locals. A block never traps
// and never touches MMIO: any access off the RAM fast path (or a TLB miss under Sv39) bails out exactly at that
// instruction, which the interpreter then executes itself. A branch back to the block's start loops inside the
// function while the budget allows a whole further pass, so instruction counts stay exact.

import { Op } from './instructions';
import { decodeOp } from './decode';
import { expandCompressed } from './compressed';
import * as alu from './alu64';
import { FP_CSRS, immediate, loadValue, Operands, PURE_CSRS, ramRead, ramWrite, reads, semanticsOf } from './semantics';
import type { Target, Value, Word } from './semantics';
import { aluText, condText, targetText } from './semantics-js';
import { Hart, MSTATUS } from './hart';
import { CsrClock, readCsr, writeCsr } from './csr';
import * as fpu from './fpu';
import { VARIANT } from './instructions';

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
/** Stands in until the interpreter binds the running hart. */
const NO_HART = new Hart(-1);

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
  /** The running hart and its bus, for the instructions a block runs through shared helpers (CSR reads, AMOs, FP). */
  h: Hart = NO_HART;
  bus: CsrClock | undefined = undefined;
  /** The hart's retired count when this call began (what `h.retired` would be), for counter CSRs and helpers. */
  retired = 0;
  /** Instruction fetch is translated (Sv39): a chain inside compiled code checks the fetch TLB across pages. */
  ivm = false;
  /**
   * Set by the caller to the block it calls and 1; a block that ran others after it (the wasm dispatcher) leaves
   * the last one it ran and how many it ran, so the chain loop links and counts from there.
   */
  last: Block | null = null;
  calls = 1;
  /** With calls above 1: what the last block did by itself (count is the chain's total). */
  lastCount = 0;

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

/** The physical address just past the RAM page holding `ppc`: blocks never cross it. */
export function pageEndOf(src: BlockSource, ppc: number): number {
  return Math.floor((ppc - src.ramBase) / 4096) * 4096 + 4096 + src.ramBase;
}

/**
 * The instruction at physical `p` for a block (compressed ones expanded) and its size, or null when it would leave
 * RAM or the page ending at `pageEnd`, or is not a valid compressed instruction. Both block backends scan with it.
 */
export function fetchWord(src: BlockSource, p: number, pageEnd: number): { w: number; size: number } | null {
  const off = p - src.ramBase;
  if (off < 0 || off + 2 > src.ramSize) return null;
  const parcel = src.ram16[off >> 1];
  if ((parcel & 3) === 3) {
    if (p + 4 > pageEnd) return null;
    return { w: parcel | (src.ram16[(off + 2) >> 1] << 16), size: 4 };
  }
  const w = expandCompressed(parcel);
  if (w === 0 || p + 2 > pageEnd) return null;
  return { w, size: 2 };
}

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
  const pageEnd = pageEndOf(src, ppc);
  const v = (p: number) => vpc + (p - ppc);
  let p = ppc;
  let len = 0;
  let ended = false;
  const bail = (i: number, at: number) => `{${WB}c.count=n+${i};c.bail=1;c.pc=${num(v(at))};return;}`;
  while (len < MAX_LEN && !ended) {
    if (len > 0 && stopAt.has(p)) break;
    const fetched = fetchWord(src, p, pageEnd);
    if (fetched === null) break;
    const { w, size } = fetched;
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
  const text = foldLiterals(parts.join('\n').split(WB).join(wb)).split('TWO32').join(String(TWO32));
  // Only a block that branches to its own start needs the loop (and the pass counter).
  const code = (text.includes('continue;') ? `let n=0;for(;;){${text}}` : `const n=0;${text}`)
    .split('RAMBASE')
    .join(String(src.ramBase))
    .split('RAMLAST')
    .join(String(src.ramSize - 8))
    .split('RAMSIZE')
    .join(String(src.ramSize))
    .split('LEN')
    .join(String(len));
  // RAM views are bound once per machine through a closure; per call only the fields the code uses are read.
  const views = ['wr', 'tl', 'bl', 'ts', 'bs', 'h', 'bus'].filter((v) => new RegExp(`\\b${v}\\b`).test(code));
  if (/\bB\b/.test(code)) views.push('B');
  const reads = ['x=c.x', ...views.map((v) => (v === 'B' ? 'B=c.budget' : `${v}=c.${v}`))];
  if (/\bfw\b/.test(code)) reads.push('fw=c.h.fw');
  if (/\bff\b/.test(code)) reads.push('ff=singles(c.h)');
  // Parenthesized, V8 compiles the inner function with the outer one instead of parsing it a second time at its first call.
  const body = `"use strict";return (function(c){const ${reads.join(',')};${decl}${code}});`;
  const make = new Function('ram8', 'ram16', 'ram32', 'pf', ...HELPER_NAMES, body) as (...v: unknown[]) => BlockFn;
  const fn = make(src.ram8, src.ram16, src.ram32, src.pageFlags, ...HELPER_NAMES.map((k) => HELPERS[k]));
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

/** Folds `(int op int)` sub-expressions that templates leave when their operands are literals (`(8 >> 31)`). */
function foldLiterals(code: string): string {
  const re = /\((-?\d+) (>>>|>>|<<|&|\||\^) (-?\d+)\)/g;
  for (let k = 0; k < 4; k++) {
    const next = code.replace(re, (_m, a: string, op: string, b: string) => {
      const x = Number(a),
        y = Number(b);
      const v =
        op === '>>>'
          ? x >>> y
          : op === '>>'
            ? x >> y
            : op === '<<'
              ? x << y
              : op === '&'
                ? x & y
                : op === '|'
                  ? x | y
                  : x ^ y;
      return `(${v})`;
    });
    if (next === code) break;
    code = next;
  }
  return code;
}

/** A constant-folded pc expression when it holds only literals (so a static exit can be recognised as a loop). */
function fold(text: string): string {
  return /^[-\d\s+]+$/.test(text) ? num(new Function(`"use strict";return (${text});`)() as number) : text;
}

/** `executeAtomic` of atomics.ts, whose bus parameter this file cannot name (see bindAtomics). */
export type AtomicFn = (h: Hart, bus: never, op: Op, w: number, mmu: never) => number;

/** Names compiled code calls: the templates' helpers and the shared group semantics. */
const HELPERS: Record<string, unknown> = {
  ...alu,
  TWO32,
  readCsr,
  writeCsr,
  execFp: fpu.execFp,
  fadd32: fpu.fadd32,
  fsub32: fpu.fsub32,
  fmul32: fpu.fmul32,
  fdiv32: fpu.fdiv32,
  fma32op: fpu.fma32op,
  fsqrt32: fpu.fsqrt32,
  fadd64: fpu.fadd64,
  fsub64: fpu.fsub64,
  fmul64: fpu.fmul64,
  fdiv64: fpu.fdiv64,
  fma64op: fpu.fma64op,
  fsqrt64: fpu.fsqrt64,
  fcmp32: fpu.fcmp32,
  fcmp64: fpu.fcmp64,
  singles: fpu.singles,
  executeAtomic: () => {
    throw new Error('block-compiler: bindAtomics was not called');
  },
};
const HELPER_NAMES = Object.keys(HELPERS);

/**
 * Hands compiled code `executeAtomic`. The interpreter calls it when it loads: importing atomics.ts here would
 * close an import cycle (atomics -> bus -> block-cache -> block-compiler).
 */
export function bindAtomics(fn: AtomicFn): void {
  HELPERS.executeAtomic = fn;
}

/** Code for one instruction from its entry in the semantic table, or null when a block cannot hold it. */
function gen(c: Ctx, op: Op, w: number, pc: number, npc: number, i: number, bail: (i: number) => string): Gen | null {
  const s = semanticsOf(op);
  if (s === undefined) return null;
  const rd = (w >>> 7) & 31,
    rs1 = (w >>> 15) & 31,
    rs2 = (w >>> 20) & 31;
  const t = (text: string, ends = false): Gen => ({ text, ends });
  const lo1 = L(rs1),
    hi1 = H(rs1),
    lo2 = L(rs2),
    hi2 = H(rs2);
  const o = (imm: number): Operands => ({
    l1: lo1,
    h1: hi1,
    l2: lo2,
    h2: hi2,
    imm: num(imm),
    pc: num(pc),
    npc: num(npc),
    set: (lo, hi) => set(c, rd, lo, hi),
    setW: (v) => setW(c, rd, v),
  });
  // A static exit to the block's own start loops while a whole further pass fits the budget.
  const exit = (target: string) =>
    target === num(c.start)
      ? `{n+=${i + 1};if(n+LEN<=B)continue;${WB}c.count=n;c.pc=${target};return;}`
      : `${WB}c.count=n+${i + 1};c.pc=${target};return;`;
  /** Helpers work on the register file: these locals go there first (and x0 is kept zero there for them). */
  const flush = (...rs: number[]) =>
    'x[0]=0;x[1]=0;' +
    rs
      .filter((r) => r !== 0)
      .map((r) => `x[${2 * r}]=l${r};x[${2 * r + 1}]=h${r};`)
      .join('');
  const reload = (r: number) => {
    if (r === 0) return '';
    c.used.add(r);
    c.written.add(r);
    return `l${r}=x[${2 * r}];h${r}=x[${2 * r + 1}];`;
  };
  const fpOff = `if((h.mstatus&${MSTATUS.FS})===0)${bail(i)}`;
  /** Marks the registers an IR value reads as used: only they become locals. */
  const useRegs = (v: Value | Word | Target) => {
    if (reads(v, 'rs1')) useReg(c, rs1);
    if (reads(v, 'rs2')) useReg(c, rs2);
  };
  switch (s.kind) {
    case 'alu':
      if (s.value !== null) useRegs(s.value);
      return t(aluText(s.value, o(s.imm ? immediate[s.imm](w) : 0), s.imm));
    case 'branch':
      useRegs(s.cond);
      // The taken side exits (or loops); the block goes on along the fall-through path, so hot paths through
      // several conditional branches run as one function.
      return t(condText(s.cond, o(0), (cond) => `if(${cond}){${exit(num(pc + immediate.B(w)))}}`));
    case 'jump': {
      useRegs(s.target);
      const ops = o(immediate[s.imm](w));
      const target = fold(targetText(s.target, ops)),
        link = ops.set(num(npc | 0), num(Math.floor(npc / TWO32) | 0));
      // A static target stays a literal, so that a jump back to the block's start loops.
      if (/^-?\d+$/.test(target)) return t(link + exit(target), true);
      return t(`{const _t=${target};` + link + exit('_t') + '}', true);
    }
    case 'load': {
      useReg(c, rs1);
      const addr = addressOf(c, `${hi1}*${TWO32}+(${lo1}>>>0)+${immediate.I(w)}`, false, bail(i));
      const guard = `if(wr||!(_a>=0&&_a<=RAMLAST&&(_a&${s.size - 1})===0))${bail(i)}`;
      const [raw, rawHi] = ramRead(s.size, '_a');
      const [lo, hi] = loadValue(s, '_x', rawHi);
      const dest = s.float
        ? `fw[${2 * rd}]=${lo};fw[${2 * rd + 1}]=${hi};h.mstatus|=${MSTATUS.FS};`
        : set(c, rd, lo, hi);
      return t(`{${s.float ? fpOff : ''}${addr}${guard}const _x=${raw};${dest}}`);
    }
    case 'store': {
      useReg(c, rs1);
      if (!s.float) useReg(c, rs2);
      const addr = addressOf(c, `${hi1}*${TWO32}+(${lo1}>>>0)+${immediate.S(w)}`, true, bail(i));
      const guard = `if(!(_a>=0&&_a<=RAMLAST&&(_a&${s.size - 1})===0&&pf[_a>>>12]===1))${bail(i)}`;
      const [lo, hi] = s.float ? [`fw[${2 * rs2}]`, `fw[${2 * rs2 + 1}]`] : [lo2, hi2];
      return t(`{${s.float ? fpOff : ''}${addr}${guard}${ramWrite(s.size, '_a', lo, hi)}}`);
    }
    case 'atomic': {
      useReg(c, rs1, rs2);
      // The checks that make executeAtomic succeed without trapping, touching a device or code, or stopping the
      // run: anything else bails out before the instruction and the interpreter executes it.
      const vaddr = `${hi1}*${TWO32}+(${lo1}>>>0)`;
      const addr = addressOf(c, vaddr, !s.load, bail(i));
      // Page flags (bus.ts PAGE): exactly DIRTY (1), RESERVED (8) allowed, since the bus store handles reservations.
      const flags = s.load ? '' : `||(pf[_a>>>12]&${~8})!==1`;
      return t(
        `{if((${vaddr})%${s.size}!==0)${bail(i)}${addr}if(!(_a>=0&&_a<=RAMSIZE-${s.size})${flags})${bail(i)}` +
          `${flush(rs1, rs2)}h.pc=${num(pc)};h.retired=c.retired+n+${i};` +
          `executeAtomic(h,bus,${op},${w | 0},${c.dvm ? 'h.mmu' : 'undefined'});${reload(rd)}}`,
      );
    }
    case 'float': {
      const direct = floatText(c, op, w, bail(i));
      if (direct !== null) return t(`{${fpOff}${direct}}`);
      if (s.readsX) useReg(c, rs1);
      // execFp checks the rounding mode before it changes anything: a trap there bails out exactly.
      return t(
        `{${fpOff}${s.readsX ? flush(rs1) : ''}if(execFp(h,${op},${w | 0})>0)${bail(i)}${s.writesX ? reload(rd) : ''}}`,
      );
    }
    case 'csr': {
      const src = (w >>> 15) & 31,
        csr = immediate.CSR(w);
      const writes = s.variant === 0 || src !== 0;
      if (FP_CSRS.has(csr)) {
        // fflags, frm and fcsr exist at every privilege and only need FS on: plain integer code, no BigInt.
        const now = csr === 1 ? 'h.fflags' : csr === 2 ? 'h.frm' : '(h.frm<<5|h.fflags)';
        let update = '';
        if (writes) {
          if (!s.immediate) useReg(c, src);
          const o = s.immediate ? String(src) : L(src);
          const v = ['_o', '_c|_o', '_c&~_o'][s.variant];
          const store = csr === 1 ? 'h.fflags=_v&31;' : csr === 2 ? 'h.frm=_v&7;' : 'h.fflags=_v&31;h.frm=(_v>>>5)&7;';
          update = `{const _o=${o},_v=${v};${store}h.mstatus|=${MSTATUS.FS};}`;
        }
        return t(`{${fpOff}const _c=${now};${update}${set(c, rd, '_c', '0')}}`);
      }
      // Reads of CSRs without side effects, and any access to the FP CSRs (which only FP state depends on); other
      // writes may change interrupt state, privilege or translation, and end the block.
      if (!FP_CSRS.has(csr) && (writes || !PURE_CSRS.has(csr))) return null;
      let update = '';
      if (writes) {
        if (!s.immediate) useReg(c, src);
        const operand = s.immediate ? `${src}n` : `((BigInt(${H(src)}>>>0)<<32n)|BigInt(${L(src)}>>>0))`;
        // readCsr succeeding on an FP CSR means FS is on and the access allowed: writeCsr cannot fail after it.
        update = `writeCsr(h,${csr},${[operand, `_c|${operand}`, `_c&~${operand}`][s.variant]});`;
      }
      return t(
        `{h.retired=c.retired+n+${i};const _c=readCsr(h,${csr},bus);if(_c===undefined)${bail(i)}${update}` +
          set(c, rd, 'Number(BigInt.asIntN(32,_c))', 'Number(BigInt.asIntN(32,_c>>32n))') +
          '}',
      );
    }
    case 'system':
      return null;
  }
}

/** The helper (fpu.ts) and kind of the F/D operations that compiled code calls directly, without execFp. */
const FP_DIRECT: Partial<Record<Op, [name: string, kind: 'rr' | 'r' | 'fma' | 'cmp']>> = {
  [Op.FADD_S]: ['fadd32', 'rr'],
  [Op.FSUB_S]: ['fsub32', 'rr'],
  [Op.FMUL_S]: ['fmul32', 'rr'],
  [Op.FDIV_S]: ['fdiv32', 'rr'],
  [Op.FSQRT_S]: ['fsqrt32', 'r'],
  [Op.FMADD_S]: ['fma32op', 'fma'],
  [Op.FMSUB_S]: ['fma32op', 'fma'],
  [Op.FNMSUB_S]: ['fma32op', 'fma'],
  [Op.FNMADD_S]: ['fma32op', 'fma'],
  [Op.FADD_D]: ['fadd64', 'rr'],
  [Op.FSUB_D]: ['fsub64', 'rr'],
  [Op.FMUL_D]: ['fmul64', 'rr'],
  [Op.FDIV_D]: ['fdiv64', 'rr'],
  [Op.FSQRT_D]: ['fsqrt64', 'r'],
  [Op.FMADD_D]: ['fma64op', 'fma'],
  [Op.FMSUB_D]: ['fma64op', 'fma'],
  [Op.FNMSUB_D]: ['fma64op', 'fma'],
  [Op.FNMADD_D]: ['fma64op', 'fma'],
  [Op.FEQ_S]: ['fcmp32', 'cmp'],
  [Op.FLT_S]: ['fcmp32', 'cmp'],
  [Op.FLE_S]: ['fcmp32', 'cmp'],
  [Op.FEQ_D]: ['fcmp64', 'cmp'],
  [Op.FLT_D]: ['fcmp64', 'cmp'],
  [Op.FLE_D]: ['fcmp64', 'cmp'],
};

/**
 * The direct call of an F/D arithmetic or compare instruction (after the FS check), or null for execFp. A static
 * rounding mode becomes a literal; an illegal one (5, 6) bails out so that the interpreter raises the trap, and a
 * dynamic one is read from frm, bailing out when frm holds an illegal mode, before anything changes.
 */
function floatText(c: Ctx, op: Op, w: number, bail: string): string | null {
  const entry = FP_DIRECT[op];
  if (entry === undefined) return null;
  const [name, kind] = entry;
  const rd = (w >>> 7) & 31,
    rs1 = (w >>> 15) & 31,
    rs2 = (w >>> 20) & 31,
    rs3 = w >>> 27;
  if (kind === 'cmp') {
    const k = op === Op.FEQ_S || op === Op.FEQ_D ? 0 : op === Op.FLT_S || op === Op.FLT_D ? 1 : 2;
    const call = `${name}(h,${k},${rs1},${rs2})`;
    return rd === 0 ? `${call};` : setW(c, rd, call);
  }
  const rm = (w >>> 12) & 7;
  if (rm === 5 || rm === 6) return bail;
  const pre = rm === 7 ? `const _m=h.frm;if(_m>4)${bail}` : '';
  const m = rm === 7 ? '_m' : String(rm);
  const args =
    kind === 'rr' ? `${rd},${rs1},${rs2}` : kind === 'r' ? `${rd},${rs1}` : `${VARIANT[op]},${rd},${rs1},${rs2},${rs3}`;
  const call = `${name}(h,${args},${m});`;
  // Round to nearest even (static, or frm 0 at run time) has an inline path for binary32 add, sub, mul and fma.
  if (rm !== 0 && rm !== 7) return pre + call;
  const fast = fastText32(name, VARIANT[op], rd, rs1, rs2, rs3, rm === 7 ? '_m===0&&' : '');
  return fast === null ? pre + call : `${pre}${fast}else ${call}`;
}

/** Below this magnitude a binary32 result may be tiny (float32.ts's MIN_SAFE): the helper decides underflow. */
const MIN_SAFE32 = String(2 ** -125);

/**
 * The inline round-to-nearest-even path of fadd/fsub/fmul/fmadd-family .s, as an `if(...){...}` that the caller
 * follows with `else` and the helper's call. It takes the case float32.ts's add32/mul32/fma32 finish on their
 * first step (every operand NaN-boxed, a finite result that is not tiny, and for fma a double sum whose TwoSum
 * error is zero): a double holds every binary32 product exactly and rounding a double sum to binary32 there is
 * correct (see float32.ts), so Math.fround gives the result and the inexact flag is whether anything was lost.
 * Anything else (NaNs, infinities, zeros, tiny or overflowing results) goes to the helper, unchanged.
 */
function fastText32(
  name: string,
  variant: number,
  rd: number,
  rs1: number,
  rs2: number,
  rs3: number,
  cond: string,
): string | null {
  const f = (r: number) => `ff[${2 * r}]`,
    boxed = (r: number) => `fw[${2 * r + 1}]===-1`;
  const ok = (extra: string) => `if(${cond}${extra}_r-_r===0&&(_r>=${MIN_SAFE32}||_r<=-${MIN_SAFE32})`;
  const store = (inexact: string) =>
    `{${f(rd)}=_r;fw[${2 * rd + 1}]=-1;if(${inexact})h.fflags|=1;h.mstatus|=${MSTATUS.FS};}`;
  const both = `${boxed(rs1)}&&${boxed(rs2)}&&`;
  switch (name) {
    case 'fmul32':
      return `const _a=${f(rs1)},_b=${f(rs2)},_d=_a*_b,_r=Math.fround(_d);${ok(both)})${store('_d!==_r')}`;
    case 'fadd32':
    case 'fsub32': {
      const b = name === 'fsub32' ? `-${f(rs2)}` : f(rs2);
      // TwoSum: the exact error of the double sum, as add32 computes it.
      return (
        `const _a=${f(rs1)},_b=${b},_d=_a+_b,_e=_d-_a,_r=Math.fround(_d);` +
        `${ok(both)})${store('_d!==_r||_a-(_d-_e)+(_b-_e)!==0')}`
      );
    }
    case 'fma32op': {
      const a = variant >= 2 ? `-${f(rs1)}` : f(rs1),
        c = (variant & 1) === 1 ? `-${f(rs3)}` : f(rs3);
      return (
        `const _a=${a},_b=${f(rs2)},_c=${c},_p=_a*_b,_d=_p+_c,_e=_d-_p,_r=Math.fround(_d);` +
        `${ok(both + boxed(rs3) + '&&')}&&_p-(_d-_e)+(_c-_e)===0)${store('_d!==_r')}`
      );
    }
  }
  return null;
}
