// Runs every committed guest ELF on our machine with 1, 2 and 4 harts (multi-hart ones on 16 and 64) and compares console output and exit
// code with what QEMU produced (test/guests/expected, written by test/guests/make-expected.sh).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  elfPath,
  expected,
  HART_COUNTS,
  MANY_HART_COUNTS,
  MULTI_HART_GUESTS,
  readGuests,
  runOurs,
} from '../../guests/manifest';

const guests = readGuests();

test('the guest manifest lists every committed guest with its expected output', () => {
  assert.ok(guests.length >= 15, `only ${guests.length} guests in guests.txt`);
  for (const g of guests) {
    assert.ok(existsSync(elfPath(g.name)), `${g.name}: missing ELF (run make -C test/guests)`);
    assert.doesNotThrow(
      () => expected(g.name),
      `${g.name}: missing expected output (run test/guests/make-expected.sh)`,
    );
  }
});

for (const g of guests) {
  // bench is for `npm run bench`; bench_small runs the same code here.
  if (g.name === 'bench') continue;
  for (const harts of HART_COUNTS) {
    test(`${g.name} on ${harts} hart${harts > 1 ? 's' : ''} matches QEMU`, () => {
      const want = expected(g.name);
      const got = runOurs(g.name, harts);
      assert.equal(
        got.reason,
        'exit',
        `${g.name} stopped with ${got.reason}: ${got.message ?? ''}\noutput so far:\n${got.output}`,
      );
      assert.equal(got.output.toString('latin1'), want.output.toString('latin1'));
      assert.equal(got.exitCode, want.exitCode, 'exit code');
    });
  }
}

// The guest runtime serves Hartline's 64 harts: the multi-hart guests do the same work split across 16 and 64.
for (const name of MULTI_HART_GUESTS) {
  for (const harts of MANY_HART_COUNTS) {
    test(`${name} on ${harts} harts matches QEMU`, () => {
      const want = expected(name);
      const got = runOurs(name, harts);
      assert.equal(
        got.reason,
        'exit',
        `${name} stopped with ${got.reason}: ${got.message ?? ''}\noutput so far:\n${got.output}`,
      );
      assert.equal(got.output.toString('latin1'), want.output.toString('latin1'));
      assert.equal(got.exitCode, want.exitCode, 'exit code');
    });
  }
}
