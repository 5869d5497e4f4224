// A hart on a wfi that cannot sleep (an interrupt pending but globally masked, as in OpenSBI's HSM wait loop on
// Debian's OpenSBI, and in Linux's idle loop just before it takes the interrupt) keeps its slice, and runs as
// stepping it does. Giving the slice away there was tried and reverted (docs/architecture.md, the interpreter).

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

test('a hart on a wfi it cannot sleep in keeps its slices: round-robin quanta alternate between the harts', () => {
  const m = new Machine(program(), { harts: 2, compile: false });
  m.run(200_000);
  const h0 = m.harts[0],
    h1 = m.harts[1];
  // Each hart takes every other 10,000-instruction quantum: hart 0's passes (wfi, addi, jal) fill its own.
  assert.ok(h0.readX(6) > 20_000n, `hart 0 made ${h0.readX(6)} passes`);
  assert.ok(Math.abs(h0.retired - h1.retired) <= 10_000, `harts retired ${h0.retired} and ${h1.retired}`);
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
