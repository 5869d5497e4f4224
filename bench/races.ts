// Race-detector benchmarks for `npm run bench`: `hartline races` throughput in instructions per second on recordings
// made here, with the ratio against a plain replay of the same recording in the same run.

import { readFileSync } from 'node:fs';
import { startRecording, recordToEnd, openReplay } from '../src/replay/playback';
import { readRecording, Recording } from '../src/replay/reader';
import type { LoadedImage } from '../src/replay/images';
import { findRaces } from '../src/replay/races/detector';

interface Workload {
  name: string;
  elf: string;
  harts: number;
  policy: 'roundrobin' | 'chaos';
  quantum: number;
}

const WORKLOADS: Workload[] = [
  // The CPU-bound mixed ALU/load/store guest: hart 0 computes, hart 1 parks.
  { name: 'bench.elf, 2 harts', elf: 'test/guests/bin/bench.elf', harts: 2, policy: 'roundrobin', quantum: 10000 },
  // Spinlock, amoadd and LR/SC counters on 4 harts under chaos: synchronisation-heavy.
  {
    name: 'smp_counters.elf, 4 harts chaos',
    elf: 'test/guests/bin/smp_counters.elf',
    harts: 4,
    policy: 'chaos',
    quantum: 200,
  },
];

function recordIt(w: Workload): { rec: Recording; images: LoadedImage[] } {
  const bytes = new Uint8Array(readFileSync(w.elf));
  const chunks: Uint8Array[] = [];
  const s = startRecording({
    images: [{ role: 'kernel', path: w.elf, bytes }],
    harts: w.harts,
    policy: w.policy,
    quantum: w.quantum,
    seed: '7',
    sink: (b) => chunks.push(b.slice()),
  });
  recordToEnd(s);
  const rec = readRecording(new Uint8Array(Buffer.concat(chunks)), w.elf);
  return { rec, images: [{ ref: rec.header.images[0], bytes }] };
}

function best<T>(runs: number, f: () => T): { seconds: number; value: T } {
  let seconds = Infinity,
    value!: T;
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    value = f();
    seconds = Math.min(seconds, (performance.now() - t0) / 1000);
  }
  return { seconds, value };
}

export async function benchRaces(): Promise<object[]> {
  const out: object[] = [];
  for (const w of WORKLOADS) {
    const { rec, images } = recordIt(w);
    const replay = best(3, () => openReplay(rec, images).engine.advance(Number.MAX_SAFE_INTEGER).position);
    const races = best(3, () => findRaces(rec, images));
    const instructions = races.value.positions;
    out.push({
      bench: 'races',
      workload: w.name,
      instructions,
      accesses: races.value.accesses + races.value.synchronising,
      races: races.value.races.length,
      seconds: +races.seconds.toFixed(3),
      mips: +(instructions / races.seconds / 1e6).toFixed(1),
      replaySeconds: +replay.seconds.toFixed(3),
      replayMips: +(replay.value / replay.seconds / 1e6).toFixed(1),
      ratio: +(races.seconds / replay.seconds).toFixed(2),
      target: 'races >= 20 M instructions/s',
    });
  }
  return out;
}

if (require.main === module)
  void benchRaces().then((lines) => {
    for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
  });
