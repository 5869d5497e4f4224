// The Registers and Hart scopes: integer registers by ABI name, pc, f registers as value and raw bits, CSRs in groups,
// and the hart's privilege, retired count and reservation. Also register lookup by name for evaluate and setVariable.

import type { Machine } from '../machine/machine';
import { readCsr } from '../riscv/csr';
import { REGISTER } from '../replay/format';
import { CSR } from '../riscv/csr-names';
import { F_NAMES, X_NAMES } from '../riscv/disassemble';
import type { Hart } from '../riscv/hart';

export const CSR_GROUPS: Record<string, (keyof typeof CSR)[]> = {
  'Machine trap': [
    'mstatus',
    'misa',
    'medeleg',
    'mideleg',
    'mie',
    'mip',
    'mtvec',
    'mscratch',
    'mepc',
    'mcause',
    'mtval',
    'mcounteren',
    'menvcfg',
  ],
  'Supervisor trap': [
    'sstatus',
    'sie',
    'sip',
    'stvec',
    'sscratch',
    'sepc',
    'scause',
    'stval',
    'satp',
    'scounteren',
    'senvcfg',
    'stimecmp',
  ],
  'Floating point': ['fflags', 'frm', 'fcsr'],
  Counters: ['mcycle', 'minstret', 'time'],
  Identity: ['mhartid', 'mvendorid', 'marchid', 'mimpid'],
};

const PRIV = ['user', 'supervisor', 'reserved', 'machine'];
const hex = (v: bigint) => '0x' + v.toString(16).padStart(16, '0');

export interface Named {
  name: string;
  value: string;
}

export function integerRegisters(h: Hart): Named[] {
  const out: Named[] = [{ name: 'pc', value: hex(h.pc64) }];
  for (let i = 0; i < 32; i++) out.push({ name: `${X_NAMES[i]} (x${i})`, value: hex(h.readX(i)) });
  return out;
}

/** A float register's raw bits shown with its value: as a double, or as a single when NaN-boxed. */
export function floatText(bits: bigint): string {
  const buf = new DataView(new ArrayBuffer(8));
  buf.setBigUint64(0, bits, true);
  const boxed = bits >> 32n === 0xffffffffn;
  const value = boxed ? buf.getFloat32(0, true) : buf.getFloat64(0, true);
  return `${value}${boxed ? 'f' : ''} (${hex(bits)})`;
}

export function floatRegisters(h: Hart): Named[] {
  return F_NAMES.map((n, i) => ({ name: `${n} (f${i})`, value: floatText(h.readF(i)) }));
}

export function csrGroup(m: Machine, h: Hart, group: string): Named[] {
  const clock = { mtime: () => m.mtime() };
  return (CSR_GROUPS[group] ?? []).map((name) => {
    const v = readCsrAnyPriv(h, CSR[name], clock);
    return { name, value: v === undefined ? 'unavailable' : hex(v) };
  });
}

/** The debugger reads CSRs as machine mode would, whatever mode the hart is in. */
function readCsrAnyPriv(h: Hart, num: number, clock: { mtime(): bigint }): bigint | undefined {
  const saved = h.priv;
  h.priv = 3;
  try {
    return readCsr(h, num, clock);
  } finally {
    h.priv = saved;
  }
}

export function hartState(m: Machine, h: Hart): Named[] {
  const run = ['running', 'asleep in wfi'][h.run] ?? 'unknown';
  return [
    { name: 'privilege', value: PRIV[h.priv] + ' mode' },
    { name: 'state', value: run },
    { name: 'retired', value: String(h.retired) },
    {
      name: 'reservation',
      value: h.reservation < 0 ? 'none' : `0x${h.reservation.toString(16)} (${h.reservationSize} bytes)`,
    },
    { name: 'position', value: String(m.position) },
  ];
}

/** A short state for the thread name: running, wfi, or the privilege mode. */
export function hartSummary(h: Hart): string {
  if (h.run === 1) return 'wfi';
  return `${PRIV[h.priv]}`;
}

/**
 * Resolves a register name (ABI, xN, fN, pc or a CSR, with or without `$` and a trailing " (xN)") to a reader and
 * its number in recorded edits (src/replay/format.ts REGISTER).
 */
export function registerByName(
  m: Machine,
  h: Hart,
  raw: string,
): { read(): bigint; number: number; float?: boolean } | undefined {
  const name = raw.replace(/^\$/, '').replace(/\s*\(.*\)$/, '');
  if (name === 'pc') return { read: () => h.pc64, number: REGISTER.pc };
  let i = X_NAMES.indexOf(name);
  if (i < 0 && /^x([0-9]|[12][0-9]|3[01])$/.test(name)) i = Number(name.slice(1));
  if (name === 'fp') i = 8;
  if (i >= 0) return { read: () => h.readX(i), number: REGISTER.x + i };
  let f = F_NAMES.indexOf(name);
  if (f < 0 && /^f([0-9]|[12][0-9]|3[01])$/.test(name)) f = Number(name.slice(1));
  if (f >= 0) return { read: () => h.readF(f), number: REGISTER.f + f, float: true };
  if (Object.hasOwn(CSR, name)) {
    const num = CSR[name as keyof typeof CSR];
    const clock = { mtime: () => m.mtime() };
    return { read: () => readCsrAnyPriv(h, num, clock) ?? 0n, number: REGISTER.csr + num };
  }
  return undefined;
}
