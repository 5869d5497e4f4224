// Rebuilds the symbols fixtures and regenerates every oracle with binutils, QEMU and gdb-multiarch, then checks both match what is committed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';

function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

const fixtures = join(repoRoot(), 'test', 'fixtures', 'symbols');
const TOOLS = [
  'riscv64-unknown-elf-gcc',
  'riscv64-unknown-elf-objdump',
  'riscv64-unknown-elf-addr2line',
  'gdb-multiarch',
  'qemu-system-riscv64',
  'make',
];
const missing = TOOLS.filter((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status !== 0);
const inCi = process.env.CI === 'true';

// Outside CI a machine without the cross tools skips; in CI a missing tool is a failure, never a silent skip.
const skip = missing.length > 0 && !inCi ? `missing ${missing.join(', ')}` : false;

test(
  'the committed fixture ELFs are what the Makefile builds from the committed sources',
  { skip, timeout: 300_000 },
  () => {
    assert.deepEqual(missing, [], `tools required in CI: ${missing.join(', ')}`);
    const out = mkdtempSync(join(tmpdir(), 'hartline-symbols-elf-'));
    try {
      const res = spawnSync('make', ['-C', fixtures, `ELFDIR=${out}`], { encoding: 'utf8' });
      assert.equal(res.status, 0, res.stderr);
      for (const name of readdirSync(join(fixtures, 'elf'))) {
        assert.ok(
          readFileSync(join(out, name)).equals(readFileSync(join(fixtures, 'elf', name))),
          `${name} differs from a fresh build`,
        );
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
);

test('regenerated objdump, addr2line and gdb oracles equal the committed ones', { skip, timeout: 600_000 }, () => {
  assert.deepEqual(missing, [], `tools required in CI: ${missing.join(', ')}`);
  const out = mkdtempSync(join(tmpdir(), 'hartline-symbols-oracle-'));
  try {
    const res = spawnSync(process.execPath, [join(fixtures, 'oracles.mjs'), '--out', out], {
      encoding: 'utf8',
      timeout: 600_000,
    });
    assert.equal(res.status, 0, res.stderr);
    const committed = readdirSync(join(fixtures, 'oracle')).sort();
    assert.deepEqual(readdirSync(out).sort(), committed);
    for (const name of committed) {
      const fresh = readFileSync(join(out, name), 'utf8');
      const saved = readFileSync(join(fixtures, 'oracle', name), 'utf8');
      assert.ok(fresh === saved, `${name} changed: rerun node test/fixtures/symbols/oracles.mjs and review the diff`);
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
