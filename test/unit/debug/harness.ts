// Shared pieces of the adapter tests: an in-process adapter on a free port, a DebugClient on it, guest paths, and
// breakpoint lines found from text markers in the guest sources rather than hard-coded numbers.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serve } from '../../../src/debug/server';
import { guestsDir, elfPath } from '../../guests/manifest';

export { elfPath, guestsDir };

export const sourcePath = (name: string): string => join(guestsDir(), `${name}.c`);

/** The 1-based line of the only line in guest `name` containing `marker` (a `// BREAK:x` comment or unique code text). */
export function findMarker(name: string, marker: string): number {
  const lines = readFileSync(sourcePath(name), 'utf8').split('\n');
  const hits = lines.flatMap((l, k) => (l.includes(marker) ? [k + 1] : []));
  if (hits.length !== 1) throw new Error(`${name}.c: marker "${marker}" found ${hits.length} times`);
  return hits[0];
}

export interface Adapter { client: DebugClient; server: Server; close(): Promise<void> }

export async function startAdapter(): Promise<Adapter> {
  const server = await serve(0);
  const client = new DebugClient('node', 'unused', 'hartline');
  client.defaultTimeout = 20000;
  await client.start((server.address() as AddressInfo).port);
  return { client, server, close: async () => { await client.stop().catch(() => {}); server.close(); } };
}

/** Launches and waits for the first stop; breakpoints are set in `configure` between initialized and configurationDone. */
export async function launchAndStop(client: DebugClient, args: Record<string, unknown>, configure: () => Promise<unknown> = async () => {}): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await client.initializeRequest({ adapterID: 'hartline', pathFormat: 'path', linesStartAt1: true, columnsStartAt1: true, supportsMemoryReferences: true } as DebugProtocol.InitializeRequestArguments);
  await Promise.all([
    (async () => { await client.waitForEvent('initialized'); await configure(); await client.configurationDoneRequest(); })(),
    client.launchRequest(args as DebugProtocol.LaunchRequestArguments),
  ]);
  return stopped;
}

/** Sends a request that resumes or moves the machine and returns the stop it causes. */
export async function stopAfter(client: DebugClient, send: () => Promise<unknown>): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await send();
  return stopped;
}

export async function position(client: DebugClient): Promise<{ position: number; end: number }> {
  return (await client.customRequest('hartline/position')).body;
}

export async function topFrame(client: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  return (await client.stackTraceRequest({ threadId })).body.stackFrames[0];
}
