// The race detector in a worker thread: the same report as findRaces, without blocking the caller's thread.

import { Worker } from 'node:worker_threads';
import type { LoadedImage } from '../images';
import { findWorkerScript } from '../hunt/pool';
import type { RaceReport } from './detector';

export function findRacesInBackground(recording: Uint8Array, name: string, images: LoadedImage[]): Promise<RaceReport> {
  return new Promise((resolve, reject) => {
    const w = new Worker(findWorkerScript('races-worker.js'), { workerData: { recording, name, images } });
    let done = false;
    w.once('message', (m: { report?: RaceReport; error?: string }) => {
      done = true;
      if (m.report) resolve(m.report);
      else reject(new Error(m.error));
      void w.terminate();
    });
    w.once('error', (e) => {
      done = true;
      reject(e);
    });
    w.once('exit', (code) => {
      if (!done) reject(new Error(`the race worker stopped with code ${code}`));
    });
  });
}
