// Differential test of the block compiler on seeded random instruction streams: every group, traps, timer
// interrupts, AMO and LR/SC on two harts, FP with random rounding modes, self-modifying code, and the same under Sv39.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomProgram } from '../support/random-program';
import { differential } from '../support/jit-differential';

for (const sv39 of [false, true]) {
  for (const seed of [1, 2, 3]) {
    test(`random stream seed ${seed}${sv39 ? ' in S-mode under Sv39' : ''}: compiled blocks agree with the interpreter`, () => {
      const image = randomProgram({ seed, sv39 });
      const r = differential(image, { harts: 2, quantum: 997, blockBackend: 'js' }, 400_000, 4999);
      assert.ok(r.checkpoints > 10, `only ${r.checkpoints} checkpoints`);
      assert.ok(r.blocks > 20, `only ${r.blocks} blocks compiled: the comparison would be vacuous`);
    });
  }
}
