// Data accesses under Sv39 that the interpreter's fast path does not handle: translation of a whole access,
// and accesses that straddle two virtual pages (each byte goes through its own page's translation).

import type { HartBus } from './bus';
import type { Hart } from './hart';
import { Access, Mmu } from './mmu';

/** translateData's answer for an access that straddles two pages: the caller goes byte by byte. */
export const CROSS_PAGE = -2;

/**
 * The virtual address a failed translateData reports in tval: the access's own address when its first page faults,
 * the second page's first byte when that one does, the portion that faulted, as the privileged spec allows and as
 * QEMU 7.2 reports it (its softmmu fills the second page's TLB entry at that address).
 */
export const dataFault = { vaddr: 0 };

/** Translates a data access; -1 on a fault (mmu.fault has the cause), CROSS_PAGE when it spans two pages. */
export function translateData(h: Hart, mmu: Mmu, vaddr: number, size: number, access: Access): number {
  const pageStart = Math.floor(vaddr / 4096) * 4096;
  dataFault.vaddr = vaddr;
  if (vaddr - pageStart + size > 4096) {
    // Check both pages up front so a fault leaves memory untouched.
    if (mmu.translate(h, vaddr, access) < 0) return -1;
    if (mmu.translate(h, pageStart + 4096, access) < 0) {
      dataFault.vaddr = pageStart + 4096;
      return -1;
    }
    return CROSS_PAGE;
  }
  return mmu.translate(h, vaddr, access);
}

export function crossPageLoad(h: Hart, bus: HartBus, mmu: Mmu, vaddr: number, size: number): number {
  let lo = 0,
    hi = 0;
  for (let k = size - 1; k >= 0; k--) {
    const r = bus.load(h, mmu.translate(h, vaddr + k, Access.load), 1);
    if (r >= 0) return r;
    if (k >= 4) hi = (hi << 8) | (bus.lo & 255);
    else lo = (lo << 8) | (bus.lo & 255);
  }
  bus.lo = lo | 0;
  bus.hi = hi | 0;
  return -1;
}

export function crossPageStore(
  h: Hart,
  bus: HartBus,
  mmu: Mmu,
  vaddr: number,
  size: number,
  lo: number,
  hi: number,
): number {
  for (let k = 0; k < size; k++) {
    const byte = k < 4 ? lo >>> (8 * k) : hi >>> (8 * (k - 4));
    const r = bus.store(h, mmu.translate(h, vaddr + k, Access.store), 1, byte & 255, 0);
    if (r >= 0) return r;
  }
  return -1;
}
