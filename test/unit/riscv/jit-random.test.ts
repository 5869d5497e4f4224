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

// Streams that widen the groups blocks now hold themselves (issue 13 item 4): every F/D row with every rounding mode
// (dynamic ones read frm, which the stream also writes), flw/fsw, AMOs and LRs that fault, and counter and id CSRs.
for (const sv39 of [false, true]) {
  for (const seed of [11, 12]) {
    test(`extended random stream seed ${seed}${sv39 ? ' under Sv39' : ''}: FP, AMO and CSR reads in blocks agree with the interpreter`, () => {
      const image = randomProgram({ seed, sv39, extended: true });
      const r = differential(image, { harts: 2, quantum: 997 }, 300_000, 4999);
      assert.ok(r.checkpoints > 10, `only ${r.checkpoints} checkpoints`);
      assert.ok(r.blocks > 20, `only ${r.blocks} blocks compiled: the comparison would be vacuous`);
    });
  }
}
