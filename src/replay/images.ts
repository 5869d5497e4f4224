// Builds the machine a recording describes: loads its images, checks their SHA-256 against the header, and
// loads a kernel behind a --bios firmware the way QEMU's virt machine does (the firmware owns the entry point).

import { createHash } from 'node:crypto';
import { HartlineError } from '../errors';
import { Machine } from '../machine/machine';
import { parseElf } from '../machine/elf';
import type { ImageRef, RecordingHeader } from './format';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export interface LoadedImage {
  ref: ImageRef;
  bytes: Uint8Array;
}

/**
 * Reads each image of the header with `read` (a path to bytes, throwing HartlineError when missing) and refuses
 * one whose SHA-256 differs, naming it, unless `force`.
 */
export function loadImages(header: RecordingHeader, read: (path: string) => Uint8Array, force: boolean): LoadedImage[] {
  return header.images.map((ref) => {
    const bytes = read(ref.path);
    const digest = sha256(bytes);
    if (digest !== ref.sha256 && !force) {
      throw new HartlineError(`${ref.path}: this ${ref.role} image differs from the one recorded (SHA-256 ${digest.slice(0, 16)}..., ` +
        `recorded ${ref.sha256.slice(0, 16)}...); rebuild the recorded image or pass --force to replay anyway`);
    }
    return { ref, bytes };
  });
}

/** The machine of a recording, at position 0: the kernel behind an optional firmware, as QEMU's -bios/-kernel. */
export function buildMachine(header: RecordingHeader, images: LoadedImage[]): Machine {
  const bios = images.find((i) => i.ref.role === 'bios');
  const kernel = images.find((i) => i.ref.role === 'kernel');
  if (!kernel) throw new HartlineError('the recording names no kernel image');
  return new Machine(parseElf(kernel.bytes, kernel.ref.path), {
    harts: header.machine.harts,
    ramSize: header.machine.ramSize,
    name: kernel.ref.path,
    bios: bios && parseElf(bios.bytes, bios.ref.path),
    biosName: bios?.ref.path,
    bootargs: header.machine.bootargs,
  });
}
