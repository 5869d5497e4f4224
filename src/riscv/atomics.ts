// The A extension: LR/SC with per-hart reservations and the AMOs, atomic because harts run one at a time.
// Like QEMU, SC succeeds only if the reservation is held and memory still holds the value LR read; a store by
// another hart to the reserved bytes also breaks the reservation (the bus does that on RESERVED pages).

import { HartBus, PAGE } from './bus';
import { CAUSE, Hart } from './hart';
import { Group, GROUPS, Op } from './instructions';
import { lt64, ltu64, toNumber } from './alu64';
import { Access, Mmu } from './mmu';

/** Executes an LR, SC or AMO. Returns -1 on success or the exception cause. */
export function executeAtomic(h: Hart, bus: HartBus, op: Op, w: number, mmu?: Mmu): number {
  const x = h.x;
  const rs1 = (w >> 14) & 62,
    rs2 = (w >> 19) & 62,
    rd = (w >> 6) & 62;
  const double = (GROUPS[op] & Group.double) !== 0;
  const size = double ? 8 : 4;
  let addr = toNumber(x[rs1], x[rs1 + 1]);
  const isLoad = op === Op.LR_W || op === Op.LR_D;
  if (addr % size !== 0) return isLoad ? CAUSE.loadMisaligned : CAUSE.storeMisaligned;
  if (mmu) {
    addr = mmu.translate(h, addr, isLoad ? Access.load : Access.store);
    if (addr < 0) return mmu.fault;
  }
  const off = addr - bus.ramBase;
  if (!(off >= 0 && off <= bus.ramSize - size)) return isLoad ? CAUSE.loadAccess : CAUSE.storeAccess;
  const ram32 = bus.ram32,
    i = off >> 2;
  const oldLo = ram32[i],
    oldHi = double ? ram32[i + 1] : oldLo >> 31;
  const bLo = x[rs2],
    bHi = double ? x[rs2 + 1] : bLo >> 31;

  if (isLoad) {
    h.reservation = addr;
    h.reservationSize = size;
    h.reservedLo = oldLo;
    h.reservedHi = oldHi;
    bus.pageFlags[off >>> 12] |= PAGE.RESERVED;
    x[rd] = oldLo;
    x[rd + 1] = oldHi;
    return -1;
  }
  if (op === Op.SC_W || op === Op.SC_D) {
    const ok = h.reservation === addr && h.reservationSize === size && h.reservedLo === oldLo && h.reservedHi === oldHi;
    h.reservation = -1;
    if (ok) {
      const r = bus.store(h, addr, size, bLo, bHi);
      if (r >= 0) return r;
    }
    x[rd] = ok ? 0 : 1;
    x[rd + 1] = 0;
    return -1;
  }
  let lo: number, hi: number;
  switch (op) {
    case Op.AMOSWAP_W:
    case Op.AMOSWAP_D:
      lo = bLo;
      hi = bHi;
      break;
    case Op.AMOADD_W:
    case Op.AMOADD_D: {
      lo = (oldLo + bLo) | 0;
      hi = (oldHi + bHi + (lo >>> 0 < oldLo >>> 0 ? 1 : 0)) | 0;
      break;
    }
    case Op.AMOXOR_W:
    case Op.AMOXOR_D:
      lo = oldLo ^ bLo;
      hi = oldHi ^ bHi;
      break;
    case Op.AMOAND_W:
    case Op.AMOAND_D:
      lo = oldLo & bLo;
      hi = oldHi & bHi;
      break;
    case Op.AMOOR_W:
    case Op.AMOOR_D:
      lo = oldLo | bLo;
      hi = oldHi | bHi;
      break;
    case Op.AMOMIN_W:
    case Op.AMOMIN_D:
      [lo, hi] = lt64(oldLo, oldHi, bLo, bHi) ? [oldLo, oldHi] : [bLo, bHi];
      break;
    case Op.AMOMAX_W:
    case Op.AMOMAX_D:
      [lo, hi] = lt64(oldLo, oldHi, bLo, bHi) ? [bLo, bHi] : [oldLo, oldHi];
      break;
    case Op.AMOMINU_W:
    case Op.AMOMINU_D:
      if (!double) {
        [lo, hi] = oldLo >>> 0 < bLo >>> 0 ? [oldLo, oldHi] : [bLo, bHi];
        break;
      }
      [lo, hi] = ltu64(oldLo, oldHi, bLo, bHi) ? [oldLo, oldHi] : [bLo, bHi];
      break;
    case Op.AMOMAXU_W:
    case Op.AMOMAXU_D:
      if (!double) {
        [lo, hi] = oldLo >>> 0 < bLo >>> 0 ? [bLo, bHi] : [oldLo, oldHi];
        break;
      }
      [lo, hi] = ltu64(oldLo, oldHi, bLo, bHi) ? [bLo, bHi] : [oldLo, oldHi];
      break;
    default:
      return CAUSE.illegal;
  }
  const r = bus.store(h, addr, size, lo, hi);
  if (r >= 0) return r;
  x[rd] = oldLo;
  x[rd + 1] = oldHi;
  return -1;
}
