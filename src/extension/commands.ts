// The handlers of the hartline.* commands: each one becomes a custom request of the adapter (or a DAP step request
// for one hart), sent to the active hartline session.

import * as vscode from 'vscode';
import type { Cursor } from './cursor';
import { parsePosition } from './positions';

function session(): vscode.DebugSession | undefined {
  const s = vscode.debug.activeDebugSession;
  if (s?.type === 'hartline') return s;
  void vscode.window.showWarningMessage('Hartline: start a hartline debug session first.');
  return undefined;
}

/** The thread of the call stack item a context menu was opened on, or of the focused item. */
function threadOf(arg: unknown): number | undefined {
  const a = arg as { threadId?: number } | undefined;
  if (a && typeof a.threadId === 'number') return a.threadId;
  const item = vscode.debug.activeStackItem;
  return item && item.session.type === 'hartline' ? item.threadId : undefined;
}

/**
 * A refusal during a session ("the machine is running", "no variable named x") belongs in the Debug Console, where
 * the session's other messages are, with a short note in the status bar: never a toast for an ordinary action.
 */
export function tell(message: string): void {
  vscode.debug.activeDebugConsole.appendLine(`Hartline: ${message}`);
  vscode.window.setStatusBarMessage(`$(debug-console) Hartline: ${message}`, 5000);
}

export async function send(command: string, args: Record<string, unknown> = {}): Promise<void> {
  const s = session();
  if (!s) return;
  try {
    await s.customRequest(command, args);
  } catch (e) {
    tell((e as Error).message);
  }
}

async function goToPosition(cursor: Cursor, arg: unknown, hart?: unknown): Promise<void> {
  let position = typeof arg === 'number' ? arg : undefined;
  // A click on the timeline while the machine runs is no request to travel: nothing happens, and nothing complains.
  if (position !== undefined && cursor.session && !cursor.stopped) return;
  if (position === undefined) {
    const text = await vscode.window.showInputBox({
      title: 'Hartline: Go to Position',
      prompt: `A position from 0 to ${cursor.end.toLocaleString('en-US')} (instructions retired by all harts), or +N / -N from here`,
      value: String(cursor.position),
      validateInput: (v) =>
        parsePosition(v, cursor.position) === undefined ? 'Type a number such as 1204331, or +1000 / -1000' : undefined,
    });
    if (text === undefined) return;
    position = parsePosition(text, cursor.position);
  }
  await send('hartline/goto', typeof hart === 'number' ? { position, hart } : { position });
}

/** The expression a Variables or Watch context menu was opened on. */
function expressionOf(arg: unknown): string | undefined {
  const a = arg as
    | {
        variable?: { evaluateName?: string; name?: string };
        expression?: string | { expression?: string };
        name?: string;
      }
    | undefined;
  if (!a) return undefined;
  if (a.variable) return a.variable.evaluateName ?? a.variable.name;
  if (typeof a.expression === 'string') return a.expression;
  return a.expression?.expression ?? a.name;
}

async function lastWrite(arg: unknown): Promise<void> {
  const expression =
    expressionOf(arg) ??
    (await vscode.window.showInputBox({
      title: 'Hartline: Last Write to…',
      prompt: 'A variable or memory expression, such as counter or *(int*)0x80001000',
    }));
  if (!expression) return;
  await send('hartline/lastWrite', { expression, threadId: threadOf(undefined) });
}

export function registerCommands(
  cursor: Cursor,
  extra: Record<string, (...args: unknown[]) => unknown>,
): vscode.Disposable[] {
  const handlers: Record<string, (...args: unknown[]) => unknown> = {
    'hartline.reverseStepIn': (a) => send('hartline/reverseStepIn', { threadId: threadOf(a) }),
    'hartline.reverseStepOut': (a) => send('hartline/reverseStepOut', { threadId: threadOf(a) }),
    'hartline.goToPosition': (a, hart) => goToPosition(cursor, a, hart),
    'hartline.previousSwitch': () => send('hartline/previousSwitch'),
    'hartline.nextSwitch': () => send('hartline/nextSwitch'),
    'hartline.lastWrite': (a) => lastWrite(a),
    'hartline.stepBackHart': (a) => send('stepBack', { threadId: threadOf(a), granularity: 'instruction' }),
    'hartline.lineBackHart': (a) => send('stepBack', { threadId: threadOf(a), granularity: 'line' }),
    'hartline.reverseStepOutHart': (a) => send('hartline/reverseStepOut', { threadId: threadOf(a) }),
    'hartline.stepHart': (a) => send('next', { threadId: threadOf(a), granularity: 'instruction' }),
    ...extra,
  };
  return Object.entries(handlers).map(([id, h]) => vscode.commands.registerCommand(id, h));
}
