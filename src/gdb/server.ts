// The TCP side of `--gdb [HOST:]PORT`: listens (127.0.0.1 unless told), says where, waits for gdb before the first
// instruction (as QEMU's -S), serves one connection, and finishes the recording when gdb detaches, kills or goes.

import { createServer, Socket } from 'node:net';
import { HartlineError } from '../errors';
import { GdbStub } from './stub';
import type { GdbTarget } from './target';

export interface Listen {
  host: string;
  port: number;
}

/** `[HOST:]PORT` as --gdb takes it (PORT 0 picks a free port). */
export function parseListen(text: string): Listen {
  const m = /^(?:(\[[^\]]+\]|[^:]*):)?([0-9]{1,5})$/.exec(text.trim());
  const port = m ? Number(m[2]) : NaN;
  if (!m || port > 65535)
    throw new HartlineError(`--gdb: expected [HOST:]PORT such as 1234 or 127.0.0.1:1234, got '${text}'`);
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host === '' ? '127.0.0.1' : host, port };
}

export interface ServeOptions {
  /** Where the listening address and notes go (stderr for the CLI). */
  say: (text: string) => void;
  trace?: (line: string) => void;
}

/** Serves `target` to one gdb; resolves when the session is over (the recording, if any, is finished by then). */
export function serveGdb(target: GdbTarget, where: Listen, o: ServeOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    let client: Socket | undefined;
    let over = false;
    const finish = (code: number) => {
      if (over) return;
      over = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      server.close();
      try {
        target.finish();
      } catch (e) {
        reject(e);
        return;
      }
      resolve(code);
    };
    const onSignal = () => {
      o.say('hartline: interrupted; finishing the recording\n');
      client?.destroy();
      finish(130);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    server.on('error', (e: NodeJS.ErrnoException) => {
      if (over) return;
      over = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      try {
        target.finish();
      } catch {
        /* the listen error is the one to report */
      }
      reject(new HartlineError(`--gdb: cannot listen on ${where.host}:${where.port} (${e.code ?? e.message})`));
    });
    server.on('connection', (sock) => {
      if (client) {
        // One debugger at a time: the machine has one cursor.
        sock.end();
        return;
      }
      client = sock;
      sock.setNoDelay(true);
      server.close(); // no more listening: a later gdb gets "connection refused", as from QEMU after a detach
      const stub = new GdbStub(target, {
        send: (b) => {
          if (!sock.destroyed) sock.write(b);
        },
        close: () => sock.end(),
        trace: o.trace,
        note: o.say,
      });
      sock.on('data', (d) => stub.receive(d));
      sock.on('error', () => {
        /* the close event follows */
      });
      sock.on('close', () => {
        o.say(
          `hartline: gdb ${stub.ending ?? 'went away'} after ${stub.packets} packets at position ${target.position}\n`,
        );
        finish(0);
      });
    });
    server.listen(where.port, where.host, () => {
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : where.port;
      const host = where.host.includes(':') ? `[${where.host}]` : where.host;
      o.say(`hartline: waiting for gdb on ${host}:${port} (target remote ${host}:${port})\n`);
    });
  });
}
