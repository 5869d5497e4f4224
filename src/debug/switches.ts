// The CPU switches of a recording as the extension draws them (gutter markers, the Hart Timeline), with why each one
// happened: the hart that ran went to sleep in wfi, its quantum ended, or the chaos schedule ended its slice; and the
// wakes, a hart asleep in wfi running again, with the interrupt that woke it. Answers `hartline/switches` and
// `hartline/timeline`, so the extension never parses the .hartrec file itself.
//
// The log holds positions and harts only (the recorder writes no wake events), so most causes are read from the
// machine's state at the switch: the hart switched out is asleep (wfi) or not (its slice ended). A round-robin slice
// of a whole quantum needs no look. The switches nearest the cursor are settled when asked; `settleSome` settles the
// rest of the recording in the background, a bounded stretch of replay at a time, so every switch and wake ends up
// with its cause. Replays are deterministic, so what is learnt once holds for the session.

import { lowerBound } from '../replay/log';
import type { SwitchSource, Target } from './target';

export type SwitchCause = 'wfi' | 'interrupt' | 'end of quantum' | 'chaos slice' | 'start';

export interface SwitchInfo {
  position: number;
  /** The hart switched out (undefined for the first hart to run). */
  from?: number;
  to: number;
  cause?: SwitchCause;
}

/** A hart asleep in wfi running again at `position`, and the interrupt that woke it once known. */
export interface Wake {
  position: number;
  hart: number;
  cause?: string;
}

/** A hart that went to sleep in wfi sleeps until it next runs. */
export interface WfiSpan {
  hart: number;
  from: number;
  to: number;
}

/** Causes learnt from the machine's state, by switch position: they never change, so they are kept per session. */
export class SwitchCauses {
  private readonly known = new Map<number, SwitchCause>();
  /** Interrupt kinds of wakes, by `position/hart`. */
  private readonly kinds = new Map<string, string>();

  /** How many causes and wake kinds have been read from the machine so far. */
  get learnt(): number {
    return this.known.size + this.kinds.size;
  }

  constructor(
    private readonly t: Target,
    private readonly src: () => SwitchSource,
  ) {}

  /** The log's causes, without running anything: undefined where only the machine's state can tell. */
  private fromLog(s: SwitchSource, k: number, wakes: Set<string>): SwitchCause | undefined {
    const p = s.switchPos[k];
    // Wake events appear only in recordings of older writers.
    if (wakes.has(`${p}/${s.switchHart[k]}`)) return 'interrupt';
    const length = p - s.switchPos[k - 1];
    if (s.schedule.policy === 'roundrobin') return length >= s.schedule.quantum ? 'end of quantum' : undefined;
    if (s.schedule.policy === 'chaos') return length >= 2 * s.schedule.quantum ? 'chaos slice' : undefined;
    return undefined;
  }

  /** Every change of hart in [from, to) in order, with the causes known so far. */
  private all(from: number, to: number): SwitchInfo[] {
    const s = this.src();
    const lo = lowerBound(s.switchPos, from),
      hi = lowerBound(s.switchPos, to);
    const wakes = new Set<string>();
    for (
      let j = lowerBound(s.wakePos, s.switchPos[lo] ?? 0);
      j < s.wakePos.length && s.wakePos[j] <= (s.switchPos[hi - 1] ?? -1);
      j++
    )
      wakes.add(`${s.wakePos[j]}/${s.wakeHart[j]}`);
    const out: SwitchInfo[] = [];
    for (let k = lo; k < hi; k++) {
      // Several switches at one position (zero-length slices) are one change: the last names the hart.
      if (k + 1 < s.switchPos.length && s.switchPos[k + 1] === s.switchPos[k]) continue;
      let j = k - 1;
      while (j >= 0 && s.switchPos[j] === s.switchPos[k]) j--;
      const fromHart = j >= 0 ? s.switchHart[j] : undefined;
      if (fromHart === s.switchHart[k]) continue;
      out.push({
        position: s.switchPos[k],
        from: fromHart,
        to: s.switchHart[k],
        cause: this.known.get(s.switchPos[k]) ?? (j < 0 ? 'start' : this.fromLog(s, j + 1, wakes)),
      });
    }
    return out;
  }

  /**
   * Switches in [from, to) (at most `max`, the nearest to `around` first kept), with causes; those within `exact`
   * switches of `around` whose cause is still open are settled from the machine's state now.
   */
  list(from: number, to: number, around: number, max = 5000, exact = 16): SwitchInfo[] {
    let out = this.all(from, to);
    if (out.length > max) {
      const c = Math.min(Math.max(lowerBound(positions(out), around), max >> 1), out.length - (max >> 1));
      out = out.slice(c - (max >> 1), c - (max >> 1) + max);
    }
    const c = lowerBound(positions(out), around);
    this.settle(out.slice(Math.max(0, c - exact), c + exact), Infinity);
    return out;
  }

  /** The wfi spans and wakes that a list of switches (in order, with causes) shows. */
  static sleeps(list: readonly SwitchInfo[], end: number): { wfi: WfiSpan[]; wakes: Wake[] } {
    const wfi: WfiSpan[] = [];
    const wakes: Wake[] = [];
    const asleep = new Map<number, WfiSpan>();
    for (const x of list) {
      const span = asleep.get(x.to);
      if (span) {
        span.to = x.position;
        asleep.delete(x.to);
        wakes.push({ position: x.position, hart: x.to });
      }
      if (x.cause === 'wfi' && x.from !== undefined) {
        const s = { hart: x.from, from: x.position, to: end };
        wfi.push(s);
        asleep.set(x.from, s);
      }
    }
    return { wfi, wakes };
  }

  /**
   * The interrupt that woke each hart (`timer interrupt`, `software interrupt (IPI)`, `external interrupt`), from
   * what was learnt so far; the `exact` wakes nearest `around` are read from the machine now, the others not yet read
   * say `interrupt` until the background pass has reached them.
   */
  wakeKinds(wakes: readonly Wake[], around: number, exact = 16): string[] {
    const c = lowerBound(positions(wakes), around);
    this.read(wakes.slice(Math.max(0, c - exact), c + exact), Infinity);
    return wakes.map((w) => this.kinds.get(key(w)) ?? 'interrupt');
  }

  /**
   * Settles open switch causes, then wake kinds, from the earliest open one on, replaying about `budget`
   * instructions at most, and returns to where the machine was. True when nothing in [0, end] is left open.
   */
  settleSome(budget: number): boolean {
    const list = this.all(0, this.t.end + 1);
    if (!this.settle(list, budget)) return false;
    for (const x of list) x.cause ??= this.known.get(x.position);
    const { wakes } = SwitchCauses.sleeps(list, this.t.end);
    return this.read(wakes, budget);
  }

  /** Reads the machine at each open switch of `list` (in order) in one forward pass; false when `budget` ran out first. */
  private settle(list: readonly SwitchInfo[], budget: number): boolean {
    const open = list.filter((x) => x.cause === undefined && x.from !== undefined && !this.known.has(x.position));
    return this.visit(open, budget, (x) => {
      const h = this.t.machine.harts[x.from!];
      const cause: SwitchCause =
        h && h.run !== 0 ? 'wfi' : this.src().schedule.policy === 'chaos' ? 'chaos slice' : 'end of quantum';
      this.known.set(x.position, cause);
      x.cause = cause;
    });
  }

  /** Reads the interrupt behind each wake of `wakes` not read yet; false when `budget` ran out first. */
  private read(wakes: readonly Wake[], budget: number): boolean {
    const open = wakes.filter((w) => !this.kinds.has(key(w)));
    return this.visit(open, budget, (w) => {
      // Before the wake the hart sits after its wfi; one instruction later it is in the trap handler, if it took one.
      const before = this.t.machine.harts[w.hart]?.pc;
      this.t.seek(w.position + 1);
      this.kinds.set(key(w), interruptOf(this.t.machine.harts[w.hart], before));
    });
  }

  /**
   * Seeks to each item's position in order and calls `look` there, then returns to where the machine was. Stops
   * early (false) once the positions visited span more than `budget` instructions, or the target cannot get there.
   */
  private visit<T extends { position: number }>(items: readonly T[], budget: number, look: (x: T) => void): boolean {
    if (items.length === 0) return true;
    const here = this.t.position;
    const first = items[0].position;
    try {
      for (const x of items) {
        if (x.position - first > budget) return false;
        if (this.t.seek(x.position).kind !== 'arrived' && this.t.position !== x.position) return false;
        look(x);
      }
    } finally {
      if (this.t.position !== here) this.t.seek(here);
    }
    return true;
  }
}

const key = (w: { position: number; hart: number }) => `${w.position}/${w.hart}`;
const positions = (xs: readonly { position: number }[]) => xs.map((x) => x.position);

type HartState = { pc: number; mcause: bigint; mepc: bigint; scause: bigint; sepc: bigint; mip: number; mie: number };

/** The interrupt a hart took on waking: the trap it entered from its wfi, else the bit still pending and enabled. */
function interruptOf(h: HartState | undefined, before: number | undefined): string {
  if (!h) return 'interrupt';
  for (const [cause, epc] of [
    [h.mcause, h.mepc],
    [h.scause, h.sepc],
  ] as const) {
    if (
      before === undefined ||
      BigInt.asUintN(64, cause) >> 63n === 0n ||
      BigInt.asUintN(64, epc) !== BigInt.asUintN(64, BigInt(before))
    )
      continue;
    const code = Number(cause & 0xffn);
    return code === 5 || code === 7
      ? 'timer interrupt'
      : code === 1 || code === 3
        ? 'software interrupt (IPI)'
        : code === 9 || code === 11
          ? 'external interrupt'
          : 'interrupt';
  }
  // Woken without a trap (interrupts globally off in wfi).
  const pending = h.mip & h.mie;
  return pending & 0xa0
    ? 'timer interrupt'
    : pending & 0x0a
      ? 'software interrupt (IPI)'
      : pending & 0xa00
        ? 'external interrupt'
        : 'interrupt';
}
