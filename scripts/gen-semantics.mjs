// Regenerates the interpreter's instruction switch in src/riscv/interpreter.ts from src/riscv/semantics.ts
// (run `node scripts/gen-semantics.mjs` after changing an instruction's semantics; a unit test checks it was run).
import { build } from 'esbuild';
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const dir = mkdtempSync(join(tmpdir(), 'hartline-gen-'));
try {
  const outfile = join(dir, 'gen.cjs');
  await build({
    entryPoints: ['src/riscv/interpreter-gen.ts'],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    outfile,
    logLevel: 'warning',
  });
  const gen = createRequire(import.meta.url)(outfile);
  const path = 'src/riscv/interpreter.ts';
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(path)) ?? {};
  const next = await prettier.format(gen.spliceInterpreter(readFileSync(path, 'utf8')), { ...config, filepath: path });
  writeFileSync(path, next);
  console.log(`${path}: instruction switch regenerated`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
