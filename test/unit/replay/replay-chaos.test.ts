// Record → replay identity under chaos schedules: 50 seeds for every SMP guest at 2, 4 and 8 harts (where races
// live), 10 at one hart, and 52 for the single-hart atomics guest spread over the hart counts. Seeds are fixed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertIdentity, recordGuest } from '../support/replay-fixtures';

const SMP_GUESTS = ['smp_counters', 'smp_ipi', 'smp_timer', 'smp_print', 'racy_counter'];

function chaosRun(name: string, harts: number, seed: number): void {
  const label = `${name}/${harts} harts/seed ${seed}`;
  const r = recordGuest(name, { harts, policy: 'chaos', quantum: 2000, seed: String(seed) });
  assert.equal(r.trailer.reason, 'exit', `${label}: ${r.trailer.message}`);
  assertIdentity(r, label);
}

for (const name of SMP_GUESTS) {
  for (const harts of [1, 2, 4, 8]) {
    const seeds = harts === 1 ? 10 : 50;
    test(`${name} on ${harts} harts: ${seeds} chaos seeds replay identically`, () => {
      for (let k = 1; k <= seeds; k++) chaosRun(name, harts, k * 7919);
    });
  }
}

test('atomics: 52 chaos seeds over 1, 2, 4 and 8 harts replay identically', () => {
  for (let k = 1; k <= 52; k++) chaosRun('atomics', [1, 2, 4, 8][k % 4], k * 104729);
});
