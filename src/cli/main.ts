// The `hartline` command: dispatches subcommands and maps errors to one line on stderr and a documented exit code.

import { HartlineError, ExitCode } from '../errors';
import { runCommand, RUN_USAGE } from './run';
import { recordCommand, RECORD_USAGE } from './record';
import { replayCommand, REPLAY_USAGE } from './replay';
import { dumpCommand, DUMP_USAGE } from './dump-command';
import { racesCommand, RACES_USAGE } from './races';
import { huntCommand, HUNT_USAGE } from './hunt';
import { minimizeCommand, MINIMIZE_USAGE } from './minimize';

const USAGE =
  'usage: hartline <command> ...\n' +
  [RUN_USAGE, RECORD_USAGE, REPLAY_USAGE, DUMP_USAGE, HUNT_USAGE, RACES_USAGE, MINIMIZE_USAGE]
    .map((u) => '  ' + u.replace('usage: hartline ', 'hartline '))
    .join('\n');

/** A command returns its exit code; `run` and `record` return it once the live console has finished. */
const commands: Record<string, (argv: readonly string[]) => number | Promise<number>> = {
  run: runCommand,
  record: recordCommand,
  replay: replayCommand,
  dump: dumpCommand,
  hunt: huntCommand,
  races: racesCommand,
  minimize: minimizeCommand,
};

function main(argv: readonly string[]): number | Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h') {
    process.stdout.write(USAGE + '\n');
    return cmd === undefined ? ExitCode.usage : 0;
  }
  const run = commands[cmd];
  if (!run) throw new HartlineError(`unknown command '${cmd}'\n${USAGE}`);
  return run(rest);
}

// A reader that goes away (`hartline dump x | head`) is not an error: stop quietly.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  process.stderr.write(`hartline: cannot write to standard output (${e.code ?? e.message})\n`);
  process.exit(74);
});

function failed(e: unknown): void {
  if (e instanceof HartlineError) {
    process.stderr.write(`hartline: ${e.message}\n`);
    process.exitCode = e.exitCode;
  } else {
    // A bug in Hartline: still one line, but say so.
    process.stderr.write(
      `hartline: internal error: ${e instanceof Error ? e.message : String(e)} (please report this)\n`,
    );
    process.exitCode = 70;
  }
}

try {
  const code = main(process.argv.slice(2));
  if (typeof code === 'number') process.exitCode = code;
  else
    code.then((c) => {
      process.exitCode = c;
    }, failed);
} catch (e) {
  failed(e);
}
