// Entry point of dist/debugAdapter.js: the adapter on stdin/stdout, or with --server=PORT a TCP server that runs one
// session per connection (for tests and for debugging the adapter itself, as vscode-mock-debug does).

import { createServer, Server } from 'node:net';
import { HartlineSession } from './session';

/** Starts a TCP server on `port` (0 picks a free one); each connection gets its own session. */
export function serve(port: number): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer((socket) => {
      // A stop is a response and then an event: without this, Nagle's algorithm holds the event for the client's
      // delayed ACK (about 40 ms).
      socket.setNoDelay(true);
      const session = new HartlineSession();
      session.setRunAsServer(true);
      session.start(socket, socket);
    });
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function main(): void {
  const arg = process.argv.slice(2).find((a) => a.startsWith('--server='));
  if (arg) {
    const port = Number(arg.slice('--server='.length));
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      process.stderr.write(`hartline debug adapter: --server needs a port number, got "${arg}"\n`);
      process.exitCode = 2;
      return;
    }
    void serve(port).then((s) => {
      const a = s.address();
      process.stderr.write(`hartline debug adapter listening on port ${typeof a === 'object' && a ? a.port : port}\n`);
    });
    return;
  }
  const session = new HartlineSession();
  process.on('SIGTERM', () => session.shutdown());
  session.start(process.stdin, process.stdout);
}

// Only as dist/debugAdapter.js itself: bundles that import serve() (the tests) must not grab stdin.
if (/debugAdapter\.js$/.test(process.argv[1] ?? '')) main();
