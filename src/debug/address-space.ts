// Addresses as the debugger sees them: pcs and data addresses are exact JS numbers holding the sign-extended 64-bit
// value (as Hart.pc is), symbols use unsigned BigInts, and a kernel's virtual addresses are translated through the
// page tables of the hart being looked at, with a walk that changes nothing (no A/D bits, no TLB fill).

import type { Machine } from '../machine/machine';
import { Priv } from '../riscv/hart';
import { debugAliases, debugTranslate, Mmu } from '../riscv/mmu';

/** A symbol address (unsigned 64-bit) as a pc number: sign-extended, so every canonical address is exact. */
export function pcOf(addr: bigint): number {
  return Number(BigInt.asIntN(64, addr));
}

/** A pc number as the unsigned 64-bit address symbols and DWARF use. */
export function addressOf(pc: number): bigint {
  return BigInt.asUintN(64, BigInt(pc));
}

/** `0xffffffff80000000`, never `0x-80000000`. */
export function hexAddress(pc: number): string {
  return '0x' + addressOf(pc).toString(16);
}

/** Marks an address the user means physically (an instruction breakpoint, a memory reference): `phys:0x80200000`. */
export const PHYSICAL_PREFIX = 'phys:';

/** Parses `0x...`, a decimal number or `phys:0x...` (plus an offset); undefined when it is none of these. */
export function parseAddress(text: string, offset = 0): { addr: number; physical: boolean } | undefined {
  const t = text.trim();
  const physical = t.toLowerCase().startsWith(PHYSICAL_PREFIX);
  try {
    const v = BigInt(physical ? t.slice(PHYSICAL_PREFIX.length).trim() : t) + BigInt(offset);
    if (v < -(1n << 63n) || v >= 1n << 64n) return undefined;
    return { addr: pcOf(v), physical };
  } catch {
    return undefined;
  }
}

/** Whether `addr` can be a physical address at all (Sv39's 56-bit physical space); kernel addresses are negative. */
export function maybePhysical(addr: number): boolean {
  return addr >= 0 && addr < 2 ** 56;
}

/**
 * The machine's memory as one hart sees it. An address goes through the hart's page tables when satp has Sv39 on
 * and either the hart translates that kind of access now (S or U mode, or M with MPRV) or the address cannot be
 * physical (a kernel's upper-half address seen from M-mode firmware). A virtual address on a hart whose satp is
 * off is tried through another hart's tables: a kernel's mapping is shared by every hart that runs it.
 */
export class AddressSpace {
  constructor(private readonly machine: () => Machine) {}

  private satpFor(hart: number, addr: number, fetch: boolean): bigint | undefined {
    const m = this.machine(),
      h = m.harts[hart];
    if (!h) return undefined;
    const on = (s: bigint) => s >> 60n === 8n;
    if (on(h.satp)) {
      const translates = fetch ? h.priv < Priv.M : Mmu.dataTranslated(h);
      return translates || !maybePhysical(addr) ? h.satp : undefined;
    }
    if (maybePhysical(addr)) return undefined;
    return m.harts.find((o) => on(o.satp))?.satp;
  }

  /** The physical address `hart` reaches at `addr`, or undefined when it is not mapped. */
  physical(hart: number, addr: number, fetch = false): number | undefined {
    const satp = this.satpFor(hart, addr, fetch);
    if (satp === undefined) return maybePhysical(addr) ? addr : undefined;
    return debugTranslate(this.machine().memory, satp, addr)?.paddr;
  }

  /** Bytes at `addr` as `hart` sees them, page by page; undefined when any byte is unmapped or outside RAM. */
  read(hart: number, addr: number | bigint, size: number): Uint8Array | undefined {
    const a = typeof addr === 'bigint' ? pcOf(addr) : addr;
    const mem = this.machine().memory;
    if (size <= 0) return new Uint8Array(0);
    const out = new Uint8Array(size);
    for (let done = 0; done < size; ) {
      const va = a + done,
        inPage = 4096 - (((va % 4096) + 4096) % 4096);
      const n = Math.min(inPage, size - done);
      const pa = this.physical(hart, va);
      const bytes = pa === undefined ? undefined : mem.readBytes(pa, n);
      if (!bytes) return undefined;
      out.set(bytes, done);
      done += n;
    }
    return out;
  }

  /** The instruction (16 or 32 bits) `hart` fetches at `pc`, or undefined where nothing is mapped. */
  instructionAt(hart: number, pc: number): number | undefined {
    const m = this.machine();
    const lo = this.physical(hart, pc, true);
    if (lo === undefined) return undefined;
    const first = m.instructionAt(lo);
    if (first === undefined || (first & 3) !== 3 || (lo & 4095) !== 4094) return first;
    // A 32-bit instruction straddling two pages: its upper half comes from the next page's mapping.
    const hiAddr = this.physical(hart, pc + 2, true);
    const hi = hiAddr === undefined ? -1 : m.memory.fetch16(hiAddr);
    return hi < 0 ? first & 0xffff : ((first & 0xffff) | (hi << 16)) >>> 0;
  }

  /**
   * The physical ranges a virtual range of `size` bytes at `addr` occupies for `hart` (one per page run), or a
   * message saying why it has none: what a data breakpoint on a kernel variable watches.
   */
  physicalRanges(hart: number, addr: number, size: number): { lo: number; hi: number }[] | string {
    const out: { lo: number; hi: number }[] = [];
    for (let done = 0; done < size; ) {
      const va = addr + done,
        n = Math.min(4096 - (((va % 4096) + 4096) % 4096), size - done);
      const pa = this.physical(hart, va);
      if (pa === undefined) {
        return (
          `${hexAddress(va)} is not mapped on hart ${hart}` +
          (maybePhysical(va) ? '' : ' (no hart has paging on yet: set it again once the kernel has turned on paging)')
        );
      }
      const last = out[out.length - 1];
      if (last && last.hi === pa) last.hi = pa + n;
      else out.push({ lo: pa, hi: pa + n });
      done += n;
    }
    return out;
  }

  /** The pcs at which `hart` (with its current tables) executes the instruction stored at physical `paddr`. */
  pcsOfPhysical(hart: number, paddr: number): number[] {
    const m = this.machine(),
      h = m.harts[hart];
    const pcs = new Set<number>([paddr]);
    const satps = new Set(
      [h?.satp, ...m.harts.map((o) => o.satp)].filter((s): s is bigint => s !== undefined && s >> 60n === 8n),
    );
    for (const satp of satps) for (const pc of debugAliases(m.memory, satp, paddr)) pcs.add(pc);
    return [...pcs];
  }
}

/** The instruction `hart` of `m` fetches at `pc` (through its page tables when it translates fetches). */
export function instructionOf(m: Machine, hart: number, pc: number): number | undefined {
  return new AddressSpace(() => m).instructionAt(hart, pc);
}
