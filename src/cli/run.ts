// `hartline run`: runs an ELF on the machine with the guest's console live on the terminal (or stdin/stdout) and
// its exit code as ours.

import { ExitCode } from '../errors';
import { DEFAULT_RAM, Machine, RunResult } from '../machine/machine';
import { intOption, parseArgs, sizeOption } from './args';
import { BOOT_OPTIONS, BOOT_USAGE, bootFiles, readImage } from './image';
import { parseElf } from '../machine/elf';
import { CHUNK, describeStop, HostConsole, resumingSlices } from './console';

export const RUN_USAGE = `usage: hartline run ${BOOT_USAGE} <elf|Image> [--harts N] [--ram SIZE] [--quantum N] [--max-instructions N] [--append BOOTARGS]`;

export async function runCommand(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, {
    values: ['--harts', '--ram', '--quantum', '--max-instructions', ...BOOT_OPTIONS, '--append'],
    positional: 1,
    usage: RUN_USAGE,
  });
  const harts = intOption(p, '--harts', 1, 1, 64);
  const ramSize = sizeOption(p, '--ram', DEFAULT_RAM);
  const quantum = intOption(p, '--quantum', 10000);
  const max = intOption(p, '--max-instructions', Number.MAX_SAFE_INTEGER);
  const [path] = p.positional;
  const boot = bootFiles(p.values);
  const bios = boot.bios && parseElf(boot.bios.bytes, boot.bios.path);
  const m = Machine.fromElf(readImage(path), {
    harts,
    ramSize,
    quantum,
    name: path,
    bios,
    biosName: boot.bios?.path,
    bootargs: p.values.get('--append'),
    initrd: boot.initrd?.bytes,
    dtb: boot.dtb?.bytes,
    dtbName: boot.dtb?.path,
    loadAddress: boot.loadAddress,
  });
  // Slices are resumed across chunks, so where the host looks for input never changes the interleaving.
  m.schedule = resumingSlices(m.schedule);
  const chunks: Buffer[] = [];
  let pending = 0;
  const flush = () => {
    if (chunks.length) {
      process.stdout.write(Buffer.concat(chunks));
      chunks.length = 0;
      pending = 0;
    }
  };
  m.onConsole = (bytes) => {
    chunks.push(Buffer.from(bytes));
    pending += bytes.length;
    if (pending >= 4096) flush();
  };
  const host = new HostConsole(0, (text) => {
    flush();
    process.stdout.write(text);
  });
  m.input = host.port;
  let result: RunResult;
  try {
    for (;;) {
      // Run in chunks so console output reaches the user and typed input reaches the guest while it runs.
      result = m.run(Math.min(CHUNK, max - m.position));
      flush();
      if (host.stop) break;
      // Every hart sleeps waiting for a receive interrupt: wait for a byte instead of giving up while input may come.
      if (result.reason === 'deadlock' && m.wantsInput && !host.ended) {
        await host.arrival();
        continue;
      }
      if (result.reason !== 'limit' || m.position >= max) break;
      await host.turn();
    }
  } finally {
    flush();
    host.close();
  }
  if (host.stop) {
    const s = describeStop(host.stop);
    process.stderr.write(`${host.kind === 'terminal' ? '\n' : ''}hartline: ${s.message} at position ${m.position}\n`);
    return s.exitCode;
  }
  if (result.reason === 'limit') {
    process.stderr.write(`hartline: stopped after --max-instructions ${max} instructions\n`);
    return ExitCode.limit;
  }
  if (result.reason === 'deadlock' && m.wantsInput) {
    process.stderr.write('hartline: every hart is asleep waiting for console input, and the input has ended\n');
    return result.exitCode;
  }
  if (result.reason === 'trap' || result.reason === 'deadlock') {
    process.stderr.write(`hartline: ${result.message}\n`);
    return result.exitCode;
  }
  return result.exitCode;
}
