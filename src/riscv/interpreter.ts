// The interpreter: runs one hart for up to `budget` instructions, dispatching on ids from the one instruction table.
// Decoded instructions are cached per RAM page; the loop exits early whenever interrupt state may have changed.

import { HartBus, PAGE } from './bus';
import { CAUSE, Hart, HartRun, MSTATUS, Priv } from './hart';
import { Group, GROUPS, Op, VARIANT } from './instructions';
import { decodeOp } from './decode';
import { expandCompressed } from './compressed';
import { div64, divu64, divuw, divw, lt64, ltu64, mul64, mulh64, out, sll64, sra64, srl64 } from './alu64';
import { readCsr, writeCsr } from './csr';
import { enterTrap, mret, pendingInterrupt, sret, UnhandledTrap } from './trap';
import { executeAtomic } from './atomics';
import { Access, Mmu } from './mmu';
import { CROSS_PAGE, crossPageLoad, crossPageStore, dataFault, translateData } from './vm-access';
import { execFp } from './fpu';
import { Block } from './block-compiler';

const TWO32 = 4294967296;
const EMPTY = new Int32Array(4096);
const NO_BLOCKS: (Block | null | undefined)[] = [];
const NO_HEAT = new Uint16Array(0);
const NO_TLB = new Float64Array(256).fill(-1);

/** Links `prev` (which just returned `pc`) to the block that runs next, in one of its two link slots. */
function link(prev: Block, pc: number, next: Block): void {
  if (prev.pc0 === pc || prev.to0 === null) {
    prev.pc0 = pc;
    prev.to0 = next;
  } else {
    prev.pc1 = pc;
    prev.to1 = next;
  }
}

/** Called when a trap has no handler; the machine stops and reports it. */
export type UnhandledTrapSink = (h: Hart, trap: UnhandledTrap) => void;

/**
 * Fills decode-cache slot `slot` (index into the page's Int32Array) for the instruction at RAM offset `off`.
 * The cached word is the 32-bit form; a compressed instruction is stored with bit 1 clear so the
 * interpreter can tell its length (2 + (word & 2)) without another lookup.
 */
function decodeSlot(
  bus: HartBus,
  cache: Int32Array,
  slot: number,
  off: number,
  pc: number,
  breakpoints: ReadonlySet<number>,
  suppress: number,
): number {
  const ram16 = bus.ram16;
  const lo = ram16[off >> 1];
  let word: number, op: Op;
  if ((lo & 3) === 3) {
    const hiParcel = off + 2 < bus.ramSize ? ram16[(off + 2) >> 1] : -1;
    if (hiParcel < 0) {
      word = lo;
      op = Op.ILLEGAL;
    } else {
      word = lo | (hiParcel << 16);
      op = decodeOp(word);
    }
  } else {
    const expanded = expandCompressed(lo);
    if (expanded === 0) {
      word = lo;
      op = Op.ILLEGAL;
    } else {
      word = expanded & ~2;
      op = decodeOp(expanded);
    }
  }
  if (breakpoints.size !== 0 && pc !== suppress && breakpoints.has(pc)) op = Op.BREAKPOINT;
  cache[slot] = op;
  cache[slot + 1] = word;
  return op;
}

/** Per-bus execution options that the machine and debugger adjust. */
export interface ExecOptions {
  /** Physical addresses that stop execution before the instruction runs. */
  breakpoints: ReadonlySet<number>;
  /** A breakpoint address to execute through once (resuming from it). */
  suppressBreakAt: number;
  onUnhandledTrap: UnhandledTrapSink;
  /** Set by the interpreter when it stopped before a breakpoint. */
  hit: boolean;
  /** Compile hot code into blocks (false runs the pure interpreter, the reference for differential tests). */
  compile: boolean;
}

/**
 * Runs hart `h` for at most `budget` instructions and returns how many it executed (trapping ones count).
 * It returns early after anything that may change interrupt state, on wfi, on a breakpoint and when `bus.stop` is set.
 */
export function execute(h: Hart, bus: HartBus, budget: number, opts: ExecOptions): number {
  const x = h.x;
  const ramBase = bus.ramBase,
    ramSize = bus.ramSize,
    ramLast8 = ramSize - 8;
  const ram8 = bus.ram8,
    ram16 = bus.ram16,
    ram32 = bus.ram32,
    pf = bus.pageFlags,
    codePages = bus.codePages;
  const watchReads = bus.watchReads;
  const base = h.retired;
  const bps = opts.breakpoints,
    suppress = opts.suppressBreakAt;
  let pc = h.pc;
  let n = 0;
  let curPg = -1;
  let cache: Int32Array = EMPTY;
  let blocks = NO_BLOCKS;
  let heat: Uint16Array = NO_HEAT;
  // Sv39: translation for instruction fetch and for data (MPRV can translate data while fetch is physical).
  const mmu = h.mmu;
  const ivm = mmu !== undefined && Mmu.fetchTranslated(h);
  const dvm = mmu !== undefined && Mmu.dataTranslated(h);
  if (ivm || dvm) mmu!.sync(h);
  // Compiled blocks: keyed by physical pc, checked against the virtual pc and whether data is translated.
  const compile = opts.compile;
  let skipBlock = !compile;
  const cache_ = bus.blocks,
    bctx = cache_.ctx,
    stats = cache_.stats,
    hot = cache_.hot;
  let inBlocks = 0;
  stats.entries++;
  bctx.x = x;
  bctx.wr = watchReads;
  if (dvm) {
    bctx.tl = mmu!.tags[Access.load];
    bctx.bl = mmu!.bases[Access.load];
    bctx.ts = mmu!.tags[Access.store];
    bctx.bs = mmu!.bases[Access.store];
  }
  // The fetch TLB: a link into another virtual page holds only while the interpreter would translate the same way.
  const ft = ivm ? mmu!.tags[Access.fetch] : NO_TLB,
    fb = ivm ? mmu!.bases[Access.fetch] : NO_TLB;
  /** The block that ran last when no instruction has been interpreted since, to be linked to the next one. */
  let prev: Block | null = null;
  let trapCause = -1;
  let trapTval = 0n;
  let w = 0;

  while (n < budget) {
    x[0] = 0;
    x[1] = 0;
    let off = pc - ramBase;
    if (ivm) {
      // A breakpoint stops before the fetch: translating first would set the A bit of a page not yet fetched from,
      // a change of RAM at the stop that a replay to the same position does not make.
      if (bps.size !== 0 && pc !== suppress && bps.has(pc)) {
        h.pc = pc;
        bus.stop = true;
        opts.hit = true;
        h.retired = base + n;
        stats.inBlocks += inBlocks;
        stats.interpreted += n - inBlocks;
        return n;
      }
      const p = mmu!.translate(h, pc, Access.fetch);
      if (p < 0) {
        trapCause = mmu!.fault;
        trapTval = BigInt.asUintN(64, BigInt(pc));
        break;
      }
      off = p - ramBase;
    }
    if (!(off >= 0 && off < ramSize)) {
      trapCause = CAUSE.fetchAccess;
      trapTval = BigInt.asUintN(64, BigInt(pc));
      break;
    }
    const pg = off >>> 12;
    if (pg !== curPg) {
      curPg = pg;
      cache = codePages[pg] ?? bus.codePage(pg);
      if (compile) {
        blocks = cache_.pages[pg];
        heat = cache_.heat[pg];
      }
    }
    const slot = off & 4094;
    if (!skipBlock) {
      let blk = blocks[slot >> 1];
      if (blk !== null) {
        if (blk !== undefined && blk.vpc === pc && blk.dvm === dvm) {
          if (blk.len <= budget - n) {
            if (prev !== null) link(prev, pc, blk);
            // Chain: follow links from block to block while each one fits the budget.
            for (;;) {
              bctx.budget = budget - n;
              bctx.bail = 0;
              blk.fn(bctx);
              pc = bctx.pc;
              n += bctx.count;
              inBlocks += bctx.count;
              stats.calls++;
              blk.runs++;
              // A bail-out stops before an instruction the block cannot do; the interpreter runs that one.
              if (bctx.bail !== 0) {
                stats.bails++;
                if (bctx.count === 0) cache_.bailedAtStart(blk);
                skipBlock = true;
                prev = null;
                break;
              }
              prev = blk;
              const nx: Block | null = blk.pc0 === pc ? blk.to0 : blk.pc1 === pc ? blk.to1 : null;
              if (nx === null || !nx.valid || nx.dvm !== dvm || nx.len > budget - n) break;
              if (ivm && Math.floor(pc / 4096) !== Math.floor(blk.vpc / 4096)) {
                const vp = Math.floor(pc / 4096),
                  s = vp & 255;
                if (ft[s] !== vp || fb[s] !== nx.start - (pc - vp * 4096)) break;
              }
              blk = nx;
            }
            continue;
          }
        } else if (++heat[slot >> 1] >= hot && cache_.arrive(pg, off + ramBase, pc, dvm, bps) !== undefined) continue;
      }
    } else skipBlock = !compile;
    prev = null;
    let op: Op = cache[slot];
    if ((op as number) === 0) op = decodeSlot(bus, cache, slot, off, pc, bps, suppress);
    w = cache[slot + 1];
    if (ivm && slot === 4094 && (w & 3) === 3) {
      // A 32-bit instruction straddling two virtual pages: its upper half lives wherever the next page maps.
      const p2 = mmu!.translate(h, pc + 2, Access.fetch);
      if (p2 < 0) {
        trapCause = mmu!.fault;
        trapTval = BigInt.asUintN(64, BigInt(pc + 2));
        break;
      }
      const hiParcel = bus.fetch16(p2);
      if (hiParcel < 0) {
        trapCause = CAUSE.fetchAccess;
        trapTval = BigInt.asUintN(64, BigInt(pc + 2));
        break;
      }
      w = ram16[off >> 1] | (hiParcel << 16) | 0;
      op = decodeOp(w);
    }
    const npc = pc + 2 + (w & 2);
    const rd = (w >> 6) & 62,
      rs1 = (w >> 14) & 62,
      rs2 = (w >> 19) & 62;

    switch (op) {
      case Op.LUI: {
        const v = w & 0xfffff000;
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.AUIPC: {
        const v = pc + (w & 0xfffff000);
        x[rd] = v | 0;
        x[rd + 1] = Math.floor(v / TWO32) | 0;
        pc = npc;
        break;
      }
      case Op.JAL: {
        const t =
          pc + (((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1));
        x[rd] = npc | 0;
        x[rd + 1] = Math.floor(npc / TWO32) | 0;
        pc = t;
        break;
      }
      case Op.JALR: {
        const imm = w >> 20,
          blo = x[rs1];
        const t = x[rs1 + 1] * TWO32 + (blo >>> 0) + imm - ((blo + imm) & 1);
        x[rd] = npc | 0;
        x[rd + 1] = Math.floor(npc / TWO32) | 0;
        pc = t;
        break;
      }
      case Op.BEQ:
        pc = x[rs1] === x[rs2] && x[rs1 + 1] === x[rs2 + 1] ? pc + immB(w) : npc;
        break;
      case Op.BNE:
        pc = x[rs1] !== x[rs2] || x[rs1 + 1] !== x[rs2 + 1] ? pc + immB(w) : npc;
        break;
      case Op.BLT:
        pc = lt64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]) ? pc + immB(w) : npc;
        break;
      case Op.BGE:
        pc = lt64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]) ? npc : pc + immB(w);
        break;
      case Op.BLTU:
        pc = ltu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]) ? pc + immB(w) : npc;
        break;
      case Op.BGEU:
        pc = ltu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]) ? npc : pc + immB(w);
        break;

      case Op.LB:
      case Op.LH:
      case Op.LW:
      case Op.LD:
      case Op.LBU:
      case Op.LHU:
      case Op.LWU:
      case Op.FLW:
      case Op.FLD: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number, hi: number;
        const size = LOAD_SIZE[op];
        if ((GROUPS[op] & Group.float) !== 0 && !h.fpEnabled) {
          trapCause = CAUSE.illegal;
          trapTval = BigInt(w >>> 0);
          break;
        }
        let addr = vaddr;
        if (dvm) {
          addr = translateData(h, mmu!, vaddr, size, Access.load);
          if (addr === -1) {
            trapCause = mmu!.fault;
            trapTval = BigInt.asUintN(64, BigInt(dataFault.vaddr));
            break;
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & (size - 1)) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          switch (op) {
            case Op.LD:
            case Op.FLD:
              lo = ram32[a >> 2];
              hi = ram32[(a >> 2) + 1];
              break;
            case Op.LW:
            case Op.FLW:
              lo = ram32[a >> 2];
              hi = lo >> 31;
              break;
            case Op.LWU:
              lo = ram32[a >> 2];
              hi = 0;
              break;
            case Op.LH:
              lo = (ram16[a >> 1] << 16) >> 16;
              hi = lo >> 31;
              break;
            case Op.LHU:
              lo = ram16[a >> 1];
              hi = 0;
              break;
            case Op.LB:
              lo = (ram8[a] << 24) >> 24;
              hi = lo >> 31;
              break;
            default:
              lo = ram8[a];
              hi = 0;
              break;
          }
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, size) : bus.load(h, addr, size);
          if (r >= 0) {
            trapCause = r;
            trapTval = BigInt.asUintN(64, BigInt(vaddr));
            break;
          }
          lo = bus.lo;
          hi = bus.hi;
          if (op === Op.LB) {
            lo = (lo << 24) >> 24;
            hi = lo >> 31;
          } else if (op === Op.LH) {
            lo = (lo << 16) >> 16;
            hi = lo >> 31;
          } else if (op === Op.LW || op === Op.FLW) hi = lo >> 31;
          else if (op !== Op.LD && op !== Op.FLD) hi = 0;
          if (bus.stop) budget = n + 1;
        }
        if ((GROUPS[op] & Group.float) !== 0) {
          const fw = h.fw;
          fw[rd] = lo;
          fw[rd + 1] = op === Op.FLW ? -1 : hi;
          h.mstatus |= MSTATUS.FS;
        } else {
          x[rd] = lo;
          x[rd + 1] = hi;
        }
        pc = npc;
        break;
      }
      case Op.SB:
      case Op.SH:
      case Op.SW:
      case Op.SD:
      case Op.FSW:
      case Op.FSD: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const size = STORE_SIZE[op];
        let lo: number, hi: number;
        if ((GROUPS[op] & Group.float) !== 0) {
          if (!h.fpEnabled) {
            trapCause = CAUSE.illegal;
            trapTval = BigInt(w >>> 0);
            break;
          }
          lo = h.fw[rs2];
          hi = h.fw[rs2 + 1];
        } else {
          lo = x[rs2];
          hi = x[rs2 + 1];
        }
        let addr = vaddr;
        if (dvm) {
          addr = translateData(h, mmu!, vaddr, size, Access.store);
          if (addr === -1) {
            trapCause = mmu!.fault;
            trapTval = BigInt.asUintN(64, BigInt(dataFault.vaddr));
            break;
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & (size - 1)) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          switch (size) {
            case 8:
              ram32[a >> 2] = lo;
              ram32[(a >> 2) + 1] = hi;
              break;
            case 4:
              ram32[a >> 2] = lo;
              break;
            case 2:
              ram16[a >> 1] = lo;
              break;
            default:
              ram8[a] = lo;
              break;
          }
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE
              ? crossPageStore(h, bus, mmu!, vaddr, size, lo, hi)
              : bus.store(h, addr, size, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = BigInt.asUintN(64, BigInt(vaddr));
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) curPg = -1;
        }
        pc = npc;
        break;
      }

      case Op.ADDI: {
        const imm = w >> 20,
          lo = (x[rs1] + imm) | 0;
        x[rd + 1] = (x[rs1 + 1] + (imm >> 31) + (lo >>> 0 < x[rs1] >>> 0 ? 1 : 0)) | 0;
        x[rd] = lo;
        pc = npc;
        break;
      }
      case Op.SLTI: {
        const imm = w >> 20;
        x[rd] = lt64(x[rs1], x[rs1 + 1], imm, imm >> 31) ? 1 : 0;
        x[rd + 1] = 0;
        pc = npc;
        break;
      }
      case Op.SLTIU: {
        const imm = w >> 20;
        x[rd] = ltu64(x[rs1], x[rs1 + 1], imm, imm >> 31) ? 1 : 0;
        x[rd + 1] = 0;
        pc = npc;
        break;
      }
      case Op.XORI: {
        const imm = w >> 20;
        x[rd] = x[rs1] ^ imm;
        x[rd + 1] = x[rs1 + 1] ^ (imm >> 31);
        pc = npc;
        break;
      }
      case Op.ORI: {
        const imm = w >> 20;
        x[rd] = x[rs1] | imm;
        x[rd + 1] = x[rs1 + 1] | (imm >> 31);
        pc = npc;
        break;
      }
      case Op.ANDI: {
        const imm = w >> 20;
        x[rd] = x[rs1] & imm;
        x[rd + 1] = x[rs1 + 1] & (imm >> 31);
        pc = npc;
        break;
      }
      case Op.SLLI:
        sll64(x[rs1], x[rs1 + 1], (w >>> 20) & 63);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.SRLI:
        srl64(x[rs1], x[rs1 + 1], (w >>> 20) & 63);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.SRAI:
        sra64(x[rs1], x[rs1 + 1], (w >>> 20) & 63);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.ADD: {
        const a = x[rs1],
          lo = (a + x[rs2]) | 0;
        x[rd + 1] = (x[rs1 + 1] + x[rs2 + 1] + (lo >>> 0 < a >>> 0 ? 1 : 0)) | 0;
        x[rd] = lo;
        pc = npc;
        break;
      }
      case Op.SUB: {
        const a = x[rs1],
          b = x[rs2];
        x[rd + 1] = (x[rs1 + 1] - x[rs2 + 1] - (a >>> 0 < b >>> 0 ? 1 : 0)) | 0;
        x[rd] = (a - b) | 0;
        pc = npc;
        break;
      }
      case Op.SLL:
        sll64(x[rs1], x[rs1 + 1], x[rs2] & 63);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.SRL:
        srl64(x[rs1], x[rs1 + 1], x[rs2] & 63);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.SRA:
        sra64(x[rs1], x[rs1 + 1], x[rs2] & 63);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.SLT:
        x[rd] = lt64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]) ? 1 : 0;
        x[rd + 1] = 0;
        pc = npc;
        break;
      case Op.SLTU:
        x[rd] = ltu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]) ? 1 : 0;
        x[rd + 1] = 0;
        pc = npc;
        break;
      case Op.XOR:
        x[rd] = x[rs1] ^ x[rs2];
        x[rd + 1] = x[rs1 + 1] ^ x[rs2 + 1];
        pc = npc;
        break;
      case Op.OR:
        x[rd] = x[rs1] | x[rs2];
        x[rd + 1] = x[rs1 + 1] | x[rs2 + 1];
        pc = npc;
        break;
      case Op.AND:
        x[rd] = x[rs1] & x[rs2];
        x[rd + 1] = x[rs1 + 1] & x[rs2 + 1];
        pc = npc;
        break;

      case Op.ADDIW: {
        const v = (x[rs1] + (w >> 20)) | 0;
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SLLIW: {
        const v = x[rs1] << ((w >>> 20) & 31);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SRLIW: {
        const v = (x[rs1] >>> ((w >>> 20) & 31)) | 0;
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SRAIW: {
        const v = x[rs1] >> ((w >>> 20) & 31);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.ADDW: {
        const v = (x[rs1] + x[rs2]) | 0;
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SUBW: {
        const v = (x[rs1] - x[rs2]) | 0;
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SLLW: {
        const v = x[rs1] << (x[rs2] & 31);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SRLW: {
        const v = (x[rs1] >>> (x[rs2] & 31)) | 0;
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.SRAW: {
        const v = x[rs1] >> (x[rs2] & 31);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }

      case Op.MUL:
        mul64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.MULH:
        mulh64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], 0);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.MULHSU:
        mulh64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], 1);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.MULHU:
        mulh64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], 2);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.DIV:
        div64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], false);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.DIVU:
        divu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], false);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.REM:
        div64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], true);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.REMU:
        divu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], true);
        x[rd] = out.lo;
        x[rd + 1] = out.hi;
        pc = npc;
        break;
      case Op.MULW: {
        const v = Math.imul(x[rs1], x[rs2]);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.DIVW: {
        const v = divw(x[rs1], x[rs2], false);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.DIVUW: {
        const v = divuw(x[rs1], x[rs2], false);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.REMW: {
        const v = divw(x[rs1], x[rs2], true);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }
      case Op.REMUW: {
        const v = divuw(x[rs1], x[rs2], true);
        x[rd] = v;
        x[rd + 1] = v >> 31;
        pc = npc;
        break;
      }

      case Op.FENCE:
      case Op.FENCE_I:
        pc = npc;
        break; // memory is coherent and code caches are invalidated on store
      case Op.ECALL:
        trapCause = h.priv === Priv.M ? CAUSE.ecallM : h.priv === Priv.S ? CAUSE.ecallS : CAUSE.ecallU;
        trapTval = 0n;
        break;
      case Op.EBREAK:
        h.pc = pc;
        h.retired = base + n;
        if (bus.semihost(h)) {
          pc = npc;
          if (bus.stop) budget = n + 1;
          break;
        }
        trapCause = CAUSE.breakpoint;
        trapTval = 0n;
        break; // QEMU 7.2 leaves mtval 0 for ebreak
      case Op.MRET:
        if (h.priv !== Priv.M) {
          trapCause = CAUSE.illegal;
          trapTval = BigInt(w >>> 0);
          break;
        }
        mret(h);
        pc = h.pc;
        budget = n + 1;
        break;
      case Op.SRET:
        if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS.TSR) !== 0)) {
          trapCause = CAUSE.illegal;
          trapTval = BigInt(w >>> 0);
          break;
        }
        sret(h);
        pc = h.pc;
        budget = n + 1;
        break;
      case Op.WFI:
        if (h.priv !== Priv.M && (h.mstatus & MSTATUS.TW) !== 0) {
          trapCause = CAUSE.illegal;
          trapTval = BigInt(w >>> 0);
          break;
        }
        pc = npc;
        if (((h.mipSoft | h.mipHw) & h.mie) === 0) h.run = HartRun.wfi;
        // A wfi that does not sleep ends the run only when the pending interrupt can be taken: with it globally
        // masked (OpenSBI's HSM wait loop, MIE off and MSIP pending), leaving would only re-enter here.
        if (h.run === HartRun.wfi || pendingInterrupt(h) >= 0) budget = n + 1;
        break;
      case Op.SFENCE_VMA:
        if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS.TVM) !== 0)) {
          trapCause = CAUSE.illegal;
          trapTval = BigInt(w >>> 0);
          break;
        }
        mmu?.flush();
        pc = npc;
        budget = n + 1;
        break;
      case Op.CSRRW:
      case Op.CSRRS:
      case Op.CSRRC:
      case Op.CSRRWI:
      case Op.CSRRSI:
      case Op.CSRRCI: {
        h.pc = pc;
        h.retired = base + n;
        const num = (w >>> 20) & 0xfff;
        const src = (w >>> 15) & 31;
        const operand = (GROUPS[op] & Group.csrImmediate) !== 0 ? BigInt(src) : h.readX(src);
        const writes = op === Op.CSRRW || op === Op.CSRRWI || src !== 0;
        const old = readCsr(h, num, bus);
        if (old === undefined) {
          trapCause = CAUSE.illegal;
          trapTval = BigInt(w >>> 0);
          break;
        }
        if (writes) {
          const kind = VARIANT[op]; // 0 write, 1 set, 2 clear
          const next = kind === 0 ? operand : kind === 1 ? old | operand : old & ~operand;
          if (!writeCsr(h, num, next)) {
            trapCause = CAUSE.illegal;
            trapTval = BigInt(w >>> 0);
            break;
          }
        }
        if (rd !== 0) {
          x[rd] = Number(BigInt.asIntN(32, old));
          x[rd + 1] = Number(BigInt.asIntN(32, old >> 32n));
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.BREAKPOINT:
        h.pc = pc;
        bus.stop = true;
        opts.hit = true;
        h.retired = base + n;
        stats.inBlocks += inBlocks;
        stats.interpreted += n - inBlocks;
        return n;
      case Op.ILLEGAL:
        trapCause = CAUSE.illegal;
        trapTval = BigInt(w >>> 0);
        break;
      default: {
        if ((GROUPS[op] & Group.atomic) !== 0) {
          h.pc = pc;
          h.retired = base + n;
          const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0);
          const r = executeAtomic(h, bus, op, w, dvm ? mmu! : undefined);
          if (r >= 0) {
            trapCause = r;
            trapTval = BigInt.asUintN(64, BigInt(vaddr));
            break;
          }
          if (bus.stop) budget = n + 1;
          pc = npc;
          break;
        }
        if ((GROUPS[op] & Group.float) !== 0) {
          if (!h.fpEnabled) {
            trapCause = CAUSE.illegal;
            trapTval = BigInt(w >>> 0);
            break;
          }
          const r = execFp(h, op, w);
          if (r > 0) {
            trapCause = r;
            trapTval = BigInt(w >>> 0);
            break;
          }
          pc = npc;
          break;
        }
        trapCause = CAUSE.illegal;
        trapTval = BigInt(w >>> 0);
      }
    }
    if (trapCause >= 0) break;
    n++;
  }
  x[0] = 0;
  x[1] = 0;
  h.pc = pc;
  if (trapCause >= 0) {
    // The instruction that raised the exception still takes a position: positions count executions.
    const unhandled = enterTrap(h, trapCause, false, trapTval);
    if (unhandled) {
      h.retired = base + n;
      opts.onUnhandledTrap(h, unhandled);
      bus.stop = true;
      stats.inBlocks += inBlocks;
      stats.interpreted += n - inBlocks;
      return n;
    }
    n++;
  }
  h.retired = base + n;
  stats.inBlocks += inBlocks;
  stats.interpreted += n - inBlocks;
  return n;
}

const immB = (w: number) =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);

const LOAD_SIZE: number[] = [];
LOAD_SIZE[Op.LB] = 1;
LOAD_SIZE[Op.LBU] = 1;
LOAD_SIZE[Op.LH] = 2;
LOAD_SIZE[Op.LHU] = 2;
LOAD_SIZE[Op.LW] = 4;
LOAD_SIZE[Op.LWU] = 4;
LOAD_SIZE[Op.LD] = 8;
LOAD_SIZE[Op.FLW] = 4;
LOAD_SIZE[Op.FLD] = 8;
const STORE_SIZE: number[] = [];
STORE_SIZE[Op.SB] = 1;
STORE_SIZE[Op.SH] = 2;
STORE_SIZE[Op.SW] = 4;
STORE_SIZE[Op.SD] = 8;
STORE_SIZE[Op.FSW] = 4;
STORE_SIZE[Op.FSD] = 8;
