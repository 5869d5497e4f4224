// The adapter's Target on the replay engine: a live recording (written to its file as it goes, reversible while it
// is made) or a replay of a .hartrec file. Seeks, runs and searches use src/replay's snapshots; this file adds what
// a debugger needs on top: chunked forward runs that can be paused, probes with conditions, console and input.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { InputPort } from '../machine/machine';
import { endingOf } from '../machine/ending';
import type { Hart } from '../riscv/hart';
import type { Edit, ImageRole, Policy } from '../replay/format';
import { lowerBound, upperBound, windowStart } from '../replay/log';
import type { LoadedImage } from '../replay/images';
import type { Recording } from '../replay/reader';
import { openReplay, Playback, startRecording } from '../replay/playback';
import { Breakpoint, Stop, Stops, History, Watchpoint } from '../replay/history';
import { depthDelta } from './calls';
import type { HartSample, Outcome, Probes, Switch, SwitchSource, Target } from './target';
import { instructionOf } from './address-space';

/** Instructions a forward run executes between looks at pause requests, input and console output. */
const CHUNK = 4_000_000;
/** A single instruction step of a hart records at most this far ahead looking for the hart's next instruction. */
const MAX_WAIT = 20_000_000;

const FRONTIER: Outcome = { kind: 'end', reason: 'frontier', message: 'end of recording' };

export interface RecordSetup {
  images: { role: ImageRole; path: string; bytes: Uint8Array }[];
  harts: number;
  ramSize: number;
  policy: Policy;
  quantum: number;
  seed: number;
  bootargs?: string;
  /** Path of the .hartrec file to write. */
  recording: string;
  /** Snapshot memory budget in bytes. */
  budget?: number;
}

export class RecordingTarget implements Target {
  onConsole: (text: string) => void = () => {};
  private readonly t: History;
  private readonly s: Playback;
  private readonly typed: number[] = [];
  private pauseRequested = false;
  /** Console output up to this position has been shown; re-execution shows nothing twice. */
  private shownTo = 0;
  private consoleBuffer: number[] = [];
  /** How a live recording ended, once it has (a deadlock leaves no mark on the machine). */
  private deadlock: string | undefined;
  private fd: number | undefined;
  private finished = false;
  /** A replayed recording's trailer: how the run it holds ended. */
  private trailer: Recording['trailer'];

  private constructor(
    make: (onConsole: (bytes: Uint8Array, position: number) => void, input: InputPort) => Playback,
    private readonly recordingPath: string | undefined,
    budget: number | undefined,
  ) {
    const input: InputPort = { readByte: () => (this.typed.length ? this.typed.shift()! : -1) };
    this.s = make((bytes, position) => this.console(bytes, position), input);
    this.t = new History(this.s, { budget });
  }

  /** A new live recording, written to `setup.recording` as it goes. */
  static record(setup: RecordSetup): RecordingTarget {
    const fd = openSync(setup.recording, 'w');
    try {
      const tl = new RecordingTarget(
        (onConsole, input) =>
          startRecording({
            images: setup.images,
            harts: setup.harts,
            ramSize: setup.ramSize,
            policy: setup.policy,
            quantum: setup.quantum,
            seed: setup.policy === 'chaos' ? String(setup.seed) : undefined,
            bootargs: setup.bootargs,
            input,
            onConsole,
            sink: (b) => writeSync(fd, b),
          }),
        setup.recording,
        setup.budget,
      );
      tl.fd = fd;
      return tl;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** A replay of a recording whose images are loaded. */
  static replay(rec: Recording, images: LoadedImage[], budget?: number): RecordingTarget {
    const tl = new RecordingTarget((onConsole) => openReplay(rec, images, onConsole), undefined, budget);
    tl.trailer = rec.trailer;
    return tl;
  }

  get machine() {
    return this.s.machine;
  }
  /** The most memory the snapshots have held so far, in bytes (for the benchmarks). */
  get peakSnapshotBytes(): number {
    return this.t.peakSnapshotBytes;
  }
  get position(): number {
    return this.s.machine.position;
  }
  get end(): number {
    return this.t.end;
  }
  get live(): boolean {
    return this.s.engine.canRecord && !this.finished;
  }

  // ---- console and input ----

  private console(bytes: Uint8Array, position: number): void {
    if (position < this.shownTo) return;
    this.shownTo = position + 1;
    for (const b of bytes) this.consoleBuffer.push(b);
  }

  /** Hands buffered console output to the session. */
  private flushConsole(): void {
    if (this.consoleBuffer.length === 0) return;
    const text = Buffer.from(this.consoleBuffer).toString('latin1');
    this.consoleBuffer = [];
    this.onConsole(text);
  }

  sendInput(bytes: Uint8Array): void {
    for (const b of bytes) this.typed.push(b);
  }

  inputs(from: number, to: number): { position: number; byte: number }[] {
    const log = this.s.log,
      out: { position: number; byte: number }[] = [];
    for (let k = lowerBound(log.inputPos, from); k < log.inputPos.length && log.inputPos[k] < to; k++)
      out.push({ position: log.inputPos[k], byte: log.inputByte[k] });
    return out;
  }

  // ---- switches ----

  /** The raw switch and wake log with the recorded schedule, for the switch causes (src/debug/switches.ts). */
  switchSource(): SwitchSource {
    const log = this.s.log;
    return {
      schedule: this.s.header.schedule,
      switchPos: log.switchPos,
      switchHart: log.switchHart,
      wakePos: log.wakePos,
      wakeHart: log.wakeHart,
    };
  }

  private switchAt(k: number): Switch {
    const log = this.s.log,
      p = log.switchPos[k];
    return { position: p, hart: log.hartAt(p) };
  }

  switchesNear(position: number, n: number): Switch[] {
    const log = this.s.log;
    const k = upperBound(log.switchPos, position);
    const out: Switch[] = [];
    for (let j = Math.max(0, k - n); j < Math.min(log.switchPos.length, k + n); j++) {
      // Several switches at one position (zero-length slices) are one change: the last one names the hart.
      if (j + 1 < log.switchPos.length && log.switchPos[j + 1] === log.switchPos[j]) continue;
      out.push(this.switchAt(j));
    }
    return out;
  }

  switchAfter(position: number): Switch | undefined {
    const log = this.s.log,
      k = upperBound(log.switchPos, position);
    return k < log.switchPos.length ? this.switchAt(k) : undefined;
  }

  switchBefore(position: number): Switch | undefined {
    const log = this.s.log,
      k = lowerBound(log.switchPos, position) - 1;
    return k >= 0 ? this.switchAt(k) : undefined;
  }

  // ---- moving ----

  /**
   * How the run ends at the current position, if it does: the machine's ending (exit, trap, or a deadlock seen at
   * the end of what there is), or the end of a replayed recording; undefined where execution can go on.
   */
  ending(): Outcome | undefined {
    const atEnd = this.position >= this.end;
    const deadlock = atEnd
      ? (this.deadlock ?? (this.trailer?.reason === 'deadlock' ? this.trailer.message : undefined))
      : undefined;
    const e = endingOf(this.machine, deadlock);
    if (e) return { kind: 'end', reason: e.reason, message: e.message, exitCode: e.exitCode };
    if (atEnd && !this.live) return FRONTIER;
    return undefined;
  }

  /** How a stop at the end of what there is looks to the user. */
  private endOutcome(): Outcome {
    return this.ending() ?? FRONTIER;
  }

  private outcomeOf(s: Stop): Outcome {
    this.flushConsole();
    this.s.engine.flush();
    switch (s.reason) {
      case 'start':
        return { kind: 'start' };
      case 'breakpoint':
        return { kind: 'hit', hit: { kind: 'pc', hart: s.hart!, pc: s.pc!, position: s.position } };
      case 'watchpoint': {
        const h = this.machine.harts[s.hart!];
        return {
          kind: 'hit',
          hit: {
            kind: 'data',
            hart: s.hart!,
            pc: h.pc,
            position: this.position,
            addr: s.address,
            size: s.size,
            write: s.access === 'write',
          },
        };
      }
      case 'deadlock':
        this.deadlock ??= s.message ?? 'every hart is asleep and nothing can wake one';
        return this.endOutcome();
      case 'exit':
      case 'trap':
      case 'end':
        return this.endOutcome();
      default:
        return this.position === 0 ? { kind: 'start' } : { kind: 'arrived' };
    }
  }

  seek(position: number): Outcome {
    const target = Math.max(0, this.live ? position : Math.min(position, this.end));
    const s = this.t.seek(target);
    if (s.reason === 'start') return this.outcomeOf(s);
    if (s.reason !== 'target' || this.position < target) return this.outcomeOf(s);
    this.flushConsole();
    this.s.engine.flush();
    if (!this.live && this.position >= this.end) return this.endOutcome();
    return { kind: 'arrived' };
  }

  /** The replay engine's stops for the adapter's probes; `before` keeps only data hits that complete before it. */
  private stopsOf(probes: Probes, replaying: boolean, before = Infinity): Stops {
    const m = this.machine;
    const breakpoints: Breakpoint[] = [...probes.pcs].map((pc) => ({
      pc,
      condition: (h: Hart) => probes.accept({ kind: 'pc', hart: h.id, pc, position: m.position }, replaying),
    }));
    const watchpoints: Watchpoint[] = probes.watches.map((w) => ({
      lo: w.lo,
      hi: w.hi,
      kind: w.read && w.write ? 'access' : w.read ? 'read' : 'write',
      condition: (s: Stop) =>
        s.accessPosition! + 1 < before &&
        probes.accept(
          {
            kind: 'data',
            hart: s.hart!,
            pc: s.pc!,
            position: s.accessPosition! + 1,
            addr: s.address,
            size: s.size,
            write: s.access === 'write',
          },
          replaying,
        ),
    }));
    return { breakpoints, watchpoints };
  }

  async forward(probes: Probes, opts: { resume?: boolean; until?: number } = {}): Promise<Outcome> {
    this.pauseRequested = false;
    const until = opts.until ?? Number.MAX_SAFE_INTEGER;
    let resume = opts.resume ?? true;
    for (;;) {
      // Breakpoints changed while running take effect from the next chunk.
      const stops = this.stopsOf(probes, false);
      const s = this.t.continue('forward', stops, { limit: Math.min(until, this.position + CHUNK), resume });
      resume = false;
      if (s.reason !== 'target') return this.outcomeOf(s);
      if (this.position >= until) return this.outcomeOf(s);
      this.flushConsole();
      this.s.engine.flush();
      // Let pause, input and other requests in between chunks.
      await new Promise((r) => setImmediate(r));
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return { kind: 'paused' };
      }
    }
  }

  backward(probes: Probes): Outcome {
    const cursor = this.position;
    if (cursor === 0) return { kind: 'start' };
    const s = this.t.continue('backward', this.stopsOf(probes, true, cursor));
    // A data hit stops just after the accessing instruction, as it does going forward.
    if (s.reason === 'watchpoint') this.t.seek(s.accessPosition! + 1);
    return this.outcomeOf(s);
  }

  async reverseContinue(probes: Probes): Promise<Outcome> {
    this.pauseRequested = false;
    const cursor = this.position;
    if (cursor === 0) return { kind: 'start' };
    for (;;) {
      // Data hits are those that complete before the cursor the search started from, whatever stretch finds them.
      const s = this.t.continue('backward', this.stopsOf(probes, true, cursor), { limit: this.position - CHUNK });
      if (s.reason === 'watchpoint') this.t.seek(s.accessPosition! + 1);
      if (s.reason !== 'target') return this.outcomeOf(s);
      await new Promise((r) => setImmediate(r));
      if (this.pauseRequested) {
        this.pauseRequested = false;
        return { kind: 'paused' };
      }
    }
  }

  lastWrite(lo: number, size: number): Outcome {
    // Writes that complete before the cursor: one ending exactly here is the stop being asked from.
    const w = this.t.lastWrite(lo, size, { before: this.position - 1 });
    if (!w) {
      this.t.seek(0);
      return { kind: 'start' };
    }
    // A data hit stops just after the writing instruction, as it does going forward.
    this.t.seek(w.position + 1);
    return {
      kind: 'hit',
      hit: {
        kind: 'data',
        hart: w.hart,
        pc: this.machine.harts[w.hart].pc,
        position: this.position,
        addr: w.address,
        size: w.size,
        write: true,
      },
    };
  }

  pause(): void {
    this.pauseRequested = true;
  }

  stepHart(hart: number): boolean {
    const s = this.t.stepForward(hart, MAX_WAIT);
    if (s.reason === 'deadlock') this.deadlock ??= s.message;
    this.flushConsole();
    return s.reason === 'step';
  }

  stepBackHart(hart: number): Outcome {
    const s = this.t.stepBack(hart);
    return s.reason === 'start' || s.position === 0 ? { kind: 'start' } : { kind: 'arrived' };
  }

  previousInstruction(hart: number): number {
    return this.s.log.previousInstructionOf(hart, this.position);
  }

  windowStart(hart: number, before: number, n: number): number {
    return windowStart(this.s.log, hart, before, n);
  }

  hartSamples(hart: number, from: number, to: number): HartSample[] {
    const log = this.s.log,
      m = this.machine,
      h = m.harts[hart];
    const out: HartSample[] = [];
    let depth = 0;
    this.t.seek(from);
    for (;;) {
      const q = log.nextInstructionOf(hart, this.position, to);
      if (q < 0) break;
      if (q > this.position && this.t.seek(q).reason !== 'target') break;
      const pc = h.pc,
        word = instructionOf(m, hart, pc);
      out.push({ position: q, pc, depth });
      if (this.t.seek(q + 1).reason !== 'target') break;
      depth += depthDelta(word, pc, h.pc);
    }
    if (this.position !== to) this.t.seek(to);
    out.push({ position: to, pc: h.pc, depth });
    return out;
  }

  edit(e: Edit): void {
    this.s.engine.edit(e);
    this.s.engine.flush();
  }

  finish(): string | undefined {
    if (this.finished) return this.recordingPath;
    this.finished = true;
    if (this.fd === undefined) return undefined;
    try {
      const engine = this.s.engine;
      // The trailer describes the frontier, so the machine goes there first.
      if (this.position !== this.end) this.t.seek(this.end);
      const e = endingOf(this.machine, this.deadlock);
      if (e) engine.finish(e.reason, e.exitCode, e.message);
      else engine.finish('stopped', 0, 'recording stopped by the debugger');
      this.flushConsole();
    } finally {
      closeSync(this.fd);
      this.fd = undefined;
    }
    return this.recordingPath;
  }
}
