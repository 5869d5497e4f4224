// PLIC at 0xC000000 as on QEMU's virt machine: sources with priorities, a context per hart per mode
// (2h = M-mode, 2h+1 = S-mode), enables, thresholds, and claim/complete. It drives MEIP and SEIP.

import type { Device } from './memory';
import { Hart, IRQ } from '../riscv/hart';

export const PLIC_BASE = 0xc000000;
export const PLIC_SOURCES = 96; // as QEMU's virt (VIRT_IRQCHIP_NUM_SOURCES)
export const UART_IRQ = 10;

export class Plic implements Device {
  readonly name = 'plic';
  readonly base = PLIC_BASE;
  readonly size = 0x600000;
  readonly priority = new Uint32Array(PLIC_SOURCES);
  /** Level of each source's interrupt line, as the device drives it. */
  readonly level = new Uint8Array(PLIC_SOURCES);
  /** Pending bits (set from the level, cleared by a claim). */
  readonly pending = new Uint8Array(PLIC_SOURCES);
  /** Sources claimed and not yet completed. */
  readonly claimed = new Uint8Array(PLIC_SOURCES);
  readonly enable: Uint32Array[];
  readonly threshold: Uint32Array;

  constructor(
    private readonly harts: Hart[],
    private readonly changed: () => void,
  ) {
    const contexts = harts.length * 2;
    this.enable = Array.from({ length: contexts }, () => new Uint32Array(PLIC_SOURCES / 32));
    this.threshold = new Uint32Array(contexts);
  }

  /** A device sets or clears its interrupt line. */
  setLevel(source: number, high: boolean): void {
    this.level[source] = high ? 1 : 0;
    // As QEMU's PLIC: pending follows the level of an unclaimed source.
    if (!this.claimed[source]) this.pending[source] = high ? 1 : 0;
    this.update();
  }

  /** The best pending, enabled source above the context's threshold (0 when none). */
  private best(ctx: number): number {
    let best = 0,
      bestPrio = this.threshold[ctx];
    for (let s = 1; s < PLIC_SOURCES; s++) {
      if (!this.pending[s] || this.claimed[s]) continue;
      if ((this.enable[ctx][s >> 5] & (1 << (s & 31))) === 0) continue;
      if (this.priority[s] > bestPrio) {
        best = s;
        bestPrio = this.priority[s];
      }
    }
    return best;
  }

  /** Recomputes MEIP and SEIP for every hart. */
  update(): void {
    for (const h of this.harts) {
      const m = this.best(2 * h.id) !== 0,
        s = this.best(2 * h.id + 1) !== 0;
      h.mipHw = (h.mipHw & ~((1 << IRQ.MEI) | (1 << IRQ.SEI))) | (m ? 1 << IRQ.MEI : 0) | (s ? 1 << IRQ.SEI : 0);
    }
  }

  read(offset: number): bigint {
    if (offset < 0x1000) return BigInt(this.priority[offset >> 2] ?? 0);
    if (offset < 0x1080) {
      const word = (offset - 0x1000) >> 2;
      let v = 0;
      for (let b = 0; b < 32; b++) if (this.pending[word * 32 + b]) v |= 1 << b;
      return BigInt(v >>> 0);
    }
    if (offset >= 0x2000 && offset < 0x200000) {
      const ctx = (offset - 0x2000) >> 7,
        word = ((offset - 0x2000) & 0x7f) >> 2;
      return ctx < this.enable.length && word < this.enable[ctx].length ? BigInt(this.enable[ctx][word]) : 0n;
    }
    if (offset >= 0x200000) {
      const ctx = (offset - 0x200000) >> 12,
        reg = (offset - 0x200000) & 0xfff;
      if (ctx >= this.threshold.length) return 0n;
      if (reg === 0) return BigInt(this.threshold[ctx]);
      if (reg === 4) {
        // claim
        const s = this.best(ctx);
        if (s !== 0) {
          this.pending[s] = 0;
          this.claimed[s] = 1;
          this.update();
          this.changed();
        }
        return BigInt(s);
      }
    }
    return 0n;
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffffffffn);
    if (offset < 0x1000) {
      const s = offset >> 2;
      if (s > 0 && s < PLIC_SOURCES) this.priority[s] = v & 7;
    } else if (offset >= 0x2000 && offset < 0x200000) {
      const ctx = (offset - 0x2000) >> 7,
        word = ((offset - 0x2000) & 0x7f) >> 2;
      if (ctx < this.enable.length && word < this.enable[ctx].length) this.enable[ctx][word] = word === 0 ? v & ~1 : v;
    } else if (offset >= 0x200000) {
      const ctx = (offset - 0x200000) >> 12,
        reg = (offset - 0x200000) & 0xfff;
      if (ctx >= this.threshold.length) return;
      if (reg === 0) this.threshold[ctx] = v & 7;
      else if (reg === 4 && v > 0 && v < PLIC_SOURCES) {
        // complete: a still-high level pends again
        this.claimed[v] = 0;
        if (this.level[v]) this.pending[v] = 1;
      }
    }
    this.update();
    this.changed();
  }

  save(): object {
    return {
      priority: [...this.priority],
      level: [...this.level],
      pending: [...this.pending],
      claimed: [...this.claimed],
      enable: this.enable.map((e) => [...e]),
      threshold: [...this.threshold],
    };
  }

  restore(s: ReturnType<Plic['save']>): void {
    const o = s as {
      priority: number[];
      level: number[];
      pending: number[];
      claimed: number[];
      enable: number[][];
      threshold: number[];
    };
    this.priority.set(o.priority);
    this.level.set(o.level);
    this.pending.set(o.pending);
    this.claimed.set(o.claimed);
    o.enable.forEach((e, k) => this.enable[k].set(e));
    this.threshold.set(o.threshold);
    this.update();
  }
}
