// The meaning of every instruction, written once. The interpreter's instruction switch is generated from this table
// (scripts/gen-semantics.mjs writes it into interpreter.ts) and the block compiler emits code from the same entries.

import { INSTRUCTIONS, Op } from './instructions';

/**
 * What a template is written against. Each backend binds the names: the interpreter to its register file and the
 * instruction word (`x[rs1]`, `(w >> 20)`), the block compiler to register locals and literals (`l5`, `-16`).
 * Helpers a template may call by name: the exports of alu64.ts (`lt64`, `sll64`, `out`, ...) and `TWO32`.
 */
export interface Operands {
  /** rs1 and rs2 as signed 32-bit low and high halves. */
  readonly l1: string;
  readonly h1: string;
  readonly l2: string;
  readonly h2: string;
  /** The immediate of the entry's `imm` field, an int32 expression (a literal in compiled code). */
  readonly imm: string;
  /** This instruction's pc and the next one's, as doubles (literals in compiled code). */
  readonly pc: string;
  readonly npc: string;
  /** A statement writing rd from two int32 halves; writes to x0 vanish. Operands are read before rd is written. */
  set(lo: string, hi: string): string;
  /** A statement writing rd with a 32-bit result, sign-extended. */
  setW(v: string): string;
}

/** Immediates, each one JS expression over the instruction word `w`; the compiler evaluates the same text. */
export const IMMEDIATES = {
  I: '(w >> 20)',
  S: '(((w >> 25) << 5) | ((w >>> 7) & 31))',
  B: '(((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))',
  U: '(w & 0xfffff000)',
  J: '(((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1))',
  /** A 64-bit shift amount. */
  SH6: '((w >>> 20) & 63)',
  /** A 32-bit shift amount. */
  SH5: '((w >>> 20) & 31)',
  /** A CSR number. */
  CSR: '((w >>> 20) & 0xfff)',
} as const;
export type Imm = keyof typeof IMMEDIATES;

/** The value of immediate `k` in word `w`, computed from the same text the interpreter runs. */
export const immediate: Record<Imm, (w: number) => number> = Object.fromEntries(
  Object.entries(IMMEDIATES).map(([k, text]) => [k, new Function('w', `return ${text};`) as (w: number) => number]),
) as Record<Imm, (w: number) => number>;

export type Semantic =
  /** Computes rd from registers and the immediate; falls through to the next instruction. */
  | { readonly kind: 'alu'; readonly imm?: Imm; readonly code: (o: Operands) => string }
  /** Goes to pc + B-immediate when `cond` holds, else falls through. */
  | { readonly kind: 'branch'; readonly cond: (o: Operands) => string }
  /** rd = npc and goes to `target` (computed before rd is written). */
  | { readonly kind: 'jump'; readonly imm: Imm; readonly target: (o: Operands) => string }
  /** Loads `size` bytes at rs1 + I-immediate, sign- or zero-extended; `float` loads go to f[rd] (NaN-boxed when 4). */
  | { readonly kind: 'load'; readonly size: 1 | 2 | 4 | 8; readonly signed: boolean; readonly float: boolean }
  /** Stores the low `size` bytes of rs2 (f[rs2] when `float`) at rs1 + S-immediate. */
  | { readonly kind: 'store'; readonly size: 1 | 2 | 4 | 8; readonly float: boolean }
  /** LR, SC and the AMOs: `executeAtomic` in atomics.ts, on the hart's register file, `size` bytes at rs1. */
  | { readonly kind: 'atomic'; readonly size: 4 | 8; readonly load: boolean }
  /** The F and D computational instructions: `execFp` in fpu.ts; `readsX`/`writesX` name integer operands. */
  | { readonly kind: 'float'; readonly readsX: boolean; readonly writesX: boolean }
  /** CSR read-modify-write through csr.ts; `variant` 0 write, 1 set, 2 clear; `immediate` when the source is uimm. */
  | { readonly kind: 'csr'; readonly variant: 0 | 1 | 2; readonly immediate: boolean }
  /**
   * Privileged and control instructions that change interrupt state, privilege or translation: interpreter text
   * only (its locals `h`, `bus`, `mmu`, `trapCause`, `trapTval`, `budget`, `n`, `base`); a block ends before them.
   */
  | { readonly kind: 'system'; readonly code: string };

const SEMANTICS: Semantic[] = [];
const alu = (op: Op, code: (o: Operands) => string, imm?: Imm) => (SEMANTICS[op] = { kind: 'alu', imm, code });
const branch = (op: Op, cond: (o: Operands) => string) => (SEMANTICS[op] = { kind: 'branch', cond });
const system = (op: Op, code: string) => (SEMANTICS[op] = { kind: 'system', code });

// A 64-bit result from a helper that leaves it in alu64's `out`.
const viaOut = (call: string) => (o: Operands) => `${call};${o.set('out.lo', 'out.hi')}`;
/** Signed and unsigned 64-bit a < b over halves, inline so compiled code needs no call. */
const lt = (al: string, ah: string, bl: string, bh: string) =>
  `(${ah} < ${bh} || (${ah} === ${bh} && ${al} >>> 0 < ${bl} >>> 0))`;
const ltu = (al: string, ah: string, bl: string, bh: string) =>
  `(${ah} >>> 0 < ${bh} >>> 0 || (${ah} === ${bh} && ${al} >>> 0 < ${bl} >>> 0))`;
const lt12 = (o: Operands) => lt(o.l1, o.h1, o.l2, o.h2);
const ltu12 = (o: Operands) => ltu(o.l1, o.h1, o.l2, o.h2);

// ---- RV64I ----
alu(Op.LUI, (o) => `{const _v = ${o.imm};${o.set('_v', '_v >> 31')}}`, 'U');
alu(Op.AUIPC, (o) => `{const _v = ${o.pc} + ${o.imm};${o.set('_v | 0', 'Math.floor(_v / TWO32) | 0')}}`, 'U');
SEMANTICS[Op.JAL] = { kind: 'jump', imm: 'J', target: (o) => `${o.pc} + ${o.imm}` };
SEMANTICS[Op.JALR] = {
  kind: 'jump',
  imm: 'I',
  target: (o) => `${o.h1} * TWO32 + (${o.l1} >>> 0) + ${o.imm} - ((${o.l1} + ${o.imm}) & 1)`,
};
branch(Op.BEQ, (o) => `${o.l1} === ${o.l2} && ${o.h1} === ${o.h2}`);
branch(Op.BNE, (o) => `${o.l1} !== ${o.l2} || ${o.h1} !== ${o.h2}`);
branch(Op.BLT, lt12);
branch(Op.BGE, (o) => `!${lt12(o)}`);
branch(Op.BLTU, ltu12);
branch(Op.BGEU, (o) => `!${ltu12(o)}`);

const load = (op: Op, size: 1 | 2 | 4 | 8, signed: boolean, float = false) =>
  (SEMANTICS[op] = { kind: 'load', size, signed, float });
load(Op.LB, 1, true);
load(Op.LH, 2, true);
load(Op.LW, 4, true);
load(Op.LD, 8, true);
load(Op.LBU, 1, false);
load(Op.LHU, 2, false);
load(Op.LWU, 4, false);
load(Op.FLW, 4, false, true);
load(Op.FLD, 8, false, true);
const store = (op: Op, size: 1 | 2 | 4 | 8, float = false) => (SEMANTICS[op] = { kind: 'store', size, float });
store(Op.SB, 1);
store(Op.SH, 2);
store(Op.SW, 4);
store(Op.SD, 8);
store(Op.FSW, 4, true);
store(Op.FSD, 8, true);

alu(
  Op.ADDI,
  (o) =>
    `{const _a = ${o.l1}, _r = (_a + ${o.imm}) | 0;` +
    o.set('_r', `(${o.h1} + (${o.imm} >> 31) + (_r >>> 0 < _a >>> 0 ? 1 : 0)) | 0`) +
    '}',
  'I',
);
alu(Op.SLTI, (o) => `{const _i = ${o.imm};${o.set(`${lt(o.l1, o.h1, '_i', '(_i >> 31)')} ? 1 : 0`, '0')}}`, 'I');
alu(Op.SLTIU, (o) => `{const _i = ${o.imm};${o.set(`${ltu(o.l1, o.h1, '_i', '(_i >> 31)')} ? 1 : 0`, '0')}}`, 'I');
alu(Op.XORI, (o) => o.set(`${o.l1} ^ ${o.imm}`, `${o.h1} ^ (${o.imm} >> 31)`), 'I');
alu(Op.ORI, (o) => o.set(`${o.l1} | ${o.imm}`, `${o.h1} | (${o.imm} >> 31)`), 'I');
alu(Op.ANDI, (o) => o.set(`${o.l1} & ${o.imm}`, `${o.h1} & (${o.imm} >> 31)`), 'I');
// Shifts by an immediate: written out so that with a literal amount the compiled code folds to one case.
alu(
  Op.SLLI,
  (o) =>
    `{const _s = ${o.imm};` +
    o.set(
      `_s < 32 ? ${o.l1} << _s : 0`,
      `_s === 0 ? ${o.h1} : _s < 32 ? (${o.h1} << _s) | (${o.l1} >>> (32 - _s)) : ${o.l1} << (_s - 32)`,
    ) +
    '}',
  'SH6',
);
alu(
  Op.SRLI,
  (o) =>
    `{const _s = ${o.imm};` +
    o.set(
      `_s === 0 ? ${o.l1} : _s < 32 ? ((${o.l1} >>> _s) | (${o.h1} << (32 - _s))) | 0 : (${o.h1} >>> (_s - 32)) | 0`,
      `_s < 32 ? (${o.h1} >>> _s) | 0 : 0`,
    ) +
    '}',
  'SH6',
);
alu(
  Op.SRAI,
  (o) =>
    `{const _s = ${o.imm};` +
    o.set(
      `_s === 0 ? ${o.l1} : _s < 32 ? (${o.l1} >>> _s) | (${o.h1} << (32 - _s)) : ${o.h1} >> (_s - 32)`,
      `_s < 32 ? ${o.h1} >> _s : ${o.h1} >> 31`,
    ) +
    '}',
  'SH6',
);
alu(
  Op.ADD,
  (o) =>
    `{const _a = ${o.l1}, _r = (_a + ${o.l2}) | 0;` +
    o.set('_r', `(${o.h1} + ${o.h2} + (_r >>> 0 < _a >>> 0 ? 1 : 0)) | 0`) +
    '}',
);
alu(
  Op.SUB,
  (o) =>
    `{const _a = ${o.l1}, _b = ${o.l2};` +
    o.set('(_a - _b) | 0', `(${o.h1} - ${o.h2} - (_a >>> 0 < _b >>> 0 ? 1 : 0)) | 0`) +
    '}',
);
alu(Op.SLL, (o) => viaOut(`sll64(${o.l1}, ${o.h1}, ${o.l2} & 63)`)(o));
alu(Op.SRL, (o) => viaOut(`srl64(${o.l1}, ${o.h1}, ${o.l2} & 63)`)(o));
alu(Op.SRA, (o) => viaOut(`sra64(${o.l1}, ${o.h1}, ${o.l2} & 63)`)(o));
alu(Op.SLT, (o) => o.set(`${lt12(o)} ? 1 : 0`, '0'));
alu(Op.SLTU, (o) => o.set(`${ltu12(o)} ? 1 : 0`, '0'));
alu(Op.XOR, (o) => o.set(`${o.l1} ^ ${o.l2}`, `${o.h1} ^ ${o.h2}`));
alu(Op.OR, (o) => o.set(`${o.l1} | ${o.l2}`, `${o.h1} | ${o.h2}`));
alu(Op.AND, (o) => o.set(`${o.l1} & ${o.l2}`, `${o.h1} & ${o.h2}`));
alu(Op.ADDIW, (o) => o.setW(`(${o.l1} + ${o.imm}) | 0`), 'I');
alu(Op.SLLIW, (o) => o.setW(`${o.l1} << ${o.imm}`), 'SH5');
alu(Op.SRLIW, (o) => o.setW(`(${o.l1} >>> ${o.imm}) | 0`), 'SH5');
alu(Op.SRAIW, (o) => o.setW(`${o.l1} >> ${o.imm}`), 'SH5');
alu(Op.ADDW, (o) => o.setW(`(${o.l1} + ${o.l2}) | 0`));
alu(Op.SUBW, (o) => o.setW(`(${o.l1} - ${o.l2}) | 0`));
alu(Op.SLLW, (o) => o.setW(`${o.l1} << (${o.l2} & 31)`));
alu(Op.SRLW, (o) => o.setW(`(${o.l1} >>> (${o.l2} & 31)) | 0`));
alu(Op.SRAW, (o) => o.setW(`${o.l1} >> (${o.l2} & 31)`));

// ---- M ----
const args = (o: Operands) => `${o.l1}, ${o.h1}, ${o.l2}, ${o.h2}`;
alu(Op.MUL, (o) => viaOut(`mul64(${args(o)})`)(o));
alu(Op.MULH, (o) => viaOut(`mulh64(${args(o)}, 0)`)(o));
alu(Op.MULHSU, (o) => viaOut(`mulh64(${args(o)}, 1)`)(o));
alu(Op.MULHU, (o) => viaOut(`mulh64(${args(o)}, 2)`)(o));
alu(Op.DIV, (o) => viaOut(`div64(${args(o)}, false)`)(o));
alu(Op.DIVU, (o) => viaOut(`divu64(${args(o)}, false)`)(o));
alu(Op.REM, (o) => viaOut(`div64(${args(o)}, true)`)(o));
alu(Op.REMU, (o) => viaOut(`divu64(${args(o)}, true)`)(o));
alu(Op.MULW, (o) => o.setW(`Math.imul(${o.l1}, ${o.l2})`));
alu(Op.DIVW, (o) => o.setW(`divw(${o.l1}, ${o.l2}, false)`));
alu(Op.DIVUW, (o) => o.setW(`divuw(${o.l1}, ${o.l2}, false)`));
alu(Op.REMW, (o) => o.setW(`divw(${o.l1}, ${o.l2}, true)`));
alu(Op.REMUW, (o) => o.setW(`divuw(${o.l1}, ${o.l2}, true)`));

// ---- System ----
// Memory is coherent (harts run one at a time) and stores invalidate decoded code, so fences do nothing.
alu(Op.FENCE, () => '');
system(Op.FENCE_I, 'pc = npc;');
system(
  Op.ECALL,
  'trapCause = h.priv === Priv.M ? CAUSE.ecallM : h.priv === Priv.S ? CAUSE.ecallS : CAUSE.ecallU; trapTval = 0;',
);
// QEMU 7.2 leaves mtval 0 for ebreak.
system(
  Op.EBREAK,
  'h.pc = pc; h.retired = base + n;' +
    'if (bus.semihost(h)) { pc = npc; if (bus.stop) budget = n + 1; break; }' +
    'trapCause = CAUSE.breakpoint; trapTval = 0;',
);
const illegal = 'trapCause = CAUSE.illegal; trapTval = w >>> 0; break;';
system(Op.MRET, `if (h.priv !== Priv.M) { ${illegal} } mret(h); pc = h.pc; budget = n + 1;`);
system(
  Op.SRET,
  `if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS.TSR) !== 0)) { ${illegal} }` +
    'sret(h); pc = h.pc; budget = n + 1;',
);
system(
  Op.WFI,
  `if (h.priv !== Priv.M && (h.mstatus & MSTATUS.TW) !== 0) { ${illegal} }` +
    'pc = npc; if (((h.mipSoft | h.mipHw) & h.mie) === 0) h.run = HartRun.wfi;' +
    // A wfi that does not sleep ends the run only when the pending interrupt can be taken: with it globally masked
    // (OpenSBI's HSM wait loop, MIE off and MSIP pending), leaving would only re-enter here.
    'if (h.run === HartRun.wfi || pendingInterrupt(h) >= 0) budget = n + 1;',
);
system(
  Op.SFENCE_VMA,
  `if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS.TVM) !== 0)) { ${illegal} }` +
    'mmu?.flush(); pc = npc; budget = n + 1;',
);
system(Op.ILLEGAL, illegal);
// Not an instruction: the interpreter stops before a pc that carries a breakpoint.
system(
  Op.BREAKPOINT,
  'h.pc = pc; bus.stop = true; opts.hit = true; h.retired = base + n;' +
    'stats.inBlocks += inBlocks; stats.interpreted += n - inBlocks; return n;',
);

SEMANTICS[Op.CSRRW] = { kind: 'csr', variant: 0, immediate: false };
SEMANTICS[Op.CSRRS] = { kind: 'csr', variant: 1, immediate: false };
SEMANTICS[Op.CSRRC] = { kind: 'csr', variant: 2, immediate: false };
SEMANTICS[Op.CSRRWI] = { kind: 'csr', variant: 0, immediate: true };
SEMANTICS[Op.CSRRSI] = { kind: 'csr', variant: 1, immediate: true };
SEMANTICS[Op.CSRRCI] = { kind: 'csr', variant: 2, immediate: true };

// ---- A and F/D: the rest of the table, by group ----
for (const row of INSTRUCTIONS) {
  if (SEMANTICS[row.op] !== undefined) continue;
  if (row.ext === 'A')
    SEMANTICS[row.op] = {
      kind: 'atomic',
      size: row.name.endsWith('.d') ? 8 : 4,
      load: row.name.startsWith('lr.'),
    };
  else if (row.ext === 'F' || row.ext === 'D')
    SEMANTICS[row.op] = {
      kind: 'float',
      readsX: row.format === 'FFX' || row.format === 'FFXRM',
      writesX: row.format === 'FXF' || row.format === 'FXFRM' || row.format === 'FXFF',
    };
}

/** The semantics of `op`, or undefined for an id without any (a test asserts every table row has one). */
export function semanticsOf(op: Op): Semantic | undefined {
  return SEMANTICS[op];
}

/**
 * The value a load leaves in rd, from the raw bytes read (`lo`, and `hi` for 8 bytes): [lo, hi] expressions.
 * Both backends extend through this one function, on their fast path and on the bus's slow path.
 */
export function loadValue(
  s: { size: number; signed: boolean; float: boolean },
  lo: string,
  hi: string,
): [string, string] {
  if (s.size === 8) return [lo, hi];
  if (s.float) return [lo, '-1']; // NaN-boxed binary32
  if (s.size === 4) return s.signed ? [lo, `${lo} >> 31`] : [lo, '0'];
  const sh = s.size === 2 ? 16 : 24;
  return s.signed ? [`(${lo} << ${sh}) >> ${sh}`, `(${lo} << ${sh}) >> 31`] : [`${lo} & ${(1 << (32 - sh)) - 1}`, '0'];
}

/** The expression reading `size` raw bytes at RAM offset `a` (fast path), low half then high half. */
export function ramRead(size: number, a: string): [string, string] {
  switch (size) {
    case 8:
      return [`ram32[${a} >> 2]`, `ram32[(${a} >> 2) + 1]`];
    case 4:
      return [`ram32[${a} >> 2]`, '0'];
    case 2:
      return [`ram16[${a} >> 1]`, '0'];
    default:
      return [`ram8[${a}]`, '0'];
  }
}

/** The statement writing the low `size` bytes of (lo, hi) at RAM offset `a` (fast path). */
export function ramWrite(size: number, a: string, lo: string, hi: string): string {
  switch (size) {
    case 8:
      return `ram32[${a} >> 2] = ${lo}; ram32[(${a} >> 2) + 1] = ${hi};`;
    case 4:
      return `ram32[${a} >> 2] = ${lo};`;
    case 2:
      return `ram16[${a} >> 1] = ${lo};`;
    default:
      return `ram8[${a}] = ${lo};`;
  }
}

/** CSRs whose read has no side effect and does not depend on anything a block keeps in locals: blocks read them. */
export const PURE_CSRS: ReadonlySet<number> = new Set([
  0xc00, // cycle
  0xc01, // time
  0xc02, // instret
  0xb00, // mcycle
  0xb02, // minstret
  0xf11, // mvendorid
  0xf12, // marchid
  0xf13, // mimpid
  0xf14, // mhartid
]);

/** fflags, frm and fcsr: their writes change only FP state (and mstatus.FS), so blocks run them too. */
export const FP_CSRS: ReadonlySet<number> = new Set([0x001, 0x002, 0x003]);
