// `npm run test:e2e`: installs code-server into .cache/ if needed, bundles the extension-host suite, then runs
// test/e2e/ (code-server + Chromium). With --electron it runs the same suite through @vscode/test-electron instead;
// with --docs it also writes the screenshots to docs/images/ for the README (`npm run test:e2e -- --docs`).
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { join } from 'node:path';
import { ensureCodeServer, ROOT } from './code-server.mjs';

const started = Date.now();
export const SUITE = join(ROOT, 'out/e2e/suite/index.js');
await build({
  entryPoints: [join(ROOT, 'test/e2e/suite/extension-host.ts')],
  outfile: SUITE,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  external: ['vscode'],
  logLevel: 'warning',
});

let status;
if (process.argv.includes('--electron')) {
  status = spawnSync(process.execPath, [join(ROOT, 'scripts/e2e/electron.mjs')], {
    stdio: 'inherit',
    cwd: ROOT,
  }).status;
} else {
  ensureCodeServer();
  // --docs also refreshes the README's screenshots in docs/images/.
  const env = { ...process.env, ...(process.argv.includes('--docs') ? { HARTLINE_SCREENSHOTS_TO_DOCS: '1' } : {}) };
  status = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=1', 'test/e2e/'], {
    stdio: 'inherit',
    cwd: ROOT,
    env,
  }).status;
}
console.log(
  `e2e suite ${status === 0 ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in out/e2e/screenshots/`,
);
process.exit(status ?? 1);
