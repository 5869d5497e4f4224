// Replay's side of the input door: a schedule and an input port that read the event log, and the rule that a
// sleeping hart wakes at a slice boundary only where the recording says it did.

import type { Machine, InputPort } from '../machine/machine';
import type { HartSchedule, Slice } from '../machine/schedule';
import type { Hart } from '../riscv/hart';
import { CHANNELS, Channel } from './format';
import { EventLog, lowerBound } from './log';

/** Raised through the engine as a Divergence; the player only says what went wrong and where. */
export type DivergenceSink = (position: number, hart: number, what: string) => never;

export class ReplaySource {
  private sw = 0;
  private inp = 0;
  private wk = 0;
  readonly schedule: HartSchedule;
  readonly input: InputPort;

  constructor(
    private readonly m: Machine,
    private readonly log: EventLog,
    private readonly diverged: DivergenceSink,
  ) {
    this.schedule = { name: 'replay', next: (runnable, current, position) => this.next(runnable, current, position) };
    this.input = { readByte: (channel) => this.readByte(channel) };
  }

  /** Puts the cursors at `position`: events there have not happened yet (snapshots sit between instructions). */
  seek(position: number): void {
    this.sw = lowerBound(this.log.switchPos, position);
    this.inp = lowerBound(this.log.inputPos, position);
    this.wk = lowerBound(this.log.wakePos, position);
  }

  private next(runnable: readonly Hart[], current: number, position: number): Slice {
    const log = this.log;
    // The machine called runnable() at this boundary already, so wakes logged here are behind us.
    while (this.wk < log.wakePos.length && log.wakePos[this.wk] <= position) this.wk++;
    let hart = current;
    if (this.sw < log.switchPos.length) {
      const at = log.switchPos[this.sw];
      if (at < position)
        this.diverged(
          position,
          current,
          `the recording switches to hart ${log.switchHart[this.sw]} at position ${at}, which the replay passed`,
        );
      if (at === position) hart = log.switchHart[this.sw++];
    }
    if (hart < 0) this.diverged(position, hart, 'the recording names no hart to run first');
    if (!runnable.some((h) => h.id === hart))
      this.diverged(position, hart, `hart ${hart} is asleep, but the recording runs it here`);
    let until = log.frontier;
    if (this.sw < log.switchPos.length) until = Math.min(until, log.switchPos[this.sw]);
    if (this.wk < log.wakePos.length) until = Math.min(until, log.wakePos[this.wk]);
    // Input may arrive at a slice boundary (a guest waiting on receive interrupts), so make one where it arrived.
    if (this.inp < log.inputPos.length && log.inputPos[this.inp] > position)
      until = Math.min(until, log.inputPos[this.inp]);
    // A zero budget happens when another switch follows at the same position; runSlice then only switches.
    return { hart, budget: Math.max(0, until - position) };
  }

  private readByte(channel: Channel): number {
    const log = this.log,
      k = this.inp;
    if (k >= log.inputPos.length) return -1;
    const p = this.m.positionNow();
    const at = log.inputPos[k];
    if (at === p && CHANNELS[log.inputChannel[k]] === channel) {
      this.inp++;
      return log.inputByte[k];
    }
    if (at < p) this.diverged(p, this.m.current, `the guest did not read the input byte recorded at position ${at}`);
    return -1;
  }
}
