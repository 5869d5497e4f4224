// What the debug adapter needs from the machine, the recording and the symbols: the small interface the DAP layer is
// written against, so the reverse-execution engine behind it can change without touching the protocol code.

import type { Machine } from '../machine/machine';

/** A place where execution stopped for a breakpoint: a pc about to execute, or a data access just completed. */
export interface Hit {
  kind: 'pc' | 'data';
  hart: number;
  /** The hart's pc (for a data hit, the pc after the accessing instruction). */
  pc: number;
  position: number;
  addr?: number;
  size?: number;
  write?: boolean;
}

/** A watched range of guest physical memory. */
export interface WatchRange { lo: number; hi: number; read: boolean; write: boolean }

/** The breakpoints a run honours; `accept` applies conditions and hit counts at a clean instruction boundary. */
export interface Probes {
  pcs: ReadonlySet<number>;
  watches: readonly WatchRange[];
  /** `replaying` is true while a backward search re-executes: logpoints must stay silent then. */
  accept(hit: Hit, replaying: boolean): boolean;
}

/** Why a run stopped. 'start' and 'end' are the two ends of the recording, which never end the session. */
export type Outcome =
  | { kind: 'hit'; hit: Hit }
  | { kind: 'start' }
  | { kind: 'end'; reason: 'exit' | 'trap' | 'deadlock' | 'frontier'; message: string; exitCode?: number }
  | { kind: 'paused' }
  | { kind: 'arrived' };

/** Hart states sampled while a hart steps: what the line-stepping logic needs, nothing more. */
export interface HartSample {
  position: number;
  pc: number;
  /** Call depth relative to the first sample of a walk: calls and traps add one, returns take one away. */
  depth: number;
}

/**
 * The reverse-execution engine as the adapter sees it. Positions count instructions of all harts together.
 * `machine` is the machine at `position`: read it, never run it directly.
 */
export interface Timeline {
  readonly machine: Machine;
  readonly position: number;
  /** The furthest position known: the end of a replayed recording, or the live frontier while recording. */
  readonly end: number;
  /** True while recording: execution past `end` is live, and state may be changed at the frontier. */
  readonly live: boolean;
  /** Positions at which the running hart changes, with the hart that starts, in order. */
  switches(): { position: number; hart: number }[];
  seek(position: number): Outcome;
  /** Runs forward until a probe accepts, the end, or `pause()`. */
  forward(probes: Probes): Promise<Outcome>;
  /** Finds the last accepted probe hit before the current position and moves there, or to position 0. */
  backward(probes: Probes): Outcome;
  /** Executes instructions until `hart` has executed one; false at the end. */
  stepHart(hart: number): boolean;
  /** States of `hart` after each of its instructions in [from, to), preceded by its state at `from`. Leaves the machine at `to`. */
  hartSamples(hart: number, from: number, to: number): HartSample[];
  pause(): void;
  /** Bytes typed by the user, for the guest's UART; recorded when they are read. */
  sendInput(bytes: Uint8Array): void;
  /** Stops recording and writes the trailer; returns the recording's path, if one was written. */
  finish(): string | undefined;
  onConsole: (text: string) => void;
}
