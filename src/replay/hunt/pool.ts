// A hunt: chaos seeds run in parallel worker threads (one per core by default). Seeds go out in increasing order,
// and a stopping hunt waits for every seed below its lowest failure, so the failure it reports is the lowest
// failing seed of the range whatever the threads' timing.

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { HartlineError } from '../../errors';
import type { TrialOptions, TrialResult } from './trial';

export interface HuntOptions extends TrialOptions {
  first: number;
  last: number;
  /** Worker threads; default one per core. */
  jobs?: number;
  /** Run every seed instead of stopping at the first failure. */
  all?: boolean;
  /** The bundled worker (dist/hunt-worker.js); found next to this bundle or in dist/ above it when absent. */
  workerScript?: string;
}

export interface HuntResult {
  /** Every seed decided, in seed order: all of them with `all`, else the seeds up to the lowest failure. */
  results: TrialResult[];
  failures: TrialResult[];
  jobs: number;
}

export function defaultJobs(): number {
  return Math.max(1, availableParallelism());
}

/** A worker bundle: next to the running bundle (dist/), or in a dist/ folder above it (tests run from out/). */
export function findWorkerScript(name = 'hunt-worker.js'): string {
  const here = join(__dirname, name);
  if (existsSync(here)) return here;
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const p = join(dir, 'dist', name);
    if (existsSync(p)) return p;
    if (dirname(dir) === dir) throw new HartlineError(`cannot find dist/${name}: run \`npm run build\` first`, 70);
  }
}

export function hunt(
  o: HuntOptions,
  onResult?: (r: TrialResult, done: number, total: number) => void,
): Promise<HuntResult> {
  const script = o.workerScript ?? findWorkerScript();
  const total = o.last - o.first + 1;
  const jobs = Math.max(1, Math.min(o.jobs ?? defaultJobs(), total));
  const { first, last, all, jobs: _j, workerScript: _w, ...trial } = o;
  const results = new Map<number, TrialResult>();
  const running = new Map<Worker, number>();
  let next = first;
  let lowest = Infinity;
  let settled = false;

  return new Promise<HuntResult>((resolve, reject) => {
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      for (const w of running.keys()) void w.terminate();
      running.clear();
      reject(e);
    };
    const wanted = (seed: number) => seed <= last && (all || seed < lowest);
    const finishIfDone = () => {
      if (settled || running.size > 0 || wanted(next)) return;
      settled = true;
      const list = [...results.values()].filter((r) => all || r.seed <= lowest).sort((a, b) => a.seed - b.seed);
      resolve({ results: list, failures: list.filter((r) => r.failed), jobs });
    };
    const dispatch = (w: Worker) => {
      if (wanted(next)) {
        running.set(w, next);
        w.postMessage(next++);
        return;
      }
      running.delete(w);
      void w.terminate();
    };
    const start = () => {
      const w = new Worker(script, { workerData: trial });
      w.on('message', (m: { type: string; result?: TrialResult; seed?: number; message?: string; user?: boolean }) => {
        if (settled) return;
        if (m.type === 'error') {
          fail(m.user ? new HartlineError(m.message!) : new Error(`seed ${m.seed}: ${m.message}`));
          return;
        }
        const r = m.result!;
        if (r.recording) r.recording = new Uint8Array(r.recording);
        results.set(r.seed, r);
        if (r.failed && !all && r.seed < lowest) {
          lowest = r.seed;
          // Seeds above the lowest failure cannot change the answer: stop the threads running them.
          for (const [other, seed] of running)
            if (seed > lowest && other !== w) {
              running.delete(other);
              void other.terminate();
            }
        }
        onResult?.(r, results.size, total);
        dispatch(w);
        finishIfDone();
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (running.has(w) && !settled) fail(new Error(`a hunt worker stopped with code ${code}`));
      });
      dispatch(w);
    };
    for (let k = 0; k < jobs; k++) start();
    finishIfDone();
  });
}
