// The read-only recording-dump document (`hartline dump` text, syntaxes/hartline-dump.tmLanguage.json colours it),
// with links and CodeLenses on positions that travel there while a hartline session is active.

import * as vscode from 'vscode';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { dumpRecording } from '../replay/dump-text';
import { DUMP_LANGUAGE, DUMP_SCHEME } from './manifest';
import { defaultRecordingPath } from '../debug/launch-attributes';

/** hartline-dump:/name.hartrec.dump?<path of the recording> */
export function dumpUri(recording: vscode.Uri): vscode.Uri {
  return vscode.Uri.from({ scheme: DUMP_SCHEME, path: `/${basename(recording.fsPath)}.dump`, query: recording.fsPath });
}

/** Event lines begin with the position right-aligned; this finds it. */
const EVENT = /^\s*(\d+)\s+(h\d+|-)\s+(\w+)/;
const MAX_LENSES = 5000;

const goto = (position: number): vscode.Command => ({
  title: `$(debug-step-back) go to ${position.toLocaleString('en-US')}`,
  command: 'hartline.goToPosition',
  arguments: [position],
});

export class DumpDocuments
  implements vscode.TextDocumentContentProvider, vscode.DocumentLinkProvider, vscode.CodeLensProvider, vscode.Disposable
{
  onDidChangeCodeLenses?: vscode.Event<void>;
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  /** The dump is read again whenever its recording changes on disk (a live recording grows, a new one replaces it). */
  readonly onDidChange = this.changed.event;
  private readonly watchers = new Map<string, vscode.Disposable>();

  private watch(uri: vscode.Uri): void {
    if (this.watchers.has(uri.toString())) return;
    const file = vscode.Uri.file(uri.query);
    const w = vscode.workspace.createFileSystemWatcher(
      new vscode.RelativePattern(vscode.Uri.joinPath(file, '..'), basename(file.fsPath)),
    );
    const fire = () => this.changed.fire(uri);
    w.onDidChange(fire);
    w.onDidCreate(fire);
    w.onDidDelete(fire);
    this.watchers.set(uri.toString(), w);
  }

  /** Reads every open dump again (after a session ends its recording is finished: its trailer is new). */
  refreshAll(): void {
    for (const doc of vscode.workspace.textDocuments) if (doc.uri.scheme === DUMP_SCHEME) this.changed.fire(doc.uri);
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.dispose();
    this.changed.dispose();
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    this.watch(uri);
    try {
      const bytes = new Uint8Array(await readFile(uri.query));
      return dumpRecording(bytes, uri.query).join('\n') + '\n';
    } catch (e) {
      return `hartline: cannot dump ${uri.query}: ${(e as Error).message}\n`;
    }
  }

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    if (!vscode.debug.activeDebugSession || vscode.debug.activeDebugSession.type !== 'hartline') return [];
    const links: vscode.DocumentLink[] = [];
    for (let i = 0; i < doc.lineCount; i++) {
      const m = EVENT.exec(doc.lineAt(i).text);
      if (!m) continue;
      const start = m[0].indexOf(m[1]);
      const link = new vscode.DocumentLink(
        new vscode.Range(i, start, i, start + m[1].length),
        vscode.Uri.parse(`command:hartline.goToPosition?${encodeURIComponent(JSON.stringify([Number(m[1])]))}`),
      );
      link.tooltip = 'Go to this position in the active Hartline session';
      links.push(link);
    }
    return links;
  }

  provideCodeLenses(doc: vscode.TextDocument): vscode.CodeLens[] {
    if (!vscode.debug.activeDebugSession || vscode.debug.activeDebugSession.type !== 'hartline') return [];
    const lenses: vscode.CodeLens[] = [];
    for (let i = 0; i < doc.lineCount && lenses.length < MAX_LENSES; i++) {
      const m = EVENT.exec(doc.lineAt(i).text);
      // Links make every position clickable; lenses mark only the rare events (input, wake), to stay readable.
      if (m && (m[3] === 'input' || m[3] === 'wake'))
        lenses.push(new vscode.CodeLens(new vscode.Range(i, 0, i, 0), goto(Number(m[1]))));
    }
    return lenses;
  }
}

export function registerDumps(): vscode.Disposable[] {
  const docs = new DumpDocuments();
  const lensChanged = new vscode.EventEmitter<void>();
  docs.onDidChangeCodeLenses = lensChanged.event;
  const selector = { scheme: DUMP_SCHEME };
  return [
    docs,
    vscode.workspace.registerTextDocumentContentProvider(DUMP_SCHEME, docs),
    vscode.debug.onDidTerminateDebugSession((s) => {
      if (s.type === 'hartline') docs.refreshAll();
    }),
    vscode.debug.onDidReceiveDebugSessionCustomEvent((e) => {
      if (e.session.type === 'hartline' && e.event === 'hartline/position') docs.refreshAll();
    }),
    vscode.languages.registerDocumentLinkProvider(selector, docs),
    vscode.languages.registerCodeLensProvider(selector, docs),
    vscode.debug.onDidChangeActiveDebugSession(() => lensChanged.fire()),
    lensChanged,
  ];
}

export async function openDump(arg: unknown): Promise<void> {
  let uri = arg instanceof vscode.Uri ? arg : undefined;
  if (!uri) {
    const s = vscode.debug.activeDebugSession;
    const c = s?.type === 'hartline' ? s.configuration : undefined;
    const rec =
      (c?.recording as string | undefined) ??
      (typeof c?.program === 'string' ? defaultRecordingPath(c.program) : undefined);
    if (rec && !rec.includes('${')) uri = vscode.Uri.file(rec);
  }
  if (!uri) {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: false,
      filters: { 'Hartline recordings': ['hartrec'] },
      title: 'Recording to dump',
    });
    uri = picked?.[0];
  }
  if (!uri) return;
  const doc = await vscode.workspace.openTextDocument(dumpUri(uri));
  await vscode.languages.setTextDocumentLanguage(doc, DUMP_LANGUAGE);
  await vscode.window.showTextDocument(doc, { preview: false });
}
