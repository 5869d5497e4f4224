// Bundles the CLI, the debug adapter, the extension, the tests and the benchmarks with esbuild.
import { build } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';

function walk(dir, pred, out = []) {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, pred, out);
    else if (pred(p)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  logLevel: 'warning',
};
const entries = [
  ['src/cli/main.ts', 'dist/cli.js'],
  ['src/debug/server.ts', 'dist/debugAdapter.js'],
  ['src/extension/extension.ts', 'dist/extension.js'],
  ['src/replay/hunt/worker.ts', 'dist/hunt-worker.js'],
  ['src/replay/races/worker.ts', 'dist/races-worker.js'],
];
const jobs = [];
for (const [src, out] of entries) {
  if (existsSync(src)) jobs.push(build({ ...common, entryPoints: [src], outfile: out, external: ['vscode'] }));
}
const testFiles = walk('test', (p) => p.endsWith('.test.ts'));
const benchFiles = walk('bench', (p) => p.endsWith('.ts'));
if (testFiles.length + benchFiles.length > 0) {
  jobs.push(
    build({ ...common, entryPoints: [...testFiles, ...benchFiles], outdir: 'out', outbase: '.', external: ['vscode'] }),
  );
}
await Promise.all(jobs);
