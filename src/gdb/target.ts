// What the gdb stub drives: a replay of a recording, or a live recording that can go backwards, on the replay
// engine's Timeline. It keeps gdb's breakpoints and watchpoints, and turns the engine's stops into gdb's terms.

import { closeSync } from 'node:fs';
import type { Machine } from '../machine/machine';
import type { Edit } from '../replay/format';
import type { Recording } from '../replay/reader';
import { Stop, Stops, Watchpoint } from '../replay/stops';
import { History } from '../replay/history';
import { openReplay, RecordOptions, Playback, startRecording } from '../replay/playback';
import type { LoadedImage } from '../replay/images';
import { physicalAddress } from './memory';

/** Instructions a forward run executes between looks at the connection (Ctrl-C). */
const CHUNK = 2_000_000;
/** A step of one hart records at most this far past the frontier waiting for the hart to run. */
const MAX_WAIT = 20_000_000;

export type WatchKind = 'watch' | 'rwatch' | 'awatch';

/** Why the machine stopped, as a T stop reply says it. */
export interface GdbStop {
  kind: 'breakpoint' | 'watchpoint' | 'step' | 'start' | 'end' | 'interrupt' | 'arrived';
  /** The hart the stop concerns (the one that hit, stepped or was interrupted); undefined: keep the current one. */
  hart?: number;
  /** For watchpoints: which kind of gdb watchpoint, and the address gdb set it at (where the access fell). */
  watch?: { kind: WatchKind; address: bigint };
  /** For the end: how the run there ended (an exit code, a trap, a deadlock), to tell the user once. */
  message?: string;
}

interface GdbWatch {
  kind: WatchKind;
  address: bigint;
  length: number;
  lo: number;
  hi: number;
}

export class GdbTarget {
  readonly history: History;
  private readonly breakpoints = new Map<number, number>();
  private readonly watches: GdbWatch[] = [];
  private finished = false;
  private deadlock: string | undefined;

  private constructor(
    readonly session: Playback,
    private readonly fd: number | undefined,
    budget?: number,
  ) {
    this.history = new History(session, { budget });
  }

  /** A replay of `rec`; `onConsole` gets the guest's console output (once per position, even when re-executed). */
  static replay(
    rec: Recording,
    images: LoadedImage[],
    onConsole: (bytes: Uint8Array, position: number) => void,
    budget?: number,
  ): GdbTarget {
    return new GdbTarget(openReplay(rec, images, onConsole), undefined, budget);
  }

  /** A live recording written through `opts.sink`; `fd` is closed when the recording is finished. */
  static record(opts: RecordOptions, fd?: number, budget?: number): GdbTarget {
    return new GdbTarget(startRecording(opts), fd, budget);
  }

  get machine(): Machine {
    return this.session.machine;
  }
  get position(): number {
    return this.session.machine.position;
  }
  get end(): number {
    return this.history.end;
  }
  /** True while recording: going past `end` records, and state may be changed at `end`. */
  get live(): boolean {
    return this.session.engine.canRecord && !this.finished;
  }
  get harts(): number {
    return this.machine.harts.length;
  }

  // ---- breakpoints and watchpoints ----

  addBreakpoint(pc: number): void {
    this.breakpoints.set(pc, (this.breakpoints.get(pc) ?? 0) + 1);
  }

  removeBreakpoint(pc: number): boolean {
    const n = this.breakpoints.get(pc);
    if (n === undefined) return false;
    if (n > 1) this.breakpoints.set(pc, n - 1);
    else this.breakpoints.delete(pc);
    return true;
  }

  /** A watchpoint at virtual `address` for `hart`'s translation; false when the address is not in RAM. */
  addWatch(kind: WatchKind, address: bigint, length: number, hart: number): boolean {
    const h = this.machine.harts[hart];
    const lo = physicalAddress(this.machine, h, address),
      last = physicalAddress(this.machine, h, address + BigInt(length - 1));
    // A range must be contiguous in physical memory for the engine; gdb's watchpoints are at most 8 bytes.
    if (lo === undefined || last !== lo + length - 1 || !this.machine.memory.readBytes(lo, length)) return false;
    this.watches.push({ kind, address, length, lo, hi: lo + length });
    return true;
  }

  removeWatch(kind: WatchKind, address: bigint, length: number): boolean {
    const k = this.watches.findIndex((w) => w.kind === kind && w.address === address && w.length === length);
    if (k < 0) return false;
    this.watches.splice(k, 1);
    return true;
  }

  /** The engine's stops; with `only`, just that hart's hits count (gdb resumed that thread alone). */
  private stops(only?: number): Stops {
    const watchpoints: Watchpoint[] = this.watches.map((w) => ({
      lo: w.lo,
      hi: w.hi,
      kind: w.kind === 'watch' ? 'write' : w.kind === 'rwatch' ? 'read' : 'access',
      hart: only,
    }));
    return { breakpoints: [...this.breakpoints.keys()].map((pc) => ({ pc, hart: only })), watchpoints };
  }

  // ---- moving ----

  /** The gdb stop for an engine stop. */
  private stopOf(s: Stop): GdbStop {
    this.session.engine.flush();
    switch (s.reason) {
      case 'breakpoint':
        return { kind: 'breakpoint', hart: s.hart };
      case 'watchpoint': {
        const a = s.address!,
          size = s.size ?? 1;
        const w = this.watches.find((x) => a < x.hi && x.lo < a + size) ?? this.watches[0];
        const offset = w ? Math.max(0, a - w.lo) : 0;
        return {
          kind: 'watchpoint',
          hart: s.hart,
          watch: w ? { kind: w.kind, address: w.address + BigInt(offset) } : undefined,
        };
      }
      case 'start':
        return { kind: 'start' };
      case 'step':
        return { kind: 'step', hart: s.hart };
      case 'target':
        return this.position >= this.end && !this.live ? this.endStop() : { kind: 'arrived' };
      case 'deadlock':
        this.deadlock ??= s.message ?? 'every hart is asleep and nothing can wake one';
        return this.endStop();
      default:
        return this.endStop();
    }
  }

  /** A stop at the end of what there is, saying how the run ended there. */
  private endStop(): GdbStop {
    const m = this.machine;
    if (m.exit)
      return {
        kind: 'end',
        message: `the guest exited with code ${m.exit.code}${m.exit.message ? ` (${m.exit.message})` : ''} at position ${this.position}`,
      };
    if (m.trap) return { kind: 'end', message: `${m.trap.message} (position ${this.position})` };
    if (this.deadlock) return { kind: 'end', message: `${this.deadlock} (position ${this.position})` };
    return { kind: 'end', message: this.live ? undefined : `end of the recording (position ${this.position})` };
  }

  seek(position: number): GdbStop {
    const target = Math.max(0, this.live ? position : Math.min(position, this.end));
    const s = this.history.seek(target);
    if (s.reason === 'target' && this.position === target) {
      this.session.engine.flush();
      return target >= this.end && !this.live ? this.endStop() : { kind: 'arrived' };
    }
    return this.stopOf(s);
  }

  /**
   * Runs forward to the next breakpoint or watchpoint hit, or the end. Between stretches it awaits `between()`, which
   * lets the connection's data in, and stops with 'interrupt' when `interrupted()` says so (Ctrl-C). With `only`,
   * only that hart's hits stop (the other harts still run: the schedule is the recorded one).
   */
  async continueForward(between: () => Promise<void>, interrupted: () => boolean, only?: number): Promise<GdbStop> {
    let resume = true;
    for (;;) {
      const s = this.history.continue('forward', this.stops(only), { limit: this.position + CHUNK, resume });
      resume = false;
      // gdb's RISC-V watchpoints are "nonsteppable": they stop before the accessing instruction, and gdb steps it.
      if (s.reason === 'watchpoint') this.history.seek(s.accessPosition!);
      // A thread resumed alone stops where it arrived at the breakpoint: just after its own last instruction, before
      // the other harts ran on. gdb steps RISC-V this way (a breakpoint at the next pc) and assumes the others stood
      // still; this keeps them where they were as far as the recorded schedule allows.
      if (s.reason === 'breakpoint' && only !== undefined && s.hart === only) {
        const q = this.session.log.previousInstructionOf(only, this.position);
        if (q >= 0 && q + 1 < this.position) this.history.seek(q + 1);
      }
      if (s.reason !== 'target') return this.stopOf(s);
      this.session.engine.flush();
      await between();
      if (interrupted()) return { kind: 'interrupt' };
    }
  }

  /**
   * Runs backward to the last hit before here: a breakpoint (before its instruction) or an access (just after it).
   * It searches CHUNK positions at a time and, between them, lets the connection's data in, so that Ctrl-C stops a
   * long search (where it has searched down to) as it stops a long run forward.
   */
  async continueBackward(between: () => Promise<void>, interrupted: () => boolean, only?: number): Promise<GdbStop> {
    if (this.position === 0) return { kind: 'start' };
    for (;;) {
      const s = this.history.continue('backward', this.stops(only), { limit: this.position - CHUNK });
      // Backwards, the access is undone by a reverse step of it: gdb steps back over it from just after it, and so
      // lands before the access with the older value, as forward it lands after it with the newer one.
      if (s.reason === 'watchpoint') this.history.seek(s.accessPosition! + 1);
      if (s.reason !== 'target') return this.stopOf(s);
      await between();
      if (interrupted()) return { kind: 'interrupt' };
    }
  }

  /** Until `hart` has executed one instruction (others run as scheduled meanwhile). */
  stepForward(hart: number): GdbStop {
    const log = this.session.log,
      start = this.position;
    for (let ahead = 1; ; ) {
      const q = log.nextInstructionOf(hart, start, this.end);
      if (q >= 0) {
        const s = this.history.seek(q + 1);
        if (s.reason === 'target' && this.position === q + 1) {
          this.session.engine.flush();
          return { kind: 'step', hart };
        }
        return this.stopOf(s);
      }
      // Not in the log yet: record on until the hart has run.
      if (!this.live || this.end - start > MAX_WAIT) {
        const s = this.history.seek(this.end);
        return s.reason === 'target' ? this.endStop() : this.stopOf(s);
      }
      const s = this.history.seek(this.end + ahead);
      if (s.reason !== 'target' && log.nextInstructionOf(hart, start, this.end) < 0) return this.stopOf(s);
      ahead = Math.min(ahead * 4, 1 << 20);
    }
  }

  /** Back to just before `hart`'s previous instruction. */
  stepBackward(hart: number): GdbStop {
    const s = this.history.stepBack(hart);
    return s.reason === 'step' ? { kind: 'step', hart } : this.stopOf(s);
  }

  /** Changes the machine at the live frontier and records it; a string says why it cannot. */
  edit(e: Edit): string | undefined {
    if (!this.live)
      return this.session.engine.live
        ? 'the recording has ended; its state can no longer be changed'
        : 'a replay cannot be changed';
    if (this.position !== this.end)
      return `state can only be changed at the end of the live recording (position ${this.end})`;
    try {
      this.session.engine.edit(e);
      this.session.engine.flush();
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  /** Ends a live recording at its frontier with a trailer (once); a replay has nothing to finish. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (!this.session.engine.live) return;
    try {
      const engine = this.session.engine;
      if (engine.canRecord || this.position !== this.end) this.history.seek(this.end);
      const m = this.machine;
      if (m.exit) engine.finish('exit', m.exit.code, m.exit.message);
      else if (m.trap) engine.finish('trap', 3, m.trap.message);
      else if (this.deadlock !== undefined) engine.finish('deadlock', 4, this.deadlock);
      else engine.finish('stopped', 0, 'recording stopped by the debugger');
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
    }
  }
}
