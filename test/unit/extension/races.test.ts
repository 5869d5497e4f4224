// The Races view's model without vscode: ring-buffer's races grouped by variable, access lines mapped through the
// example's sourceMap to files that exist here, and one diagnostic per racing line.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { example, imageReader, markerLine } from '../support/examples-fixtures';
import { readRecording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import { findRaces } from '../../../src/replay/races/detector';
import { loadSymbols } from '../../../src/symbols';
import { accessLabel, groupRaces, pairLabel, racingLines } from '../../../src/extension/raceModel';

test('ring-buffer: variables, pairs and accesses with lines in the example folder; diagnostics on the racing lines', () => {
  const ex = example('ring-buffer');
  const rec = readRecording(new Uint8Array(readFileSync(ex.recording)), ex.recording);
  const images = loadImages(rec.header, imageReader(ex), false);
  const report = findRaces(rec, images);
  const syms = [loadSymbols(images[0].bytes, images[0].ref.path)];
  const vars = groupRaces(report.races, syms, [['/hartline/examples', dirname(ex.dir)]]);
  const names = vars.map((v) => v.name);
  assert.ok(names.includes('slots') && names.includes('head'), names.join(', '));
  const slots = vars.find((v) => v.name === 'slots')!;
  assert.ok(slots.pairs.length >= 4, 'one pair per slot element');
  assert.match(pairLabel(slots.pairs[0]), /^slots\[\d\]: hart 1 write \/ hart 0 read \(\d+×\)$/);
  const write = slots.pairs[0].accesses[0];
  assert.equal(write.file, ex.source);
  assert.ok(existsSync(write.file!));
  assert.equal(
    write.line,
    markerLine(ex.source, 'CAUSE: ring-buffer') + 1,
    'the slot is written on the line after the publication',
  );
  assert.match(accessLabel(write), /^hart 1 write at position \d+, ring_buffer\.c:\d+$/);
  const lines = racingLines(vars).get(ex.source)!;
  assert.ok(lines.has(write.line!));
  assert.match(
    lines.get(write.line!)!,
    /^data race on slots\[\d\]: this write \(hart 1, position \d+\) and the read at ring_buffer\.c:\d+ \(hart 0/,
  );
});
