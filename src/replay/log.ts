// The in-memory event log that drives a replay: switches, inputs, wakes and checksums, each sorted by position.
// The reader fills it from a file; a live recorder appends to it, so reverse execution works while recording.

import type { Channel, Checksum, Edit, LoggedEvent } from './format';
import { CHANNELS } from './format';

/** Index of the first element of sorted `a` that is >= v. */
export function lowerBound(a: readonly number[], v: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of sorted `a` that is > v. */
export function upperBound(a: readonly number[], v: number): number {
  let lo = 0,
    hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class EventLog {
  readonly switchPos: number[] = [];
  readonly switchHart: number[] = [];
  readonly inputPos: number[] = [];
  /** 0 = uart, 1 = semihost. */
  readonly inputChannel: number[] = [];
  readonly inputByte: number[] = [];
  readonly wakePos: number[] = [];
  readonly wakeHart: number[] = [];
  readonly checksums: Checksum[] = [];
  readonly checksumPos: number[] = [];
  /** Debugger edits made while recording, in the order they were made. */
  readonly editPos: number[] = [];
  readonly edits: Edit[] = [];
  /** Execution up to this position is fully described by the log. */
  frontier = 0;

  addSwitch(position: number, hart: number): void {
    this.switchPos.push(position);
    this.switchHart.push(hart);
  }

  addInput(position: number, channel: number, byte: number): void {
    this.inputPos.push(position);
    this.inputChannel.push(channel);
    this.inputByte.push(byte);
  }

  addWake(position: number, hart: number): void {
    this.wakePos.push(position);
    this.wakeHart.push(hart);
  }

  addChecksum(c: Checksum): void {
    this.checksums.push(c);
    this.checksumPos.push(c.position);
  }

  addEdit(position: number, e: Edit): void {
    this.editPos.push(position);
    this.edits.push(e);
  }

  /** The hart that executes the instruction at `position` (the last switch at or before it), or -1 before any. */
  hartAt(position: number): number {
    const k = upperBound(this.switchPos, position) - 1;
    return k >= 0 ? this.switchHart[k] : -1;
  }

  /**
   * The largest position q < before at which `hart` executes an instruction, or -1 when it has none.
   * Slices are the spans between switches; a slice of zero length executes nothing.
   */
  previousInstructionOf(hart: number, before: number): number {
    let k = upperBound(this.switchPos, before - 1) - 1;
    let end = before; // exclusive end of the slice starting at switchPos[k], clipped to `before`
    while (k >= 0) {
      const start = this.switchPos[k];
      if (this.switchHart[k] === hart && end > start) return end - 1;
      end = Math.min(end, start);
      k--;
    }
    return -1;
  }

  /** The smallest position q >= from at which `hart` executes an instruction (below `limit`), or -1. */
  nextInstructionOf(hart: number, from: number, limit: number): number {
    let k = upperBound(this.switchPos, from) - 1;
    let start = from;
    for (;;) {
      const end = k + 1 < this.switchPos.length ? Math.min(this.switchPos[k + 1], limit) : limit;
      if (k >= 0 && this.switchHart[k] === hart && end > start) return start;
      k++;
      if (k >= this.switchPos.length || this.switchPos[k] >= limit) return -1;
      start = Math.max(start, this.switchPos[k]);
    }
  }

  /** Switches, inputs, wakes and edits with from <= position < to, in position order (switches first at a tie). */
  eventsBetween(from: number, to: number): LoggedEvent[] {
    const out: LoggedEvent[] = [];
    for (let k = lowerBound(this.switchPos, from); k < this.switchPos.length && this.switchPos[k] < to; k++) {
      out.push({ position: this.switchPos[k], kind: 'switch', hart: this.switchHart[k] });
    }
    for (let k = lowerBound(this.wakePos, from); k < this.wakePos.length && this.wakePos[k] < to; k++) {
      out.push({ position: this.wakePos[k], kind: 'wake', hart: this.wakeHart[k] });
    }
    for (let k = lowerBound(this.inputPos, from); k < this.inputPos.length && this.inputPos[k] < to; k++) {
      const hart = this.hartAt(this.inputPos[k]);
      out.push({
        position: this.inputPos[k],
        kind: 'input',
        hart: hart >= 0 ? hart : undefined,
        channel: CHANNELS[this.inputChannel[k]] as Channel,
        byte: this.inputByte[k],
      });
    }
    for (let k = lowerBound(this.editPos, from); k < this.editPos.length && this.editPos[k] < to; k++) {
      const e = this.edits[k];
      out.push({
        position: this.editPos[k],
        kind: 'edit',
        hart: e.target === 'register' ? e.hart : undefined,
        edit: e,
      });
    }
    const order = { switch: 0, wake: 1, input: 2, edit: 3, checksum: 4 };
    return out.sort((a, b) => a.position - b.position || order[a.kind] - order[b.kind]);
  }
}

/** The latest position `from` <= before such that `hart` executes at least `n` instructions in [from, before), or 0. */
export function windowStart(log: EventLog, hart: number, before: number, n: number): number {
  let k = upperBound(log.switchPos, before - 1) - 1;
  let end = before,
    count = 0;
  while (k >= 0) {
    const start = log.switchPos[k];
    if (log.switchHart[k] === hart && end > start) {
      count += end - start;
      if (count >= n) return end - (n - (count - (end - start)));
    }
    end = Math.min(end, start);
    k--;
  }
  return 0;
}
