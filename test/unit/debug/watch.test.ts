// What a firmware developer reaches from Variables and Watch: the Globals scope, data breakpoints on expressions
// (`counter`, `&counter`, `a[3]`, `*(uint32_t *)0x…`) and addresses, the stop that says what changed, a stop that opens the
// workspace's copy of a source file, hovers that fail quietly, and the CPU switches with their causes.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
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

const tmp = scratch('hartline-watch-');
after(() => tmp.done());
const record = (name: string, extra: Record<string, unknown> = {}) => ({
  mode: 'record',
  program: elfPath(name),
  harts: 2,
  quantum: 50,
  recording: tmp.file(`${name}.hartrec`),
  stopOnEntry: true,
  ...extra,
});

async function toFunction(c: DebugClient, name: string): Promise<DebugProtocol.StoppedEvent> {
  await c.setFunctionBreakpointsRequest({ breakpoints: [{ name }] });
  const s = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
  await c.setFunctionBreakpointsRequest({ breakpoints: [] });
  return s;
}

test("a Globals scope lists the program's globals and statics with their values", () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record('smp_counters'));
    await toFunction(c, 'work');
    const frame = await topFrame(c, 1);
    const scopes = (await c.scopesRequest({ frameId: frame.id })).body.scopes;
    const globals = scopes.find((s) => s.name === 'Globals');
    assert.ok(globals, `a Globals scope among ${scopes.map((s) => s.name)}`);
    const vars = (await c.variablesRequest({ variablesReference: globals.variablesReference })).body.variables;
    const names = vars.map((v) => v.name);
    for (const n of ['lock', 'locked_counter', 'amo_counter', 'per_hart'])
      assert.ok(names.includes(n), `${n} in ${names}`);
    // The program's own globals come first, the C library's (built elsewhere) after them.
    const firstLibc = names.findIndex((n) => /^(DOUBLE_|POW5_|__)/.test(n));
    assert.ok(firstLibc > names.indexOf('per_hart') && firstLibc > names.indexOf('lock'), names.slice(0, 12).join());
    const perHart = vars.find((v) => v.name === 'per_hart')!;
    assert.ok(perHart.variablesReference > 0, 'the array expands');
    assert.equal(perHart.evaluateName, 'per_hart');
    assert.ok(perHart.memoryReference, 'and has an address');
    // One right-click from a watchpoint: dataBreakpointInfo by the listed name.
    const info = await c.dataBreakpointInfoRequest({
      name: 'locked_counter',
      variablesReference: globals.variablesReference,
    });
    assert.match(info.body.dataId!, /^0x[0-9a-f]+\/8$/);
  }));

test('dataBreakpointInfo takes counter, &counter, a[3], *p and addresses', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record('smp_counters'));
    const stop = await toFunction(c, 'work');
    const frame = await topFrame(c, stop.body.threadId!);
    const addrOf = async (e: string) => BigInt(await evaluate(c, e, 'watch', frame.id));
    const id = async (args: Partial<DebugProtocol.DataBreakpointInfoArguments>) =>
      (
        await c.dataBreakpointInfoRequest({
          name: '',
          frameId: frame.id,
          ...args,
        } as DebugProtocol.DataBreakpointInfoArguments)
      ).body.dataId;
    const locked = await addrOf('&locked_counter');
    assert.equal(await id({ name: 'locked_counter' }), `0x${locked.toString(16)}/8`);
    assert.equal(await id({ name: '&locked_counter' }), `0x${locked.toString(16)}/8`, '&x watches x');
    assert.equal(
      await id({ name: '&locked_counter', asAddress: true, bytes: 4 } as never),
      `0x${locked.toString(16)}/4`,
      'Add Data Breakpoint at Address takes &x',
    );
    assert.equal(await id({ name: 'per_hart[3]' }), `0x${(await addrOf('&per_hart[3]')).toString(16)}/8`);
    // A dereference: of a pointer-typed expression, and of an address cast to a pointer (4 bytes for a uint32_t).
    const p = await addrOf('&per_hart[1]');
    assert.equal(await id({ name: '*&per_hart[1]' }), `0x${p.toString(16)}/8`);
    assert.equal(await id({ name: `*(uint32_t *)0x${p.toString(16)}` }), `0x${p.toString(16)}/4`);
    assert.equal(
      await id({ name: `0x${locked.toString(16)}`, asAddress: true, bytes: 2 } as never),
      `0x${locked.toString(16)}/2`,
    );
    const none = await c.dataBreakpointInfoRequest({ name: '1 + 2', frameId: frame.id });
    assert.equal(none.body.dataId, null, 'an rvalue has no memory to watch');
    await assert.rejects(
      c.dataBreakpointInfoRequest({ name: 'no_such_thing(', asAddress: true } as never),
      /neither an address nor an expression/,
    );
  }));

test('a data-breakpoint stop says what changed, who wrote it and where, in the stop and the Debug Console', () =>
  withAdapter(async (c) => {
    const src = sourcePath('racy_counter');
    await launchAndStop(c, record('racy_counter'));
    await c.setBreakpointsRequest({
      source: { path: src },
      breakpoints: [{ line: findMarker('racy_counter', 'BREAK:hart-increments') }],
    });
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    await c.setBreakpointsRequest({ source: { path: src }, breakpoints: [] });
    const info = await c.dataBreakpointInfoRequest({ name: 'counter' });
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    const log = output(c, 'console');
    const before = BigInt(await evaluate(c, 'counter'));
    const w = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const now = BigInt(await evaluate(c, 'counter'));
    const p = (await position(c)).position;
    const line = findMarker('racy_counter', 'BREAK:increment');
    assert.equal(
      w.body.description,
      `counter: ${before} → ${now}, written by hart ${w.body.threadId! - 1} at racy_counter.c:${line}, position ${p.toLocaleString('en-US')}`,
    );
    assert.ok(log.text().includes(w.body.description!), 'the Debug Console has it too');
    // Backwards, the same words: before the first increment, the start-up code clearing .bss wrote it.
    const back = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.match(back.body.description!, /^counter: 0 → 0, written by hart \d at crt\.S:\d+, position [\d,]+$/);
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'read' }] });
    const r = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(
      r.body.description!,
      new RegExp(
        `^counter: ${await evaluate(c, 'counter')}, read by hart \\d at racy_counter\\.c:${line}, position [\\d,]+$`,
      ),
    );
    // A bare address is named by its address (here the upper half of counter, which stays 0).
    const addr = BigInt(await evaluate(c, '&counter')) + 4n;
    const raw = await c.dataBreakpointInfoRequest({
      name: '0x' + addr.toString(16),
      asAddress: true,
      bytes: 4,
    } as never);
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: raw.body.dataId!, accessType: 'write' }] });
    const a = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(
      a.body.description!,
      new RegExp(`^0x${addr.toString(16)}: 0 → 0, written by hart \\d at racy_counter\\.c:${line}`),
    );
  }));

test('a stop shows the workspace copy of the source its breakpoint bound to', () =>
  withAdapter(async (c) => {
    const ws = join(tmp.dir, 'checkout', 'guests');
    mkdirSync(ws, { recursive: true });
    const copy = join(ws, 'racy_counter.c');
    copyFileSync(sourcePath('racy_counter'), copy);
    await launchAndStop(c, record('racy_counter'));
    const set = await c.setBreakpointsRequest({
      source: { path: copy },
      breakpoints: [{ line: findMarker('racy_counter', 'BREAK:increment') }],
    });
    assert.equal(set.body.breakpoints[0].verified, true);
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal((await topFrame(c, hit.body.threadId!)).source?.path, copy, 'not the path the ELF was built at');
  }));

test('hovers that name nothing fail without bothering the user; watches still say why', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record('racy_counter'));
    const resp = await rawRequest(c, 'evaluate', { expression: '', context: 'hover' });
    assert.equal(resp.success, false);
    assert.equal((resp.body as { error?: { showUser?: boolean } }).error?.showUser, false);
    const watch = await rawRequest(c, 'evaluate', { expression: 'no_such_name', context: 'watch' });
    assert.equal(watch.success, false);
    assert.match(watch.message ?? '', /no variable named "no_such_name"/);
  }));

/** A request whose full response (success or not) is returned instead of thrown. */
function rawRequest(c: DebugClient, command: string, args: unknown): Promise<DebugProtocol.Response> {
  return new Promise((resolve) =>
    (c as unknown as { doSend(cmd: string, a: unknown, cb: (r: DebugProtocol.Response) => void): void }).doSend(
      command,
      args,
      resolve,
    ),
  );
}

test('hartline/switches lists every switch with the hart out, the hart in and why', () =>
  withAdapter(async (c) => {
    const caps = await c
      .initializeRequest({ adapterID: 'hartline', pathFormat: 'path' } as DebugProtocol.InitializeRequestArguments)
      .then((r) => r.body as Record<string, unknown>);
    assert.ok((caps.hartlineRequests as string[]).includes('hartline/switches'));
    await c.disconnectRequest({});
  })
    .then(() =>
      withAdapter(async (c) => {
        // Round robin: full quanta end by quantum, and the harts of smp_timer sleep in wfi.
        await launchAndStop(c, record('smp_timer', { quantum: 200 }));
        await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
        const r = (await c.customRequest('hartline/switches', {})).body as {
          switches: { position: number; from?: number; to: number; cause?: string }[];
          harts: number;
        };
        assert.equal(r.harts, 2);
        assert.ok(r.switches.length > 4, `${r.switches.length} switches`);
        assert.equal(r.switches[0].cause, 'start');
        const causes = new Set(r.switches.map((s) => s.cause));
        assert.ok(causes.has('end of quantum'), [...causes].join());
        assert.ok(causes.has('wfi') || causes.has('interrupt'), [...causes].join());
        for (let k = 1; k < r.switches.length; k++) {
          assert.ok(r.switches[k].position >= r.switches[k - 1].position);
          assert.notEqual(r.switches[k].from, r.switches[k].to);
          assert.equal(r.switches[k].from, r.switches[k - 1].to, 'the hart switched out is the one switched in before');
        }
      }),
    )
    .then(() =>
      withAdapter(async (c) => {
        // Chaos: every cause near the cursor is settled from the machine.
        await launchAndStop(c, record('racy_counter', { schedule: 'chaos', seed: 3 }));
        await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
        const here = (await position(c)).position;
        const r = (await c.customRequest('hartline/switches', {})).body as { switches: { cause?: string }[] };
        const last = r.switches.slice(-10);
        assert.ok(
          last.every((s) => s.cause !== undefined),
          JSON.stringify(last),
        );
        assert.equal((await position(c)).position, here, 'reading causes leaves the cursor where it was');
      }),
    ));

test('hartline/timeline names the interrupts that woke sleeping harts, and their wfi spans', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, record('smp_timer', { quantum: 200 }));
    await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    const r = (await c.customRequest('hartline/timeline', {})).body as {
      interrupts: { hart: number; cause: string }[];
      wfi: { hart: number; from: number; to: number }[];
    };
    assert.ok(r.interrupts.length > 0, 'the harts were woken');
    assert.ok(
      r.interrupts.some((i) => i.cause === 'timer interrupt'),
      JSON.stringify(r.interrupts.slice(-4)),
    );
    assert.ok(r.wfi.length > 0 && r.wfi.every((w) => w.to >= w.from));
  }));
