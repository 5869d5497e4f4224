// The status bar item with the cursor's position in the recording, e.g. `⏱ 1,204,331 / 9,876,543`; it opens Go to Position.

import * as vscode from 'vscode';
import type { Cursor } from './cursor';
import { positionText } from './positions';

export function statusBar(cursor: Cursor): vscode.Disposable {
  const item = vscode.window.createStatusBarItem('hartline.position', vscode.StatusBarAlignment.Left, 50);
  item.name = 'Hartline Position';
  item.command = 'hartline.goToPosition';
  const show = () => {
    if (!cursor.session) {
      item.hide();
      return;
    }
    item.text = positionText(cursor.position, cursor.end);
    item.tooltip = cursor.stopped
      ? `Position in the recording (instructions retired by all harts); hart ${cursor.focus} stopped. Click to go to another position.`
      : 'Running…';
    item.show();
  };
  const sub = cursor.onDidChange(show);
  return {
    dispose: () => {
      sub.dispose();
      item.dispose();
    },
  };
}
