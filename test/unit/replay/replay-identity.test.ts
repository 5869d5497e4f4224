// Record → replay identity: every multi-hart guest, 1 to 8 harts, round-robin, chaos seeds and realtime.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertIdentity, recordGuest } from '../support/replay-fixtures';

const SMP_GUESTS = ['smp_counters', 'smp_ipi', 'smp_timer', 'smp_print', 'atomics', 'racy_counter'];

for (const name of SMP_GUESTS) {
  for (const harts of [1, 2, 4, 8]) {
    test(`${name} on ${harts} harts: round-robin recording replays identically`, () => {
      const r = recordGuest(name, { harts, policy: 'roundrobin', quantum: 1000 });
      assert.equal(r.trailer.reason, 'exit');
      assertIdentity(r, `${name}/${harts}`);
    });
  }
}

test('realtime schedules replay identically', () => {
  for (const name of SMP_GUESTS) {
    for (const harts of [2, 4]) {
      const r = recordGuest(name, { harts, policy: 'realtime' });
      assert.equal(r.trailer.reason, 'exit');
      assertIdentity(r, `${name}/${harts}/realtime`);
    }
  }
});
