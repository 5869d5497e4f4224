// The CPU switches of a recording as the extension draws them (gutter markers, the Hart Timeline), with why each one
// happened: the hart that ran went to sleep in wfi, a sleeping hart was woken by an interrupt, its quantum ended, or
// the chaos schedule ended its slice. Answers the `hartline/switches` request, so the extension never parses the
// .hartrec file itself.
//
// The log holds positions and harts only. Wakes are logged, and a round-robin slice shorter than its quantum ended
// in wfi (or at the end), so most causes follow from the log; under chaos a short slice is told apart from a wfi by
// the machine's state at the switch, which is read (one forward pass) for the switches nearest the cursor only.

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

/** Causes learnt from the machine's state, by switch position: they never change, so they are kept per session. */
export class SwitchCauses {
  private readonly known = new Map<number, SwitchCause>();

  constructor(
    private readonly t: Target,
    private readonly src: () => SwitchSource,
  ) {}

  /** The log's causes, without running anything. */
  private fromLog(s: SwitchSource, k: number, wakes: Set<string>): SwitchCause | undefined {
    const p = s.switchPos[k];
    if (k === 0) return 'start';
    if (wakes.has(`${p}/${s.switchHart[k]}`)) return 'interrupt';
    const length = p - s.switchPos[k - 1];
    if (s.schedule.policy === 'roundrobin') return length >= s.schedule.quantum ? 'end of quantum' : 'wfi';
    return length >= 2 * s.schedule.quantum ? 'chaos slice' : undefined;
  }

  /**
   * Switches in [from, to) (at most `max`, the nearest to `around` first kept), with causes; those within `exact`
   * switches of `around` whose cause the log leaves open are settled from the machine's state.
   */
  list(from: number, to: number, around: number, max = 5000, exact = 16): SwitchInfo[] {
    const s = this.src();
    let lo = lowerBound(s.switchPos, from),
      hi = lowerBound(s.switchPos, to);
    if (hi - lo > max) {
      const c = Math.min(Math.max(lowerBound(s.switchPos, around), lo + (max >> 1)), hi - (max >> 1));
      lo = c - (max >> 1);
      hi = lo + max;
    }
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
        cause: this.known.get(s.switchPos[k]) ?? this.fromLog(s, k, wakes),
      });
    }
    this.settle(out, around, exact);
    return out;
  }

  /**
   * Which interrupt woke each hart (`timer interrupt`, `software interrupt (IPI)`, `external interrupt`), read from the
   * pending and enabled bits at the wake; only for the `exact` wakes nearest `around`, the others say `interrupt`.
   */
  wakeKinds(wakes: { position: number; hart: number }[], around: number, exact = 16): string[] {
    const out = wakes.map((w) => this.kinds.get(`${w.position}/${w.hart}`) ?? 'interrupt');
    const c = lowerBound(
      wakes.map((w) => w.position),
      around,
    );
    const lo = Math.max(0, c - exact),
      hi = Math.min(wakes.length, c + exact);
    const here = this.t.position;
    try {
      for (let k = lo; k < hi; k++) {
        const w = wakes[k],
          key = `${w.position}/${w.hart}`;
        if (this.kinds.has(key)) continue;
        // Before the wake the hart sits after its wfi; one instruction later it is in the trap handler, if it took one.
        if (this.t.seek(w.position).kind !== 'arrived' && this.t.position !== w.position) break;
        const before = this.t.machine.harts[w.hart]?.pc;
        this.t.seek(w.position + 1);
        const h = this.t.machine.harts[w.hart];
        let kind = 'interrupt';
        for (const [cause, epc] of h
          ? ([
              [h.mcause, h.mepc],
              [h.scause, h.sepc],
            ] as const)
          : []) {
          if (
            before === undefined ||
            BigInt.asUintN(64, cause) >> 63n === 0n ||
            BigInt.asUintN(64, epc) !== BigInt.asUintN(64, BigInt(before))
          )
            continue;
          const code = Number(cause & 0xffn);
          kind =
            code === 5 || code === 7
              ? 'timer interrupt'
              : code === 1 || code === 3
                ? 'software interrupt (IPI)'
                : code === 9 || code === 11
                  ? 'external interrupt'
                  : 'interrupt';
          break;
        }
        // Woken without a trap (interrupts globally off in wfi): the bit still pending and enabled says which.
        const pending = kind === 'interrupt' && h ? h.mip & Number(BigInt.asUintN(32, BigInt(h.mie))) : 0;
        if (pending)
          kind =
            pending & 0xa0
              ? 'timer interrupt'
              : pending & 0x0a
                ? 'software interrupt (IPI)'
                : pending & 0xa00
                  ? 'external interrupt'
                  : kind;
        this.kinds.set(key, kind);
        out[k] = kind;
      }
    } finally {
      if (this.t.position !== here) this.t.seek(here);
    }
    return out;
  }

  private readonly kinds = new Map<string, string>();

  /** Reads the machine at the open switches nearest `around`, in one forward pass, then returns to where it was. */
  private settle(list: SwitchInfo[], around: number, exact: number): void {
    const c = lowerBound(
      list.map((x) => x.position),
      around,
    );
    const open = list
      .slice(Math.max(0, c - exact), c + exact)
      .filter((x) => x.cause === undefined && x.from !== undefined);
    if (open.length === 0) return;
    const here = this.t.position;
    try {
      for (const x of open) {
        if (this.t.seek(x.position).kind !== 'arrived' && this.t.position !== x.position) break;
        const h = this.t.machine.harts[x.from!];
        x.cause = h && h.run !== 0 ? 'wfi' : 'chaos slice';
        this.known.set(x.position, x.cause);
      }
    } finally {
      if (this.t.position !== here) this.t.seek(here);
    }
  }
}
