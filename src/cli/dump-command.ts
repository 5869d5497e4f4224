// `hartline dump`: prints a recording's header, one line per event and its trailer, as docs/recording-format.md shows.

import { parseArgs } from './args';
import { dumpRecording } from '../replay/dump-text';
import { readRecordingFile } from './replay';

export const DUMP_USAGE = 'usage: hartline dump <recording.hartrec> [--summary]';

export function dumpCommand(argv: readonly string[]): number {
  const p = parseArgs(argv, { values: [], flags: ['--summary'], positional: 1, usage: DUMP_USAGE });
  const [path] = p.positional;
  const lines = dumpRecording(readRecordingFile(path), path, { summary: p.flags.has('--summary') });
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
