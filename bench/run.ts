// `npm run bench`: times Hartline against references measured in the same run and prints one JSON line per figure.
// Figures are kept in bench/README.md. This is a benchmark, never a test: nothing here asserts a speed.

import { benchCore } from './core';
import { extraBenches } from './suites';
import { benchBackend } from './backend';

function emit(obj: object): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

async function main(): Promise<void> {
  for (const line of await benchCore()) emit(line);
  for (const line of await benchBackend()) emit(line);
  for (const line of await extraBenches()) emit(line);
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
