// The adapter's Target (as gdb names the thing it debugs): what the DAP layer needs from the recorded execution,
// a small interface so the reverse-execution engine behind it (RecordingTarget on the replay layer's History) can
// change without touching the protocol code.

import type { Machine } from '../machine/machine';
import type { Edit } from '../replay/format';

/** A place where execution stopped for a breakpoint: a pc about to execute, or a data access just completed. */
export interface Hit {
  kind: 'pc' | 'data';
  hart: number;
  /** The hart's pc (for a data hit, the pc after the accessing instruction). */
  pc: number;
  /** Where the stop is: before the instruction (pc), or just after the accessing instruction (data). */
  position: number;
  addr?: number;
  size?: number;
  write?: boolean;
}

/** A watched range of guest physical memory. */
export interface WatchRange {
  lo: number;
  hi: number;
  read: boolean;
  write: boolean;
}

/** The breakpoints a run honours; `accept` applies conditions and hit counts at a clean instruction boundary. */
export interface Probes {
  pcs: ReadonlySet<number>;
  watches: readonly WatchRange[];
  /** `replaying` is true while a search re-executes (backwards, or counting hits): logpoints stay silent then. */
  accept(hit: Hit, replaying: boolean): boolean;
}

/** Why a run stopped. 'start' and 'end' are the two ends of the recording, which never end the session. */
export type Outcome =
  | { kind: 'hit'; hit: Hit }
  | { kind: 'start' }
  | { kind: 'end'; reason: 'exit' | 'trap' | 'deadlock' | 'frontier'; message: string; exitCode?: number }
  | { kind: 'paused' }
  | { kind: 'arrived' };

/** A hart's state before one of its instructions: what the line-stepping logic needs, nothing more. */
export interface HartSample {
  /** The position at which the hart executes the instruction at `pc` (for the last sample of a walk: its end). */
  position: number;
  pc: number;
  /** Call depth relative to the first sample of a walk: calls and traps add one, returns take one away. */
  depth: number;
}

/** The running hart changes at `position` to `hart`. */
export interface Switch {
  position: number;
  hart: number;
}

/**
 * The reverse-execution engine as the adapter sees it. Positions count instructions of all harts together.
 * `machine` is the machine at `position`: read it, never run it directly.
 */
export interface Target {
  readonly machine: Machine;
  readonly position: number;
  /** The furthest position known: the end of a replayed recording, or the live frontier while recording. */
  readonly end: number;
  /** True while recording and the program has not ended: execution past `end` is live, and state may be changed at `end`. */
  readonly live: boolean;
  /** Up to `n` switches on each side of `position`, in order. */
  switchesNear(position: number, n: number): Switch[];
  /** The first switch after `position`, or the last one before it; the hart is the one that runs from there. */
  switchAfter(position: number): Switch | undefined;
  switchBefore(position: number): Switch | undefined;
  /** Console input bytes in the recording, with their positions (for the Hart Timeline view). */
  inputs(from: number, to: number): { position: number; byte: number }[];
  seek(position: number): Outcome;
  /** How the run ends at the current position (exit, trap, deadlock, the end of a replay), or undefined if it goes on. */
  ending(): Outcome | undefined;
  /**
   * Runs forward until a probe accepts, the end, `pause()`, or (arriving) the position `until`. `resume` (default
   * true) steps over a breakpoint at the current position, as continuing from a stop there must.
   */
  forward(probes: Probes, opts?: { resume?: boolean; until?: number }): Promise<Outcome>;
  /** Finds the last accepted probe hit before the current position and moves there, or to position 0. */
  backward(probes: Probes): Outcome;
  /** As `backward`, searching a stretch at a time with requests let in between, so that `pause()` stops it there. */
  reverseContinue(probes: Probes): Promise<Outcome>;
  /**
   * Moves to just after the last write to [lo, lo+size) that completed before the current position (any write,
   * changed bytes or not: replay/history.ts's History.lastWrite), as a data hit; or to position 0 when there is none.
   */
  lastWrite(lo: number, size: number): Outcome;
  /** Executes until `hart` has executed one instruction; false when it cannot (the end, or the hart never runs). */
  stepHart(hart: number): boolean;
  /** Back to just before `hart`'s previous instruction ('start' when it has none, or it was at position 0). */
  stepBackHart(hart: number): Outcome;
  /** The position of `hart`'s last instruction before the current position, or -1. */
  previousInstruction(hart: number): number;
  /** The latest position from which `hart` executes at least `n` instructions before `before`, or 0. */
  windowStart(hart: number, before: number, n: number): number;
  /** Samples of `hart` before each of its instructions in [from, to), then its state at `to`. Leaves the machine at `to`. */
  hartSamples(hart: number, from: number, to: number): HartSample[];
  pause(): void;
  /** Bytes typed by the user, for the guest's UART; recorded when they are read. */
  sendInput(bytes: Uint8Array): void;
  /** Changes the machine at the live frontier and records the change; throws EditError when it cannot. */
  edit(e: Edit): void;
  /** Stops recording and writes the trailer; returns the recording's path, if one was written. */
  finish(): string | undefined;
  onConsole: (text: string) => void;
  /** The raw switch and wake log and the recorded schedule, for switch causes; absent on engines without a log. */
  switchSource?(): SwitchSource;
}

/** What the request needs beyond the adapter's Target (the CPU-switch causes): the raw log and the recorded schedule. */
export interface SwitchSource {
  schedule: { policy: string; quantum: number };
  switchPos: readonly number[];
  switchHart: readonly number[];
  wakePos: readonly number[];
  wakeHart: readonly number[];
}
