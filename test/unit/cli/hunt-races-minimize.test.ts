// hunt, races and minimize end to end through bin/hartline.js: a hunt finds publish_order's rare failure at the same
// lowest seed whatever the thread count, races names the racing variables and lines, minimize leaves the racy
// counter at most 3 preemptions in a recording that verifies; every command refuses bad input with exit 2.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elfPath } from '../../guests/manifest';
import { example, markerLine } from '../support/examples-fixtures';

const CLI = join(__dirname, '..', '..', '..', '..', 'bin', 'hartline.js');
const dir = mkdtempSync(join(tmpdir(), 'hartline-hunt-'));
const cli = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', input: '' });
/** The table without its time column, which is the one thing that varies between hunts. */
const rows = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => /^\d+ +(ok|FAIL) /.test(l))
    .map((l) => l.replace(/\s+\d+ ms.*$/, '').split(/\s+/));

test('hunt finds the lowest failing seed of publish_order, the same with 1 and 2 threads, and its recording replays', () => {
  const a = cli(['hunt', elfPath('publish_order'), '--seeds', '1-30', '--jobs', '2', '-o', join(dir, 'a')]);
  assert.equal(a.status, 0, a.stderr);
  const b = cli(['hunt', elfPath('publish_order'), '--seeds', '1-30', '--jobs', '1', '-o', join(dir, 'b')]);
  assert.equal(b.status, 0, b.stderr);
  const ra = rows(a.stdout);
  assert.deepEqual(ra, rows(b.stdout), 'same seeds, same results');
  const fail = ra.filter((r) => r[1] === 'FAIL');
  assert.equal(fail.length, 1, 'stops at the first failure');
  assert.equal(ra[ra.length - 1][1], 'FAIL', 'the failure is the last seed run');
  const seed = Number(fail[0][0]);
  assert.ok(ra.slice(0, -1).every((r) => r[1] === 'ok' && r[2] === 'exit' && r[3] === '0'));
  assert.match(a.stdout, /publish_order: round \d+ read data \d+/);
  const file = join(dir, 'a', `publish_order-seed${seed}.hartrec`);
  assert.ok(existsSync(file));
  const v = cli(['replay', file, '--verify']);
  assert.equal(v.status, 1, 'the guest exits 1 again');
  assert.match(v.stderr, /verified: \d+ checksums equal/);
  // Round-robin never fails; seeds below the failure do not either: no failure is exit 1.
  const none = cli(['hunt', elfPath('publish_order'), '--seeds', `1-${seed - 1}`, '-o', join(dir, 'c')]);
  assert.equal(none.status, 1, none.stderr);
  assert.match(none.stdout, /no failure in seeds/);
});

test('hunt --all runs every seed; --until output: and timeout: set what failing means', () => {
  const all = cli(['hunt', elfPath('publish_order'), '--seeds', '14-17', '--all', '-o', join(dir, 'all')]);
  assert.equal(all.status, 0, all.stderr);
  assert.deepEqual(
    rows(all.stdout).map((r) => r[0]),
    ['14', '15', '16', '17'],
  );
  const out = cli([
    'hunt',
    elfPath('publish_order'),
    '--seeds',
    '1-3',
    '--until',
    'output:rounds in order',
    '-o',
    join(dir, 'out'),
  ]);
  assert.equal(out.status, 0, out.stderr);
  assert.equal(rows(out.stdout)[0][1], 'FAIL', 'seed 1 prints the pattern');
  const slow = cli([
    'hunt',
    elfPath('publish_order'),
    '--seeds',
    '1-2',
    '--until',
    'timeout:1000',
    '-o',
    join(dir, 'slow'),
  ]);
  assert.equal(slow.status, 0, slow.stderr);
  assert.match(slow.stdout, /limit/);
});

test('hunt refuses bad input with one line and exit 2', () => {
  const notElf = join(dir, 'not.elf');
  writeFileSync(notElf, 'hello');
  for (const args of [
    ['hunt', notElf, '-o', dir],
    ['hunt', join(dir, 'missing.elf'), '-o', dir],
    ['hunt', elfPath('publish_order')],
    ['hunt', elfPath('publish_order'), '-o', dir, '--seeds', '9-3'],
    ['hunt', elfPath('publish_order'), '-o', dir, '--seeds', 'x'],
    ['hunt', elfPath('publish_order'), '-o', dir, '--until', 'sometimes'],
    ['hunt', elfPath('publish_order'), '-o', dir, '--until', 'output:('],
    ['hunt', elfPath('publish_order'), '-o', dir, '--jobs', '0'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^hartline: /);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('races prints the racy counter with its variable and source line; --json is one object per race', () => {
  const ex = example('racy-counter');
  const line = markerLine(ex.source, 'CAUSE: racy-counter');
  const t = cli(['races', ex.recording]);
  assert.equal(t.status, 1, t.stderr);
  assert.match(t.stdout, /racing pairs \(4 harts, \d+ positions/);
  assert.match(
    t.stdout,
    new RegExp(
      `race \\d+: counter \\(volatile uint64_t\\) at 0x[0-9a-f]+, 8 bytes, \\d+ times\\n  hart \\d  position \\d+ +write  8 bytes  pc 0x[0-9a-f]+  racy_counter\\.c:${line}`,
    ),
  );
  const j = cli(['races', ex.recording, '--json']);
  assert.equal(j.status, 1);
  const races = j.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  const counter = races.filter((r) => r.symbol === 'counter');
  assert.ok(counter.length >= 2);
  for (const r of counter) {
    assert.deepEqual(Object.keys(r), ['address', 'symbol', 'size', 'count', 'accesses']);
    assert.equal(r.size, 8);
    assert.equal(r.accesses.length, 2);
    for (const a of r.accesses) {
      assert.deepEqual(Object.keys(a), ['hart', 'position', 'pc', 'kind', 'size', 'source']);
      assert.equal(a.source, `racy_counter.c:${line}`);
    }
  }
  const clean = cli(['races', example('abba-deadlock').recording]);
  assert.equal(clean.status, 0, clean.stderr);
  assert.match(clean.stdout, /no data races/);
});

test('races refuses bad input with one line and exit 2', () => {
  const junk = join(dir, 'junk.hartrec');
  writeFileSync(junk, 'HARTREC but not really');
  for (const args of [
    ['races', junk],
    ['races', join(dir, 'nope.hartrec')],
    ['races'],
    ['races', junk, '--frobnicate'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length >= 1 && r.stderr.startsWith('hartline: '), true);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('minimize leaves the racy counter at most 3 preemptions, in a recording that replays with --verify', () => {
  const out = join(dir, 'min.hartrec');
  const m = cli(['minimize', example('racy-counter').recording, '-o', out]);
  assert.equal(m.status, 0, m.stderr);
  const n = Number(/(\d+) left after \d+ runs/.exec(m.stdout)?.[1]);
  assert.ok(n >= 1 && n <= 3, m.stdout);
  assert.equal(
    (m.stdout.match(/^  preemption \d+: position \d+, hart \d -> hart \d, hart \d at pc 0x[0-9a-f]+ \S+:\d+/gm) ?? [])
      .length,
    n,
    m.stdout,
  );
  const v = cli(['replay', out, '--verify']);
  assert.equal(v.status, 1, 'the lost increments again: exit 1');
  assert.match(v.stdout, /increments were lost/);
  assert.match(v.stderr, /verified: \d+ checksums equal/);
});

test('minimize refuses bad input: a recording that did not fail, a missing -o, a bad --until', () => {
  const ok = join(dir, 'ok.hartrec');
  assert.equal(cli(['record', elfPath('publish_order'), '--harts', '2', '-o', ok]).status, 0);
  for (const args of [
    ['minimize', ok, '-o', join(dir, 'x.hartrec')],
    ['minimize', ok],
    ['minimize', ok, '-o', join(dir, 'y'), '--until', 'when:ever'],
  ]) {
    const r = cli(args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, /^hartline: /);
  }
});
