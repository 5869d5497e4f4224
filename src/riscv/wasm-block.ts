// The WebAssembly backend of the block compiler: the same blocks as block-compiler.ts (same instructions, same
// exits, bail-outs, budget and loop protocol, so the interpreter cannot tell them apart), generated as one wasm
// function per block with native i64 arithmetic and guest registers in locals. RAM, page flags, the harts'
// registers and their data TLBs live in one WebAssembly.Memory (the arena) so that compiled code reaches them.
// Every block function sits in the one table of wasm-dispatch.ts, whose dispatcher runs chains of linked blocks
// inside wasm; links and validity are mirrored into the arena's link records.

import { Op } from './instructions';
import { decodeOp } from './decode';
import { compileBlock, fetchWord, pageEndOf } from './block-compiler';
import type { Block, BlockContext, BlockFn, BlockSource } from './block-compiler';
import type { BlockCompiler } from './block-cache';
import { Code, encodeModule, F64, I32, I64, i64Of, W } from './wasm-module';
import { immediate, semanticsOf } from './semantics';
import type { Binary, Binary32, Call, Compare, CompareOp, Semantic, Target, Value, Word } from './semantics';
import {
  BLOCK_SIG,
  buildDispatcher,
  Dispatch,
  Helper,
  HELPER_SIG,
  Rec,
  REC_BYTES,
  Res,
  TABLE_SIZE,
} from './wasm-dispatch';

const MAX_LEN = 48;
const PAGE = 4096;
const WASM_PAGE = 65536;
const TLB_ENTRIES = 256;
const TLB_BYTES = TLB_ENTRIES * 8;
/** Per hart in the arena: 64 int32 register halves, then six TLB arrays (tags and bases for fetch, load, store). */
const HART_BYTES = 256 + 6 * TLB_BYTES;
/**
 * A wasm block prefix shorter than this, stopped by an instruction the JS backend compiles, gives way to the JS
 * block (which goes on past that instruction); a longer one stays wasm and the interpreter runs that instruction.
 */
const SHORT_PREFIX = 8;
/** Blocks compiled into one module at most: the hot one and successors the block cache wants. */
const MAX_BATCH = 16;

/**
 * One WebAssembly.Memory holding RAM at offset 0 (zeroed and committed page by page as touched, like an
 * ArrayBuffer), then the page flags, the blocks' result slot, scratch space and the per-hart regions.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
  readonly pageFlagsOffset: number;
  /** The result slot: pc (f64) at +0, bail (i32) at +8, then the dispatcher's (wasm-dispatch.ts, Res). */
  readonly resultOffset: number;
  /** TABLE_SIZE link records (wasm-dispatch.ts, Rec), one per table index. */
  readonly recOffset: number;
  private readonly recF64: Float64Array;
  readonly recI32: Int32Array;
  private readonly resultI32: Int32Array;
  readonly run: Dispatch;
  private readonly table: WebAssembly.Table;
  private readonly env: Record<string, unknown>;
  /** The live block at each table index; free indices, and the serial the next block gets (never 0). */
  private readonly byIndex: (WasmBlock | undefined)[] = [];
  private readonly free: number[] = [];
  private nextIndex = 0;
  private serial = 0;
  /** Registers and four TLB arrays for a block called with views outside the arena (copied through). */
  private readonly scratchOffset: number;
  private readonly hartsOffset: number;
  readonly resultPc: Float64Array;
  readonly resultBail: Int32Array;
  readonly scratchX: Int32Array;
  readonly scratchTlb: Float64Array[];
  /** Modules compiled, the blocks in them and their bytes (for the benchmark's compile-cost figure). */
  modules = 0;
  moduleBlocks = 0;
  moduleBytes = 0;

  constructor(
    readonly ramSize: number,
    readonly harts: number,
  ) {
    this.pageFlagsOffset = ramSize;
    this.resultOffset = align(ramSize + ramSize / PAGE, 64);
    this.scratchOffset = this.resultOffset + 64;
    this.hartsOffset = align(this.scratchOffset + 256 + 4 * TLB_BYTES, 64);
    this.recOffset = this.hartsOffset + harts * HART_BYTES;
    const bytes = this.recOffset + TABLE_SIZE * REC_BYTES;
    const pages = Math.ceil(bytes / WASM_PAGE);
    // Never grown: the buffer, and every view on it, stays valid for the machine's life.
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.buffer = this.memory.buffer;
    this.resultPc = new Float64Array(this.buffer, this.resultOffset, 1);
    this.resultBail = new Int32Array(this.buffer, this.resultOffset + 8, 1);
    this.resultI32 = new Int32Array(this.buffer, this.resultOffset, 8);
    this.recF64 = new Float64Array(this.buffer, this.recOffset, (TABLE_SIZE * REC_BYTES) / 8);
    this.recI32 = new Int32Array(this.buffer, this.recOffset, (TABLE_SIZE * REC_BYTES) / 4);
    const d = buildDispatcher(this.memory, this.recOffset, this.resultOffset);
    this.run = d.run;
    this.table = d.table;
    this.env = { env: d.env };
    this.scratchX = new Int32Array(this.buffer, this.scratchOffset, 64);
    this.scratchTlb = [0, 1, 2, 3].map(
      (k) => new Float64Array(this.buffer, this.scratchOffset + 256 + k * TLB_BYTES, TLB_ENTRIES),
    );
  }

  pageFlags(): Uint8Array {
    return new Uint8Array(this.buffer, this.pageFlagsOffset, this.ramSize / PAGE);
  }

  /** The register file of hart `k` (64 int32 halves, as Hart.x). */
  registers(k: number): Int32Array<ArrayBuffer> {
    return new Int32Array(this.buffer, this.hartsOffset + k * HART_BYTES, 64);
  }

  /** The TLB arrays of hart `k`: tags for fetch, load, store, then bases for the same (as Mmu's). */
  tlb(k: number): Float64Array<ArrayBuffer>[] {
    const at = this.hartsOffset + k * HART_BYTES + 256;
    return [0, 1, 2, 3, 4, 5].map((j) => new Float64Array(this.buffer, at + j * TLB_BYTES, TLB_ENTRIES));
  }

  /** The register file and load tags last seen in a block context, and their addresses here (-1: elsewhere). */
  seenX: Int32Array | null = null;
  seenTl: Float64Array | null = null;
  xAt = -1;
  tlAt = -1;
  blAt = -1;
  tsAt = -1;
  bsAt = -1;
  /** The fetch TLB (tags, bases) of the hart whose load TLB is at tlAt, when laid out as tlb(k) does; else -1. */
  ftAt = -1;
  fbAt = -1;

  see(c: BlockContext): void {
    const at = (v: ArrayBufferView) => (v.buffer === this.buffer ? v.byteOffset : -1);
    this.seenX = c.x;
    this.seenTl = c.tl;
    this.xAt = at(c.x);
    const t = [at(c.tl), at(c.bl), at(c.ts), at(c.bs)];
    [this.tlAt, this.blAt, this.tsAt, this.bsAt] = t.includes(-1) ? [-1, -1, -1, -1] : t;
    // A hart's six arrays are consecutive (fetch, load, store tags, then bases): fetch sits just before load.
    const hart = Math.floor((this.tlAt - this.hartsOffset) / HART_BYTES);
    const inHart = this.tlAt >= 0 && hart >= 0 && hart < this.harts;
    const mine = inHart && this.tlAt === this.hartsOffset + hart * HART_BYTES + 256 + TLB_BYTES;
    this.ftAt = mine && this.blAt === this.tlAt + 3 * TLB_BYTES ? this.tlAt - TLB_BYTES : -1;
    this.fbAt = this.ftAt >= 0 ? this.blAt - TLB_BYTES : -1;
  }

  /** Installs a compiled block function in the table with its record, or returns null when the table is full. */
  install(fn: unknown, start: number, end: number, vpc: number, dvm: boolean, len: number): WasmBlock | null {
    const index = this.free.length > 0 ? this.free.pop()! : this.nextIndex < TABLE_SIZE ? this.nextIndex++ : -1;
    if (index < 0) return null;
    const serial = (this.serial = (this.serial % 0x7fffffff) + 1);
    this.table.set(index, fn);
    const f = (index * REC_BYTES) >> 3,
      i = (index * REC_BYTES) >> 2;
    this.recF64[f + (Rec.vpc >> 3)] = vpc;
    this.recF64[f + (Rec.start >> 3)] = start;
    this.recF64[f + (Rec.pc0 >> 3)] = NaN;
    this.recF64[f + (Rec.pc1 >> 3)] = NaN;
    this.recI32[i + (Rec.tag >> 2)] = serial;
    this.recI32[i + (Rec.len >> 2)] = len;
    this.recI32[i + (Rec.dvm >> 2)] = dvm ? 1 : 0;
    this.recI32[i + (Rec.runs >> 2)] = 0;
    this.recI32[i + (Rec.to0 >> 2)] = -1;
    this.recI32[i + (Rec.to1 >> 2)] = -1;
    const blk = new WasmBlock(this, index, serial, start, end, vpc, dvm, len);
    this.byIndex[index] = blk;
    return blk;
  }

  /** Frees the table index of `blk` (it became invalid): links that still name it no longer match its serial. */
  release(blk: WasmBlock): void {
    const i = (blk.index * REC_BYTES) >> 2;
    if (this.recI32[i + (Rec.tag >> 2)] !== blk.serial) return;
    this.recI32[i + (Rec.tag >> 2)] = 0;
    this.byIndex[blk.index] = undefined;
    this.table.set(blk.index, null);
    this.free.push(blk.index);
  }

  /** Writes link `k` (0 or 1) of `from`'s record: pc and, when `to` is a live wasm block of this arena, its index. */
  writeLink(from: WasmBlock, k: 0 | 1, pc: number, to: Block | null): void {
    this.recF64[((from.index * REC_BYTES) >> 3) + ((k === 0 ? Rec.pc0 : Rec.pc1) >> 3)] = pc;
    const i = ((from.index * REC_BYTES) >> 2) + ((k === 0 ? Rec.to0 : Rec.to1) >> 2);
    const ok = to instanceof WasmBlock && to.arena === this && to.valid;
    this.recI32[i] = ok ? to.index : -1;
    this.recI32[i + 1] = ok ? to.serial : 0;
  }

  /** The block at table index `k` and the dispatcher's call count (after a dispatcher call, for the chain loop). */
  lastBlock(): WasmBlock {
    return this.byIndex[this.resultI32[Res.last >> 2]]!;
  }
  lastCalls(): number {
    return this.resultI32[Res.calls >> 2];
  }
  lastCount(): number {
    return this.resultI32[Res.lastCount >> 2];
  }

  /** Table indices in use (for tests). */
  get installed(): number {
    return this.nextIndex - this.free.length;
  }

  /** Instantiates a block module against the shared memory and helpers; returns its exports. */
  instantiate(bytes: Uint8Array): Record<string, unknown> {
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), this.env).exports;
  }

  /** Whether `n` more blocks fit the table. */
  hasRoom(n: number): boolean {
    return this.free.length + (TABLE_SIZE - this.nextIndex) >= n;
  }

  /** The block compiler the block cache calls for this arena. */
  // Wasm blocks hold only the integer groups. Where the scan stops at an instruction the JS backend compiles (FP, AMO,
  // LR/SC, CSR reads: see semantics.ts), the longer JS block is kept: JS blocks run on the arena's views as well.
  // The choice is made from the scan: a JS block is compiled only where the wasm prefix is short and the instruction
  // that stopped it is one the JS backend has semantics for (it may still stop there: then wasm is kept).
  // With `successors`, the block's static successors in its page that the block cache wants (warm, not compiled)
  // go into the same module, and theirs, up to MAX_BATCH blocks: a module's fixed cost is most of a small one's.
  readonly compile: BlockCompiler = (src, ppc, vpc, dvm, stopAt, successors) => {
    const s = scan(src, ppc, stopAt);
    const js = this.jsInstead(src, s, ppc, vpc, dvm, stopAt);
    if (js !== null) return js;
    if (s.insns.length === 0) return null;
    const batch: Scanned[] = [{ ...s, ppc, vpc, dvm }];
    if (successors !== undefined) {
      const seen = new Set([ppc]);
      // Its warm successors, and theirs.
      for (let k = 0; k < batch.length && batch.length < this.maxBatch; k++) {
        const b = batch[k];
        for (const t of targetsOf(b)) {
          // Only within the virtual page: there the physical address follows from the block's own.
          if (Math.floor(t / PAGE) !== Math.floor(b.vpc / PAGE)) continue;
          const tp = b.ppc + (t - b.vpc);
          if (seen.has(tp) || batch.length >= this.maxBatch) continue;
          seen.add(tp);
          if (!successors.want(tp, t)) continue;
          const ts = scan(src, tp, stopAt);
          if (ts.insns.length === 0 || prefersJs(ts)) continue;
          batch.push({ ...ts, ppc: tp, vpc: t, dvm: b.dvm });
        }
      }
    }
    const blocks = compileWasmBlocks(this, src, batch);
    if (blocks === null) return compileBlock(src, ppc, vpc, dvm, stopAt);
    for (let k = 1; k < blocks.length; k++) successors!.add(blocks[k]);
    return blocks[0];
  };

  /** The JS block for a scan that prefers one (see prefersJs), when it is longer; else null. */
  private jsInstead(
    src: BlockSource,
    s: Scan,
    ppc: number,
    vpc: number,
    dvm: boolean,
    stopAt: ReadonlySet<number>,
  ): Block | null {
    if (!prefersJs(s)) return null;
    this.jsTried++;
    const js = compileBlock(src, ppc, vpc, dvm, stopAt);
    if (js === null || js.len <= s.insns.length) return null;
    this.jsBlocks++;
    return js;
  }
  /** Blocks the JS backend compiled instead, because they hold instructions wasm blocks do not; JS compiles tried. */
  jsBlocks = 0;
  jsTried = 0;
  /** Blocks compiled into one module at most (MAX_BATCH unless a benchmark sets another). */
  maxBatch = MAX_BATCH;
}

const align = (v: number, a: number) => Math.ceil(v / a) * a;

// Locals of a block function: parameters first.
const P_X = 0,
  P_B = 1,
  P_WR = 2,
  P_TL = 3,
  P_BL = 4,
  P_TS = 5,
  P_BS = 6,
  L_N = 7,
  L_CNT = 8,
  L_BAIL = 9,
  L_S = 10,
  L_PC = 11,
  L_VA = 12,
  L_VP = 13,
  L_A = 14;
const R = (r: number) => 14 + r;
/** After the registers: which entry of a block that loops into its middle the next pass starts at. */
const L_E = R(31) + 1;
const LOCALS = [I32, I32, I32, I32, F64, I64, I64, I64, ...new Array(31).fill(I64), I32];

/**
 * The instructions wasm blocks hold: every entry of a kind BlockGen.insn emits (the integer IR, and the integer
 * loads and stores); the scan stops before any other, as block-compiler.ts does before what it cannot hold.
 */
const wasmHolds = (s: Semantic | undefined) =>
  s !== undefined &&
  (s.kind === 'alu' ||
    s.kind === 'branch' ||
    s.kind === 'jump' ||
    ((s.kind === 'load' || s.kind === 'store') && !s.float));
const SUPPORTED = new Set<Op>(
  Array.from({ length: Op.BREAKPOINT + 1 }, (_, op) => op as Op).filter((op) => wasmHolds(semanticsOf(op))),
);

/** Each IR op is one wasm instruction (comparisons leave an i32, as `if` wants). */
const BINARY: Record<Binary, W> = {
  add: W.i64_add,
  sub: W.i64_sub,
  xor: W.i64_xor,
  or: W.i64_or,
  and: W.i64_and,
  shl: W.i64_shl,
  shr_u: W.i64_shr_u,
  shr_s: W.i64_shr_s,
  mul: W.i64_mul,
};
const BINARY32: Record<Binary32, W> = {
  add32: W.i32_add,
  sub32: W.i32_sub,
  shl32: W.i32_shl,
  shr_u32: W.i32_shr_u,
  shr_s32: W.i32_shr_s,
  mul32: W.i32_mul,
};
const COMPARE: Record<CompareOp, W> = {
  eq: W.i64_eq,
  ne: W.i64_ne,
  lt_s: W.i64_lt_s,
  ge_s: W.i64_ge_s,
  lt_u: W.i64_lt_u,
  ge_u: W.i64_ge_u,
};
/** The load of `size` bytes, [zero-extending, sign-extending], and the store. */
const LOADS: Record<number, [W, W]> = {
  1: [W.i64_load8_u, W.i64_load8_s],
  2: [W.i64_load16_u, W.i64_load16_s],
  4: [W.i64_load32_u, W.i64_load32_s],
  8: [W.i64_load, W.i64_load],
};
const STORES: Record<number, W> = { 1: W.i64_store8, 2: W.i64_store16, 4: W.i64_store32, 8: W.i64_store };

/** The operands of the instruction being emitted: register numbers, its immediate's value and its virtual pc. */
interface At {
  rs1: number;
  rs2: number;
  imm: number;
  pc: number;
}

interface Insn {
  op: Op;
  w: number;
  /** Virtual pcs of the instruction and of the next one. */
  pc: number;
  npc: number;
}

/** A block's scan with where it is. */
interface Scanned extends Scan {
  ppc: number;
  vpc: number;
  dvm: boolean;
}

/** Where a scan stopped at an instruction a JS block would compile after a short wasm prefix: JS holds more. */
const prefersJs = (s: Scan) =>
  s.unsupported !== undefined && s.insns.length < SHORT_PREFIX && semanticsOf(s.unsupported) !== undefined;

/**
 * The virtual pcs a block exits to statically (taken branches, a jal's target, the fall-through at its end), and
 * where a call returns to (after a jal or jalr that links): where its successors will start.
 */
function targetsOf(b: Scanned): number[] {
  const out: number[] = [];
  for (const ins of b.insns) {
    const w = ins.w,
      pc = b.vpc + (ins.pc - b.ppc),
      s = semanticsOf(ins.op)!;
    if (s.kind === 'jump') {
      if (((w >>> 7) & 31) !== 0) out.push(b.vpc + (ins.npc - b.ppc));
      if (s.target.op === 'pcImm') out.push(pc + immediate[s.imm](w));
    } else if (s.kind === 'branch') out.push(pc + immediate.B(w));
  }
  if (!b.ended) out.push(b.vpc + (b.end - b.ppc));
  return out;
}

interface Scan {
  insns: Insn[];
  end: number;
  ended: boolean;
  unsupported: Op | undefined;
}

/** Scans the instructions of the block at `ppc` exactly as block-compiler.ts does; `unsupported` is the op it stopped at. */
function scan(src: BlockSource, ppc: number, stopAt: ReadonlySet<number>): Scan {
  const insns: Insn[] = [];
  let unsupported: Op | undefined;
  const pageEnd = pageEndOf(src, ppc);
  let p = ppc;
  let ended = false;
  while (insns.length < MAX_LEN && !ended) {
    if (insns.length > 0 && stopAt.has(p)) break;
    const fetched = fetchWord(src, p, pageEnd);
    if (fetched === null) break;
    const { w, size } = fetched;
    const op = decodeOp(w);
    if (!SUPPORTED.has(op)) {
      unsupported = op;
      break;
    }
    if (semanticsOf(op)!.kind === 'jump') ended = true;
    insns.push({ op, w, pc: p, npc: p + size });
    p += size;
  }
  return { insns, end: p, ended, unsupported };
}

const TWO32 = 4294967296;
const MIN64 = -(1n << 63n);
/** IR values pushed by one wasm instruction (a register or a constant). */
const leaf = (v: Value) => v.op === 'rs1' || v.op === 'rs2' || v.op === 'imm' || v.op === 'pcImm';

/** Generates the function body of one block. */
class BlockGen {
  readonly c = new Code();
  /** Registers read before this block writes them (on the path emitted so far): the prologue loads only these. */
  readonly loaded = new Set<number>();
  /** Registers written by the instructions emitted so far. */
  readonly written = new Set<number>();
  /**
   * Per exit point k (before instruction k; k = len is the end), the registers an exit there stores and the label
   * of the block whose end leads into exactly those stores (see blockFunc).
   */
  stores: ReadonlySet<number>[] = [];
  labels: number[] = [];
  top = 0;
  /**
   * The instructions a static exit of this block may loop back to (by index, with the ordinal of each in the
   * pass's entry switch): the start, and when `multi`, others inside the block too.
   */
  entries = new Map<number, number>([[0, 0]]);
  multi = false;
  /** The index of the instruction at each virtual pc. */
  readonly indexAt = new Map<number, number>();
  constructor(
    /** The helpers the module imports, shared by every block function in it. */
    readonly helpers: Helper[],
    readonly arena: WasmArena,
    readonly src: BlockSource,
    readonly dvm: boolean,
    readonly start: number,
    readonly len: number,
  ) {}

  /** Calls helper `h`, imported from the dispatcher module: imports are numbered in order of first use. */
  call(h: Helper): void {
    let k = this.helpers.indexOf(h);
    if (k < 0) k = this.helpers.push(h) - 1;
    this.c.op(W.call).u(k);
  }

  reg(r: number): void {
    if (r === 0) this.c.i64(0);
    else {
      if (this.multi || !this.written.has(r)) this.loaded.add(r);
      this.c.get(R(r));
    }
  }
  reg32(r: number): void {
    this.reg(r);
    this.c.op(W.i32_wrap_i64);
  }
  /** Pops an i64 into rd; writes to x0 vanish. */
  setReg(rd: number): void {
    if (rd === 0) {
      this.c.op(W.drop);
      return;
    }
    this.written.add(rd);
    if (this.multi) this.loaded.add(rd);
    this.c.set(R(rd));
  }
  setW(rd: number): void {
    this.c.op(W.i64_extend_i32_s);
    this.setReg(rd);
  }
  /**
   * Branches to the stores of exit point k. An exit stores the registers written before it and, in a block that
   * loops, those of a whole pass up to its loop-back: one not yet written on this pass keeps its value from the last
   * pass or, on the first, the one the prologue must then load.
   */
  leave(k: number): void {
    const s = this.stores[k];
    for (const r of this.written)
      if (!s.has(r)) throw new Error(`wasm block: x${r} written before exit point ${k} but not stored there`);
    for (const r of s) if (!this.written.has(r)) this.loaded.add(r);
    this.c.br(this.labels[k]);
  }
  bail(i: number, pc: number): void {
    this.c.get(L_N).i32(i).op(W.i32_add).set(L_CNT).i32(1).set(L_BAIL).f64c(pc).set(L_PC);
    this.leave(i);
  }
  /** Leaves through a static or computed (already in L_PC) exit after instruction `i`; to the start it loops. */
  exit(i: number, target: number | null): void {
    const c = this.c;
    const t = target === null ? undefined : this.indexAt.get(target);
    const entry = t === undefined ? undefined : this.entries.get(t);
    if (target !== null && t !== undefined && entry !== undefined) {
      // L_N counts as if every pass began at instruction 0: entering at t after i + 1 instructions of this pass
      // adds i + 1 - t. The next pass runs at most len - t instructions: it must fit the budget, as the block at
      // the target would have to in the interpreter's chain loop.
      c.get(L_N)
        .i32(i + 1 - t)
        .op(W.i32_add)
        .tee(L_N)
        .i32(this.len)
        .op(W.i32_add)
        .get(P_B)
        .op(W.i32_le_s);
      if (this.multi) {
        c.open(W.if_);
        c.i32(entry).set(L_E).br(this.top);
        c.close();
      } else c.brIf(this.top);
      c.get(L_N);
      if (t !== 0) c.i32(t).op(W.i32_add);
      c.set(L_CNT).f64c(target).set(L_PC);
      return this.leave(i + 1);
    }
    c.get(L_N)
      .i32(i + 1)
      .op(W.i32_add)
      .set(L_CNT);
    if (target !== null) c.f64c(target).set(L_PC);
    this.leave(i + 1);
  }

  /** Leaves the physical RAM offset of the access at rs1 + imm in L_A, or bails out (miss, off RAM, misaligned). */
  address(rs1: number, imm: number, size: number, store: boolean, i: number, pc: number): void {
    const c = this.c;
    const ramBase = this.src.ramBase;
    this.reg(rs1);
    c.i64(imm).op(W.i64_add);
    if (this.dvm) {
      c.tee(L_VA).i64(12).op(W.i64_shr_s).tee(L_VP);
      c.op(W.i32_wrap_i64).i32(255).op(W.i32_and).i32(3).op(W.i32_shl).tee(L_S);
      c.get(store ? P_TS : P_TL)
        .op(W.i32_add)
        .mem(W.f64_load, 3);
      c.get(L_VP).op(W.f64_convert_i64_s).op(W.f64_ne).open(W.if_);
      this.bail(i, pc);
      c.close();
      c.get(L_S)
        .get(store ? P_BS : P_BL)
        .op(W.i32_add)
        .mem(W.f64_load, 3)
        .op(W.i64_trunc_f64_s);
      c.get(L_VA).i64(4095).op(W.i64_and).op(W.i64_add);
    }
    c.i64(ramBase)
      .op(W.i64_sub)
      .tee(L_A)
      .i64(this.src.ramSize - 8)
      .op(W.i64_gt_u);
    if (size > 1)
      c.get(L_A)
        .op(W.i32_wrap_i64)
        .i32(size - 1)
        .op(W.i32_and)
        .op(W.i32_or);
    if (!store) c.get(P_WR).op(W.i32_or);
    c.open(W.if_);
    this.bail(i, pc);
    c.close();
    if (store) {
      // The fast path takes a store only to a page whose flags are exactly DIRTY (not code, watched, reserved).
      c.get(L_A).op(W.i32_wrap_i64).i32(12).op(W.i32_shr_u).mem(W.i32_load8_u, 0, this.arena.pageFlagsOffset);
      c.i32(1).op(W.i32_ne).open(W.if_);
      this.bail(i, pc);
      c.close();
    }
  }

  /** Code for instruction `k` of the block from its entry in the semantic table (SUPPORTED holds only these kinds). */
  insn(k: number, ins: Insn): void {
    const s = semanticsOf(ins.op)!;
    const { w } = ins;
    const c = this.c;
    const pc = this.v(ins.pc),
      npc = this.v(ins.npc);
    const rd = (w >>> 7) & 31;
    const at: At = { rs1: (w >>> 15) & 31, rs2: (w >>> 20) & 31, imm: 0, pc };
    switch (s.kind) {
      case 'alu':
        if (s.value === null) return;
        at.imm = s.imm ? immediate[s.imm](w) : 0;
        this.value(s.value, at);
        return this.setReg(rd);
      case 'branch':
        this.cond(s.cond, at);
        c.open(W.if_);
        this.exit(k, pc + immediate.B(w));
        c.close();
        return;
      case 'jump': {
        at.imm = immediate[s.imm](w);
        const target = this.target(s.target, at);
        c.i64(i64Of(npc));
        this.setReg(rd);
        return this.exit(k, target);
      }
      case 'load':
        this.address(at.rs1, immediate.I(w), s.size, false, k, pc);
        c.get(L_A)
          .op(W.i32_wrap_i64)
          .mem(LOADS[s.size][s.signed ? 1 : 0], Math.log2(s.size));
        return this.setReg(rd);
      case 'store':
        this.address(at.rs1, immediate.S(w), s.size, true, k, pc);
        c.get(L_A).op(W.i32_wrap_i64);
        this.reg(at.rs2);
        c.mem(STORES[s.size], Math.log2(s.size));
        return;
      default:
        throw new Error(`wasm block: no code for the ${s.kind} entry of op ${ins.op}`);
    }
  }

  /** Pushes IR value `v` as an i64. */
  private value(v: Value, at: At): void {
    const c = this.c;
    switch (v.op) {
      case 'rs1':
        return this.reg(at.rs1);
      case 'rs2':
        return this.reg(at.rs2);
      case 'imm':
        c.i64(at.imm);
        return;
      case 'pcImm':
        c.i64(i64Of(at.pc + at.imm));
        return;
      case 'sext32':
        this.word(v.a, at);
        c.op(W.i64_extend_i32_s);
        return;
      case 'call':
        if (leaf(v.a) && leaf(v.b) && this.divide(v.fn, v.a, v.b, at)) return;
        this.value(v.a, at);
        this.value(v.b, at);
        return this.call(v.fn);
      case 'eq':
      case 'ne':
      case 'lt_s':
      case 'ge_s':
      case 'lt_u':
      case 'ge_u':
        this.cond(v, at);
        c.op(W.i64_extend_i32_u);
        return;
      default:
        this.value(v.a, at);
        this.value(v.b, at);
        c.op(BINARY[v.op]);
    }
  }

  /**
   * Division and remainder inline, with RISC-V's results for a zero divisor and for overflow exactly as the
   * helpers of wasm-dispatch.ts give them (a call into another instance costs more than the division). Only for
   * operands that are leaves, pushed again for each use; false for the high multiplies, which stay calls.
   */
  private divide(fn: Call, a: Value, b: Value, at: At): boolean {
    const c = this.c;
    const A = () => this.value(a, at),
      B = () => this.value(b, at),
      a32 = () => this.low(a, at),
      b32 = () => this.low(b, at);
    const sext = () => c.op(W.i64_extend_i32_s);
    switch (fn) {
      case 'div':
        B();
        c.op(W.i64_eqz).open(W.if_, I64);
        c.i64(-1).op(W.else_);
        A();
        c.i64(MIN64).op(W.i64_eq);
        B();
        c.i64(-1).op(W.i64_eq).op(W.i32_and).open(W.if_, I64);
        A();
        c.op(W.else_);
        A();
        B();
        c.op(W.i64_div_s).close().close();
        return true;
      case 'divu':
        B();
        c.op(W.i64_eqz).open(W.if_, I64);
        c.i64(-1).op(W.else_);
        A();
        B();
        c.op(W.i64_div_u).close();
        return true;
      case 'rem':
        B();
        c.op(W.i64_eqz).open(W.if_, I64);
        A();
        c.op(W.else_);
        B();
        c.i64(-1).op(W.i64_eq).open(W.if_, I64);
        c.i64(0).op(W.else_);
        A();
        B();
        c.op(W.i64_rem_s).close().close();
        return true;
      case 'remu':
        B();
        c.op(W.i64_eqz).open(W.if_, I64);
        A();
        c.op(W.else_);
        A();
        B();
        c.op(W.i64_rem_u).close();
        return true;
      case 'divw':
        b32();
        c.op(W.i32_eqz).open(W.if_, I64);
        c.i64(-1).op(W.else_);
        a32();
        c.i32(-0x80000000).op(W.i32_eq);
        b32();
        c.i32(-1).op(W.i32_eq).op(W.i32_and).open(W.if_, I64);
        c.i64(-0x80000000).op(W.else_);
        a32();
        b32();
        c.op(W.i32_div_s);
        sext();
        c.close().close();
        return true;
      case 'divuw':
        b32();
        c.op(W.i32_eqz).open(W.if_, I64);
        c.i64(-1).op(W.else_);
        a32();
        b32();
        c.op(W.i32_div_u);
        sext();
        c.close();
        return true;
      case 'remw':
        b32();
        c.op(W.i32_eqz).open(W.if_, I64);
        a32();
        sext();
        c.op(W.else_);
        b32();
        c.i32(-1).op(W.i32_eq).open(W.if_, I64);
        c.i64(0).op(W.else_);
        a32();
        b32();
        c.op(W.i32_rem_s);
        sext();
        c.close().close();
        return true;
      case 'remuw':
        b32();
        c.op(W.i32_eqz).open(W.if_, I64);
        a32();
        sext();
        c.op(W.else_);
        a32();
        b32();
        c.op(W.i32_rem_u);
        sext();
        c.close();
        return true;
      default:
        return false;
    }
  }

  /** Pushes the low word of IR value `v` as an i32. */
  private low(v: Value, at: At): void {
    if (v.op === 'imm') this.c.i32(at.imm);
    else if (v.op === 'sext32') this.word(v.a, at);
    else {
      this.value(v, at);
      this.c.op(W.i32_wrap_i64);
    }
  }

  /** Pushes IR word `v` as an i32 (wasm takes 32-bit shift amounts modulo 32, as the IR does). */
  private word(v: Word, at: At): void {
    this.low(v.a, at);
    this.low(v.b, at);
    this.c.op(BINARY32[v.op]);
  }

  /** Pushes IR comparison `v` as an i32, 0 or 1. */
  private cond(v: Compare, at: At): void {
    this.value(v.a, at);
    this.value(v.b, at);
    this.c.op(COMPARE[v.op]);
  }

  /** A jump's target: a static pc, or null after leaving a computed one in L_PC. */
  private target(t: Target, at: At): number | null {
    if (t.op === 'pcImm') return at.pc + at.imm;
    // rs1 + imm with bit 0 cleared, in doubles as JS blocks compute it, rounding included:
    // hi * 2^32 + lo + imm - ((lo + imm) & 1). Below 2^52 in magnitude every step of that is exact, and so is
    // the integer sum converted once: the common case takes that.
    const c = this.c;
    this.reg(at.rs1);
    c.i64(2 ** 52)
      .op(W.i64_add)
      .i64(2 ** 53)
      .op(W.i64_lt_u)
      .open(W.if_);
    this.reg(at.rs1);
    c.i64(at.imm).op(W.i64_add).i64(-2).op(W.i64_and).op(W.f64_convert_i64_s).set(L_PC);
    c.op(W.else_);
    this.reg(at.rs1);
    c.i64(32).op(W.i64_shr_s).op(W.i32_wrap_i64).op(W.f64_convert_i32_s).f64c(TWO32).op(W.f64_mul);
    this.reg32(at.rs1);
    c.op(W.f64_convert_i32_u).op(W.f64_add).f64c(at.imm).op(W.f64_add);
    this.reg32(at.rs1);
    c.i32(at.imm).op(W.i32_add).i32(1).op(W.i32_and).op(W.f64_convert_i32_u).op(W.f64_sub).set(L_PC);
    c.close();
    return null;
  }

  /** Virtual pc of physical `p`. */
  v = (p: number) => p;
}

/**
 * Blocks as compileBlock builds them, one WebAssembly function each, all in one module, installed in the arena's
 * table; null when the table has no room for them all.
 */
function compileWasmBlocks(arena: WasmArena, src: BlockSource, batch: Scanned[]): Block[] | null {
  if (!arena.hasRoom(batch.length)) return null;
  const helpers: Helper[] = [];
  const funcs = batch.map((s, k) => blockFunc(arena, src, s, helpers, 'b' + k));
  const bytes = encodeModule({ imports: helpers.map((name) => ({ name, ...HELPER_SIG })), funcs });
  arena.modules++;
  arena.moduleBytes += bytes.length;
  arena.moduleBlocks += batch.length;
  const exports = arena.instantiate(bytes);
  return batch.map((s, k) => arena.install(exports['b' + k], s.ppc, s.end, s.vpc, s.dvm, s.insns.length)!);
}

/** The function of one block (exported as `name`), its helpers added to `helpers`. */
function blockFunc(arena: WasmArena, src: BlockSource, s: Scanned, helpers: Helper[], name: string) {
  const { insns, end, ended, ppc, vpc, dvm } = s;
  const len = insns.length;
  const g = new BlockGen(helpers, arena, src, dvm, vpc, len);
  g.v = (p) => vpc + (p - ppc);
  const c = g.c;
  // The exits store only what the block wrote before them. Their register sets only grow along the block, so
  // they nest: one wasm block per distinct set, the largest innermost; an exit branches out of the block of its
  // set, and the code after each block's end stores what its set adds to the next smaller one, then falls into
  // the stores of the smaller sets.
  insns.forEach((ins, k) => g.indexAt.set(g.v(ins.pc), k));
  // Static exits into the block itself (other than its start) loop too, through a switch on the entry at the top
  // of each pass. Such a pass may skip writes, so every exit of such a block stores all it writes and the
  // prologue loads every register it touches.
  const inner = innerTargets(insns, g.v).filter((t) => t > 0);
  g.multi = inner.length > 0;
  g.entries = new Map([0, ...inner].map((t, j) => [t, j]));
  g.stores = g.multi ? insns.map(() => allWrites(insns)).concat([allWrites(insns)]) : exitStores(insns, g.v, vpc);
  const sizes = [...new Set(g.stores.map((s) => s.size))];
  const labelOf = new Map(sizes.map((n) => [n, c.open(W.block)]));
  g.labels = g.stores.map((s) => labelOf.get(s.size)!);
  g.top = c.open(W.loop);
  if (g.multi) {
    // One block per entry, the start innermost: the switch leaves the block of the entry it takes, and the code
    // after that block's end is the entry's instruction.
    for (let j = 0; j < g.entries.size; j++) c.open(W.block);
    c.get(L_E).op(W.br_table).u(g.entries.size);
    for (let j = 0; j < g.entries.size; j++) c.u(j);
    c.u(0);
    c.close();
  }
  insns.forEach((ins, k) => {
    if (k > 0 && g.multi && g.entries.has(k)) c.close();
    g.insn(k, ins);
  });
  if (!ended) c.get(L_N).i32(len).op(W.i32_add).set(L_CNT).f64c(g.v(end)).set(L_PC);
  // The fall-through at the end stores the largest set: it leaves the loop and the innermost block.
  c.close();
  const bySize = new Map(g.stores.map((s) => [s.size, s]));
  for (let j = sizes.length - 1; j >= 0; j--) {
    c.close();
    const smaller = j > 0 ? bySize.get(sizes[j - 1])! : new Set<number>();
    for (const r of [...bySize.get(sizes[j])!].filter((r) => !smaller.has(r)).sort((a, b) => a - b))
      c.get(P_X)
        .get(R(r))
        .mem(W.i64_store, 3, 8 * r);
  }
  c.i32(arena.resultOffset).get(L_PC).mem(W.f64_store, 3);
  c.i32(arena.resultOffset).get(L_BAIL).mem(W.i32_store, 2, 8);
  c.get(L_CNT);
  // Registers the block uses enter as locals; the prologue goes in front of the body.
  const pro = new Code();
  for (const r of [...g.loaded].sort((a, b) => a - b))
    pro
      .get(P_X)
      .mem(W.i64_load, 3, 8 * r)
      .set(R(r));
  return { ...BLOCK_SIG, locals: LOCALS, prologue: pro, body: c, export: name };
}

/** The register instruction `ins` writes (BlockGen.setReg's rd), or 0 for none. */
function writes(ins: Insn): number {
  const s = semanticsOf(ins.op)!;
  const rd = (ins.w >>> 7) & 31;
  return (s.kind === 'alu' && s.value !== null) || s.kind === 'jump' || s.kind === 'load' ? rd : 0;
}

/** Every register the block writes. */
const allWrites = (insns: Insn[]) => new Set(insns.map(writes).filter((r) => r !== 0));

/** Indices of the instructions that a branch or pc-relative jump of the block goes to, sorted. */
function innerTargets(insns: Insn[], v: (p: number) => number): number[] {
  const at = new Map(insns.map((ins, k) => [v(ins.pc), k]));
  const out = new Set<number>();
  for (const ins of insns) {
    const s = semanticsOf(ins.op)!;
    const pc = v(ins.pc);
    const t =
      s.kind === 'branch'
        ? pc + immediate.B(ins.w)
        : s.kind === 'jump' && s.target.op === 'pcImm'
          ? pc + immediate[s.imm](ins.w)
          : undefined;
    const k = t === undefined ? undefined : at.get(t);
    if (k !== undefined) out.add(k);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * For each exit point k of a block (0..len: before instruction k, len the end), the registers an exit there
 * stores: those instructions 0..k-1 write and, when the block loops back to its start, those of the instructions up
 * to its last loop-back (an earlier exit may come on a later pass). Each set holds the one before it.
 */
export function exitStores(insns: Insn[], v: (p: number) => number, vpc: number): Set<number>[] {
  let back = -1;
  insns.forEach((ins, k) => {
    const s = semanticsOf(ins.op)!;
    const pc = v(ins.pc);
    if (s.kind === 'branch' && pc + immediate.B(ins.w) === vpc) back = k;
    if (s.kind === 'jump' && s.target.op === 'pcImm' && pc + immediate[s.imm](ins.w) === vpc) back = k;
  });
  const loop = new Set<number>();
  for (let k = 0; k <= back; k++) loop.add(writes(insns[k]));
  const out: Set<number>[] = [];
  const acc = new Set(loop);
  for (let k = 0; k <= insns.length; k++) {
    acc.delete(0);
    out.push(new Set(acc));
    if (k < insns.length) acc.add(writes(insns[k]));
  }
  return out;
}

const MAX_BUDGET = 0x7fffffff;

/**
 * A compiled wasm block: its link fields and validity are mirrored into its link record in the arena, where the
 * dispatcher reads them, and its run count lives there (the dispatcher counts the blocks it chains past).
 */
export class WasmBlock implements Block {
  readonly fn: BlockFn;
  private p0 = NaN;
  private p1 = NaN;
  private t0: Block | null = null;
  private t1: Block | null = null;
  private deadRuns = 0;
  startBails = 0;

  constructor(
    readonly arena: WasmArena,
    /** Its table index and the serial that makes links to it valid (indices are reused, serials are not). */
    readonly index: number,
    readonly serial: number,
    readonly start: number,
    readonly end: number,
    readonly vpc: number,
    readonly dvm: boolean,
    readonly len: number,
  ) {
    this.fn = blockFunction(arena, index, dvm);
  }

  private get live(): boolean {
    return this.arena.recI32[((this.index * REC_BYTES) >> 2) + (Rec.tag >> 2)] === this.serial;
  }
  get valid(): boolean {
    return this.live;
  }
  set valid(v: boolean) {
    if (v || !this.live) return;
    this.deadRuns = this.runs;
    this.arena.release(this);
  }
  get runs(): number {
    return this.live ? this.arena.recI32[((this.index * REC_BYTES) >> 2) + (Rec.runs >> 2)] : this.deadRuns;
  }
  set runs(v: number) {
    if (this.live) this.arena.recI32[((this.index * REC_BYTES) >> 2) + (Rec.runs >> 2)] = v;
    else this.deadRuns = v;
  }
  // The interpreter's link() sets a pc and then its target: the record is written with the target.
  get pc0(): number {
    return this.p0;
  }
  set pc0(v: number) {
    this.p0 = v;
  }
  get pc1(): number {
    return this.p1;
  }
  set pc1(v: number) {
    this.p1 = v;
  }
  get to0(): Block | null {
    return this.t0;
  }
  set to0(b: Block | null) {
    this.t0 = b;
    if (this.live) this.arena.writeLink(this, 0, this.p0, b);
  }
  get to1(): Block | null {
    return this.t1;
  }
  set to1(b: Block | null) {
    this.t1 = b;
    if (this.live) this.arena.writeLink(this, 1, this.p1, b);
  }
}

/**
 * The BlockFn of the block at table index `index`: one call of the dispatcher, which runs it and the wasm blocks
 * linked after it. Views in the arena go by address, others are copied through scratch. The addresses are cached
 * per register file and TLB: reading a view's buffer and byteOffset on every call cost more than the block itself
 * (the interpreter sets the four TLB arrays together, from one hart's MMU).
 */
function blockFunction(arena: WasmArena, index: number, dvm: boolean): BlockFn {
  const a = arena,
    pc = arena.resultPc,
    bail = arena.resultBail,
    d = dvm ? 1 : 0;
  return (c: BlockContext) => {
    if (c.x !== a.seenX || c.tl !== a.seenTl) a.see(c);
    const b = c.budget > MAX_BUDGET ? MAX_BUDGET : c.budget;
    if (a.xAt >= 0 && (!dvm || a.tlAt >= 0)) {
      const iv = c.ivm ? 1 : 0;
      c.count = a.run(index, a.xAt, b, c.wr ? 1 : 0, a.tlAt, a.blAt, a.tsAt, a.bsAt, d, iv, dvm ? a.ftAt : -1, a.fbAt);
    } else {
      const x = c.x,
        sx = a.scratchX,
        st = a.scratchTlb;
      sx.set(x);
      if (dvm) [c.tl, c.bl, c.ts, c.bs].forEach((t, k) => st[k].fill(-1).set(t.subarray(0, 256)));
      const s0 = st[0].byteOffset,
        s1 = st[1].byteOffset,
        s2 = st[2].byteOffset,
        s3 = st[3].byteOffset;
      // No fetch TLB in the arena here: the dispatcher stays within a virtual page.
      c.count = a.run(index, sx.byteOffset, b, c.wr ? 1 : 0, s0, s1, s2, s3, d, c.ivm ? 1 : 0, -1, -1);
      x.set(sx);
    }
    c.bail = bail[0];
    c.pc = pc[0];
    const calls = a.lastCalls();
    if (calls !== 1) {
      c.calls = calls;
      c.last = a.lastBlock();
      c.lastCount = a.lastCount();
    }
  };
}
