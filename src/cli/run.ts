// `hartline run`: runs an ELF on the machine with the guest's console on stdout and its exit code as ours.

import { readSync } from 'node:fs';
import { ExitCode } from '../errors';
import { DEFAULT_RAM, Machine, InputPort } from '../machine/machine';
import { intOption, parseArgs, sizeOption } from './args';
import { BOOT_OPTIONS, BOOT_USAGE, bootFiles, readImage } from './image';
import { parseElf } from '../machine/elf';

export const RUN_USAGE = `usage: hartline run ${BOOT_USAGE} <elf|Image> [--harts N] [--ram SIZE] [--quantum N] [--max-instructions N] [--append BOOTARGS]`;

/** Standard input as the input door: read lazily, in chunks, when the guest asks; a terminal gives no input. */
function stdinPort(): InputPort {
  const buffer = Buffer.alloc(4096);
  let data = new Uint8Array(0), next = 0, eof = process.stdin.isTTY === true;
  return {
    readByte() {
      if (next >= data.length && !eof) {
        try {
          const n = readSync(0, buffer, 0, buffer.length, null);
          if (n === 0) eof = true; else { data = buffer.subarray(0, n); next = 0; }
        } catch {
          eof = true;
        }
      }
      return next < data.length ? data[next++] : -1;
    },
  };
}

export function runCommand(argv: readonly string[]): number {
  const p = parseArgs(argv, { values: ['--harts', '--ram', '--quantum', '--max-instructions', ...BOOT_OPTIONS, '--append'], positional: 1, usage: RUN_USAGE });
  const harts = intOption(p, '--harts', 1, 1, 64);
  const ramSize = sizeOption(p, '--ram', DEFAULT_RAM);
  const quantum = intOption(p, '--quantum', 10000);
  const max = intOption(p, '--max-instructions', Number.MAX_SAFE_INTEGER);
  const [path] = p.positional;
  const boot = bootFiles(p.values);
  const bios = boot.bios && parseElf(boot.bios.bytes, boot.bios.path);
  const m = Machine.fromElf(readImage(path), {
    harts, ramSize, quantum, name: path, bios, biosName: boot.bios?.path, bootargs: p.values.get('--append'),
    initrd: boot.initrd?.bytes, dtb: boot.dtb?.bytes, dtbName: boot.dtb?.path, loadAddress: boot.loadAddress,
  });
  m.input = stdinPort();
  const chunks: Buffer[] = [];
  let pending = 0;
  const flush = () => {
    if (chunks.length) { process.stdout.write(Buffer.concat(chunks)); chunks.length = 0; pending = 0; }
  };
  m.onConsole = (bytes) => {
    chunks.push(Buffer.from(bytes));
    pending += bytes.length;
    if (pending >= 4096) flush();
  };
  let result;
  for (;;) {
    // Run in bounded pieces so console output reaches the user while a long guest runs.
    const step = Math.min(50_000_000, max - m.position);
    result = m.run(step);
    flush();
    if (result.reason !== 'limit' || m.position >= max) break;
  }
  if (result.reason === 'limit') {
    process.stderr.write(`hartline: stopped after --max-instructions ${max} instructions\n`);
    return ExitCode.limit;
  }
  if (result.reason === 'trap' || result.reason === 'deadlock') {
    process.stderr.write(`hartline: ${result.message}\n`);
    return result.exitCode;
  }
  return result.exitCode;
}


