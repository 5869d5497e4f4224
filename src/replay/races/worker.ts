// Entry point of the race-detector worker thread (bundled as dist/races-worker.js): one recording in, its report
// out, so an editor can look for races without blocking its own thread.

import { parentPort, workerData } from 'node:worker_threads';
import { readRecording } from '../reader';
import type { ImageRef } from '../format';
import { findRaces } from './detector';

const job = workerData as { recording: Uint8Array; name: string; images: { ref: ImageRef; bytes: Uint8Array }[] };
try {
  const rec = readRecording(job.recording, job.name);
  parentPort!.postMessage({ report: findRaces(rec, job.images) });
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
