// The rules of docs/architecture.md, checked: imports point down the layer table, `vscode` only in src/extension,
// no host time, randomness, environment or I/O in src/riscv and src/machine, and no import cycle beyond the ones
// listed below. A fake tree under test/fixtures/layers breaks each rule once, to show the check can fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { repoRoot } from '../../guests/manifest';
import { checkTree } from '../support/layer-rules';

/**
 * Import cycles that existed when this check was written (2026-12-01). Each is between files of one layer; any
 * other cycle, or one of these growing, fails. Remove an entry when its cycle is broken up.
 */
const KNOWN_CYCLES: readonly (readonly string[])[] = [
  ['src/machine/boot.ts', 'src/machine/machine.ts'],
  ['src/riscv/hart.ts', 'src/riscv/mmu.ts'],
  [
    'src/symbols/expr.ts',
    'src/symbols/globals.ts',
    'src/symbols/index.ts',
    'src/symbols/unwind.ts',
    'src/symbols/variables.ts',
  ],
];

test('src/ keeps the layer table, the determinism rules and has no new import cycle', () => {
  assert.deepEqual(checkTree(repoRoot(), KNOWN_CYCLES), []);
});

test('a fake tree with an import pointing up, host time and I/O in the machine, vscode and src/gdb in the adapter, and a new cycle fails, once per breach', () => {
  const problems = checkTree(join(repoRoot(), 'test', 'fixtures', 'layers'));
  assert.deepEqual(problems, [
    'src/debug/session.ts: imports vscode, which only src/extension may',
    'src/debug/session.ts: imports ../gdb/stub: layer debug may not import gdb (imports point down only)',
    'src/machine/disk.ts: imports node:fs: the machine layer imports no Node module or package (host I/O breaks determinism)',
    'src/machine/machine.ts: imports ../debug/session: layer machine may not import debug (imports point down only)',
    'src/machine/machine.ts:4: uses Date (host time), which the machine layer must not',
    'import cycle: src/replay/log.ts -> src/replay/player.ts',
  ]);
});
