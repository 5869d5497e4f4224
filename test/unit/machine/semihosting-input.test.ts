// A semihosting console read with nothing queued blocks the hart, as on QEMU: it waits like wfi (no positions pass),
// the byte is taken where it arrives and logged there, and the recording replays to the same result with no input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { startRecording, openReplay, endOf } from '../../../src/replay/playback';
import { readRecording } from '../../../src/replay/reader';
import { buildElf, words } from '../support/elf-builder';

const SEMIHOST = [0x01f01013 /* slli x0,x0,0x1f */, 0x00100073 /* ebreak */, 0x40705013 /* srai x0,x0,7 */];
/** a0 = 7 (SYS_READC), the call, then exit through the finisher with the byte read as the exit code. */
const READC = buildElf({
  entry: 0x8000_0000,
  segments: [
    {
      paddr: 0x8000_0000,
      bytes: words(
        0x00700513, // addi a0, zero, 7
        0x00000593, // addi a1, zero, 0
        ...SEMIHOST,
        0x01051513, // slli a0, a0, 16
        0x000032b7, // lui t0, 0x3
        0x33328293, // addi t0, t0, 0x333
        0x00556533, // or a0, a0, t0
        0x00100337, // lui t1, 0x100 (the finisher)
        0x00a32023, // sw a0, 0(t1)
        0x0000006f, // j .
      ),
    },
  ],
});

/** An input door the test fills by hand: -1 while nothing has arrived. */
function door(): { queue: number[]; port: { readByte: () => number } } {
  const queue: number[] = [];
  return { queue, port: { readByte: () => queue.shift() ?? -1 } };
}

test('SYS_READC with nothing queued blocks the hart until a byte arrives, then returns it', () => {
  const m = Machine.fromElf(READC, { name: 'readc.elf' });
  const d = door();
  m.input = d.port;
  const taken: [number, string, number][] = [];
  m.onInput = (p, ch, b) => taken.push([p, ch, b]);
  const first = m.run(1_000_000);
  assert.equal(first.reason, 'deadlock', 'the only hart waits: nothing else can happen');
  assert.ok(m.wantsInput, 'the machine says it wants input');
  const waitingAt = m.position;
  assert.equal(waitingAt, 4, 'the two addis, the slli and the ebreak (retired), and nothing more');
  assert.equal(m.harts[0].readX(10), 7n, 'a0 still holds the call until the read completes');
  // Waiting costs no positions, like wfi (and unlike a guest spinning on -1).
  assert.equal(m.run(1_000_000).reason, 'deadlock');
  assert.equal(m.position, waitingAt);
  d.queue.push(0x41);
  const r = m.run(1_000_000);
  assert.equal(r.reason, 'exit');
  assert.equal(r.exitCode, 0x41);
  assert.deepEqual(taken, [[waitingAt, 'semihost', 0x41]], 'the byte is taken, and logged, where the hart waited');
  assert.ok(!m.wantsInput);
});

test('a recording of a blocked SYS_READC logs the byte where it was taken and replays with no input', () => {
  const chunks: Uint8Array[] = [];
  const d = door();
  const images = [{ role: 'kernel' as const, path: 'readc.elf', bytes: READC }];
  const s = startRecording({ images, input: d.port, sink: (b) => chunks.push(b.slice()) });
  const a = s.engine.advance(1_000_000);
  assert.equal(a.reason, 'deadlock');
  assert.ok(s.machine.wantsInput);
  // As `hartline record` does when every hart waits: resume the live run once a byte has arrived.
  d.queue.push(0x5a);
  s.engine.resumeLive();
  const b = s.engine.advance(1_000_000);
  assert.equal(b.reason, 'exit');
  assert.equal(b.exitCode, 0x5a);
  const end = endOf(b);
  s.engine.finish(end.reason, end.exitCode, end.message);
  assert.deepEqual([...s.log.inputPos], [a.position]);

  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) bytes.set(c, (off += c.length) - c.length);
  const rec = readRecording(bytes, 'readc.hartrec');
  const p = openReplay(rec, [{ ref: rec.header.images[0], bytes: READC }]);
  const replayed = p.engine.advance(Number.MAX_SAFE_INTEGER);
  assert.equal(replayed.reason, 'exit');
  assert.equal(replayed.exitCode, 0x5a, 'the replay reads the logged byte, with no input door of its own');
  assert.equal(replayed.position, b.position);
});
