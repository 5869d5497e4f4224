// Golden DAP transcripts: whole sessions (every request, response and event, with ids and paths normalised) stored
// as text under test/unit/debug/golden/ and compared, so a reviewer can read what the adapter says. After an
// intended change, regenerate them with HARTLINE_GOLDEN=update and review the diff.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import {
  elfPath,
  findMarker,
  fixtureElf,
  fixtureSource,
  launchAndStop,
  repoRoot,
  scratch,
  sourcePath,
  stopAfter,
  withAdapter,
} from '../support/debug-harness';

const tmp = scratch('hartline-golden-');
after(() => tmp.done());
const GOLDEN = join(repoRoot(), 'test', 'unit', 'debug', 'golden');
const UPDATE = process.env.HARTLINE_GOLDEN === 'update';

/** Keys whose values are handles: renumbered in order of first appearance, so transcripts survive renumbering. */
const HANDLES = new Set(['id', 'frameId', 'variablesReference', 'sourceReference', 'hitBreakpointIds']);

/** Records every message of a DebugClient as normalised text lines, in the order they cross the wire. */
class Transcript {
  readonly lines: string[] = [];
  private readonly handles = new Map<string, Map<number, number>>();

  constructor(client: DebugClient) {
    const c = client as unknown as {
      doSend(command: string, args: unknown, clb: unknown): void;
      dispatch(body: string): void;
    };
    const send = c.doSend.bind(c),
      dispatch = c.dispatch.bind(c);
    c.doSend = (command, args, clb) => {
      this.lines.push(`→ ${command} ${this.text(args)}`);
      send(command, args, clb);
    };
    c.dispatch = (body) => {
      const m = JSON.parse(body);
      if (m.type === 'event') this.lines.push(`event ${m.event} ${this.text(m.body)}`);
      else if (m.type === 'response')
        this.lines.push(`← ${m.command} ${m.success ? this.text(m.body) : `✗ ${this.text(m.message)}`}`);
      dispatch(body);
    };
  }

  private handle(key: string, v: number): number {
    if (v === 0) return 0;
    let map = this.handles.get(key);
    if (!map) this.handles.set(key, (map = new Map()));
    if (!map.has(v)) map.set(v, map.size + 1);
    return map.get(v)!;
  }

  private text(v: unknown): string {
    if (v === undefined) return '';
    const self = this;
    const json = JSON.stringify(v, function (this: Record<string, unknown>, key, value) {
      // Thread ids are harts (id = hart + 1) and stay as they are.
      if (key === 'id' && typeof this.name === 'string' && /^hart \d+/.test(this.name)) return value;
      if (HANDLES.has(key) && typeof value === 'number') return self.handle(key === 'frameId' ? 'id' : key, value);
      if (key === 'hitBreakpointIds' && Array.isArray(value)) return value.map((x: number) => self.handle('id', x));
      return value;
    });
    // Source paths come from the ELF's debug information, which names the checkout the guests were built in; a
    // transcript must not depend on where this checkout (or that one) lives.
    return json
      .split(tmp.dir)
      .join('<tmp>')
      .split(repoRoot())
      .join('<repo>')
      .replace(/"path":"[^"<]*?(\/(?:test|examples)\/)/g, '"path":"<repo>$1');
  }
}

async function golden(name: string, scenario: (c: DebugClient) => Promise<void>): Promise<void> {
  let transcript: Transcript | undefined;
  await withAdapter(async (c) => {
    transcript = new Transcript(c);
    await scenario(c);
  });
  const text = transcript!.lines.join('\n') + '\n';
  const file = join(GOLDEN, `${name}.txt`);
  if (UPDATE || !existsSync(file)) {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, text);
    if (!UPDATE) assert.fail(`${file} did not exist and was written; review it and run again`);
    return;
  }
  assert.equal(
    text,
    readFileSync(file, 'utf8'),
    `${name}: the transcript differs from ${file} (HARTLINE_GOLDEN=update rewrites it)`,
  );
}

const RACY = 'racy_counter';
const racyRecording = tmp.file('racy.hartrec');

test('golden: recording the racy counter, a conditional breakpoint, a data breakpoint backwards, a step back', () =>
  golden('record-racy', async (c) => {
    const line = findMarker(RACY, 'BREAK:increment');
    await launchAndStop(
      c,
      { mode: 'record', program: elfPath(RACY), harts: 2, quantum: 50, recording: racyRecording, stopOnEntry: true },
      () =>
        c.setBreakpointsRequest({
          source: { path: sourcePath(RACY) },
          breakpoints: [{ line, condition: 'counter == 10' }],
        }),
    );
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    await c.stackTraceRequest({ threadId: hit.body.threadId!, levels: 3 });
    await c.evaluateRequest({ expression: 'counter', context: 'watch' });
    await c.setBreakpointsRequest({ source: { path: sourcePath(RACY) }, breakpoints: [] });
    const info = await c.dataBreakpointInfoRequest({ name: 'counter' });
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    await c.evaluateRequest({ expression: 'counter', context: 'hover' });
    await stopAfter(c, () => c.stepBackRequest({ threadId: 2 }));
    await c.threadsRequest();
    await c.customRequest('hartline/position');
    await c.terminateRequest();
  }));

test('golden: stepping through the symbols fixture: over, into, out, back, reverse out, and its variables', () =>
  golden('record-fixture-steps', async (c) => {
    await launchAndStop(c, { mode: 'record', program: fixtureElf('O0'), recording: tmp.file('fixture.hartrec') }, () =>
      c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'shape_area' }] }),
    );
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const [frame] = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    const scopes = (await c.scopesRequest({ frameId: frame.id })).body.scopes;
    await c.variablesRequest({ variablesReference: scopes[0].variablesReference });
    await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    await stopAfter(c, () => c.nextRequest({ threadId: 1 }));
    await c.setBreakpointsRequest({
      source: { path: fixtureSource('shapes.c') },
      breakpoints: [{ line: findFixtureLine('shapes.c', 'twice += cross(p, q);') }],
    });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    await c.setBreakpointsRequest({ source: { path: fixtureSource('shapes.c') }, breakpoints: [] });
    await stopAfter(c, () => c.stepInRequest({ threadId: 1 }));
    await c.stackTraceRequest({ threadId: 1 });
    await stopAfter(c, () => c.stepOutRequest({ threadId: 1 }));
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1 }));
    await stopAfter(c, () => c.customRequest('hartline/reverseStepOut', { threadId: 1 }));
    await c.stackTraceRequest({ threadId: 1 });
    await c.evaluateRequest({ expression: 'local.corners[1]', context: 'repl' });
    await c.evaluateRequest({ expression: 'label[', context: 'repl' }).catch(() => {});
    await c.disconnectRequest({});
  }));

function findFixtureLine(file: string, text: string): number {
  const lines = readFileSync(join(repoRoot(), 'test', 'fixtures', 'symbols', 'src', file), 'utf8').split('\n');
  return lines.findIndex((l) => l.includes(text)) + 1;
}

test('golden: replaying the racy recording from its end: last write, CPU switches, restart', () =>
  golden('replay-racy', async (c) => {
    await launchAndStop(c, { mode: 'replay', recording: racyRecording, startAt: 'end' });
    await stopAfter(c, () => c.customRequest('hartline/lastWrite', { expression: 'counter' }));
    await c.evaluateRequest({ expression: 'counter', context: 'watch' });
    await stopAfter(c, () => c.customRequest('hartline/previousSwitch'));
    await stopAfter(c, () => c.customRequest('hartline/nextSwitch'));
    await c.customRequest('setExpression', { expression: 'counter', value: '1' }).catch(() => {});
    await stopAfter(c, () => c.restartRequest({}));
    await c.disconnectRequest({});
  }));
