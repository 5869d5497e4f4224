// Runs every guest under QEMU and under our machine with 1, 2 and 4 harts (the multi-hart ones on 16 and 64 too); console output and exit code must
// agree. Needs qemu-system-riscv64 (Debian: qemu-system-misc) and fails, not skips, without it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  HART_COUNTS,
  MANY_HART_COUNTS,
  MULTI_HART_GUESTS,
  QEMU,
  qemuArgs,
  readGuests,
  runOurs,
} from '../guests/manifest';

const QEMU_TIMEOUT_MS = 120_000;

test('QEMU is installed', () => {
  const r = spawnSync(QEMU, ['--version'], { encoding: 'utf8' });
  assert.ok(
    !r.error && r.status === 0,
    `cannot run ${QEMU}: ${r.error?.message ?? r.stderr}. Install qemu-system-misc.`,
  );
  assert.match(r.stdout, /QEMU emulator version/);
});

for (const g of readGuests()) {
  // QEMU 7.2's virt takes up to 512 harts; the multi-hart guests also run on 16 and 64 (Hartline's limit).
  const counts = (MULTI_HART_GUESTS as readonly string[]).includes(g.name)
    ? [...HART_COUNTS, ...MANY_HART_COUNTS]
    : HART_COUNTS;
  for (const harts of counts) {
    test(`${g.name} on ${harts} hart${harts > 1 ? 's' : ''}: our machine prints and exits as QEMU does`, () => {
      const q = spawnSync(QEMU, qemuArgs(g, harts), {
        timeout: QEMU_TIMEOUT_MS,
        maxBuffer: 64 << 20,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      assert.ok(!q.error, `running ${QEMU}: ${q.error?.message}`);
      assert.equal(q.signal, null, `QEMU was killed by ${q.signal} (timeout ${QEMU_TIMEOUT_MS} ms?)`);
      assert.equal(q.stderr.toString(), '', 'QEMU wrote to stderr');
      const ours = runOurs(g.name, harts);
      assert.equal(ours.reason, 'exit', `our machine stopped with ${ours.reason}: ${ours.message ?? ''}`);
      assert.equal(ours.output.toString('latin1'), q.stdout.toString('latin1'));
      assert.equal(ours.exitCode, q.status, 'exit code');
    });
  }
}
