// Line and instruction stepping of one hart, forwards and backwards, with gdb's rules: step over calls by call depth,
// stop where a line is entered (a new line, or a jump back to a line's start), and step back to the start of a line.

import { depthDelta } from './calls';
import type { HartSample, Outcome, Timeline } from './engine';

export type StepKind = 'over' | 'in' | 'out';
export type Granularity = 'line' | 'instruction';

/** What stepping needs to know about code. */
export interface LineOracle {
  /** The source line of a pc as one comparable key, or undefined for code without source. */
  lineKey(pc: number): string | undefined;
  /** Where a function entered at `pc` has set up its frame (gdb's prologue skip); `pc` itself when unknown. */
  bodyStart(pc: number): number;
}

/** Backward windows start this wide (in positions) and grow until the answer lies inside. */
const FIRST_WINDOW = 4096;
/** A forward step gives up after this many instructions of the hart, so a step never hangs the session. */
const MAX_FORWARD = 20_000_000;

function endOf(t: Timeline): Outcome {
  const m = t.machine;
  if (m.exit) return { kind: 'end', reason: 'exit', message: m.exit.message, exitCode: m.exit.code };
  if (m.trap) return { kind: 'end', reason: 'trap', message: m.trap.message };
  if (!t.live && t.position >= t.end) return { kind: 'end', reason: 'frontier', message: 'end of recording' };
  return { kind: 'end', reason: 'deadlock', message: 'the hart does not run again' };
}

/** Whether `cur` enters a line, coming from `last`, the previous state in the same frame. */
function enters(lines: LineOracle, last: HartSample, cur: HartSample): boolean {
  const key = lines.lineKey(cur.pc);
  if (key === undefined) return false;
  if (cur.depth < last.depth) return false; // back from a call: the middle of the caller's line
  if (cur.depth > last.depth) return true;
  return key !== lines.lineKey(last.pc) || cur.pc <= last.pc;
}

/** Steps one hart forward. 'arrived' means the step completed. */
export function stepForward(t: Timeline, lines: LineOracle, hart: number, kind: StepKind, granularity: Granularity): Outcome {
  if (granularity === 'instruction' && kind !== 'out') return t.stepHart(hart) ? { kind: 'arrived' } : endOf(t);
  const pcOf = () => t.machine.harts[hart].pc;
  let last: HartSample = { position: t.position, pc: pcOf(), depth: 0 };
  let depth = 0, ref = 0;
  let bodyTarget: number | undefined;
  for (let n = 0; n < MAX_FORWARD; n++) {
    const pc = pcOf();
    const word = t.machine.instructionAt(pc);
    if (!t.stepHart(hart)) return endOf(t);
    depth += depthDelta(word, pc, pcOf());
    const cur: HartSample = { position: t.position, pc: pcOf(), depth };
    if (kind === 'out') {
      if (depth < 0) return { kind: 'arrived' };
      continue;
    }
    if (bodyTarget !== undefined) {
      if (cur.pc === bodyTarget && depth === ref) return { kind: 'arrived' };
      if (depth < ref) { bodyTarget = undefined; ref = depth; last = cur; }
      continue;
    }
    if (depth > ref) {
      // Into a call: step-in stops in it when it has source; step-over, and code without source, run through it.
      if (kind === 'in' && depth === ref + 1 && lines.lineKey(cur.pc) !== undefined) {
        ref = depth;
        const body = lines.bodyStart(cur.pc);
        if (body === cur.pc) return { kind: 'arrived' };
        bodyTarget = body;
      }
      continue;
    }
    if (depth < ref) { ref = depth; last = cur; continue; } // returned: mid-line in the caller, go on to its next line
    if (enters(lines, last, cur)) return { kind: 'arrived' };
    last = cur;
  }
  return { kind: 'arrived' };
}

/**
 * Picks the target sample of a backward step among `s` (the hart's states in a window, the last one being now).
 * Returns undefined when the window is too short to decide.
 */
export function pickBackward(s: HartSample[], lines: LineOracle, kind: StepKind, granularity: Granularity, atStart: boolean): number | undefined {
  const n = s.length - 1;
  if (n === 0) return atStart ? 0 : undefined;
  if (granularity === 'instruction' && kind !== 'out') return n - 1 > 0 || atStart ? n - 1 : undefined;
  let ref = s[n].depth;
  if (kind === 'out') {
    for (let i = n - 1; i >= 0; i--) if (s[i].depth < ref) return i;
    return atStart ? 0 : undefined;
  }
  const accept = (i: number) => kind === 'in' || s[i].depth <= ref;
  const prevAccepted = (i: number) => { let j = i - 1; while (j >= 0 && !accept(j)) j--; return j; };
  const isEntry = (i: number): boolean | undefined => {
    const j = prevAccepted(i);
    if (j < 0) return atStart ? true : undefined;
    return enters(lines, s[j], s[i]);
  };
  let i = n;
  const here = isEntry(n);
  if (here === undefined) return undefined;
  if (here) { i = prevAccepted(n); if (i < 0) return atStart ? 0 : undefined; }
  for (;;) {
    if (kind === 'over' && s[i].depth < ref) ref = s[i].depth; // stepped back out of the function into its caller
    const e = isEntry(i);
    if (e === undefined) return undefined;
    if (e) return i;
    i = prevAccepted(i);
    if (i < 0) return atStart ? 0 : undefined;
  }
}

/** Steps one hart backward, searching growing windows behind the current position. */
export function stepBackward(t: Timeline, lines: LineOracle, hart: number, kind: StepKind, granularity: Granularity): Outcome {
  const now = t.position;
  if (now === 0) return { kind: 'start' };
  for (let width = FIRST_WINDOW; ; width *= 4) {
    const from = Math.max(0, now - width);
    const s = t.hartSamples(hart, from, now);
    const k = pickBackward(s, lines, kind, granularity, from === 0);
    if (k !== undefined) {
      t.seek(s[k].position);
      return s[k].position === 0 ? { kind: 'start' } : { kind: 'arrived' };
    }
    if (from === 0) { t.seek(0); return { kind: 'start' }; }
  }
}
