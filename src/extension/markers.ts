// CPU-switch markers and other harts' current lines in source editors. Ranges are kept per file and re-applied whenever
// an editor becomes visible (editors forget decorations when hidden); decoration types are created once and cached.

import * as vscode from 'vscode';
import type { Cursor } from './cursor';
import { describeLine, markLines } from './sites';
import { hartColor, HART_COLORS, markerIcon, shade } from './colors';

const fmt = (n: number) => n.toLocaleString('en-US');

export class Markers implements vscode.Disposable {
  private readonly types = new Map<string, vscode.TextEditorDecorationType>();
  /** Per file path: decoration key -> lines (1-based) with their hovers; ranges are made per editor, over the line's text. */
  private byFile = new Map<
    string,
    Map<string, { line: number; hover: vscode.MarkdownString | string; count?: number }[]>
  >();
  private enabled: boolean;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly cursor: Cursor,
  ) {
    this.enabled = vscode.workspace.getConfiguration('hartline').get('markers.enabled', true);
    this.disposables.push(
      cursor.onDidChange(() => this.update()),
      vscode.window.onDidChangeVisibleTextEditors(() => this.apply()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('hartline.markers')) {
          this.enabled = vscode.workspace.getConfiguration('hartline').get('markers.enabled', true);
          this.update();
        }
      }),
    );
  }

  toggle(): boolean {
    this.enabled = !this.enabled;
    void vscode.workspace
      .getConfiguration('hartline')
      .update('markers.enabled', this.enabled, vscode.ConfigurationTarget.Global);
    this.update();
    return this.enabled;
  }

  private type(key: string): vscode.TextEditorDecorationType {
    let t = this.types.get(key);
    if (t) return t;
    const [kind, hartText] = key.split(':');
    const hart = Number(hartText);
    if (kind === 'in' || kind === 'out' || kind === 'many') {
      t = vscode.window.createTextEditorDecorationType({
        gutterIconPath: vscode.Uri.joinPath(this.context.extensionUri, markerIcon(hart, kind)),
        gutterIconSize: 'contain',
        overviewRulerColor: hartColor(hart),
        overviewRulerLane: kind === 'in' ? vscode.OverviewRulerLane.Left : vscode.OverviewRulerLane.Center,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        // Several switches on one line say how many at the line's end.
        after: kind === 'many' ? { color: hartColor(hart), fontStyle: 'italic', margin: '0 0 0 1.5em' } : undefined,
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

  private add(
    path: string,
    key: string,
    o: { line: number; hover: vscode.MarkdownString | string; count?: number },
  ): void {
    let m = this.byFile.get(path);
    if (!m) this.byFile.set(path, (m = new Map()));
    let list = m.get(key);
    if (!list) m.set(key, (list = []));
    list.push(o);
  }

  /** Rebuilds the per-file lines from the cursor, then re-applies them. */
  update(): void {
    this.byFile = new Map();
    const c = this.cursor;
    const config = vscode.workspace.getConfiguration('hartline');
    if (c.session && c.stopped && this.enabled) {
      for (const m of markLines(c.sites, c.position)) {
        const links = m.entries
          .slice(0, 6)
          .map(
            (e) =>
              `[${fmt(e.site.position)}](command:hartline.goToPosition?${encodeURIComponent(JSON.stringify([e.site.position]))})`,
          )
          .join(' · ');
        const [head, ...rest] = describeLine(m, undefined).split('\n');
        const hover = new vscode.MarkdownString(
          `**${head}**\n\n${rest.map((r) => `- ${r}`).join('\n')}\n\nGo to position: ${links}`,
        );
        hover.isTrusted = { enabledCommands: ['hartline.goToPosition'] };
        this.add(m.path, `${m.way}:${m.hart % HART_COLORS.length}`, { line: m.line, hover, count: m.entries.length });
      }
    }
    if (c.session && c.stopped && config.get('markers.otherHarts', true)) {
      for (const loc of c.locations) {
        if (loc.hart === c.focus || !loc.path || !loc.line) continue;
        this.add(loc.path, `hart:${loc.hart}`, {
          line: loc.line,
          hover: `hart ${loc.hart} is here (${loc.name ?? ''} ${loc.pc ?? ''})`,
        });
      }
    }
    this.apply();
  }

  /** What is marked, for tests and the e2e suite: one entry per decoration, with its hover text. */
  marked(): { path: string; kind: string; line: number; hover: string }[] {
    const out: { path: string; kind: string; line: number; hover: string }[] = [];
    for (const [path, m] of this.byFile)
      for (const [key, list] of m)
        for (const o of list)
          out.push({ path, kind: key, line: o.line, hover: typeof o.hover === 'string' ? o.hover : o.hover.value });
    return out;
  }

  /** Puts the ranges on every visible editor; called on every visibility change as well. */
  apply(): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document.uri.scheme !== 'file') continue;
      const m = this.byFile.get(editor.document.uri.fsPath);
      const doc = editor.document;
      // Hovers need a range with text in it: the whole line.
      const options = (
        list: { line: number; hover: vscode.MarkdownString | string; count?: number }[],
      ): vscode.DecorationOptions[] =>
        list
          .filter((o) => o.line - 1 < doc.lineCount)
          .map((o) => {
            const l = doc.lineAt(o.line - 1);
            const range = new vscode.Range(o.line - 1, 0, o.line - 1, Math.max(1, l.text.length));
            return {
              range,
              hoverMessage: o.hover,
              renderOptions: o.count && o.count > 1 ? { after: { contentText: `⇄ ${o.count} switches` } } : undefined,
            };
          });
      for (const [key, t] of this.types) editor.setDecorations(t, options(m?.get(key) ?? []));
      for (const [key, list] of m ?? [])
        if (!this.types.has(key) || list.length) editor.setDecorations(this.type(key), options(list));
    }
  }

  dispose(): void {
    for (const t of this.types.values()) t.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
