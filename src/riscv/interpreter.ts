// The interpreter: runs one hart for up to `budget` instructions, dispatching on ids from the one instruction table.
// Decoded instructions are cached per RAM page; the loop exits early whenever interrupt state may have changed.
// The instruction switch is generated from the semantic table (src/riscv/semantics.ts), as the block compiler's code is.

import { HartBus, PAGE } from './bus';
import { CAUSE, Hart, HartRun, MSTATUS, Priv } from './hart';
import { Op } from './instructions';
import { decodeOp } from './decode';
import { expandCompressed } from './compressed';
import { div64, divu64, divuw, divw, mul64, mulh64, out, sra64, sll64, srl64 } from './alu64';
import { csrInstruction } from './csr';
import { enterTrap, mret, pendingInterrupt, sret, UnhandledTrap } from './trap';
import { executeAtomic } from './atomics';
import { Access, Mmu } from './mmu';
import { CROSS_PAGE, crossPageLoad, crossPageStore, dataFault, translateData } from './vm-access';
import { execFp } from './fpu';
import { bindAtomics, Block } from './block-compiler';

bindAtomics(executeAtomic);

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
  bctx.h = h;
  bctx.bus = bus;
  if (dvm) {
    bctx.tl = mmu!.tags[Access.load];
    bctx.bl = mmu!.bases[Access.load];
    bctx.ts = mmu!.tags[Access.store];
    bctx.bs = mmu!.bases[Access.store];
  }
  // The data TLB, read inline by loads and stores (a hit there is what mmu.translate would answer).
  const dtl = dvm ? mmu!.tags[Access.load] : NO_TLB,
    dbl = dvm ? mmu!.bases[Access.load] : NO_TLB,
    dts = dvm ? mmu!.tags[Access.store] : NO_TLB,
    dbs = dvm ? mmu!.bases[Access.store] : NO_TLB;
  // The fetch TLB: a link into another virtual page holds only while the interpreter would translate the same way.
  const ft = ivm ? mmu!.tags[Access.fetch] : NO_TLB,
    fb = ivm ? mmu!.bases[Access.fetch] : NO_TLB;
  /** The block that ran last when no instruction has been interpreted since, to be linked to the next one. */
  let prev: Block | null = null;
  let trapCause = -1;
  /** The trap's tval as an exact double (an address or an instruction word), made a bigint only when it is taken. */
  let trapTval = 0;
  let w = 0;

  // The fetch page: pcs in [fetchV, fetchV + 4096) are at RAM offset fetchOff + (pc - fetchV). Under Sv39 this is
  // a copy of the fetch TLB's entry for the page, which only a fetch of another page (which leaves this one), an
  // sfence.vma, a satp or privilege change or a trap can change, and each of those ends this call or the page.
  let fetchV = NaN,
    fetchOff = 0;

  while (n < budget) {
    x[0] = 0;
    x[1] = 0;
    // A breakpoint stops before the fetch: translating first would set the A bit of a page not yet fetched from,
    // a change of RAM at the stop that a replay to the same position does not make.
    if (ivm && bps.size !== 0 && pc !== suppress && bps.has(pc)) {
      h.pc = pc;
      bus.stop = true;
      opts.hit = true;
      h.retired = base + n;
      stats.inBlocks += inBlocks;
      stats.interpreted += n - inBlocks;
      return n;
    }
    let off = pc - fetchV;
    if (off >= 0 && off < 4096) off += fetchOff;
    else {
      off = pc - ramBase;
      if (ivm) {
        // The fetch TLB's hit inline: a call to translate would box pc and the answer as heap numbers, at every
        // change of page, which kernel code makes every few instructions.
        const inPage = pc & 4095,
          vpn = (pc - inPage) / 4096,
          s = vpn & 255;
        let p = ft[s] === vpn ? fb[s] + inPage : -1;
        if (p < 0) {
          p = mmu!.translate(h, pc, Access.fetch);
          if (p < 0) {
            trapCause = mmu!.fault;
            trapTval = pc;
            break;
          }
        }
        off = p - ramBase;
      }
      if (!(off >= 0 && off < ramSize)) {
        trapCause = CAUSE.fetchAccess;
        trapTval = pc;
        break;
      }
      const inPage = off & 4095;
      fetchV = pc - inPage;
      fetchOff = off - inPage;
      const pg = off >>> 12;
      curPg = pg;
      cache = codePages[pg] ?? bus.codePage(pg);
      if (compile) {
        blocks = cache_.pages[pg];
        heat = cache_.heat[pg];
      }
    }
    const pg = curPg;
    const slot = off & 4094;
    if (!skipBlock) {
      let blk = blocks[slot >> 1];
      if (blk !== null) {
        if (blk !== undefined && blk.vpc === pc && blk.dvm === dvm) {
          if (blk.len <= budget - n) {
            if (prev !== null) link(prev, pc, blk);
            // Chain: follow links from block to block while each one fits the budget.
            // A wasm block's call may run a chain of linked wasm blocks itself: it then reports the last one.
            for (;;) {
              bctx.budget = budget - n;
              bctx.bail = 0;
              bctx.retired = base + n;
              bctx.ivm = ivm;
              bctx.last = blk;
              bctx.calls = 1;
              blk.fn(bctx);
              blk = bctx.last;
              pc = bctx.pc;
              n += bctx.count;
              inBlocks += bctx.count;
              stats.calls += bctx.calls;
              blk.runs++;
              // A bail-out stops before an instruction the block cannot do; the interpreter runs that one.
              if (bctx.bail !== 0) {
                stats.bails++;
                if ((bctx.calls === 1 ? bctx.count : bctx.lastCount) === 0) cache_.bailedAtStart(blk);
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
        trapTval = pc + 2;
        break;
      }
      const hiParcel = bus.fetch16(p2);
      if (hiParcel < 0) {
        trapCause = CAUSE.fetchAccess;
        trapTval = pc + 2;
        break;
      }
      w = ram16[off >> 1] | (hiParcel << 16) | 0;
      op = decodeOp(w);
    }
    const npc = pc + 2 + (w & 2);
    const rd = (w >> 6) & 62,
      rs1 = (w >> 14) & 62,
      rs2 = (w >> 19) & 62;

    // ---- BEGIN GENERATED by scripts/gen-semantics.mjs from src/riscv/semantics.ts: do not edit ----
    switch (op) {
      case Op.LUI: {
        {
          const _i = w & 0xfffff000;
          {
            const _l = _i,
              _h = _i >> 31;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.AUIPC: {
        {
          const _p = pc + (w & 0xfffff000);
          {
            const _l = _p | 0,
              _h = Math.floor(_p / TWO32) | 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.JAL: {
        const _t =
          pc + (((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1));
        {
          const _l = npc | 0,
            _h = Math.floor(npc / TWO32) | 0;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = _t;
        break;
      }
      case Op.JALR: {
        const _t = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20) - ((x[rs1] + (w >> 20)) & 1);
        {
          const _l = npc | 0,
            _h = Math.floor(npc / TWO32) | 0;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = _t;
        break;
      }
      case Op.BEQ:
        pc =
          x[rs1] === x[rs2] && x[rs1 + 1] === x[rs2 + 1]
            ? pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))
            : npc;
        break;
      case Op.BNE:
        pc =
          x[rs1] !== x[rs2] || x[rs1 + 1] !== x[rs2 + 1]
            ? pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))
            : npc;
        break;
      case Op.BLT:
        pc =
          x[rs1 + 1] < x[rs2 + 1] || (x[rs1 + 1] === x[rs2 + 1] && x[rs1] >>> 0 < x[rs2] >>> 0)
            ? pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))
            : npc;
        break;
      case Op.BGE:
        pc = !(x[rs1 + 1] < x[rs2 + 1] || (x[rs1 + 1] === x[rs2 + 1] && x[rs1] >>> 0 < x[rs2] >>> 0))
          ? pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))
          : npc;
        break;
      case Op.BLTU:
        pc =
          x[rs1 + 1] >>> 0 < x[rs2 + 1] >>> 0 || (x[rs1 + 1] === x[rs2 + 1] && x[rs1] >>> 0 < x[rs2] >>> 0)
            ? pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))
            : npc;
        break;
      case Op.BGEU:
        pc = !(x[rs1 + 1] >>> 0 < x[rs2 + 1] >>> 0 || (x[rs1 + 1] === x[rs2 + 1] && x[rs1] >>> 0 < x[rs2] >>> 0))
          ? pc + (((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1))
          : npc;
        break;
      case Op.LB: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4095) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 1, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 0) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram8[a];
          lo = (_x << 24) >> 24;
          hi = (_x << 24) >> 31;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 1) : bus.load(h, addr, 1);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = (bus.lo << 24) >> 24;
          hi = (bus.lo << 24) >> 31;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.LH: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4094) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 2, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 1) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram16[a >> 1];
          lo = (_x << 16) >> 16;
          hi = (_x << 16) >> 31;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 2) : bus.load(h, addr, 2);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = (bus.lo << 16) >> 16;
          hi = (bus.lo << 16) >> 31;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.LW: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4092) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 4, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 3) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram32[a >> 2];
          lo = _x;
          hi = _x >> 31;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 4) : bus.load(h, addr, 4);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo;
          hi = bus.lo >> 31;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.LD: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4088) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 8, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 7) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram32[a >> 2];
          lo = _x;
          hi = ram32[(a >> 2) + 1];
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 8) : bus.load(h, addr, 8);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo;
          hi = bus.hi;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.LBU: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4095) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 1, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 0) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram8[a];
          lo = _x & 255;
          hi = 0;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 1) : bus.load(h, addr, 1);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo & 255;
          hi = 0;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.LHU: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4094) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 2, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 1) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram16[a >> 1];
          lo = _x & 65535;
          hi = 0;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 2) : bus.load(h, addr, 2);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo & 65535;
          hi = 0;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.LWU: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4092) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 4, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 3) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram32[a >> 2];
          lo = _x;
          hi = 0;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 4) : bus.load(h, addr, 4);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo;
          hi = 0;
          if (bus.stop) budget = n + 1;
        }
        x[rd] = lo;
        x[rd + 1] = hi;
        pc = npc;
        break;
      }
      case Op.SB: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const lo = x[rs2],
          hi = x[rs2 + 1];
        let addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dts[_s] === _vpn && _o <= 4095) addr = dbs[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 1, Access.store);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 0) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          ram8[a] = lo;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE ? crossPageStore(h, bus, mmu!, vaddr, 1, lo, hi) : bus.store(h, addr, 1, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) fetchV = NaN;
        }
        pc = npc;
        break;
      }
      case Op.SH: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const lo = x[rs2],
          hi = x[rs2 + 1];
        let addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dts[_s] === _vpn && _o <= 4094) addr = dbs[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 2, Access.store);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 1) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          ram16[a >> 1] = lo;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE ? crossPageStore(h, bus, mmu!, vaddr, 2, lo, hi) : bus.store(h, addr, 2, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) fetchV = NaN;
        }
        pc = npc;
        break;
      }
      case Op.SW: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const lo = x[rs2],
          hi = x[rs2 + 1];
        let addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dts[_s] === _vpn && _o <= 4092) addr = dbs[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 4, Access.store);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 3) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          ram32[a >> 2] = lo;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE ? crossPageStore(h, bus, mmu!, vaddr, 4, lo, hi) : bus.store(h, addr, 4, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) fetchV = NaN;
        }
        pc = npc;
        break;
      }
      case Op.SD: {
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const lo = x[rs2],
          hi = x[rs2 + 1];
        let addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dts[_s] === _vpn && _o <= 4088) addr = dbs[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 8, Access.store);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 7) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          ram32[a >> 2] = lo;
          ram32[(a >> 2) + 1] = hi;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE ? crossPageStore(h, bus, mmu!, vaddr, 8, lo, hi) : bus.store(h, addr, 8, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) fetchV = NaN;
        }
        pc = npc;
        break;
      }
      case Op.ADDI: {
        {
          const _a = x[rs1];
          const _r = (_a + (w >> 20)) | 0;
          {
            const _l = _r,
              _h = (x[rs1 + 1] + ((w >> 20) >> 31) + (_r >>> 0 < _a >>> 0 ? 1 : 0)) | 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.SLTI: {
        {
          const _i = w >> 20;
          {
            const _l = x[rs1 + 1] < _i >> 31 || (x[rs1 + 1] === _i >> 31 && x[rs1] >>> 0 < _i >>> 0) ? 1 : 0,
              _h = 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.SLTIU: {
        {
          const _i = w >> 20;
          {
            const _l =
                x[rs1 + 1] >>> 0 < (_i >> 31) >>> 0 || (x[rs1 + 1] === _i >> 31 && x[rs1] >>> 0 < _i >>> 0) ? 1 : 0,
              _h = 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.XORI: {
        {
          const _l = x[rs1] ^ (w >> 20),
            _h = x[rs1 + 1] ^ ((w >> 20) >> 31);
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.ORI: {
        {
          const _l = x[rs1] | (w >> 20),
            _h = x[rs1 + 1] | ((w >> 20) >> 31);
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.ANDI: {
        {
          const _l = x[rs1] & (w >> 20),
            _h = x[rs1 + 1] & ((w >> 20) >> 31);
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.SLLI: {
        {
          const _s = (w >>> 20) & 63;
          {
            const _l = _s < 32 ? x[rs1] << _s : 0,
              _h = _s === 0 ? x[rs1 + 1] : _s < 32 ? (x[rs1 + 1] << _s) | (x[rs1] >>> (32 - _s)) : x[rs1] << (_s - 32);
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.SRLI: {
        {
          const _s = (w >>> 20) & 63;
          {
            const _l =
                _s === 0
                  ? x[rs1]
                  : _s < 32
                    ? (x[rs1] >>> _s) | (x[rs1 + 1] << (32 - _s)) | 0
                    : (x[rs1 + 1] >>> (_s - 32)) | 0,
              _h = _s < 32 ? (x[rs1 + 1] >>> _s) | 0 : 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.SRAI: {
        {
          const _s = (w >>> 20) & 63;
          {
            const _l =
                _s === 0 ? x[rs1] : _s < 32 ? (x[rs1] >>> _s) | (x[rs1 + 1] << (32 - _s)) : x[rs1 + 1] >> (_s - 32),
              _h = _s < 32 ? x[rs1 + 1] >> _s : x[rs1 + 1] >> 31;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.ADD: {
        {
          const _a = x[rs1];
          const _r = (_a + x[rs2]) | 0;
          {
            const _l = _r,
              _h = (x[rs1 + 1] + x[rs2 + 1] + (_r >>> 0 < _a >>> 0 ? 1 : 0)) | 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.SUB: {
        {
          const _a = x[rs1];
          const _b = x[rs2];
          {
            const _l = (_a - _b) | 0,
              _h = (x[rs1 + 1] - x[rs2 + 1] - (_a >>> 0 < _b >>> 0 ? 1 : 0)) | 0;
            x[rd] = _l;
            x[rd + 1] = _h;
          }
        }
        pc = npc;
        break;
      }
      case Op.SLL: {
        sll64(x[rs1], x[rs1 + 1], x[rs2] & 63);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.SLT: {
        {
          const _l = x[rs1 + 1] < x[rs2 + 1] || (x[rs1 + 1] === x[rs2 + 1] && x[rs1] >>> 0 < x[rs2] >>> 0) ? 1 : 0,
            _h = 0;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.SLTU: {
        {
          const _l =
              x[rs1 + 1] >>> 0 < x[rs2 + 1] >>> 0 || (x[rs1 + 1] === x[rs2 + 1] && x[rs1] >>> 0 < x[rs2] >>> 0) ? 1 : 0,
            _h = 0;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.XOR: {
        {
          const _l = x[rs1] ^ x[rs2],
            _h = x[rs1 + 1] ^ x[rs2 + 1];
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.SRL: {
        srl64(x[rs1], x[rs1 + 1], x[rs2] & 63);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.SRA: {
        sra64(x[rs1], x[rs1 + 1], x[rs2] & 63);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.OR: {
        {
          const _l = x[rs1] | x[rs2],
            _h = x[rs1 + 1] | x[rs2 + 1];
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.AND: {
        {
          const _l = x[rs1] & x[rs2],
            _h = x[rs1 + 1] & x[rs2 + 1];
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.ADDIW: {
        {
          const _w = (x[rs1] + (w >> 20)) | 0;
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SLLIW: {
        {
          const _w = x[rs1] << ((w >>> 20) & 31);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SRLIW: {
        {
          const _w = (x[rs1] >>> ((w >>> 20) & 31)) | 0;
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SRAIW: {
        {
          const _w = x[rs1] >> ((w >>> 20) & 31);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.ADDW: {
        {
          const _w = (x[rs1] + x[rs2]) | 0;
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SUBW: {
        {
          const _w = (x[rs1] - x[rs2]) | 0;
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SLLW: {
        {
          const _w = x[rs1] << x[rs2];
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SRLW: {
        {
          const _w = (x[rs1] >>> x[rs2]) | 0;
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.SRAW: {
        {
          const _w = x[rs1] >> x[rs2];
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.MUL: {
        mul64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1]);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.MULH: {
        mulh64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], 0);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.MULHSU: {
        mulh64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], 1);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.MULHU: {
        mulh64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], 2);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.DIV: {
        div64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], false);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.DIVU: {
        divu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], false);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.REM: {
        div64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], true);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.REMU: {
        divu64(x[rs1], x[rs1 + 1], x[rs2], x[rs2 + 1], true);
        {
          const _l = out.lo,
            _h = out.hi;
          x[rd] = _l;
          x[rd + 1] = _h;
        }
        pc = npc;
        break;
      }
      case Op.MULW: {
        {
          const _w = Math.imul(x[rs1], x[rs2]);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.DIVW: {
        {
          const _w = divw(x[rs1], x[rs2], false);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.DIVUW: {
        {
          const _w = divuw(x[rs1], x[rs2], false);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.REMW: {
        {
          const _w = divw(x[rs1], x[rs2], true);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.REMUW: {
        {
          const _w = divuw(x[rs1], x[rs2], true);
          x[rd] = _w;
          x[rd + 1] = _w >> 31;
        }
        pc = npc;
        break;
      }
      case Op.FENCE: {
        pc = npc;
        break;
      }
      case Op.FENCE_I: {
        pc = npc;
        break;
      }
      case Op.ECALL: {
        trapCause = h.priv === Priv.M ? CAUSE.ecallM : h.priv === Priv.S ? CAUSE.ecallS : CAUSE.ecallU;
        trapTval = 0;
        break;
      }
      case Op.EBREAK: {
        h.pc = pc;
        h.retired = base + n;
        if (bus.semihost(h)) {
          pc = npc;
          if (bus.stop) budget = n + 1;
          break;
        }
        trapCause = CAUSE.breakpoint;
        trapTval = 0;
        break;
      }
      case Op.MRET: {
        if (h.priv !== Priv.M) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        mret(h);
        pc = h.pc;
        budget = n + 1;
        break;
      }
      case Op.SRET: {
        if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS.TSR) !== 0)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        sret(h);
        pc = h.pc;
        budget = n + 1;
        break;
      }
      case Op.WFI: {
        if (h.priv !== Priv.M && (h.mstatus & MSTATUS.TW) !== 0) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        if (((h.mipSoft | h.mipHw) & h.mie) === 0) h.run = HartRun.wfi;
        if (h.run === HartRun.wfi || pendingInterrupt(h) >= 0) budget = n + 1;
        break;
      }
      case Op.SFENCE_VMA: {
        if (h.priv === Priv.U || (h.priv === Priv.S && (h.mstatus & MSTATUS.TVM) !== 0)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        mmu?.flush();
        pc = npc;
        budget = n + 1;
        break;
      }
      case Op.CSRRW: {
        h.pc = pc;
        h.retired = base + n;
        if (!csrInstruction(h, bus, w, 0, false)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.CSRRS: {
        h.pc = pc;
        h.retired = base + n;
        if (!csrInstruction(h, bus, w, 1, false)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.CSRRC: {
        h.pc = pc;
        h.retired = base + n;
        if (!csrInstruction(h, bus, w, 2, false)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.CSRRWI: {
        h.pc = pc;
        h.retired = base + n;
        if (!csrInstruction(h, bus, w, 0, true)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.CSRRSI: {
        h.pc = pc;
        h.retired = base + n;
        if (!csrInstruction(h, bus, w, 1, true)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.CSRRCI: {
        h.pc = pc;
        h.retired = base + n;
        if (!csrInstruction(h, bus, w, 2, true)) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        budget = n + 1; // interrupt enables, delegation or privilege may have changed
        break;
      }
      case Op.FLW: {
        if (!h.fpEnabled) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4092) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 4, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 3) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram32[a >> 2];
          lo = _x;
          hi = -1;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 4) : bus.load(h, addr, 4);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo;
          hi = -1;
          if (bus.stop) budget = n + 1;
        }
        const fw = h.fw;
        fw[rd] = lo;
        fw[rd + 1] = hi;
        h.mstatus |= MSTATUS.FS;
        pc = npc;
        break;
      }
      case Op.FLD: {
        if (!h.fpEnabled) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (w >> 20);
        let lo: number,
          hi: number,
          addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dtl[_s] === _vpn && _o <= 4088) addr = dbl[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 8, Access.load);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 7) === 0 && !(watchReads && (pf[a >>> 12] & PAGE.WATCH) !== 0)) {
          const _x = ram32[a >> 2];
          lo = _x;
          hi = ram32[(a >> 2) + 1];
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r = dvm && addr === CROSS_PAGE ? crossPageLoad(h, bus, mmu!, vaddr, 8) : bus.load(h, addr, 8);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          lo = bus.lo;
          hi = bus.hi;
          if (bus.stop) budget = n + 1;
        }
        const fw = h.fw;
        fw[rd] = lo;
        fw[rd + 1] = hi;
        h.mstatus |= MSTATUS.FS;
        pc = npc;
        break;
      }
      case Op.FSW: {
        if (!h.fpEnabled) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const fw = h.fw,
          lo = fw[rs2],
          hi = fw[rs2 + 1];
        let addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dts[_s] === _vpn && _o <= 4092) addr = dbs[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 4, Access.store);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 3) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          ram32[a >> 2] = lo;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE ? crossPageStore(h, bus, mmu!, vaddr, 4, lo, hi) : bus.store(h, addr, 4, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) fetchV = NaN;
        }
        pc = npc;
        break;
      }
      case Op.FSD: {
        if (!h.fpEnabled) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0) + (((w >> 25) << 5) | ((w >>> 7) & 31));
        const fw = h.fw,
          lo = fw[rs2],
          hi = fw[rs2 + 1];
        let addr = vaddr;
        if (dvm) {
          // The TLB hit inline (as translate's own hit, without a call that would box the addresses as heap numbers).
          const _o = vaddr & 4095,
            _vpn = (vaddr - _o) / 4096,
            _s = _vpn & 255;
          if (dts[_s] === _vpn && _o <= 4088) addr = dbs[_s] + _o;
          else {
            addr = translateData(h, mmu!, vaddr, 8, Access.store);
            if (addr === -1) {
              trapCause = mmu!.fault;
              trapTval = dataFault.vaddr;
              break;
            }
          }
        }
        const a = addr - ramBase;
        if (a >= 0 && a <= ramLast8 && (a & 7) === 0 && pf[a >>> 12] === PAGE.DIRTY) {
          ram32[a >> 2] = lo;
          ram32[(a >> 2) + 1] = hi;
        } else {
          h.pc = pc;
          h.retired = base + n;
          const r =
            dvm && addr === CROSS_PAGE ? crossPageStore(h, bus, mmu!, vaddr, 8, lo, hi) : bus.store(h, addr, 8, lo, hi);
          if (r >= 0) {
            trapCause = r;
            trapTval = vaddr;
            break;
          }
          if (bus.stop) budget = n + 1;
          // A store into the page being executed may have rewritten the code ahead of us.
          if (a >= 0 && a >>> 12 === curPg) fetchV = NaN;
        }
        pc = npc;
        break;
      }
      case Op.ILLEGAL: {
        trapCause = CAUSE.illegal;
        trapTval = w >>> 0;
        break;
        break;
      }
      case Op.BREAKPOINT: {
        h.pc = pc;
        bus.stop = true;
        opts.hit = true;
        h.retired = base + n;
        stats.inBlocks += inBlocks;
        stats.interpreted += n - inBlocks;
        return n;
        break;
      }
      case Op.LR_W:
      case Op.SC_W:
      case Op.AMOSWAP_W:
      case Op.AMOADD_W:
      case Op.AMOXOR_W:
      case Op.AMOAND_W:
      case Op.AMOOR_W:
      case Op.AMOMIN_W:
      case Op.AMOMAX_W:
      case Op.AMOMINU_W:
      case Op.AMOMAXU_W:
      case Op.LR_D:
      case Op.SC_D:
      case Op.AMOSWAP_D:
      case Op.AMOADD_D:
      case Op.AMOXOR_D:
      case Op.AMOAND_D:
      case Op.AMOOR_D:
      case Op.AMOMIN_D:
      case Op.AMOMAX_D:
      case Op.AMOMINU_D:
      case Op.AMOMAXU_D: {
        h.pc = pc;
        h.retired = base + n;
        const vaddr = x[rs1 + 1] * TWO32 + (x[rs1] >>> 0);
        const r = executeAtomic(h, bus, op, w, dvm ? mmu! : undefined);
        if (r >= 0) {
          trapCause = r;
          trapTval = vaddr;
          break;
        }
        if (bus.stop) budget = n + 1;
        pc = npc;
        break;
      }
      case Op.FMADD_S:
      case Op.FMSUB_S:
      case Op.FNMSUB_S:
      case Op.FNMADD_S:
      case Op.FMADD_D:
      case Op.FMSUB_D:
      case Op.FNMSUB_D:
      case Op.FNMADD_D:
      case Op.FADD_S:
      case Op.FSUB_S:
      case Op.FMUL_S:
      case Op.FDIV_S:
      case Op.FSQRT_S:
      case Op.FSGNJ_S:
      case Op.FSGNJN_S:
      case Op.FSGNJX_S:
      case Op.FMIN_S:
      case Op.FMAX_S:
      case Op.FCVT_W_S:
      case Op.FCVT_WU_S:
      case Op.FCVT_L_S:
      case Op.FCVT_LU_S:
      case Op.FMV_X_W:
      case Op.FEQ_S:
      case Op.FLT_S:
      case Op.FLE_S:
      case Op.FCLASS_S:
      case Op.FCVT_S_W:
      case Op.FCVT_S_WU:
      case Op.FCVT_S_L:
      case Op.FCVT_S_LU:
      case Op.FMV_W_X:
      case Op.FADD_D:
      case Op.FSUB_D:
      case Op.FMUL_D:
      case Op.FDIV_D:
      case Op.FSQRT_D:
      case Op.FSGNJ_D:
      case Op.FSGNJN_D:
      case Op.FSGNJX_D:
      case Op.FMIN_D:
      case Op.FMAX_D:
      case Op.FCVT_S_D:
      case Op.FCVT_D_S:
      case Op.FCVT_W_D:
      case Op.FCVT_WU_D:
      case Op.FCVT_L_D:
      case Op.FCVT_LU_D:
      case Op.FMV_X_D:
      case Op.FEQ_D:
      case Op.FLT_D:
      case Op.FLE_D:
      case Op.FCLASS_D:
      case Op.FCVT_D_W:
      case Op.FCVT_D_WU:
      case Op.FCVT_D_L:
      case Op.FCVT_D_LU:
      case Op.FMV_D_X: {
        if (!h.fpEnabled) {
          trapCause = CAUSE.illegal;
          trapTval = w >>> 0;
          break;
        }
        const r = execFp(h, op, w);
        if (r > 0) {
          trapCause = r;
          trapTval = w >>> 0;
          break;
        }
        pc = npc;
        break;
      }
      default:
        trapCause = CAUSE.illegal;
        trapTval = w >>> 0;
        break;
    }
    // ---- END GENERATED ----
    if (trapCause >= 0) break;
    n++;
  }
  x[0] = 0;
  x[1] = 0;
  h.pc = pc;
  if (trapCause >= 0) {
    // The instruction that raised the exception still takes a position: positions count executions.
    const unhandled = enterTrap(h, trapCause, false, BigInt.asUintN(64, BigInt(trapTval)));
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
