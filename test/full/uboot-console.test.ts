// U-Boot's prompt answers typed input through Hartline's live console: Debian's S-mode U-Boot behind OpenSBI's
// fw_jump on 4 harts, fed through a pipe as a user types (waiting for each prompt), recorded, and replayed without
// input. QEMU 7.2 answers the same `version`. Needs u-boot-qemu, opensbi and qemu-system-misc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Conversation } from '../unit/support/conversation';
import { repoRoot } from '../guests/manifest';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const UBOOT = '/usr/lib/u-boot/qemu-riscv64_smode/uboot.elf';
const CLI = join(repoRoot(), 'bin', 'hartline.js');
const dir = mkdtempSync(join(tmpdir(), 'hartline-uboot-'));

const missing = !existsSync(UBOOT)
  ? `${UBOOT} is missing: apt-get install u-boot-qemu`
  : !existsSync(FW)
    ? `${FW} is missing: apt-get install opensbi`
    : undefined;
if (missing && process.env.CI === 'true') test('U-Boot and OpenSBI are installed', () => assert.fail(missing));
if (missing) console.log(`# skipping the U-Boot console tests: ${missing}`);

/** Stops autoboot, types `version` at the prompt, then `poweroff`; returns the text `version` printed. */
async function typeVersion(c: Conversation): Promise<string> {
  await c.until('Hit any key to stop autoboot');
  c.send(' ');
  await c.until('=> ');
  c.send('version\n');
  await c.until('=> ', 2);
  const answer = c.out.slice(c.out.indexOf('=> ') + 3, c.out.lastIndexOf('=> '));
  c.send('poweroff\n');
  return answer;
}

let hartlineVersion = '';

test('U-Boot on 4 harts answers a typed `version` through a pipe, and powers off', { skip: missing }, async () => {
  const c = new Conversation(process.execPath, [CLI, 'run', '--bios', FW, UBOOT, '--harts', '4']);
  hartlineVersion = await typeVersion(c);
  assert.match(hartlineVersion, /^version\r\nU-Boot 20\d\d\.\d\d\S* \(/);
  const exit = await c.exited;
  assert.equal(exit.code, 0, c.err);
});

test(
  'a recording of that session replays without input, byte for byte, every checksum verified',
  { skip: missing },
  async () => {
    const rec = join(dir, 'uboot.hartrec');
    const c = new Conversation(process.execPath, [CLI, 'record', '--bios', FW, UBOOT, '--harts', '4', '-o', rec]);
    assert.match(await typeVersion(c), /U-Boot 20\d\d\.\d\d/);
    assert.equal((await c.exited).code, 0, c.err);
    const p = spawnSync(process.execPath, [CLI, 'replay', rec, '--verify'], {
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 16 << 20,
    });
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, c.out);
    assert.match(p.stderr, /verified: \d+ checksums equal/);
  },
);

test('QEMU 7.2 answers the same `version`', { skip: missing }, async (t) => {
  if (spawnSync('qemu-system-riscv64', ['--version']).status !== 0) {
    if (process.env.CI === 'true') assert.fail('qemu-system-riscv64 is missing: apt-get install qemu-system-misc');
    t.skip('qemu-system-riscv64 is not installed');
    return;
  }
  const q = new Conversation('qemu-system-riscv64', [
    '-M',
    'virt',
    '-smp',
    '4',
    '-bios',
    FW,
    '-kernel',
    UBOOT,
    '-display',
    'none',
    '-monitor',
    'none',
    '-serial',
    'stdio',
  ]);
  const answer = await typeVersion(q);
  assert.equal((await q.exited).code, 0, q.err);
  // The same binary answers the same on both machines: its banner and the toolchain lines.
  assert.ok(hartlineVersion, 'the Hartline run above did not get an answer');
  assert.equal(hartlineVersion, answer);
});
