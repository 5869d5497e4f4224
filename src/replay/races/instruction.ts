// What the race detector needs to know about the instruction behind a memory access: plain or atomic, and whether it
// synchronises (aq/rl bits, or a fence next to it, read the way RVWMO's mappings of C11 acquire and release use them).

import { expandCompressed } from '../../riscv/compressed';
import type { Memory } from '../../machine/memory';

/** Access classes, the low 3 bits of a classification. */
export const KIND = { load: 1, store: 2, amo: 3, sc: 4, other: 5 } as const;
/** The access acquires: its hart joins the clock last released at the address. */
export const ACQUIRE = 8;
/** The access releases: the address's clock joins its hart's clock. */
export const RELEASE = 16;

const R = 2,
  W = 1; // fence predecessor/successor bits: i o r w = 8 4 2 1
/** How many instructions on either side of an access a fence may sit and still count for it. */
const WINDOW = 4;
/** How far back from an access the linear decode may start (the nearest ELF symbol below it). */
const MAX_SWEEP = 1 << 16;

interface Decoded {
  word: number;
  length: number;
}

/** The 32-bit form of the instruction at physical `pc`, or undefined outside RAM. */
function decodeAt(mem: Memory, pc: number): Decoded | undefined {
  const lo = mem.fetch16(pc);
  if (lo < 0) return undefined;
  if ((lo & 3) !== 3) return { word: expandCompressed(lo) >>> 0, length: 2 }; // 0 (illegal) classifies as other
  const hi = mem.fetch16(pc + 2);
  return hi < 0 ? undefined : { word: (lo | (hi << 16)) >>> 0, length: 4 };
}

const opcode = (w: number) => w & 0x7f;
const isFence = (w: number) => opcode(w) === 0x0f && ((w >>> 12) & 7) === 0;
const isMemory = (w: number) => [0x03, 0x07, 0x23, 0x27, 0x2f].includes(opcode(w));
const isJump = (w: number) => opcode(w) === 0x6f || opcode(w) === 0x67 || opcode(w) === 0x73;

/**
 * Classifies instructions by physical pc, once each. `symbols` are the image's symbol addresses: the nearest one
 * below a pc is where a linear decode can start, so that the instructions before a store are known exactly.
 */
export class AccessClassifier {
  /** Classifications per RAM page, by halfword slot (0: not yet); pcs outside RAM use the map. */
  private readonly pages: (Uint8Array | undefined)[];
  private readonly cache = new Map<number, number>();
  private readonly starts: Float64Array;

  constructor(
    private readonly mem: Memory,
    symbols: Iterable<number>,
  ) {
    this.starts = Float64Array.from(new Set(symbols)).sort();
    this.pages = new Array(mem.ramSize >>> 12);
  }

  classify(pc: number): number {
    const off = pc - this.mem.ramBase;
    if (off >= 0 && off < this.mem.ramSize) {
      const pg = off >>> 12;
      const page = this.pages[pg] ?? (this.pages[pg] = new Uint8Array(2048));
      const slot = (off & 4095) >>> 1;
      return page[slot] || (page[slot] = this.compute(pc));
    }
    let c = this.cache.get(pc);
    if (c === undefined) {
      c = this.compute(pc);
      this.cache.set(pc, c);
    }
    return c;
  }

  private compute(pc: number): number {
    const d = decodeAt(this.mem, pc);
    if (!d) return KIND.other;
    const w = d.word,
      op = opcode(w);
    let c: number;
    if (op === 0x03 || op === 0x07) c = KIND.load;
    else if (op === 0x23 || op === 0x27) c = KIND.store;
    else if (op === 0x2f) {
      const funct5 = w >>> 27;
      c = funct5 === 3 ? KIND.sc : funct5 === 2 ? KIND.load : KIND.amo;
      if (w & (1 << 26)) c |= ACQUIRE;
      if (w & (1 << 25)) c |= RELEASE;
      // An SC takes the acquire of the LR it pairs with (the LR itself is not seen: it never reaches the bus).
      if (funct5 === 3 && this.before(pc).some((p) => opcode(p) === 0x2f && p >>> 27 === 2 && (p & (1 << 26)) !== 0))
        c |= ACQUIRE;
    } else return KIND.other;
    const kind = c & 7;
    // `l; fence r,rw` is a load-acquire; `fence rw,w; s` a store-release (and around AMOs the same).
    if (kind !== KIND.store && this.fenceAfter(pc + d.length)) c |= ACQUIRE;
    if (kind !== KIND.load && this.before(pc).some((p) => isFence(p) && ((p >>> 20) & 0xf & W) !== 0)) c |= RELEASE;
    return c;
  }

  /** Whether a fence ordering earlier reads follows on the fall-through path, before any other access or jump. */
  private fenceAfter(pc: number): boolean {
    for (let k = 0; k < WINDOW; k++) {
      const d = decodeAt(this.mem, pc);
      if (!d) return false;
      if (isFence(d.word)) return ((d.word >>> 24) & 0xf & R) !== 0;
      if (isMemory(d.word) || isJump(d.word)) return false;
      pc += d.length;
    }
    return false;
  }

  /** Up to WINDOW instruction words just before `pc`, found by decoding forward from the nearest symbol below it. */
  private before(pc: number): number[] {
    const s = this.starts;
    let lo = 0,
      hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (s[mid] <= pc) lo = mid + 1;
      else hi = mid;
    }
    const start = lo > 0 ? s[lo - 1] : pc;
    if (pc - start > MAX_SWEEP) return [];
    const out: number[] = [];
    for (let at = start; at < pc; ) {
      const d = decodeAt(this.mem, at);
      if (!d) return [];
      out.push(d.word);
      if (out.length > WINDOW) out.shift();
      at += d.length;
      if (at > pc) return []; // the decode did not land on pc: no reliable view of what precedes it
    }
    return out;
  }
}
