// The adapter's reverse-execution engine over the Machine: deterministic re-execution from reset, with the live
// recording's switches and inputs replayed, so going back and coming forward again always agree with the recording.
// It stands in until src/replay offers seek and snapshots; the Timeline interface in engine.ts is the seam.

import { closeSync, openSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Machine } from '../machine/machine';
import type { HartSchedule } from '../machine/schedule';
import { RecordingWriter } from '../replay/writer';
import type { Channel, Policy } from '../replay/format';
import { depthDelta } from './calls';
import type { HartSample, Hit, Outcome, Probes, Timeline } from './engine';
import { LoggedSchedule, SteadyChaos, SteadyRoundRobin } from './slices';

export interface MachineSetup {
  elf: Uint8Array;
  /** The image's path, for messages and the recording header. */
  path: string;
  harts: number;
  ramSize: number;
  quantum: number;
  policy: Policy;
  seed: number;
  bootargs?: string;
}

/** The events that make a run reproducible; a live recording appends, a loaded one is complete. */
export interface EventLog {
  switches: { position: number; hart: number }[];
  inputs: { position: number; channel: Channel; byte: number }[];
  /** For a loaded recording: where it ends and how. */
  end?: { positions: number; reason: string; exitCode: number; message: string };
}

/** How many instructions a forward run executes before it lets pause requests and input in. */
const CHUNK = 2_000_000;

export class MachineTimeline implements Timeline {
  machine: Machine;
  onConsole: (text: string) => void = () => {};
  private frontier = 0;
  private switchCursor = 0;
  private inputCursor = 0;
  /** Console bytes already shown to the user; re-execution prints nothing it printed before. */
  private shownBytes = 0;
  private producedBytes = 0;
  private readonly typed: number[] = [];
  private pauseRequested = false;
  private writer: RecordingWriter | undefined;
  private fd: number | undefined;
  private liveEnd: Outcome | undefined;

  constructor(private readonly setup: MachineSetup, private readonly log: EventLog, readonly live: boolean,
    private readonly recordingPath?: string) {
    if (!live && log.end) this.frontier = log.end.positions;
    if (live && recordingPath) {
      this.fd = openSync(recordingPath, 'w');
      const fd = this.fd;
      this.writer = new RecordingWriter((b) => writeSync(fd, b), {
        tool: 'hartline debug adapter',
        images: [{ role: 'kernel', path: setup.path, sha256: createHash('sha256').update(setup.elf).digest('hex') }],
        machine: { harts: setup.harts, ramSize: setup.ramSize },
        schedule: { policy: setup.policy, quantum: setup.quantum, seed: setup.policy === 'chaos' ? String(setup.seed) : undefined },
        checksumInterval: 1_000_000,
      });
    }
    this.machine = this.fresh();
  }

  get position(): number { return this.machine.position; }
  get end(): number { return this.frontier; }

  switches(): { position: number; hart: number }[] { return this.log.switches.slice(); }

  /** A machine at reset whose hooks replay the log behind the frontier and extend it beyond. */
  private fresh(): Machine {
    const s = this.setup;
    const policy: HartSchedule = s.policy === 'chaos' ? new SteadyChaos(s.quantum, s.seed) : new SteadyRoundRobin(s.quantum);
    const schedule = this.live ? policy : new LoggedSchedule(this.log.switches.map((e) => e.position), this.log.switches.map((e) => e.hart), policy);
    const m = Machine.fromElf(this.setup.elf, { harts: s.harts, ramSize: s.ramSize, schedule, name: s.path, bootargs: s.bootargs });
    this.switchCursor = 0;
    this.inputCursor = 0;
    this.producedBytes = 0;
    m.onConsole = (bytes) => {
      const skip = Math.max(0, Math.min(bytes.length, this.shownBytes - this.producedBytes));
      this.producedBytes += bytes.length;
      if (skip < bytes.length) {
        this.shownBytes += bytes.length - skip;
        this.onConsole(Buffer.from(bytes.subarray(skip)).toString('latin1'));
      }
    };
    m.onSwitch = (position, hart) => {
      if (this.switchCursor < this.log.switches.length) { this.switchCursor++; return; }
      if (!this.live) return;
      this.log.switches.push({ position, hart });
      this.switchCursor++;
      this.writer?.switchHart(position, hart);
    };
    m.input = { readByte: (channel) => this.readInput(m, channel) };
    return m;
  }

  private readInput(m: Machine, channel: Channel): number {
    const now = m.positionNow();
    const inputs = this.log.inputs;
    if (this.inputCursor < inputs.length) {
      const e = inputs[this.inputCursor];
      if (e.position === now && e.channel === channel) { this.inputCursor++; return e.byte; }
      return -1;
    }
    if (!this.live || now < this.frontier) return -1;
    const b = this.typed.shift();
    if (b === undefined) return -1;
    inputs.push({ position: now, channel, byte: b });
    this.inputCursor++;
    this.writer?.input(now, channel, b);
    return b;
  }

  sendInput(bytes: Uint8Array): void {
    for (const b of bytes) this.typed.push(b);
  }

  pause(): void { this.pauseRequested = true; }

  /** After any run: extend the frontier and let the recording catch up. */
  private advanced(): void {
    if (this.machine.position > this.frontier) this.frontier = this.machine.position;
    if (this.writer && (this.writer.full || true)) this.writer.flush(this.frontier);
  }

  /** How the machine's end looks to the user, or undefined while it can go on. */
  private endOutcome(): Outcome | undefined {
    const m = this.machine;
    if (m.exit) return { kind: 'end', reason: 'exit', message: m.exit.message, exitCode: m.exit.code };
    if (m.trap) return { kind: 'end', reason: 'trap', message: m.trap.message };
    if (!this.live && m.position >= this.frontier) {
      const e = this.log.end;
      return { kind: 'end', reason: 'frontier', message: e ? e.message : 'end of recording', exitCode: e?.exitCode };
    }
    return undefined;
  }

  /** The furthest a run may go: the end of a replayed recording, or anywhere while live. */
  private get limit(): number { return this.live ? Number.MAX_SAFE_INTEGER : this.frontier; }

  seek(position: number): Outcome {
    const target = Math.max(0, Math.min(position, this.live ? Number.MAX_SAFE_INTEGER : this.frontier));
    if (target < this.machine.position) this.machine = this.fresh();
    while (this.machine.position < target && !this.machine.halted) {
      const r = this.machine.run(target - this.machine.position);
      if (r.reason === 'deadlock') { this.liveEnd = { kind: 'end', reason: 'deadlock', message: r.message ?? 'deadlock' }; break; }
    }
    this.advanced();
    if (this.machine.position === 0) return { kind: 'start' };
    return this.endOutcome() ?? { kind: 'arrived' };
  }

  /** Arms breakpoints and watches on the current machine; returns the function that disarms them. */
  private arm(probes: Probes, pending: Hit[]): () => void {
    const m = this.machine;
    for (const pc of probes.pcs) m.addBreakpoint(pc);
    const watches = probes.watches.map((w) => ({
      ...w,
      hit: (h: { id: number; pc: number }, addr: number, size: number, write: boolean) => {
        pending.push({ kind: 'data' as const, hart: h.id, pc: h.pc, position: -1, addr, size, write });
        m.requestStop();
      },
    }));
    for (const w of watches) m.memory.addWatch(w);
    return () => {
      for (const pc of probes.pcs) m.removeBreakpoint(pc);
      for (const w of watches) m.memory.removeWatch(w);
    };
  }

  /**
   * One bounded stretch of execution with probes armed. Returns the accepted hit, an end, or undefined when the
   * stretch ran out. `skipAt` ignores a pc hit at the position a continue starts from (the stop being resumed).
   */
  private stretch(probes: Probes, until: number, replaying: boolean, skipAt: number, onHit?: (h: Hit) => void): Outcome | undefined {
    const m = this.machine;
    const pending: Hit[] = [];
    const disarm = this.arm(probes, pending);
    try {
      while (m.position < until) {
        const r = m.run(until - m.position);
        this.advanced();
        if (r.reason === 'breakpoint') {
          const h = m.harts[m.current];
          if (m.position === skipAt) continue;
          const hit: Hit = { kind: 'pc', hart: h.id, pc: h.pc, position: m.position };
          if (probes.accept(hit, replaying)) { if (!onHit) return { kind: 'hit', hit }; onHit(hit); }
          continue;
        }
        if (r.reason === 'stop') {
          for (const p of pending.splice(0)) {
            const hit = { ...p, pc: m.harts[p.hart].pc, position: m.position };
            if (probes.accept(hit, replaying)) { if (!onHit) return { kind: 'hit', hit }; onHit(hit); break; }
          }
          continue;
        }
        if (r.reason === 'deadlock') return { kind: 'end', reason: 'deadlock', message: r.message ?? 'deadlock' };
        if (r.reason === 'exit' || r.reason === 'trap') return this.endOutcome();
      }
      return undefined;
    } finally {
      disarm();
    }
  }

  async forward(probes: Probes): Promise<Outcome> {
    this.pauseRequested = false;
    const start = this.machine.position;
    const done = this.endOutcome() ?? this.liveEnd;
    if (done) return done;
    for (;;) {
      const until = Math.min(this.limit, this.machine.position + CHUNK);
      const out = this.stretch(probes, until, false, start);
      if (out) return out;
      const end = this.endOutcome();
      if (end) return end;
      // Let pause, input and other requests in between chunks.
      await new Promise((r) => setImmediate(r));
      if (this.pauseRequested) { this.pauseRequested = false; return { kind: 'paused' }; }
    }
  }

  backward(probes: Probes): Outcome {
    const target = this.machine.position;
    if (target === 0) return { kind: 'start' };
    this.machine = this.fresh();
    let last: Hit | undefined;
    this.stretch(probes, target, true, -1, (hit) => { if (hit.position < target) last = hit; });
    if (!last) return this.seek(0);
    this.seek(last.position);
    return { kind: 'hit', hit: last };
  }

  stepHart(hart: number): boolean {
    const m = this.machine;
    // A hart asleep for good would spin here forever; a bounded wait keeps the adapter answering.
    for (let guard = 0; guard < 50_000_000; guard++) {
      if (m.halted || m.position >= this.limit) return false;
      const before = m.position;
      const r = m.run(1);
      this.advanced();
      if (r.reason === 'deadlock') return false;
      if (m.position > before && m.current === hart) return true;
    }
    return false;
  }

  hartSamples(hart: number, from: number, to: number): HartSample[] {
    this.seek(from);
    const m = this.machine;
    const h = m.harts[hart];
    let depth = 0;
    const out: HartSample[] = [{ position: m.position, pc: h.pc, depth }];
    let pc = h.pc;
    while (m.position < to && !m.halted) {
      const before = m.position;
      const word = m.instructionAt(pc);
      const r = m.run(1);
      if (r.reason === 'deadlock') break;
      if (m.position > before && m.current === hart) {
        depth += depthDelta(word, pc, h.pc);
        pc = h.pc;
        out.push({ position: m.position, pc, depth });
      } else if (h.pc !== pc) {
        // An interrupt taken before the hart ran moves its pc without retiring anything.
        depth += 1;
        pc = h.pc;
      }
    }
    this.advanced();
    return out;
  }

  finish(): string | undefined {
    if (this.writer && !this.writer.finished) {
      const m = this.machine;
      const reason = m.exit ? 'exit' : m.trap ? 'trap' : 'stopped';
      this.writer.finish({ reason, exitCode: m.exit?.code ?? 0, positions: this.frontier, message: m.exit?.message ?? m.trap?.message ?? 'recording stopped by the debugger' });
    }
    if (this.fd !== undefined) { closeSync(this.fd); this.fd = undefined; }
    return this.recordingPath;
  }
}
