// The guest's UART as a VS Code terminal (a Pseudoterminal): what the guest prints appears there, and keys typed
// there go to the UART through the adapter's `hartline/input` request, which logs them while recording. A replay's
// terminal shows the recorded output and refuses typing (the input was recorded).

import * as vscode from 'vscode';
import { tell } from './commands';

/** Terminal line endings: the guest prints \n, a terminal needs \r\n. */
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');

class UartTerminal implements vscode.Pseudoterminal {
  private readonly write = new vscode.EventEmitter<string>();
  readonly onDidWrite = this.write.event;
  private open_ = false;
  private pending = '';
  /** Everything shown so far, for tests and the e2e suite. */
  text = '';

  constructor(
    private readonly session: vscode.DebugSession,
    private readonly replay: boolean,
  ) {}

  open(): void {
    this.open_ = true;
    const hello = this.replay
      ? `[Hartline: the UART of a replay: its input was recorded, typing here sends nothing]\r\n`
      : `[Hartline: the guest's UART; what you type is sent to it and recorded]\r\n`;
    this.write.fire(hello + this.pending);
    this.pending = '';
  }

  close(): void {
    this.open_ = false;
  }

  output(text: string): void {
    this.text += text;
    const t = crlf(text);
    if (this.open_) this.write.fire(t);
    else this.pending += t;
  }

  handleInput(data: string): void {
    if (this.replay) {
      tell('this is a replay: its console input was recorded; record a new session to type into the guest');
      return;
    }
    // Enter sends a newline, as a serial console on QEMU's -nographic does; the terminal shows what was typed.
    const text = data.replace(/\r/g, '\n');
    this.write.fire(crlf(text));
    this.session.customRequest('hartline/input', { text }).then(undefined, (e: Error) => tell(e.message));
  }
}

export class Uart implements vscode.Disposable {
  private readonly terminals = new Map<string, { pty: UartTerminal; terminal: vscode.Terminal }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('hartline', {
        createDebugAdapterTracker: (s) => ({
          onDidSendMessage: (m: { type: string; event?: string; body?: { category?: string; output?: string } }) => {
            if (m.type === 'event' && m.event === 'output' && m.body?.category === 'stdout' && m.body.output)
              this.of(s).pty.output(m.body.output);
          },
        }),
      }),
      vscode.debug.onDidStartDebugSession((s) => {
        if (s.type === 'hartline') this.of(s);
      }),
      vscode.window.onDidCloseTerminal((t) => {
        for (const [id, x] of this.terminals) if (x.terminal === t) this.terminals.delete(id);
      }),
    );
  }

  private of(s: vscode.DebugSession): { pty: UartTerminal; terminal: vscode.Terminal } {
    let x = this.terminals.get(s.id);
    if (!x) {
      const c = s.configuration;
      const replay = c.mode === 'replay' || (!c.mode && !!c.recording && !c.program);
      const pty = new UartTerminal(s, replay);
      const terminal = vscode.window.createTerminal({
        name: `UART: ${s.name}`,
        pty,
        iconPath: new vscode.ThemeIcon('plug'),
      });
      x = { pty, terminal };
      this.terminals.set(s.id, x);
    }
    return x;
  }

  /** Shows the active session's terminal. */
  show(): void {
    const s = vscode.debug.activeDebugSession;
    if (s?.type !== 'hartline') {
      tell('start a hartline session to see its UART');
      return;
    }
    this.of(s).terminal.show(true);
  }

  /** What a session's terminal shows (the active session's by default), for the extension-host suite. */
  text(s = vscode.debug.activeDebugSession): string {
    return (s && this.terminals.get(s.id)?.pty.text) ?? '';
  }

  dispose(): void {
    for (const x of this.terminals.values()) x.terminal.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
