// `hartline races`: replays a recording with the happens-before race detector and prints each racing pair once,
// with the variable's name, both accesses' harts, positions, kinds, sizes and source lines (or one JSON object each).

import { basename } from 'node:path';
import { HartlineError } from '../errors';
import { parseArgs } from './args';
import { readImage } from './image';
import { readRecordingFile } from './replay';
import { readRecording, Recording } from '../replay/reader';
import { loadImages, LoadedImage, locateImage } from '../replay/images';
import { findRaces, Race, RaceAccess, RaceReport } from '../replay/races/detector';
import { loadSymbols, Symbols } from '../symbols';
import { lineOf, variableAt } from '../symbols/places';

export const RACES_USAGE = 'usage: hartline races <recording.hartrec> [--json] [--force]';

/** A recording and its images; an image that moved is looked for next to the recording, as `replay` does. */
export function openRecordingFile(path: string, force = false): { rec: Recording; images: LoadedImage[] } {
  const rec = readRecording(readRecordingFile(path), path);
  // Each image names the file it was read from, so that a recording derived from this one (minimize) finds it too.
  const images = loadImages(rec.header, (image) => readImage(locateImage(path, image)), force);
  return { rec, images: images.map((i) => ({ ...i, ref: { ...i.ref, path: locateImage(path, i.ref.path) } })) };
}

/** What a race looks like to a person: the variable, and the source line of each access. */
export interface DescribedAccess {
  hart: number;
  position: number;
  pc: string;
  kind: RaceAccess['kind'];
  size: number;
  source: string | null;
}
export interface DescribedRace {
  address: string;
  symbol: string | null;
  type: string | null;
  size: number;
  count: number;
  accesses: DescribedAccess[];
}

const hex = (n: number) => '0x' + n.toString(16);

/** Symbols of the recording's images, kernel first (a firmware's own code and data are in the bios image). */
export function imageSymbols(images: LoadedImage[]): Symbols[] {
  const out: Symbols[] = [];
  for (const i of [...images].sort((a, b) => (a.ref.role === 'kernel' ? -1 : 1) - (b.ref.role === 'kernel' ? -1 : 1))) {
    try {
      out.push(loadSymbols(i.bytes, i.ref.path));
    } catch {
      /* an image without usable symbols names nothing */
    }
  }
  return out;
}

export function sourceOf(syms: Symbols[], pc: number): string | null {
  const l = lineOf(syms, pc);
  return l ? `${basename(l.file)}:${l.line}` : null;
}

/** Races in code with source lines (the program's own) come first, then the rest (firmware without debug info). */
export function describeRaces(report: RaceReport, syms: Symbols[]): DescribedRace[] {
  const described = report.races.map((r: Race) => {
    const v = variableAt(syms, r.address);
    return {
      address: hex(r.address),
      symbol: v.name,
      type: v.type,
      size: Math.max(r.accesses[0].size, r.accesses[1].size),
      count: r.count,
      accesses: r.accesses.map((a) => ({
        hart: a.hart,
        position: a.position,
        pc: hex(a.pc),
        kind: a.kind,
        size: a.size,
        source: sourceOf(syms, a.pc),
      })),
    };
  });
  const lined = (r: DescribedRace) => (r.accesses.some((a) => a.source !== null) ? 0 : 1);
  return described
    .map((r, k) => ({ r, k }))
    .sort((a, b) => lined(a.r) - lined(b.r) || a.k - b.k)
    .map((x) => x.r);
}

export function formatRaces(path: string, report: RaceReport, races: DescribedRace[]): string {
  const lines: string[] = [];
  const n = races.length;
  lines.push(
    `${basename(path)}: ${n === 0 ? 'no data races' : `${n} racing pair${n === 1 ? '' : 's'}`} ` +
      `(${report.harts} harts, ${report.positions} positions, ${report.accesses} plain accesses checked, ${report.synchronising} synchronising)`,
  );
  races.forEach((r, k) => {
    lines.push('');
    lines.push(
      `race ${k + 1}: ${r.symbol ?? 'unknown variable'}${r.type ? ` (${r.type})` : ''} at ${r.address}, ${r.size} bytes, ${r.count} time${r.count === 1 ? '' : 's'}`,
    );
    for (const a of r.accesses) {
      lines.push(
        `  hart ${a.hart}  position ${String(a.position).padEnd(10)} ${a.kind.padEnd(6)} ${a.size} bytes  pc ${a.pc}  ${a.source ?? '(no line)'}`,
      );
    }
  });
  return lines.join('\n') + '\n';
}

/** Exit codes: 0 no race, 1 races found, 2 bad input (a recording whose replay stops early is bad input). */
export function racesCommand(argv: readonly string[]): number {
  const p = parseArgs(argv, { values: [], flags: ['--json', '--force'], positional: 1, usage: RACES_USAGE });
  const [path] = p.positional;
  const { rec, images } = openRecordingFile(path, p.flags.has('--force'));
  const report = findRaces(rec, images);
  if (report.end.reason === 'end' && rec.trailer) {
    throw new HartlineError(
      `${path}: the replay stopped at position ${report.positions} before the recorded end ${rec.trailer.positions}`,
    );
  }
  const races = describeRaces(report, imageSymbols(images));
  if (p.flags.has('--json')) {
    for (const r of races) {
      process.stdout.write(
        JSON.stringify({
          address: r.address,
          symbol: r.symbol,
          size: r.size,
          count: r.count,
          accesses: r.accesses.map((a) => ({
            hart: a.hart,
            position: a.position,
            pc: a.pc,
            kind: a.kind,
            size: a.size,
            source: a.source,
          })),
        }) + '\n',
      );
    }
  } else process.stdout.write(formatRaces(path, report, races));
  if (!rec.trailer)
    process.stderr.write(
      `hartline: ${path} is unfinished; races were checked over its first ${report.positions} positions\n`,
    );
  return races.length > 0 ? 1 : 0;
}
