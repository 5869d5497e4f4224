// The one home of compiled blocks: it owns them per physical RAM page, counts heat, decides when to compile, links
// blocks to their successors and invalidates them when memory calls it on a store to code (or a restore, or an edit).

import { Block, BlockContext, BlockSource, compileBlock } from './block-compiler';

/** How many times the interpreter reaches a pc before it compiles a block there. */
export const HOT = 16;
const PAGE = 4096;

/** Builds a block (block-compiler.ts's compileBlock, or the WebAssembly backend's, wasm-block.ts). */
export type BlockCompiler = typeof compileBlock;

export class BlockCache {
  /** Compiled blocks per RAM page, indexed by halfword slot: undefined = not yet, null = not compilable. */
  readonly pages: (Block | null | undefined)[][];
  /** Per RAM page, how often the interpreter reached each halfword slot without a matching block. */
  readonly heat: Uint8Array[];
  /** Every block of each page, to find the ones a store overlaps. */
  private readonly lists: Block[][];
  private compiled = 0;
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
    this.heat[pg] = new Uint8Array(PAGE / 2);
    this.lists[pg] = [];
  }

  /**
   * Counts one more arrival at `ppc` (virtual `vpc`, data translated or not) and compiles a block there once it is
   * hot. Returns the new block, or undefined when it is not yet hot or cannot be compiled.
   */
  arrive(pg: number, ppc: number, vpc: number, dvm: boolean, stopAt: ReadonlySet<number>): Block | undefined {
    const slot = (ppc & (PAGE - 1)) >> 1;
    const heat = this.heat[pg];
    if (++heat[slot] < HOT) return undefined;
    heat[slot] = 0;
    const blk = stopAt.has(ppc) ? null : this.compile(this.src, ppc, vpc, dvm, stopAt);
    const page = this.pages[pg];
    const old = page[slot];
    if (old) old.valid = false;
    if (blk === null) {
      // Another translation context compiled here before: keep trying for this one later, but never for nothing.
      page[slot] = old === undefined ? null : undefined;
      return undefined;
    }
    page[slot] = blk;
    this.lists[pg].push(blk);
    this.compiled++;
    return blk;
  }

  /** Drops every block that holds any of the bytes [addr, addr + size) (physical), and forgets their heat. */
  invalidate(addr: number, size: number): void {
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
          const slot = ((blk.start - base) & (PAGE - 1)) >> 1;
          if (this.pages[pg][slot] === blk) this.pages[pg][slot] = undefined;
          list.splice(k, 1);
        }
      }
    }
  }

  /** Drops every block (after a snapshot restore rewrote much of RAM). */
  invalidateAll(): void {
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
    return this.compiled;
  }
}
