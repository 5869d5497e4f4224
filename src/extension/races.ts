// The Races view and race diagnostics: when a hartline replay starts (or on "Find Data Races"), the recording is
// replayed once with the race detector, racing lines get warnings, and the view lists variable → pair → accesses;
// clicking an access travels there through the adapter's hartline/goto request.

import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { readRecording } from '../replay/reader';
import { loadImages, locateImage } from '../replay/images';
import { findRacesInBackground } from '../replay/races/background';
import { loadSymbols, Symbols } from '../symbols';
import { AccessItem, accessLabel, groupRaces, pairLabel, PairItem, racingLines, VariableItem } from './raceModel';

import { RACES_VIEW_ID as RACES_VIEW } from './raceManifest';

type Node = { kind: 'variable'; v: VariableItem } | { kind: 'pair'; p: PairItem } | { kind: 'access'; a: AccessItem };

class RacesTree implements vscode.TreeDataProvider<Node> {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  vars: VariableItem[] = [];

  set(vars: VariableItem[]): void {
    this.vars = vars;
    this.changed.fire(undefined);
  }

  getChildren(n?: Node): Node[] {
    if (!n) return this.vars.map((v) => ({ kind: 'variable', v }));
    if (n.kind === 'variable') return n.v.pairs.map((p) => ({ kind: 'pair', p }));
    if (n.kind === 'pair') return n.p.accesses.map((a) => ({ kind: 'access', a }));
    return [];
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'variable') {
      const t = new vscode.TreeItem(n.v.name, vscode.TreeItemCollapsibleState.Expanded);
      t.description = `${n.v.pairs.length} pair${n.v.pairs.length === 1 ? '' : 's'}, ${n.v.count}×${n.v.type ? ` · ${n.v.type}` : ''}`;
      t.iconPath = new vscode.ThemeIcon('warning');
      return t;
    }
    if (n.kind === 'pair') {
      const t = new vscode.TreeItem(pairLabel(n.p), vscode.TreeItemCollapsibleState.Collapsed);
      t.description = `0x${n.p.address.toString(16)}`;
      return t;
    }
    const t = new vscode.TreeItem(accessLabel(n.a), vscode.TreeItemCollapsibleState.None);
    t.iconPath = new vscode.ThemeIcon(n.a.kind === 'write' ? 'edit' : 'eye');
    t.tooltip = `${n.a.kind} of ${n.a.size} bytes by hart ${n.a.hart} at position ${n.a.position} (pc 0x${n.a.pc.toString(16)}); click to go there`;
    t.command = { command: 'hartline.goToRaceAccess', title: 'Go to this access', arguments: [n.a] };
    return t;
  }
}

/** The recording a session replays and where relative paths start. */
function recordingOf(
  c: vscode.DebugConfiguration,
): { path: string; program?: string; sourceMap: [string, string][] } | undefined {
  if (typeof c.recording !== 'string' || c.recording.includes('${')) return undefined;
  const base =
    typeof c.cwd === 'string' ? c.cwd : (vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? process.cwd());
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  const sourceMap = Object.entries((c.sourceMap ?? {}) as Record<string, string>).map(
    ([a, b]) => [a.replace(/\/+$/, ''), abs(b).replace(/\/+$/, '')] as [string, string],
  );
  return { path: abs(c.recording), program: typeof c.program === 'string' ? abs(c.program) : undefined, sourceMap };
}

export class Races implements vscode.Disposable {
  private readonly tree = new RacesTree();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('hartline-races');
  private readonly subs: vscode.Disposable[] = [];

  constructor() {
    this.subs.push(
      vscode.window.registerTreeDataProvider(RACES_VIEW, this.tree),
      this.diagnostics,
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'hartline' && recordingOf(s.configuration) && s.configuration.mode !== 'record')
          void this.analyze(s.configuration);
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.type === 'hartline') this.clear();
      }),
    );
  }

  clear(): void {
    this.diagnostics.clear();
    this.tree.set([]);
    void vscode.commands.executeCommand('setContext', 'hartline.hasRaces', false);
  }

  /** Replays the recording with the detector (once, a few seconds at most for the examples) and shows what it found. */
  async analyze(c: vscode.DebugConfiguration): Promise<number> {
    const where = recordingOf(c);
    if (!where) {
      void vscode.window.showWarningMessage('Hartline: this session names no recording file to look for races in.');
      return 0;
    }
    return vscode.window.withProgress(
      {
        location: vscode.ProgressLocation.Window,
        title: `Hartline: looking for data races in ${basename(where.path)}`,
      },
      async () => {
        try {
          const bytes = new Uint8Array(readFileSync(where.path));
          const rec = readRecording(bytes, where.path);
          const read = (p: string) => {
            const local = locateImage(where.path, p);
            return new Uint8Array(readFileSync(existsSync(local) ? local : (where.program ?? p)));
          };
          const images = loadImages(rec.header, read, false);
          const report = await findRacesInBackground(bytes, where.path, images);
          const syms: Symbols[] = [];
          for (const i of images) {
            try {
              syms.push(loadSymbols(i.bytes, i.ref.path));
            } catch {
              /* no symbols: addresses only */
            }
          }
          const vars = groupRaces(report.races, syms, where.sourceMap);
          this.show(vars);
          return report.races.length;
        } catch (e) {
          void vscode.window.showErrorMessage(`Hartline: cannot look for races: ${(e as Error).message}`);
          return 0;
        }
      },
    );
  }

  private show(vars: VariableItem[]): void {
    this.tree.set(vars);
    this.diagnostics.clear();
    for (const [file, lines] of racingLines(vars)) {
      this.diagnostics.set(
        vscode.Uri.file(file),
        [...lines].map(([line, message]) => {
          const d = new vscode.Diagnostic(
            new vscode.Range(line - 1, 0, line - 1, Number.MAX_SAFE_INTEGER),
            message,
            vscode.DiagnosticSeverity.Warning,
          );
          d.source = 'hartline races';
          return d;
        }),
      );
    }
    void vscode.commands.executeCommand('setContext', 'hartline.hasRaces', vars.length > 0);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

/** Travels to an access in the active replay (or, with none, opens its line). */
export async function goToRaceAccess(a: AccessItem): Promise<void> {
  const s = vscode.debug.activeDebugSession;
  if (s?.type === 'hartline') {
    try {
      await s.customRequest('hartline/goto', { position: a.position });
    } catch (e) {
      void vscode.window.showErrorMessage(`Hartline: ${(e as Error).message}`);
    }
    return;
  }
  if (a.file && a.line)
    await vscode.window.showTextDocument(vscode.Uri.file(a.file), {
      selection: new vscode.Range(a.line - 1, 0, a.line - 1, 0),
    });
}

export function registerRaces(): { races: Races; disposables: vscode.Disposable[] } {
  const races = new Races();
  return {
    races,
    disposables: [
      races,
      vscode.commands.registerCommand('hartline.goToRaceAccess', (a: AccessItem) => goToRaceAccess(a)),
      vscode.commands.registerCommand('hartline.findRaces', async () => {
        const s = vscode.debug.activeDebugSession;
        let c = s?.type === 'hartline' ? s.configuration : undefined;
        if (!c || !recordingOf(c)) {
          const pick = await vscode.window.showOpenDialog({
            title: 'Hartline: a recording to look for data races in',
            filters: { 'Hartline recordings': ['hartrec'] },
          });
          if (!pick?.[0]) return;
          c = { type: 'hartline', request: 'launch', name: 'races', recording: pick[0].fsPath };
        }
        const n = await races.analyze(c);
        void vscode.window.showInformationMessage(
          n === 0
            ? 'Hartline: no data races in this recording.'
            : `Hartline: ${n} racing pair${n === 1 ? '' : 's'}; see the Races view.`,
        );
      }),
    ],
  };
}
