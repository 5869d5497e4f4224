// The happens-before race detector: the examples' races are found on the variables their READMEs name, guests that
// synchronise with spinlocks, AMOs, LR/SC and fences report none of their own variables, and the clocks order what
// acquire/release pairs order.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { example, imageReader } from '../support/examples-fixtures';
import { guestElf, recordGuest } from '../support/replay-fixtures';
import { readRecording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import { findRaces, Race } from '../../../src/replay/races/detector';
import { findRacesInBackground } from '../../../src/replay/races/background';
import { HappensBefore } from '../../../src/replay/races/clocks';
import { parseElf } from '../../../src/machine/elf';
import { elfPath } from '../../guests/manifest';

function exampleRaces(name: string) {
  const ex = example(name);
  const rec = readRecording(new Uint8Array(readFileSync(ex.recording)), ex.recording);
  const report = findRaces(rec, loadImages(rec.header, imageReader(ex), false));
  const symbols = parseElf(new Uint8Array(readFileSync(ex.elf)), ex.elf).symbols;
  return { report, symbols, rec };
}

/** The symbol each race's address falls in (its start at or below the address, within 64 bytes). */
function racingSymbols(races: Race[], symbols: Map<string, number>): Set<string> {
  const out = new Set<string>();
  for (const r of races) {
    let best: [string, number] | undefined;
    for (const [name, a] of symbols)
      if (a <= r.address && r.address - a < 64 && (!best || a > best[1])) best = [name, a];
    out.add(best ? best[0] : `0x${r.address.toString(16)}`);
  }
  return out;
}

test('racy-counter: the unlocked counter races, load against store and store against store, on several harts', () => {
  const { report, symbols, rec } = exampleRaces('racy-counter');
  assert.equal(report.positions, rec.trailer!.positions);
  const counter = symbols.get('counter')!;
  const onCounter = report.races.filter((r) => r.address === counter);
  assert.ok(
    onCounter.some((r) => r.accesses.every((a) => a.kind === 'write')),
    'a write/write pair on counter',
  );
  assert.ok(
    onCounter.some((r) => r.accesses.some((a) => a.kind === 'read')),
    'a read/write pair on counter',
  );
  for (const r of onCounter) {
    assert.notEqual(r.accesses[0].hart, r.accesses[1].hart);
    assert.ok(r.accesses[0].position <= r.accesses[1].position, 'the earlier access first');
    assert.equal(r.accesses[0].size, 8);
  }
  assert.ok(onCounter.reduce((n, r) => n + r.count, 0) > 100, 'counted at every occurrence');
  // `tally` is only touched by amoadd and read after a barrier: ordered, so not a race.
  assert.ok(!racingSymbols(report.races, symbols).has('tally'));
});

test('ring-buffer: the producer publishes head before it writes the slot, so the slots race with the consumer', () => {
  const { report, symbols } = exampleRaces('ring-buffer');
  const slots = symbols.get('slots')!,
    head = symbols.get('head')!;
  const slotRaces = report.races.filter((r) => r.address >= slots && r.address < slots + 64);
  assert.ok(slotRaces.length >= 4, `races on several slots, got ${slotRaces.length}`);
  for (const r of slotRaces) {
    const w = r.accesses.find((a) => a.kind === 'write')!,
      rd = r.accesses.find((a) => a.kind === 'read')!;
    assert.equal(w.hart, 1, 'the producer writes the slot');
    assert.equal(rd.hart, 0, 'the consumer reads it');
  }
  assert.ok(
    report.races.some((r) => r.address === head),
    'head, the publication, races too',
  );
});

test('lost-wakeup races on its flags; abba-deadlock (spinlocks) and irq-shared-data (one hart and its handler) have none', () => {
  const lw = exampleRaces('lost-wakeup');
  assert.ok(racingSymbols(lw.report.races, lw.symbols).has('work_ready'));
  assert.deepEqual(exampleRaces('abba-deadlock').report.races, []);
  // The handler and the code it interrupts run on one hart: program order, not a race between harts.
  assert.deepEqual(exampleRaces('irq-shared-data').report.races, []);
});

/** Records a test guest under chaos and returns the symbols its races fall on. */
function guestRaces(name: string, harts: number, seed: number) {
  const r = recordGuest(name, { harts, policy: 'chaos', seed: String(seed), quantum: 100 });
  const rec = readRecording(r.bytes, name);
  const report = findRaces(rec, [{ ref: rec.header.images[0], bytes: guestElf(name) }]);
  return racingSymbols(report.races, parseElf(guestElf(name), elfPath(name)).symbols);
}

test('synchronised guests report none of their variables: spinlock, amoadd, LR/SC counters, atomics, IPIs', () => {
  // `cached.0` is hart_count()'s lazy cache in the shared guest runtime (lib/hart.c): every hart may fill it without a
  // lock. It is a real (benign) race, and the only one these guests have.
  for (const [name, seed] of [
    ['smp_counters', 3],
    ['smp_ipi', 3],
  ] as const) {
    const found = guestRaces(name, 4, seed);
    found.delete('cached.0');
    assert.deepEqual([...found], [], `${name} seed ${seed}`);
  }
  assert.deepEqual([...guestRaces('atomics', 2, 3)], []);
  // The guide's fix of publish_order: release/acquire built from fences and amoswap.
  assert.deepEqual([...guestRaces('publish_fixed', 2, 16)], []);
  assert.ok(guestRaces('publish_order', 2, 16).has('data'), 'the unfixed guest races on data');
});

test('the clocks: plain accesses race unless a release/acquire pair or an IPI-like clock orders them', () => {
  const base = 0x80000000;
  let hb = new HappensBefore(2, base, 1 << 20);
  hb.access(0, base + 8, 8, true, 0x80000100, 10);
  hb.access(1, base + 8, 8, false, 0x80000200, 20);
  assert.equal(hb.races().length, 1);
  assert.deepEqual(
    hb.races()[0].accesses.map((a) => [a.hart, a.kind, a.position]),
    [
      [0, 'write', 10],
      [1, 'read', 20],
    ],
  );
  hb.access(1, base + 8, 8, false, 0x80000200, 30);
  assert.equal(hb.races()[0].count, 2, 'one pair, counted twice');

  hb = new HappensBefore(2, base, 1 << 20);
  hb.access(0, base + 8, 8, true, 0x80000100, 10);
  hb.releaseAt(0, base + 64); // unlock
  hb.acquireAt(1, base + 64); // lock
  hb.access(1, base + 8, 8, true, 0x80000200, 20);
  assert.deepEqual(hb.races(), []);
  hb.access(0, base + 8, 8, false, 0x80000104, 30); // hart 0 read after its release, without acquiring again
  assert.equal(hb.races().length, 1);

  hb = new HappensBefore(2, base, 1 << 20);
  const ipi = hb.newClock();
  hb.access(0, base, 4, true, 0x80000100, 1);
  hb.release(0, ipi);
  hb.acquire(1, ipi);
  hb.access(1, base, 4, false, 0x80000200, 2);
  hb.access(1, base + 4, 4, true, 0x80000204, 3); // a different granule
  assert.deepEqual(hb.races(), []);
});

test('in a worker thread (as the editor runs it) the detector gives the same report', async () => {
  const ex = example('racy-counter');
  const bytes = new Uint8Array(readFileSync(ex.recording));
  const rec = readRecording(bytes, ex.recording);
  const images = loadImages(rec.header, imageReader(ex), false);
  const here = findRaces(rec, images);
  const there = await findRacesInBackground(bytes, ex.recording, images);
  assert.deepEqual(there.races, here.races);
  assert.equal(there.positions, here.positions);
});
