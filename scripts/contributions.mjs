// Writes package.json's contributes/activationEvents and docs/options.md from src/debug/launch-attributes.ts (launch
// attributes), src/extension/options.ts (settings, snippets) and manifest.ts.
// `--check` writes nothing and exits 1 when either is out of date (CI runs it through the unit test as well).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = await build({
  entryPoints: [join(root, 'src/extension/contributions.ts')],
  bundle: true,
  platform: 'node',
  format: 'cjs',
  write: false,
  logLevel: 'warning',
});
const mod = { exports: {} };
new Function('module', 'exports', 'require', out.outputFiles[0].text)(mod, mod.exports, createRequire(import.meta.url));
const { contributes, activationEvents, optionsDoc } = mod.exports;

const pkgPath = join(root, 'package.json');
const before = readFileSync(pkgPath, 'utf8');
const pkg = JSON.parse(before);
pkg.activationEvents = activationEvents();
pkg.contributes = contributes();
const after = JSON.stringify(pkg, null, 2) + '\n';
const docPath = join(root, 'docs/options.md');
let docBefore = '';
try {
  docBefore = readFileSync(docPath, 'utf8');
} catch {}
const doc = optionsDoc();
if (process.argv.includes('--check')) {
  const stale = [after !== before && 'package.json', doc !== docBefore && 'docs/options.md'].filter(Boolean);
  if (stale.length) {
    console.error(`out of date: ${stale.join(', ')}; run npm run generate`);
    process.exit(1);
  }
} else {
  if (after !== before) writeFileSync(pkgPath, after);
  if (doc !== docBefore) writeFileSync(docPath, doc);
  console.log('package.json contributes and docs/options.md generated');
}
