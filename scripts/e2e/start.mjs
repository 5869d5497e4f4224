// `npm start`: opens examples/racy-counter in VS Code with this checkout's extension loaded: the `code` command when it
// is on PATH, otherwise the cached code-server on 127.0.0.1 (HARTLINE_PORT, default 8080), whose URL it prints.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, startCodeServer } from './code-server.mjs';

const folder = join(ROOT, 'examples/racy-counter');
const hasCode = spawnSync(process.platform === 'win32' ? 'where' : 'which', ['code'], { stdio: 'ignore' }).status === 0;
if (hasCode && !process.argv.includes('--code-server')) {
  console.log(`Opening ${folder} in VS Code with the extension from ${ROOT}`);
  spawn('code', [`--extensionDevelopmentPath=${ROOT}`, folder], { stdio: 'inherit', detached: true }).unref();
} else {
  const port = Number(process.env.HARTLINE_PORT ?? 8080);
  const cs = await startCodeServer({ folder, port });
  console.log(`\nHartline in code-server: ${cs.url}\n(listening on 127.0.0.1 only; press Ctrl+C to stop)`);
  const stop = async () => {
    await cs.stop();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  cs.child.on('exit', (code) => {
    console.error(`code-server exited (${code})\n${cs.log.slice(-2000)}`);
    process.exit(1);
  });
}
