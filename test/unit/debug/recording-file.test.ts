// The live recording on disk: while the guest runs it is a replayable prefix within a second of any event (the
// recorder flushes every half second and at every stop), and a launch that fails leaves no file behind.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { readRecording } from '../../../src/replay/reader';
import { elfPath, launchAndStop, position, scratch, stopAfter, withAdapter } from '../support/debug-harness';

const tmp = scratch('hartline-recfile-');
after(() => tmp.done());

test('while recording, the file is a replayable prefix that grows as the guest runs', () =>
  withAdapter(async (c) => {
    const path = tmp.file('long.hartrec');
    await launchAndStop(c, {
      mode: 'record',
      program: elfPath('bench_long'),
      harts: 2,
      quantum: 1000,
      recording: path,
      stopOnEntry: true,
    });
    await c.continueRequest({ threadId: 1 });
    // The guest runs for about a billion instructions: the file must describe some of them long before it ends.
    const prefix = tmp.file('prefix.hartrec');
    let frontier = 0;
    for (const deadline = Date.now() + 30_000; frontier === 0; await new Promise((r) => setTimeout(r, 100))) {
      assert.ok(Date.now() < deadline, 'the running recording was never flushed');
      copyFileSync(path, prefix);
      const rec = readRecording(new Uint8Array(readFileSync(prefix)), prefix);
      assert.equal(rec.trailer, undefined, 'not finished while it runs');
      frontier = rec.log.frontier;
    }
    const paused = await stopAfter(c, () => c.pauseRequest({ threadId: 1 }));
    assert.equal(paused.body.reason, 'pause');
    // At a stop the file describes everything up to the stop.
    const here = (await position(c)).end;
    assert.equal(readRecording(new Uint8Array(readFileSync(path)), path).log.frontier, here);
    // The copy taken while running replays, to its end.
    await withAdapter(async (r) => {
      await launchAndStop(r, { mode: 'replay', recording: prefix, program: elfPath('bench_long'), startAt: 'end' });
      assert.equal((await position(r)).end, frontier);
    });
  }));

test('a launch that fails leaves no recording behind', () =>
  withAdapter(async (c) => {
    const bad = tmp.file('not-an-elf.elf');
    writeFileSync(bad, 'this is not an ELF file');
    const path = tmp.file('failed.hartrec');
    await c.initializeRequest({ adapterID: 'hartline', pathFormat: 'path' });
    await assert.rejects(c.launchRequest({ mode: 'record', program: bad, recording: path } as never));
    assert.equal(existsSync(path), false);
  }));
