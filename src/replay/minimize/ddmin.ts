// Delta debugging (Zeller's ddmin) over a failing recording's preemptions: re-runs the program under round-robin
// plus a subset of them, and shrinks the subset while the run still fails the same check, down to one from which no
// single chunk can be removed (1-minimal at the finest split).

import { HartlineError } from '../../errors';
import { Engine } from '../engine';
import type { RecordingHeader, Trailer } from '../format';
import { buildMachine, LoadedImage } from '../images';
import { EventLog } from '../log';
import type { Recording } from '../reader';
import { endOf, TOOL } from '../playback';
import { RecordingWriter } from '../writer';
import { failed, Until } from '../hunt/check';
import { findPreemptions, Preemption, PreemptionSchedule } from './preemptions';

export interface MinimizeOptions {
  /** The check; default: the same end reason and exit code as the recording. */
  until?: Until;
  /** Quantum of the round-robin base schedule. */
  quantum: number;
  /** Instruction limit of each run (default: twice the recording's length, at least a million). */
  maxInstructions?: number;
  /** At most this many runs. */
  maxRuns?: number;
  onRun?: (runs: number, size: number) => void;
}

export interface Run {
  trailer: Trailer;
  output: string;
  taken: Preemption[];
  /** Round-robin switches of the base schedule (quantum expiries) in this run. */
  quantumSwitches: number;
  failed: boolean;
}

export interface Minimized {
  original: number;
  kept: Preemption[];
  runs: number;
  /** The final run, with its preemptions as they happened there. */
  final: Run;
  /** The recording of the final run. */
  recording: Uint8Array;
}

/** Runs the program of `rec` under the base schedule plus `points`; with `sink`, writes that run as a recording. */
export function runWith(
  rec: Recording,
  images: LoadedImage[],
  points: readonly Preemption[],
  o: MinimizeOptions,
  check: (t: Trailer, out: string) => boolean,
  sink?: (bytes: Uint8Array) => void,
): Run {
  const header: RecordingHeader = {
    ...rec.header,
    images: images.map((i) => i.ref),
    tool: TOOL,
    schedule: { policy: 'roundrobin', quantum: o.quantum },
  };
  const machine = buildMachine(header, images);
  const schedule = new PreemptionSchedule(o.quantum, machine.harts.length, points);
  const input = rec.log.inputByte.slice();
  let next = 0;
  let output = '';
  const engine = new Engine(machine, new EventLog(), {
    checksumInterval: header.checksumInterval,
    checksumSpacing: header.checksumSpacing,
    tool: TOOL,
    onConsole: (b) => {
      if (output.length < 1 << 20) output += Buffer.from(b).toString('latin1');
    },
    live: {
      policy: schedule,
      input: { readByte: () => (next < input.length ? input[next++] : -1) },
      writer: sink ? new RecordingWriter(sink, header) : undefined,
    },
  });
  const limit = o.maxInstructions ?? Math.max(1_000_000, 2 * (rec.trailer?.positions ?? rec.log.frontier));
  const a = engine.advance(limit);
  const end = endOf(a);
  const trailer = engine.finish(end.reason, end.exitCode, end.message);
  return {
    trailer,
    output,
    taken: schedule.taken,
    quantumSwitches: schedule.quantumSwitches,
    failed: check(trailer, output),
  };
}

export function minimize(rec: Recording, images: LoadedImage[], o: MinimizeOptions): Minimized {
  const t = rec.trailer;
  if (!t)
    throw new HartlineError(
      `the recording is unfinished (no trailer), so it has no failure to keep; record it to its end first`,
    );
  const check = o.until
    ? (end: Trailer, out: string) => failed(o.until!, end, out)
    : (end: Trailer) => end.reason === t.reason && end.exitCode === t.exitCode;
  if (!o.until && t.reason === 'exit' && t.exitCode === 0) {
    throw new HartlineError(
      'the recording exited with code 0: there is no failure to keep (pass --until to say what failing means)',
    );
  }
  const all = findPreemptions(rec, images);
  const maxRuns = o.maxRuns ?? 3000;
  let runs = 0;
  const cache = new Map<string, boolean>();
  const test = (set: Preemption[]): boolean => {
    const key = set.map((p) => all.indexOf(p)).join(',');
    const hit = cache.get(key);
    if (hit !== undefined) return hit;
    if (runs >= maxRuns) return false;
    runs++;
    const r = runWith(rec, images, set, o, check).failed;
    o.onRun?.(runs, set.length);
    cache.set(key, r);
    return r;
  };
  if (!test(all)) {
    throw new HartlineError(
      `the failure does not come back when the program is re-run with its ${all.length} recorded preemptions on a ` +
        `round-robin base of quantum ${o.quantum}; try --quantum with the recording's quantum (${rec.header.schedule.quantum})`,
      1,
    );
  }
  let c = all;
  if (test([])) c = [];
  let n = 2;
  while (c.length >= 2) {
    const size = Math.ceil(c.length / n);
    const chunks: Preemption[][] = [];
    for (let k = 0; k < c.length; k += size) chunks.push(c.slice(k, k + size));
    let reduced = false;
    for (const d of chunks) {
      if (test(d)) {
        c = d;
        n = 2;
        reduced = true;
        break;
      }
    }
    if (!reduced && chunks.length > 2) {
      for (const d of chunks) {
        const rest = c.filter((p) => !d.includes(p));
        if (test(rest)) {
          c = rest;
          n = Math.max(n - 1, 2);
          reduced = true;
          break;
        }
      }
    }
    if (reduced) continue;
    if (n >= c.length) break;
    n = Math.min(2 * n, c.length);
  }
  if (c.length === 1 && test([])) c = [];
  const chunks: Uint8Array[] = [];
  const final = runWith(rec, images, c, o, check, (b) => chunks.push(b.slice()));
  return { original: all.length, kept: c, runs, final, recording: new Uint8Array(Buffer.concat(chunks)) };
}
