// The Linux boot with and without compiled blocks: the test kernel behind OpenSBI, from reset to power-off on 1 and
// 2 harts, compared at every checkpoint (full hart state, then RAM and console at the end). Blocks compile after a
// few arrivals, so the kernel's code runs compiled from many entry points, under Sv39, across its page-table edits.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BOOT_LIMIT, kernelOrSkip, linuxMachine } from './support/linux-kernel';
import { compareMachines } from '../unit/support/jit-differential';

for (const harts of [1, 2]) {
  test(`the Linux boot on ${harts} hart(s): compiled blocks agree with the interpreter to power-off`, (t) => {
    const k = kernelOrSkip();
    if (typeof k === 'string') {
      t.skip(k);
      return;
    }
    const r = compareMachines(linuxMachine(k, harts).m, linuxMachine(k, harts).m, BOOT_LIMIT, 999_983, 8);
    assert.ok(r.output.includes('reboot: Power down'), 'the boot did not reach power-off');
    assert.ok(r.stats.inBlocks > r.stats.interpreted, `only ${r.stats.inBlocks} instructions ran in blocks`);
  });
}
