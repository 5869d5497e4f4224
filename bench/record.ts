// Recording overhead alone (`node out/bench/record.js`): a plain run against a live recording of the same guest,
// best of 7 each (alternating), for the CPU-bound guests. bench/replay.ts prints the same figure inside `npm run bench`.

import { readFileSync } from 'node:fs';
import { Machine } from '../src/machine/machine';
import { startRecording, recordToEnd } from '../src/replay/playback';

const cpuNow = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/**
 * Best of `runs` for each, by wall time and by CPU time (the latter less disturbed by a busy machine), and the
 * median of the CPU ratios of the `runs` back-to-back pairs: a burst of load on a shared machine hits one pair, so
 * the median moves less than a ratio of two minima taken minutes apart.
 */
export function recordOverhead(
  path: string,
  runs = 7,
): {
  plain: number;
  record: number;
  plainCpu: number;
  recordCpu: number;
  medianCpuRatio: number;
  positions: number;
  bytes: number;
} {
  const elf = new Uint8Array(readFileSync(path));
  let plain = Infinity,
    record = Infinity,
    plainCpu = Infinity,
    recordCpu = Infinity,
    positions = 0,
    bytes = 0;
  const pairs: number[] = [];
  for (let k = 0; k <= runs; k++) {
    const m = Machine.fromElf(elf, { harts: 1 });
    let t0 = performance.now(),
      c0 = cpuNow();
    m.run(Number.MAX_SAFE_INTEGER);
    const thisPlainCpu = cpuNow() - c0;
    if (k > 0) {
      plain = Math.min(plain, (performance.now() - t0) / 1000);
      plainCpu = Math.min(plainCpu, thisPlainCpu);
    }
    let size = 0;
    const s = startRecording({
      images: [{ role: 'kernel', path, bytes: elf }],
      sink: (b) => {
        size += b.length;
      },
    });
    t0 = performance.now();
    c0 = cpuNow();
    const t = recordToEnd(s);
    if (k > 0) {
      record = Math.min(record, (performance.now() - t0) / 1000);
      const thisRecordCpu = cpuNow() - c0;
      recordCpu = Math.min(recordCpu, thisRecordCpu);
      pairs.push(thisRecordCpu / thisPlainCpu);
    }
    positions = t.positions;
    bytes = size;
  }
  pairs.sort((a, b) => a - b);
  const medianCpuRatio = pairs[pairs.length >> 1];
  return { plain, record, plainCpu, recordCpu, medianCpuRatio, positions, bytes };
}

if (/[\/]record\.js$/.test(process.argv[1] ?? '')) {
  for (const path of process.argv.slice(2)) {
    const r = recordOverhead(path);
    process.stdout.write(
      JSON.stringify({
        bench: 'record-overhead',
        guest: path,
        ...r,
        ratio: +(r.record / r.plain).toFixed(3),
        cpuRatio: +(r.recordCpu / r.plainCpu).toFixed(3),
        medianCpuRatio: +r.medianCpuRatio.toFixed(3),
        target: 1.05,
      }) + '\n',
    );
  }
}
