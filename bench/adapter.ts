// Adapter round trips through DebugClient: stepBack (line) and reverseContinue at 10 M and 100 M positions, each as a
// ratio to a plain `threads` round trip measured in the same session.

import type { AddressInfo } from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serve } from '../src/debug/server';

const ELF = 'test/guests/bin/bench.elf';

function p95(ms: number[]): number {
  const s = [...ms].sort((a, b) => a - b);
  return +s[Math.min(s.length - 1, Math.floor(s.length * 0.95))].toFixed(2);
}

async function timed(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let k = 0; k < n; k++) { const t0 = performance.now(); await f(); out.push(performance.now() - t0); }
  return out;
}

export async function benchAdapter(): Promise<object[]> {
  const server = await serve(0);
  const c = new DebugClient('node', 'unused', 'hartline');
  c.defaultTimeout = 600_000;
  await c.start((server.address() as AddressInfo).port);
  const lines: object[] = [];
  try {
    await c.initializeRequest({ adapterID: 'hartline', pathFormat: 'path' } as DebugProtocol.InitializeRequestArguments);
    const first = c.waitForEvent('stopped');
    await Promise.all([c.configurationSequence(), c.launchRequest({ mode: 'record', program: ELF, stopOnEntry: true, recording: '/tmp/hartline-bench-adapter.hartrec' } as DebugProtocol.LaunchRequestArguments)]);
    await first;
    const stop = async (send: () => Promise<unknown>) => { const s = c.waitForEvent('stopped'); await send(); await s; };
    for (const at of [10_000_000, 100_000_000]) {
      await stop(() => c.customRequest('hartline/goto', { position: at }));
      const reference = p95(await timed(20, () => c.threadsRequest()));
      const back = p95(await timed(5, async () => { await stop(() => c.customRequest('hartline/goto', { position: at })); await stop(() => c.stepBackRequest({ threadId: 1 })); }));
      await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'main' }] });
      const rc = p95(await timed(3, async () => { await stop(() => c.customRequest('hartline/goto', { position: at })); await stop(() => c.reverseContinueRequest({ threadId: 1 })); }));
      await c.setFunctionBreakpointsRequest({ breakpoints: [] });
      const gotoOnly = p95(await timed(3, () => stop(() => c.customRequest('hartline/goto', { position: at }))));
      lines.push({ bench: 'adapter-stepBack-line', position: at, p95ms: +(back - gotoOnly).toFixed(2), targetMs: 150, referenceThreadsMs: reference, ratio: +((back - gotoOnly) / reference).toFixed(1) });
      lines.push({ bench: 'adapter-reverseContinue', position: at, p95ms: +(rc - gotoOnly).toFixed(2), referenceThreadsMs: reference, ratio: +((rc - gotoOnly) / reference).toFixed(1) });
    }
  } finally {
    await c.stop().catch(() => {});
    server.close();
  }
  return lines;
}

// Standalone: node out/bench/adapter.js (bundled into run.js too, where this must not fire).
if (/[\/]adapter\.js$/.test(process.argv[1] ?? '')) void benchAdapter().then((l) => { for (const x of l) process.stdout.write(JSON.stringify(x) + '\n'); });
