// The live console of `hartline run` and `hartline record`: input through a pipe as it arrives, a terminal in raw
// mode with Ctrl-A escapes (through a pseudo-terminal made by util-linux `script`), restored on every way out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elfPath } from '../../guests/manifest';
import { Conversation } from '../support/conversation';

const CLI = join(__dirname, '..', '..', '..', '..', 'bin', 'hartline.js');
const GUEST = elfPath('console_prompt');
const dir = mkdtempSync(join(tmpdir(), 'hartline-console-'));
const hartline = (args: string[]) => new Conversation(process.execPath, [CLI, ...args]);
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

test('through a pipe, bytes reach the guest as they arrive, and the run waits for them while every hart sleeps', async () => {
  const c = hartline(['run', GUEST, '--harts', '2']);
  await c.until('> ');
  c.send('hel');
  await c.until('> hel');
  c.send('lo\n');
  await c.until('got 5 byte(s): hello\n> ');
  c.send('qu');
  await c.until('> qu');
  c.send('it\n');
  const exit = await c.exited;
  assert.equal(exit.code, 0, c.err);
  assert.equal(c.out, '> hello\ngot 5 byte(s): hello\n> quit\ngot 4 byte(s): quit\nbye after 2 line(s)\n');
});

test('when the pipe ends while every hart sleeps waiting for input, the run ends with exit 4', async () => {
  const c = hartline(['run', GUEST]);
  await c.until('> ');
  c.send('one\n');
  await c.until('got 3 byte(s): one\n> ');
  c.end();
  const exit = await c.exited;
  assert.equal(exit.code, 4);
  assert.match(c.err, /^hartline: every hart is asleep .*input has ended/);
});

test('a recording fed through a pipe logs each byte where the guest took it and replays without input', async () => {
  const rec = join(dir, 'pipe.hartrec');
  const c = hartline(['record', GUEST, '-o', rec, '--harts', '2']);
  await c.until('> ');
  c.send('ab');
  await c.until('> ab');
  c.send('c\nquit\n');
  const exit = await c.exited;
  assert.equal(exit.code, 0, c.err);
  const p = spawnSync(process.execPath, [CLI, 'replay', rec, '--verify'], {
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(p.stdout, c.out);
  const d = spawnSync(process.execPath, [CLI, 'dump', rec], { encoding: 'latin1' });
  const inputs = [...d.stdout.matchAll(/^ +(\d+) +- +input +uart 0x[0-9a-f]+/gm)].map((m) => Number(m[1]));
  assert.equal(inputs.length, 'abc\nquit\n'.length);
  // 'a' and 'b' came before 'c': the guest took them at earlier positions (it echoed them in between).
  assert.ok(inputs[1] < inputs[2], `positions ${inputs.join(' ')}`);
});

test('a recording whose input ended while the guest waited ends in deadlock and replays to it', async () => {
  const rec = join(dir, 'ended.hartrec');
  const c = hartline(['record', GUEST, '-o', rec]);
  await c.until('> ');
  c.send('x\n');
  await c.until('got 1 byte(s): x\n> ');
  c.end();
  assert.equal((await c.exited).code, 4);
  const p = spawnSync(process.execPath, [CLI, 'replay', rec, '--verify'], {
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  assert.equal(p.status, 4, p.stderr);
  assert.equal(p.stdout, c.out);
  assert.match(p.stderr, /verified: \d+ checksums equal, \d+ positions, deadlock with code 4 as recorded/);
});

/** Runs a shell command on a new pseudo-terminal (util-linux `script`), so hartline's stdin is a terminal. */
function onTerminal(command: string): Conversation {
  return new Conversation('script', ['-qfec', command, '/dev/null']);
}

/** The `stty -g` lines the command printed before and after hartline ran. */
function terminalStates(out: string): string[] {
  return [...out.matchAll(/^([0-9a-f]+(?::[0-9a-f]+){20,})\r?$/gm)].map((m) => m[1]);
}

const haveScript = spawnSync('script', ['--version']).status === 0;
const noScript = haveScript ? false : 'util-linux script is not installed';
if (!haveScript && process.env.CI === 'true')
  test('util-linux script is installed', () => assert.fail('script(1) is needed for the terminal tests'));

test(
  'on a terminal: raw mode, keys as typed, Ctrl-A h, Ctrl-A Ctrl-A, Ctrl-C to the guest, Ctrl-A x quits with 6, terminal restored',
  { skip: noScript },
  async () => {
    const c = onTerminal(
      `stty -g; ${quote(process.execPath)} ${quote(CLI)} run ${quote(GUEST)}; echo "rc=$?"; stty -g`,
    );
    await c.until('> ');
    // Enter sends CR in raw mode; the terminal does not echo (the guest echoes the printable bytes itself).
    c.send('ab\x01\x01c\x01hd\r');
    await c.until('got 5 byte(s): ab^Acd\r\n');
    // Output post-processing stays on, as under QEMU -nographic: the guest's LF reaches the screen as CR LF.
    assert.match(c.out, /C-a x +quit/);
    assert.ok(!c.out.includes('^A^A'), 'the terminal echoed the keys: not in raw mode');
    c.send('\x03\r');
    await c.until('got 1 byte(s): ^C');
    c.send('\x01x');
    await c.until('rc=');
    const exit = await c.exited;
    assert.equal(exit.code, 0, c.out);
    assert.match(c.out, /rc=6\r?\n/);
    assert.match(c.out, /hartline: quit at the console \(Ctrl-A x\)/);
    const [before, after] = terminalStates(c.out);
    assert.ok(before, `no stty -g output in ${JSON.stringify(c.out)}`);
    assert.equal(after, before, 'the terminal was not restored');
  },
);

test('on a terminal: SIGTERM ends the run with 143 and restores the terminal', { skip: noScript }, async () => {
  const c = onTerminal(
    `stty -g; ${quote(process.execPath)} ${quote(CLI)} run ${quote(GUEST)} </dev/tty & echo "pid=$!"; wait $!; echo "rc=$?"; stty -g`,
  );
  await c.until('> ');
  await c.until('pid=');
  const pid = Number(/pid=(\d+)/.exec(c.out)![1]);
  process.kill(pid, 'SIGTERM');
  await c.until('rc=');
  await c.exited;
  assert.match(c.out, /rc=143\r?\n/);
  // Hartline's own handler ran (a plain kill also gives 143): it says so and ends cleanly.
  assert.match(c.out, /hartline: stopped by SIGTERM at position \d+/);
  const [before, after] = terminalStates(c.out);
  assert.ok(before);
  assert.equal(after, before, 'the terminal was not restored');
});

test(
  'on a terminal: a recording ended with Ctrl-A x is finished and replays without input',
  { skip: noScript },
  async () => {
    const rec = join(dir, 'tty.hartrec');
    const c = onTerminal(
      `${quote(process.execPath)} ${quote(CLI)} record ${quote(GUEST)} -o ${quote(rec)} --harts 2; echo "rc=$?"`,
    );
    await c.until('> ');
    c.send('hi\r');
    await c.until('got 2 byte(s): hi');
    c.send('\x01x');
    await c.until('rc=');
    await c.exited;
    assert.match(c.out, /rc=6\r?\n/);
    const p = spawnSync(process.execPath, [CLI, 'replay', rec, '--verify'], {
      encoding: 'latin1',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    assert.equal(p.status, 6, p.stderr);
    assert.match(p.stderr, /stopped here \(quit at the console \(Ctrl-A x\)\)/);
    // The terminal turned the guest's LF into CR LF; the replay writes the guest's bytes as they are.
    assert.equal(p.stdout, '> hi\ngot 2 byte(s): hi\n> ');
  },
);
