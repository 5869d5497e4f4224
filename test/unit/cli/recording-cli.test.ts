// The record, replay and dump subcommands end to end, through bin/hartline.js in child processes, including a
// recorder killed mid-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { elfPath, expected } from '../../guests/manifest';
import { readRecording } from '../../../src/replay/reader';
import { openReplay } from '../../../src/replay/playback';
import { loadImages } from '../../../src/replay/images';
import { buildElf, words } from '../support/elf-builder';

{
  const CLI = join(__dirname, '..', '..', '..', '..', 'bin', 'hartline.js');
  const dir = mkdtempSync(join(tmpdir(), 'hartline-rec-'));
  const cli = (args: string[], input?: string) =>
    spawnSync(process.execPath, [CLI, ...args], { encoding: 'latin1', input: input ?? '' });

  test('record then replay reproduces console output and exit code; dump shows header, events and trailer', () => {
    const rec = join(dir, 'smp.hartrec');
    const r = cli([
      'record',
      elfPath('smp_counters'),
      '-o',
      rec,
      '--harts',
      '4',
      '--schedule',
      'chaos',
      '--seed',
      '42',
      '--quantum',
      '500',
    ]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected('smp_counters').output.toString('latin1'));
    const p = cli(['replay', rec, '--verify']);
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, r.stdout);
    assert.match(p.stderr, /verified: \d+ checksums equal/);
    const d = cli(['dump', rec]);
    assert.equal(d.status, 0, d.stderr);
    assert.match(d.stdout, /^schedule +chaos quantum=500 seed=42$/m);
    assert.match(d.stdout, /^ +0 +h[0-3] +switch$/m);
    assert.match(d.stdout, /^ +\d+ +h[0-3] +switch$/m);
    assert.match(d.stdout, /^end +exit code=0 positions=\d+/m);
  });

  test('console input from --input is logged and replayed from the log alone', () => {
    const rec = join(dir, 'input.hartrec');
    const inputFile = join(dir, 'input.txt');
    writeFileSync(inputFile, 'hello, racy counter\n');
    const r = cli(['record', elfPath('racy_counter'), '-o', rec, '--harts', '2', '--input', inputFile]);
    assert.equal(r.status, 0, r.stderr);
    const d = cli(['dump', rec]);
    assert.equal((d.stdout.match(/ input +uart 0x/g) ?? []).length, 20);
    assert.match(d.stdout, / input +uart 0x68 'h'/);
    const p = cli(['replay', rec], 'different stdin that must be ignored');
    assert.equal(p.status, 0, p.stderr);
    assert.equal(p.stdout, r.stdout);
  });

  test('replay --to stops at a position; a changed image is refused unless --force', () => {
    const rec = join(dir, 'hello.hartrec');
    const copy = join(dir, 'hello.elf');
    writeFileSync(copy, readFileSync(elfPath('hello')));
    assert.equal(cli(['record', copy, '-o', rec]).status, 0);
    const to = cli(['replay', rec, '--to', '100']);
    assert.equal(to.status, 0, to.stderr);
    assert.match(to.stderr, /stopped at position 100/);
    const bytes = readFileSync(copy);
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(copy, bytes);
    const refused = cli(['replay', rec]);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /hello\.elf: this kernel image differs from the one recorded/);
    assert.equal(refused.stderr.trim().split('\n').length, 1);
  });

  test('replay --last-write names the last write to a range before where the replay stops, per forward truth', () => {
    const rec = join(dir, 'racy-lw.hartrec');
    assert.equal(cli(['record', elfPath('racy_counter'), '-o', rec, '--harts', '2', '--quantum', '37']).status, 0);
    const r = readRecording(readFileSync(rec), rec);
    const s = openReplay(
      r,
      loadImages(r.header, (p) => new Uint8Array(readFileSync(p)), false),
    );
    const counter = s.machine.image.symbols.get('counter')!;
    const to = Math.floor(r.trailer!.positions / 2);
    // Forward truth: every write to the counter (the racy ld/addi/sd), changed bytes or not.
    const writes: { position: number; hart: number }[] = [];
    s.machine.memory.addWatch({
      lo: counter,
      hi: counter + 8,
      read: false,
      write: true,
      hit: (h) => {
        writes.push({ position: s.machine.positionNow(), hart: h.id });
      },
    });
    s.engine.advance(to);
    const last = writes[writes.length - 1];
    assert.ok(last, 'the counter was written before the midpoint');
    const p = cli(['replay', rec, '--to', String(to), '--last-write', `0x${counter.toString(16)}:8`]);
    assert.equal(p.status, 0, p.stderr);
    assert.match(
      p.stderr,
      new RegExp(
        `last write to 0x${counter.toString(16)} \\(8 bytes\\) before position ${to}: position ${last.position}, hart ${last.hart} \\(a 8-byte write`,
      ),
    );
    const none = cli(['replay', rec, '--to', '10', '--last-write', `0x${counter.toString(16)}`]);
    assert.match(none.stderr, /no write to 0x[0-9a-f]+ \(8 bytes\) before position 10/);
    const bad = cli(['replay', rec, '--last-write', 'counter']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--last-write: expected ADDRESS\[:SIZE\]/);
  });

  test('bad recordings get one line and exit 2', () => {
    const notRec = join(dir, 'not.hartrec');
    writeFileSync(notRec, 'just some text\n');
    for (const [file, pattern] of [
      [notRec, /not a Hartline recording/],
      [join(dir, 'missing.hartrec'), /no such file/],
    ] as const) {
      const r = cli(['replay', file]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, pattern);
      assert.equal(r.stderr.trim().split('\n').length, 1);
    }
  });

  test('a killed recorder leaves a prefix that replays and is reported as unfinished', async () => {
    // A guest that never ends (`j .`), so the recorder is still running whatever the host's speed; it is killed
    // once the file holds an events block after the header, seen by reading the file on each change the kernel
    // reports, not after a guessed delay.
    const spin = join(dir, 'spin.elf');
    writeFileSync(
      spin,
      buildElf({ entry: 0x8000_0000, segments: [{ paddr: 0x8000_0000, bytes: words(0x0000_006f) }] }),
    );
    const rec = join(dir, 'killed.hartrec');
    const flushed = () => {
      try {
        return readRecording(readFileSync(rec), rec).log.frontier > 0;
      } catch {
        return false;
      }
    };
    const watcher = watch(dir);
    const child = spawn(process.execPath, [CLI, 'record', spin, '-o', rec], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<void>((resolve, reject) => {
      const check = () => {
        if (flushed()) resolve();
      };
      watcher.on('change', check);
      watcher.on('error', reject);
      check();
      void exited.then((code) => reject(new Error(`the recorder exited (${code}) before it was killed: ${stderr}`)));
    });
    try {
      await ready;
    } finally {
      watcher.close();
    }
    child.kill('SIGKILL');
    assert.equal(await exited, null);
    const p = cli(['replay', rec]);
    assert.equal(p.status, 2, p.stderr);
    assert.match(p.stderr, /recording is unfinished: .*replayed its first [1-9]\d* positions/);
    assert.equal(p.stderr.trim().split('\n').length, 1);
    const d = cli(['dump', rec]);
    assert.equal(d.status, 0);
    assert.match(d.stdout, /^unfinished +positions=[1-9]/m);
  });
}
