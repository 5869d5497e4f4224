// The session around the machine, through DebugClient: custom requests (positions, CPU switches, last write) and
// events, terminate/disconnect/restart and the recording file they leave, console input typed into the guest and
// recorded, firmware (bios) in record mode, and bad requests answered with clear errors, never a crash.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readRecording } from '../../../src/replay/reader';
import { buildElf, words } from '../support/elf-builder';
import {
  elfPath,
  evaluate,
  findMarker,
  launchAndStop,
  output,
  position,
  scratch,
  sourcePath,
  startAdapter,
  stopAfter,
  topFrame,
  withAdapter,
} from '../support/debug-harness';

const tmp = scratch('hartline-session-');
after(() => tmp.done());
const RACY = 'racy_counter';
const racy = (extra: Record<string, unknown> = {}) => ({
  mode: 'record',
  program: elfPath(RACY),
  harts: 2,
  quantum: 50,
  recording: tmp.file('racy.hartrec'),
  stopOnEntry: true,
  ...extra,
});
const at = async (c: DebugClient) => (await position(c)).position;

/** Records the racy counter to its end and returns the recording's path. */
async function recordRacy(): Promise<string> {
  const recording = tmp.file('racy-full.hartrec');
  await withAdapter(async (c) => {
    await launchAndStop(c, racy({ recording, stopOnEntry: false }));
    await c.terminateRequest();
  });
  return recording;
}

test('custom requests: position, goto, next and previous CPU switch, and the events after every stop', () =>
  withAdapter(async (c) => {
    const events: { event: string; body: Record<string, unknown> }[] = [];
    for (const e of ['hartline/position', 'hartline/switches'])
      c.on(e, (m: DebugProtocol.Event) => events.push({ event: m.event, body: m.body }));
    // The attributes VS Code adds to every configuration are accepted alongside Hartline's own.
    await launchAndStop(
      c,
      racy({
        type: 'hartline',
        request: 'launch',
        name: 'Record',
        __sessionId: 'abc',
        internalConsoleOptions: 'neverOpen',
      }),
    );
    assert.deepEqual(await position(c), { position: 0, end: 0, live: true });
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 5000 }));
    assert.deepEqual(await position(c), { position: 5000, end: 5000, live: true }, 'going forward records');
    const g = await stopAfter(c, () => c.customRequest('hartline/goto', { position: 2500 }));
    assert.equal(g.body.reason, 'position');
    const pos = events.filter((e) => e.event === 'hartline/position').at(-1)!.body;
    assert.deepEqual(pos, { position: 2500, end: 5000, hart: g.body.threadId! - 1 });
    const sw = events.filter((e) => e.event === 'hartline/switches').at(-1)!.body as {
      position: number;
      switches: { position: number; hart: number }[];
    };
    assert.equal(sw.position, 2500);
    assert.ok(sw.switches.length >= 6 && sw.switches.length <= 10, `${sw.switches.length} switches`);
    const before = sw.switches.filter((s) => s.position <= 2500),
      next = sw.switches.find((s) => s.position > 2500)!;
    assert.equal(before.length, 5);

    const n = await stopAfter(c, () => c.customRequest('hartline/nextSwitch'));
    assert.equal(await at(c), next.position);
    assert.equal(n.body.threadId, next.hart + 1, 'the hart that starts running there');
    await stopAfter(c, () => c.customRequest('hartline/previousSwitch'));
    assert.equal(await at(c), before.at(-1)!.position);
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 200 }));
    assert.deepEqual(await position(c), { position: 200, end: 5000, live: true }, 'going back keeps the frontier');
    await assert.rejects(
      c.customRequest('hartline/goto', { position: -3 }),
      /"position" must be a non-negative integer/,
    );
    await assert.rejects(c.customRequest('hartline/goto', {}), /"position" must be a non-negative integer/);
    const tl = (await c.customRequest('hartline/timeline')).body;
    assert.ok(tl.switches.length > 10);
    assert.deepEqual(Object.keys(tl).sort(), ['inputs', 'interrupts', 'switches', 'wfi']);
    assert.ok(Array.isArray(tl.wfi) && Array.isArray(tl.interrupts));
  }));

test('last write: back to just after the last store to an expression, and again from there', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, racy());
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const final = await evaluate(c, 'counter');
    const w = await stopAfter(c, () => c.customRequest('hartline/lastWrite', { expression: 'counter' }));
    assert.equal(w.body.reason, 'last write');
    assert.match(
      w.body.description!,
      new RegExp(
        `^counter: \\d+ → ${final}, written by hart ${w.body.threadId! - 1} at racy_counter\\.c:${findMarker(RACY, 'BREAK:increment')}, position [\\d,]+$`,
      ),
    );
    assert.equal(await evaluate(c, 'counter'), final);
    // The timeline tooltip's source line: where a hart was at a position, read without moving the session.
    const here = await at(c);
    const top = (await c.stackTraceRequest({ threadId: w.body.threadId!, levels: 1 })).body.stackFrames[0];
    const lines = (
      await c.customRequest('hartline/lines', {
        at: [
          { position: here, hart: w.body.threadId! - 1 },
          { position: 0, hart: 0 },
        ],
      })
    ).body.lines as { position: number; hart: number; where?: string }[];
    assert.equal(await at(c), here, 'asking leaves the session where it was');
    assert.deepEqual(
      lines.map((l) => l.position),
      [0, here],
    );
    assert.equal(lines[1].where, `${top.source!.path!.split('/').pop()}:${top.line}`);
    await assert.rejects(c.customRequest('hartline/lines', { at: [{ position: -1, hart: 0 }] }), /non-negative/);
    await assert.rejects(c.customRequest('hartline/lines', {}), /"at" must be a list/);
    const p1 = await at(c);
    await stopAfter(c, () => c.customRequest('hartline/lastWrite', { expression: 'counter', threadId: 2 }));
    assert.ok((await at(c)) < p1);
    assert.equal(BigInt(await evaluate(c, 'counter')) <= BigInt(final), true);
    await assert.rejects(c.customRequest('hartline/lastWrite', { expression: '$a0' }), /"\$a0" is not in memory/);
    await assert.rejects(c.customRequest('hartline/lastWrite', { expression: 'counter +' }), /syntax error/);
  }));

test('terminate and disconnect finish the recording; a replay restarts at position 0', async () => {
  const out = tmp.file('terminated.hartrec');
  let end = 0;
  await withAdapter(async (c) => {
    const log = output(c, 'console');
    const terminated = c.waitForEvent('terminated');
    await launchAndStop(c, racy({ recording: out }));
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 3000 }));
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 1000 }));
    end = (await position(c)).end;
    await c.terminateRequest();
    await terminated;
    assert.match(log.text(), new RegExp(`recording saved to .*terminated\\.hartrec`));
  });
  const rec = readRecording(new Uint8Array(readFileSync(out)), out);
  assert.equal(rec.trailer?.reason, 'stopped');
  assert.equal(rec.trailer?.positions, end, 'the trailer is at the frontier, not at the cursor');
  const dropped = tmp.file('disconnected.hartrec');
  await withAdapter(async (c) => {
    await launchAndStop(c, racy({ recording: dropped }));
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 777 }));
    await c.disconnectRequest({});
  });
  assert.equal(readRecording(new Uint8Array(readFileSync(dropped)), dropped).trailer?.positions, 777);
  // A session whose connection just goes away still leaves a finished recording.
  const lost = tmp.file('lost.hartrec');
  const a = await startAdapter();
  await launchAndStop(a.client, racy({ recording: lost }));
  await stopAfter(a.client, () => a.client.customRequest('hartline/goto', { position: 123 }));
  await a.close();
  assert.equal(readRecording(new Uint8Array(readFileSync(lost)), lost).trailer?.positions, 123);

  await withAdapter(async (c) => {
    const first = await launchAndStop(c, { mode: 'replay', recording: out });
    assert.equal(first.body.reason, 'entry');
    assert.equal(first.body.description, 'start of recording');
    const e = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(e.body.description, 'end of recording');
    assert.deepEqual(await position(c), { position: end, end, live: false });
    const r = await stopAfter(c, () => c.restartRequest({}));
    assert.equal(r.body.description, 'start of recording');
    assert.equal(await at(c), 0);
  });
});

test('console input from hartline/input and the Debug Console reaches the UART and is recorded', async () => {
  const recording = tmp.file('echo.hartrec');
  const ECHO = 'uart_echo';
  let typedOutput = '';
  await withAdapter(async (c) => {
    const stdout = output(c, 'stdout');
    await launchAndStop(c, { mode: 'record', program: elfPath(ECHO), recording, stopOnEntry: true });
    assert.deepEqual((await c.customRequest('hartline/input', { text: 'hello\n' })).body ?? {}, {});
    const typed = await c.evaluateRequest({ expression: '> quit', context: 'repl' });
    assert.equal(typed.body.result, 'typed 5 bytes into the console');
    await c.setBreakpointsRequest({
      source: { path: sourcePath(ECHO) },
      breakpoints: [{ line: findMarker(ECHO, 'BREAK:echo') }],
    });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(await evaluate(c, 'line[0]'), "72 'H'");
    await c.setBreakpointsRequest({ source: { path: sourcePath(ECHO) }, breakpoints: [] });
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(end.body.description, 'end of recording: the program exited with code 0');
    typedOutput = stdout.text();
    assert.equal(typedOutput, 'echo 1: HELLO\necho 2: QUIT\nuart_echo: 2 line(s)\n');
    await assert.rejects(c.customRequest('hartline/input', { text: 'late\n' }), /the program has ended/);
    await c.terminateRequest();
  });
  const rec = readRecording(new Uint8Array(readFileSync(recording)), recording);
  assert.equal(String.fromCharCode(...rec.log.inputByte), 'hello\nquit\n');
  await withAdapter(async (c) => {
    const stdout = output(c, 'stdout');
    await launchAndStop(c, { mode: 'replay', recording, startAt: 'end' });
    assert.equal(stdout.text(), typedOutput, 'the replay reads the recorded input');
    await assert.rejects(c.customRequest('hartline/input', { text: 'x' }), /this is a replay/);
    await assert.rejects(c.evaluateRequest({ expression: '>x', context: 'repl' }), /this is a replay/);
  });
});

test('record mode boots a program behind its firmware (bios), and the recording replays', async () => {
  const RAM = 0x80000000,
    PAYLOAD = RAM + 0x200000;
  // Firmware: jump to the payload. Payload: write 0x5555 (pass) to the test finisher at 0x100000.
  const fw = tmp.file('fw.elf'),
    payload = tmp.file('payload.elf'),
    recording = tmp.file('bios.hartrec');
  writeFileSync(
    fw,
    buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x00200297, 0x00028067), memSize: 0x1000 }] }),
  ); // auipc t0,0x200; jr t0
  writeFileSync(
    payload,
    buildElf({
      entry: PAYLOAD,
      segments: [{ paddr: PAYLOAD, bytes: words(0x001002b7, 0x00005337, 0x55530313, 0x0062a023, 0x0000006f) }],
    }),
  );
  await withAdapter(async (c) => {
    await launchAndStop(c, { mode: 'record', program: payload, bios: fw, recording, stopOnEntry: true });
    assert.equal((await topFrame(c, 1)).instructionPointerReference, '0x80000000');
    await stopAfter(c, () => c.nextRequest({ threadId: 1, granularity: 'instruction' }));
    await stopAfter(c, () => c.nextRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal((await topFrame(c, 1)).instructionPointerReference, '0x80200000');
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(end.body.description, 'end of recording: the program exited with code 0');
    await c.terminateRequest();
  });
  const rec = readRecording(new Uint8Array(readFileSync(recording)), recording);
  assert.deepEqual(
    rec.header.images.map((i) => i.role),
    ['kernel', 'bios'],
  );
  await withAdapter(async (c) => {
    const first = await launchAndStop(c, { mode: 'replay', recording, startAt: 'end' });
    assert.equal(first.body.description, 'end of recording: the program exited with code 0');
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    assert.equal((await topFrame(c, 1)).instructionPointerReference, '0x8020000c');
  });
  await withAdapter(async (c) => {
    await c.initializeRequest();
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: payload,
        bios: tmp.file('missing-fw.elf'),
      } as DebugProtocol.LaunchRequestArguments),
      /bios not found: .*missing-fw\.elf/,
    );
  });
});

test('bad launches and bad requests get clear error responses, and the adapter carries on', async () => {
  await withAdapter(async (c) => {
    await c.initializeRequest();
    await assert.rejects(
      c.threadsRequest().then(() => c.stackTraceRequest({ threadId: 1 })),
      /launch first/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'record' } as DebugProtocol.LaunchRequestArguments),
      /"mode": "record" needs "program"/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'record', program: tmp.file('missing.elf') } as DebugProtocol.LaunchRequestArguments),
      /program not found/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'record', program: tmp.dir } as DebugProtocol.LaunchRequestArguments),
      /is a directory/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'record', program: elfPath(RACY), harts: 0 } as DebugProtocol.LaunchRequestArguments),
      /"harts" must be an integer from 1 to 64/,
    );
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: elfPath(RACY),
        schedule: 'fifo',
      } as DebugProtocol.LaunchRequestArguments),
      /"schedule" must be/,
    );
    // Every attribute is checked against the one table (src/debug/launch-attributes.ts): unknown names and wrong types.
    await assert.rejects(
      c.launchRequest({ mode: 'record', program: elfPath(RACY), hart: 2 } as DebugProtocol.LaunchRequestArguments),
      /^Error: unknown launch attribute "hart" \(did you mean "harts"\?\); docs\/options\.md lists them$/,
    );
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: elfPath(RACY),
        frobnicate: true,
      } as DebugProtocol.LaunchRequestArguments),
      /unknown launch attribute "frobnicate"; docs/,
    );
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: elfPath(RACY),
        stopOnEntry: 'yes',
      } as DebugProtocol.LaunchRequestArguments),
      /"stopOnEntry" must be true or false, got "yes"/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'record', program: elfPath(RACY), harts: '4' } as DebugProtocol.LaunchRequestArguments),
      /"harts" must be an integer from 1 to 64, got "4"/,
    );
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: elfPath(RACY),
        ram: '12 parsecs',
      } as DebugProtocol.LaunchRequestArguments),
      /"ram" must be a size such as 128M, or a number of bytes, got "12 parsecs"/,
    );
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: elfPath(RACY),
        args: 'console=ttyS0',
      } as DebugProtocol.LaunchRequestArguments),
      /"args" must be an array of strings/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'record', program: 42 } as DebugProtocol.LaunchRequestArguments),
      /"program" must be a string, got 42/,
    );
    await assert.rejects(
      c.launchRequest({
        mode: 'replay',
        recording: 'x.hartrec',
        startAt: 'middle',
      } as DebugProtocol.LaunchRequestArguments),
      /"startAt" must be "start" or "end", got "middle"/,
    );
    const nowhere = tmp.file('no-such-dir') + '/x.hartrec';
    await assert.rejects(
      c.launchRequest({
        mode: 'record',
        program: elfPath(RACY),
        recording: nowhere,
      } as DebugProtocol.LaunchRequestArguments),
      /cannot create the recording/,
    );
    await assert.rejects(
      c.launchRequest({ mode: 'replay' } as DebugProtocol.LaunchRequestArguments),
      /needs "recording"/,
    );
    const future = tmp.file('future.hartrec');
    writeFileSync(future, Buffer.from([0x48, 0x41, 0x52, 0x54, 0x52, 0x45, 0x43, 0x1a, 99, 0, 0, 0]));
    await assert.rejects(
      c.launchRequest({ mode: 'replay', recording: future } as DebugProtocol.LaunchRequestArguments),
      /format version 99 is newer than this Hartline reads \(\d+\); upgrade Hartline/,
    );
    const text = tmp.file('text.hartrec');
    writeFileSync(text, 'not a recording at all');
    await assert.rejects(
      c.launchRequest({ mode: 'replay', recording: text } as DebugProtocol.LaunchRequestArguments),
      /not a Hartline recording/,
    );
    const dir = tmp.file('dir.hartrec');
    mkdirSync(dir);
    await assert.rejects(
      c.launchRequest({ mode: 'replay', recording: dir } as DebugProtocol.LaunchRequestArguments),
      /cannot read the recording/,
    );
  });
  const recording = await recordRacy();
  await withAdapter(async (c) => {
    await c.initializeRequest();
    await assert.rejects(
      c.launchRequest({ mode: 'replay', recording, program: elfPath('hello') } as DebugProtocol.LaunchRequestArguments),
      /differs from the one recorded/,
    );
  });
  await withAdapter(async (c) => {
    await launchAndStop(c, racy());
    await assert.rejects(
      c.setBreakpointsRequest({ source: { path: tmp.file('nothing.c') }, breakpoints: [{ line: 3 }] }),
      /no code from .*nothing\.c is in the program/,
    );
    await assert.rejects(c.evaluateRequest({ expression: 'counter +* (', context: 'watch' }), /syntax error at column/);
    await assert.rejects(c.stackTraceRequest({ threadId: 9 }), /no thread 9: threads are harts 1\.\.2/);
    await assert.rejects(c.scopesRequest({ frameId: 4242 }), /unknown frame 4242/);
    await assert.rejects(c.customRequest('hartline/frobnicate'), /unknown request hartline\/frobnicate/);
    await assert.rejects(
      c.customRequest('readMemory', { memoryReference: 'nowhere', count: 4 }),
      /bad memory reference/,
    );
    await assert.rejects(c.customRequest('writeMemory', { memoryReference: '0x10', data: 'AAAA' }), /not all in RAM/);
    await assert.rejects(
      c.dataBreakpointInfoRequest({ name: 'xyz', asAddress: true } as DebugProtocol.DataBreakpointInfoArguments),
      /neither an address nor an expression/,
    );
    const info = await c.dataBreakpointInfoRequest({ name: '$a0' });
    assert.equal(info.body.dataId, null);
    // The session is still fine.
    const s = await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    assert.equal(s.body.reason, 'step');
  });
});

test('a running machine answers threads and pause, refuses the rest, and input while it runs', () =>
  withAdapter(async (c) => {
    const RAM = 0x80000000;
    const elf = tmp.file('spin.elf');
    writeFileSync(elf, buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x00150513, 0xffdff06f) }] })); // addi a0,a0,1; j -4
    await launchAndStop(c, { mode: 'record', program: elf, recording: tmp.file('spin.hartrec'), stopOnEntry: true });
    const stopped = c.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
    await c.continueRequest({ threadId: 1 });
    assert.equal((await c.threadsRequest()).body.threads.length, 1);
    await assert.rejects(c.stackTraceRequest({ threadId: 1 }), /the machine is running: pause it first/);
    assert.ok((await position(c)).position >= 0);
    await c.pauseRequest({ threadId: 1 });
    const p = await stopped;
    assert.equal(p.body.reason, 'pause');
    assert.equal(p.body.description, 'paused');
    const { position: at1, end } = await position(c);
    assert.ok(at1 > 0 && at1 === end);
    assert.equal(BigInt(await evaluate(c, '$a0')), BigInt(at1 / 2), 'a0 counts the loop');
    // goto ahead of a live recording records on, and can be paused too.
    const ahead = await stopAfter(c, () => c.customRequest('hartline/goto', { position: at1 + 1000 }));
    assert.equal(ahead.body.reason, 'position');
    assert.equal(await at(c), at1 + 1000);
  }));

test('going back while recording and then forward again re-executes to the frontier, then records on; output shows once', async () => {
  const recording = tmp.file('again.hartrec');
  let text = '';
  await withAdapter(async (c) => {
    const stdout = output(c, 'stdout');
    await launchAndStop(c, racy({ recording }));
    await c.setBreakpointsRequest({
      source: { path: sourcePath(RACY) },
      breakpoints: [{ line: findMarker(RACY, 'BREAK:done') }],
    });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const frontier = (await position(c)).end;
    assert.equal(stdout.text(), 'racy_counter\n');
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [] });
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 100 }));
    assert.equal((await position(c)).live, true);
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(end.body.description, 'end of recording: the program exited with code 0');
    assert.ok((await position(c)).end > frontier);
    text = stdout.text();
    assert.equal(text, 'racy_counter\nracy_counter done\n');
    await c.terminateRequest();
  });
  await withAdapter(async (c) => {
    const stdout = output(c, 'stdout');
    await launchAndStop(c, { mode: 'replay', recording, startAt: 'end' });
    assert.equal(stdout.text(), text);
  });
});
