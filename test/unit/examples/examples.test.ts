// The example gallery's committed recordings show their bugs: each one is replayed to its end (checksums
// verified) and its symptom asserted from the console and from guest memory. Prints every recording's size.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { example, readU64, replayExample, sizeOf } from '../support/examples-fixtures';

const sizes: string[] = [];
after(() => console.log(`example recordings:\n${sizes.join('\n')}`));

/** Replays an example's recording and checks it is whole and reproduced exactly. */
function replayed(name: string, extra?: Record<string, string>) {
  const ex = example(name);
  const r = replayExample(ex, Number.MAX_SAFE_INTEGER, extra);
  const bytes = sizeOf(ex.recording);
  sizes.push(
    `  ${name.padEnd(16)} ${String(bytes).padStart(7)} bytes  ${r.rec.log.switchPos.length} switches  ${r.end.position} positions`,
  );
  assert.equal(r.rec.damage, undefined, `${name}: the recording is damaged`);
  assert.ok(r.rec.trailer, `${name}: the recording is unfinished`);
  assert.equal(r.end.position, r.rec.trailer.positions, `${name}: replay ended where the recording did`);
  assert.equal(r.session.engine.checksumsVerified, r.rec.log.checksums.length, `${name}: every checksum compared`);
  assert.ok(bytes < 16 * 1024, `${name}: recording is ${bytes} bytes; keep committed recordings small`);
  return { ex, ...r };
}

/** The function a hart is in, from the ELF's symbols. */
function functionOf(r: ReturnType<typeof replayed>, hart: number): string | undefined {
  const pc = r.session.machine.harts[hart].pc;
  let best: [string, number] | undefined;
  for (const [name, addr] of r.session.machine.image.symbols)
    if (addr <= pc && (!best || addr > best[1]) && !name.startsWith('.')) best = [name, addr];
  return best?.[0];
}

test('racy-counter: the final count is short', () => {
  const r = replayed('racy-counter');
  assert.equal(r.end.reason, 'exit');
  assert.equal(r.end.exitCode, 1);
  const m = /added (\d+), the counter says (\d+)/.exec(r.output);
  assert.ok(m, r.output);
  assert.ok(Number(m[2]) < Number(m[1]), r.output);
  assert.equal(readU64(r.session, 'counter'), BigInt(m[2]));
  assert.equal(readU64(r.session, 'tally'), BigInt(m[1]));
  assert.match(r.output, /increments were lost/);
});

test('abba-deadlock: both harts spin, each holding the lock the other wants', () => {
  const r = replayed('abba-deadlock');
  assert.equal(r.rec.trailer!.reason, 'limit', 'the run hangs until the instruction limit');
  assert.equal(r.output, '', 'the program never finishes its transfers');
  assert.equal(readU64(r.session, 'lock_a'), 1n, 'hart 0 holds A');
  assert.equal(readU64(r.session, 'lock_b'), 2n, 'hart 1 holds B');
  assert.equal(functionOf(r, 0), 'acquire');
  assert.equal(functionOf(r, 1), 'acquire');
});

test('ring-buffer: the consumer reads an item before the producer wrote it', () => {
  const r = replayed('ring-buffer');
  assert.equal(r.end.reason, 'exit');
  assert.equal(r.end.exitCode, 1);
  assert.match(r.output, /^ring_buffer: assertion failed: item \d+ read 0x[0-9a-f]+, expected 0x[0-9a-f]+\n$/);
});

test('lost-wakeup: hart 1 sleeps with a job waiting, and hart 0 sleeps waiting for it', () => {
  const r = replayed('lost-wakeup');
  assert.equal(r.rec.trailer!.reason, 'deadlock', 'every hart is asleep in wfi');
  assert.match(r.rec.trailer!.message, /asleep in wfi/);
  assert.equal(r.output, '', 'the jobs never finish');
  assert.equal(readU64(r.session, 'work_ready'), 1n, 'a job is waiting');
  assert.ok(
    r.session.machine.harts.every((h) => h.run === 1),
    'both harts are in wfi',
  );
  assert.equal(functionOf(r, 1), 'hart_main');
});

test('irq-shared-data: the main loop reads a torn uptime and time goes backwards', () => {
  const r = replayed('irq-shared-data');
  assert.equal(r.end.reason, 'exit');
  assert.equal(r.end.exitCode, 1);
  const m = /time went backwards: (\d+)\.(\d+) s after (\d+)\.(\d+) s/.exec(r.output);
  assert.ok(m, r.output);
  assert.equal(m[1], m[3], 'the seconds were read before the carry');
  assert.equal(m[2], '0', 'the ticks were read after it');
});
