// Adapter tests through DebugClient on the multi-hart guests: threads, breakpoints of every kind forwards and
// backwards, line and instruction stepping both ways, scopes, evaluate, memory, disassembly, and bad requests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  elfPath,
  findMarker,
  launchAndStop,
  position,
  sourcePath,
  startAdapter,
  stopAfter,
  topFrame,
} from '../support/debug-harness';

const tmp = mkdtempSync(join(tmpdir(), 'hartline-debug-'));
const RACY = 'racy_counter';
const record = (extra: Record<string, unknown> = {}) => ({
  mode: 'record',
  program: elfPath(RACY),
  harts: 2,
  quantum: 50,
  recording: join(tmp, `racy-${Math.random().toString(36).slice(2)}.hartrec`),
  ...extra,
});
const INCREMENT = findMarker(RACY, 'counter = counter + 1');
const PRINT = findMarker(RACY, 'printf("racy_counter\\n")');

test('initialize announces step back and every capability', async () => {
  const a = await startAdapter();
  try {
    const r = await a.client.initializeRequest();
    for (const cap of [
      'supportsStepBack',
      'supportsDataBreakpoints',
      'supportsDataBreakpointBytes',
      'supportsInstructionBreakpoints',
      'supportsDisassembleRequest',
      'supportsLogPoints',
      'supportsConditionalBreakpoints',
      'supportsHitConditionalBreakpoints',
      'supportsFunctionBreakpoints',
      'supportsSteppingGranularity',
    ]) {
      assert.equal((r.body as Record<string, unknown>)[cap], true, cap);
    }
  } finally {
    await a.close();
  }
});

test('bad launches and bad requests get clear error responses', async () => {
  const a = await startAdapter();
  try {
    await a.client.initializeRequest();
    await assert.rejects(
      a.client.launchRequest({
        mode: 'record',
        program: join(tmp, 'missing.elf'),
      } as DebugProtocol.LaunchRequestArguments),
      /program not found/,
    );
    const bad = join(tmp, 'future.hartrec');
    writeFileSync(bad, Buffer.from([0x48, 0x41, 0x52, 0x54, 0x52, 0x45, 0x43, 0x1a, 99, 0, 0, 0]));
    await assert.rejects(
      a.client.launchRequest({ mode: 'replay', recording: bad } as DebugProtocol.LaunchRequestArguments),
      /version 99/,
    );
  } finally {
    await a.close();
  }
  const b = await startAdapter();
  try {
    await launchAndStop(b.client, record({ stopOnEntry: true }));
    await assert.rejects(
      b.client.setBreakpointsRequest({ source: { path: join(tmp, 'nothing.c') }, breakpoints: [{ line: 3 }] }),
      /no code from/,
    );
    await assert.rejects(
      b.client.evaluateRequest({ expression: 'counter +* (', context: 'watch' }),
      /syntax error at column/,
    );
  } finally {
    await b.close();
  }
});

test('record: threads are harts, a breakpoint stops all harts, and the racy counter is found backwards', async () => {
  const a = await startAdapter();
  const c = a.client;
  try {
    const entry = await launchAndStop(c, record({ stopOnEntry: true }));
    assert.equal(entry.body.allThreadsStopped, true);
    assert.equal(entry.body.description, 'start of recording');
    const threads = (await c.threadsRequest()).body.threads;
    assert.deepEqual(
      threads.map((t) => t.id),
      [1, 2],
    );
    assert.match(threads[1].name, /^hart 1 \(/);

    const set = await c.setBreakpointsRequest({
      source: { path: sourcePath(RACY) },
      breakpoints: [{ line: INCREMENT }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    assert.equal(hit.body.allThreadsStopped, true);
    assert.deepEqual(hit.body.hitBreakpointIds, [set.body.breakpoints[0].id]);
    assert.match(hit.body.description!, /^hart \d hit breakpoint$/);
    const frame = await topFrame(c, hit.body.threadId!);
    assert.equal(frame.line, INCREMENT);

    // Clear it, run to the end: the end stops, it does not terminate.
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [] });
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(end.body.description!, /end of recording/);
    const total = Number((await c.evaluateRequest({ expression: 'counter' })).body.result);
    assert.ok(total <= 1000 && total > 0, `counter ${total}`);

    // The last write of counter, found by a data breakpoint and reverseContinue.
    const info = await c.dataBreakpointInfoRequest({ name: 'counter' });
    assert.ok(info.body.dataId);
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const back = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(back.body.reason, 'data breakpoint');
    assert.match(
      back.body.description!,
      /^counter: \d+ → \d+, written by hart \d at racy_counter\.c:\d+, position [\d,]+$/,
    );
    const p1 = (await position(c)).position;
    const back2 = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(back2.body.reason, 'data breakpoint');
    assert.ok((await position(c)).position < p1);
    await c.setDataBreakpointsRequest({ breakpoints: [] });

    // Breakpoints hit backwards, in the hart that executes them.
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [{ line: INCREMENT }] });
    const rb = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(rb.body.reason, 'breakpoint');
    assert.equal((await topFrame(c, rb.body.threadId!)).line, INCREMENT);
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [] });

    // Stepping back on hart 1 moves hart 1 by a line; the position goes back.
    const before = (await position(c)).position;
    const sb = await stopAfter(c, () => c.stepBackRequest({ threadId: 2 }));
    assert.equal(sb.body.threadId, 2);
    assert.equal(sb.body.allThreadsStopped, true);
    assert.ok((await position(c)).position < before);
    // Instruction granularity moves one instruction of that hart.
    const pcBefore = (await topFrame(c, 2)).instructionPointerReference;
    await stopAfter(c, () => c.stepBackRequest({ threadId: 2, granularity: 'instruction' }));
    assert.notEqual((await topFrame(c, 2)).instructionPointerReference, pcBefore);
    await stopAfter(c, () => c.nextRequest({ threadId: 2, granularity: 'instruction' }));
    assert.equal((await topFrame(c, 2)).instructionPointerReference, pcBefore);

    // Going to position 0 is the start of the recording.
    const start = await stopAfter(c, () => c.customRequest('hartline/goto', { position: 0 }));
    assert.equal(start.body.description, 'start of recording');
    const rs = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(rs.body.description, 'start of recording');
  } finally {
    await a.close();
  }
});

test('a reverse step-over of a line with a call lands at the start of that line', async () => {
  const a = await startAdapter();
  const c = a.client;
  try {
    await launchAndStop(c, record({ stopOnEntry: true }));
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [{ line: PRINT }] });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(c, 1)).line, PRINT);
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [] });
    const atPrint = (await position(c)).position;
    await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    const after = await topFrame(c, 1);
    assert.notEqual(after.line, PRINT);
    assert.ok((await position(c)).position - atPrint > 100, 'the call to printf ran');
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1 }));
    assert.equal((await topFrame(c, 1)).line, PRINT);
    assert.equal((await position(c)).position, atPrint);
  } finally {
    await a.close();
  }
});

test('scopes, registers, evaluate, memory and disassembly', async () => {
  const a = await startAdapter();
  const c = a.client;
  try {
    await launchAndStop(c, record({ stopOnEntry: true }));
    await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    const frame = await topFrame(c, 1);
    assert.ok(frame.instructionPointerReference);
    const scopes = (await c.scopesRequest({ frameId: frame.id })).body.scopes;
    assert.deepEqual(
      scopes.map((s) => s.name),
      ['Locals', 'Globals', 'Registers', 'Hart'],
    );
    const groups = (await c.variablesRequest({ variablesReference: scopes[2].variablesReference })).body.variables;
    assert.ok(groups.some((g) => g.name === 'Machine trap'));
    const ints = (await c.variablesRequest({ variablesReference: groups[0].variablesReference })).body.variables;
    assert.equal(ints[0].name, 'pc');
    assert.equal(ints[11].name, 'a0 (x10)');
    const hart = (await c.variablesRequest({ variablesReference: scopes[3].variablesReference })).body.variables;
    assert.deepEqual(hart.map((v) => v.name).slice(0, 4), ['privilege', 'state', 'retired', 'reservation']);
    assert.equal(hart[0].value, 'machine mode');

    assert.equal(
      (await c.evaluateRequest({ expression: '$pc', frameId: frame.id })).body.result,
      String(BigInt(frame.instructionPointerReference!)),
    );
    const word = (await c.evaluateRequest({ expression: '*(uint32_t*)0x80000000', frameId: frame.id })).body.result;
    const mem = await c.customRequest('readMemory', { memoryReference: '0x80000000', count: 4 });
    assert.equal(Buffer.from(mem.body.data, 'base64').readUInt32LE(0), Number(word));
    const dis = await c.disassembleRequest({
      memoryReference: frame.instructionPointerReference!,
      instructionCount: 8,
      instructionOffset: -2,
    });
    assert.equal(dis.body!.instructions.length, 8);
    assert.equal(dis.body!.instructions[2].address, frame.instructionPointerReference);
    assert.ok(dis.body!.instructions.some((i) => i.symbol === 'main' || i.line !== undefined));

    // Instruction breakpoint at the next instruction shown.
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    await c.customRequest('setInstructionBreakpoints', {
      breakpoints: [{ instructionReference: dis.body!.instructions[3].address }],
    });
    const ib = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(ib.body.reason, 'breakpoint');
    assert.equal((await topFrame(c, ib.body.threadId!)).instructionPointerReference, dis.body!.instructions[3].address);

    // Register writes only at the live frontier.
    await c.customRequest('setInstructionBreakpoints', { breakpoints: [] });
    const setReg = await c.customRequest('setExpression', {
      expression: '$t6',
      value: '0x1234',
      frameId: (await topFrame(c, 1)).id,
    });
    assert.equal(setReg.body.value, '0x1234');
  } finally {
    await a.close();
  }
});

test('replay: starts at 0 or at the end, refuses writes, restart goes to 0', async () => {
  const recording = join(tmp, 'replayed.hartrec');
  const a = await startAdapter();
  try {
    await launchAndStop(a.client, record({ recording }));
    await a.client.terminateRequest();
  } finally {
    await a.close();
  }
  const b = await startAdapter();
  const c = b.client;
  try {
    const first = await launchAndStop(c, { mode: 'replay', recording, startAt: 'end' });
    assert.match(first.body.description!, /end of recording/);
    const { position: p, end } = await position(c);
    assert.equal(p, end);
    assert.ok(end > 1000);
    await assert.rejects(
      c.customRequest('writeMemory', { memoryReference: '0x80000000', data: 'AAAA' }),
      /this is a replay/,
    );
    await assert.rejects(c.customRequest('setExpression', { expression: '$a0', value: '1' }), /this is a replay/);
    const back = await stopAfter(c, () => c.stepBackRequest({ threadId: 1 }));
    assert.equal(back.body.allThreadsStopped, true);
    const prev = await stopAfter(c, () => c.customRequest('hartline/previousSwitch'));
    assert.equal(prev.body.reason, 'CPU switch');
    const r = await stopAfter(c, () => c.restartRequest({}));
    assert.equal(r.body.description, 'start of recording');
    assert.equal((await position(c)).position, 0);
  } finally {
    await b.close();
  }
});
