// The happens-before core of the race detector: a vector clock per hart, FastTrack-style epochs per 4-byte granule of
// RAM (the last write, and the last read of each hart), and a clock per synchronising address. Two accesses race when
// they touch the same granule from different harts, at least one writes, at least one is plain (not atomic), and
// neither happens before the other. Synchronising accesses (AMOs, SCs, and loads and stores that a fence makes an
// acquire or a release) never race: the caller does not record them, it only acquires and releases through them.

/** One side of a race: which hart did what, where and when. */
export interface RaceAccess {
  hart: number;
  /** The position of the instruction that made the access (a replay stopped there is just before it). */
  position: number;
  /** Physical pc of the instruction. */
  pc: number;
  kind: 'read' | 'write';
  /** Address and size of this access. */
  address: number;
  size: number;
}

/** A racing pair, reported once per (earlier pc, later pc, address), with its first occurrence. */
export interface Race {
  address: number;
  count: number;
  /** The earlier access first. */
  accesses: [RaceAccess, RaceAccess];
}

const GRANULE_SHIFT = 2;
const PAGE_SHIFT = 12;
const PER_PAGE = 1 << (PAGE_SHIFT - GRANULE_SHIFT);

/** Shadow state of one 4 KiB page, allocated when first touched; epoch 0 means no access. */
class ShadowPage {
  readonly wEpoch = new Int32Array(PER_PAGE);
  readonly wHart = new Uint8Array(PER_PAGE);
  readonly wSize = new Uint8Array(PER_PAGE);
  readonly wPc = new Float64Array(PER_PAGE);
  readonly wPos = new Float64Array(PER_PAGE);
  readonly wAddr = new Float64Array(PER_PAGE);
  readonly rEpoch: Int32Array;
  readonly rSize: Uint8Array;
  readonly rPc: Float64Array;
  readonly rPos: Float64Array;
  readonly rAddr: Float64Array;
  constructor(harts: number) {
    this.rEpoch = new Int32Array(PER_PAGE * harts);
    this.rSize = new Uint8Array(PER_PAGE * harts);
    this.rPc = new Float64Array(PER_PAGE * harts);
    this.rPos = new Float64Array(PER_PAGE * harts);
    this.rAddr = new Float64Array(PER_PAGE * harts);
  }
}

export class HappensBefore {
  /** clocks[t * harts + u]: what hart t knows of hart u. */
  readonly clocks: Int32Array;
  private readonly pages: (ShadowPage | undefined)[];
  /** Release clocks by granule number (only addresses that were released to). */
  private readonly sync = new Map<number, Int32Array>();
  private readonly table = new Map<number, Map<number, Map<number, Race>>>();
  /** Accesses checked, for the statistics line. */
  accesses = 0;
  synchronising = 0;
  /** The access in progress (its number), so that one access spanning two granules counts a pair once. */
  private readonly counted = new Map<Race, number>();

  constructor(
    readonly harts: number,
    private readonly base: number,
    size: number,
  ) {
    this.clocks = new Int32Array(harts * harts);
    for (let t = 0; t < harts; t++) this.clocks[t * harts + t] = 1;
    this.pages = new Array(Math.ceil(size / (1 << PAGE_SHIFT)));
  }

  /** A fresh clock for a synchronisation object that is not an address (an IPI line, a timer, the devices). */
  newClock(): Int32Array {
    return new Int32Array(this.harts);
  }

  /** Hart t joins `c` (it acquires what was released there). */
  acquire(t: number, c: Int32Array | undefined): void {
    if (!c) return;
    const H = this.harts,
      k = this.clocks;
    for (let u = 0; u < H; u++) if (c[u] > k[t * H + u]) k[t * H + u] = c[u];
  }

  /** `c` joins hart t's clock, and hart t moves to a new epoch. */
  release(t: number, c: Int32Array): void {
    const H = this.harts,
      k = this.clocks;
    for (let u = 0; u < H; u++) if (k[t * H + u] > c[u]) c[u] = k[t * H + u];
    k[t * H + t]++;
  }

  acquireAt(t: number, addr: number): void {
    this.acquire(t, this.sync.get((addr - this.base) >>> GRANULE_SHIFT));
  }

  releaseAt(t: number, addr: number): void {
    const g = (addr - this.base) >>> GRANULE_SHIFT;
    let c = this.sync.get(g);
    if (!c) {
      c = this.newClock();
      this.sync.set(g, c);
    }
    this.release(t, c);
  }

  /** Checks and records one plain access. */
  access(t: number, addr: number, size: number, write: boolean, pc: number, position: number): void {
    this.accesses++;
    const off = addr - this.base;
    if (off < 0) return;
    const H = this.harts,
      k = this.clocks,
      me = k[t * H + t];
    const first = off >>> GRANULE_SHIFT,
      last = (off + size - 1) >>> GRANULE_SHIFT;
    for (let g = first; g <= last; g++) {
      const pg = g >>> (PAGE_SHIFT - GRANULE_SHIFT);
      let p = this.pages[pg];
      if (!p) {
        if (pg >= this.pages.length) return;
        p = this.pages[pg] = new ShadowPage(H);
      }
      const i = g & (PER_PAGE - 1);
      const we = p.wEpoch[i];
      if (we !== 0) {
        const u = p.wHart[i];
        if (u !== t && we > k[t * H + u]) {
          this.report(
            p.wPc[i],
            { hart: u, position: p.wPos[i], pc: p.wPc[i], kind: 'write', address: p.wAddr[i], size: p.wSize[i] },
            t,
            pc,
            position,
            addr,
            size,
            write,
          );
        }
      }
      if (write) {
        const j0 = i * H;
        for (let u = 0; u < H; u++) {
          const re = p.rEpoch[j0 + u];
          if (re === 0) continue;
          if (u !== t && re > k[t * H + u]) {
            this.report(
              p.rPc[j0 + u],
              {
                hart: u,
                position: p.rPos[j0 + u],
                pc: p.rPc[j0 + u],
                kind: 'read',
                address: p.rAddr[j0 + u],
                size: p.rSize[j0 + u],
              },
              t,
              pc,
              position,
              addr,
              size,
              write,
            );
          }
          p.rEpoch[j0 + u] = 0;
        }
        p.wEpoch[i] = me;
        p.wHart[i] = t;
        p.wSize[i] = size;
        p.wPc[i] = pc;
        p.wPos[i] = position;
        p.wAddr[i] = addr;
      } else {
        const j = i * H + t;
        p.rEpoch[j] = me;
        p.rSize[j] = size;
        p.rPc[j] = pc;
        p.rPos[j] = position;
        p.rAddr[j] = addr;
      }
    }
  }

  private report(
    priorPc: number,
    prior: RaceAccess,
    t: number,
    pc: number,
    position: number,
    addr: number,
    size: number,
    write: boolean,
  ): void {
    // A pair is one race whichever of its two instructions ran first.
    const lo = Math.min(pc, priorPc),
      hi = Math.max(pc, priorPc);
    let byPrior = this.table.get(lo);
    if (!byPrior) {
      byPrior = new Map();
      this.table.set(lo, byPrior);
    }
    let byAddr = byPrior.get(hi);
    if (!byAddr) {
      byAddr = new Map();
      byPrior.set(hi, byAddr);
    }
    const key = Math.min(prior.address, addr);
    const r = byAddr.get(key);
    if (r) {
      if (this.counted.get(r) !== this.accesses) {
        r.count++;
        this.counted.set(r, this.accesses);
      }
      return;
    }
    const now: RaceAccess = { hart: t, position, pc, kind: write ? 'write' : 'read', address: addr, size };
    const made: Race = { address: key, count: 1, accesses: [prior, now] };
    byAddr.set(key, made);
    this.counted.set(made, this.accesses);
  }

  /** Every racing pair found, by address, then by the position of its first occurrence. */
  races(): Race[] {
    const out: Race[] = [];
    for (const byPrior of this.table.values())
      for (const byAddr of byPrior.values()) for (const r of byAddr.values()) out.push(r);
    return out.sort((a, b) => a.address - b.address || a.accesses[1].position - b.accesses[1].position);
  }
}
