// Recording at low cost: checksums spaced by their cost land at the same positions in every run and a replay
// verifies each; a flushed prefix of a live recording replays; the written-page digest misses no change in RAM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { DirtyPages } from '../../../src/replay/dirty';
import { Divergence } from '../../../src/replay/divergence';
import { mix, pagesDigest } from '../../../src/replay/state';
import { readRecording } from '../../../src/replay/reader';
import { openReplay, recordToEnd, startRecording } from '../../../src/replay/playback';
import { FORMAT_VERSION } from '../../../src/replay/format';
import {
  CHECKSUM_BUDGET,
  CHECKSUM_COST,
  nextSpacing,
  SPACING_CEILING,
  SPACING_FLOOR,
} from '../../../src/replay/spacing';
import { elfPath } from '../../guests/manifest';
import { guestElf, readImages, replayBytes, SMALL_RAM } from '../support/replay-fixtures';

/** The CPU-bound guest, long enough for several cost-spaced checksums (its whole run is 215 M positions). */
const LONG = 'bench';
const LIMIT = 100_000_000;

/** Records the long guest without a checksum interval (so spaced by cost) up to `limit` positions. */
function recordCostSpaced(limit = LIMIT) {
  const chunks: Uint8Array[] = [];
  const session = startRecording({
    images: [{ role: 'kernel', path: elfPath(LONG), bytes: guestElf(LONG) }],
    ramSize: SMALL_RAM,
    sink: (b) => chunks.push(b.slice()),
  });
  const trailer = recordToEnd(session, limit);
  return { bytes: new Uint8Array(Buffer.concat(chunks)), trailer, session };
}

test('nextSpacing is a pure function of harts and pages, within the floor and the ceiling', () => {
  assert.equal(nextSpacing(1, 0), nextSpacing(1, 0));
  const cost = CHECKSUM_COST.perHart + CHECKSUM_COST.devices + CHECKSUM_COST.perPage;
  assert.equal(nextSpacing(1, 1), Math.min(SPACING_CEILING, Math.ceil(cost / CHECKSUM_BUDGET / 1000) * 1000));
  assert.ok(nextSpacing(1, 1) < SPACING_CEILING, 'one hart writing one page is below the ceiling');
  assert.ok(nextSpacing(1, 2) > nextSpacing(1, 1), 'more pages, wider spacing');
  assert.ok(nextSpacing(2, 0) > nextSpacing(1, 0), 'more harts, wider spacing');
  assert.equal(nextSpacing(64, 1_000_000), SPACING_CEILING);
  assert.ok(nextSpacing(1, 0) >= SPACING_FLOOR);
  assert.equal(nextSpacing(1, 0, 500_000_000), 500_000_000, 'a floor above the ceiling wins');
});

test('cost-spaced checksums fall at the same positions in two recordings, and a replay verifies every one', () => {
  const a = recordCostSpaced(),
    b = recordCostSpaced();
  const pa = a.session.log.checksumPos,
    pb = b.session.log.checksumPos;
  assert.ok(pa.length >= 3, `several checksums in ${LIMIT} positions (got ${pa.length})`);
  assert.deepEqual(pa, pb);
  assert.deepEqual(a.session.log.checksums, b.session.log.checksums);
  // Each spacing is what the cost model gives for the checksum before it, or the end of the run.
  for (let k = 1; k < pa.length; k++) {
    const gap = pa[k] - pa[k - 1];
    assert.ok(gap >= SPACING_FLOOR && gap <= SPACING_CEILING, `gap ${gap}`);
  }
  assert.equal(pa[0] % 1000, 0);

  const p = replayBytes(a.bytes);
  assert.equal(p.rec.version, FORMAT_VERSION);
  assert.equal(p.rec.header.checksumSpacing, 'cost');
  assert.equal(p.end.position, a.trailer.positions);
  assert.equal(p.session.engine.checksumsVerified, pa.length);
});

test('a corrupted cost-spaced checksum is detected, with the interval between the logged checksums around it', () => {
  const a = recordCostSpaced(30_000_000);
  const rec = readRecording(a.bytes, 'cost.hartrec');
  const k = 1;
  rec.log.checksums[k] = { ...rec.log.checksums[k], memory: rec.log.checksums[k].memory ^ 1 };
  const s = openReplay(rec, readImages(rec));
  assert.throws(
    () => s.engine.advance(Number.MAX_SAFE_INTEGER),
    (e: unknown) =>
      e instanceof Divergence &&
      e.position === rec.log.checksumPos[k] &&
      e.interval[0] === rec.log.checksumPos[k - 1] &&
      e.interval[1] === rec.log.checksumPos[k],
  );
});

test('every flushed prefix of a live recording is a replayable recording up to its last block', () => {
  const blocks: Uint8Array[] = [];
  const s = startRecording({
    images: [{ role: 'kernel', path: elfPath('hello'), bytes: guestElf('hello') }],
    harts: 2,
    ramSize: SMALL_RAM,
    quantum: 700,
    sink: (b) => blocks.push(b.slice()),
  });
  const ends: number[] = [];
  for (let target = 300; ; target += 300) {
    const r = s.engine.advance(target);
    s.engine.flush();
    ends.push(s.engine.frontier);
    if (r.reason !== 'target') break;
  }
  s.engine.finish('exit', 0, '');
  // Blocks: the preamble, the header, one events block per flush that had something to say, the trailer.
  let cut = 0;
  for (let n = 3; n < blocks.length; n++) {
    const prefix = new Uint8Array(Buffer.concat(blocks.slice(0, n)));
    const rec = readRecording(prefix, 'prefix.hartrec');
    assert.equal(rec.trailer, undefined);
    assert.equal(rec.damage, undefined);
    assert.ok(ends.includes(rec.log.frontier), `prefix of ${n} blocks ends at a flush (${rec.log.frontier})`);
    const p = openReplay(rec, readImages(rec));
    const a = p.engine.advance(Number.MAX_SAFE_INTEGER);
    assert.ok(a.reason === 'end' || a.reason === 'exit', `prefix of ${n} blocks: ${a.reason}`);
    assert.equal(a.position, rec.log.frontier);
    cut++;
  }
  assert.ok(cut >= 3, `several prefixes (${cut})`);
});

/** The memory digest written from scratch: every listed page, in order, index then words. */
function referenceDigest(ram32: Int32Array, pages: number[]): number {
  let d = 0x1b873593;
  for (const pg of pages) {
    d = mix(d, pg);
    for (let k = 0; k < 1024; k++) d = mix(d, ram32[pg * 1024 + k]);
  }
  return d >>> 0;
}

test('the written-page digest covers every page whose contents changed, and equals the digest from scratch', () => {
  const m = Machine.fromElf(guestElf(LONG), { harts: 1, ramSize: SMALL_RAM });
  const dirty = new DirtyPages(m.memory);
  const mine = dirty.consumer();
  dirty.collect();
  mine.fill(0);
  let before = new Int32Array(m.memory.ram32);
  let changedTotal = 0;
  for (let chunk = 0; chunk < 16 && !m.halted; chunk++) {
    m.run(chunk % 2 ? 250_000 : 1_000_003);
    dirty.collect();
    const now = m.memory.ram32;
    const listed: number[] = [];
    for (let pg = 0; pg < mine.length; pg++) if (mine[pg]) listed.push(pg);
    for (let pg = 0; pg < mine.length; pg++) {
      let same = true;
      for (let k = pg * 1024, end = k + 1024; k < end; k++)
        if (now[k] !== before[k]) {
          same = false;
          break;
        }
      if (!same) {
        changedTotal++;
        assert.equal(mine[pg], 1, `page ${pg} changed in chunk ${chunk} but is not marked written`);
      }
    }
    assert.equal(pagesDigest(m, mine), referenceDigest(now, listed), `chunk ${chunk}`);
    mine.fill(0);
    before = new Int32Array(now);
  }
  assert.ok(changedTotal > 0, 'the guest wrote RAM');
});
