// The semantic table is the one source of instruction meaning: every row has an entry, the interpreter's switch in
// interpreter.ts is exactly what the generator makes of the table, and the block compiler reads the same entries.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { INSTRUCTIONS, Op } from '../../../src/riscv/instructions';
import { semanticsOf, immediate, IMMEDIATES } from '../../../src/riscv/semantics';
import { immB, immI, immJ, immS, immU } from '../../../src/riscv/instructions';
import { interpreterSwitch, spliceInterpreter } from '../../../src/riscv/interpreter-gen';

test('the pseudo-ops the interpreter dispatches on have semantics too', () => {
  assert.ok(semanticsOf(Op.ILLEGAL) && semanticsOf(Op.BREAKPOINT));
});

test('the generated switch has one case per row, named after the row', () => {
  const text = interpreterSwitch();
  for (const r of INSTRUCTIONS) {
    const name = r.name.toUpperCase().replace(/\./g, '_');
    assert.ok(text.includes(`case Op.${name}:`), `no case for ${r.name}`);
  }
});

test('interpreter.ts holds the switch generated from the table (run node scripts/gen-semantics.mjs)', () => {
  const path = 'src/riscv/interpreter.ts';
  const source = readFileSync(path, 'utf8');
  const r = spawnSync(process.execPath, ['node_modules/prettier/bin/prettier.cjs', '--stdin-filepath', path], {
    input: spliceInterpreter(source),
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(
    r.stdout === source,
    'interpreter.ts differs from the generated switch: run node scripts/gen-semantics.mjs',
  );
});

test('the immediates the compiler folds are the ones the interpreter computes', () => {
  const words = [0, -1, 0x80000000, 0x7fffffff, 0x12345678, 0xfedcba98 | 0, 0xfff00093 | 0, 0x800000ef | 0];
  for (let k = 0; k < 2000; k++) words.push((Math.imul(k, 0x9e3779b1) ^ (k << 7)) | 0);
  for (const w of words) {
    assert.equal(immediate.I(w), immI(w));
    assert.equal(immediate.S(w), immS(w));
    assert.equal(immediate.B(w), immB(w));
    assert.equal(immediate.U(w), immU(w));
    assert.equal(immediate.J(w), immJ(w));
  }
  assert.ok(Object.keys(IMMEDIATES).length >= 5);
});
