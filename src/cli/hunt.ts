// `hartline hunt`: records a program under many chaos seeds in parallel and keeps the recordings of the runs that
// fail, to catch a rare interleaving without trying seeds by hand. Exit 0: a failure was found; 1: none; 2: bad input.

import { mkdirSync } from 'node:fs';
import { writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { HartlineError } from '../errors';
import { DEFAULT_RAM } from '../machine/machine';
import { parseElf } from '../machine/elf';
import { intOption, parseArgs, sizeOption } from './args';
import { readImage } from './image';
import { describeUntil, parseUntil } from '../replay/hunt/check';
import { defaultJobs, hunt, HuntOptions } from '../replay/hunt/pool';
import type { HuntImage, TrialResult } from '../replay/hunt/trial';

export const HUNT_USAGE =
  'usage: hartline hunt <elf> -o <dir> [--harts N] [--seeds A-B] [--jobs J] [--until exit|output:REGEX|timeout:N] ' +
  '[--all] [--quantum N] [--bios fw.elf] [--ram SIZE] [--max-instructions N]';

export const HUNT_FOUND = 0;
export const HUNT_NONE = 1;

function parseSeeds(text: string | undefined): [number, number] {
  if (text === undefined) return [1, 100];
  const m = /^([0-9]{1,10})(?:-([0-9]{1,10}))?$/.exec(text);
  const a = m ? Number(m[1]) : NaN,
    b = m ? Number(m[2] ?? m[1]) : NaN;
  if (!m || a > b || b >= 2 ** 32)
    throw new HartlineError(`--seeds: expected a range A-B of seeds from 0 to 4294967295 (A <= B), got '${text}'`);
  return [a, b];
}

/** The recording file of a failing seed. */
export function recordingName(elf: string, seed: number): string {
  return `${basename(elf).replace(/\.elf$/, '')}-seed${seed}.hartrec`;
}

function row(r: TrialResult, file: string | undefined): string[] {
  const end =
    r.reason === 'exit' ? `exit ${r.exitCode}` : r.reason === 'limit' ? 'limit' : `${r.reason} (${r.exitCode})`;
  return [String(r.seed), r.failed ? 'FAIL' : 'ok', end, String(r.positions), `${Math.round(r.ms)} ms`, file ?? ''];
}

export function formatTable(rows: string[][]): string {
  const head = ['seed', 'result', 'exit', 'positions', 'time', 'recording'];
  const all = [head, ...rows];
  const widths = head.map((_, k) => Math.max(...all.map((r) => r[k].length)));
  return (
    all
      .map((r) =>
        r
          .map((c, k) => (k === 3 || k === 4 ? c.padStart(widths[k]) : c.padEnd(widths[k])))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function huntCommand(argv: readonly string[]): number {
  const p = parseArgs(argv, {
    values: [
      '-o',
      '--output',
      '--harts',
      '--seeds',
      '--jobs',
      '--until',
      '--quantum',
      '--bios',
      '--ram',
      '--max-instructions',
    ],
    flags: ['--all'],
    positional: 1,
    usage: HUNT_USAGE,
  });
  const dir = p.values.get('-o') ?? p.values.get('--output');
  if (!dir) throw new HartlineError(`hunt needs -o <dir> for the failing recordings\n${HUNT_USAGE}`);
  const [elf] = p.positional;
  const [first, last] = parseSeeds(p.values.get('--seeds'));
  const until = parseUntil(p.values.get('--until') ?? 'exit');
  const images: HuntImage[] = [{ role: 'kernel', path: resolve(elf), bytes: readImage(elf) }];
  parseElf(images[0].bytes, elf); // a bad ELF is bad input here, not a failure in every worker
  const bios = p.values.get('--bios');
  if (bios) {
    images.push({ role: 'bios', path: resolve(bios), bytes: readImage(bios) });
    parseElf(images[1].bytes, bios);
  }
  const o: HuntOptions = {
    images,
    first,
    last,
    until,
    all: p.flags.has('--all'),
    harts: intOption(p, '--harts', 2, 1, 64),
    jobs: intOption(p, '--jobs', defaultJobs(), 1, 256),
    quantum: intOption(p, '--quantum', 10000),
    ramSize: sizeOption(p, '--ram', DEFAULT_RAM),
    maxInstructions: intOption(p, '--max-instructions', 1_000_000_000),
  };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new HartlineError(`${dir}: cannot create (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }

  const tty = process.stderr.isTTY === true;
  const total = last - first + 1;
  let failures = 0;
  process.stderr.write(
    `hartline: hunting ${basename(elf)} on ${o.harts} harts, seeds ${first}-${last}, ${Math.min(o.jobs!, total)} threads, until ${describeUntil(until)}\n`,
  );
  const progress = (r: TrialResult, done: number) => {
    if (r.failed) failures++;
    if (tty) {
      const width = 30,
        fill = Math.round((done / total) * width);
      process.stderr.write(
        `\r[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${total} seeds, ${failures} failing`,
      );
    } else {
      process.stderr.write(
        `seed ${r.seed}: ${r.failed ? 'FAIL' : 'ok'} (${r.reason} ${r.exitCode}, ${r.positions} positions)\n`,
      );
    }
  };
  hunt(o, progress).then(
    (h) => {
      if (tty) process.stderr.write('\n');
      const files = new Map<number, string>();
      for (const f of h.failures) {
        const file = join(dir, recordingName(elf, f.seed));
        writeFileSync(file, f.recording!);
        files.set(f.seed, file);
      }
      const shown = o.all
        ? h.results
        : h.results.filter((r) => r.failed || h.results.length <= 20 || r === h.results[h.results.length - 1]);
      process.stdout.write(formatTable(shown.map((r) => row(r, files.get(r.seed)))));
      if (h.failures.length === 0) {
        process.stdout.write(`no failure in seeds ${first}-${last} (${h.results.length} runs)\n`);
        process.exitCode = HUNT_NONE;
        return;
      }
      const f = h.failures[0];
      process.stdout.write(
        `${h.failures.length} failing seed${h.failures.length === 1 ? '' : 's'}${o.all ? '' : ' (stopped at the lowest)'}; ` +
          `seed ${f.seed}${f.lastLine ? `: ${f.lastLine}` : ''}\nreplay it: hartline replay ${files.get(f.seed)}\n`,
      );
      process.exitCode = HUNT_FOUND;
    },
    (e: unknown) => {
      if (tty) process.stderr.write('\n');
      if (e instanceof HartlineError) {
        process.stderr.write(`hartline: ${e.message}\n`);
        process.exitCode = e.exitCode;
      } else {
        process.stderr.write(
          `hartline: internal error: ${e instanceof Error ? e.message : String(e)} (please report this)\n`,
        );
        process.exitCode = 70;
      }
    },
  );
  // The hunt finishes asynchronously and sets the exit code itself; until then the process stays alive for it.
  return HUNT_NONE;
}
