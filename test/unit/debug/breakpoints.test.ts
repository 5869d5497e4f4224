// Breakpoints of every kind through DebugClient, forwards and backwards: source breakpoints with conditions, hit
// counts and logpoints; function and instruction breakpoints; data breakpoints for reads, writes and both, on a
// variable and on a raw address; and backward hits reported in the hart that executed them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  elfPath,
  evaluate,
  findMarker,
  launchAndStop,
  output,
  position,
  scratch,
  sourcePath,
  stopAfter,
  topFrame,
  withAdapter,
} from '../support/debug-harness';

const tmp = scratch('hartline-bp-');
after(() => tmp.done());
const RACY = 'racy_counter';
const SRC = sourcePath(RACY);
const INCREMENT = findMarker(RACY, 'BREAK:increment');
const HART_INCREMENTS = findMarker(RACY, 'BREAK:hart-increments');
const record = (extra: Record<string, unknown> = {}) => ({
  mode: 'record',
  program: elfPath(RACY),
  harts: 2,
  quantum: 50,
  recording: tmp.file('racy.hartrec'),
  stopOnEntry: true,
  ...extra,
});

async function sourceBreakpoints(
  c: DebugClient,
  bps: DebugProtocol.SourceBreakpoint[],
): Promise<DebugProtocol.Breakpoint[]> {
  return (await c.setBreakpointsRequest({ source: { path: SRC }, breakpoints: bps })).body.breakpoints;
}

const at = async (c: DebugClient) => (await position(c)).position;

/** Runs to main, past the start-up code that clears .bss (and so writes every counter once). */
async function toMain(c: DebugClient): Promise<void> {
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
  await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
  await c.setFunctionBreakpointsRequest({ breakpoints: [] });
}

test('conditions hold forwards and backwards', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record());
    await sourceBreakpoints(c, [{ line: INCREMENT, condition: 'counter == 7' }]);
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    assert.equal(await evaluate(c, 'counter', 'watch', (await topFrame(c, hit.body.threadId!)).id), '7');
    await sourceBreakpoints(c, [{ line: INCREMENT, condition: 'counter == 300 && $mhartid == 1' }]);
    const later = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(later.body.threadId, 2);
    assert.equal(await evaluate(c, 'counter'), '300');
    await sourceBreakpoints(c, [{ line: INCREMENT, condition: 'counter == 3' }]);
    const back = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(back.body.reason, 'breakpoint');
    assert.equal(await evaluate(c, 'counter'), '3');
  }));

test('hit counts are ordinals from the start of the recording, whichever way you go', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record());
    const [bp] = await sourceBreakpoints(c, [{ line: INCREMENT, hitCondition: '%10' }]);
    assert.equal(bp.verified, true);
    const tenth = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.deepEqual(tenth.body.hitBreakpointIds, [bp.id]);
    const p10 = await at(c);
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const p20 = await at(c);
    assert.ok(p20 > p10);
    // Back from the 20th hit, the previous multiple of ten is the 10th, where we stopped before.
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(await at(c), p10);
    const start = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(start.body.description, 'start of recording');
    // Set at the start, "5" stops once; back from the end it finds that same hit.
    await sourceBreakpoints(c, [{ line: INCREMENT, hitCondition: '5' }]);
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const p5 = await at(c);
    assert.ok(p5 < p10);
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(end.body.description!, /^end of recording/);
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(await at(c), p5);
    // Set in the middle, ">=995" counts the hits before the cursor first.
    await sourceBreakpoints(c, [{ line: INCREMENT, hitCondition: '>=995' }]);
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const p995 = await at(c);
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.ok((await at(c)) > p995);
    const bad = await sourceBreakpoints(c, [{ line: INCREMENT, hitCondition: 'often' }]);
    assert.equal(bad[0].verified, false);
    assert.match(bad[0].message!, /hit count "often"/);
  }));

test('logpoints print going forwards and stay silent in backward searches', () =>
  withAdapter(async (c) => {
    const log = output(c, 'console');
    await launchAndStop(c, record());
    await sourceBreakpoints(c, [
      { line: INCREMENT, hitCondition: '%250', logMessage: 'hart {$mhartid} sees counter={counter}' },
    ]);
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(end.body.description!, /end of recording: the program exited with code 0/);
    const lines = log
      .text()
      .split('\n')
      .filter((l) => l.startsWith('hart '));
    assert.equal(lines.length, 4, log.text());
    for (const l of lines) assert.match(l, /^hart [01] sees counter=\d+$/);
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(
      log
        .text()
        .split('\n')
        .filter((l) => l.startsWith('hart ')).length,
      4,
    );
    const bad = await sourceBreakpoints(c, [{ line: INCREMENT, condition: 'counter ==' }]);
    assert.equal(bad[0].verified, false);
    assert.match(bad[0].message!, /condition: syntax error at column/);
  }));

test('function and instruction breakpoints, forwards and backwards', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record());
    const fns = (
      await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'barrier_wait' }, { name: 'no_such_function' }] })
    ).body.breakpoints;
    assert.equal(fns[0].verified, true);
    assert.equal(fns[1].verified, false);
    assert.match(fns[1].message!, /no function named no_such_function/);
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.deepEqual(hit.body.hitBreakpointIds, [fns[0].id]);
    const frame = await topFrame(c, hit.body.threadId!);
    assert.match(frame.name, /^barrier_wait/);
    assert.equal(frame.instructionPointerReference, fns[0].instructionReference);
    const first = await at(c);
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });

    const pc = frame.instructionPointerReference!;
    const ins = (
      await c.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: pc, offset: 0 }] })
    ).body.breakpoints as DebugProtocol.Breakpoint[];
    assert.equal(ins[0].verified, true);
    const again = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(again.body.reason, 'breakpoint');
    assert.equal((await topFrame(c, again.body.threadId!)).instructionPointerReference, pc);
    const second = await at(c);
    assert.ok(second > first);
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(await at(c), first, 'backwards, the previous execution of that instruction');
  }));

test('data breakpoints on a variable: write, read and access, forwards and backwards', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record());
    await toMain(c);
    const info = await c.dataBreakpointInfoRequest({ name: 'counter' });
    assert.match(info.body.dataId!, /^0x[0-9a-f]+\/8$/);
    assert.deepEqual(info.body.accessTypes, ['read', 'write', 'readWrite']);
    const addr = info.body.dataId!.split('/')[0];

    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const w = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(w.body.reason, 'data breakpoint');
    assert.match(w.body.description!, new RegExp(`^counter: 0 → 1, written by hart ${w.body.threadId! - 1} at `));
    assert.equal(await evaluate(c, 'counter'), '1', 'the stop is just after the store');
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(await evaluate(c, 'counter'), '2');

    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
    const r = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(r.body.description!, new RegExp(`^counter: \\d+, read by hart ${r.body.threadId! - 1} at `));
    assert.equal(info.body.dataId!.split('/')[0], addr);
    const readAt = await at(c);
    const rb = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.match(rb.body.description!, /, read by hart /);
    assert.ok((await at(c)) < readAt);

    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'readWrite' }] });
    const kinds = new Set<string>();
    for (let k = 0; k < 4; k++)
      kinds.add(
        /, (read|written) by/.exec(
          (await stopAfter(c, () => c.continueRequest({ threadId: 1 }))).body.description!,
        )![1],
      );
    assert.deepEqual([...kinds].sort(), ['read', 'written']);

    // From the end, the last write is the one that left the final value.
    await c.setDataBreakpointsRequest({ breakpoints: [] });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const final = await evaluate(c, 'counter');
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const last = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(last.body.reason, 'data breakpoint');
    assert.equal(await evaluate(c, 'counter'), final);
    const p = await at(c);
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.ok((await at(c)) < p, 'and the one before it');
    assert.equal(BigInt(await evaluate(c, 'counter')) <= BigInt(final), true);
  }));

test('data breakpoints on a raw address (bytes), forwards and backwards', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record());
    await toMain(c);
    const addr = BigInt(await evaluate(c, '&counter'));
    // The upper half of the 8-byte counter: every store to counter overlaps it.
    const info = await c.dataBreakpointInfoRequest({
      name: '0x' + (addr + 4n).toString(16),
      asAddress: true,
      bytes: 4,
    } as DebugProtocol.DataBreakpointInfoArguments);
    assert.equal(info.body.dataId, `0x${(addr + 4n).toString(16)}/4`);
    const set = await c.setDataBreakpointsRequest({
      breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const w = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(
      w.body.description!,
      new RegExp(`^0x${(addr + 4n).toString(16)}: 0 → 0, written by hart ${w.body.threadId! - 1} at `),
    );
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(await evaluate(c, '*(uint64_t*)' + '0x' + addr.toString(16)), '3');
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(await evaluate(c, 'counter'), '2');
    const bad = await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: 'counter', accessType: 'write' }] });
    assert.equal(bad.body.breakpoints[0].verified, false);
  }));

test('breakpoints hit backwards stop in the hart that executed them', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record());
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    // Only hart 1 runs hart_main's lines.
    const [hm] = await sourceBreakpoints(c, [{ line: HART_INCREMENTS }]);
    const h1 = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(h1.body.threadId, 2);
    assert.equal(hm.verified, true);
    // The line starts an inlined call of increment_many, in hart_main.
    const frames = (await c.stackTraceRequest({ threadId: 2 })).body.stackFrames;
    assert.ok(
      frames.some((f) => f.name.startsWith('hart_main')),
      JSON.stringify(frames.map((f) => [f.name, f.line])),
    );
    assert.equal(
      frames[0].instructionPointerReference,
      (await c.stackTraceRequest({ threadId: 2 })).body.stackFrames[0].instructionPointerReference,
    );
    // Both harts run the increment; each backward stop names the hart whose top frame is on it.
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 0 }));
    await sourceBreakpoints(c, [{ line: INCREMENT }]);
    const seen = new Set<number>();
    let last = await at(c);
    for (let k = 0; k < 40 && (seen.size < 2 || k < 12); k++) {
      const s = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
      assert.equal((await topFrame(c, s.body.threadId!)).line, INCREMENT);
      seen.add(s.body.threadId!);
      last = await at(c);
    }
    assert.deepEqual([...seen].sort(), [1, 2]);
    for (let k = 0; k < 6; k++) {
      const s = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
      assert.equal(s.body.reason, 'breakpoint');
      assert.equal((await topFrame(c, s.body.threadId!)).line, INCREMENT);
      const p = await at(c);
      assert.ok(p < last);
      last = p;
    }
  }));

test('a breakpoint on the first instruction is hit at position 0, and running on from there stays faithful', async () => {
  const recording = tmp.file('small.hartrec');
  await withAdapter(async (c) => {
    const errors = output(c, 'stderr');
    const end = await launchAndStop(c, { mode: 'record', program: elfPath('bench_small'), recording });
    assert.match(end.body.description!, /exited with code 0/);
    assert.ok((await position(c)).end > 1_000_000, 'past the first checksum');
    // The hit count makes a counting run from position 0 over the whole recording, stopping at 0 on the way.
    await c.customRequest('setInstructionBreakpoints', {
      breakpoints: [{ instructionReference: '0x80000000', hitCondition: '1' }],
    });
    const first = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(first.body.reason, 'breakpoint');
    assert.equal(await at(c), 0);
    const again = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(again.body.description!, /exited with code 0/);
    assert.equal(errors.text(), '', 'no divergence');
    await c.terminateRequest();
  });
  await withAdapter(async (c) => {
    const errors = output(c, 'stderr');
    await launchAndStop(c, { mode: 'replay', recording, startAt: 'end' });
    await c.customRequest('setInstructionBreakpoints', { breakpoints: [{ instructionReference: '0x80000000' }] });
    const first = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(first.body.reason, 'breakpoint');
    assert.equal(await at(c), 0);
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(end.body.description!, /exited with code 0/);
    assert.equal(errors.text(), '');
  });
});
