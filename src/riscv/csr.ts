// The CSR file: reads and writes with the privileged spec's access rules and WARL masks.
// An access to an unimplemented CSR returns undefined, which the interpreter turns into an illegal-instruction trap.

import { CSR } from './csr-names';
import { Hart, IRQ, MSTATUS, Priv } from './hart';

const MISA = (2n << 62n) | [0, 2, 3, 5, 8, 12, 18, 20].reduce((m, b) => m | (1n << BigInt(b)), 0n); // RV64 ACDFIMSU
const MSTATUS_HI = 0xan; // UXL = SXL = 2 (64-bit), in bits 32..35
const MSTATUS_WRITABLE =
  MSTATUS.SIE |
  MSTATUS.MIE |
  MSTATUS.SPIE |
  MSTATUS.MPIE |
  MSTATUS.SPP |
  MSTATUS.MPP |
  MSTATUS.FS |
  MSTATUS.MPRV |
  MSTATUS.SUM |
  MSTATUS.MXR |
  MSTATUS.TVM |
  MSTATUS.TW |
  MSTATUS.TSR;
const SSTATUS_MASK = MSTATUS.SIE | MSTATUS.SPIE | MSTATUS.SPP | MSTATUS.FS | MSTATUS.SUM | MSTATUS.MXR;
const S_INTS = (1 << IRQ.SSI) | (1 << IRQ.STI) | (1 << IRQ.SEI);
const ALL_INTS = S_INTS | (1 << IRQ.MSI) | (1 << IRQ.MTI) | (1 << IRQ.MEI);
const MEDELEG_MASK = 0xb3ff; // every synchronous exception except ecall from M (11), and reserved 10, 14
const MIP_WRITABLE = S_INTS;

/** Environment the CSR file reads time from. */
export interface CsrClock {
  mtime(): bigint;
}

function statusValue(h: Hart, mask: number): bigint {
  const low = h.mstatus & mask;
  const dirty = (h.mstatus & MSTATUS.FS) === MSTATUS.FS;
  return (dirty ? 1n << 63n : 0n) | (MSTATUS_HI << 32n) | BigInt(low >>> 0);
}

/** Whether `num` may be accessed at the hart's privilege (counters also honour mcounteren/scounteren). */
function accessible(h: Hart, num: number): boolean {
  if (h.priv < ((num >>> 8) & 3)) return false;
  if (num >= 0xc00 && num <= 0xc1f) {
    const bit = 1 << (num - 0xc00);
    if (h.priv < Priv.M && (h.mcounteren & bit) === 0) return false;
    if (h.priv < Priv.S && (h.scounteren & bit) === 0) return false;
  }
  return true;
}

/** Reads a CSR, or undefined when it does not exist or is not accessible. */
export function readCsr(h: Hart, num: number, clock: CsrClock): bigint | undefined {
  if (!accessible(h, num)) return undefined;
  if (num <= 3 && !h.fpEnabled) return undefined;
  switch (num) {
    case CSR.fflags:
      return BigInt(h.fflags);
    case CSR.frm:
      return BigInt(h.frm);
    case CSR.fcsr:
      return BigInt((h.frm << 5) | h.fflags);
    case CSR.mstatus:
      return statusValue(h, MSTATUS_WRITABLE);
    case CSR.sstatus:
      return statusValue(h, SSTATUS_MASK);
    case CSR.misa:
      return MISA;
    case CSR.medeleg:
      return BigInt(h.medeleg);
    case CSR.mideleg:
      return BigInt(h.mideleg);
    case CSR.mie:
      return BigInt(h.mie);
    case CSR.sie:
      return BigInt(h.mie & h.mideleg);
    case CSR.mip:
      return BigInt(h.mip);
    case CSR.sip:
      return BigInt(h.mip & h.mideleg);
    case CSR.mtvec:
      return h.mtvec;
    case CSR.stvec:
      return h.stvec;
    case CSR.mepc:
      return h.mepc;
    case CSR.sepc:
      return h.sepc;
    case CSR.mcause:
      return h.mcause;
    case CSR.scause:
      return h.scause;
    case CSR.mtval:
      return h.mtval;
    case CSR.stval:
      return h.stval;
    case CSR.mscratch:
      return h.mscratch;
    case CSR.sscratch:
      return h.sscratch;
    case CSR.satp:
      if (h.priv === Priv.S && (h.mstatus & MSTATUS.TVM) !== 0) return undefined;
      return h.satp;
    case CSR.mcounteren:
      return BigInt(h.mcounteren);
    case CSR.scounteren:
      return BigInt(h.scounteren);
    case CSR.menvcfg:
      return h.menvcfg;
    case CSR.stimecmp:
      if (h.priv < Priv.M && ((h.mcounteren & 2) === 0 || h.menvcfg >> 63n === 0n)) return undefined;
      return h.stimecmp;
    case CSR.senvcfg:
      return h.senvcfg;
    case CSR.mcountinhibit:
      return 0n;
    case CSR.mcycle:
    case CSR.minstret:
    case CSR.cycle:
    case CSR.instret:
      return BigInt(h.retired);
    case CSR.time:
      return clock.mtime();
    case CSR.mvendorid:
    case CSR.marchid:
    case CSR.mimpid:
    case CSR.mconfigptr:
      return 0n;
    case CSR.mhartid:
      return BigInt(h.id);
  }
  if (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + 16) return h.pmpaddr[num - CSR.pmpaddr0];
  if (num >= CSR.pmpcfg0 && num < CSR.pmpcfg0 + 4 && (num & 1) === 0) {
    const base = (num - CSR.pmpcfg0) * 4;
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(h.pmpcfg[base + k]);
    return v;
  }
  // Sixteen programmable counters (3..18) hold what is written, as QEMU 7.2's default PMU; they do not count
  // events. The rest of the range reads as zero.
  if (num > 0xb02 && num <= 0xb1f) return h.hpm[num - 0xb00] ?? 0n;
  if (num > 0xc02 && num <= 0xc1f) return h.hpm[num - 0xc00] ?? 0n;
  if (num > 0x322 && num <= 0x33f) return h.hpmEvent[num - 0x320] ?? 0n;
  return undefined;
}

/**
 * Writes a CSR. Returns false when it does not exist, is read-only, or is not accessible.
 * The caller has already decided that the instruction writes (csrrs/csrrc with rs1 = x0 do not).
 */
export function writeCsr(h: Hart, num: number, v: bigint): boolean {
  if (num >>> 10 === 3) return false; // read-only space
  if (!accessible(h, num)) return false;
  if (num <= 3 && !h.fpEnabled) return false;
  const lo = Number(v & 0xffffffffn);
  switch (num) {
    case CSR.fflags:
      h.fflags = lo & 31;
      h.markFsDirty();
      return true;
    case CSR.frm:
      h.frm = lo & 7;
      h.markFsDirty();
      return true;
    case CSR.fcsr:
      h.fflags = lo & 31;
      h.frm = (lo >>> 5) & 7;
      h.markFsDirty();
      return true;
    case CSR.mstatus: {
      let next = (h.mstatus & ~MSTATUS_WRITABLE) | (lo & MSTATUS_WRITABLE);
      if ((next & MSTATUS.MPP) >>> MSTATUS.MPP_SHIFT === 2) next = (next & ~MSTATUS.MPP) | (h.mstatus & MSTATUS.MPP);
      h.mstatus = next;
      return true;
    }
    case CSR.sstatus:
      h.mstatus = (h.mstatus & ~SSTATUS_MASK) | (lo & SSTATUS_MASK);
      return true;
    case CSR.misa:
      return true; // WARL: not writable here
    case CSR.medeleg:
      h.medeleg = lo & MEDELEG_MASK;
      return true;
    case CSR.mideleg:
      h.mideleg = lo & S_INTS;
      return true;
    case CSR.mie:
      h.mie = lo & ALL_INTS;
      return true;
    case CSR.sie:
      h.mie = (h.mie & ~h.mideleg) | (lo & h.mideleg);
      return true;
    case CSR.mip: {
      // With Sstc enabled, STIP follows stimecmp and is not writable.
      const mask = h.menvcfg >> 63n !== 0n ? MIP_WRITABLE & ~(1 << IRQ.STI) : MIP_WRITABLE;
      h.mipSoft = (h.mipSoft & ~mask) | (lo & mask);
      return true;
    }
    case CSR.stimecmp:
      if (h.priv < Priv.M && ((h.mcounteren & 2) === 0 || h.menvcfg >> 63n === 0n)) return false;
      h.stimecmp = BigInt.asUintN(64, v);
      return true;
    case CSR.sip: {
      const m = h.mideleg & (1 << IRQ.SSI);
      h.mipSoft = (h.mipSoft & ~m) | (lo & m);
      return true;
    }
    case CSR.mtvec:
      if ((v & 3n) < 2n) h.mtvec = BigInt.asUintN(64, v);
      return true;
    case CSR.stvec:
      if ((v & 3n) < 2n) h.stvec = BigInt.asUintN(64, v);
      return true;
    case CSR.mepc:
      h.mepc = BigInt.asUintN(64, v) & ~1n;
      return true;
    case CSR.sepc:
      h.sepc = BigInt.asUintN(64, v) & ~1n;
      return true;
    case CSR.mcause:
      h.mcause = BigInt.asUintN(64, v);
      return true;
    case CSR.scause:
      h.scause = BigInt.asUintN(64, v);
      return true;
    case CSR.mtval:
      h.mtval = BigInt.asUintN(64, v);
      return true;
    case CSR.stval:
      h.stval = BigInt.asUintN(64, v);
      return true;
    case CSR.mscratch:
      h.mscratch = BigInt.asUintN(64, v);
      return true;
    case CSR.sscratch:
      h.sscratch = BigInt.asUintN(64, v);
      return true;
    case CSR.satp: {
      if (h.priv === Priv.S && (h.mstatus & MSTATUS.TVM) !== 0) return false;
      const mode = BigInt.asUintN(64, v) >> 60n;
      // All 16 ASID bits are kept, as QEMU does, so Linux's ASID allocator finds them; the TLB is flushed on every
      // satp change anyway (Mmu.sync), which is what a hart without ASID-tagged entries may do.
      if (mode === 0n || mode === 8n) h.satp = BigInt.asUintN(64, v);
      return true;
    }
    case CSR.mcounteren:
      h.mcounteren = lo & 7;
      return true;
    case CSR.scounteren:
      h.scounteren = lo & 7;
      return true;
    case CSR.menvcfg:
      h.menvcfg = BigInt.asUintN(64, v) & (0xf1n | (1n << 63n));
      return true; // STCE: Sstc
    case CSR.senvcfg:
      h.senvcfg = BigInt.asUintN(64, v) & 0xf1n;
      return true;
    case CSR.mcountinhibit:
      return true;
    case CSR.mcycle:
    case CSR.minstret:
      return true; // counters are positions: they cannot be rewound
  }
  if (num >= CSR.pmpaddr0 && num < CSR.pmpaddr0 + 16) {
    const k = num - CSR.pmpaddr0;
    if ((h.pmpcfg[k] & 0x80) === 0) h.pmpaddr[k] = BigInt.asUintN(54, v);
    return true;
  }
  if (num >= CSR.pmpcfg0 && num < CSR.pmpcfg0 + 4 && (num & 1) === 0) {
    const base = (num - CSR.pmpcfg0) * 4;
    for (let k = 0; k < 8; k++) {
      if ((h.pmpcfg[base + k] & 0x80) !== 0) continue; // locked
      let cfg = Number((v >> BigInt(8 * k)) & 0xffn) & 0x9f;
      if ((cfg & 3) === 2) cfg &= ~3; // W without R is reserved
      h.pmpcfg[base + k] = cfg;
    }
    return true;
  }
  if (num > 0xb02 && num <= 0xb1f) {
    if (num - 0xb00 <= 18) h.hpm[num - 0xb00] = BigInt.asUintN(64, v);
    return true;
  }
  if (num > 0x322 && num <= 0x33f) {
    if (num - 0x320 <= 18) h.hpmEvent[num - 0x320] = BigInt.asUintN(64, v);
    return true;
  }
  return false;
}

/** Reads a CSR as a debugger does: whatever the hart's privilege and mstatus.FS. Undefined only if it does not exist. */
export function readCsrDebug(h: Hart, num: number, clock: CsrClock): bigint | undefined {
  const priv = h.priv,
    status = h.mstatus;
  h.priv = Priv.M;
  if (num <= 3) h.mstatus |= MSTATUS.FS; // the float CSRs are readable even while FS is off
  try {
    return readCsr(h, num, clock);
  } finally {
    h.priv = priv;
    h.mstatus = status;
  }
}

/**
 * One CSR instruction (csrrw/csrrs/csrrc, `variant` 0/1/2, with a uimm source when `immediate`) of word `w`: reads
 * the CSR, writes it unless a set/clear has x0/0 as its source, then writes the old value to rd. Returns false when
 * the access is illegal, before anything changed. Out of the interpreter's loop, which bigints would slow down.
 */
export function csrInstruction(h: Hart, clock: CsrClock, w: number, variant: number, immediate: boolean): boolean {
  const num = (w >>> 20) & 0xfff;
  const src = (w >>> 15) & 31;
  const old = readCsr(h, num, clock);
  if (old === undefined) return false;
  if (variant === 0 || src !== 0) {
    const operand = immediate ? BigInt(src) : h.readX(src);
    if (!writeCsr(h, num, variant === 0 ? operand : variant === 1 ? old | operand : old & ~operand)) return false;
  }
  const rd = (w >>> 7) & 31;
  if (rd !== 0) {
    h.x[2 * rd] = Number(BigInt.asIntN(32, old));
    h.x[2 * rd + 1] = Number(BigInt.asIntN(32, old >> 32n));
  }
  return true;
}
