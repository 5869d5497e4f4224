// The TCP side of --gdb over a loopback socket: the address it prints, one client at a time, a recording finished
// when the client goes away, and [HOST:]PORT parsing; and the command line's one-line errors for a bad --gdb.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect as tcpConnect, Socket } from 'node:net';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseListen, serveGdb } from '../../../src/gdb/server';
import { GdbTarget } from '../../../src/gdb/target';
import { GdbClient } from '../support/gdb-client';
import { readRecording } from '../../../src/replay/reader';
import { repoRoot } from '../../guests/manifest';

const CLI = join(__dirname, '..', '..', '..', '..', 'bin', 'hartline.js');

test('[HOST:]PORT: 127.0.0.1 unless told, IPv6 in brackets, and one clear error otherwise', () => {
  assert.deepEqual(parseListen('1234'), { host: '127.0.0.1', port: 1234 });
  assert.deepEqual(parseListen(':1234'), { host: '127.0.0.1', port: 1234 });
  assert.deepEqual(parseListen('0.0.0.0:9'), { host: '0.0.0.0', port: 9 });
  assert.deepEqual(parseListen('[::1]:1234'), { host: '::1', port: 1234 });
  for (const bad of ['', 'abc', '70000', 'host:', '1:2:3'])
    assert.throws(() => parseListen(bad), /--gdb: expected \[HOST:\]PORT/, bad);
});

test('over loopback: prints where it listens, serves one gdb, refuses a second, finishes the recording when gdb goes', async () => {
  const elf = new Uint8Array(readFileSync(join(repoRoot(), 'test/guests/bin/hello.elf')));
  const chunks: Uint8Array[] = [];
  const target = GdbTarget.record({
    images: [{ role: 'kernel', path: 'hello.elf', bytes: elf }],
    harts: 1,
    sink: (b) => chunks.push(Uint8Array.from(b)),
  });
  let said = '';
  let listening!: (port: number) => void;
  const port = new Promise<number>((r) => {
    listening = r;
  });
  const done = serveGdb(
    target,
    { host: '127.0.0.1', port: 0 },
    {
      say: (t) => {
        said += t;
        const m = /waiting for gdb on 127\.0\.0\.1:(\d+) \(target remote 127\.0\.0\.1:\d+\)/.exec(said);
        if (m) listening(Number(m[1]));
      },
    },
  );
  const p = await port;
  const sock: Socket = tcpConnect(p, '127.0.0.1');
  await new Promise((r) => sock.once('connect', r));
  const client = new GdbClient((b) => sock.write(b));
  sock.on('data', (d) => client.receive(d));
  // Nothing has run yet: gdb is waited for before the first instruction.
  assert.equal(target.position, 0);
  assert.equal(await client.request('qAttached'), '1');
  // A second gdb is turned away: the listening socket is closed once one connects.
  const second = tcpConnect(p, '127.0.0.1');
  const refused = await new Promise<string>((r) => {
    second.once('error', (e: NodeJS.ErrnoException) => r(e.code ?? 'error'));
    second.once('close', () => r('closed'));
  });
  assert.ok(['ECONNREFUSED', 'closed'].includes(refused), refused);
  assert.match(await client.request('vCont;c'), /replaylog:end;/);
  sock.destroy();
  assert.equal(await done, 0);
  assert.match(said, /gdb went away after \d+ packets/);
  const rec = readRecording(new Uint8Array(Buffer.concat(chunks)), 'hello.hartrec');
  assert.ok(rec.trailer && rec.trailer.reason === 'exit', 'the recording is finished');
});

test('the command line: a bad --gdb value or a port in use is one line and exit 2', async () => {
  const r = spawnSync(
    process.execPath,
    [CLI, 'replay', 'examples/racy-counter/racy_counter.hartrec', '--gdb', 'nonsense'],
    { encoding: 'utf8' },
  );
  assert.equal(r.status, 2);
  assert.match(
    r.stderr,
    /^hartline: --gdb: expected \[HOST:\]PORT such as 1234 or 127\.0\.0\.1:1234, got 'nonsense'\n$/,
  );
  const rr = spawnSync(
    process.execPath,
    [CLI, 'record', 'test/guests/bin/hello.elf', '-o', '/tmp/hartline-gdb-unused.hartrec', '--gdb', '1:2:3'],
    { encoding: 'utf8' },
  );
  assert.equal(rr.status, 2);
  assert.match(rr.stderr, /^hartline: --gdb: expected/);
  // A port that is taken.
  const { createServer } = await import('node:net');
  const blocker = createServer();
  await new Promise<void>((res) => blocker.listen(0, '127.0.0.1', () => res()));
  const taken = (blocker.address() as { port: number }).port;
  const b = spawnSync(
    process.execPath,
    [CLI, 'replay', 'examples/racy-counter/racy_counter.hartrec', '--gdb', String(taken)],
    { encoding: 'utf8', timeout: 60_000 },
  );
  blocker.close();
  assert.equal(b.status, 2, b.stderr);
  assert.match(b.stderr, /hartline: --gdb: cannot listen on 127\.0\.0\.1:\d+ \(EADDRINUSE\)/);
  assert.doesNotMatch(b.stderr, /\n\s+at /);
});
