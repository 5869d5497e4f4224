// A race found backwards: four harts increment an unlocked counter under chaos and lose updates; from the end of
// the recording, lastWrite and a backwards continue with a write watchpoint find the two colliding writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordGuest, readImages } from '../support/replay-fixtures';
import { readRecording } from '../../../src/replay/reader';
import { openReplay } from '../../../src/replay/playback';
import { History } from '../../../src/replay/history';

const u64 = (b: Uint8Array) => Number(Buffer.from(b).readBigUInt64LE(0));

test('lastWrite and continue(backward) find the two harts whose writes to the counter collided', () => {
  const r = recordGuest('racy_counter', { harts: 4, policy: 'chaos', quantum: 50, seed: '7' });
  assert.equal(r.trailer.reason, 'exit');
  const m0 = r.session.machine;
  const counter = m0.image.symbols.get('counter')!;
  const final = u64(m0.memory.readBytes(counter, 8)!);
  assert.ok(final < 4 * 500, `no update was lost (counter ${final})`);

  // Forward truth: every write to the counter, with the value before and after.
  const rec = readRecording(r.bytes, 'racy.hartrec');
  const fwd = openReplay(rec, readImages(rec));
  const writes: { position: number; hart: number; before: number; after: number }[] = [];
  let prev = 0;
  fwd.machine.memory.addWatch({
    lo: counter,
    hi: counter + 8,
    read: false,
    write: true,
    hit: (h) => {
      const now = u64(fwd.machine.memory.readBytes(counter, 8)!);
      writes.push({ position: fwd.machine.positionNow(), hart: h.id, before: prev, after: now });
      prev = now;
    },
  });
  fwd.engine.advance(Number.MAX_SAFE_INTEGER);
  const lost = [...writes].reverse().find((w) => w.after <= w.before)!;
  const partner = [...writes].reverse().find((w) => w.position < lost.position && w.after === lost.after)!;
  assert.ok(lost && partner);

  const t = new History(openReplay(rec, readImages(rec)), { spineInterval: 8192, localGap: 500 });
  t.continue('forward', {});
  assert.equal(t.position, r.trailer.positions);
  // The last write is the last store to the counter, whether or not it changed the value (docs/guide.md).
  const last = t.lastWrite(counter, 8)!;
  assert.deepEqual(
    { position: last.position, hart: last.hart },
    { position: writes[writes.length - 1].position, hart: writes[writes.length - 1].hart },
  );

  const watch = { watchpoints: [{ lo: counter, hi: counter + 8, kind: 'write' as const }] };
  let second;
  for (;;) {
    const s = t.continue('backward', watch);
    assert.equal(s.reason, 'watchpoint');
    if (u64(s.after!) <= u64(s.before!)) {
      second = s;
      break;
    }
  }
  assert.equal(second.position, lost.position);
  assert.equal(second.hart, lost.hart);
  let first;
  for (;;) {
    const s = t.continue('backward', watch);
    assert.equal(s.reason, 'watchpoint');
    if (u64(s.after!) === u64(second.after!)) {
      first = s;
      break;
    }
  }
  assert.equal(first.position, partner.position);
  assert.equal(first.hart, partner.hart);
  assert.notEqual(first.hart, second.hart, 'the colliding writes come from two harts');
});
