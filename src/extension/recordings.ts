// Recording files as the extension handles them before a session starts: a new recording never replaces an old one
// (it is numbered, racy_counter-2.hartrec, unless the configuration says "overwrite": true), and only files that
// start like a recording are offered for replay. No vscode import.

import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { MAGIC } from '../replay/format';

/** Where a record configuration writes, as the adapter resolves it: `recording`, or the program's name beside it. */
export function recordingPathOf(c: {
  program?: unknown;
  recording?: unknown;
  cwd?: unknown;
  [k: string]: unknown;
}): string | undefined {
  const base = typeof c.cwd === 'string' ? c.cwd : process.cwd();
  if (typeof c.recording === 'string' && !c.recording.includes('${')) return resolve(base, c.recording);
  if (typeof c.program === 'string' && !c.program.includes('${'))
    return resolve(base, c.program.replace(/\.elf$/, '') + '.hartrec');
  return undefined;
}

/** `path` if nothing is there yet, else the first free `name-N.hartrec` beside it. */
export function freshRecordingPath(path: string, exists: (p: string) => boolean = existsSync): string {
  if (!exists(path)) return path;
  const stem = basename(path).replace(/(-\d+)?\.hartrec$/, '');
  for (let n = 2; ; n++) {
    const next = join(dirname(path), `${stem}-${n}.hartrec`);
    if (!exists(next)) return next;
  }
}

/** Whether the file starts with the recording magic (a failed or foreign file is not offered for replay). */
export function looksLikeRecording(path: string): boolean {
  try {
    if (statSync(path).size < MAGIC.length) return false;
    const fd = openSync(path, 'r');
    try {
      const head = new Uint8Array(MAGIC.length);
      readSync(fd, head, 0, head.length, 0);
      return head.every((b, k) => b === MAGIC[k]);
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
}
