// `hartline replay`: reproduces a recorded run from its log alone: the same console output, the same exit code,
// every checksum compared. A damaged or unfinished recording replays its intact prefix, then exits 2.

import { readFileSync, statSync } from 'node:fs';
import { ExitCode, HartlineError } from '../errors';
import { intOption, parseArgs } from './args';
import { readImage } from './image';
import { readRecording } from '../replay/reader';
import { loadImages, locateImage } from '../replay/images';
import { openReplay, endOf } from '../replay/playback';
import { serveReplay } from '../gdb';
import { History } from '../replay/history';
import type { LoadedImage } from '../replay/images';
import type { Recording } from '../replay/reader';

export const REPLAY_USAGE =
  'usage: hartline replay <recording.hartrec> [--to POSITION] [--last-write ADDRESS[:SIZE]] [--verify] [--force] [--gdb [HOST:]PORT]';

/** Recordings are read whole; the log is small next to the run it describes. */
const MAX_RECORDING = 1 << 30;

export function readRecordingFile(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new HartlineError(`${path}: is a directory, not a recording`);
    size = st.size;
  } catch (e) {
    if (e instanceof HartlineError) throw e;
    throw new HartlineError(`${path}: no such file`);
  }
  if (size > MAX_RECORDING)
    throw new HartlineError(`${path}: larger than 1 GiB, which is more than any recording this Hartline reads`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new HartlineError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function replayCommand(argv: readonly string[]): number | Promise<number> {
  const p = parseArgs(argv, {
    values: ['--to', '--last-write', '--gdb'],
    flags: ['--verify', '--force'],
    positional: 1,
    usage: REPLAY_USAGE,
  });
  const lastWrite = p.values.has('--last-write') ? parseRange(p.values.get('--last-write')!) : undefined;
  const to = intOption(p, '--to', Number.MAX_SAFE_INTEGER, 0);
  const [path] = p.positional;
  const rec = readRecording(readRecordingFile(path), path);
  const images = loadImages(rec.header, (image) => readImage(locateImage(path, image)), p.flags.has('--force'));
  const gdb = p.values.get('--gdb');
  if (gdb !== undefined) return serveReplay(rec, images, gdb);
  const chunks: Buffer[] = [];
  const flush = () => {
    if (chunks.length) {
      process.stdout.write(Buffer.concat(chunks));
      chunks.length = 0;
    }
  };
  const s = openReplay(rec, images, (b) => {
    chunks.push(Buffer.from(b));
    if (chunks.length > 256) flush();
  });
  let a;
  try {
    a = s.engine.advance(to);
  } finally {
    flush();
  }
  if (lastWrite) reportLastWrite(rec, images, lastWrite, a.position);
  const positions = `${a.position} position${a.position === 1 ? '' : 's'}`;
  if (a.reason === 'target') {
    process.stderr.write(`hartline: stopped at position ${a.position} (--to)\n`);
    return 0;
  }
  const t0 = rec.trailer;
  if (a.reason === 'end' && t0 && a.position === t0.positions) {
    // A recording the host ended (Ctrl-A x, a signal, the debugger) ends with its trailer at its last position.
    if (t0.reason === 'stopped') {
      process.stderr.write(`hartline: the recording was stopped here (${t0.message}); replayed all ${positions}\n`);
      return t0.exitCode;
    }
    // A recording that waited for input there ends where every hart fell asleep, which the replay reaches as its end.
    if (t0.reason === 'deadlock' && s.machine.runnable().length === 0)
      a = { ...a, reason: 'deadlock' as const, exitCode: ExitCode.deadlock, message: t0.message };
  }
  if (a.reason === 'end' || !rec.trailer) {
    const d = rec.damage;
    const why = !d
      ? 'it has no trailer'
      : d.truncated
        ? `it is truncated at byte ${d.offset}`
        : `it is corrupt at byte ${d.offset} (${d.message})`;
    throw new HartlineError(
      `${path}: recording is unfinished: ${why}, probably because the recorder was killed; replayed its first ${positions}` +
        `, ${s.engine.checksumsVerified} checksums equal`,
    );
  }
  const end = endOf(a);
  const t = rec.trailer;
  if (end.reason !== t.reason || end.exitCode !== t.exitCode || a.position !== t.positions) {
    throw new HartlineError(
      `${path}: replay ended with ${end.reason} ${end.exitCode} at position ${a.position}, ` +
        `but the recording ended with ${t.reason} ${t.exitCode} at ${t.positions}`,
      ExitCode.divergence,
    );
  }
  if (a.reason === 'trap' || a.reason === 'deadlock') process.stderr.write(`hartline: ${a.message}\n`);
  if (p.flags.has('--verify')) {
    process.stderr.write(
      `hartline: verified: ${s.engine.checksumsVerified} checksums equal, ${positions}, ${t.reason} with code ${t.exitCode} as recorded\n`,
    );
  }
  return end.exitCode;
}

function parseRange(spec: string): { address: number; size: number } {
  const m = /^(0x[0-9a-f]+|\d+)(?::(\d+))?$/i.exec(spec.trim());
  const address = m ? Number(m[1]) : NaN,
    size = m?.[2] ? Number(m[2]) : 8;
  if (!m || !Number.isSafeInteger(address) || size < 1 || size > 4096) {
    throw new HartlineError(
      `--last-write: expected ADDRESS[:SIZE] (a physical address, SIZE 1 to 4096 bytes, default 8), got '${spec}'`,
    );
  }
  return { address, size };
}

/**
 * Prints the last write to the range before `position` (where the replay stopped): any write to its bytes, whether
 * or not it changed them, as the debugger's Last Write finds it (History.lastWrite).
 */
function reportLastWrite(
  rec: Recording,
  images: LoadedImage[],
  r: { address: number; size: number },
  position: number,
): void {
  const h = new History(openReplay(rec, images));
  h.seek(position);
  const w = h.lastWrite(r.address, r.size);
  const range = `0x${r.address.toString(16)} (${r.size} byte${r.size === 1 ? '' : 's'})`;
  process.stderr.write(
    w
      ? `hartline: last write to ${range} before position ${position}: position ${w.position}, hart ${w.hart} (a ${w.size}-byte write at 0x${w.address.toString(16)})\n`
      : `hartline: no write to ${range} before position ${position}\n`,
  );
}
