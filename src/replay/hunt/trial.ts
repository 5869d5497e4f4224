// One seed of a hunt: records the program under the chaos schedule with that seed, in memory, and says whether the
// run failed the check. Deterministic per seed: only `ms` depends on the host.

import { recordToEnd, startRecording } from '../playback';
import { failed, limitOf, Until } from './check';

export interface HuntImage {
  role: 'kernel' | 'bios';
  path: string;
  bytes: Uint8Array;
}

export interface TrialOptions {
  images: HuntImage[];
  harts: number;
  ramSize: number;
  quantum: number;
  until: Until;
  /** Instruction limit for `exit` and `output` checks. */
  maxInstructions: number;
  checksumInterval?: number;
}

export interface TrialResult {
  seed: number;
  failed: boolean;
  reason: string;
  exitCode: number;
  positions: number;
  /** Host milliseconds (the only field that varies between runs). */
  ms: number;
  /** The last line the guest printed, for the summary. */
  lastLine: string;
  /** The recording, kept only for failing seeds. */
  recording?: Uint8Array;
}

/** Console output kept for `output:` checks; a guest that prints more is checked on its first this many bytes. */
const MAX_OUTPUT = 1 << 20;

export function runTrial(o: TrialOptions, seed: number): TrialResult {
  const started = performance.now();
  const chunks: Uint8Array[] = [];
  let output = '';
  const s = startRecording({
    images: o.images,
    harts: o.harts,
    ramSize: o.ramSize,
    policy: 'chaos',
    quantum: o.quantum,
    seed: String(seed),
    checksumInterval: o.checksumInterval,
    sink: (b) => {
      chunks.push(b.slice());
    },
    onConsole: (b) => {
      if (output.length < MAX_OUTPUT) output += Buffer.from(b).toString('latin1');
    },
  });
  const end = recordToEnd(s, limitOf(o.until, o.maxInstructions));
  const bad = failed(o.until, end, output);
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  return {
    seed,
    failed: bad,
    reason: end.reason,
    exitCode: end.exitCode,
    positions: end.positions,
    ms: performance.now() - started,
    lastLine: lines.length ? lines[lines.length - 1].slice(0, 200) : '',
    recording: bad ? new Uint8Array(Buffer.concat(chunks)) : undefined,
  };
}
