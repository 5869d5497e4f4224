// Preemptions of a recording and a schedule that re-runs a chosen few of them. A preemption is a switch away from a
// hart that could have gone on running; it is named by that hart's own instruction count, which stays meaningful
// when other preemptions are dropped, and the hart it switched to.

import type { Hart } from '../../riscv/hart';
import type { HartSchedule, Slice } from '../../machine/schedule';
import type { LoadedImage } from '../images';
import type { Recording } from '../reader';
import { openReplay } from '../playback';

export interface Preemption {
  /** The hart switched out, and how many instructions it had executed then. */
  hart: number;
  retired: number;
  /** The hart switched in. */
  to: number;
  /** Where it happened in the run it was found in. */
  position: number;
  pc: number;
}

/** Replays `rec` and lists its preemptions (switches away from a hart that was still runnable). */
export function findPreemptions(rec: Recording, images: LoadedImage[]): Preemption[] {
  const s = openReplay(rec, images);
  const m = s.machine;
  const out: Preemption[] = [];
  const schedule = s.engine.replay.schedule as { next: HartSchedule['next'] };
  const next = schedule.next;
  schedule.next = (runnable, current, position) => {
    const slice = next(runnable, current, position);
    if (slice && current >= 0 && slice.hart !== current && runnable.some((h) => h.id === current)) {
      const h = m.harts[current];
      out.push({ hart: current, retired: h.retired, to: slice.hart, position, pc: h.pc });
    }
    return slice;
  };
  s.engine.advance(rec.trailer?.positions ?? rec.log.frontier);
  return out;
}

/**
 * Round-robin with a coarse quantum (the schedule under which the bug does not show), plus the given preemptions:
 * when a hart reaches a preemption's instruction count, the machine switches to its target for a fresh quantum.
 */
export class PreemptionSchedule implements HartSchedule {
  readonly name = 'roundrobin';
  private readonly pending: Preemption[][];
  private readonly nextIndex: number[];
  private sliceHart = -1;
  private sliceEnd = 0;
  /** The preemptions taken, with where they happened in this run. */
  readonly taken: Preemption[] = [];
  /** Switches the round-robin base made when a quantum ran out on a hart that could have gone on. */
  quantumSwitches = 0;

  constructor(
    readonly quantum: number,
    harts: number,
    points: readonly Preemption[],
  ) {
    this.pending = Array.from({ length: harts }, () => []);
    for (const p of points) if (p.hart < harts && p.to < harts) this.pending[p.hart].push(p);
    for (const list of this.pending) list.sort((a, b) => a.retired - b.retired);
    this.nextIndex = this.pending.map(() => 0);
  }

  /** The next preemption of hart h that is still ahead of it (those it passed asleep or diverged past are dropped). */
  private ahead(h: Hart): Preemption | undefined {
    const list = this.pending[h.id];
    while (this.nextIndex[h.id] < list.length && list[this.nextIndex[h.id]].retired < h.retired) this.nextIndex[h.id]++;
    return list[this.nextIndex[h.id]];
  }

  private grant(h: Hart, position: number, fresh: boolean): Slice {
    if (fresh || h.id !== this.sliceHart) {
      this.sliceHart = h.id;
      this.sliceEnd = position + this.quantum;
    }
    let budget = this.sliceEnd - position;
    const p = this.ahead(h);
    if (p) budget = Math.min(budget, p.retired - h.retired);
    return { hart: h.id, budget: Math.max(1, budget) };
  }

  next(runnable: readonly Hart[], current: number, position: number): Slice | undefined {
    if (runnable.length === 0) return undefined;
    const cur = runnable.find((h) => h.id === current);
    if (cur) {
      const p = this.ahead(cur);
      if (p && p.retired === cur.retired) {
        this.nextIndex[cur.id]++;
        const target = runnable.find((h) => h.id === p.to);
        if (target) {
          this.taken.push({ ...p, position, pc: cur.pc });
          return this.grant(target, position, true);
        }
      }
      if (position < this.sliceEnd && this.sliceHart === cur.id) return this.grant(cur, position, false);
    }
    const pick = runnable.find((h) => h.id > current) ?? runnable[0];
    if (cur && pick.id !== cur.id) this.quantumSwitches++;
    return this.grant(pick, position, true);
  }
}
