// CLINT at 0x2000000 as on QEMU's virt machine: msip per hart (IPIs), mtimecmp per hart, and mtime at 10 MHz.
// mtime is derived from the machine's position, so it is a pure function of retired instructions.

import type { Device } from './memory';
import { Hart, IRQ } from '../riscv/hart';

export const MTIME_HZ = 10_000_000;
/** Virtual nanoseconds per mtime tick. */
export const NS_PER_TICK = 1_000_000_000 / MTIME_HZ;

export class Clint implements Device {
  readonly name = 'clint';
  readonly base = 0x2000000;
  readonly size = 0x10000;
  readonly mtimecmp: bigint[];

  /**
   * @param now current mtime
   * @param setMtime moves mtime (a guest write), by adjusting the machine's time offset
   * @param changed called after any write that can change a hart's pending interrupts
   */
  constructor(
    private readonly harts: Hart[],
    private readonly now: () => bigint,
    private readonly setMtime: (v: bigint) => void,
    private readonly changed: () => void,
  ) {
    this.mtimecmp = harts.map(() => (1n << 64n) - 1n);
  }

  read(offset: number, size: number): bigint {
    if (offset < 0x4000) {
      const h = this.harts[offset >> 2];
      return h && (h.mipHw & (1 << IRQ.MSI)) !== 0 ? 1n : 0n;
    }
    if (offset >= 0xbff8) return slice(this.now(), offset - 0xbff8, size);
    const k = (offset - 0x4000) >> 3;
    return k < this.harts.length ? slice(this.mtimecmp[k], (offset - 0x4000) & 7, size) : 0n;
  }

  write(offset: number, size: number, value: bigint): void {
    if (offset < 0x4000) {
      const h = this.harts[offset >> 2];
      if (h && (offset & 3) === 0) {
        if ((value & 1n) !== 0n) h.mipHw |= 1 << IRQ.MSI;
        else h.mipHw &= ~(1 << IRQ.MSI);
      }
    } else if (offset >= 0xbff8) {
      this.setMtime(merge(this.now(), offset - 0xbff8, size, value));
    } else {
      const k = (offset - 0x4000) >> 3;
      if (k < this.harts.length) this.mtimecmp[k] = merge(this.mtimecmp[k], (offset - 0x4000) & 7, size, value);
    }
    this.changed();
  }
}

// 64-bit registers accessed as 32-bit halves.
function slice(v: bigint, byte: number, size: number): bigint {
  return (v >> BigInt(8 * byte)) & ((1n << BigInt(8 * size)) - 1n);
}
function merge(old: bigint, byte: number, size: number, value: bigint): bigint {
  const shift = BigInt(8 * byte),
    mask = ((1n << BigInt(8 * size)) - 1n) << shift;
  return (old & ~mask) | ((value << shift) & mask);
}
