// Reads an image file from disk, turning file-system failures into one-line HartlineErrors.

import { readFileSync, statSync } from 'node:fs';
import { HartlineError } from '../errors';

export function readImage(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new HartlineError(`${path}: is a directory, not an ELF file`);
    size = st.size;
  } catch (e) {
    if (e instanceof HartlineError) throw e;
    throw new HartlineError(`${path}: no such file`);
  }
  if (size > 1 << 30) throw new HartlineError(`${path}: file is larger than 1 GiB`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new HartlineError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}
