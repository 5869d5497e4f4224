// When a stop names a source file that is not on this machine (an ELF built elsewhere), say which path was looked
// for and offer to add the `sourceMap` entry that finds it, written into the session's launch configuration; then a
// replay starts again with it (the stop opens the file), and a recording, which must not be cut short, opens the file.

import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { basename, dirname } from 'node:path';
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
    void this.offer(c.session, path, here?.line ?? 1);
  }

  private async offer(session: vscode.DebugSession, path: string, line: number): Promise<void> {
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
      defaultUri: guessFolder(path) ?? vscode.workspace.workspaceFolders?.[0]?.uri,
    });
    const folder = folders?.[0]?.fsPath;
    if (!folder) return;
    const entry = sourceMapEntry(path, folder, existsSync);
    if (!entry) {
      void vscode.window.showWarningMessage(`Hartline: ${basename(path)} is not under ${folder} either.`);
      return;
    }
    const written = await addSourceMap(session, entry);
    const c = session.configuration;
    const replay = c.mode === 'replay' || (!c.mode && !!c.recording && !c.program);
    if (written && replay) {
      // The adapter maps paths from its launch on: the same replay again, at the same place (its startAt).
      await vscode.debug.stopDebugging(session);
      await vscode.debug.startDebugging(session.workspaceFolder, session.name);
      return;
    }
    const here = vscode.Uri.file(entry[1] + path.slice(entry[0].length));
    await vscode.window.showTextDocument(here, { selection: new vscode.Range(line - 1, 0, line - 1, 0) });
  }

  dispose(): void {
    this.sub.dispose();
  }
}

/** The first workspace folder, or a folder above one (a checkout's root), under which `path`'s file is found. */
function guessFolder(path: string): vscode.Uri | undefined {
  for (const ws of vscode.workspace.workspaceFolders ?? [])
    for (let f = ws.uri.fsPath, k = 0; k < 3; k++, f = dirname(f))
      if (sourceMapEntry(path, f, existsSync)) return vscode.Uri.file(f);
  return undefined;
}

/**
 * Writes the entry into the launch configuration the session was started from (it applies from the next session);
 * false when that configuration is not in launch.json, and the Debug Console says what to add.
 */
export async function addSourceMap(session: vscode.DebugSession, [from, to]: [string, string]): Promise<boolean> {
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
    return false;
  }
  configs[k] = {
    ...configs[k],
    sourceMap: { ...(configs[k].sourceMap as Record<string, string> | undefined), [from]: local },
  };
  await launch.update('configurations', configs, vscode.ConfigurationTarget.WorkspaceFolder);
  vscode.debug.activeDebugConsole.appendLine(
    `Hartline: "sourceMap": { "${from}": "${local}" } added to "${session.name}" in launch.json.`,
  );
  return true;
}
