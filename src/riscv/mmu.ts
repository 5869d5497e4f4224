// Sv39 address translation with a small direct-mapped TLB per access kind. A/D bits are set by the walker,
// as QEMU does; faults report the page-fault cause for the access, or an access fault when a PTE is not in RAM.

import { CAUSE, Hart, MSTATUS, Priv } from './hart';

export const enum Access {
  fetch = 0,
  load = 1,
  store = 2,
}

const PTE_V = 1,
  PTE_R = 2,
  PTE_W = 4,
  PTE_X = 8,
  PTE_U = 16,
  PTE_A = 64,
  PTE_D = 128;
const TLB_SIZE = 256;
const PAGE_FAULT = [CAUSE.fetchPage, CAUSE.loadPage, CAUSE.storePage];
const ACCESS_FAULT = [CAUSE.fetchAccess, CAUSE.loadAccess, CAUSE.storeAccess];

/** Physical memory as the page-table walker sees it. */
export interface WalkMemory {
  readonly ramBase: number;
  readonly ramSize: number;
  readonly ram32: Int32Array;
  /** Writes back a PTE whose A/D bits changed (keeps dirty tracking and code caches right). */
  writePte(paddr: number, lo: number, hi: number): void;
}

export class Mmu {
  // Per access kind: virtual page number tag (NaN = empty, which no vpn equals: -1 is the top page's) and the physical
  // page base it maps to. Compiled blocks
  // read the load and store entries inline (src/riscv/block-compiler.ts), so a hit there is the same as here.
  readonly tags = [
    new Float64Array(TLB_SIZE).fill(NaN),
    new Float64Array(TLB_SIZE).fill(NaN),
    new Float64Array(TLB_SIZE).fill(NaN),
  ];
  readonly bases = [new Float64Array(TLB_SIZE), new Float64Array(TLB_SIZE), new Float64Array(TLB_SIZE)];
  /** The translation context the TLB was filled under: satp, privilege and the mstatus bits that matter. */
  private context = '';
  /** Set by translate(): the cause of the last failed translation. */
  fault = 0;

  /** `tlb` may place the arrays elsewhere (the WebAssembly block backend's memory): tags by access, then bases. */
  constructor(
    private readonly mem: WalkMemory,
    tlb?: Float64Array<ArrayBuffer>[],
  ) {
    if (tlb)
      for (let k = 0; k < 3; k++) {
        this.tags[k] = tlb[k].fill(NaN);
        this.bases[k] = tlb[3 + k];
      }
  }

  flush(): void {
    for (const t of this.tags) t.fill(NaN);
  }

  /** Whether data accesses of `h` are translated now (Sv39 active for the effective privilege). */
  static dataTranslated(h: Hart): boolean {
    if (h.satp >> 60n !== 8n) return false;
    const priv =
      (h.mstatus & MSTATUS.MPRV) !== 0 && h.priv === Priv.M ? (h.mstatus & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT : h.priv;
    return priv < Priv.M;
  }

  static fetchTranslated(h: Hart): boolean {
    return h.priv < Priv.M && h.satp >> 60n === 8n;
  }

  /** Flushes the TLB when the translation context of `h` differs from the one it was filled under. */
  sync(h: Hart): void {
    const key = `${h.id}:${h.satp}:${h.priv}:${h.mstatus & (MSTATUS.MPRV | MSTATUS.MPP | MSTATUS.SUM | MSTATUS.MXR)}`;
    if (key !== this.context) {
      this.context = key;
      this.flush();
    }
  }

  /**
   * Translates a virtual address (an exact double holding the sign-extended value). Returns the physical
   * address, or -1 with `fault` set to the exception cause.
   */
  translate(h: Hart, vaddr: number, access: Access): number {
    const vpn = Math.floor(vaddr / 4096);
    const slot = vpn & (TLB_SIZE - 1);
    if (this.tags[access][slot] === vpn) return this.bases[access][slot] + (vaddr - vpn * 4096);
    const base = this.walk(h, vaddr, access);
    if (base < 0) return -1;
    this.tags[access][slot] = vpn;
    this.bases[access][slot] = base;
    return base + (vaddr - vpn * 4096);
  }

  /** Walks the Sv39 tables; returns the physical base of the 4 KiB page, or -1 with `fault` set. */
  private walk(h: Hart, vaddr: number, access: Access): number {
    // Bits 63..39 must all equal bit 38.
    if (vaddr >= 2 ** 38 || vaddr < -(2 ** 38)) return this.fail(access, PAGE_FAULT);
    const va = vaddr < 0 ? vaddr + 2 ** 39 : vaddr;
    const vpn = [Math.floor(va / 4096) % 512, Math.floor(va / 2 ** 21) % 512, Math.floor(va / 2 ** 30) % 512];
    const effPriv =
      access !== Access.fetch && (h.mstatus & MSTATUS.MPRV) !== 0 && h.priv === Priv.M
        ? (h.mstatus & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT
        : h.priv;
    let table = Number(h.satp & ((1n << 44n) - 1n)) * 4096;
    for (let level = 2; level >= 0; level--) {
      const pteAddr = table + vpn[level] * 8;
      const off = pteAddr - this.mem.ramBase;
      if (off < 0 || off + 8 > this.mem.ramSize) return this.fail(access, ACCESS_FAULT);
      let lo = this.mem.ram32[off >> 2];
      const hi = this.mem.ram32[(off >> 2) + 1];
      if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0)) return this.fail(access, PAGE_FAULT);
      if (hi >>> 22 !== 0) return this.fail(access, PAGE_FAULT); // reserved / PBMT / N bits are not implemented
      const ppn = (hi & 0x3fffff) * 2 ** 22 + (lo >>> 10); // PPN[2:0], 44 bits
      if ((lo & (PTE_R | PTE_X)) === 0) {
        if (level === 0) return this.fail(access, PAGE_FAULT);
        table = ppn * 4096;
        continue;
      }
      // A leaf: check permissions.
      const user = (lo & PTE_U) !== 0;
      if (effPriv === Priv.U && !user) return this.fail(access, PAGE_FAULT);
      if (effPriv === Priv.S && user && (access === Access.fetch || (h.mstatus & MSTATUS.SUM) === 0))
        return this.fail(access, PAGE_FAULT);
      const readable = (lo & PTE_R) !== 0 || ((h.mstatus & MSTATUS.MXR) !== 0 && (lo & PTE_X) !== 0);
      if (access === Access.fetch ? (lo & PTE_X) === 0 : access === Access.load ? !readable : (lo & PTE_W) === 0) {
        return this.fail(access, PAGE_FAULT);
      }
      // A superpage must be aligned: its low PPN fields are zero.
      if (level > 0 && ppn % 512 ** level !== 0) return this.fail(access, PAGE_FAULT);
      const need = PTE_A | (access === Access.store ? PTE_D : 0);
      if ((lo & need) !== need) {
        lo |= need;
        this.mem.writePte(pteAddr, lo, hi);
      }
      // Superpages map the low VPN fields straight through.
      let pagePpn = ppn;
      for (let k = 0; k < level; k++) pagePpn += vpn[k] * 512 ** k;
      return pagePpn * 4096;
    }
    return this.fail(access, PAGE_FAULT);
  }

  private fail(access: Access, causes: readonly number[]): number {
    this.fault = causes[access];
    return -1;
  }
}

/** A leaf of the page tables as the debugger sees it: the physical address, and whether the page is executable. */
export interface DebugMapping {
  paddr: number;
  executable: boolean;
  writable: boolean;
}

/**
 * The debugger's Sv39 walk: where `vaddr` maps under `satp`, reading the tables only. Unlike Mmu.walk it sets no
 * A/D bits, fills no TLB and ignores U/SUM/MXR (a debugger looks at any mapped page), so inspecting a stopped
 * machine never changes it. Returns undefined when satp is not Sv39 or the address is not mapped.
 */
export function debugTranslate(
  mem: Pick<WalkMemory, 'ramBase' | 'ramSize' | 'ram32'>,
  satp: bigint,
  vaddr: number,
): DebugMapping | undefined {
  if (satp >> 60n !== 8n || vaddr >= 2 ** 38 || vaddr < -(2 ** 38)) return undefined;
  const va = vaddr < 0 ? vaddr + 2 ** 39 : vaddr;
  const vpn = [Math.floor(va / 4096) % 512, Math.floor(va / 2 ** 21) % 512, Math.floor(va / 2 ** 30) % 512];
  let table = Number(satp & ((1n << 44n) - 1n)) * 4096;
  for (let level = 2; level >= 0; level--) {
    const off = table + vpn[level] * 8 - mem.ramBase;
    if (off < 0 || off + 8 > mem.ramSize) return undefined;
    const lo = mem.ram32[off >> 2],
      hi = mem.ram32[(off >> 2) + 1];
    if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0) || hi >>> 22 !== 0) return undefined;
    const ppn = (hi & 0x3fffff) * 2 ** 22 + (lo >>> 10);
    if ((lo & (PTE_R | PTE_X)) === 0) {
      table = ppn * 4096;
      continue;
    }
    if (level > 0 && ppn % 512 ** level !== 0) return undefined;
    const pageBytes = 4096 * 512 ** level;
    return { paddr: ppn * 4096 + (va % pageBytes), executable: (lo & PTE_X) !== 0, writable: (lo & PTE_W) !== 0 };
  }
  return undefined;
}

/**
 * Every virtual page base under `satp` whose executable leaf maps the physical address `paddr`, plus the offset:
 * the pcs at which a hart with these tables executes the instruction stored at `paddr`. Reads the tables only.
 */
export function debugAliases(
  mem: Pick<WalkMemory, 'ramBase' | 'ramSize' | 'ram32'>,
  satp: bigint,
  paddr: number,
): number[] {
  if (satp >> 60n !== 8n) return [];
  const out: number[] = [];
  const visit = (table: number, level: number, vbase: number): void => {
    for (let i = 0; i < 512; i++) {
      const off = table + i * 8 - mem.ramBase;
      if (off < 0 || off + 8 > mem.ramSize) return;
      const lo = mem.ram32[off >> 2],
        hi = mem.ram32[(off >> 2) + 1];
      if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0) || hi >>> 22 !== 0) continue;
      const ppn = (hi & 0x3fffff) * 2 ** 22 + (lo >>> 10);
      const va = vbase + i * 4096 * 512 ** level;
      if ((lo & (PTE_R | PTE_X)) === 0) {
        if (level > 0) visit(ppn * 4096, level - 1, va);
        continue;
      }
      const size = 4096 * 512 ** level,
        pa = ppn * 4096;
      if ((lo & PTE_X) !== 0 && paddr >= pa && paddr < pa + size) {
        // Sign-extend bit 38: the upper half of the Sv39 space holds the negative (kernel) addresses.
        const v = va + (paddr - pa);
        out.push(v >= 2 ** 38 ? v - 2 ** 39 : v);
      }
    }
  };
  visit(Number(satp & ((1n << 44n) - 1n)) * 4096, 2, 0);
  return out;
}
