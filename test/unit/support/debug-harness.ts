// Shared pieces of the adapter tests: an in-process adapter on a free port, a DebugClient on it, guest and fixture
// paths, and breakpoint lines found from text markers in the sources (`// BREAK:x` comments, `STOP:` comments in the
// symbols fixtures, or unique code text) rather than hard-coded numbers.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo, Server } from 'node:net';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { serve } from '../../../src/debug/server';
import { guestsDir, elfPath, repoRoot } from '../../guests/manifest';

export { elfPath, guestsDir, repoRoot };

export const sourcePath = (name: string): string => join(guestsDir(), `${name}.c`);

/** The symbols fixture guest (test/fixtures/symbols), built at `level` with DWARF 5. */
export const fixtureElf = (level: 'O0' | 'Og' | 'O2'): string =>
  join(repoRoot(), 'test', 'fixtures', 'symbols', 'elf', `guest-${level}-dwarf5.elf`);
/** A fixture source as its ELFs name it (they were built in /hartline/fixtures) and as it is in this checkout. */
export const fixtureSource = (file: string): string => `/hartline/fixtures/src/${file}`;
const fixtureLocal = (file: string): string => join(repoRoot(), 'test', 'fixtures', 'symbols', 'src', file);

/** The 1-based line of the only line of `path` containing `marker`. */
export function markerIn(path: string, marker: string): number {
  const lines = readFileSync(path, 'utf8').split('\n');
  const hits = lines.flatMap((l, k) => (l.includes(marker) ? [k + 1] : []));
  if (hits.length !== 1) throw new Error(`${path}: marker "${marker}" found ${hits.length} times`);
  return hits[0];
}

/** A line of guest `name` by marker (a `// BREAK:x` comment or unique code text). */
export const findMarker = (name: string, marker: string): number => markerIn(sourcePath(name), marker);
/** A line of a symbols fixture source by marker (its `STOP:` comments or unique code text). */
export const fixtureMarker = (file: string, marker: string): number => markerIn(fixtureLocal(file), marker);

export interface Adapter {
  client: DebugClient;
  server: Server;
  close(): Promise<void>;
}

/**
 * `close()` resolves once the adapter's side of every connection has closed: the session's own 'close' listener runs
 * first (it was attached when the connection came), so by then a lost connection has finished its recording.
 */
export async function startAdapter(): Promise<Adapter> {
  const server = await serve(0);
  const ended: Promise<void>[] = [];
  server.on('connection', (socket) => ended.push(new Promise((resolve) => socket.once('close', () => resolve()))));
  const client = new DebugClient('node', 'unused', 'hartline');
  client.defaultTimeout = 20000;
  await client.start((server.address() as AddressInfo).port);
  return {
    client,
    server,
    close: async () => {
      await client.stop().catch(() => {});
      await Promise.all(ended);
      server.close();
    },
  };
}

/** Starts an adapter, runs `body` with its client, and closes it whatever happens. */
export async function withAdapter<T>(body: (c: DebugClient) => Promise<T>): Promise<T> {
  const a = await startAdapter();
  try {
    return await body(a.client);
  } finally {
    await a.close();
  }
}

/** Launches and waits for the first stop; breakpoints are set in `configure` between initialized and configurationDone. */
export async function launchAndStop(
  client: DebugClient,
  args: Record<string, unknown>,
  configure: () => Promise<unknown> = async () => {},
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await client.initializeRequest({
    adapterID: 'hartline',
    pathFormat: 'path',
    linesStartAt1: true,
    columnsStartAt1: true,
    supportsMemoryReferences: true,
  } as DebugProtocol.InitializeRequestArguments);
  await Promise.all([
    (async () => {
      await client.waitForEvent('initialized');
      await configure();
      await client.configurationDoneRequest();
    })(),
    client.launchRequest(args as DebugProtocol.LaunchRequestArguments),
  ]);
  return stopped;
}

/** Sends a request that resumes or moves the machine and returns the stop it causes. */
export async function stopAfter(
  client: DebugClient,
  send: () => Promise<unknown>,
): Promise<DebugProtocol.StoppedEvent> {
  const stopped = client.waitForEvent('stopped') as Promise<DebugProtocol.StoppedEvent>;
  await send();
  return stopped;
}

export async function position(client: DebugClient): Promise<{ position: number; end: number; live: boolean }> {
  return (await client.customRequest('hartline/position')).body;
}

export async function topFrame(client: DebugClient, threadId: number): Promise<DebugProtocol.StackFrame> {
  return (await client.stackTraceRequest({ threadId })).body.stackFrames[0];
}

export async function evaluate(
  client: DebugClient,
  expression: string,
  context = 'watch',
  frameId?: number,
): Promise<string> {
  return (await client.evaluateRequest({ expression, context, frameId })).body.result;
}

/** Everything the adapter prints (guest console and adapter messages) from now on, as one growing string. */
export function output(client: DebugClient, category?: string): { text: () => string } {
  let text = '';
  client.on('output', (e: DebugProtocol.OutputEvent) => {
    if (!category || e.body.category === category) text += e.body.output;
  });
  return { text: () => text };
}

/** A temporary folder for recordings, removed by `done()`. */
export function scratch(prefix: string): { dir: string; file: (name: string) => string; done: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  return {
    dir,
    file: (name) => join(dir, `${n++}-${name}`),
    done: () => rmSync(dir, { recursive: true, force: true }),
  };
}
