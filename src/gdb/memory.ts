// Guest memory as gdb addresses it: virtual addresses translated through the selected hart's Sv39 page tables
// (when that hart translates), by a walk that reads the tables only, so looking never sets A/D bits or fills a TLB.

import type { Machine } from '../machine/machine';
import { Hart, Priv } from '../riscv/hart';

const PTE_V = 1,
  PTE_R = 2,
  PTE_W = 4,
  PTE_X = 8;
const PAGE = 4096;

/** Whether gdb's addresses for `h` are virtual: Sv39 is on and the hart runs below M-mode (as QEMU's stub decides). */
export function translates(h: Hart): boolean {
  return h.priv < Priv.M && h.satp >> 60n === 8n;
}

/** The physical address of `vaddr` for `h`, or undefined when it is not mapped. Permissions are not checked. */
export function physicalAddress(m: Machine, h: Hart, vaddr: bigint): number | undefined {
  if (!translates(h)) return vaddr < 2n ** 56n ? Number(vaddr) : undefined;
  // Sv39: bits 63..38 all equal.
  const top = vaddr >> 38n;
  if (top !== 0n && top !== (1n << 26n) - 1n) return undefined;
  const va = Number(vaddr & ((1n << 39n) - 1n));
  const vpn = [Math.floor(va / PAGE) % 512, Math.floor(va / 2 ** 21) % 512, Math.floor(va / 2 ** 30) % 512];
  let table = Number(h.satp & ((1n << 44n) - 1n)) * PAGE;
  for (let level = 2; level >= 0; level--) {
    const pte = m.memory.readBytes(table + vpn[level] * 8, 8);
    if (!pte) return undefined;
    const dv = new DataView(pte.buffer, pte.byteOffset, 8);
    const lo = dv.getUint32(0, true),
      hi = dv.getUint32(4, true);
    if ((lo & PTE_V) === 0 || ((lo & PTE_R) === 0 && (lo & PTE_W) !== 0)) return undefined;
    const ppn = (hi & 0x3fffff) * 2 ** 22 + (lo >>> 10);
    if ((lo & (PTE_R | PTE_X)) === 0) {
      table = ppn * PAGE;
      continue;
    }
    if (level > 0 && ppn % 512 ** level !== 0) return undefined;
    let page = ppn;
    for (let k = 0; k < level; k++) page += vpn[k] * 512 ** k;
    return page * PAGE + (va % PAGE);
  }
  return undefined;
}

/**
 * Reads up to `length` bytes at `vaddr`, page by page; stops at the first byte that is not in RAM (devices are not
 * read: their registers have side effects). Returns what it could read, possibly nothing.
 */
export function readVirtual(m: Machine, h: Hart, vaddr: bigint, length: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let done = 0;
  while (done < length) {
    const va = vaddr + BigInt(done);
    const inPage = PAGE - Number(va % BigInt(PAGE));
    const n = Math.min(inPage, length - done);
    const pa = physicalAddress(m, h, va);
    if (pa === undefined) break;
    const bytes = m.memory.readBytes(pa, n);
    if (bytes) {
      parts.push(bytes);
      done += n;
      continue;
    }
    // Part of the piece may still be RAM (the end of RAM inside a page).
    let k = 0;
    while (k < n && m.memory.readBytes(pa + k, 1)) k++;
    if (k) parts.push(m.memory.readBytes(pa, k)!);
    break;
  }
  return parts.length === 1 ? parts[0] : new Uint8Array(Buffer.concat(parts));
}

/** The physical pieces `[paddr, bytes]` a write of `data` at `vaddr` becomes, or undefined if any byte is not RAM. */
export function writePieces(
  m: Machine,
  h: Hart,
  vaddr: bigint,
  data: Uint8Array,
): { address: number; bytes: Uint8Array }[] | undefined {
  const out: { address: number; bytes: Uint8Array }[] = [];
  let done = 0;
  while (done < data.length) {
    const va = vaddr + BigInt(done);
    const n = Math.min(PAGE - Number(va % BigInt(PAGE)), data.length - done);
    const pa = physicalAddress(m, h, va);
    if (pa === undefined || !m.memory.readBytes(pa, n)) return undefined;
    out.push({ address: pa, bytes: data.slice(done, done + n) });
    done += n;
  }
  return out;
}
