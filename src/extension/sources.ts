// When a stop names a source file that is not on this machine (an ELF built elsewhere), say which path was looked
// for and offer to add the `sourceMap` entry that finds it, written into the session's launch configuration.

import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { Cursor } from './cursor';
import { sourceMapEntry } from './sourceMap';

export class MissingSources implements vscode.Disposable {
  /** Paths already reported in this window: one question per file. */
  private readonly asked = new Set<string>();
  private readonly sub: vscode.Disposable;
  /** The last path reported, for the extension-host suite. */
  lastMissing: string | undefined;

  constructor(private readonly cursor: Cursor) {
    this.sub = cursor.onDidChange(() => this.check());
  }

  private check(): void {
    const c = this.cursor;
    if (!c.session || !c.stopped) return;
    const here = c.locations.find((l) => l.hart === c.focus);
    const path = here?.path;
    if (!path || !path.startsWith('/') || existsSync(path) || this.asked.has(path)) return;
    this.asked.add(path);
    this.lastMissing = path;
    void this.offer(c.session, path);
  }

  private async offer(session: vscode.DebugSession, path: string): Promise<void> {
    const add = 'Add sourceMap Entry…';
    const pick = await vscode.window.showWarningMessage(
      `Hartline: ${basename(path)} was not found at ${path}, the path in the program's debug information. Add a "sourceMap" entry to find it here?`,
      add,
    );
    if (pick !== add) return;
    const folders = await vscode.window.showOpenDialog({
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      title: `The folder that holds ${basename(path)}`,
      defaultUri: vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const folder = folders?.[0]?.fsPath;
    if (!folder) return;
    const entry = sourceMapEntry(path, folder, existsSync);
    if (!entry) {
      void vscode.window.showWarningMessage(`Hartline: ${basename(path)} is not under ${folder} either.`);
      return;
    }
    await addSourceMap(session, entry);
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** Writes the entry into the launch configuration the session was started from; applies from the next session. */
export async function addSourceMap(session: vscode.DebugSession, [from, to]: [string, string]): Promise<void> {
  const ws = session.workspaceFolder ?? vscode.workspace.workspaceFolders?.[0];
  const launch = vscode.workspace.getConfiguration('launch', ws?.uri);
  const configs = [...(launch.get<Record<string, unknown>[]>('configurations') ?? [])];
  const k = configs.findIndex((c) => c.name === session.name && c.type === 'hartline');
  const local =
    ws && (to === ws.uri.fsPath || to.startsWith(ws.uri.fsPath + '/'))
      ? '${workspaceFolder}' + to.slice(ws.uri.fsPath.length)
      : to;
  if (k < 0) {
    vscode.debug.activeDebugConsole.appendLine(
      `Hartline: add "sourceMap": { "${from}": "${local}" } to the launch configuration (it is not in launch.json).`,
    );
    return;
  }
  configs[k] = {
    ...configs[k],
    sourceMap: { ...(configs[k].sourceMap as Record<string, string> | undefined), [from]: local },
  };
  await launch.update('configurations', configs, vscode.ConfigurationTarget.WorkspaceFolder);
  vscode.debug.activeDebugConsole.appendLine(
    `Hartline: "sourceMap": { "${from}": "${local}" } added to "${session.name}"; restart the session to use it.`,
  );
}
