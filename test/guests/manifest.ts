// The guest manifest (guests.txt), the committed ELFs and expected outputs, and running a guest on our machine.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Machine } from '../../src/machine/machine';

export interface Guest {
  name: string;
  /** QEMU machine that produced the expected output: 'virt', or 'spike' for HTIF guests. */
  machine: 'virt' | 'spike';
  /** True when the guest has no timing dependence, so its instruction trace can be compared with QEMU's. */
  trace: boolean;
}

export interface GuestRun {
  output: Buffer;
  exitCode: number;
  reason: string;
  message?: string;
}

/** The checkout root, found from this (bundled) file's location, so tests work from out/ as from test/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'test', 'guests', 'guests.txt'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find test/guests/guests.txt above ${__dirname}`);
    dir = up;
  }
}

export const guestsDir = (): string => join(repoRoot(), 'test', 'guests');
export const elfPath = (name: string): string => join(guestsDir(), 'bin', `${name}.elf`);

export function readGuests(): Guest[] {
  const text = readFileSync(join(guestsDir(), 'guests.txt'), 'utf8');
  const guests: Guest[] = [];
  for (const line of text.split('\n')) {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    if (fields[0] === '') continue;
    const [name, machine, trace] = fields;
    if ((machine !== 'virt' && machine !== 'spike') || (trace !== 'yes' && trace !== 'no')) {
      throw new Error(`guests.txt: bad line "${line}"`);
    }
    guests.push({ name, machine, trace: trace === 'yes' });
  }
  return guests;
}

export function expected(name: string): { output: Buffer; exitCode: number } {
  const dir = join(guestsDir(), 'expected');
  return {
    output: readFileSync(join(dir, `${name}.txt`)),
    exitCode: Number(readFileSync(join(dir, `${name}.code`), 'utf8').trim()),
  };
}

/** Runs a guest on our machine until it exits or maxInstructions (all harts together) have run. */
export function runOurs(name: string, harts: number, maxInstructions = 1_000_000_000): GuestRun {
  const m = Machine.fromElf(readFileSync(elfPath(name)), { harts, name });
  const chunks: Buffer[] = [];
  m.onConsole = (bytes) => chunks.push(Buffer.from(bytes));
  const r = m.run(maxInstructions);
  return { output: Buffer.concat(chunks), exitCode: r.exitCode, reason: r.reason, message: r.message };
}

export const HART_COUNTS = [1, 2, 4] as const;

/** Guests whose harts all do work (the others park every hart but 0), and the larger machines they also run on. */
export const MULTI_HART_GUESTS = ['smp_counters', 'smp_ipi', 'smp_print', 'smp_timer', 'racy_counter'] as const;
export const MANY_HART_COUNTS = [16, 64] as const;

export const QEMU = process.env.HARTLINE_QEMU ?? 'qemu-system-riscv64';

/**
 * QEMU arguments for a guest: the machine it was made for, no firmware, UART, HTIF and semihosting all on one
 * console so their bytes stay in order (the same command make-expected.sh uses).
 */
export function qemuArgs(g: Guest, harts: number, console: 'stdio' | 'null' = 'stdio'): string[] {
  return [
    '-M',
    g.machine,
    '-bios',
    'none',
    '-display',
    'none',
    '-monitor',
    'none',
    '-chardev',
    `${console},id=con,mux=on`,
    '-serial',
    'chardev:con',
    '-semihosting-config',
    'enable=on,target=native,chardev=con',
    '-smp',
    String(harts),
    '-kernel',
    elfPath(g.name),
  ];
}
