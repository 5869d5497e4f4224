// Records Debian's OpenSBI booting our S-mode payload on several harts under chaos and round-robin schedules,
// then replays each recording with --verify: same console, same exit code, every checksum equal.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const PAYLOAD = 'test/guests/bin/sbi_payload.elf';
const CLI = join(__dirname, '..', '..', '..', 'bin', 'hartline.js');
const dir = mkdtempSync(join(tmpdir(), 'hartline-sbi-'));
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'latin1', timeout: 300_000 });

for (const [harts, schedule, seed] of [
  [2, 'chaos', 11],
  [4, 'chaos', 5],
  [8, 'roundrobin', 0],
] as const) {
  test(`OpenSBI boot on ${harts} harts (${schedule}) replays bit for bit`, () => {
    assert.ok(existsSync(FW), `${FW} is missing: apt-get install opensbi`);
    const rec = join(dir, `sbi-${harts}.hartrec`);
    const r = cli([
      'record',
      PAYLOAD,
      '--bios',
      FW,
      '-o',
      rec,
      '--harts',
      String(harts),
      '--schedule',
      schedule,
      '--seed',
      String(seed),
      '--quantum',
      '3000',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Platform HART Count\s*: \d+/);
    assert.match(r.stdout, /shutting down through SRST/);
    const p = cli(['replay', rec, '--verify']);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, r.stdout);
    assert.match(p.stderr, /verified/);
  });
}
