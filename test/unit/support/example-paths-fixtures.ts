// Drives the debug adapter through an example's own launch configuration, with its `sourceMap` applied as the
// extension applies it, so the path tests follow each README's steps exactly as a user in VS Code would.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { mapPaths } from '../../../src/extension/sourceMap';
import { launchAndStop, position, startAdapter, stopAfter, Adapter } from './debug-harness';
import type { Example } from './examples-fixtures';

export { position, stopAfter };

/** A configuration from the example's .vscode/launch.json, with ${workspaceFolder} resolved. */
export function launchConfig(ex: Example, name: string): Record<string, unknown> {
  const text = readFileSync(join(ex.dir, '.vscode', 'launch.json'), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const all = JSON.parse(text.replaceAll('${workspaceFolder}', ex.dir)) as {
    configurations: Record<string, unknown>[];
  };
  const c = all.configurations.find((x) => x.name === name);
  if (!c) throw new Error(`${ex.name}: no launch configuration named "${name}"`);
  return c;
}

export interface Session {
  client: DebugClient;
  adapter: Adapter;
  /** The example's source path as the ELF names it, for setBreakpoints. */
  remote(path: string): string;
  /** A path from the adapter mapped to this checkout, as the extension's sourceMap does. */
  local(path: string | undefined): string | undefined;
  close(): Promise<void>;
}

/** Starts the adapter on the example's "Replay" configuration and waits for its first stop. */
export async function replaySession(
  ex: Example,
  configure: (s: Session) => Promise<unknown> = async () => {},
): Promise<{ s: Session; first: DebugProtocol.StoppedEvent }> {
  const cfg = launchConfig(ex, 'Replay');
  const pairs = Object.entries((cfg.sourceMap ?? {}) as Record<string, string>).map(
    ([a, b]) => [a, b] as [string, string],
  );
  const toLocal = pairs.map(([a, b]) => [a, join(b)] as [string, string]);
  const toRemote = toLocal.map(([a, b]) => [b, a] as [string, string]);
  const adapter = await startAdapter();
  const map = (p: string, m: [string, string][]) => {
    const o = { path: p };
    mapPaths(o, m);
    return o.path;
  };
  const s: Session = {
    client: adapter.client,
    adapter,
    remote: (p) => map(p, toRemote),
    local: (p) => (p === undefined ? undefined : map(p, toLocal)),
    close: () => adapter.close(),
  };
  try {
    const first = await launchAndStop(adapter.client, cfg, () => configure(s));
    return { s, first };
  } catch (e) {
    await adapter.close();
    throw e;
  }
}

/** The top frame of a thread, with its source path mapped to this checkout. */
export async function where(
  s: Session,
  threadId: number,
): Promise<{ line: number; path: string | undefined; name: string }> {
  const f = (await s.client.stackTraceRequest({ threadId })).body.stackFrames[0];
  return { line: f.line, path: s.local(f.source?.path), name: f.name };
}

/** The call stack of a thread as "function:line" strings. */
export async function stack(
  s: Session,
  threadId: number,
): Promise<{ name: string; line: number; path: string | undefined }[]> {
  return (await s.client.stackTraceRequest({ threadId })).body.stackFrames.map((f) => ({
    name: f.name,
    line: f.line,
    path: s.local(f.source?.path),
  }));
}

export async function evaluate(s: Session, expression: string, frameId?: number): Promise<string> {
  return (await s.client.evaluateRequest({ expression, frameId, context: 'watch' })).body.result;
}
