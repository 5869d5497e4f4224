// Stepping through DebugClient: next/stepIn/stepOut by line and by instruction, stepBack (reverse step-over by line;
// one instruction at instruction granularity), the custom reverse step-into/step-out, per-hart steps while the other
// harts run, and the two ends of the recording, which stop and never terminate.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  elfPath,
  findMarker,
  fixtureElf,
  fixtureMarker,
  fixtureSource,
  launchAndStop,
  position,
  scratch,
  sourcePath,
  stopAfter,
  withAdapter,
} from '../support/debug-harness';

const tmp = scratch('hartline-step-');
after(() => tmp.done());
const MAIN = fixtureSource('main.c');
const AREA_CALL = fixtureMarker('main.c', 'long a = shape_area(&local, 2);');
const DEPTH_CALL = fixtureMarker('main.c', 'int d = depth(24, &recursion_sink);');
const AREA_FIRST = fixtureMarker('shapes.c', 'long twice = 0;');
const AREA_RETURN = fixtureMarker('shapes.c', 'return twice / 2;');
const CROSS_BODY = fixtureMarker('shapes.c', 'int c = a.x * b.y - a.y * b.x;');
const CROSS_CALL = fixtureMarker('shapes.c', 'twice += cross(p, q);');

const at = async (c: DebugClient) => (await position(c)).position;
async function top(c: DebugClient, threadId = 1): Promise<{ name: string; line: number; pc: string }> {
  const f = (await c.stackTraceRequest({ threadId })).body.stackFrames[0];
  return { name: f.name, line: f.line, pc: f.instructionPointerReference! };
}

/** The O0 fixture stopped at main's call of shape_area. */
async function atAreaCall(c: DebugClient, extra: Record<string, unknown> = {}): Promise<number> {
  await launchAndStop(
    c,
    { mode: 'record', program: fixtureElf('O0'), recording: tmp.file('fixture.hartrec'), ...extra },
    () => c.setBreakpointsRequest({ source: { path: MAIN }, breakpoints: [{ line: AREA_CALL }] }),
  );
  await c.setBreakpointsRequest({ source: { path: MAIN }, breakpoints: [] });
  assert.deepEqual(await top(c).then((f) => [f.name, f.line]), ['main', AREA_CALL]);
  return at(c);
}

test('next, stepIn and stepOut by line; stepBack undoes a next exactly', () =>
  withAdapter(async (c) => {
    const start = await atAreaCall(c);
    const over = await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    assert.equal(over.body.reason, 'step');
    assert.equal(over.body.allThreadsStopped, true);
    assert.deepEqual(await top(c).then((f) => [f.name, f.line]), ['main', DEPTH_CALL]);
    assert.ok((await at(c)) - start > 100, 'the call ran');
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1 }));
    assert.deepEqual(await top(c).then((f) => [f.name, f.line]), ['main', AREA_CALL]);
    assert.equal(await at(c), start);

    await stopAfter(c, () => c.stepInRequest({ threadId: 1 }));
    assert.deepEqual(
      await top(c).then((f) => [f.name, f.line]),
      ['shape_area', AREA_FIRST],
      'into the callee, after its prologue',
    );
    await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    assert.equal((await top(c)).line, AREA_FIRST + 1);
    const out = await stopAfter(c, () => c.stepOutRequest({ threadId: 1 }));
    assert.equal(out.body.description, 'hart 0 stepped');
    const back = await top(c);
    assert.deepEqual([back.name, back.line], ['main', AREA_CALL], 'just after the call returned');
    await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    assert.equal((await top(c)).line, DEPTH_CALL);
  }));

test('a breakpoint inside a function stops a next over its call', () =>
  withAdapter(async (c) => {
    await atAreaCall(c);
    await c.setBreakpointsRequest({ source: { path: fixtureSource('shapes.c') }, breakpoints: [{ line: CROSS_BODY }] });
    const s = await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    assert.equal(s.body.reason, 'breakpoint');
    assert.deepEqual(await top(c).then((f) => [f.name, f.line]), ['cross', CROSS_BODY]);
  }));

test('reverse step into and reverse step out', () =>
  withAdapter(async (c) => {
    const start = await atAreaCall(c);
    await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    // Back into the call just stepped over: its last line.
    const into = await stopAfter(c, () => c.customRequest('hartline/reverseStepIn', { threadId: 1 }));
    assert.equal(into.body.reason, 'step');
    const last = await top(c);
    assert.equal(last.name, 'shape_area');
    assert.ok(last.line >= AREA_RETURN, `line ${last.line}`);
    // Back out of it: the call itself, before it ran.
    await stopAfter(c, () => c.customRequest('hartline/reverseStepOut', { threadId: 1 }));
    assert.deepEqual(await top(c).then((f) => [f.name, f.line]), ['main', AREA_CALL]);
    const p = await at(c);
    assert.ok(p > start && p - start < 20, `at the call instruction (${p}, line start ${start})`);
    // Reverse step out of a deeper frame, from cross inside shape_area, lands on cross's call.
    await c.setBreakpointsRequest({ source: { path: fixtureSource('shapes.c') }, breakpoints: [{ line: CROSS_BODY }] });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    await c.setBreakpointsRequest({ source: { path: fixtureSource('shapes.c') }, breakpoints: [] });
    await stopAfter(c, () => c.customRequest('hartline/reverseStepOut', { threadId: 1 }));
    assert.deepEqual(await top(c).then((f) => [f.name, f.line]), ['shape_area', CROSS_CALL]);
  }));

test('instruction granularity moves one instruction, both ways; stepOut by instruction leaves the function', () =>
  withAdapter(async (c) => {
    const start = await atAreaCall(c);
    const pc0 = (await top(c)).pc;
    await stopAfter(c, () => c.nextRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await at(c), start + 1);
    const pc1 = (await top(c)).pc;
    assert.notEqual(pc1, pc0);
    await stopAfter(c, () => c.stepInRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await at(c), start + 2);
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(await at(c), start + 1);
    assert.equal((await top(c)).pc, pc1);
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal((await top(c)).pc, pc0);
    await stopAfter(c, () => c.stepInRequest({ threadId: 1 }));
    await stopAfter(c, () => c.stepOutRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal((await top(c)).name, 'main');
  }));

test('the ends of the recording stop without terminating', () =>
  withAdapter(async (c) => {
    let terminated = false;
    c.on('terminated', () => {
      terminated = true;
    });
    const entry = await launchAndStop(c, {
      mode: 'record',
      program: fixtureElf('O0'),
      recording: tmp.file('ends.hartrec'),
      stopOnEntry: true,
    });
    assert.equal(entry.body.reason, 'entry');
    assert.equal(entry.body.description, 'start of recording');
    for (const back of [
      () => c.stepBackRequest({ threadId: 1 }),
      () => c.stepBackRequest({ threadId: 1, granularity: 'instruction' }),
      () => c.reverseContinueRequest({ threadId: 1 }),
      () => c.customRequest('hartline/reverseStepOut', { threadId: 1 }),
    ]) {
      const s = await stopAfter(c, back);
      assert.equal(s.body.description, 'start of recording');
      assert.equal(await at(c), 0);
    }
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(end.body.description, 'end of recording: the program exited with code 0');
    for (const fwd of [
      () => c.continueRequest({ threadId: 1 }),
      () => c.nextRequest({ threadId: 1 }),
      () => c.stepInRequest({ threadId: 1, granularity: 'instruction' }),
    ]) {
      const s = await stopAfter(c, fwd);
      assert.equal(s.body.description, 'end of recording: the program exited with code 0');
    }
    assert.equal((await c.threadsRequest()).body.threads.length, 1);
    const back = await stopAfter(c, () => c.stepBackRequest({ threadId: 1 }));
    assert.equal(back.body.reason, 'step');
    assert.equal(terminated, false);
  }));

test('stepping one hart while the other runs, forwards and backwards', () =>
  withAdapter(async (c) => {
    const RACY = 'racy_counter';
    const INCREMENT = findMarker(RACY, 'BREAK:increment');
    await launchAndStop(
      c,
      { mode: 'record', program: elfPath(RACY), harts: 2, quantum: 50, recording: tmp.file('racy.hartrec') },
      () =>
        c.setBreakpointsRequest({
          source: { path: sourcePath(RACY) },
          breakpoints: [{ line: INCREMENT, condition: '$mhartid == 1 && counter > 100' }],
        }),
    );
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [] });
    const retired = async (threadId: number) => {
      const scopes = (
        await c.scopesRequest({ frameId: (await c.stackTraceRequest({ threadId })).body.stackFrames[0].id })
      ).body.scopes;
      const hart = (
        await c.variablesRequest({ variablesReference: scopes.find((s) => s.name === 'Hart')!.variablesReference })
      ).body.variables;
      return Number(hart.find((v) => v.name === 'retired')!.value);
    };
    // One step first, so that the reference point is where a line step lands.
    await stopAfter(c, () => c.nextRequest({ threadId: 2 }));
    const p0 = await at(c);
    const [r0, r1] = [await retired(1), await retired(2)];
    // Hart 1 steps over its increment line until hart 0 has had a slice in between (quantum 50).
    let steps = 0;
    while ((await retired(1)) === r0 && steps < 40) {
      const s = await stopAfter(c, () => c.nextRequest({ threadId: 2 }));
      assert.equal(s.body.threadId, 2);
      steps++;
    }
    assert.ok((await retired(2)) > r1);
    assert.ok((await retired(1)) > r0, 'hart 0 ran while hart 1 stepped');
    // Back on hart 1, a line at a time: hart 1 comes back to where it was, and so does everything else.
    for (let k = 0; k < steps; k++) {
      const b = await stopAfter(c, () => c.stepBackRequest({ threadId: 2 }));
      assert.equal(b.body.threadId, 2);
      assert.equal(b.body.allThreadsStopped, true);
    }
    assert.equal(await retired(2), r1);
    assert.equal((await top(c, 2)).line, INCREMENT);
    assert.ok((await at(c)) <= p0);
    // Hart 0 steps back on its own line meanwhile: the stop names hart 0, and hart 1 is further back too.
    const h0 = await stopAfter(c, () => c.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal(h0.body.threadId, 1);
    assert.ok((await retired(1)) < r0 || (await at(c)) < p0);
  }));
