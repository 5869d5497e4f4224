// The live console under Linux: `hartline run` and `hartline record` boot the test kernel with rdinit=/cmdloop
// (test/linux/cmdloop.c) behind OpenSBI on 2 harts, and a pipe types commands as a user would, each once the
// previous prompt has appeared (bytes sent before the 8250 driver is up are dropped, on QEMU as here). The
// recording then replays with no input to the same console.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FW_JUMP, kernelOrSkip, LinuxKernel, REPO } from './support/linux-kernel';

const CLI = join(REPO, 'bin', 'hartline.js');
const COMMANDS: { send: string; expect: string }[] = [
  { send: 'echo hello from the host\n', expect: 'hello from the host\n' },
  { send: 'harts\n', expect: 'harts: 2' },
  { send: 'quit\n', expect: 'cmdloop: powering off' },
];

/** Runs the CLI, typing each command once the prompt after the previous one is on the console. */
function converse(args: string[]): Promise<{ out: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let prompts = 0;
    let next = 0;
    child.on('error', reject);
    child.on('exit', (code) => resolve({ out: out.replace(/\r/g, ''), code }));
    child.stderr.on('data', (b: Buffer) => (out += b.toString('latin1')));
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString('latin1');
      const seen = out.split('cmdloop> ').length - 1;
      // One command per new prompt: the first prompt gets the first command, and so on.
      while (prompts < seen && next < COMMANDS.length) {
        prompts++;
        child.stdin.write(COMMANDS[next++].send);
      }
      if (next === COMMANDS.length) child.stdin.end();
    });
  });
}

function bootArgs(k: LinuxKernel): string[] {
  return ['--bios', FW_JUMP, k.image, '--initrd', k.initrd, '--append', 'rdinit=/cmdloop', '--harts', '2'];
}

const kernel = kernelOrSkip();
const skip = typeof kernel === 'string' && kernel;

test('under Linux, the command loop answers commands typed through a pipe as they arrive', { skip }, async () => {
  const k = kernel as LinuxKernel;
  const r = await converse(['run', ...bootArgs(k)]);
  for (const c of COMMANDS)
    assert.ok(r.out.includes(c.expect), `the console shows "${c.expect.trim()}"\n${r.out.slice(-2000)}`);
  assert.match(r.out, /reboot: Power down/);
  assert.equal(r.code, 0);
});

test('a recording of that conversation replays with no input to the same answers', { skip }, async () => {
  const k = kernel as LinuxKernel;
  const dir = mkdtempSync(join(tmpdir(), 'hartline-linux-console-'));
  try {
    const rec = join(dir, 'cmdloop.hartrec');
    const r = await converse(['record', ...bootArgs(k), '-o', rec]);
    assert.equal(r.code, 0, r.out.slice(-2000));
    const replay = spawnSync(process.execPath, [CLI, 'replay', rec, '--verify'], {
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(replay.status, 0, replay.stderr);
    const answers = (s: string) =>
      s
        .replace(/\r/g, '')
        .split('\n')
        .filter((l) => l.startsWith('cmdloop') || l.startsWith('harts:') || l.includes('hello from the host'));
    assert.deepEqual(answers(replay.stdout), answers(r.out.replace(/^hartline: .*$/gm, '')));
    const replayed = replay.stdout.replace(/\r/g, '');
    for (const c of COMMANDS) assert.ok(replayed.includes(c.expect), `the replay shows "${c.expect.trim()}"`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
