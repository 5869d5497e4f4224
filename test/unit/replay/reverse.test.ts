// Reverse execution against forward truth: seek, stepBack and continue(backward) at 200 random positions must
// leave the machine exactly as a fresh forward replay to that position does; plus each operation on its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { recordGuest, readImages } from '../support/replay-fixtures';
import { readRecording } from '../../../src/replay/reader';
import { openReplay } from '../../../src/replay/playback';
import { History } from '../../../src/replay/history';
import { Random } from '../../../src/replay/policy';
import { deviceDigest, hartDigest } from '../../../src/replay/state';
import type { Machine } from '../../../src/machine/machine';

const recorded = recordGuest('smp_counters', {
  harts: 4,
  policy: 'chaos',
  quantum: 500,
  seed: '1234',
  checksumInterval: 5000,
});
const rec = () => readRecording(recorded.bytes, 'smp.hartrec');
const timeline = () => {
  const r = rec();
  return new History(openReplay(r, readImages(r)), { spineInterval: 16384, localGap: 1000 });
};

function state(m: Machine): string {
  const ram = createHash('md5')
    .update(m.memory.ram8.subarray(0, 4 << 20))
    .digest('hex');
  return JSON.stringify({ position: m.position, harts: m.harts.map(hartDigest), devices: deviceDigest(m), ram });
}

test('seek, stepBack and continue(backward) at 200 random positions equal a fresh forward replay', () => {
  const t = timeline();
  const end = recorded.trailer.positions;
  const rng = new Random(99);
  const barrier = t.session.machine.image.symbols.get('barrier_wait')!;
  const seen: { position: number; state: string; op: string }[] = [];
  for (let k = 0; k < 200; k++) {
    const op = k % 4;
    if (op === 0 || op === 3) t.seek(rng.below(end));
    else if (op === 1) t.stepBack(rng.below(4));
    else t.continue('backward', { breakpoints: [{ pc: barrier }] });
    seen.push({
      position: t.position,
      state: state(t.session.machine),
      op: ['seek', 'stepBack', 'continue', 'seek'][op],
    });
  }
  const r = rec();
  const fresh = openReplay(r, readImages(r));
  for (const s of [...seen].sort((a, b) => a.position - b.position)) {
    fresh.engine.advance(s.position);
    assert.equal(state(fresh.machine), s.state, `after ${s.op} to position ${s.position}`);
  }
  assert.ok(t.store.list.length < 40, `${t.store.list.length} snapshots`);
});

test("stepBack instruction goes to just before the hart's previous instruction; stepForward undoes it", () => {
  const t = timeline();
  t.seek(100_000);
  for (let hart = 0; hart < 4; hart++) {
    const before = t.session.machine.harts[hart].retired,
      pos = t.position;
    const s = t.stepBack(hart);
    assert.equal(s.reason, 'step');
    assert.equal(t.session.machine.harts[hart].retired, before - 1);
    assert.equal(t.session.log.hartAt(s.position), hart);
    const f = t.stepForward(hart);
    assert.equal(f.reason, 'step');
    assert.equal(t.session.machine.harts[hart].retired, before);
    assert.ok(t.position <= pos);
  }
});

test('continue forward and backward stop at breakpoints, honouring hart filters and conditions', () => {
  const t = timeline();
  const m = t.session.machine;
  const barrier = m.image.symbols.get('barrier_wait')!;
  // Forward truth: every hit of barrier_wait by hart 2.
  const hits: number[] = [];
  for (;;) {
    const s = t.continue('forward', { breakpoints: [{ pc: barrier, hart: 2 }] });
    if (s.reason !== 'breakpoint') {
      assert.ok(s.reason === 'exit' || s.reason === 'end', s.reason);
      break;
    }
    assert.equal(s.hart, 2);
    assert.equal(m.harts[2].pc, barrier);
    hits.push(s.position);
  }
  assert.ok(hits.length >= 4, `${hits.length} hits`);
  const back: number[] = [];
  for (;;) {
    const s = t.continue('backward', { breakpoints: [{ pc: barrier, hart: 2 }] });
    if (s.reason !== 'breakpoint') {
      assert.equal(s.reason, 'start');
      assert.equal(t.position, 0);
      break;
    }
    back.push(s.position);
  }
  assert.deepEqual(back.reverse(), hits);
  const cond = t.continue('forward', { breakpoints: [{ pc: barrier, condition: (h) => h.id === 3 }] });
  assert.equal(cond.hart, 3);
});

const CURSOR = recorded.trailer.positions - 1000;

test('lastWrite finds the last write to the bytes (changing them or not), per forward truth; events lists the log', () => {
  const t = timeline();
  const m = t.session.machine;
  const counter = m.image.symbols.get('amo_counter')!;
  // Forward truth with a plain watch: every write, whether it changed the bytes or not.
  const writes: { position: number; hart: number; address: number; size: number }[] = [];
  const watch = {
    lo: counter,
    hi: counter + 8,
    read: false,
    write: true,
    hit: (h: { id: number }, address: number, size: number) => {
      writes.push({ position: m.positionNow(), hart: h.id, address, size });
    },
  };
  m.memory.addWatch(watch);
  t.seek(CURSOR);
  m.memory.removeWatch(watch);
  const truth = writes.filter((w) => w.position < CURSOR);
  assert.ok(truth.length > 0);
  const got = t.lastWrite(counter, 8);
  assert.deepEqual(got, truth[truth.length - 1]);
  assert.equal(t.position, CURSOR);
  const other = t.lastWrite(counter, 8, { exceptHart: got!.hart });
  assert.deepEqual(
    other,
    [...truth].reverse().find((w) => w.hart !== got!.hart),
  );
  const ev = t.events(0, CURSOR);
  assert.equal(ev.filter((e) => e.kind === 'switch').length, t.session.log.switchPos.filter((p) => p < CURSOR).length);
  assert.ok(ev.every((e, k) => k === 0 || ev[k - 1].position <= e.position));
});

test('the ends of the recording are stops with reasons, never errors', () => {
  const t = timeline();
  assert.equal(t.seek(-5).reason, 'start');
  assert.equal(t.stepBack(0).reason, 'start');
  assert.equal(t.continue('backward', {}).reason, 'start');
  const f = t.continue('forward', {});
  assert.ok(f.reason === 'exit', f.reason);
  assert.equal(f.position, recorded.trailer.positions);
  const g = t.stepForward(0);
  assert.ok(['exit', 'end'].includes(g.reason), g.reason);
});
