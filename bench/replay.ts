// Replay benchmarks for `npm run bench`: record overhead against a plain run in the same process, log bytes per
// million instructions, step-back latency (p50/p95) and a whole-recording continue(backward), with snapshot memory.
// A step back by instruction is the replay layer's (one instruction of a hart); a step back by line runs the
// adapter's stepping (src/debug/stepping.ts) on the guest's real DWARF line table, as a user's stepBack does.

import { readFileSync } from 'node:fs';
import { startRecording, recordToEnd, openReplay } from '../src/replay/playback';
import { readRecording } from '../src/replay/reader';
import { loadImages } from '../src/replay/images';
import { History } from '../src/replay/history';
import { RecordingTarget } from '../src/debug/recording-target';
import { Code } from '../src/debug/code';
import { Inspector } from '../src/debug/inspect';
import { StepContext, stepBackward } from '../src/debug/stepping';
import { recordOverhead } from './record';

const BENCH = 'test/guests/bin/bench.elf';
/** The same kernel run for about 1.08 G instructions, so reverse operations can be measured 1 G deep. */
const LONG = 'test/guests/bin/bench_long.elf';
/** Calls, division, and loads and stores over 48 KiB: many pages written between checksums. */
const MIXED = 'test/guests/bin/bench_mixed.elf';
/** The Sv39 guest: recording under the MMU. */
const VM = 'test/guests/bin/vm_bench.elf';
const RACY = 'test/guests/bin/racy_counter.elf';

function record(
  path: string,
  elf: Uint8Array,
  input?: Uint8Array,
): { seconds: number; bytes: Uint8Array; positions: number } {
  const chunks: Uint8Array[] = [];
  const s = startRecording({
    images: [{ role: 'kernel', path, bytes: elf }],
    input,
    sink: (b) => chunks.push(b.slice()),
  });
  const t0 = performance.now();
  const t = recordToEnd(s);
  return {
    seconds: (performance.now() - t0) / 1000,
    bytes: new Uint8Array(Buffer.concat(chunks)),
    positions: t.positions,
  };
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(p * s.length))].toFixed(2);
}

export async function benchReplay(): Promise<object[]> {
  const out: object[] = [];
  for (const path of [BENCH, MIXED, VM]) {
    const r = recordOverhead(path);
    out.push({
      bench: 'replay-record-overhead',
      guest: path,
      positions: r.positions,
      plainSeconds: +r.plain.toFixed(3),
      recordSeconds: +r.record.toFixed(3),
      plainCpuSeconds: +r.plainCpu.toFixed(3),
      recordCpuSeconds: +r.recordCpu.toFixed(3),
      reference: 'plain Machine.run of the same guest in this process',
      ratio: +(r.record / r.plain).toFixed(3),
      cpuRatio: +(r.recordCpu / r.plainCpu).toFixed(3),
      medianCpuRatio: +r.medianCpuRatio.toFixed(3),
      target: 1.05,
    });
  }
  const recorded = record(BENCH, new Uint8Array(readFileSync(BENCH)));
  out.push({
    bench: 'replay-log-bytes-cpu',
    guest: BENCH,
    bytes: recorded.bytes.length,
    bytesPerMillion: +(recorded.bytes.length / (recorded.positions / 1e6)).toFixed(1),
    reference: 'QEMU rr=record: a few hundred bytes per CPU-bound run',
    ratio: +(recorded.bytes.length / 300).toFixed(2),
  });
  const racy = new Uint8Array(readFileSync(RACY));
  const input = new Uint8Array(20000).map((_, k) => 32 + (k % 90));
  const withInput = record(RACY, racy, input);
  out.push({
    bench: 'replay-log-bytes-input',
    guest: RACY,
    inputBytes: input.length,
    bytes: withInput.bytes.length,
    bytesPerMillion: +(withInput.bytes.length / (withInput.positions / 1e6)).toFixed(1),
    reference: 'bytes of console input logged',
    ratio: +(withInput.bytes.length / input.length).toFixed(2),
  });

  // Reverse operations on a 1 G-instruction recording of the same kernel.
  const longElf = new Uint8Array(readFileSync(LONG));
  const long = record(LONG, longElf);
  const file = readRecording(long.bytes, 'bench_long.hartrec');
  const images = loadImages(file.header, () => longElf, false);
  const t = new History(openReplay(file, images));
  const tFwd = performance.now();
  t.continue('forward', {});
  const forwardSeconds = (performance.now() - tFwd) / 1000;
  // The adapter's path for line steps: its target on the same recording, the ELF's line table and unwinder.
  const adapterTarget = RecordingTarget.replay(file, images);
  const code = new Code(longElf, LONG);
  if (!code.symbols) throw new Error(`${LONG} has no line table: ${code.warning}`);
  const inspector = new Inspector(adapterTarget, code);
  const step: StepContext = {
    t: adapterTarget,
    lines: code,
    probes: { pcs: new Set(), watches: [], accept: () => false },
    caller: (h) => inspector.caller(h),
  };
  adapterTarget.seek(long.positions);
  for (const depth of [10_000_000, 100_000_000, 1_000_000_000]) {
    if (depth >= long.positions) {
      out.push({ bench: 'replay-stepback', depth, skipped: `the recording has only ${long.positions} positions` });
      continue;
    }
    const times: Record<string, number[]> = { instruction: [], line: [] };
    t.seek(depth);
    adapterTarget.seek(depth);
    for (let k = 0; k < 40; k++) {
      const g = k % 2 === 0 ? 'instruction' : 'line';
      const t0 = performance.now();
      if (g === 'instruction') t.stepBack(0);
      else stepBackward(step, 0, 'over', 'line');
      times[g].push(performance.now() - t0);
    }
    for (const g of ['instruction', 'line']) {
      const peak = g === 'line' ? adapterTarget.peakSnapshotBytes : t.peakSnapshotBytes;
      out.push({
        bench: `replay-stepback-${g}`,
        depth,
        path: g === 'line' ? 'adapter stepBackward, DWARF line table' : 'replay History.stepBack',
        p50ms: pct(times[g], 0.5),
        p95ms: pct(times[g], 0.95),
        target95ms: 100,
        reference: 'forward replay of the whole recording (ms)',
        referenceMs: +(forwardSeconds * 1000).toFixed(0),
        ratio: +(pct(times[g], 0.95) / (forwardSeconds * 1000)).toFixed(4),
        peakSnapshotMiB: +(peak / 2 ** 20).toFixed(1),
      });
    }
  }
  const entry = t.session.machine.image.entry;
  t.seek(long.positions);
  const t0 = performance.now();
  const stop = t.continue('backward', { breakpoints: [{ pc: entry }] });
  const backSeconds = (performance.now() - t0) / 1000;
  out.push({
    bench: 'replay-continue-backward',
    guest: LONG,
    positions: long.positions,
    hitAt: stop.position,
    seconds: +backSeconds.toFixed(3),
    reference: 'forward replay of the whole recording',
    ratio: +(backSeconds / forwardSeconds).toFixed(3),
    peakSnapshotMiB: +(t.peakSnapshotBytes / 2 ** 20).toFixed(1),
    snapshots: t.store.list.length,
  });
  return out;
}

// Standalone: node out/bench/replay.js (bundled into run.js too, where this must not fire).
if (/[\/]replay\.js$/.test(process.argv[1] ?? ''))
  benchReplay().then((lines) => {
    for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
  });
