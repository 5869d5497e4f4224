// The `hartline run` command line: console output, exit codes, and one clear line for every kind of bad input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildElf, words } from '../support/elf-builder';

const CLI = join(__dirname, '..', '..', '..', '..', 'bin', 'hartline.js');
const dir = mkdtempSync(join(tmpdir(), 'hartline-cli-'));

function run(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
/** Bad input: exit 2 and exactly one line (plus an optional usage block), never a stack trace. */
function assertBadInput(r: ReturnType<typeof run>, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  const first = r.stderr.split('\n')[0];
  assert.match(first, pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

const RAM = 0x80000000;
const LOOP = 0x0000006f; // j .

test('runs a committed guest with its console on stdout and its exit code', () => {
  const r = run(['run', 'test/guests/bin/hello.elf']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^hello from hart 0\n/);
  const e = run(['run', 'test/guests/bin/exit_code.elf']);
  assert.equal(e.code, 7);
});

test('multi-hart guests run on 4 harts', () => {
  const r = run(['run', 'test/guests/bin/smp_counters.elf', '--harts', '4', '--quantum', '137']);
  assert.equal(r.code, 0, r.stderr);
});

test('--max-instructions stops with one line and exit 124', () => {
  const elf = file('loop.elf', buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(LOOP) }] }));
  const r = run(['run', elf, '--max-instructions', '1000']);
  assert.equal(r.code, 124);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--max-instructions 1000/);
});

test('a trap with no handler names the hart, pc, cause and instruction, and exits 3', () => {
  const elf = file(
    'illegal.elf',
    buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x00000013, 0xffffffff) }] }),
  );
  const r = run(['run', elf]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /hart 0: illegal instruction \(cause 2\) at pc 0x80000004 .*0xffffffff.*mtvec = 0/);
  const ecall = file('ecall.elf', buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x00000073) }] }));
  const e = run(['run', ecall, '--harts', '2']);
  assert.equal(e.code, 3);
  assert.match(e.stderr, /hart \d: environment call from M-mode \(cause 11\) at pc 0x80000000 \(ecall/);
});

test('every hart asleep with nothing to wake it exits 4', () => {
  const elf = file('sleep.elf', buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x10500073, LOOP) }] }));
  const r = run(['run', elf, '--harts', '3']);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /asleep/);
});

test('bad files give one line and exit 2', () => {
  assertBadInput(run(['run', join(dir, 'missing.elf')]), /missing\.elf: no such file/);
  assertBadInput(run(['run', dir]), /is a directory/);
  assertBadInput(run(['run', file('text.elf', 'hello world, not an elf')]), /not an ELF file/);
  assertBadInput(
    run([
      'run',
      file('x86.elf', buildElf({ entry: RAM, machine: 62, segments: [{ paddr: RAM, bytes: words(LOOP) }] })),
    ]),
    /not a RISC-V ELF/,
  );
  const elf32 = buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(LOOP) }] });
  elf32[4] = 1;
  assertBadInput(run(['run', file('rv32.elf', elf32)]), /32-bit ELF/);
  const whole = buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(LOOP, LOOP, LOOP, LOOP) }] });
  assertBadInput(run(['run', file('trunc.elf', whole.subarray(0, whole.length - 6))]), /truncated/);
  assertBadInput(run(['run', file('trunc2.elf', whole.subarray(0, 40))]), /truncated ELF header/);
  assertBadInput(
    run(['run', file('low.elf', buildElf({ entry: 0x1000, segments: [{ paddr: 0x1000, bytes: words(LOOP) }] }))]),
    /outside RAM/,
  );
  const big = buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(LOOP), memSize: 256 << 20 }] });
  assertBadInput(run(['run', file('big.elf', big)]), /outside RAM.*raise --ram/);
});

test('a payload that overlaps the firmware is refused; a firmware that spins is stopped by the limit', () => {
  const fw = file('fw.elf', buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(LOOP), memSize: 0x40000 }] }));
  const clash = file(
    'clash.elf',
    buildElf({ entry: RAM + 0x1000, segments: [{ paddr: RAM + 0x1000, bytes: words(LOOP) }] }),
  );
  assertBadInput(
    run(['run', '--bios', fw, clash]),
    /clash\.elf: segment 0x80001000-0x80001004 overlaps .*fw\.elf's 0x80000000-0x80040000/,
  );
  const payload = file(
    'payload.elf',
    buildElf({ entry: RAM + 0x200000, segments: [{ paddr: RAM + 0x200000, bytes: words(LOOP) }] }),
  );
  const r = run(['run', '--bios', fw, payload, '--max-instructions', '5000', '--harts', '2']);
  assert.equal(r.code, 124);
  assert.match(r.stderr, /--max-instructions 5000/);
  assertBadInput(run(['run', '--bios', join(dir, 'nofw.elf'), payload]), /nofw\.elf: no such file/);
});

test('bad options give one line and exit 2', () => {
  const g = 'test/guests/bin/hello.elf';
  assertBadInput(run(['run', g, '--harts', '0']), /--harts: expected an integer from 1 to 64/);
  assertBadInput(run(['run', g, '--harts', 'two']), /--harts/);
  assertBadInput(run(['run', g, '--ram', '12X']), /--ram: expected a size/);
  assertBadInput(run(['run', g, '--ram', '1K']), /--ram must be/);
  assertBadInput(run(['run', g, '--quantum', '-5']), /--quantum/);
  assertBadInput(run(['run', g, '--max-instructions']), /--max-instructions needs a value/);
  assertBadInput(run(['run', g, '--frobnicate']), /unknown option --frobnicate/);
  assertBadInput(run(['run']), /expected 1 argument/);
  assertBadInput(run(['launch']), /unknown command 'launch'/);
});

test('standard input from a file reaches the UART through the input door, read when the guest asks', () => {
  // A file is read when the guest polls, so this guest's polling timeout cannot race the input (a pipe's bytes
  // arrive when they arrive: test/unit/cli/console.test.ts).
  const input = openSync(file('typed.txt', 'typed line\nquit\nignored\n'), 'r');
  const s = spawnSync(process.execPath, [CLI, 'run', 'test/guests/bin/uart_echo.elf', '--harts', '2'], {
    encoding: 'utf8',
    stdio: [input, 'pipe', 'pipe'],
    timeout: 60_000,
  });
  closeSync(input);
  const r = { code: s.status, stdout: s.stdout, stderr: s.stderr };
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'echo 1: TYPED LINE\necho 2: QUIT\nuart_echo: 2 line(s)\n');
});
