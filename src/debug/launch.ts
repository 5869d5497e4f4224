// Launch requests of the `hartline` debug type: every attribute checked against the table in launch-attributes.ts
// (an unknown name or a wrong type is one error naming it), then both modes resolved, with messages that say what to fix.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Policy } from '../replay/format';
import {
  CLIENT_ATTRIBUTES,
  defaultRecordingPath,
  LAUNCH_ATTRIBUTES,
  LaunchArguments,
  LaunchAttribute,
} from './launch-attributes';

export type { LaunchArguments };

/** A launch problem the user can fix; the session answers the launch request with this message. */
export class LaunchError extends Error {}

export interface RecordLaunch {
  mode: 'record';
  program: string;
  elf: Uint8Array;
  harts: number;
  ramSize: number;
  policy: Policy;
  quantum: number;
  seed: number;
  recording: string;
  stopOnEntry: boolean;
  bootargs?: string;
  /** Firmware run before the program (QEMU's -bios); the program is its payload. */
  bios?: { path: string; bytes: Uint8Array };
  /** What boots when it is not `program` itself (`payload`); `program` then gives the symbols. */
  payload?: { path: string; bytes: Uint8Array };
  initrd?: { path: string; bytes: Uint8Array };
  dtb?: { path: string; bytes: Uint8Array };
  /** Snapshot memory budget in bytes. */
  budget?: number;
}

export interface ReplayLaunch {
  mode: 'replay';
  recording: string;
  program?: string;
  /** Replaces the recorded kernel image's path; `program` then gives only the symbols. */
  payload?: string;
  stopOnEntry: boolean;
  startAt: 'start' | 'end';
  budget?: number;
}

function readProgram(path: string, what = 'program', hint = 'set "program" to the ELF file to debug'): Uint8Array {
  if (!existsSync(path)) throw new LaunchError(`${what} not found: ${path}; ${hint}`);
  if (statSync(path).isDirectory()) throw new LaunchError(`${what} is a directory, not an ELF file: ${path}`);
  return new Uint8Array(readFileSync(path));
}

const BY_NAME = new Map(LAUNCH_ATTRIBUTES.map((a) => [a.name, a]));

/** The table's default of an attribute (every attribute parseLaunch defaults from has one). */
function defaultOf<T>(name: keyof LaunchArguments): T {
  return BY_NAME.get(name)!.default as T;
}

const SIZE = /^(\d+)\s*([kKmMgG]?)i?[bB]?$/;

/** Why `v` is not a value of `a`, as the end of "must be ...", or undefined when it is one. */
function typeProblem(a: LaunchAttribute, v: unknown): string | undefined {
  if (a.enum)
    return typeof v === 'string' && a.enum.includes(v) ? undefined : a.enum.map((e) => JSON.stringify(e)).join(' or ');
  switch (a.type) {
    case 'string':
      return typeof v === 'string' ? undefined : 'a string';
    case 'boolean':
      return typeof v === 'boolean' ? undefined : 'true or false';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v) && v >= a.minimum! && v <= a.maximum!
        ? undefined
        : `an integer from ${a.minimum} to ${a.maximum}`;
    case 'array':
      return Array.isArray(v) && v.every((x) => typeof x === 'string') ? undefined : 'an array of strings';
    case 'object':
      return typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        Object.values(v).every((x) => typeof x === 'string')
        ? undefined
        : 'an object whose values are strings';
    case 'size':
      return (typeof v === 'number' && Number.isSafeInteger(v) && v > 0) ||
        (typeof v === 'string' && SIZE.test(v.trim()))
        ? undefined
        : 'a size such as 128M, or a number of bytes';
  }
}

/** The attribute name closest to a misspelt one (at most two edits away), for the error message. */
function closest(key: string): string | undefined {
  const distance = (x: string, y: string): number => {
    let row = Array.from({ length: y.length + 1 }, (_, j) => j);
    for (let i = 1; i <= x.length; i++) {
      const next = [i];
      for (let j = 1; j <= y.length; j++)
        next[j] = Math.min(
          row[j] + 1,
          next[j - 1] + 1,
          row[j - 1] + (x[i - 1].toLowerCase() === y[j - 1].toLowerCase() ? 0 : 1),
        );
      row = next;
    }
    return row[y.length];
  };
  let best: string | undefined,
    d = 3;
  for (const a of LAUNCH_ATTRIBUTES) {
    const k = distance(key, a.name);
    if (k < d) {
      d = k;
      best = a.name;
    }
  }
  return best;
}

/** Throws a LaunchError naming the first attribute that is not Hartline's (nor the client's) or has a wrong value. */
function checkAttributes(raw: Record<string, unknown>): void {
  for (const [key, v] of Object.entries(raw)) {
    const a = BY_NAME.get(key);
    if (!a) {
      if (CLIENT_ATTRIBUTES.has(key) || key.startsWith('__')) continue;
      const near = closest(key);
      throw new LaunchError(
        `unknown launch attribute "${key}"${near ? ` (did you mean "${near}"?)` : ''}; docs/options.md lists them`,
      );
    }
    if (v === undefined || v === null) continue;
    const problem = typeProblem(a, v);
    if (problem) throw new LaunchError(`"${key}" must be ${problem}, got ${JSON.stringify(v)}`);
  }
}

function parseSize(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = SIZE.exec(v.trim())!;
  const unit = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

export function parseLaunch(raw: Record<string, unknown>): RecordLaunch | ReplayLaunch {
  checkAttributes(raw);
  const a = raw as LaunchArguments;
  const base = a.cwd ?? process.cwd();
  const budget = (a.snapshotBudget ?? defaultOf<number>('snapshotBudget')) * (1 << 20);
  const mode = a.mode ?? (a.recording && !a.program ? 'replay' : 'record');
  if (mode === 'replay') {
    if (!a.recording) throw new LaunchError('"mode": "replay" needs "recording", the path of a .hartrec file');
    const recording = resolve(base, a.recording);
    if (!existsSync(recording)) throw new LaunchError(`recording not found: ${recording}`);
    return {
      mode,
      recording,
      program: a.program ? resolve(base, a.program) : undefined,
      payload: a.payload ? resolve(base, a.payload) : undefined,
      stopOnEntry: a.stopOnEntry ?? true,
      startAt: a.startAt ?? defaultOf('startAt'),
      budget,
    };
  }
  if (!a.program) throw new LaunchError('"mode": "record" needs "program", the path of the ELF file to run');
  const program = resolve(base, a.program);
  const elf = readProgram(program);
  let bios: RecordLaunch['bios'];
  if (a.bios) {
    const path = resolve(base, a.bios);
    bios = {
      path,
      bytes: readProgram(path, 'bios', 'set "bios" to the firmware ELF (such as OpenSBI\'s fw_dynamic.elf)'),
    };
  }
  const file = (name: 'payload' | 'initrd' | 'dtb', value: string | undefined, hint: string) => {
    if (value === undefined) return undefined;
    const path = resolve(base, value);
    return { path, bytes: readProgram(path, name, hint) };
  };
  const payload = file('payload', a.payload, 'set "payload" to the kernel Image to boot');
  const initrd = file('initrd', a.initrd, 'set "initrd" to the initramfs (a cpio archive)');
  const dtb = file('dtb', a.dtb, 'set "dtb" to a compiled device tree (.dtb)');
  const bootargs = a.bootargs ?? (a.args && a.args.length ? a.args.join(' ') : undefined);
  return {
    mode,
    program,
    elf,
    bootargs,
    bios,
    payload,
    initrd,
    dtb,
    budget,
    policy: a.schedule ?? defaultOf('schedule'),
    harts: a.harts ?? defaultOf('harts'),
    ramSize: parseSize(a.ram ?? defaultOf('ram')),
    quantum: a.quantum ?? defaultOf('quantum'),
    seed: a.seed ?? defaultOf('seed'),
    recording: resolve(base, a.recording ?? defaultRecordingPath(program)),
    stopOnEntry: a.stopOnEntry ?? false,
  };
}
