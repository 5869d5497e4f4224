// Physical memory: lazily-committed RAM, MMIO dispatch, page flags for dirty tracking, code invalidation,
// LR reservations and watches. Implements the interpreter's HartBus slow paths.

import { HartBus, PAGE, PAGE_SHIFT, PAGE_SIZE } from '../riscv/bus';
import { CAUSE, Hart } from '../riscv/hart';
import { BlockCache } from '../riscv/block-cache';
import type { WasmArena } from '../riscv/wasm-block';

export const RAM_BASE = 0x80000000;

/** A memory-mapped device. Offsets are relative to `base`; values are unsigned. */
export interface Device {
  readonly name: string;
  readonly base: number;
  readonly size: number;
  read(offset: number, size: number): bigint;
  write(offset: number, size: number, value: bigint): void;
}

/** A watched RAM range; the callback runs after the access (for writes, after memory changed). */
export interface Watch {
  lo: number; // physical address, inclusive
  hi: number; // exclusive
  read: boolean;
  write: boolean;
  hit(h: Hart, addr: number, size: number, isWrite: boolean): void;
}

export class Memory implements HartBus {
  readonly ramBase = RAM_BASE;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly pageFlags: Uint8Array;
  readonly codePages: (Int32Array | undefined)[];
  /** Compiled blocks; told about every store to code. */
  readonly blocks: BlockCache;
  watchReads = false;
  stop = false;
  lo = 0;
  hi = 0;
  readonly devices: Device[] = [];
  readonly watches: Watch[] = [];
  /** Set by the machine: harts whose reservations a store may break, and the clock. */
  harts: Hart[] = [];
  clock: () => bigint = () => 0n;
  semihostHandler: (h: Hart) => boolean = () => false;

  /** With `arena`, RAM and page flags live in its WebAssembly.Memory and blocks are compiled to wasm. */
  constructor(
    readonly ramSize: number,
    readonly arena?: WasmArena,
  ) {
    // A zeroed ArrayBuffer (or wasm memory) is committed by the OS page by page as it is touched, so RAM is lazy.
    const buffer = arena ? arena.buffer : new ArrayBuffer(ramSize);
    this.ram8 = new Uint8Array(buffer, 0, ramSize);
    this.ram16 = new Uint16Array(buffer, 0, ramSize / 2);
    this.ram32 = new Int32Array(buffer, 0, ramSize / 4);
    this.pageFlags = arena ? arena.pageFlags() : new Uint8Array(ramSize >>> PAGE_SHIFT);
    this.codePages = new Array(ramSize >>> PAGE_SHIFT);
    this.blocks = new BlockCache(this, arena?.compile);
  }

  /**
   * Pages whose DIRTY flag was set since the replay engine last collected them, so that collecting costs in
   * proportion to the pages written rather than to the size of RAM. Every place that sets DIRTY goes through here.
   */
  readonly dirtyList: number[] = [];

  private markDirty(pg: number): void {
    this.pageFlags[pg] |= PAGE.DIRTY;
    this.dirtyList.push(pg);
  }

  addDevice(d: Device): void {
    this.devices.push(d);
  }

  codePage(pg: number): Int32Array {
    const page = new Int32Array(PAGE_SIZE);
    this.codePages[pg] = page;
    this.blocks.openPage(pg);
    this.pageFlags[pg] |= PAGE.CODE;
    return page;
  }

  /** Forgets the decoded instruction at physical address `addr` (e.g. a breakpoint was set or removed there). */
  invalidateCode(addr: number, size = 2): void {
    const lo = Math.max(0, addr - RAM_BASE - 2),
      hi = Math.min(this.ramSize, addr - RAM_BASE + size);
    for (let o = lo & ~1; o < hi; o += 2) {
      const pg = o >>> PAGE_SHIFT;
      const page = this.codePages[pg];
      if (!page) continue;
      page[o & 4094] = 0;
    }
    this.blocks.invalidate(addr, size);
  }

  /** Forgets every decoded instruction. */
  invalidateAllCode(): void {
    for (let pg = 0; pg < this.codePages.length; pg++) {
      const page = this.codePages[pg];
      if (!page) continue;
      page.fill(0);
    }
    this.blocks.invalidateAll();
  }

  mtime(): bigint {
    return this.clock();
  }

  semihost(h: Hart): boolean {
    return this.semihostHandler(h);
  }

  fetch16(addr: number): number {
    const off = addr - RAM_BASE;
    return off >= 0 && off + 2 <= this.ramSize && (off & 1) === 0 ? this.ram16[off >> 1] : -1;
  }

  private device(addr: number): Device | undefined {
    for (const d of this.devices) if (addr >= d.base && addr < d.base + d.size) return d;
    return undefined;
  }

  load(h: Hart, addr: number, size: number): number {
    const off = addr - RAM_BASE;
    if (off >= 0 && off + size <= this.ramSize) {
      let lo = 0,
        hi = 0;
      for (let k = size - 1; k >= 0; k--) {
        const b = this.ram8[off + k];
        if (k >= 4) hi = (hi << 8) | b;
        else lo = (lo << 8) | b;
      }
      this.lo = lo | 0;
      this.hi = hi | 0;
      if (this.watchReads && (this.pageFlags[off >>> PAGE_SHIFT] & PAGE.WATCH) !== 0)
        this.checkWatches(h, addr, size, false);
      return -1;
    }
    const d = this.device(addr);
    if (!d || addr + size > d.base + d.size) return CAUSE.loadAccess;
    const v = d.read(addr - d.base, size);
    this.lo = Number(BigInt.asIntN(32, v));
    this.hi = Number(BigInt.asIntN(32, v >> 32n));
    return -1;
  }

  store(h: Hart, addr: number, size: number, lo: number, hi: number): number {
    const off = addr - RAM_BASE;
    if (off >= 0 && off + size <= this.ramSize) {
      const first = off >>> PAGE_SHIFT,
        last = (off + size - 1) >>> PAGE_SHIFT;
      let flags = 0;
      for (let pg = first; pg <= last; pg++) {
        flags |= this.pageFlags[pg];
        if ((this.pageFlags[pg] & PAGE.DIRTY) === 0) this.markDirty(pg);
      }
      for (let k = 0; k < size; k++) this.ram8[off + k] = k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4));
      if (flags & PAGE.CODE) this.invalidateCode(addr, size);
      if (flags & PAGE.RESERVED) this.breakReservations(h, addr, size, first);
      if (flags & PAGE.WATCH) this.checkWatches(h, addr, size, true);
      return -1;
    }
    const d = this.device(addr);
    if (!d || addr + size > d.base + d.size) return CAUSE.storeAccess;
    const value =
      size === 8
        ? (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0)
        : BigInt((size === 4 ? lo : lo & ((1 << (8 * size)) - 1)) >>> 0);
    d.write(addr - d.base, size, value);
    return -1;
  }

  /** Another hart's store to reserved bytes breaks that hart's reservation. */
  private breakReservations(h: Hart, addr: number, size: number, page: number): void {
    let stillReserved = false;
    for (const other of this.harts) {
      if (other.reservation < 0) continue;
      if (other !== h && addr < other.reservation + other.reservationSize && other.reservation < addr + size)
        other.reservation = -1;
      if (other.reservation >= 0 && (other.reservation - RAM_BASE) >>> PAGE_SHIFT === page) stillReserved = true;
    }
    if (!stillReserved) this.pageFlags[page] &= ~PAGE.RESERVED;
  }

  /** Adds a watch and flags its pages. */
  addWatch(w: Watch): void {
    this.watches.push(w);
    this.refreshWatchFlags();
  }

  removeWatch(w: Watch): void {
    const k = this.watches.indexOf(w);
    if (k >= 0) this.watches.splice(k, 1);
    this.refreshWatchFlags();
  }

  private refreshWatchFlags(): void {
    for (let pg = 0; pg < this.pageFlags.length; pg++) this.pageFlags[pg] &= ~PAGE.WATCH;
    this.watchReads = false;
    for (const w of this.watches) {
      if (w.read) this.watchReads = true;
      const first = Math.max(0, w.lo - RAM_BASE) >>> PAGE_SHIFT;
      const last = Math.min(this.ramSize - 1, w.hi - 1 - RAM_BASE) >>> PAGE_SHIFT;
      for (let pg = first; pg <= last; pg++) this.pageFlags[pg] |= PAGE.WATCH;
    }
  }

  private checkWatches(h: Hart, addr: number, size: number, isWrite: boolean): void {
    for (const w of this.watches) {
      if ((isWrite ? w.write : w.read) && addr < w.hi && w.lo < addr + size) w.hit(h, addr, size, isWrite);
    }
  }

  /** The page-table walker's write of A/D bits: a plain RAM store with the usual dirty and code bookkeeping. */
  writePte(paddr: number, lo: number, hi: number): void {
    const off = paddr - RAM_BASE;
    this.ram32[off >> 2] = lo;
    this.ram32[(off >> 2) + 1] = hi;
    const pg = off >>> PAGE_SHIFT;
    const flags = this.pageFlags[pg];
    if ((flags & PAGE.DIRTY) === 0) this.markDirty(pg);
    if (flags & PAGE.CODE) this.invalidateCode(paddr, 8);
  }

  /** Copies an image into RAM; returns false when it does not fit. */
  loadBytes(paddr: number, data: Uint8Array, memSize: number): boolean {
    const off = paddr - RAM_BASE;
    if (off < 0 || off + memSize > this.ramSize) return false;
    this.ram8.set(data, off);
    this.ram8.fill(0, off + data.length, off + memSize);
    for (let pg = off >>> PAGE_SHIFT; pg <= (off + memSize - 1) >>> PAGE_SHIFT; pg++)
      if ((this.pageFlags[pg] & PAGE.DIRTY) === 0) this.markDirty(pg);
    return true;
  }

  /** Reads guest RAM for the debugger and devices; undefined when outside RAM. */
  readBytes(paddr: number, length: number): Uint8Array | undefined {
    const off = paddr - RAM_BASE;
    if (off < 0 || off + length > this.ramSize) return undefined;
    return this.ram8.slice(off, off + length);
  }

  /** A NUL-terminated string from RAM, at most `max` bytes. */
  readCString(paddr: number, max = 4096): Uint8Array {
    const off = paddr - RAM_BASE;
    if (off < 0 || off >= this.ramSize) return new Uint8Array(0);
    let end = off;
    while (end < this.ramSize && end - off < max && this.ram8[end] !== 0) end++;
    return this.ram8.slice(off, end);
  }
}
