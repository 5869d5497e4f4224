// `hartline record`: runs an ELF like `hartline run` while writing everything nondeterministic to a recording,
// flushed as it goes so that a killed recorder leaves a replayable prefix.

import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { HartlineError } from '../errors';
import { DEFAULT_RAM } from '../machine/machine';
import { intOption, parseArgs, sizeOption } from './args';
import { BOOT_OPTIONS, BOOT_USAGE, bootFiles, readImage } from './image';
import { startRecording, DEFAULT_CHECKSUM_INTERVAL, endOf } from '../replay/playback';
import type { ImageRole, Policy } from '../replay/format';
import { parseSeed } from '../replay/policy';
import { CHUNK, describeStop, HostConsole } from './console';
import type { RecordOptions } from '../replay/playback';
import { parseListen, serveRecording } from '../gdb';

export const RECORD_USAGE =
  `usage: hartline record <elf|Image> -o <out.hartrec> [--harts N] ${BOOT_USAGE} [--append BOOTARGS] ` +
  '[--schedule roundrobin|chaos|realtime] [--quantum N] [--seed S] [--input FILE|-] [--ram SIZE] [--max-instructions N] [--checksum-interval N] [--gdb [HOST:]PORT]';

export async function recordCommand(argv: readonly string[]): Promise<number> {
  const p = parseArgs(argv, {
    values: [
      '-o',
      '--output',
      '--harts',
      ...BOOT_OPTIONS,
      '--append',
      '--schedule',
      '--quantum',
      '--seed',
      '--input',
      '--ram',
      '--max-instructions',
      '--checksum-interval',
      '--gdb',
    ],
    positional: 1,
    usage: RECORD_USAGE,
  });
  const out = p.values.get('-o') ?? p.values.get('--output');
  if (!out) throw new HartlineError(`record needs -o <out.hartrec>\n${RECORD_USAGE}`);
  const policy = (p.values.get('--schedule') ?? 'roundrobin') as Policy;
  if (!['roundrobin', 'chaos', 'realtime'].includes(policy))
    throw new HartlineError(`--schedule: expected roundrobin, chaos or realtime, got '${policy}'`);
  const seed = p.values.get('--seed');
  if (seed !== undefined) parseSeed(seed);
  const gdb = p.values.get('--gdb');
  if (gdb !== undefined) parseListen(gdb);
  const [elf] = p.positional;
  const images: { role: ImageRole; path: string; bytes: Uint8Array }[] = [
    { role: 'kernel', path: resolve(elf), bytes: readImage(elf) },
  ];
  const boot = bootFiles(p.values);
  for (const role of ['bios', 'initrd', 'dtb'] as const) {
    const f = boot[role];
    if (f) images.push({ role, path: resolve(f.path), bytes: f.bytes });
  }
  const inputName = p.values.get('--input');
  let inputFd = 0;
  if (inputName !== undefined && inputName !== '-') {
    try {
      inputFd = openSync(inputName, 'r');
    } catch {
      throw new HartlineError(`--input: cannot open ${inputName}`);
    }
  }
  let fd: number;
  try {
    fd = openSync(out, 'w');
  } catch (e) {
    throw new HartlineError(`${out}: cannot create (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const max = intOption(p, '--max-instructions', Number.MAX_SAFE_INTEGER);
  const chunks: Buffer[] = [];
  const flushConsole = () => {
    if (chunks.length) {
      process.stdout.write(Buffer.concat(chunks));
      chunks.length = 0;
    }
  };
  let served = false;
  let host: HostConsole | undefined;
  try {
    // Input is logged where the guest takes it, so a terminal or a pipe records as deterministically as a file.
    // Under --gdb the guest gets no console input (the terminal stays gdb's).
    if (gdb === undefined)
      host = new HostConsole(inputFd, (text) => {
        flushConsole();
        process.stdout.write(text);
      });
    const options: RecordOptions = {
      images,
      harts: intOption(p, '--harts', 1, 1, 64),
      ramSize: sizeOption(p, '--ram', DEFAULT_RAM),
      policy,
      quantum: intOption(p, '--quantum', 10000),
      seed,
      bootargs: p.values.get('--append'),
      loadAddress: boot.loadAddress,
      input: host?.port ?? { readByte: () => -1 },
      // Without --checksum-interval, checksums are spaced by their cost.
      checksumInterval: p.values.has('--checksum-interval')
        ? intOption(p, '--checksum-interval', DEFAULT_CHECKSUM_INTERVAL)
        : undefined,
      // The console is flushed before each write to the file, so a recording cut at any block never holds output that
      // the user was not shown.
      sink: (bytes) => {
        flushConsole();
        writeSync(fd, bytes);
      },
      onConsole: (b) => {
        chunks.push(Buffer.from(b));
        if (chunks.length > 256) flushConsole();
      },
    };
    if (gdb !== undefined) {
      served = true;
      return serveRecording(options, fd, gdb).finally(() => {
        if (inputFd > 0) closeSync(inputFd);
      });
    }
    const s = startRecording(options);
    const live = host!;
    let a;
    for (;;) {
      // Chunks so console output reaches the user and typed input reaches the guest while it runs.
      a = s.engine.advance(Math.min(max, s.machine.position + CHUNK));
      flushConsole();
      if (live.stop) break;
      // Every hart sleeps waiting for a receive interrupt or in a semihosting read: wait for a byte (logged where the
      // guest takes it).
      if (a.reason === 'deadlock' && s.machine.wantsInput && !live.ended) {
        s.engine.resumeLive();
        s.engine.flush();
        await live.arrival();
        continue;
      }
      if (a.reason !== 'target' || s.machine.position >= max) break;
      await live.turn();
    }
    if (live.stop) {
      // The recording ends here with a trailer, so it replays to this position.
      const st = describeStop(live.stop);
      s.engine.finish('stopped', st.exitCode, st.message);
      process.stderr.write(
        `${live.kind === 'terminal' ? '\n' : ''}hartline: ${st.message} at position ${s.machine.position}\n`,
      );
      return st.exitCode;
    }
    const end = endOf(a);
    s.engine.finish(end.reason, end.exitCode, end.message);
    if (a.reason === 'target') process.stderr.write(`hartline: stopped after --max-instructions ${max} instructions\n`);
    else if (a.reason === 'trap' || a.reason === 'deadlock') process.stderr.write(`hartline: ${a.message}\n`);
    return end.exitCode;
  } finally {
    flushConsole();
    if (!served) {
      host?.close();
      closeSync(fd);
      if (inputFd > 0) closeSync(inputFd);
    }
  }
}
