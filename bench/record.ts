// Recording overhead alone (`node out/bench/record.js`): a plain run against a live recording of the same guest,
// best of 3 each, for the CPU-bound guests. bench/replay.ts prints the same figure inside `npm run bench`.

import { readFileSync } from 'node:fs';
import { Machine } from '../src/machine/machine';
import { startRecording, recordToEnd } from '../src/replay/session';

export function recordOverhead(path: string, runs = 3): { plain: number; record: number; positions: number; bytes: number } {
  const elf = new Uint8Array(readFileSync(path));
  let plain = Infinity, record = Infinity, positions = 0, bytes = 0;
  for (let k = 0; k <= runs; k++) {
    const m = Machine.fromElf(elf, { harts: 1 });
    let t0 = performance.now();
    m.run(Number.MAX_SAFE_INTEGER);
    if (k > 0) plain = Math.min(plain, (performance.now() - t0) / 1000);
    let size = 0;
    const s = startRecording({ images: [{ role: 'kernel', path, bytes: elf }], sink: (b) => { size += b.length; } });
    t0 = performance.now();
    const t = recordToEnd(s);
    if (k > 0) record = Math.min(record, (performance.now() - t0) / 1000);
    positions = t.positions; bytes = size;
  }
  return { plain, record, positions, bytes };
}

if (/[\/]record\.js$/.test(process.argv[1] ?? '')) {
  for (const path of process.argv.slice(2)) {
    const r = recordOverhead(path);
    process.stdout.write(JSON.stringify({ bench: 'record-overhead', guest: path, ...r, ratio: +(r.record / r.plain).toFixed(3) }) + '\n');
  }
}
