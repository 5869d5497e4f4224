// Reverse continue in the adapter's target: it searches back a stretch at a time, so a pause stops a long search where
// it has searched down to (as Ctrl-C does in gdb), and without one it reaches the hit, or the start.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordingTarget } from '../../../src/debug/recording-target';
import { DEFAULT_RAM } from '../../../src/machine/machine';
import { buildElf, words } from '../support/elf-builder';
import { scratch } from '../support/debug-harness';

const tmp = scratch('hartline-revcont-');
after(() => tmp.done());
const RAM = 0x80000000;

function spinning(name: string): RecordingTarget {
  // addi a0, a0, 1; j -4
  const elf = buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x00150513, 0xffdff06f) }] });
  const t = RecordingTarget.record({
    images: [{ role: 'kernel', path: 'spin.elf', bytes: elf }],
    harts: 1,
    ramSize: DEFAULT_RAM,
    policy: 'roundrobin',
    quantum: 10000,
    seed: 0,
    recording: tmp.file(name),
  });
  // 12 M positions recorded: searching them back takes several stretches.
  assert.equal(t.seek(12_000_000).kind, 'arrived');
  return t;
}

const nothing = { pcs: new Set<number>(), watches: [], accept: () => true };

test('a pause stops a reverse continue that has found nothing yet, between two stretches of its search', async () => {
  const t = spinning('paused.hartrec');
  const search = t.reverseContinue(nothing);
  // The first stretch ran before reverseContinue returned; the pause is seen before the second.
  t.pause();
  assert.equal((await search).kind, 'paused');
  assert.ok(t.position > 0 && t.position < 12_000_000, `stopped at ${t.position}`);
  // Resumed without a pause, the search goes on from there to the start.
  assert.equal((await t.reverseContinue(nothing)).kind, 'start');
  assert.equal(t.position, 0);
});

test('a reverse continue finds the last hit before the cursor across stretches', async () => {
  const t = spinning('hit.hartrec');
  // The addi runs at even positions: the last one before 12,000,000 is at 11,999,998 (stopped before it runs).
  const o = await t.reverseContinue({ pcs: new Set([RAM]), watches: [], accept: () => true });
  assert.equal(o.kind, 'hit');
  assert.equal(t.position, 11_999_998);
  // One that only the first few thousand instructions satisfy is found at the far end of the search.
  const early = await t.reverseContinue({ pcs: new Set([RAM]), watches: [], accept: (h) => h.position <= 2000 });
  assert.equal(early.kind, 'hit');
  assert.equal(t.position, 2000);
});
