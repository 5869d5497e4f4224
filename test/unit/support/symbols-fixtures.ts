// Locates the committed symbols fixtures (ELFs and oracle outputs) for the symbols tests.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'test', 'fixtures'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export const fixtureDir = join(repoRoot(), 'test', 'fixtures', 'symbols');

export function fixtureElves(): string[] {
  return readdirSync(join(fixtureDir, 'elf'))
    .filter((f) => f.endsWith('.elf'))
    .sort()
    .map((f) => f.replace(/\.elf$/, ''));
}

export function readElf(base: string): Uint8Array {
  return new Uint8Array(readFileSync(join(fixtureDir, 'elf', `${base}.elf`)));
}

export function readOracle(base: string, kind: string): string {
  return readFileSync(join(fixtureDir, 'oracle', `${base}.${kind}.txt`), 'utf8');
}
