// `hartline minimize`: shrinks a failing recording's schedule to the fewest preemptions that still fail the same
// way, writes a recording of that run, and prints each remaining preemption with its source line.

import { writeFileSync } from 'node:fs';
import { HartlineError } from '../errors';
import { intOption, parseArgs } from './args';
import { imageSymbols, openRecordingFile, sourceOf } from './races';
import { describeUntil, parseUntil } from '../replay/hunt/check';
import { minimize } from '../replay/minimize/ddmin';

export const MINIMIZE_USAGE =
  'usage: hartline minimize <recording.hartrec> -o <min.hartrec> [--until exit|output:REGEX|timeout:N] [--quantum N] ' +
  '[--max-runs N] [--force]';

/** Exit codes: 0 minimized, 1 the failure does not come back when re-run, 2 bad input. */
export function minimizeCommand(argv: readonly string[]): number {
  const p = parseArgs(argv, {
    values: ['-o', '--output', '--until', '--quantum', '--max-runs'],
    flags: ['--force'],
    positional: 1,
    usage: MINIMIZE_USAGE,
  });
  const out = p.values.get('-o') ?? p.values.get('--output');
  if (!out) throw new HartlineError(`minimize needs -o <min.hartrec>\n${MINIMIZE_USAGE}`);
  const [path] = p.positional;
  const untilText = p.values.get('--until');
  const until = untilText === undefined ? undefined : parseUntil(untilText);
  const quantum = intOption(p, '--quantum', 10000);
  const maxRuns = intOption(p, '--max-runs', 3000);
  const { rec, images } = openRecordingFile(path, p.flags.has('--force'));
  const t = rec.trailer;
  const what = until ? describeUntil(until) : t ? `${t.reason} with code ${t.exitCode}` : 'its end';
  process.stderr.write(`hartline: minimizing ${path} (keeping: ${what}; base: round-robin, quantum ${quantum})\n`);
  const m = minimize(rec, images, { until, quantum, maxRuns });
  try {
    writeFileSync(out, m.recording);
  } catch (e) {
    throw new HartlineError(`${out}: cannot write (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const syms = imageSymbols(images);
  const n = m.final.taken.length;
  process.stdout.write(
    `${m.original} preemption${m.original === 1 ? '' : 's'} in the recording, ${n} left after ${m.runs} runs; ` +
      `the run ends with ${m.final.trailer.reason} ${m.final.trailer.exitCode} at position ${m.final.trailer.positions}\n`,
  );
  m.final.taken.forEach((q, k) => {
    process.stdout.write(
      `  preemption ${k + 1}: position ${q.position}, hart ${q.hart} -> hart ${q.to}, hart ${q.hart} at pc 0x${q.pc.toString(16)} ` +
        `${sourceOf(syms, q.pc) ?? '(no line)'} after ${q.retired} of its instructions\n`,
    );
  });
  if (n === 0) process.stdout.write('  none: round-robin alone fails this way\n');
  process.stdout.write(
    `  (on top of ${m.final.quantumSwitches} round-robin switch${m.final.quantumSwitches === 1 ? '' : 'es'} at quantum ${quantum}, ` +
      `which alone ${n === 0 ? 'fail' : 'do not fail'})\n`,
  );
  process.stdout.write(`wrote ${out}\n`);
  return 0;
}
