// A hart spinning on a wfi that cannot sleep (an interrupt pending but globally masked, as in OpenSBI's HSM wait loop
// on Debian's OpenSBI) yields its slice at each wfi, so the other harts get the machine; stepping gives the same state.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { parseElf } from '../../../src/machine/elf';
import { buildElf, words } from '../support/elf-builder';
import { encode } from '../support/instruction-harness';

const BASE = 0x80000000;
const MIE = 0x304;

/** Hart 0 raises its own MSIP with MSIE on and MIE off, then counts wfi passes in t1; hart 1 counts in s1. */
const program = () =>
  parseElf(
    buildElf({
      entry: BASE,
      segments: [
        {
          paddr: BASE,
          bytes: words(
            encode('bne', { rs1: 10, rs2: 0, imm: 36 }), // hart 1 goes to the worker
            encode('addi', { rd: 5, rs1: 0, imm: 8 }),
            encode('csrrs', { rd: 0, rs1: 5, csr: MIE }),
            encode('lui', { rd: 7, imm: 0x2000000 }),
            encode('addi', { rd: 28, rs1: 0, imm: 1 }),
            encode('sw', { rs1: 7, rs2: 28 }),
            0x10500073, // wfi
            encode('addi', { rd: 6, rs1: 6, imm: 1 }),
            encode('jal', { rd: 0, imm: -8 }),
            encode('addi', { rd: 9, rs1: 9, imm: 1 }), // the worker
            encode('jal', { rd: 0, imm: -4 }),
          ),
          memSize: 0x1000,
        },
      ],
    }),
    'yield.elf',
  );

test('a hart spinning on a wfi it cannot sleep in gives its slices to the other hart', () => {
  const m = new Machine(program(), { harts: 2, compile: false });
  m.run(200_000);
  const h0 = m.harts[0],
    h1 = m.harts[1];
  // Hart 0 runs one pass (wfi, addi, jal) per turn, one turn per 10,000-instruction quantum of hart 1.
  assert.ok(h0.readX(6) >= 15n, `hart 0 made progress (${h0.readX(6)} passes)`);
  // Without the yield each hart would take every other 10,000-instruction quantum (about half each).
  assert.ok(h1.retired > 0.95 * m.position, `hart 1 retired ${h1.retired} of ${m.position}`);
  assert.ok(h0.retired < 0.01 * m.position, `hart 0 retired ${h0.retired}`);
});

test('one hart alone on such a wfi runs exactly as stepping it does', () => {
  const run = new Machine(program(), { harts: 1, compile: false });
  const stepped = new Machine(program(), { harts: 1, compile: false });
  run.run(3000);
  for (let k = 0; k < 3000; k++) stepped.stepInstruction(0);
  assert.equal(run.position, 3000);
  assert.equal(run.harts[0].readX(6), stepped.harts[0].readX(6));
  assert.equal(run.harts[0].pc, stepped.harts[0].pc);
  assert.equal(run.harts[0].readX(6) > 900n, true);
});
