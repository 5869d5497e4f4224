// History: reverse execution over a recording (finished, or live and still growing), at the level of rr's timeline:
// seek, continue in both directions, one instruction of a hart each way, and last write. The one primitive is
// "restore the nearest snapshot before a position and run forward with observers". Lines, frames and call depth
// are the debug adapter's business (src/debug/stepping.ts), not this file's.

import { Advance } from './engine';
import type { LoggedEvent } from './format';
import { EventLog } from './log';
import { Snapshot, SnapshotStore } from './snapshot';
import { enforceBudget, thinLocals, thinSpine } from './retention';
import type { Playback } from './playback';
import { arm, breakpointHit, Pending, settle } from './stops';
import type { Stop, StopReason, Stops, Watchpoint } from './stops';

export interface HistoryOptions {
  /** Positions between spine snapshots (default 2^21). */
  spineInterval?: number;
  /** Closest spacing of snapshots taken on the way to a seek target (default 20000). */
  localGap?: number;
  /** Snapshot memory budget in bytes (default 512 MiB, --snapshot-budget). */
  budget?: number;
}

export type { Breakpoint, Stop, StopReason, Stops, Watchpoint } from './stops';

/** A write found by lastWrite: the position of the writing instruction, its hart, and the access it made. */
export interface LastWrite {
  position: number;
  hart: number;
  address: number;
  size: number;
}

interface Hit {
  position: number;
  stop: Stop;
}

/** A step of one hart records at most this far ahead, live, looking for the hart's next instruction. */
const MAX_WAIT = 20_000_000;

export class History {
  readonly store: SnapshotStore;
  private readonly sums = new Map<Snapshot, number[]>();
  private readonly spineInterval: number;
  private readonly localGap: number;
  private readonly budget: number;
  private spineMax = 0;
  private plan: number[] = [];
  peakSnapshotBytes = 0;

  constructor(
    readonly session: Playback,
    opts: HistoryOptions = {},
  ) {
    this.spineInterval = opts.spineInterval ?? 1 << 21;
    this.localGap = opts.localGap ?? 20000;
    this.budget = opts.budget ?? 512 << 20;
    this.store = new SnapshotStore(session.machine, session.engine.dirty, (s) =>
      session.engine.restored(this.sums.get(s) ?? []),
    );
    if (session.machine.position !== 0) throw new Error('a history starts at position 0');
    this.snap('spine');
  }

  get position(): number {
    return this.session.machine.position;
  }

  private get log(): EventLog {
    return this.session.log;
  }

  /** The last position there is: the end of a finished recording, or the live frontier. */
  get end(): number {
    return this.log.frontier;
  }

  private snap(kind: 'spine' | 'local'): void {
    const s = this.store.take(kind);
    this.sums.set(s, this.session.engine.sumPageList());
    if (kind === 'spine') thinSpine(this.store, this.spineInterval);
    else thinLocals(this.store, this.position);
    enforceBudget(this.store, this.budget, this.position);
    this.peakSnapshotBytes = Math.max(this.peakSnapshotBytes, this.store.bytes);
  }

  /** Runs forward to `target`, taking spine snapshots the first time and local ones planned by goto(). */
  private forward(target: number, resume = true): Advance {
    const e = this.session.engine,
      iv = this.spineInterval;
    return e.advance(
      target,
      (pos) => {
        let next = pos < this.spineMax ? Infinity : (Math.floor(pos / iv) + 1) * iv;
        while (this.plan.length && this.plan[0] <= pos) this.plan.shift();
        if (this.plan.length) next = Math.min(next, this.plan[0]);
        return next;
      },
      (pos) => {
        if (pos % iv === 0 && pos > this.spineMax) {
          this.spineMax = pos;
          this.snap('spine');
        } else if (this.plan.length && this.plan[0] === pos) {
          this.plan.shift();
          this.snap('local');
        }
      },
      resume,
    );
  }

  /** Puts the machine at `target` (clamped to the recording), restoring a snapshot when that is shorter. */
  private goto(target: number): Advance {
    target = Math.max(0, target);
    const m = this.session.machine;
    const s = this.store.nearest(target)!;
    if (target < m.position || target - m.position > target - s.position) this.store.restore(s);
    // Local snapshots at halving distances before the target, whether we restored or just run on from here:
    // the next step back then starts close by.
    this.plan = [];
    // (In ascending order: forward() takes them from the front.)
    for (let d = target - m.position; d > this.localGap; d = Math.floor(d / 2))
      this.plan.push(target - Math.floor(d / 2));
    const a = this.forward(target);
    this.plan = [];
    return a;
  }

  private stopOf(a: Advance, hart?: number): Stop {
    const reason: StopReason =
      a.reason === 'target' ? 'target' : a.reason === 'end' ? 'end' : a.reason === 'stop' ? 'watchpoint' : a.reason;
    return { reason, position: a.position, hart, message: a.reason === 'end' ? 'end of recording' : a.message };
  }

  seek(position: number): Stop {
    if (position <= 0) {
      this.goto(0);
      return { reason: 'start', position: 0, message: 'start of recording' };
    }
    const a = this.goto(position);
    return this.stopOf(a);
  }

  /** Back to just before `hart`'s previous instruction, or to the start when it has none. */
  stepBack(hart: number): Stop {
    const q = this.log.previousInstructionOf(hart, this.position);
    if (q < 0) {
      this.goto(0);
      return { reason: 'start', position: 0, hart, message: 'start of recording' };
    }
    this.goto(q);
    return { reason: 'step', position: q, hart, pc: this.session.machine.harts[hart].pc };
  }

  /**
   * On to just after `hart`'s next instruction. Past the frontier of a live recording the machine records on until
   * the hart has run, at most `maxWait` positions beyond where the step began (a hart asleep with nothing to wake
   * it never runs again). A step that cannot complete says why: how the run ended ('exit', 'trap', 'deadlock'),
   * or 'end' for a hart that does not run again before the end of what there is (the machine is then back where
   * the step began, clamped to the end).
   */
  stepForward(hart: number, maxWait = MAX_WAIT): Stop {
    const log = this.log,
      m = this.session.machine,
      start = this.position;
    for (let ahead = 1; ; ) {
      const q = log.nextInstructionOf(hart, start, this.end);
      if (q >= 0) {
        const a = this.goto(q + 1);
        if (a.reason === 'target' && this.position === q + 1)
          return { reason: 'step', position: q + 1, hart, pc: m.harts[hart].pc };
        return this.stopOf(a, hart);
      }
      // Not in the log yet: record on until the hart has run, then step to just after its instruction.
      if (!this.session.engine.canRecord || this.end - start > maxWait) {
        const a = this.goto(Math.min(start, this.end));
        return a.reason === 'target'
          ? { reason: 'end', position: this.position, hart, message: `hart ${hart} does not run again` }
          : this.stopOf(a, hart);
      }
      const a = this.goto(this.end + ahead);
      if (a.reason !== 'target' && log.nextInstructionOf(hart, start, this.end) < 0) return this.stopOf(a, hart);
      ahead = Math.min(ahead * 4, 1 << 20);
    }
  }

  /**
   * Runs forward or backward to the next breakpoint or watchpoint hit; the ends of the recording are stops too.
   * Forward, `limit` (a position) bounds the run: reaching it stops with reason 'target', so a caller can let
   * other work in between stretches of a long run. Backward, `limit` is a floor: once every position from it up to
   * the cursor has been searched without a hit, the run stops there with reason 'target' (searching resumes below it).
   */
  continue(direction: 'forward' | 'backward', stops: Stops, opts: { limit?: number; resume?: boolean } = {}): Stop {
    return direction === 'forward'
      ? this.continueForward(stops, opts.limit, opts.resume)
      : this.continueBackward(stops, opts.limit);
  }

  /** `resume` (default true) steps over a breakpoint at the current position; false after a stop at a limit. */
  private continueForward(stops: Stops, limit = Number.MAX_SAFE_INTEGER, resume = true): Stop {
    let hit: Stop | undefined;
    const pending: Pending = [];
    const onHit = (s: Stop) => {
      hit ??= s;
      return true;
    };
    const disarm = arm(this.session.machine, stops, onHit, pending);
    const canRecord = this.session.engine.canRecord;
    try {
      for (;;) {
        hit = undefined;
        const a = this.forward(Math.min(limit, canRecord ? Number.MAX_SAFE_INTEGER : this.end), resume);
        resume = a.reason === 'breakpoint';
        if (a.reason === 'stop') settle(this.session.machine, pending, onHit);
        if (a.reason === 'stop' && hit) return { ...(hit as Stop), position: this.position };
        if (a.reason === 'stop') continue; // only conditional hits whose condition said no
        if (a.reason === 'breakpoint') {
          const b = breakpointHit(this.session.machine, stops);
          if (b) return b;
          continue; // a condition or hart filter said no: resuming executes through it
        }
        if (a.reason === 'target') {
          if (this.position >= limit && (canRecord || this.position < this.end))
            return { reason: 'target', position: this.position };
          return { reason: 'end', position: this.position, message: 'end of recording' };
        }
        return this.stopOf(a);
      }
    } finally {
      disarm();
    }
  }

  /**
   * Searches backwards one snapshot interval at a time: restore the interval's snapshot, run to its end noting
   * every hit before the cursor, and stop at the first interval (counting back) that has one; its last hit wins.
   * Past `floor` (searched down to it, or below it by the rest of an interval), it stops at that interval's start.
   */
  private continueBackward(stops: Stops, floor = 0): Stop {
    const cursor = this.position;
    let end = cursor;
    while (end > 0) {
      const s = this.store.nearest(end - 1)!;
      const hits = this.scan(stops, s.position, end);
      if (hits.length) {
        const last = hits[hits.length - 1];
        this.goto(last.position);
        return last.stop;
      }
      end = s.position;
      if (end > 0 && end <= floor) {
        this.goto(end);
        return { reason: 'target', position: end };
      }
    }
    this.goto(0);
    return { reason: 'start', position: 0, message: 'start of recording' };
  }

  /** Every hit with position in [from, to), in order. Watchpoint hits are at the accessing instruction. */
  private scan(stops: Stops, from: number, to: number): Hit[] {
    const hits: Hit[] = [];
    this.goto(from);
    const pending: Pending = [];
    const onHit = (s: Stop) => {
      if (s.position < to) hits.push({ position: s.position, stop: s });
      return false;
    };
    const disarm = arm(this.session.machine, stops, onHit, pending);
    try {
      // A breakpoint at `from` itself is a hit of this interval: the first run must not step over it.
      let resume = false;
      for (;;) {
        const a = this.forward(to, resume);
        resume = a.reason === 'breakpoint';
        if (a.reason === 'breakpoint') {
          const b = breakpointHit(this.session.machine, stops);
          if (b && b.position < to) hits.push({ position: b.position, stop: b });
          continue;
        }
        if (a.reason === 'stop') {
          settle(this.session.machine, pending, onHit);
          continue;
        }
        break;
      }
    } finally {
      disarm();
    }
    return hits.sort((a, b) => a.position - b.position);
  }

  /**
   * The position and hart of the last write before the cursor to any of the bytes [address, address+size): any
   * store, AMO or SC that wrote them, whether or not it changed their value. A racing store of the value already
   * there is the last writer too (a lost update often looks exactly so), so it is not skipped.
   */
  lastWrite(address: number, size: number, opts: { exceptHart?: number; before?: number } = {}): LastWrite | undefined {
    const cursor = this.position;
    // `before` narrows the search (the adapter skips a write that completes exactly at the cursor, so that asking
    // again from a last-write stop walks further back).
    let end = Math.min(cursor, opts.before ?? cursor);
    const w: Watchpoint = { lo: address, hi: address + size, kind: 'write' };
    while (end > 0) {
      const s = this.store.nearest(end - 1)!;
      const hits = this.scan({ watchpoints: [w] }, s.position, end).filter((h) => h.stop.hart !== opts.exceptHart);
      if (hits.length) {
        this.goto(cursor);
        const last = hits[hits.length - 1].stop;
        return { position: last.position, hart: last.hart!, address: last.address!, size: last.size! };
      }
      end = s.position;
    }
    this.goto(cursor);
    return undefined;
  }

  /** Logged switches, inputs and wakes with from <= position < to, for the Hart Timeline view. */
  events(from: number, to: number): LoggedEvent[] {
    return this.log.eventsBetween(from, to);
  }
}
