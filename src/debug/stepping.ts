// Line and instruction stepping of one hart, forwards and backwards, with gdb's rules: step over calls by running to
// their return address (a "step-resume" breakpoint with the stack pointer as a guard against recursion), stop where
// a line is entered (a new line, or a jump back to a line's start), and step back to the start of a line.

import { depthDelta, returnAddress } from './calls';
import type { HartSample, Outcome, Probes, Target } from './target';
import { instructionOf } from './address-space';

export type StepKind = 'over' | 'in' | 'out';
export type Granularity = 'line' | 'instruction';

/** What stepping needs to know about code. */
export interface LineOracle {
  /** The source line of a pc as one comparable key, or undefined for code without source. */
  lineKey(pc: number): string | undefined;
  /** Where a function entered at `pc` has set up its frame (gdb's prologue skip); `pc` itself when unknown. */
  bodyStart(pc: number): number;
  /** How many inlined calls are active at `pc`: stepping out of one ends where that count drops. */
  inlineDepth(pc: number): number;
  /** The entry of the physical function containing `pc`. */
  functionStart(pc: number): number | undefined;
}

export interface StepContext {
  t: Target;
  lines: LineOracle;
  /** The user's breakpoints: a forward step that runs through a call stops at them, as in gdb. */
  probes: Probes;
  /** Where the function `hart` is in returns to, and its canonical frame address (the caller's sp), from the unwinder. */
  caller(hart: number): { pc: number; cfa?: bigint } | undefined;
}

/** Backward windows start this many instructions of the hart wide and grow until the answer lies inside. */
const FIRST_WINDOW = 256;
/** A forward step gives up after this many single-stepped instructions, so a step never hangs the session. */
const MAX_STEPS = 2_000_000;
const SP = 2;

const ARRIVED: Outcome = { kind: 'arrived' };

/** Why a step of a hart could not complete: the run's ending, or a hart that does not run again before it. */
function endOf(t: Target): Outcome {
  return t.ending() ?? { kind: 'end', reason: 'deadlock', message: 'the hart does not run again' };
}

/** Whether `cur` enters a line, coming from `last`, the previous state in the same frame. */
function enters(lines: LineOracle, last: HartSample, cur: HartSample): boolean {
  const key = lines.lineKey(cur.pc);
  if (key === undefined) return false;
  if (cur.depth < last.depth) return false; // back from a call: the middle of the caller's line
  if (cur.depth > last.depth) return true;
  return key !== lines.lineKey(last.pc) || cur.pc <= last.pc;
}

/**
 * Runs on until `hart` reaches `pc` with its sp at least `sp` (back in the same frame, not a deeper recursion).
 * Returns undefined when it got there, or how the run ended instead (a user breakpoint, the end, a pause).
 */
async function resumeAt(c: StepContext, hart: number, pc: number, sp?: bigint): Promise<Outcome | undefined> {
  const { t, probes } = c;
  let there = false;
  const run: Probes = {
    pcs: new Set([...probes.pcs, pc]),
    watches: probes.watches,
    accept: (hit, replaying) => {
      if (
        hit.kind === 'pc' &&
        hit.pc === pc &&
        hit.hart === hart &&
        (sp === undefined || t.machine.harts[hart].readX(SP) >= sp)
      ) {
        there = true;
        return true;
      }
      if (hit.kind === 'pc' && !probes.pcs.has(hit.pc)) return false;
      return probes.accept(hit, replaying);
    },
  };
  const out = await t.forward(run);
  return there && out.kind === 'hit' ? undefined : out;
}

/** Just stepped into a function with source: on to the end of its prologue, where its arguments are in place. */
function intoBody(c: StepContext, hart: number): Outcome {
  const { t, lines } = c;
  const h = () => t.machine.harts[hart];
  const body = lines.bodyStart(h().pc);
  let depth = 0;
  for (let n = 0; n < 100_000 && h().pc !== body; n++) {
    const pc = h().pc,
      word = instructionOf(t.machine, hart, pc);
    if (!t.stepHart(hart)) return endOf(t);
    depth += depthDelta(word, pc, h().pc);
    if (depth < 0) break;
  }
  return ARRIVED;
}

/** Out of an inlined call: on until the hart leaves it (calls it makes run through at full speed). */
async function outOfInline(c: StepContext, hart: number, depth0: number): Promise<Outcome> {
  const { t, lines } = c;
  const h = () => t.machine.harts[hart];
  for (let n = 0; n < MAX_STEPS; n++) {
    const pc = h().pc,
      word = instructionOf(t.machine, hart, pc),
      sp = h().readX(SP);
    if (!t.stepHart(hart)) return endOf(t);
    const delta = depthDelta(word, pc, h().pc);
    const ret = delta > 0 ? returnAddress(word, pc) : undefined;
    if (ret !== undefined) {
      const out = await resumeAt(c, hart, ret, sp);
      if (out) return out;
    } else if (delta !== 0) return ARRIVED; // a return or a trap: out of the physical function too
    if (lines.inlineDepth(h().pc) < depth0) return ARRIVED;
  }
  return ARRIVED;
}

async function stepOut(c: StepContext, hart: number): Promise<Outcome> {
  const { t } = c;
  const depth0 = c.lines.inlineDepth(t.machine.harts[hart].pc);
  if (depth0 > 0) return outOfInline(c, hart, depth0);
  const caller = c.caller(hart);
  if (caller) return (await resumeAt(c, hart, caller.pc, caller.cfa)) ?? ARRIVED;
  // Without unwind information: follow calls and returns one instruction at a time.
  const h = () => t.machine.harts[hart];
  let depth = 0;
  for (let n = 0; n < MAX_STEPS; n++) {
    const pc = h().pc,
      word = instructionOf(t.machine, hart, pc);
    if (!t.stepHart(hart)) return endOf(t);
    depth += depthDelta(word, pc, h().pc);
    if (depth < 0) return ARRIVED;
  }
  return ARRIVED;
}

/** Steps one hart forward. 'arrived' means the step completed; a user breakpoint met on the way stops it too. */
export async function stepForward(
  c: StepContext,
  hart: number,
  kind: StepKind,
  granularity: Granularity,
): Promise<Outcome> {
  const { t, lines } = c;
  if (kind === 'out') return stepOut(c, hart);
  if (granularity === 'instruction') return t.stepHart(hart) ? ARRIVED : endOf(t);
  const h = () => t.machine.harts[hart];
  let last: HartSample = { position: t.position, pc: h().pc, depth: 0 };
  // Depth relative to the frame being stepped: above zero inside a trap handler entered from it.
  let depth = 0;
  for (let n = 0; n < MAX_STEPS; n++) {
    const pc = h().pc,
      word = instructionOf(t.machine, hart, pc),
      sp = h().readX(SP);
    if (!t.stepHart(hart)) return endOf(t);
    const next = h().pc;
    const delta = depthDelta(word, pc, next);
    const ret = delta > 0 ? returnAddress(word, pc) : undefined;
    if (ret !== undefined) {
      if (kind === 'in' && depth === 0 && lines.lineKey(next) !== undefined) return intoBody(c, hart);
      const out = await resumeAt(c, hart, ret, sp);
      if (out) return out;
      if (depth > 0) continue;
      const cur: HartSample = { position: t.position, pc: h().pc, depth: 0 };
      if (enters(lines, last, cur)) return ARRIVED;
      last = cur;
      continue;
    }
    depth += delta;
    if (delta > 0 && depth === 1 && kind === 'in' && lines.lineKey(next) !== undefined) return intoBody(c, hart);
    if (depth > 0) continue;
    const cur: HartSample = { position: t.position, pc: next, depth: 0 };
    // Returned to the caller, in the middle of its line: go on to the caller's next line.
    if (depth < 0) {
      depth = 0;
      last = cur;
      continue;
    }
    if (enters(lines, last, cur)) return ARRIVED;
    last = cur;
  }
  return ARRIVED;
}

/**
 * Picks the target sample of a backward step among `s` (the hart's states in a window, the last one being now).
 * Returns undefined when the window is too short to decide.
 */
export function pickBackward(s: HartSample[], lines: LineOracle, kind: StepKind, atStart: boolean): number | undefined {
  const n = s.length - 1;
  if (n === 0) return atStart ? 0 : undefined;
  let ref = s[n].depth;
  if (kind === 'out') {
    for (let i = n - 1; i >= 0; i--) if (s[i].depth < ref) return i;
    return atStart ? 0 : undefined;
  }
  const accept = (i: number) => kind === 'in' || s[i].depth <= ref;
  const prevAccepted = (i: number) => {
    let j = i - 1;
    while (j >= 0 && !accept(j)) j--;
    return j;
  };
  const isEntry = (i: number): boolean | undefined => {
    const j = prevAccepted(i);
    if (j < 0) return atStart ? true : undefined;
    if (s[i].depth < s[j].depth) {
      // Reached by a return: compare with the call site, as stepping forward over the call does, so that a return to
      // the start of another line is an entry and a return to the middle of the call's own line is not.
      let k = j - 1;
      while (k >= 0 && s[k].depth !== s[i].depth) k--;
      if (k < 0) return atStart ? false : undefined;
      return enters(lines, s[k], s[i]);
    }
    return enters(lines, s[j], s[i]);
  };
  let i = n;
  const here = isEntry(n);
  if (here === undefined) return undefined;
  if (here) {
    i = prevAccepted(n);
    if (i < 0) return atStart ? 0 : undefined;
  }
  for (;;) {
    if (kind === 'over' && s[i].depth < ref) ref = s[i].depth; // stepped back out of the function into its caller
    const e = isEntry(i);
    if (e === undefined) return undefined;
    if (e) return i;
    i = prevAccepted(i);
    if (i < 0) return atStart ? 0 : undefined;
  }
}

const START: Outcome = { kind: 'start' };

/** Reverse step out with the unwinder: back to the call that entered this frame (the call instruction, not yet run). */
function reverseOut(c: StepContext, hart: number): Outcome | undefined {
  const { t, lines } = c;
  const pc0 = t.machine.harts[hart].pc;
  const depth0 = lines.inlineDepth(pc0),
    fn = lines.functionStart(pc0);
  if (depth0 > 0) {
    // Out of an inlined call, backwards: to the last instruction of the same function before the call began
    // (instructions of functions it called do not count).
    for (let n = 0; n < 100_000; n++) {
      const q = t.previousInstruction(hart);
      if (q < 0) {
        t.seek(0);
        return START;
      }
      t.seek(q);
      const pc = t.machine.harts[hart].pc;
      if (lines.functionStart(pc) === fn && lines.inlineDepth(pc) < depth0) return ARRIVED;
    }
    return ARRIVED;
  }
  const caller = c.caller(hart);
  if (!caller) return undefined;
  const sites = [caller.pc - 4, caller.pc - 2].filter(
    (a) => returnAddress(instructionOf(t.machine, hart, a), a) === caller.pc,
  );
  if (sites.length === 0) return undefined;
  const out = t.backward({
    pcs: new Set(sites),
    watches: [],
    accept: (hit) => hit.hart === hart && (caller.cfa === undefined || t.machine.harts[hart].readX(SP) === caller.cfa),
  });
  return out.kind === 'hit' ? ARRIVED : out;
}

/** Steps one hart backward: one of its instructions, or a line (over or into calls), or out to the call. */
export function stepBackward(c: StepContext, hart: number, kind: StepKind, granularity: Granularity): Outcome {
  const { t, lines } = c;
  if (t.position === 0) return START;
  if (granularity === 'instruction' && kind !== 'out') return t.stepBackHart(hart);
  if (kind === 'out') {
    const out = reverseOut(c, hart);
    if (out) return out;
  }
  const now = t.position;
  for (let n = FIRST_WINDOW; ; n *= 8) {
    const from = t.windowStart(hart, now, n);
    const s = t.hartSamples(hart, from, now);
    const k = pickBackward(s, lines, kind, from === 0);
    if (k !== undefined) {
      t.seek(s[k].position);
      return s[k].position === 0 ? START : ARRIVED;
    }
    if (from === 0) {
      t.seek(0);
      return START;
    }
  }
}
