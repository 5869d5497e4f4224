// What the interpreter needs from the machine's memory system: direct RAM views for the fast path,
// and slow paths for everything else (MMIO, misaligned and watched accesses, faults, semihosting).

import type { Hart } from './hart';
import type { BlockCache } from './block-cache';

/** Bits in `HartBus.pageFlags`, one byte per 4 KiB page of RAM. A store takes the fast path only when the byte is exactly DIRTY. */
export const PAGE = {
  /** Written since the replay engine last cleared it (snapshots, checksums). */
  DIRTY: 1,
  /** Holds decoded instructions, which a store must invalidate. */
  CODE: 2,
  /** Watched: data watchpoints, or a device such as HTIF's tohost. */
  WATCH: 4,
  /** Some hart holds an LR reservation on this page. */
  RESERVED: 8,
} as const;

export const PAGE_SHIFT = 12;
export const PAGE_SIZE = 1 << PAGE_SHIFT;

export interface HartBus {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram8: Uint8Array;
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly pageFlags: Uint8Array;
  /** Decode cache per RAM page: pairs (op, expanded word) per halfword slot; op 0 means not decoded. */
  readonly codePages: (Int32Array | undefined)[];
  /** True while read watchpoints are armed: loads then consult WATCH page flags. */
  watchReads: boolean;
  /** Set by devices and hooks to end the interpreter's run early (exit, self-IPI, watchpoint hit...). */
  stop: boolean;
  /** Result of the slow paths: the loaded value as lo/hi halves. */
  lo: number;
  hi: number;

  /** Compiled blocks, their heat and their invalidation. */
  readonly blocks: BlockCache;
  /** Creates the decode cache (and block tables) for RAM page `pg` and marks the page CODE. */
  codePage(pg: number): Int32Array;
  /** Load of `size` bytes at `addr` for anything the fast path did not take. Returns -1, or an exception cause. */
  load(h: Hart, addr: number, size: number): number;
  /** Store of `size` bytes; same return convention. */
  store(h: Hart, addr: number, size: number, lo: number, hi: number): number;
  /** Fetches a 16-bit parcel for the decoder at a physical address outside the cached path; -1 when not fetchable. */
  fetch16(addr: number): number;
  /** Current mtime (for the `time` CSR). */
  mtime(): bigint;
  /** Handles an ebreak that is part of a semihosting sequence; false when it is a plain ebreak. */
  semihost(h: Hart): boolean;
}
