// Recording's side of the input door: the policy decides, and every decision and input is logged with its
// position, to the in-memory log (for reverse execution while recording) and to the file writer.

import type { InputPort, Machine } from '../machine/machine';
import type { HartSchedule, Slice } from '../machine/schedule';
import type { Hart } from '../riscv/hart';
import type { Channel, Checksum } from './format';
import { CHANNELS } from './format';
import type { EventLog } from './log';
import type { RecordingWriter } from './writer';

export class LiveSource {
  readonly schedule: HartSchedule;
  readonly input: InputPort;
  /** The slice the policy granted last; run limits and stops cut slices, and the rest is resumed, not redrawn. */
  private sliceHart = -1;
  private sliceEnd = 0;

  constructor(
    private readonly m: Machine,
    private readonly log: EventLog,
    readonly policy: HartSchedule,
    private readonly host: InputPort,
    readonly writer: RecordingWriter | undefined,
  ) {
    this.schedule = {
      name: policy.name,
      next: (runnable, current, position) => this.next(runnable, current, position),
    };
    this.input = { readByte: (channel) => this.readByte(channel) };
  }

  private next(runnable: readonly Hart[], current: number, position: number): Slice | undefined {
    // Resuming the granted slice keeps the schedule independent of where the engine chunks its runs.
    if (current === this.sliceHart && position < this.sliceEnd && runnable.some((h) => h.id === current)) {
      return { hart: current, budget: this.sliceEnd - position };
    }
    const s = this.policy.next(runnable, current, position);
    if (s) {
      this.sliceHart = s.hart;
      this.sliceEnd = position + s.budget;
    }
    return s;
  }

  private readByte(channel: Channel): number {
    const b = this.host.readByte(channel);
    if (b >= 0) {
      const p = this.m.positionNow();
      this.log.addInput(p, CHANNELS.indexOf(channel), b);
      this.writer?.input(p, channel, b);
    }
    return b;
  }

  switched(position: number, hart: number): void {
    this.log.addSwitch(position, hart);
    this.writer?.switchHart(position, hart);
  }

  checksum(c: Checksum): void {
    this.log.addChecksum(c);
    this.writer?.checksum(c);
  }
}
