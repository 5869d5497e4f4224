// Travel history (Back / Forward through the positions stopped at) and bookmarks (named positions kept beside the
// recording, drawn on the Hart Timeline), as commands of a hartline session.

import * as vscode from 'vscode';
import type { Cursor } from './cursor';
import { send, tell } from './commands';
import { formatPosition } from './positions';
import { recordingPathOf } from './recordings';
import { Bookmark, loadBookmarks, saveBookmarks, TravelHistory } from './travel';

export class Navigation implements vscode.Disposable {
  readonly history = new TravelHistory();
  private bookmarks: Bookmark[] = [];
  private recording: string | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly cursor: Cursor) {
    cursor.bookmarks = () => this.bookmarks.slice();
    let session: vscode.DebugSession | undefined;
    this.disposables.push(
      cursor.onDidChange(() => {
        if (cursor.session !== session) {
          session = cursor.session;
          this.history.clear();
          this.recording = session
            ? recordingPathOf(session.configuration as { program?: unknown; recording?: unknown; cwd?: unknown })
            : undefined;
          this.bookmarks = this.recording ? loadBookmarks(this.recording) : [];
        }
        if (cursor.session && cursor.stopped) this.history.visit(cursor.position);
        void vscode.commands.executeCommand('setContext', 'hartline.canTravelBack', this.history.canGoBack);
        void vscode.commands.executeCommand('setContext', 'hartline.canTravelForward', this.history.canGoForward);
      }),
    );
  }

  commands(): Record<string, (...args: unknown[]) => unknown> {
    return {
      'hartline.travelBack': () => this.travel(this.history.back(), 'the start of the travel history'),
      'hartline.travelForward': () => this.travel(this.history.forward(), 'the end of the travel history'),
      'hartline.addBookmark': (name) => this.add(typeof name === 'string' ? name : undefined),
      'hartline.goToBookmark': (position) => this.pick(typeof position === 'number' ? position : undefined),
    };
  }

  private async travel(position: number | undefined, edge: string): Promise<void> {
    if (position === undefined) {
      tell(`already at ${edge}`);
      return;
    }
    await send('hartline/goto', { position });
  }

  private async add(given: string | undefined): Promise<void> {
    if (!this.recording || !this.cursor.session) {
      tell('start a hartline session to bookmark a position');
      return;
    }
    const position = this.cursor.position;
    const name =
      given ??
      (await vscode.window.showInputBox({
        title: 'Hartline: Add Bookmark',
        prompt: `A name for position ${formatPosition(position)} (hart ${this.cursor.focus})`,
        value: `hart ${this.cursor.focus} at ${formatPosition(position)}`,
      }));
    if (!name) return;
    this.bookmarks = [
      ...this.bookmarks.filter((b) => b.position !== position),
      { position, name, hart: this.cursor.focus },
    ].sort((a, b) => a.position - b.position);
    try {
      saveBookmarks(this.recording, this.bookmarks);
    } catch (e) {
      tell(`the bookmark could not be saved: ${(e as Error).message}`);
    }
    this.cursor.notify();
  }

  private async pick(position: number | undefined): Promise<void> {
    if (position === undefined) {
      if (this.bookmarks.length === 0) {
        tell('this recording has no bookmarks yet: Hartline: Add Bookmark names the current position');
        return;
      }
      const picked = await vscode.window.showQuickPick(
        this.bookmarks.map((b) => ({
          label: `$(bookmark) ${b.name}`,
          description: `position ${formatPosition(b.position)}${b.hart === undefined ? '' : `, hart ${b.hart}`}`,
          b,
        })),
        { title: 'Hartline: Go to Bookmark', placeHolder: 'A named position of this recording' },
      );
      if (!picked) return;
      await send(
        'hartline/goto',
        picked.b.hart === undefined
          ? { position: picked.b.position }
          : { position: picked.b.position, hart: picked.b.hart },
      );
      return;
    }
    await send('hartline/goto', { position });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
