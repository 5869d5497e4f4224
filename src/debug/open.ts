// Opens what a launch configuration names: a new live recording of the program (behind its firmware, if any), or a
// replay of a .hartrec file with its images checked against the recording, plus the program's symbols.

import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { HartlineError } from '../errors';
import { readRecording } from '../replay/reader';
import { LoadedImage, locateImage, sha256 } from '../replay/images';
import type { ImageRole } from '../replay/format';
import { Code } from './code';
import { LaunchError, RecordLaunch, ReplayLaunch } from './launch';
import { RecordingTarget } from './recording-target';

export interface Opened {
  target: RecordingTarget;
  code: Code;
  /** Something the user should know about, for the Debug Console (an unfinished recording, missing symbols). */
  notes: string[];
}

/** Recordings are read whole; the log is small next to the run it describes. */
const MAX_RECORDING = 1 << 30;

export function openRecord(cfg: RecordLaunch): Opened {
  // With a payload, the machine boots it and the program (a vmlinux) only gives the symbols.
  const kernel = cfg.payload ?? { path: cfg.program, bytes: cfg.elf };
  const images: { role: ImageRole; path: string; bytes: Uint8Array }[] = [
    { role: 'kernel', path: kernel.path, bytes: kernel.bytes },
  ];
  if (cfg.bios) images.push({ role: 'bios', path: cfg.bios.path, bytes: cfg.bios.bytes });
  if (cfg.initrd) images.push({ role: 'initrd', path: cfg.initrd.path, bytes: cfg.initrd.bytes });
  if (cfg.dtb) images.push({ role: 'dtb', path: cfg.dtb.path, bytes: cfg.dtb.bytes });
  let target: RecordingTarget;
  // A launch that fails leaves no file behind (a 0-byte .hartrec would be offered as a recording).
  const existed = existsSync(cfg.recording);
  try {
    target = RecordingTarget.record({
      images,
      harts: cfg.harts,
      ramSize: cfg.ramSize,
      policy: cfg.policy,
      quantum: cfg.quantum,
      seed: cfg.seed,
      bootargs: cfg.bootargs,
      recording: cfg.recording,
      budget: cfg.budget,
    });
  } catch (e) {
    if (!existed) rmSync(cfg.recording, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && (e as NodeJS.ErrnoException).syscall === 'open') {
      throw new LaunchError(
        `cannot create the recording ${cfg.recording} (${code}); set "recording" to a path in a folder you can write`,
      );
    }
    throw e;
  }
  const code = new Code(cfg.elf, cfg.program);
  return { target, code, notes: code.warning ? [code.warning] : [] };
}

export function openReplay(cfg: ReplayLaunch): Opened {
  let bytes: Uint8Array;
  try {
    if (statSync(cfg.recording).size > MAX_RECORDING)
      throw new LaunchError(`${cfg.recording}: larger than 1 GiB, more than any recording this Hartline reads`);
    bytes = new Uint8Array(readFileSync(cfg.recording));
  } catch (e) {
    if (e instanceof LaunchError) throw e;
    throw new LaunchError(
      `cannot read the recording ${cfg.recording} (${(e as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const rec = readRecording(bytes, cfg.recording);
  // `program` is the recorded kernel itself, or only the symbols of a recorded raw Image (its vmlinux), which has
  // none of its own; a different ELF is refused below as before.
  let symbolsOnly = cfg.payload !== undefined && cfg.program !== undefined;
  // A recorded image that is not at its recorded path is looked for next to the recording, as the CLI does.
  const recorded = (ref: { path: string }) => locateImage(cfg.recording, ref.path);
  const kernelPath = (ref: { path: string; sha256: string }): string => {
    if (cfg.payload) return cfg.payload;
    if (!cfg.program) return recorded(ref);
    if (fileDigest(cfg.program) === ref.sha256 || fileDigest(recorded(ref)) !== ref.sha256 || isElf(recorded(ref)))
      return cfg.program;
    symbolsOnly = true;
    return recorded(ref);
  };
  const images: LoadedImage[] = rec.header.images.map((ref) => {
    const path = ref.role === 'kernel' ? kernelPath(ref) : recorded(ref);
    let data: Uint8Array;
    try {
      data = new Uint8Array(readFileSync(path));
    } catch {
      throw new LaunchError(
        ref.role === 'kernel'
          ? `program not found: ${path}; set "program" to override the path in the recording`
          : `${ref.role} not found: ${path}; the recording needs the ${ref.role} image it was made with`,
      );
    }
    const digest = sha256(data);
    if (digest !== ref.sha256) {
      throw new LaunchError(
        `${path}: this ${ref.role === 'kernel' ? 'program' : ref.role} differs from the one recorded in ${cfg.recording} ` +
          `(SHA-256 ${digest.slice(0, 16)}..., recorded ${ref.sha256.slice(0, 16)}...); rebuild the recorded ELF or point "program" at it`,
      );
    }
    return { ref: { ...ref, path }, bytes: data };
  });
  let target: RecordingTarget;
  try {
    target = RecordingTarget.replay(rec, images, cfg.budget);
  } catch (e) {
    if (e instanceof HartlineError) throw new LaunchError(e.message);
    throw e;
  }
  const kernel = images.find((i) => i.ref.role === 'kernel')!;
  const code = symbolsOnly && cfg.program ? symbolsOf(cfg.program) : new Code(kernel.bytes, kernel.ref.path);
  const notes = code.warning ? [code.warning] : [];
  if (!rec.trailer) {
    const d = rec.damage;
    const why = !d
      ? 'it has no trailer'
      : d.truncated
        ? `it is truncated at byte ${d.offset}`
        : `it is corrupt at byte ${d.offset} (${d.message})`;
    notes.push(
      `${cfg.recording}: the recording is unfinished (${why}); its first ${rec.log.frontier} positions replay`,
    );
  }
  return { target, code, notes };
}

/** The symbols of a program that is not the booted image (a vmlinux beside its Image). */
function symbolsOf(path: string): Code {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(readFileSync(path));
  } catch {
    throw new LaunchError(`program not found: ${path}; set "program" to the kernel's vmlinux`);
  }
  return new Code(bytes, path);
}

/** A file's SHA-256, or undefined when it cannot be read. */
function fileDigest(path: string): string | undefined {
  try {
    return sha256(new Uint8Array(readFileSync(path)));
  } catch {
    return undefined;
  }
}

function isElf(path: string): boolean {
  try {
    const b = readFileSync(path).subarray(0, 4);
    return b.length === 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;
  } catch {
    return false;
  }
}
