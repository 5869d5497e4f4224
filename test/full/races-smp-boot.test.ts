// The race detector on the smp-boot example: OpenSBI starts the harts, and the payload's unlocked `next_slot` and
// init table race. In test:full because the replay needs Debian's OpenSBI fw_jump.elf and runs 16 M instructions.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const CLI = join(__dirname, '..', '..', '..', 'bin', 'hartline.js');
const REC = 'examples/smp-boot/smp_boot.hartrec';

test('smp-boot: hartline races reports next_slot and the init table, with source lines in smp_boot.c', () => {
  assert.ok(existsSync(FW), `${FW} is missing: apt-get install opensbi`);
  const r = spawnSync(process.execPath, [CLI, 'races', REC, '--json'], { encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 1, r.stderr);
  const races = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { symbol: string | null; accesses: { source: string | null; hart: number }[] });
  const slot = races.filter((x) => x.symbol === 'next_slot');
  assert.ok(slot.length > 0, 'next_slot races');
  for (const x of slot) {
    assert.ok(
      x.accesses.every((a) => /^smp_boot\.c:\d+$/.test(a.source ?? '')),
      JSON.stringify(x),
    );
    assert.notEqual(x.accesses[0].hart, x.accesses[1].hart);
  }
  assert.ok(
    races.some((x) => x.symbol?.startsWith('init_table[')),
    'init table slots race',
  );
});
