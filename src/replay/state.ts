// The complete machine state outside RAM: every hart field (LR reservations included), devices and virtual time.
// Snapshots save and restore it; checksums digest it. RAM pages are handled by snapshot.ts and dirty.ts.

import type { Machine } from '../machine/machine';
import type { Hart } from '../riscv/hart';
import { IRQ } from '../riscv/hart';
import { PAGE, PAGE_SHIFT } from '../riscv/bus';

type FieldValue = number | bigint | string | boolean | undefined | null | Int32Array | Uint8Array | bigint[] | number[];

/** A hart's fields, copied generically so that fields added to Hart later are saved without touching this file. */
export interface HartState {
  fields: [string, FieldValue][];
}

export interface MachineState {
  harts: HartState[];
  position: number;
  timeOffsetNs: number;
  current: number;
  exit: { code: number; message: string } | undefined;
  trap: { hart: number; message: string } | undefined;
  uart: number[];
  mtimecmp: bigint[];
  plic: ReturnType<Machine['plic']['save']>;
  semihostFiles: string;
}

function copyValue(v: unknown): FieldValue {
  if (v instanceof Int32Array || v instanceof Uint8Array) return v.slice();
  if (Array.isArray(v)) return v.slice();
  return v as FieldValue;
}

function hartFields(h: Hart): [string, FieldValue][] {
  const out: [string, FieldValue][] = [];
  for (const key of Object.keys(h)) {
    if (key === 'id') continue;
    const v = (h as unknown as Record<string, unknown>)[key];
    if (typeof v === 'function' || (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v)))
      continue;
    out.push([key, copyValue(v)]);
  }
  return out;
}

export function saveHart(h: Hart): HartState {
  return { fields: hartFields(h) };
}

export function restoreHart(h: Hart, s: HartState): void {
  const target = h as unknown as Record<string, unknown>;
  for (const [key, v] of s.fields) {
    const cur = target[key];
    if (cur instanceof Int32Array || cur instanceof Uint8Array) cur.set(v as Int32Array);
    else if (Array.isArray(cur)) {
      cur.length = 0;
      cur.push(...(v as unknown[]));
    } else target[key] = v;
  }
}

export function saveMachine(m: Machine): MachineState {
  return {
    harts: m.harts.map(saveHart),
    position: m.position,
    timeOffsetNs: m.timeOffsetNs,
    current: m.current,
    exit: m.exit && { ...m.exit },
    trap: m.trap && { ...m.trap },
    uart: m.uart.save(),
    mtimecmp: m.clint.mtimecmp.slice(),
    plic: m.plic.save(),
    semihostFiles: m.semihostFiles.save(),
  };
}

export function restoreMachine(m: Machine, s: MachineState): void {
  s.harts.forEach((hs, k) => restoreHart(m.harts[k], hs));
  m.position = s.position;
  m.timeOffsetNs = s.timeOffsetNs;
  m.current = s.current;
  m.exit = s.exit && { ...s.exit };
  m.trap = s.trap && { ...s.trap };
  m.uart.restore(s.uart);
  for (let k = 0; k < s.mtimecmp.length; k++) m.clint.mtimecmp[k] = s.mtimecmp[k];
  m.plic.restore(s.plic);
  m.semihostFiles.restore(s.semihostFiles);
  // TLBs cache translations of the state we just left.
  for (const h of m.harts) h.mmu?.flush();
  // Reservations make their pages take the store slow path, which breaks them; rebuild those flags.
  const pf = m.memory.pageFlags;
  for (let pg = 0; pg < pf.length; pg++) if (pf[pg] & PAGE.RESERVED) pf[pg] &= ~PAGE.RESERVED;
  for (const h of m.harts) {
    if (h.reservation >= 0) pf[(h.reservation - m.memory.ramBase) >>> PAGE_SHIFT] |= PAGE.RESERVED;
  }
}

// 32-bit digests: not cryptographic, only sensitive to every bit, so that a divergence is caught.
export function mix(h: number, w: number): number {
  h = Math.imul(h ^ w, 0x9e3779b1);
  return (h ^ (h >>> 15)) | 0;
}

function mixValue(d: number, v: FieldValue | undefined | null): number {
  if (v === undefined || v === null) return mix(d, 0x5bd1e995);
  if (typeof v === 'number') return mix(mix(d, v | 0), Math.floor(v / 4294967296) | 0);
  if (typeof v === 'bigint') return mix(mix(d, Number(BigInt.asIntN(32, v))), Number(BigInt.asIntN(32, v >> 32n)));
  if (typeof v === 'boolean') return mix(d, v ? 1 : 0);
  if (typeof v === 'string') {
    for (let k = 0; k < v.length; k++) d = mix(d, v.charCodeAt(k));
    return d;
  }
  for (let k = 0; k < v.length; k++) d = mixValue(d, v[k]);
  return d;
}

/**
 * Digest of a hart's architectural state. The timer-pending bits (MTIP, and STIP under Sstc) are left out: the
 * machine recomputes them from the clock before every use, so their stored copies depend only on when they
 * were last refreshed.
 */
export function hartDigest(h: Hart): number {
  let d = mix(0x2545f491, h.id);
  const timers = (1 << IRQ.MTI) | (1 << IRQ.STI);
  // The fields hartFields saves, in the same order, read in place: copying them would only feed the collector.
  const fields = h as unknown as Record<string, unknown>;
  for (const key of Object.keys(h)) {
    if (key === 'id') continue;
    const v = fields[key];
    if (typeof v === 'function' || (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !Array.isArray(v)))
      continue;
    d = mixValue(d, key === 'mipHw' ? (v as number) & ~timers : (v as FieldValue));
  }
  return d >>> 0;
}

export function deviceDigest(m: Machine): number {
  let d = mix(0x68e31da4, m.position | 0);
  d = mixValue(d, m.position);
  d = mixValue(d, m.timeOffsetNs);
  d = mixValue(d, m.current);
  d = mixValue(d, m.uart.save());
  d = mixValue(d, m.clint.mtimecmp);
  d = mixValue(d, JSON.stringify(m.plic.save()));
  d = mixValue(d, m.semihostFiles.save());
  return d >>> 0;
}

/** Digest of the listed RAM pages (index and contents), in ascending page order; `dirty` holds 0 or 1 per page. */
export function pagesDigest(m: Machine, dirty: Uint8Array): number {
  const ram32 = m.memory.ram32;
  let d = 0x1b873593;
  // indexOf skips the clean pages natively: the cost follows the pages written, not the size of RAM.
  for (let pg = dirty.indexOf(1); pg >= 0; pg = dirty.indexOf(1, pg + 1)) {
    d = mix(d, pg);
    for (let k = pg << 10, end = k + 1024; k < end; k++) d = mix(d, ram32[k]);
  }
  return d >>> 0;
}
