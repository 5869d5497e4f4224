// The host side of the guest console for `hartline run` and `hartline record`: standard input queued as it arrives
// (a terminal in raw mode with QEMU's Ctrl-A escapes), handed to the machine only through its input door.

import { createReadStream, fstatSync, readSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { ExitCode } from '../errors';
import type { InputPort } from '../machine/machine';
import type { HartSchedule } from '../machine/schedule';

/** Ctrl-A, the escape character of QEMU's -nographic console. */
export const ESCAPE = 0x01;

/** Exit codes for a run the host ended: Ctrl-A x, or a signal (128 + its number, as a shell reports it). */
export const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

export const ESCAPE_HELP =
  '\nC-a h    print this help\n' +
  'C-a x    quit (exit code 6; a recording ends there and replays)\n' +
  'C-a C-a  send C-a to the guest\n';

/** Positions the CLI runs between two looks at the host (input, signals, Ctrl-A x): a few milliseconds of guest. */
export const CHUNK = 1_000_000;

/** Why the host ended the run early, when it did. */
export type HostStop = { kind: 'quit' } | { kind: 'signal'; signal: string };

/**
 * Where the guest's input comes from:
 * - 'file': a regular file or a device such as /dev/null, read synchronously when the guest asks (the same input
 *   at the same guest reads on every run);
 * - 'stream': a pipe or socket, read as bytes arrive;
 * - 'terminal': standard input on a terminal, in raw mode, read as keys are typed, with Ctrl-A escapes.
 */
export type SourceKind = 'file' | 'stream' | 'terminal';

export class HostConsole {
  /** The door the machine reads: a queued byte, or -1 when none has arrived (it never waits for the host). */
  readonly port: InputPort;
  readonly kind: SourceKind;
  /** No byte will come any more (end of file or of the pipe, or a read error). */
  ended = false;
  /** Set when the user typed Ctrl-A x or a signal arrived; the run loop stops at its next look. */
  stop: HostStop | undefined;
  private readonly queue: number[] = [];
  private head = 0;
  private escaped = false;
  private wake: (() => void) | undefined;
  private stream: Readable | undefined;
  private readonly cleanups: (() => void)[] = [];
  private closed = false;
  private readonly buffer = Buffer.alloc(4096);

  /**
   * `fd` is the input (0 for standard input); `say` writes host messages (the escape help) on the console, after
   * any guest output the caller holds.
   */
  constructor(
    private readonly fd: number,
    private readonly say: (text: string) => void,
  ) {
    this.kind = sourceKind(fd);
    this.port = { readByte: () => this.readByte() };
    if (this.kind === 'file') return;
    const stream: Readable = fd === 0 ? process.stdin : createReadStream('', { fd, autoClose: false });
    this.stream = stream;
    if (this.kind === 'terminal') {
      // Raw mode as QEMU's -nographic: no echo, no line editing, Ctrl-C and Ctrl-Z go to the guest, Enter sends CR.
      // The output side keeps OPOST/ONLCR (libuv's raw mode and QEMU's stdio both leave them), so the guest's bytes
      // are written unchanged and the terminal turns a bare LF into CR LF as it did before.
      process.stdin.setRawMode(true);
      this.cleanups.push(() => process.stdin.setRawMode(false));
      // The terminal goes back to cooked mode on every way out: exceptions and process.exit() run 'exit' listeners.
      const onExit = () => this.close();
      process.on('exit', onExit);
      this.cleanups.push(() => process.off('exit', onExit));
    }
    const onData = (chunk: Buffer) => this.arrived(chunk);
    const onEnd = () => {
      this.ended = true;
      this.notify();
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onEnd);
    this.cleanups.push(() => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onEnd);
    });
    for (const signal of Object.keys(SIGNAL_EXIT)) this.trap(signal as NodeJS.Signals);
  }

  /** Whether input arrives while the guest runs, so the run loop must give the event loop a turn between chunks. */
  get live(): boolean {
    return this.kind !== 'file';
  }

  /** Signals end the run cleanly (terminal restored, recording finished) instead of killing the process. */
  private trap(signal: NodeJS.Signals): void {
    const handler = () => {
      this.stop ??= { kind: 'signal', signal };
      this.notify();
    };
    process.on(signal, handler);
    this.cleanups.push(() => process.off(signal, handler));
  }

  private arrived(chunk: Buffer): void {
    for (const b of chunk) {
      if (this.kind !== 'terminal') {
        this.queue.push(b);
        continue;
      }
      if (!this.escaped) {
        if (b === ESCAPE) this.escaped = true;
        else this.queue.push(b);
        continue;
      }
      this.escaped = false;
      if (b === ESCAPE) this.queue.push(b);
      else if (b === 0x78 /* x */) this.stop ??= { kind: 'quit' };
      else if (b === 0x68 /* h */ || b === 0x3f /* ? */) this.say(ESCAPE_HELP);
      // Other escapes are dropped, as QEMU drops the ones it does not know.
    }
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private readByte(): number {
    if (this.head >= this.queue.length && this.kind === 'file' && !this.ended) {
      let n = 0;
      try {
        n = readSync(this.fd, this.buffer, 0, this.buffer.length, null);
      } catch {
        n = 0;
      }
      if (n === 0) this.ended = true;
      for (let k = 0; k < n; k++) this.queue.push(this.buffer[k]);
    }
    if (this.head >= this.queue.length) return -1;
    const b = this.queue[this.head++];
    if (this.head > 4096 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return b;
  }

  /** Whether bytes have arrived that the guest has not taken yet. */
  get pending(): boolean {
    return this.head < this.queue.length;
  }

  /** Gives the event loop a turn (input, signals), without waiting for anything. */
  turn(): Promise<void> {
    return this.live ? new Promise((resolve) => setImmediate(resolve)) : Promise.resolve();
  }

  /** Waits until a byte arrives, the input ends, or the run is asked to stop. */
  arrival(): Promise<void> {
    if (this.pending || this.ended || this.stop || this.kind === 'file') return Promise.resolve();
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  /** Restores the terminal and lets go of standard input and the signals; safe to call more than once. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.cleanups.reverse()) {
      try {
        c();
      } catch {
        /* the terminal may be gone already */
      }
    }
    if (this.stream === process.stdin) process.stdin.pause();
    else this.stream?.destroy();
  }
}

export function sourceKind(fd: number): SourceKind {
  if (fd === 0 && process.stdin.isTTY) return 'terminal';
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() ? 'stream' : 'file';
  } catch {
    return 'file';
  }
}

/** The message and exit code for a run the host ended (on a terminal the guest may have left the cursor mid-line). */
export function describeStop(stop: HostStop): { message: string; exitCode: number } {
  if (stop.kind === 'quit') return { message: 'quit at the console (Ctrl-A x)', exitCode: ExitCode.quit };
  return { message: `stopped by ${stop.signal}`, exitCode: SIGNAL_EXIT[stop.signal] ?? 128 };
}

/**
 * A schedule whose slices survive the CLI cutting a run into chunks: an unfinished slice is resumed, not redrawn,
 * so where the host looks for input never changes the interleaving (the recorder's live source does the same).
 */
export function resumingSlices(inner: HartSchedule): HartSchedule {
  let hart = -1,
    end = 0;
  return {
    name: inner.name,
    next(runnable, current, position) {
      if (current === hart && position < end && runnable.some((h) => h.id === current))
        return { hart, budget: end - position };
      const s = inner.next(runnable, current, position);
      if (s) {
        hart = s.hart;
        end = position + s.budget;
      }
      return s;
    },
  };
}
