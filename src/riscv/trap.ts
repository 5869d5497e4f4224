// Trap entry and return (privileged spec v1.12): exception and interrupt delivery with delegation, mret and sret.

import { Hart, IRQ, MSTATUS, Priv } from './hart';

/** Interrupt numbers from highest to lowest priority. */
const PRIORITY = [IRQ.MEI, IRQ.MSI, IRQ.MTI, IRQ.SEI, IRQ.SSI, IRQ.STI];

/** Reported when a trap would vector to address 0, i.e. the guest installed no handler. */
export class UnhandledTrap {
  constructor(
    readonly cause: bigint,
    readonly pc: number,
    readonly tval: bigint,
  ) {}
}

/**
 * Enters the trap handler for `cause` (interrupt bit in `interrupt`). Returns an UnhandledTrap when the
 * target tvec is 0, leaving the hart unchanged so the machine can report where it stopped.
 */
export function enterTrap(h: Hart, cause: number, interrupt: boolean, tval: bigint): UnhandledTrap | undefined {
  const bit = 1 << cause;
  const delegated = h.priv <= Priv.S && ((interrupt ? h.mideleg : h.medeleg) & bit) !== 0;
  const causeValue = interrupt ? (1n << 63n) | BigInt(cause) : BigInt(cause);
  const tvec = delegated ? h.stvec : h.mtvec;
  const base = tvec & ~3n;
  if (base === 0n) return new UnhandledTrap(causeValue, h.pc, tval);
  const vectored = (tvec & 3n) === 1n && interrupt;
  const target = Number(BigInt.asIntN(64, vectored ? base + 4n * BigInt(cause) : base));
  const epc = BigInt.asUintN(64, BigInt(h.pc));
  let s = h.mstatus;
  if (delegated) {
    h.scause = causeValue;
    h.sepc = epc;
    h.stval = tval;
    s = (s & ~MSTATUS.SPP) | (h.priv === Priv.S ? MSTATUS.SPP : 0);
    s = (s & ~MSTATUS.SPIE) | ((s & MSTATUS.SIE) !== 0 ? MSTATUS.SPIE : 0);
    s &= ~MSTATUS.SIE;
    h.priv = Priv.S;
  } else {
    h.mcause = causeValue;
    h.mepc = epc;
    h.mtval = tval;
    s = (s & ~MSTATUS.MPP) | (h.priv << MSTATUS.MPP_SHIFT);
    s = (s & ~MSTATUS.MPIE) | ((s & MSTATUS.MIE) !== 0 ? MSTATUS.MPIE : 0);
    s &= ~MSTATUS.MIE;
    h.priv = Priv.M;
  }
  h.mstatus = s;
  h.pc = target;
  return undefined;
}

/** The highest-priority interrupt that is pending, enabled and not masked at the current privilege, or -1. */
export function pendingInterrupt(h: Hart): number {
  const pending = (h.mipSoft | h.mipHw) & h.mie;
  if (pending === 0) return -1;
  const mEnabled = h.priv < Priv.M || (h.mstatus & MSTATUS.MIE) !== 0;
  const sEnabled = h.priv < Priv.S || (h.priv === Priv.S && (h.mstatus & MSTATUS.SIE) !== 0);
  const mPending = mEnabled ? pending & ~h.mideleg : 0;
  const sPending = sEnabled ? pending & h.mideleg : 0;
  const ready = mPending !== 0 ? mPending : sPending;
  if (ready === 0) return -1;
  for (const irq of PRIORITY) if (ready & (1 << irq)) return irq;
  return -1;
}

/** mret: returns to the privilege in MPP. */
export function mret(h: Hart): void {
  let s = h.mstatus;
  const mpp = ((s & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT) as Priv;
  s = (s & ~MSTATUS.MIE) | ((s & MSTATUS.MPIE) !== 0 ? MSTATUS.MIE : 0);
  s |= MSTATUS.MPIE;
  s &= ~MSTATUS.MPP; // MPP <- U
  if (mpp !== Priv.M) s &= ~MSTATUS.MPRV;
  h.mstatus = s;
  h.priv = mpp;
  h.pc = Number(BigInt.asIntN(64, h.mepc));
}

/** sret: returns to the privilege in SPP. */
export function sret(h: Hart): void {
  let s = h.mstatus;
  const spp = (s & MSTATUS.SPP) !== 0 ? Priv.S : Priv.U;
  s = (s & ~MSTATUS.SIE) | ((s & MSTATUS.SPIE) !== 0 ? MSTATUS.SIE : 0);
  s |= MSTATUS.SPIE;
  s &= ~MSTATUS.SPP;
  s &= ~MSTATUS.MPRV;
  h.mstatus = s;
  h.priv = spp;
  h.pc = Number(BigInt.asIntN(64, h.sepc));
}
