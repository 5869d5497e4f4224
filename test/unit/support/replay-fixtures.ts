// Shared by the replay, recording and reverse tests: record a committed guest in memory and replay it.
import { readFileSync } from 'node:fs';
import { elfPath } from '../../guests/manifest';
import { openReplay, recordToEnd, startRecording, RecordOptions, Playback } from '../../../src/replay/playback';
import { readRecording, Recording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import type { Trailer } from '../../../src/replay/format';
import type { Advance } from '../../../src/replay/engine';
import assert from 'node:assert/strict';
import { hartDigest } from '../../../src/replay/state';

const elfCache = new Map<string, Uint8Array>();
export function guestElf(name: string): Uint8Array {
  let b = elfCache.get(name);
  if (!b) {
    b = new Uint8Array(readFileSync(elfPath(name)));
    elfCache.set(name, b);
  }
  return b;
}

export interface Recorded {
  bytes: Uint8Array;
  output: string;
  trailer: Trailer;
  session: Playback;
}

/** Guests fit in 4 MiB (lib/guest.ld); 16 MiB keeps machines cheap to build in loops. */
export const SMALL_RAM = 16 << 20;

export function recordGuest(name: string, o: Partial<RecordOptions> = {}): Recorded {
  const chunks: Uint8Array[] = [];
  let output = '';
  const session = startRecording({
    images: [{ role: 'kernel', path: elfPath(name), bytes: guestElf(name) }],
    ramSize: SMALL_RAM,
    checksumInterval: 20_000,
    ...o,
    sink: (b) => chunks.push(b.slice()),
    onConsole: (b) => {
      output += Buffer.from(b).toString('latin1');
    },
  });
  const trailer = recordToEnd(session, 50_000_000);
  return { bytes: new Uint8Array(Buffer.concat(chunks)), output, trailer, session };
}

export function readImages(rec: Recording) {
  return loadImages(rec.header, (p) => guestElfByPath(p), false);
}

function guestElfByPath(path: string): Uint8Array {
  return new Uint8Array(readFileSync(path));
}

export interface Replayed {
  output: string;
  end: Advance;
  session: Playback;
  rec: Recording;
}

export function replayBytes(bytes: Uint8Array, to = Number.MAX_SAFE_INTEGER): Replayed {
  const rec = readRecording(bytes, 'test.hartrec');
  let output = '';
  const session = openReplay(rec, readImages(rec), (b) => {
    output += Buffer.from(b).toString('latin1');
  });
  const end = session.engine.advance(to);
  return { output, end, session, rec };
}

/** Replays a recording made in memory and checks it reproduced the run exactly. */
export function assertIdentity(r: Recorded, label: string): void {
  const p = replayBytes(r.bytes);
  assert.equal(p.rec.damage, undefined, `${label}: recording damaged: ${p.rec.damage?.message}`);
  assert.ok(p.rec.trailer, `${label}: no trailer`);
  assert.equal(p.output, r.output, `${label}: console output`);
  assert.equal(p.end.reason, r.trailer.reason === 'exit' ? 'exit' : p.end.reason, `${label}: end reason`);
  assert.equal(p.end.exitCode, r.trailer.exitCode, `${label}: exit code`);
  assert.equal(p.end.position, r.trailer.positions, `${label}: positions`);
  assert.equal(p.session.engine.checksumsVerified, p.rec.log.checksums.length, `${label}: every checksum compared`);
  assert.deepEqual(
    p.session.machine.harts.map(hartDigest),
    r.session.machine.harts.map(hartDigest),
    `${label}: final harts`,
  );
  assert.deepEqual(
    p.session.machine.memory.ram8.subarray(0, 4 << 20),
    r.session.machine.memory.ram8.subarray(0, 4 << 20),
    `${label}: final RAM`,
  );
}
