// The Hart Timeline webview view in the bottom panel: one lane per hart. It follows webview-view-sample's habits:
// localResourceRoots, asWebviewUri, a nonce-based Content-Security-Policy, and postMessage both ways.

import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import type { Cursor } from './cursor';
import { HART_COLORS } from './colors';
import { TIMELINE_VIEW } from './manifest';

export class TimelineView implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly sub: vscode.Disposable;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly cursor: Cursor,
  ) {
    this.sub = cursor.onDidChange(() => this.post());
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    const media = vscode.Uri.joinPath(this.context.extensionUri, 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [media] };
    view.webview.html = this.html(view.webview, media);
    view.webview.onDidReceiveMessage((m: { type: string; position?: number; hart?: number; epoch?: number }) => {
      if (m.type === 'ready') this.post();
      // The tooltip asks which source line the lane's hart was at there; every question gets an answer, even none.
      else if (m.type === 'where' && typeof m.position === 'number' && typeof m.hart === 'number')
        void this.where(m.position, m.hart, m.epoch);
      // A click travels there and focuses the hart of the lane clicked; while the machine runs it does nothing.
      else if (m.type === 'goto' && typeof m.position === 'number')
        void vscode.commands.executeCommand('hartline.goToPosition', Math.round(m.position), m.hart);
    });
    view.onDidChangeVisibility(() => {
      if (view.visible) this.post();
    });
    view.onDidDispose(() => {
      this.view = undefined;
    });
  }

  private async where(position: number, hart: number, epoch: number | undefined): Promise<void> {
    const s = this.cursor.session;
    let where: string | undefined;
    if (s && this.cursor.stopped)
      try {
        const r = await s.customRequest('hartline/lines', { at: [{ position: Math.round(position), hart }] });
        where = r?.lines?.[0]?.where;
      } catch {
        /* running again, or an adapter without the request: the tooltip shows no line */
      }
    void this.view?.webview.postMessage({ type: 'where', position, hart, where, epoch });
  }

  private post(): void {
    if (!this.view) return;
    void this.view.webview.postMessage({
      type: 'data',
      data: this.cursor.session ? { ...this.cursor.timeline(), stopped: this.cursor.stopped } : undefined,
      colors: HART_COLORS,
    });
  }

  private html(webview: vscode.Webview, media: vscode.Uri): string {
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'timeline.css'));
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src ${webview.cspSource}; style-src ${webview.cspSource}; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link href="${style}" rel="stylesheet">
<title>Hart Timeline</title>
</head>
<body>
<div id="bar"><span id="where"></span><span id="legend"><span class="run">▬ running</span> <span class="wait">─ waiting</span> <span class="wfi">┄ wfi</span> <span class="irq">▼ interrupt</span> <span class="bp">● breakpoint</span> <span class="dbp">◆ data breakpoint</span> <span class="inp">⬩ input</span> <span class="mark">⚑ bookmark</span></span><span class="hint">click: travel to that hart · drag: pan · wheel: zoom · double-click: fit</span></div>
<div id="box"><canvas id="lanes" aria-label="One lane per hart: when it ran, waited, slept in wfi and took interrupts"></canvas></div>
<div id="empty">Start a hartline session to see one lane per hart.</div>
<div id="tip" hidden></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }

  dispose(): void {
    this.sub.dispose();
  }
}

export function registerTimeline(context: vscode.ExtensionContext, cursor: Cursor): vscode.Disposable[] {
  const view = new TimelineView(context, cursor);
  return [
    view,
    vscode.window.registerWebviewViewProvider(TIMELINE_VIEW, view, {
      webviewOptions: { retainContextWhenHidden: false },
    }),
  ];
}
