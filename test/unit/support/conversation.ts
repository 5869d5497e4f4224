// A child process the tests talk to as a user would: they wait for what it prints, then type; never for a time.

import { spawn, ChildProcess, SpawnOptions } from 'node:child_process';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export class Conversation {
  readonly child: ChildProcess;
  /** Everything the child wrote to stdout (latin1, so every byte is one character). */
  out = '';
  err = '';
  readonly exited: Promise<Exit>;
  private gone: Exit | undefined;
  private waiters: { test: () => boolean; resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(command: string, args: string[], opts: SpawnOptions = {}) {
    this.child = spawn(command, args, { ...opts, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => {
      this.out += d.toString('latin1');
      this.check();
    });
    this.child.stderr!.on('data', (d: Buffer) => {
      this.err += d.toString('latin1');
      this.check();
    });
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code, signal) => {
        this.gone = { code, signal };
        resolve(this.gone);
        this.check();
      });
    });
  }

  /** Resolves once stdout (or stderr) contains `text` `times` times; rejects if the child ends first. */
  until(text: string, times = 1, stream: 'out' | 'err' = 'out'): Promise<void> {
    const test = () => (stream === 'out' ? this.out : this.err).split(text).length - 1 >= times;
    return new Promise((resolve, reject) => {
      this.waiters.push({ test, resolve, reject });
      this.check();
    });
  }

  send(text: string): void {
    this.child.stdin!.write(Buffer.from(text, 'latin1'));
  }

  end(): void {
    this.child.stdin!.end();
  }

  private check(): void {
    this.waiters = this.waiters.filter((w) => {
      if (w.test()) {
        w.resolve();
        return false;
      }
      if (this.gone) {
        w.reject(
          new Error(
            `the process ended (${JSON.stringify(this.gone)}) before printing what the test waits for\n` +
              `stdout: ${JSON.stringify(this.out)}\nstderr: ${JSON.stringify(this.err)}`,
          ),
        );
        return false;
      }
      return true;
    });
  }
}
