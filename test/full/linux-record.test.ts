// Records the test kernel's boot (Linux 6.12 behind OpenSBI fw_jump, smp_race as /init) on 2 harts under the
// round-robin, chaos and realtime schedules, and replays each with --verify: the same console, the same exit code,
// every checksum equal. A recording cut short, as a killed recorder leaves it, replays its prefix.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FW_JUMP, kernelOrSkip, LinuxKernel, REPO } from './support/linux-kernel';

const CLI = join(REPO, 'bin', 'hartline.js');
const dir = mkdtempSync(join(tmpdir(), 'hartline-linux-'));
const cli = (args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { encoding: 'latin1', timeout: 1_800_000, maxBuffer: 1 << 26 });
const kernel = kernelOrSkip();
const skip = typeof kernel === 'string' && kernel;

function record(k: LinuxKernel, out: string, schedule: string, extra: string[] = []) {
  return cli([
    'record',
    k.image,
    '--bios',
    FW_JUMP,
    '--initrd',
    k.initrd,
    '--harts',
    '2',
    '--schedule',
    schedule,
    '-o',
    out,
    '--checksum-interval',
    '5000000',
    ...extra,
  ]);
}

for (const [schedule, extra] of [
  ['roundrobin', []],
  ['chaos', ['--seed', '7', '--quantum', '20000']],
  ['realtime', []],
] as const) {
  test(`a Linux boot on 2 harts recorded under ${schedule} replays bit for bit`, { skip }, () => {
    const k = kernel as LinuxKernel;
    const rec = join(dir, `boot-${schedule}.hartrec`);
    const r = record(k, rec, schedule, [...extra]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /smp-race: locked counter (\d+) of \1: ok\r?\n/);
    assert.match(r.stdout, /reboot: Power down/);
    const p = cli(['replay', rec, '--verify']);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, r.stdout, 'the replay prints the recorded console byte for byte');
    const verified = /verified: (\d+) checksums equal, (\d+) positions/.exec(p.stderr);
    assert.ok(verified, p.stderr);
    // One checksum per interval of 5,000,000 positions: every interval of the boot was compared.
    assert.ok(
      Number(verified[1]) >= Math.floor(Number(verified[2]) / 5_000_000),
      `only ${verified[1]} checksums for ${verified[2]} positions`,
    );
    const summary = cli(['dump', rec, '--summary']).stdout;
    assert.match(summary, /^hart +h0 slices=\d+ positions=\d+/m);
    assert.match(summary, /^hart +h1 slices=\d+ positions=\d+/m);
    process.stdout.write(`# ${schedule}: ${verified[2]} positions, ${verified[1]} checksums verified\n`);
    if (schedule === 'roundrobin') {
      // As a killed recorder leaves it: the file cut in the middle of its events. Its prefix replays, then exit 2.
      const bytes = readFileSync(rec);
      const cut = join(dir, 'boot-cut.hartrec');
      writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const c = cli(['replay', cut]);
      assert.equal(c.status, 2, c.stderr);
      assert.match(
        c.stderr,
        /recording is unfinished: it is truncated at byte \d+, .*replayed its first \d+ positions/,
      );
      assert.ok(r.stdout.startsWith(c.stdout), 'the prefix prints the start of the recorded console');
      assert.match(c.stdout, /Linux version 6\.12/);
    }
  });
}
