// The gdb stub's entry points for the CLI: `hartline replay REC --gdb` and `hartline record ELF -o REC --gdb`.
// The guest's console goes to standard output, as QEMU's serial on stdio; notes and the address go to stderr.

import type { LoadedImage } from '../replay/images';
import type { Recording } from '../replay/reader';
import type { RecordOptions } from '../replay/playback';
import { parseListen, serveGdb } from './server';
import { GdbTarget } from './target';

export { parseListen } from './server';

function consoleWriter(): (bytes: Uint8Array, position: number) => void {
  // Re-execution (going back, then forward again) shows nothing twice.
  let shownTo = 0;
  return (bytes, position) => {
    if (position < shownTo) return;
    shownTo = position + 1;
    process.stdout.write(Buffer.from(bytes));
  };
}

const say = (text: string) => {
  process.stderr.write(text);
};
/** HARTLINE_GDB_TRACE=1 prints every packet both ways on stderr. */
const trace = process.env.HARTLINE_GDB_TRACE ? (line: string) => process.stderr.write(`gdb ${line}\n`) : undefined;

/** Serves a replay of `rec` to gdb on `listen` ([HOST:]PORT); resolves with the exit code when gdb is done. */
export function serveReplay(rec: Recording, images: LoadedImage[], listen: string): Promise<number> {
  const where = parseListen(listen);
  return serveGdb(GdbTarget.replay(rec, images, consoleWriter()), where, { say, trace });
}

/**
 * Serves a new live recording to gdb; `fd` (the recording file) is closed once the recording is finished on detach,
 * kill, or when gdb goes away. `opts.onConsole` is replaced by the stub's own console writer.
 */
export function serveRecording(opts: RecordOptions, fd: number, listen: string): Promise<number> {
  const where = parseListen(listen);
  return serveGdb(GdbTarget.record({ ...opts, onConsole: consoleWriter() }, fd), where, { say, trace });
}
