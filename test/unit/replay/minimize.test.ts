// Delta debugging over a recording's preemptions: ring-buffer's failure needs one preemption, between the
// publication of head and the write of the slot, and the minimized run is a recording that replays and verifies;
// the --until parser turns any text into a check or a one-line error.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { example, imageReader, markerLine } from '../support/examples-fixtures';
import { readRecording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import { openReplay } from '../../../src/replay/playback';
import { minimize } from '../../../src/replay/minimize/ddmin';
import { parseUntil } from '../../../src/replay/hunt/check';
import { HartlineError } from '../../../src/errors';
import { loadSymbols } from '../../../src/symbols';
import { Random } from '../../../src/replay/policy';

test('ring-buffer minimizes to one preemption on the line after the publication; the result replays with checksums', () => {
  const ex = example('ring-buffer');
  const rec = readRecording(new Uint8Array(readFileSync(ex.recording)), ex.recording);
  const images = loadImages(rec.header, imageReader(ex), false);
  const m = minimize(rec, images, { quantum: 10000 });
  assert.ok(m.original > 100, `${m.original} preemptions recorded`);
  assert.equal(m.kept.length, 1);
  assert.equal(m.final.taken.length, 1);
  assert.equal(m.final.trailer.reason, 'exit');
  assert.equal(m.final.trailer.exitCode, 1, 'the same failure');
  const p = m.final.taken[0];
  assert.deepEqual([p.hart, p.to], [1, 0], 'the producer is preempted for the consumer');
  const line = loadSymbols(images[0].bytes).lineAt(BigInt(p.pc))!.line;
  assert.equal(line, markerLine(ex.source, 'CAUSE: ring-buffer') + 1, 'between head = n + 1 and the slot write');
  const again = readRecording(m.recording, 'min.hartrec');
  assert.ok(again.trailer);
  const s = openReplay(again, images);
  const a = s.engine.advance(Number.MAX_SAFE_INTEGER);
  assert.equal(a.position, again.trailer.positions);
  assert.equal(s.engine.checksumsVerified, again.log.checksums.length);
});

test('--until: exit, output:REGEX and timeout:N parse; anything else is a HartlineError, never another exception', () => {
  assert.deepEqual(parseUntil('exit'), { kind: 'exit' });
  assert.deepEqual(parseUntil('output:a+b'), { kind: 'output', pattern: 'a+b' });
  assert.deepEqual(parseUntil('timeout:1_000'), { kind: 'timeout', instructions: 1000 });
  const rng = new Random(5);
  const alphabet = 'exitoutpm:()[]*+?\\0123456789_-x ';
  for (let k = 0; k < 2000; k++) {
    let text = ['exit', 'output:', 'timeout:', ''][rng.below(4)];
    for (let n = rng.below(8); n > 0; n--) text += alphabet[rng.below(alphabet.length)];
    try {
      parseUntil(text);
    } catch (e) {
      assert.ok(e instanceof HartlineError, `${JSON.stringify(text)}: ${e}`);
      assert.ok(!(e as Error).message.includes('\n'));
    }
  }
});
