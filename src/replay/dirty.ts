// Which RAM pages were written since a consumer last looked. The machine sets PAGE.DIRTY on stores; the replay
// engine owns clearing it, and folds it into one bitmap per consumer (checksums, snapshots) so each sees every write.

import type { Memory } from '../machine/memory';
import { PAGE } from '../riscv/bus';

export class DirtyPages {
  private readonly consumers: Uint8Array[] = [];

  constructor(private readonly memory: Memory) {}

  /** A bitmap (one byte per page) that collect() keeps up to date; its owner clears entries it has used. */
  consumer(): Uint8Array {
    const b = new Uint8Array(this.memory.pageFlags.length);
    this.consumers.push(b);
    return b;
  }

  /**
   * Moves DIRTY flags into every consumer. Clearing DIRTY only sends the next store to that page through the
   * store slow path once, which sets it again.
   */
  collect(): void {
    // Memory lists the pages it flagged DIRTY, so this costs in proportion to the pages written, not to RAM.
    const pf = this.memory.pageFlags,
      cs = this.consumers,
      list = this.memory.dirtyList;
    for (let k = 0; k < list.length; k++) {
      const pg = list[k];
      if ((pf[pg] & PAGE.DIRTY) === 0) continue;
      pf[pg] &= ~PAGE.DIRTY;
      for (let c = 0; c < cs.length; c++) cs[c][pg] = 1;
    }
    list.length = 0;
  }
}
