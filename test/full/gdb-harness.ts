// Runs Debian's gdb-multiarch in batch mode against `hartline replay|record --gdb`: starts the stub on a free port,
// waits for its "waiting for gdb" line, runs one -ex per command (an error does not end the session), and splits
// gdb's output at `echo @@name` markers so a test can look at each step.

import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const CLI = join(__dirname, '..', '..', '..', 'bin', 'hartline.js');
export const GDB = 'gdb-multiarch';
export const gdbMissing = spawnSync(GDB, ['--version'], { stdio: 'ignore' }).status !== 0;
const inCi = process.env.CI === 'true';
/** Outside CI a machine without gdb-multiarch skips, saying why; in CI it fails. */
export const skipWithoutGdb =
  gdbMissing && !inCi ? 'gdb-multiarch is not installed (apt-get install gdb-multiarch)' : false;

export interface GdbRun {
  /** gdb's stdout split at markers: section name -> text. */
  sections: Map<string, string>;
  stdout: string;
  stderr: string;
  /** The stub's stdout (the guest console) and stderr (address, notes). */
  stubOut: string;
  stubErr: string;
  stubCode: number | null;
  /** Commands sent to gdb, markers excluded. */
  commands: number;
}

/** A step: a marker name and its commands. */
export type Step = [name: string, commands: string[]];

export async function runGdb(stubArgs: string[], elf: string, steps: Step[], cwd: string): Promise<GdbRun> {
  const stub = spawn(process.execPath, [CLI, ...stubArgs, '--gdb', '127.0.0.1:0'], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stubOut = '',
    stubErr = '';
  stub.stdout.on('data', (d) => {
    stubOut += d.toString('latin1');
  });
  const exited = new Promise<number | null>((r) => stub.on('close', (code) => r(code)));
  const address = await new Promise<string>((resolve, reject) => {
    stub.stderr.on('data', (d) => {
      stubErr += d.toString('latin1');
      const m = /waiting for gdb on (\S+:\d+)/.exec(stubErr);
      if (m) resolve(m[1]);
    });
    stub.on('close', () => reject(new Error(`the stub ended before listening: ${stubErr}`)));
  });
  const args = [
    '-batch',
    '-nx',
    '-ex',
    'set pagination off',
    '-ex',
    'set confirm off',
    '-ex',
    'set width 0',
    '-ex',
    `file ${elf}`,
    '-ex',
    `target remote ${address}`,
  ];
  let commands = 5;
  for (const [name, cmds] of steps) {
    args.push('-ex', `echo @@${name}\\n`);
    for (const c of cmds) {
      args.push('-ex', c);
      commands++;
    }
  }
  const gdb = spawn(GDB, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '',
    stderr = '';
  gdb.stdout.on('data', (d) => {
    stdout += d.toString('latin1');
  });
  gdb.stderr.on('data', (d) => {
    stderr += d.toString('latin1');
  });
  await new Promise((r) => gdb.on('close', r));
  const stubCode = await exited;
  const sections = new Map<string, string>();
  const parts = stdout.split(/^@@/m);
  for (const p of parts.slice(1)) {
    const nl = p.indexOf('\n');
    sections.set(p.slice(0, nl), p.slice(nl + 1));
  }
  return { sections, stdout, stderr, stubOut, stubErr, stubCode, commands };
}

/** `info registers` output as name -> value. */
export function registersOf(text: string): Map<string, bigint> {
  const out = new Map<string, bigint>();
  for (const line of text.split('\n')) {
    const m = /^(\w+)\s+(0x[0-9a-f]+)\s/.exec(line);
    if (m) out.set(m[1], BigInt(m[2]));
  }
  return out;
}
