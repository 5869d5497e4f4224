// How harts share the one host thread: a schedule picks the next hart and how long it may run.
// The machine asks at every slice boundary; the replay engine supplies a schedule read from a recording.

import type { Hart } from '../riscv/hart';

export interface Slice {
  hart: number;
  /** Maximum instructions before the schedule is asked again. */
  budget: number;
}

export interface HartSchedule {
  /** Policy name written to recordings. */
  readonly name: string;
  /**
   * Picks the next slice. `runnable` lists harts that are not asleep; `current` is the hart that just ran
   * (or -1 at reset), `position` the machine position. Returns undefined only when `runnable` is empty.
   */
  next(runnable: readonly Hart[], current: number, position: number): Slice | undefined;
}

/** QEMU's round-robin TCG mode: each runnable hart in turn, `quantum` instructions at a time. */
export class RoundRobin implements HartSchedule {
  readonly name = 'roundrobin';
  constructor(readonly quantum: number) {}

  next(runnable: readonly Hart[], current: number): Slice | undefined {
    if (runnable.length === 0) return undefined;
    let pick = runnable[0];
    for (const h of runnable)
      if (h.id > current) {
        pick = h;
        break;
      }
    return { hart: pick.id, budget: this.quantum };
  }
}
