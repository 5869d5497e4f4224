// The meaning of every instruction, written once. The interpreter's instruction switch is generated from this table
// (scripts/gen-semantics.mjs writes it into interpreter.ts) and both block compilers, JS and wasm, emit code from the
// same entries: the integer instructions are written in a small IR that each backend translates op by op.

import { INSTRUCTIONS, Op } from './instructions';

/**
 * What JS text is written against (semantics-js.ts writes the IR in it). Each JS backend binds the names: the
 * interpreter to its register file and the instruction word (`x[rs1]`, `(w >> 20)`), the JS block compiler to
 * register locals and literals (`l5`, `-16`). The text calls helpers by name: the exports of alu64.ts and `TWO32`.
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

/**
 * The integer IR: a 64-bit value computed from rs1, rs2, the entry's immediate and the pc. Every integer entry is
 * written in it once; semantics-js.ts turns an IR op into JS over int32 halves (the interpreter and JS blocks) and
 * wasm-block.ts into WebAssembly i64/i32 instructions. The ops mean what RISC-V and WebAssembly mean by them:
 * arithmetic wraps modulo 2^64, shift amounts are taken modulo 64 (modulo 32 for the 32-bit ops), comparisons give
 * 0 or 1, and a 32-bit op (`add32`, ...) works on the low words of its operands and yields a word that `sext32`
 * sign-extends. `call` names a helper both backends have (alu64.ts in JS, wasm-dispatch.ts in wasm).
 */
export type Value =
  /** rs1, rs2; the entry's immediate sign-extended; the constant pc + immediate. */
  | { readonly op: 'rs1' | 'rs2' | 'imm' | 'pcImm' }
  | { readonly op: Binary; readonly a: Value; readonly b: Value }
  | Compare
  | { readonly op: 'sext32'; readonly a: Word }
  | { readonly op: 'call'; readonly fn: Call; readonly a: Value; readonly b: Value };
export type Binary = 'add' | 'sub' | 'xor' | 'or' | 'and' | 'shl' | 'shr_u' | 'shr_s' | 'mul';
export type Compare = { readonly op: CompareOp; readonly a: Value; readonly b: Value };
export type CompareOp = 'eq' | 'ne' | 'lt_s' | 'ge_s' | 'lt_u' | 'ge_u';
/** A 32-bit value, from the low words of two 64-bit ones. */
export type Word = { readonly op: Binary32; readonly a: Value; readonly b: Value };
export type Binary32 = 'add32' | 'sub32' | 'shl32' | 'shr_u32' | 'shr_s32' | 'mul32';
/** Helpers of both backends, (i64, i64) -> i64: high products, and division with RISC-V's rules for 0 and overflow. */
export type Call = 'mulh' | 'mulhsu' | 'mulhu' | 'div' | 'divu' | 'rem' | 'remu' | 'divw' | 'divuw' | 'remw' | 'remuw';
/**
 * Where a jump goes, as a pc (pcs are doubles): the constant pc + immediate, or rs1 + immediate with bit 0 cleared,
 * added in doubles (hi * 2^32 + unsigned lo + imm) as every pc is.
 */
export type Target = { readonly op: 'pcImm' } | { readonly op: 'rs1ImmEven' };

/** The IR's leaves and operations, to write entries with (and tests to build values). */
export const ir = {
  rs1: { op: 'rs1' } as Value,
  rs2: { op: 'rs2' } as Value,
  imm: { op: 'imm' } as Value,
  pcImm: { op: 'pcImm' } as Value,
  bin: (op: Binary, a: Value, b: Value): Value => ({ op, a, b }),
  cmp: (op: CompareOp, a: Value, b: Value): Compare => ({ op, a, b }),
  word: (op: Binary32, a: Value, b: Value): Word => ({ op, a, b }),
  sext32: (a: Word): Value => ({ op: 'sext32', a }),
  call: (fn: Call, a: Value, b: Value): Value => ({ op: 'call', fn, a, b }),
};

export type Semantic =
  /** rd = `value` (nothing at all when null: FENCE); falls through to the next instruction. */
  | { readonly kind: 'alu'; readonly imm?: Imm; readonly value: Value | null }
  /** Goes to pc + B-immediate when `cond` holds, else falls through. */
  | { readonly kind: 'branch'; readonly cond: Compare }
  /** rd = npc and goes to `target` (computed before rd is written). */
  | { readonly kind: 'jump'; readonly imm: Imm; readonly target: Target }
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

/**
 * Sets the entry of `op` and returns the one it replaces. The table below is built with it; a test also uses it to
 * re-bind an op and watch every backend follow (the interpreter's switch only through the generator).
 */
export function define(op: Op, s: Semantic): Semantic | undefined {
  const old = SEMANTICS[op];
  SEMANTICS[op] = s;
  return old;
}

const { rs1, rs2, imm, pcImm, sext32, call } = ir;
const alu = (op: Op, value: Value | null, imm?: Imm) => define(op, { kind: 'alu', imm, value });
const branch = (op: Op, cond: Compare) => define(op, { kind: 'branch', cond });
const system = (op: Op, code: string) => define(op, { kind: 'system', code });
// The IR's operations by name, for the entries below.
const [add, sub, xor, or, and, shl, shr_u, shr_s, mul] = (
  ['add', 'sub', 'xor', 'or', 'and', 'shl', 'shr_u', 'shr_s', 'mul'] as const
).map((op) => (a: Value, b: Value) => ir.bin(op, a, b));
const [eq, ne, lt_s, ge_s, lt_u, ge_u] = (['eq', 'ne', 'lt_s', 'ge_s', 'lt_u', 'ge_u'] as const).map(
  (op) => (a: Value, b: Value) => ir.cmp(op, a, b),
);
const [add32, sub32, shl32, shr_u32, shr_s32, mul32] = (
  ['add32', 'sub32', 'shl32', 'shr_u32', 'shr_s32', 'mul32'] as const
).map((op) => (a: Value, b: Value) => ir.word(op, a, b));

// ---- RV64I ----
alu(Op.LUI, imm, 'U');
alu(Op.AUIPC, pcImm, 'U');
define(Op.JAL, { kind: 'jump', imm: 'J', target: { op: 'pcImm' } });
define(Op.JALR, { kind: 'jump', imm: 'I', target: { op: 'rs1ImmEven' } });
branch(Op.BEQ, eq(rs1, rs2));
branch(Op.BNE, ne(rs1, rs2));
branch(Op.BLT, lt_s(rs1, rs2));
branch(Op.BGE, ge_s(rs1, rs2));
branch(Op.BLTU, lt_u(rs1, rs2));
branch(Op.BGEU, ge_u(rs1, rs2));

const load = (op: Op, size: 1 | 2 | 4 | 8, signed: boolean, float = false) =>
  define(op, { kind: 'load', size, signed, float });
load(Op.LB, 1, true);
load(Op.LH, 2, true);
load(Op.LW, 4, true);
load(Op.LD, 8, true);
load(Op.LBU, 1, false);
load(Op.LHU, 2, false);
load(Op.LWU, 4, false);
load(Op.FLW, 4, false, true);
load(Op.FLD, 8, false, true);
const store = (op: Op, size: 1 | 2 | 4 | 8, float = false) => define(op, { kind: 'store', size, float });
store(Op.SB, 1);
store(Op.SH, 2);
store(Op.SW, 4);
store(Op.SD, 8);
store(Op.FSW, 4, true);
store(Op.FSD, 8, true);

alu(Op.ADDI, add(rs1, imm), 'I');
alu(Op.SLTI, lt_s(rs1, imm), 'I');
alu(Op.SLTIU, lt_u(rs1, imm), 'I');
alu(Op.XORI, xor(rs1, imm), 'I');
alu(Op.ORI, or(rs1, imm), 'I');
alu(Op.ANDI, and(rs1, imm), 'I');
alu(Op.SLLI, shl(rs1, imm), 'SH6');
alu(Op.SRLI, shr_u(rs1, imm), 'SH6');
alu(Op.SRAI, shr_s(rs1, imm), 'SH6');
alu(Op.ADD, add(rs1, rs2));
alu(Op.SUB, sub(rs1, rs2));
alu(Op.SLL, shl(rs1, rs2));
alu(Op.SRL, shr_u(rs1, rs2));
alu(Op.SRA, shr_s(rs1, rs2));
alu(Op.SLT, lt_s(rs1, rs2));
alu(Op.SLTU, lt_u(rs1, rs2));
alu(Op.XOR, xor(rs1, rs2));
alu(Op.OR, or(rs1, rs2));
alu(Op.AND, and(rs1, rs2));
alu(Op.ADDIW, sext32(add32(rs1, imm)), 'I');
alu(Op.SLLIW, sext32(shl32(rs1, imm)), 'SH5');
alu(Op.SRLIW, sext32(shr_u32(rs1, imm)), 'SH5');
alu(Op.SRAIW, sext32(shr_s32(rs1, imm)), 'SH5');
alu(Op.ADDW, sext32(add32(rs1, rs2)));
alu(Op.SUBW, sext32(sub32(rs1, rs2)));
alu(Op.SLLW, sext32(shl32(rs1, rs2)));
alu(Op.SRLW, sext32(shr_u32(rs1, rs2)));
alu(Op.SRAW, sext32(shr_s32(rs1, rs2)));

// ---- M ----
alu(Op.MUL, mul(rs1, rs2));
alu(Op.MULH, call('mulh', rs1, rs2));
alu(Op.MULHSU, call('mulhsu', rs1, rs2));
alu(Op.MULHU, call('mulhu', rs1, rs2));
alu(Op.DIV, call('div', rs1, rs2));
alu(Op.DIVU, call('divu', rs1, rs2));
alu(Op.REM, call('rem', rs1, rs2));
alu(Op.REMU, call('remu', rs1, rs2));
alu(Op.MULW, sext32(mul32(rs1, rs2)));
alu(Op.DIVW, call('divw', rs1, rs2));
alu(Op.DIVUW, call('divuw', rs1, rs2));
alu(Op.REMW, call('remw', rs1, rs2));
alu(Op.REMUW, call('remuw', rs1, rs2));

// ---- System ----
// Memory is coherent (harts run one at a time) and stores invalidate decoded code, so fences do nothing.
alu(Op.FENCE, null);
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

define(Op.CSRRW, { kind: 'csr', variant: 0, immediate: false });
define(Op.CSRRS, { kind: 'csr', variant: 1, immediate: false });
define(Op.CSRRC, { kind: 'csr', variant: 2, immediate: false });
define(Op.CSRRWI, { kind: 'csr', variant: 0, immediate: true });
define(Op.CSRRSI, { kind: 'csr', variant: 1, immediate: true });
define(Op.CSRRCI, { kind: 'csr', variant: 2, immediate: true });

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

/** Whether IR `v` (a value, word or jump target) reads register `r`: backends load only the registers read. */
export function reads(v: Value | Word | Target, r: 'rs1' | 'rs2'): boolean {
  if (v.op === r) return true;
  if (v.op === 'rs1ImmEven') return r === 'rs1';
  if ('b' in v) return reads(v.a, r) || reads(v.b, r);
  return 'a' in v && reads(v.a, r);
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
