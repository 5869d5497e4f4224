// Bad recordings: 10,000 flipped and truncated variants of real recordings (fixed seed) must each give one
// HartlineError line with exit code 2 after replaying at most their intact prefix: never a crash, hang or blow-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HartlineError } from '../../../src/errors';
import { readRecording } from '../../../src/replay/reader';
import { openReplay } from '../../../src/replay/playback';
import { Random } from '../../../src/replay/policy';
import { recordGuest, readImages } from '../support/replay-fixtures';

const sources = [
  recordGuest('hello', { harts: 2, checksumInterval: 500 }).bytes,
  recordGuest('racy_counter', {
    harts: 2,
    policy: 'chaos',
    seed: '5',
    input: new TextEncoder().encode('abc\n'),
    checksumInterval: 4000,
  }).bytes,
];

/** What `hartline replay` does with the bytes, minus printing: parse, replay the prefix, judge the end. */
function replayOutcome(bytes: Uint8Array): HartlineError | undefined {
  try {
    const rec = readRecording(bytes, 'fuzz.hartrec');
    const s = openReplay(rec, readImages(rec));
    const a = s.engine.advance(Number.MAX_SAFE_INTEGER);
    if (!rec.trailer || rec.damage || a.reason === 'end') return new HartlineError('unfinished');
    return undefined;
  } catch (e) {
    if (e instanceof HartlineError) return e;
    throw e;
  }
}

test('10,000 flipped or truncated recordings each fail with one line and exit 2', () => {
  const rng = new Random(20240601);
  let cases = 0;
  for (let k = 0; k < 10_000; k++) {
    const src = sources[k % sources.length];
    let bytes: Uint8Array;
    if (k % 3 === 0) bytes = src.subarray(0, rng.below(src.length));
    else {
      bytes = src.slice();
      const flips = 1 + rng.below(3);
      for (let f = 0; f < flips; f++) bytes[rng.below(bytes.length)] ^= 1 + rng.below(255);
    }
    const err = replayOutcome(bytes);
    assert.ok(err, `case ${k}: a damaged recording replayed as if whole`);
    assert.equal(err.exitCode, 2, `case ${k}: ${err.message}`);
    assert.ok(!err.message.includes('\n'), `case ${k}: more than one line`);
    cases++;
  }
  assert.equal(cases, 10_000);
});

test('the untouched recordings replay cleanly, so the fuzz cases fail for their damage', () => {
  for (const src of sources) assert.equal(replayOutcome(src), undefined);
});
