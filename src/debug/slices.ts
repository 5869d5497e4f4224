// Hart schedules for the debugger's machines whose choices depend only on the execution so far, never on where a run
// was cut: a run stopped mid-slice (a breakpoint, a single step) resumes the same slice, so re-execution is exact.

import type { Hart } from '../riscv/hart';
import type { HartSchedule, Slice } from '../machine/schedule';

/** Round robin whose slice survives a stop: the machine asks again after every run, and must get the same answer. */
export class SteadyRoundRobin implements HartSchedule {
  readonly name = 'roundrobin';
  private hart = -1;
  private end = 0;
  constructor(readonly quantum: number) {}

  next(runnable: readonly Hart[], current: number, position: number): Slice | undefined {
    if (runnable.length === 0) return undefined;
    if (this.hart === current && position < this.end && runnable.some((h) => h.id === current)) {
      return { hart: current, budget: this.end - position };
    }
    let pick = runnable[0];
    for (const h of runnable) if (h.id > current) { pick = h; break; }
    this.hart = pick.id;
    this.end = position + this.quantum;
    return { hart: pick.id, budget: this.quantum };
  }
}

/** Chaos: a seeded generator picks the next hart and a slice length up to twice the quantum, to shake out races. */
export class SteadyChaos implements HartSchedule {
  readonly name = 'chaos';
  private hart = -1;
  private end = 0;
  private state: number;
  constructor(readonly quantum: number, seed: number) {
    this.state = (seed >>> 0) || 0x9e3779b9;
  }

  private random(): number {
    // xorshift32: small, and the same on every host.
    let x = this.state;
    x ^= x << 13; x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5; x >>>= 0;
    this.state = x;
    return x;
  }

  next(runnable: readonly Hart[], current: number, position: number): Slice | undefined {
    if (runnable.length === 0) return undefined;
    if (this.hart === current && position < this.end && runnable.some((h) => h.id === current)) {
      return { hart: current, budget: this.end - position };
    }
    const pick = runnable[this.random() % runnable.length];
    const budget = 1 + (this.random() % (2 * this.quantum));
    this.hart = pick.id;
    this.end = position + budget;
    return { hart: pick.id, budget };
  }
}

/** Replays logged switches: the hart named by the last switch at or before the position, up to the next switch. */
export class LoggedSchedule implements HartSchedule {
  readonly name = 'replay';
  constructor(private readonly switchPos: readonly number[], private readonly switchHart: readonly number[], private readonly fallback: HartSchedule) {}

  next(runnable: readonly Hart[], current: number, position: number): Slice | undefined {
    if (runnable.length === 0) return undefined;
    // Past the log (live recording goes on from here), the policy that made the log decides.
    const last = this.switchPos.length - 1;
    if (last < 0 || position > this.switchPos[last]) return this.fallback.next(runnable, current, position);
    let lo = 0, hi = this.switchPos.length;
    while (lo < hi) { const mid = (lo + hi) >>> 1; if (this.switchPos[mid] <= position) lo = mid + 1; else hi = mid; }
    const k = lo - 1;
    const logged = k >= 0 ? this.switchHart[k] : runnable[0].id;
    // A faithful log never names a sleeping hart; if one does, running another beats spinning forever.
    const hart = runnable.some((h) => h.id === logged) ? logged : runnable[0].id;
    const nextAt = k + 1 < this.switchPos.length ? this.switchPos[k + 1] : Infinity;
    return { hart, budget: Math.max(1, Math.min(nextAt - position, 1 << 30)) };
  }
}
