// CPU-switch markers and other harts' current lines in source editors. Ranges are kept per file and re-applied whenever
// an editor becomes visible (editors forget decorations when hidden); decoration types are created once and cached.

import * as vscode from 'vscode';
import type { Cursor } from './cursor';
import { describeSwitch } from './sites';
import { hartColor, HART_COLORS, markerIcon, shade } from './colors';

const fmt = (n: number) => n.toLocaleString('en-US');

export class Markers implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** Per file path: decoration key -> options. */
  private byFile = new Map<string, Map<string, vscode.DecorationOptions[]>>();
  private enabled: boolean;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly context: vscode.ExtensionContext, private readonly cursor: Cursor) {
    this.enabled = vscode.workspace.getConfiguration('hartline').get('markers.enabled', true);
    this.disposables.push(
      cursor.onDidChange(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.apply()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('hartline.markers')) { this.enabled = vscode.workspace.getConfiguration('hartline').get('markers.enabled', true); this.update(); } }),
    );
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    void vscode.workspace.getConfiguration('hartline').update('markers.enabled', this.enabled, vscode.ConfigurationTarget.Global);
    this.update();
    return this.enabled;
  }

  private type(key: string): vscode.TextEditorDecorationType {
    let t = this.types.get(key);
    if (t) return t;
    const [kind, hartText] = key.split(':');
    const hart = Number(hartText);
    if (kind === 'in' || kind === 'out') {
      t = vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(this.context.extensionUri, markerIcon(hart, kind)),
        gutterIconSize: 'contain',
        overviewRulerColor: hartColor(hart),
        overviewRulerLane: kind === 'in' ? vscode.OverviewRulerLane.Left : vscode.OverviewRulerLane.Center,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      });
    } else {
      t = vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        backgroundColor: shade(hart, 0.12),
        overviewRulerColor: shade(hart, 0.6),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        after: { contentText: `  hart ${hart}`, color: hartColor(hart), fontStyle: 'italic', margin: '0 0 0 2em' },
      });
    }
    this.types.set(key, t);
    return t;
  }

  private add(path: string, key: string, o: vscode.DecorationOptions): void {
    let m = this.byFile.get(path);
    if (!m) this.byFile.set(path, (m = new Map()));
    let list = m.get(key);
    if (!list) m.set(key, (list = []));
    list.push(o);
  }

  /** Rebuilds the per-file ranges from the cursor, then re-applies them. */
  update(): void {
    this.byFile = new Map();
    const c = this.cursor;
    const config = vscode.workspace.getConfiguration('hartline');
    if (c.session && c.stopped && this.enabled) {
      const cause = c.session.configuration.mode === 'record' || c.session.configuration.schedule
        ? (c.session.configuration.schedule === 'chaos' ? 'chaos slice' : 'quantum expired') : undefined;
      for (const s of c.sites) {
        const link = `[Go to position ${fmt(s.position)}](command:hartline.goToPosition?${encodeURIComponent(JSON.stringify([s.position]))})`;
        const text = describeSwitch(s, cause);
        for (const [way, at, hart] of [['out', s.out, s.from], ['in', s.in, s.to]] as const) {
          if (!at?.path || !at.line || hart === undefined) continue;
          const hover = new vscode.MarkdownString(`**${way === 'in' ? 'Switched in' : 'Switched out'}:** ${text}\n\n${link}`);
          hover.isTrusted = { enabledCommands: ['hartline.goToPosition'] };
          const line = at.line - 1;
          this.add(at.path, `${way}:${hart % HART_COLORS.length}`, { range: new vscode.Range(line, 0, line, 0), hoverMessage: hover });
        }
      }
    }
    if (c.session && c.stopped && config.get('markers.otherHarts', true)) {
      for (const loc of c.locations) {
        if (loc.hart === c.focus || !loc.path || !loc.line) continue;
        const line = loc.line - 1;
        this.add(loc.path, `hart:${loc.hart}`, { range: new vscode.Range(line, 0, line, 0), hoverMessage: `hart ${loc.hart} is here (${loc.name ?? ''} ${loc.pc ?? ''})` });
      }
    }
    this.apply();
  }

  /** What is marked, for tests and the e2e suite: one entry per decoration. */
  marked(): { path: string; kind: string; line: number }[] {
    const out: { path: string; kind: string; line: number }[] = [];
    for (const [path, m] of this.byFile) for (const [key, list] of m) for (const o of list) out.push({ path, kind: key, line: o.range.start.line + 1 });
    return out;
  }

  /** Puts the ranges on every visible editor; called on every visibility change as well. */
  apply(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme !== 'file') continue;
      const m = this.byFile.get(editor.document.uri.fsPath);
      for (const [key, t] of this.types) editor.setDecorations(t, m?.get(key) ?? []);
      for (const [key, list] of m ?? []) if (!this.types.has(key) || list.length) editor.setDecorations(this.type(key), list);
    }
  }

  dispose(): void {
    for (const t of this.types.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
