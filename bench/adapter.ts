// Adapter round trips through DebugClient on a record-mode session of the 1 G-instruction bench guest: stepBack
// (line) and reverseContinue at 10 M and 100 M positions, each with p50/p95 and a ratio to a plain `threads` round
// trip measured in the same session at the same position.

import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serve } from '../src/debug/server';

const ELF = 'test/guests/bin/bench_long.elf';
const SOURCE = 'test/guests/bench.c';
/** Hit once per round of the bench loop (about every 54 K instructions). */
const ROUND_LINE = 'for (unsigned r = 0; r < BENCH_ROUNDS; r++)';
const POSITIONS = [10_000_000, 100_000_000];

function pct(ms: number[], p: number): number {
  const s = [...ms].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(s.length * p))].toFixed(2);
}

async function timed(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const t0 = performance.now();
    await f();
    out.push(performance.now() - t0);
  }
  return out;
}

function lineOf(path: string, text: string): number {
  return (
    readFileSync(path, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  );
}

export async function benchAdapter(): Promise<object[]> {
  const server = await serve(0);
  const c = new DebugClient('node', 'unused', 'hartline');
  c.defaultTimeout = 600_000;
  await c.start((server.address() as AddressInfo).port);
  const lines: object[] = [];
  const stop = async (send: () => Promise<unknown>) => {
    const s = c.waitForEvent('stopped');
    await send();
    await s;
  };
  try {
    await c.initializeRequest({
      adapterID: 'hartline',
      pathFormat: 'path',
    } as DebugProtocol.InitializeRequestArguments);
    const first = c.waitForEvent('stopped');
    await Promise.all([
      c.configurationSequence(),
      c.launchRequest({
        mode: 'record',
        program: ELF,
        stopOnEntry: true,
        recording: join(tmpdir(), 'hartline-bench-adapter.hartrec'),
      } as DebugProtocol.LaunchRequestArguments),
    ]);
    await first;
    // Record live up to the furthest position first, as a user running the program and then going back would.
    const t0 = performance.now();
    await stop(() => c.customRequest('hartline/goto', { position: POSITIONS[POSITIONS.length - 1] }));
    const recordMs = performance.now() - t0;
    lines.push({
      bench: 'adapter-record-live',
      guest: ELF,
      positions: POSITIONS[POSITIONS.length - 1],
      ms: +recordMs.toFixed(0),
      reference: 'positions per ms',
      ratio: +(POSITIONS[POSITIONS.length - 1] / recordMs).toFixed(0),
    });
    const roundLine = lineOf(SOURCE, ROUND_LINE);
    for (const at of POSITIONS) {
      await stop(() => c.customRequest('hartline/goto', { position: at }));
      const reference = await timed(30, () => c.threadsRequest());
      const ref95 = pct(reference, 0.95);
      // A user pressing Step Back again and again: the first step after the jump and the ones after it.
      const back = await timed(30, () => stop(() => c.stepBackRequest({ threadId: 1 })));
      lines.push({
        bench: 'adapter-stepBack-line',
        position: at,
        p50ms: pct(back, 0.5),
        p95ms: pct(back, 0.95),
        maxMs: pct(back, 1),
        targetP95Ms: 150,
        reference: 'threads round trip p95 (ms)',
        referenceMs: ref95,
        ratio: +(pct(back, 0.95) / ref95).toFixed(1),
      });
      // Reverse Continue to a breakpoint hit once per round of the loop, repeatedly from `at`.
      await stop(() => c.customRequest('hartline/goto', { position: at }));
      await c.setBreakpointsRequest({ source: { path: resolve(SOURCE) }, breakpoints: [{ line: roundLine }] });
      const rc = await timed(10, () => stop(() => c.reverseContinueRequest({ threadId: 1 })));
      lines.push({
        bench: 'adapter-reverseContinue-loop',
        position: at,
        p50ms: pct(rc, 0.5),
        p95ms: pct(rc, 0.95),
        reference: 'threads round trip p95 (ms)',
        referenceMs: ref95,
        ratio: +(pct(rc, 0.95) / ref95).toFixed(1),
      });
      await c.setBreakpointsRequest({ source: { path: resolve(SOURCE) }, breakpoints: [] });
      // Reverse Continue to main's breakpoint: the search runs back through the whole recording.
      await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
      const full: number[] = [];
      for (let k = 0; k < 3; k++) {
        await stop(() => c.customRequest('hartline/goto', { position: at }));
        full.push((await timed(1, () => stop(() => c.reverseContinueRequest({ threadId: 1 }))))[0]);
      }
      await c.setFunctionBreakpointsRequest({ breakpoints: [] });
      lines.push({
        bench: 'adapter-reverseContinue-to-start',
        position: at,
        p50ms: pct(full, 0.5),
        p95ms: pct(full, 0.95),
        reference: 'threads round trip p95 (ms)',
        referenceMs: ref95,
        ratio: +(pct(full, 0.95) / ref95).toFixed(1),
      });
    }
  } finally {
    await c.terminateRequest().catch(() => {});
    await c.stop().catch(() => {});
    server.close();
  }
  return lines;
}

// Standalone: node out/bench/adapter.js (bundled into run.js too, where this must not fire).
if (/[\/]adapter\.js$/.test(process.argv[1] ?? ''))
  void benchAdapter().then((l) => {
    for (const x of l) process.stdout.write(JSON.stringify(x) + '\n');
  });
