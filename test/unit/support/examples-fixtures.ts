// Shared by the example tests: the gallery's folders, their committed ELFs and recordings, replaying a committed
// recording with its images taken from the example's folder, and cause/symptom lines found from source markers.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { repoRoot } from '../../guests/manifest';
import { readRecording, Recording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import { openReplay, Playback } from '../../../src/replay/playback';
import type { Advance } from '../../../src/replay/engine';

export interface Example {
  /** The folder under examples/, such as `racy-counter`. */
  name: string;
  /** The C name of its files, such as `racy_counter`. */
  stem: string;
  dir: string;
  elf: string;
  recording: string;
  source: string;
}

export function example(name: string): Example {
  const stem = name.replace(/-/g, '_');
  const dir = join(repoRoot(), 'examples', name);
  return {
    name,
    stem,
    dir,
    elf: join(dir, `${stem}.elf`),
    recording: join(dir, `${stem}.hartrec`),
    source: join(dir, `${stem}.c`),
  };
}

export const sizeOf = (path: string): number => statSync(path).size;

/** The 1-based line of the one line of `file` that contains `marker`, such as `CAUSE: racy-counter`. */
export function markerLine(file: string, marker: string): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const hits = lines.flatMap((l, k) => (l.includes(marker) ? [k + 1] : []));
  if (hits.length !== 1) throw new Error(`${basename(file)}: marker "${marker}" found ${hits.length} times`);
  return hits[0];
}

/**
 * Images named in a recording, read from the example's folder when the recorded path is elsewhere (a checkout in
 * another directory), or from `extra` (the firmware of smp-boot) by file name.
 */
export function imageReader(ex: Example, extra: Record<string, string> = {}): (path: string) => Uint8Array {
  return (path) => {
    const local = extra[basename(path)] ?? join(ex.dir, basename(path));
    return new Uint8Array(readFileSync(existsSync(local) ? local : path));
  };
}

export interface Replayed {
  rec: Recording;
  session: Playback;
  end: Advance;
  output: string;
}

/** Replays a committed recording to its end (or `to`), collecting the console output. */
export function replayExample(ex: Example, to = Number.MAX_SAFE_INTEGER, extra: Record<string, string> = {}): Replayed {
  const rec = readRecording(new Uint8Array(readFileSync(ex.recording)), ex.recording);
  let output = '';
  const session = openReplay(rec, loadImages(rec.header, imageReader(ex, extra), false), (b) => {
    output += Buffer.from(b).toString('latin1');
  });
  const end = session.engine.advance(to);
  return { rec, session, end, output };
}

export function readU64(s: Playback, symbol: string): bigint {
  const addr = s.machine.image.symbols.get(symbol);
  if (addr === undefined) throw new Error(`no symbol ${symbol}`);
  return Buffer.from(s.machine.memory.readBytes(addr, 8)!).readBigUInt64LE(0);
}
