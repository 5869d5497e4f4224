// Entry point of a hunt worker thread (bundled as dist/hunt-worker.js): runs the seeds the pool sends, one at a time.

import { parentPort, workerData } from 'node:worker_threads';
import { runTrial, TrialOptions } from './trial';
import { HartlineError } from '../../errors';

const options = workerData as TrialOptions;
parentPort?.on('message', (seed: number) => {
  try {
    const r = runTrial(options, seed);
    parentPort!.postMessage({ type: 'result', result: r }, r.recording ? [r.recording.buffer as ArrayBuffer] : []);
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    parentPort!.postMessage({ type: 'error', seed, message, user: e instanceof HartlineError });
  }
});
