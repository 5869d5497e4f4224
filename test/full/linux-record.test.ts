// Records the test kernel's boot (Linux 6.12 behind OpenSBI fw_jump, smp_race as /init) on 2 harts under the
// round-robin, chaos and realtime schedules, and replays each with --verify: the same console, the same exit code,
// every checksum equal. A recording cut short, as a killed recorder leaves it, replays its prefix; so does the file of
// a live recorder killed with SIGKILL in the middle of the boot.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FW_JUMP, kernelOrSkip, LinuxKernel, REPO } from './support/linux-kernel';
import { readRecording } from '../../src/replay/reader';

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

test(
  'a live recorder of a Linux boot killed with SIGKILL leaves a prefix that replays, checksums verified',
  { skip },
  async () => {
    const k = kernel as LinuxKernel;
    const sub = mkdtempSync(join(dir, 'killed-'));
    const rec = join(sub, 'boot-killed.hartrec');
    const INTERVAL = 1_000_000;
    // The line the console must reach first: both harts are up, well past the early boot.
    const LINE = 'smp: Brought up 1 node, 2 CPUs';
    const frontier = () => {
      try {
        return readRecording(readFileSync(rec), rec).log.frontier;
      } catch {
        return -1;
      }
    };
    const watcher = watch(sub);
    const args = ['record', k.image, '--bios', FW_JUMP, '--initrd', k.initrd, '--harts', '2', '-o', rec];
    const child = spawn(process.execPath, [CLI, ...args, '--checksum-interval', String(INTERVAL)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString('latin1')));
    child.stderr.on('data', (b: Buffer) => (err += b.toString('latin1')));
    // 'close', not 'exit': it comes after the pipes have delivered everything the recorder wrote before it died.
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Killed once the console has reached LINE and then the file has gained an events block: that block was written
    // after the line was printed, so it holds the positions that printed it. Both are seen as they happen (the pipe's
    // data, the folder's change events), not after a guessed delay.
    let atLine = -1;
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (atLine < 0 && out.includes(LINE)) atLine = Math.max(0, frontier());
        if (atLine >= 0 && frontier() > atLine) resolve();
      };
      child.stdout.on('data', check);
      watcher.on('change', check);
      watcher.on('error', reject);
      void exited.then((code) => reject(new Error(`the recorder exited (${code}) before it was killed: ${err}`)));
    });
    try {
      await ready;
    } finally {
      watcher.close();
    }
    child.kill('SIGKILL');
    assert.equal(await exited, null, 'the recorder died of the signal');
    assert.ok(!out.includes('reboot: Power down'), 'the recorder was killed before the boot ended');
    const p = cli(['replay', rec, '--verify']);
    assert.equal(p.status, 2, p.stderr);
    const m = /recording is unfinished: .*replayed its first (\d+) positions, (\d+) checksums equal/.exec(p.stderr);
    assert.ok(m, p.stderr);
    assert.equal(p.stderr.trim().split('\n').length, 1, p.stderr);
    const positions = Number(m[1]);
    // Every checksum interval of the prefix was compared (the last may be cut by the end of the file).
    assert.ok(
      Number(m[2]) >= Math.floor(positions / INTERVAL) - 1,
      `only ${m[2]} checksums for ${positions} positions`,
    );
    assert.ok(positions >= atLine, `the prefix (${positions}) ends before the line's block (${atLine})`);
    // The prefix prints what the live recorder printed, up to the line and past it.
    assert.ok(p.stdout.includes(LINE), p.stdout.slice(-2000));
    assert.ok(out.startsWith(p.stdout), 'the prefix prints the start of the live console');
    process.stdout.write(`# killed recorder: ${positions} positions replayed, ${m[2]} checksums verified\n`);
  },
);
