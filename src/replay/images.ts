// Builds the machine a recording describes: loads its images, checks their SHA-256 against the header, and
// loads a kernel behind a --bios firmware the way QEMU's virt machine does (the firmware owns the entry point),
// with its initrd and device tree.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HartlineError } from '../errors';
import { Machine } from '../machine/machine';
import { parseElf } from '../machine/elf';
import { parsePayload } from '../machine/payload';
import type { ImageRef, ImageRole, RecordingHeader } from './format';

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Where to read an image a recording names: its recorded path, or, when nothing is there, the file of that name next
 * to the recording (a recording committed or moved with its ELF). Its SHA-256 still has to match.
 */
export function locateImage(recordingPath: string, imagePath: string): string {
  if (existsSync(imagePath)) return resolve(imagePath);
  const beside = join(dirname(recordingPath), basename(imagePath));
  return existsSync(beside) ? resolve(beside) : imagePath;
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
      throw new HartlineError(
        `${ref.path}: this ${ref.role} image differs from the one recorded (SHA-256 ${digest.slice(0, 16)}..., ` +
          `recorded ${ref.sha256.slice(0, 16)}...); rebuild the recorded image or pass --force to replay anyway`,
      );
    }
    return { ref, bytes };
  });
}

/**
 * The machine of a recording, at position 0: the kernel behind an optional firmware, as QEMU's -bios/-kernel, with
 * the optional -initrd and -dtb.
 */
export function buildMachine(header: RecordingHeader, images: LoadedImage[]): Machine {
  const role = (r: ImageRole) => images.find((i) => i.ref.role === r);
  const bios = role('bios'),
    kernel = role('kernel'),
    initrd = role('initrd'),
    dtb = role('dtb');
  if (!kernel) throw new HartlineError('the recording names no kernel image');
  const firmware = bios && parseElf(bios.bytes, bios.ref.path);
  const loadAddress = header.machine.loadAddress;
  return new Machine(parsePayload(kernel.bytes, kernel.ref.path, { firmware, loadAddress }), {
    harts: header.machine.harts,
    ramSize: header.machine.ramSize,
    name: kernel.ref.path,
    bios: firmware,
    biosName: bios?.ref.path,
    bootargs: header.machine.bootargs,
    initrd: initrd?.bytes,
    dtb: dtb?.bytes,
    dtbName: dtb?.ref.path,
    loadAddress,
  });
}
