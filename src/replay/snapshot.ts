// Snapshots: the machine state plus RAM as 4 KiB copy-on-write pages. A snapshot shares every page that did not
// change since the previous one, so taking one costs the pages dirtied since then, and restoring one rewrites
// only the pages that differ from what RAM holds now.

import type { Machine } from '../machine/machine';
import { PAGE_SIZE, PAGE_SHIFT } from '../riscv/bus';
import { DirtyPages } from './dirty';
import { MachineState, restoreMachine, saveMachine } from './state';

export interface Snapshot {
  readonly position: number;
  readonly state: MachineState;
  /** One entry per RAM page; undefined is a page of zeros. Shared with other snapshots. */
  readonly pages: (Uint8Array | undefined)[];
  /** 'spine' snapshots are the periodic, thinned ones; 'local' ones are taken near the cursor. */
  kind: 'spine' | 'local';
}

/** Above this many pages to rewrite, dropping every decoded block is cheaper than dropping them page by page. */
const BULK_INVALIDATE = 64;

export class SnapshotStore {
  readonly list: Snapshot[] = [];
  private readonly dirty: Uint8Array;
  /** The snapshot RAM equals, apart from the pages marked in `dirty`. */
  private base: Snapshot | undefined;
  private readonly refs = new Map<Uint8Array, number>();
  private readonly pageCount: number;

  /** Create it before anything clears the machine's DIRTY flags: the first snapshot relies on them. */
  constructor(
    private readonly m: Machine,
    dirtyPages: DirtyPages,
    private readonly onRestore: (s: Snapshot) => void = () => {},
  ) {
    this.dirty = dirtyPages.consumer();
    this.pageCount = m.memory.pageFlags.length;
    this.collect = () => dirtyPages.collect();
  }

  private readonly collect: () => void;

  /** Bytes held: distinct page copies plus each snapshot's page table. */
  get bytes(): number {
    return this.refs.size * PAGE_SIZE + this.list.length * (this.pageCount * 8 + 4096);
  }

  /** Takes a snapshot of the machine as it is now (between instructions). */
  take(kind: 'spine' | 'local'): Snapshot {
    this.collect();
    const ram8 = this.m.memory.ram8,
      dirty = this.dirty,
      base = this.base;
    const pages = new Array<Uint8Array | undefined>(this.pageCount);
    for (let pg = 0; pg < this.pageCount; pg++) {
      let page: Uint8Array | undefined;
      if (dirty[pg]) {
        dirty[pg] = 0;
        const off = pg << PAGE_SHIFT;
        page = ram8.slice(off, off + PAGE_SIZE);
      } else page = base?.pages[pg]; // without a base, a page never written since the machine was built is zeros
      if (page) {
        pages[pg] = page;
        this.refs.set(page, (this.refs.get(page) ?? 0) + 1);
      }
    }
    const s: Snapshot = { position: this.m.position, state: saveMachine(this.m), pages, kind };
    const at = this.list.findIndex((o) => o.position > s.position);
    if (at < 0) this.list.push(s);
    else this.list.splice(at, 0, s);
    this.base = s;
    return s;
  }

  /** Puts the machine back in the state of `s`. */
  restore(s: Snapshot): void {
    this.collect();
    const mem = this.m.memory,
      ram8 = mem.ram8,
      dirty = this.dirty,
      base = this.base;
    const changed: number[] = [];
    for (let pg = 0; pg < this.pageCount; pg++) {
      const want = s.pages[pg];
      if (!dirty[pg] && base && base.pages[pg] === want) continue;
      dirty[pg] = 0;
      const off = pg << PAGE_SHIFT;
      if (want) ram8.set(want, off);
      else ram8.fill(0, off, off + PAGE_SIZE);
      changed.push(pg);
    }
    if (changed.length > BULK_INVALIDATE) mem.invalidateAllCode();
    else
      for (const pg of changed) if (mem.codePages[pg]) mem.invalidateCode(mem.ramBase + (pg << PAGE_SHIFT), PAGE_SIZE);
    restoreMachine(this.m, s.state);
    this.base = s;
    this.onRestore(s);
  }

  /** The latest snapshot at or before `position`. */
  nearest(position: number): Snapshot | undefined {
    let best: Snapshot | undefined;
    for (const s of this.list) {
      if (s.position <= position) best = s;
      else break;
    }
    return best;
  }

  drop(s: Snapshot): void {
    const k = this.list.indexOf(s);
    if (k < 0) return;
    this.list.splice(k, 1);
    for (const page of s.pages) {
      if (!page) continue;
      const n = (this.refs.get(page) ?? 1) - 1;
      if (n === 0) this.refs.delete(page);
      else this.refs.set(page, n);
    }
    // The base's pages stay valid even when it is dropped: RAM still equals them apart from the dirty pages.
  }
}
