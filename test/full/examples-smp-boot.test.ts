// The smp-boot example's committed recording shows its bug. It lives in test:full because replaying it needs the
// firmware image it was recorded with: Debian's OpenSBI fw_jump.elf.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const CLI = join(__dirname, '..', '..', '..', 'bin', 'hartline.js');
const REC = 'examples/smp-boot/smp_boot.hartrec';

test('smp-boot: replaying the committed recording shows a hart missing from the init table', () => {
  assert.ok(existsSync(FW), `${FW} is missing: apt-get install opensbi`);
  const size = statSync(REC).size;
  console.log(`smp-boot recording: ${size} bytes`);
  assert.ok(size < 16 * 1024, `keep committed recordings small (${size} bytes)`);
  const r = spawnSync(process.execPath, [CLI, 'replay', REC, '--verify'], { encoding: 'latin1', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /verified: \d+ checksums equal/);
  assert.match(r.stdout, /Platform HART Count\s*: 4/);
  const m = /smp-boot: (\d+) harts started, (\d+) slots taken/.exec(r.stdout);
  assert.ok(m, r.stdout);
  assert.ok(Number(m[2]) < Number(m[1]), 'fewer slots than harts');
  assert.match(r.stdout, /smp-boot: hart \d+ is missing from the init table/);
  assert.match(r.stdout, /smp-boot: FAILED/);
});
