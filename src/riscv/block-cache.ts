// The one home of compiled blocks: it owns them per physical RAM page, counts heat, decides when to compile, links
// blocks to their successors and invalidates them when memory calls it on a store to code (or a restore, or an edit).

import { Block, BlockContext, BlockSource, compileBlock } from './block-compiler';

/** How many times the interpreter reaches a pc before it compiles a block there. */
export const HOT = 30000;
/**
 * A block that bails out before its first instruction this many times, in at least half of its calls, is dropped and
 * its slot left to the interpreter: such a block (a misaligned or MMIO access at its start, say) costs a call and does
 * no work.
 */
export const DEMOTE_BAILS = 16;
/**
 * A not yet compiled static successor of a block being compiled, in the same page, is compiled with it when the
 * interpreter reached it at least hot / WARM_DIVISOR times: it is warm and will soon be hot itself.
 */
export const WARM_DIVISOR = 8;
const PAGE = 4096;

/**
 * Counters of what the block cache and the dispatch loop did, to find where compiled code loses time (bench/README.md,
 * "Block cache"). Plain number fields bumped outside the hot paths: instruction counts are added once per execute().
 */
export class BlockStats {
  /** Blocks compiled, and arrivals whose first instruction cannot be compiled. */
  compiled = 0;
  /** Of those compiled, the ones built as warm successors of another, in its module (Successors). */
  batched = 0;
  uncompilable = 0;
  /** Compiles in a slot whose block had another translation context (virtual pc or data translation). */
  contextMisses = 0;
  /** invalidate() calls (stores to code pages, breakpoint edits) and the blocks they dropped. */
  invalidations = 0;
  killed = 0;
  /** invalidateAll() calls (snapshot restores, unmapped breakpoints). */
  flushes = 0;
  /** Compiled-function calls, and those that bailed out before an instruction they cannot do. */
  calls = 0;
  bails = 0;
  /** Calls that bailed out before their first instruction, and blocks dropped for doing so (DEMOTE_BAILS). */
  startBails = 0;
  demoted = 0;
  /** execute() calls: the dispatch loop's entries (each slice, and each return after a CSR write, wfi, mret...). */
  entries = 0;
  /** Instructions retired inside blocks and by the interpreter. */
  inBlocks = 0;
  interpreted = 0;
}

/**
 * Builds a block (block-compiler.ts's compileBlock, or the WebAssembly backend's, wasm-block.ts). A backend that
 * builds several blocks at once may also build those of `successors` it is offered and wanted.
 */
export type BlockCompiler = (
  src: BlockSource,
  ppc: number,
  vpc: number,
  dvm: boolean,
  stopAt: ReadonlySet<number>,
  successors?: Successors,
) => Block | null;

/** The block cache's side of a batch compile: which successor blocks it wants, and where they go. */
export interface Successors {
  /** Whether a block at physical `ppc` (virtual `vpc`, the same translation) is wanted now. */
  want(ppc: number, vpc: number): boolean;
  /** Installs a block built for a wanted pc. */
  add(blk: Block): void;
}

export class BlockCache {
  /** Compiled blocks per RAM page, indexed by halfword slot: undefined = not yet, null = not compilable. */
  readonly pages: (Block | null | undefined)[][];
  /** Per RAM page, how often the interpreter reached each halfword slot without a matching block. */
  readonly heat: Uint16Array[];
  /** Every block of each page, to find the ones a store overlaps. */
  private readonly lists: Block[][];
  readonly stats = new BlockStats();
  /** Arrivals before a compile (HOT unless a benchmark or test sets another). */
  hot = HOT;
  /** A successor is warm, and compiled with the block being compiled, from hot / warmDivisor arrivals (WARM_DIVISOR). */
  warmDivisor = WARM_DIVISOR;
  /** The one argument every compiled block takes (the machine runs one hart at a time). */
  readonly ctx: BlockContext;

  constructor(
    private readonly src: BlockSource,
    private readonly compile: BlockCompiler = compileBlock,
  ) {
    this.ctx = new BlockContext(src);
    const pages = src.ramSize / PAGE;
    this.pages = new Array(pages);
    this.heat = new Array(pages);
    this.lists = new Array(pages);
  }

  /** Makes page `pg` able to hold blocks (called when the interpreter first decodes code there). */
  openPage(pg: number): void {
    if (this.pages[pg]) return;
    this.pages[pg] = new Array(PAGE / 2).fill(undefined);
    this.heat[pg] = new Uint16Array(PAGE / 2);
    this.lists[pg] = [];
  }

  /**
   * Compiles a block at `ppc` (virtual `vpc`, data translated or not), called by the interpreter once its heat there
   * reached `hot` (the interpreter counts arrivals in `heat` itself, inline). Returns the new block, or undefined when
   * it cannot be compiled.
   */
  arrive(pg: number, ppc: number, vpc: number, dvm: boolean, stopAt: ReadonlySet<number>): Block | undefined {
    const slot = (ppc & (PAGE - 1)) >> 1;
    const page = this.pages[pg];
    this.heat[pg][slot] = 0;
    this.stopAt = stopAt;
    const blk = stopAt.has(ppc) ? null : this.compile(this.src, ppc, vpc, dvm, stopAt, this.successors);
    const old = page[slot];
    if (old) {
      old.valid = false;
      this.stats.contextMisses++;
    }
    if (blk === null) {
      this.stats.uncompilable++;
      // Another translation context compiled here before: keep trying for this one later, but never for nothing.
      page[slot] = old === undefined ? null : undefined;
      return undefined;
    }
    page[slot] = blk;
    this.lists[pg].push(blk);
    this.stats.compiled++;
    return blk;
  }

  /** The breakpoints of the compile under way (successors must not start at one). */
  private stopAt: ReadonlySet<number> = new Set();
  private readonly successors: Successors = {
    want: (ppc: number) => {
      const off = ppc - this.src.ramBase,
        pg = Math.floor(off / PAGE);
      if (off < 0 || off >= this.src.ramSize || !this.pages[pg] || this.stopAt.has(ppc)) return false;
      const slot = (off & (PAGE - 1)) >> 1;
      return this.pages[pg][slot] === undefined && this.heat[pg][slot] * this.warmDivisor >= this.hot;
    },
    add: (blk: Block) => {
      const off = blk.start - this.src.ramBase,
        pg = Math.floor(off / PAGE),
        slot = (off & (PAGE - 1)) >> 1;
      if (this.pages[pg][slot] !== undefined) {
        // Another translation context got there first in this batch: this one is never reached, drop it.
        blk.valid = false;
        return;
      }
      this.heat[pg][slot] = 0;
      this.pages[pg][slot] = blk;
      this.lists[pg].push(blk);
      this.stats.compiled++;
      this.stats.batched++;
    },
  };

  /** Called when `blk` bailed out before its first instruction; demotes its slot to the interpreter when it keeps doing so. */
  bailedAtStart(blk: Block): void {
    this.stats.startBails++;
    if (++blk.startBails < DEMOTE_BAILS || blk.startBails * 2 < blk.runs) return;
    const off = blk.start - this.src.ramBase,
      pg = Math.floor(off / PAGE),
      slot = (off & (PAGE - 1)) >> 1;
    const page = this.pages[pg];
    if (page[slot] === blk) page[slot] = null;
    blk.valid = false;
    const list = this.lists[pg],
      k = list.indexOf(blk);
    if (k >= 0) list.splice(k, 1);
    this.stats.demoted++;
  }

  /** Drops every block that holds any of the bytes [addr, addr + size) (physical), and forgets their heat. */
  invalidate(addr: number, size: number): void {
    this.stats.invalidations++;
    const base = this.src.ramBase;
    const lo = Math.max(0, addr - base - 2),
      hi = Math.min(this.src.ramSize, addr - base + size);
    for (let o = lo & ~1; o < hi; o += 2) {
      const pg = Math.floor(o / PAGE);
      const page = this.pages[pg];
      if (!page) continue;
      page[(o & (PAGE - 1)) >> 1] = undefined;
      this.heat[pg][(o & (PAGE - 1)) >> 1] = 0;
    }
    const a = addr,
      b = addr + size;
    for (let pg = Math.floor(lo / PAGE); pg <= Math.floor(Math.max(lo, hi - 1) / PAGE); pg++) {
      const list = this.lists[pg];
      if (!list || list.length === 0) continue;
      for (let k = list.length - 1; k >= 0; k--) {
        const blk = list[k];
        if (blk.start < b && a < blk.end) {
          blk.valid = false;
          this.stats.killed++;
          const slot = ((blk.start - base) & (PAGE - 1)) >> 1;
          if (this.pages[pg][slot] === blk) this.pages[pg][slot] = undefined;
          list.splice(k, 1);
        }
      }
    }
  }

  /** Drops every block (after a snapshot restore rewrote much of RAM). */
  invalidateAll(): void {
    this.stats.flushes++;
    for (let pg = 0; pg < this.pages.length; pg++) {
      if (!this.pages[pg]) continue;
      for (const blk of this.lists[pg]) blk.valid = false;
      this.pages[pg].fill(undefined);
      this.heat[pg].fill(0);
      this.lists[pg].length = 0;
    }
  }

  /** Blocks currently installed (for tests and benchmarks). */
  get size(): number {
    let n = 0;
    for (const list of this.lists) if (list) n += list.length;
    return n;
  }

  /** Installed blocks whose data accesses go through the Sv39 TLB (for tests). */
  get translatedSize(): number {
    let n = 0;
    for (const list of this.lists) if (list) for (const b of list) if (b.dvm) n++;
    return n;
  }

  /** Blocks compiled since the machine was built. */
  get compiledTotal(): number {
    return this.stats.compiled;
  }
}
