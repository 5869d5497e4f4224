// The architectural state of one hart: integer and float registers, pc, privilege, CSR storage and reservation.
// 64-bit integer registers are kept as two Int32 halves (lo at 2*i, hi at 2*i+1), as the hot paths want them.

import type { Mmu } from './mmu';

export const enum Priv {
  U = 0,
  S = 1,
  M = 3,
}

// mstatus bits we keep in the low 32 bits (the high half is UXL/SXL, constant, and SD, derived from FS).
export const MSTATUS = {
  SIE: 1 << 1,
  MIE: 1 << 3,
  SPIE: 1 << 5,
  MPIE: 1 << 7,
  SPP: 1 << 8,
  MPP_SHIFT: 11,
  MPP: 3 << 11,
  FS_SHIFT: 13,
  FS: 3 << 13,
  MPRV: 1 << 17,
  SUM: 1 << 18,
  MXR: 1 << 19,
  TVM: 1 << 20,
  TW: 1 << 21,
  TSR: 1 << 22,
} as const;

// Interrupt numbers (bit positions in mip/mie) and exception causes from the privileged spec.
export const IRQ = { SSI: 1, MSI: 3, STI: 5, MTI: 7, SEI: 9, MEI: 11 } as const;
export const CAUSE = {
  fetchMisaligned: 0,
  fetchAccess: 1,
  illegal: 2,
  breakpoint: 3,
  loadMisaligned: 4,
  loadAccess: 5,
  storeMisaligned: 6,
  storeAccess: 7,
  ecallU: 8,
  ecallS: 9,
  ecallM: 11,
  fetchPage: 12,
  loadPage: 13,
  storePage: 15,
} as const;

export const enum HartRun {
  /** Executing instructions. */
  running = 0,
  /** Asleep in wfi until an enabled interrupt is pending. */
  wfi = 1,
  /** Blocked in a semihosting console read until input arrives (interrupts do not wake it, as on QEMU). */
  input = 2,
}

export class Hart {
  /** Integer registers as lo/hi Int32 halves; x0 is kept zero by the interpreter. */
  readonly x = new Int32Array(64);
  /** Float registers as raw bits, lo/hi halves; single-precision values are NaN-boxed (hi = -1). */
  readonly fw = new Int32Array(64);
  /** The pc as an exact integer (sign-extended 64-bit value; every canonical address fits in a double). */
  pc = 0;
  priv: Priv = Priv.M;
  run: HartRun = HartRun.running;
  /** Instructions this hart has executed (its own share of the machine's position). */
  retired = 0;

  // Floating-point control.
  fflags = 0;
  frm = 0;

  // Machine- and supervisor-level CSR storage. Rarely-touched 64-bit CSRs are bigint.
  mstatus = 0;
  mie = 0;
  /** Software-writable pending bits (SSIP, STIP, SEIP as written by M-mode). */
  mipSoft = 0;
  /** Pending bits driven by devices: MSIP (CLINT), MTIP (timer), MEIP/SEIP (PLIC). */
  mipHw = 0;
  medeleg = 0;
  mideleg = 0;
  mtvec = 0n;
  stvec = 0n;
  mepc = 0n;
  sepc = 0n;
  mcause = 0n;
  scause = 0n;
  mtval = 0n;
  stval = 0n;
  mscratch = 0n;
  sscratch = 0n;
  satp = 0n;
  mcounteren = 0;
  scounteren = 0;
  menvcfg = 0n;
  senvcfg = 0n;
  stimecmp = (1n << 64n) - 1n;
  readonly pmpcfg = new Uint8Array(16);
  /** mhpmcounter3..18 and mhpmevent3..18 (indices 3..18; they hold values but do not count). */
  readonly hpm = new Array<bigint>(19).fill(0n);
  readonly hpmEvent = new Array<bigint>(19).fill(0n);
  readonly pmpaddr = new Array<bigint>(16).fill(0n);

  /** LR reservation: physical address (aligned to its size) or -1, and its size in bytes. */
  reservation = -1;
  reservationSize = 0;
  /** The value LR read (lo/hi): like QEMU, SC also requires memory to still hold it. */
  reservedLo = 0;
  reservedHi = 0;

  /** This hart's address translation and TLB (set by the machine). */
  mmu: Mmu | undefined;

  /** `x` may be given to place the registers elsewhere (the WebAssembly block backend's memory). */
  constructor(
    readonly id: number,
    x?: Int32Array<ArrayBuffer>,
  ) {
    if (x) this.x = x;
  }

  /** Unsigned 64-bit value of x[i]. */
  readX(i: number): bigint {
    return (BigInt(this.x[2 * i + 1] >>> 0) << 32n) | BigInt(this.x[2 * i] >>> 0);
  }

  /** Sets x[i] (ignored for x0). */
  writeX(i: number, v: bigint): void {
    if (i === 0) return;
    this.x[2 * i] = Number(v & 0xffffffffn) | 0;
    this.x[2 * i + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  /** Raw 64-bit bits of f[i]. */
  readF(i: number): bigint {
    return (BigInt(this.fw[2 * i + 1] >>> 0) << 32n) | BigInt(this.fw[2 * i] >>> 0);
  }

  writeF(i: number, v: bigint): void {
    this.fw[2 * i] = Number(v & 0xffffffffn) | 0;
    this.fw[2 * i + 1] = Number((v >> 32n) & 0xffffffffn) | 0;
  }

  /** The pc as an unsigned 64-bit value. */
  get pc64(): bigint {
    return BigInt.asUintN(64, BigInt(this.pc));
  }

  /** Records that float state changed (mstatus.FS = dirty). */
  markFsDirty(): void {
    this.mstatus |= MSTATUS.FS;
  }

  /** Whether float instructions are enabled (mstatus.FS != off). */
  get fpEnabled(): boolean {
    return (this.mstatus & MSTATUS.FS) !== 0;
  }

  /** mip as software sees it. */
  get mip(): number {
    return this.mipSoft | this.mipHw;
  }
}
