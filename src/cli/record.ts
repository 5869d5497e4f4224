// `hartline record`: runs an ELF like `hartline run` while writing everything nondeterministic to a recording,
// flushed as it goes so that a killed recorder leaves a replayable prefix.

import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { HartlineError } from '../errors';
import { DEFAULT_RAM, InputPort } from '../machine/machine';
import { intOption, parseArgs, sizeOption } from './args';
import { BOOT_OPTIONS, BOOT_USAGE, bootFiles, readImage } from './image';
import { startRecording, DEFAULT_CHECKSUM_INTERVAL, endOf } from '../replay/session';
import type { ImageRole, Policy } from '../replay/format';
import { parseSeed } from '../replay/policy';

export const RECORD_USAGE = `usage: hartline record <elf|Image> -o <out.hartrec> [--harts N] ${BOOT_USAGE} [--append BOOTARGS] ` +
  '[--schedule roundrobin|chaos|realtime] [--quantum N] [--seed S] [--input FILE|-] [--ram SIZE] [--max-instructions N] [--checksum-interval N]';

/** A file descriptor read lazily, in chunks, as the guest asks (stdin for `--input -`). */
function fdPort(fd: number, live: boolean): InputPort {
  const buffer = Buffer.alloc(4096);
  let data = new Uint8Array(0), next = 0, eof = live && fd === 0 && process.stdin.isTTY === true;
  return {
    readByte() {
      if (next >= data.length && !eof) {
        try {
          const n = readSync(fd, buffer, 0, buffer.length, null);
          if (n === 0) eof = true; else { data = buffer.subarray(0, n); next = 0; }
        } catch {
          eof = true;
        }
      }
      return next < data.length ? data[next++] : -1;
    },
  };
}

export function recordCommand(argv: readonly string[]): number {
  const p = parseArgs(argv, {
    values: ['-o', '--output', '--harts', ...BOOT_OPTIONS, '--append', '--schedule', '--quantum', '--seed', '--input', '--ram', '--max-instructions', '--checksum-interval'],
    positional: 1, usage: RECORD_USAGE,
  });
  const out = p.values.get('-o') ?? p.values.get('--output');
  if (!out) throw new HartlineError(`record needs -o <out.hartrec>\n${RECORD_USAGE}`);
  const policy = (p.values.get('--schedule') ?? 'roundrobin') as Policy;
  if (!['roundrobin', 'chaos', 'realtime'].includes(policy)) throw new HartlineError(`--schedule: expected roundrobin, chaos or realtime, got '${policy}'`);
  const seed = p.values.get('--seed');
  if (seed !== undefined) parseSeed(seed);
  const [elf] = p.positional;
  const images: { role: ImageRole; path: string; bytes: Uint8Array }[] = [{ role: 'kernel', path: resolve(elf), bytes: readImage(elf) }];
  const boot = bootFiles(p.values);
  for (const role of ['bios', 'initrd', 'dtb'] as const) {
    const f = boot[role];
    if (f) images.push({ role, path: resolve(f.path), bytes: f.bytes });
  }
  const inputName = p.values.get('--input');
  let input: InputPort;
  let inputFd = -1;
  if (inputName === undefined || inputName === '-') input = fdPort(0, true);
  else {
    try { inputFd = openSync(inputName, 'r'); } catch { throw new HartlineError(`--input: cannot open ${inputName}`); }
    input = fdPort(inputFd, false);
  }
  let fd: number;
  try { fd = openSync(out, 'w'); } catch (e) { throw new HartlineError(`${out}: cannot create (${(e as NodeJS.ErrnoException).code ?? 'error'})`); }
  const max = intOption(p, '--max-instructions', Number.MAX_SAFE_INTEGER);
  const chunks: Buffer[] = [];
  const flushConsole = () => { if (chunks.length) { process.stdout.write(Buffer.concat(chunks)); chunks.length = 0; } };
  try {
    const s = startRecording({
      images,
      harts: intOption(p, '--harts', 1, 1, 64),
      ramSize: sizeOption(p, '--ram', DEFAULT_RAM),
      policy,
      quantum: intOption(p, '--quantum', 10000),
      seed,
      bootargs: p.values.get('--append'),
      loadAddress: boot.loadAddress,
      input,
      checksumInterval: intOption(p, '--checksum-interval', DEFAULT_CHECKSUM_INTERVAL),
      sink: (bytes) => writeSync(fd, bytes),
      onConsole: (b) => { chunks.push(Buffer.from(b)); if (chunks.length > 256) flushConsole(); },
    });
    let a;
    for (;;) {
      // Bounded pieces so console output reaches the user while a long guest runs.
      a = s.engine.advance(Math.min(max, s.machine.position + 50_000_000));
      flushConsole();
      if (a.reason !== 'target' || s.machine.position >= max) break;
    }
    const end = endOf(a);
    s.engine.finish(end.reason, end.exitCode, end.message);
    if (a.reason === 'target') process.stderr.write(`hartline: stopped after --max-instructions ${max} instructions\n`);
    else if (a.reason === 'trap' || a.reason === 'deadlock') process.stderr.write(`hartline: ${a.message}\n`);
    return end.exitCode;
  } finally {
    flushConsole();
    closeSync(fd);
    if (inputFd >= 0) closeSync(inputFd);
  }
}
