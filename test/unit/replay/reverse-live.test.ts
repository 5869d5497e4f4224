// Live recording goes backwards too: under the timeline, a recording being made can be seeked and stepped back,
// and going forward re-executes to the frontier and then records on; the file still replays identically.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { elfPath } from '../../guests/manifest';
import { guestElf, readImages, SMALL_RAM } from '../support/replay-fixtures';
import { startRecording, openReplay } from '../../../src/replay/playback';
import { readRecording } from '../../../src/replay/reader';
import { History } from '../../../src/replay/history';
import { hartDigest } from '../../../src/replay/state';

test('seek and stepBack while recording, then record on to the end; the file replays identically', () => {
  const chunks: Uint8Array[] = [];
  let out = '';
  const s = startRecording({
    images: [{ role: 'kernel', path: elfPath('smp_counters'), bytes: guestElf('smp_counters') }],
    ramSize: SMALL_RAM,
    harts: 4,
    policy: 'chaos',
    seed: '3',
    quantum: 300,
    checksumInterval: 10_000,
    sink: (b) => chunks.push(b.slice()),
    onConsole: (b, p) => {
      if (p >= s.log.frontier) out += Buffer.from(b).toString('latin1');
    },
  });
  const t = new History(s, { spineInterval: 16384, localGap: 1000 });
  assert.equal(t.seek(100_000).reason, 'target');
  assert.equal(t.end, 100_000);
  const ref = s.machine.harts.map(hartDigest);
  assert.equal(t.stepBack(2).reason, 'step');
  assert.equal(t.seek(40_000).reason, 'target');
  assert.equal(t.seek(100_000).reason, 'target');
  assert.deepEqual(s.machine.harts.map(hartDigest), ref, 're-execution up to the frontier is exact');
  const stop = t.continue('forward', {});
  assert.equal(stop.reason, 'exit');
  const trailer = s.engine.finish('exit', stop.position === s.machine.position ? s.machine.exit!.code : -1, '');
  assert.match(out, /smp_counters done/);
  const bytes = new Uint8Array(Buffer.concat(chunks));
  const rec = readRecording(bytes, 'live.hartrec');
  assert.ok(rec.trailer && !rec.damage);
  const p = openReplay(rec, readImages(rec));
  const a = p.engine.advance(Number.MAX_SAFE_INTEGER);
  assert.equal(a.position, trailer.positions);
  assert.deepEqual(p.machine.harts.map(hartDigest), s.machine.harts.map(hartDigest));
  assert.equal(p.engine.checksumsVerified, rec.log.checksums.length);
});
