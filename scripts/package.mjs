// `npm run package`: builds hartline-<version>.vsix with @vscode/vsce (the bundles carry every dependency) and prints its size.
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const out = `${name}-${version}.vsix`;
const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
const r = spawnSync(
  process.execPath,
  [
    vsce,
    'package',
    '--no-dependencies',
    '--allow-missing-repository',
    '--skip-license',
    '--no-rewrite-relative-links',
    '--out',
    out,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, VSCE_TELEMETRY: 'false' } },
);
if (r.status !== 0) process.exit(r.status ?? 1);
const bytes = statSync(join(root, out)).size;
console.log(`${out}: ${bytes.toLocaleString('en-US')} bytes (${(bytes / 1024).toFixed(0)} KiB)`);
