// Launch attributes of the `hartline` debug type: validation of both modes, with messages that say what to fix.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_RAM } from '../machine/machine';
import type { Policy } from '../replay/format';

export interface LaunchArguments {
  mode?: 'record' | 'replay';
  program?: string;
  /** The payload the machine boots when it is not `program` itself: a kernel's Image beside its vmlinux (`program`, for symbols). */
  payload?: string;
  bios?: string;
  harts?: number;
  ram?: number | string;
  schedule?: Policy;
  quantum?: number;
  seed?: number;
  recording?: string;
  stopOnEntry?: boolean;
  args?: string[];
  bootargs?: string;
  console?: 'internalConsole' | 'integratedTerminal';
  startAt?: 'start' | 'end';
  cwd?: string;
  /** Snapshot memory in MiB (the extension's hartline.snapshotBudget setting). */
  snapshotBudget?: number;
}

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
  /** What the machine boots instead of `elf` (which then only gives the symbols): a kernel Image. */
  payload?: { path: string; bytes: Uint8Array };
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

function budgetOf(a: LaunchArguments): number | undefined {
  if (a.snapshotBudget === undefined) return undefined;
  return intIn('snapshotBudget', a.snapshotBudget, 256, 16, 16384) * (1 << 20);
}

function parseSize(v: number | string | undefined): number {
  if (v === undefined) return DEFAULT_RAM;
  if (typeof v === 'number') return v;
  const m = /^(\d+)\s*([kKmMgG]?)i?[bB]?$/.exec(v.trim());
  if (!m) throw new LaunchError(`"ram" must be a size such as 128M, got "${v}"`);
  const unit = { '': 1, k: 1 << 10, m: 1 << 20, g: 1 << 30 }[m[2].toLowerCase() as '' | 'k' | 'm' | 'g'];
  return Number(m[1]) * unit;
}

function intIn(name: string, v: unknown, def: number, lo: number, hi: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) throw new LaunchError(`"${name}" must be an integer from ${lo} to ${hi}, got ${JSON.stringify(v)}`);
  return v;
}

export function parseLaunch(a: LaunchArguments): RecordLaunch | ReplayLaunch {
  const base = a.cwd ?? process.cwd();
  const mode = a.mode ?? (a.recording && !a.program ? 'replay' : 'record');
  if (mode === 'replay') {
    if (!a.recording) throw new LaunchError('"mode": "replay" needs "recording", the path of a .hartrec file');
    const recording = resolve(base, a.recording);
    if (!existsSync(recording)) throw new LaunchError(`recording not found: ${recording}`);
    if (a.startAt !== undefined && a.startAt !== 'start' && a.startAt !== 'end') throw new LaunchError('"startAt" must be "start" or "end"');
    return { mode, recording, program: a.program ? resolve(base, a.program) : undefined, payload: a.payload ? resolve(base, a.payload) : undefined, stopOnEntry: a.stopOnEntry ?? true, startAt: a.startAt ?? 'start', budget: budgetOf(a) };
  }
  if (mode !== 'record') throw new LaunchError(`"mode" must be "record" or "replay", got ${JSON.stringify(mode)}`);
  if (!a.program) throw new LaunchError('"mode": "record" needs "program", the path of the ELF file to run');
  const program = resolve(base, a.program);
  const elf = readProgram(program);
  let bios: RecordLaunch['bios'];
  if (a.bios) {
    const path = resolve(base, a.bios);
    bios = { path, bytes: readProgram(path, 'bios', 'set "bios" to the firmware ELF (such as OpenSBI\'s fw_dynamic.elf)') };
  }
  let payload: RecordLaunch['payload'];
  if (a.payload) {
    const path = resolve(base, a.payload);
    payload = { path, bytes: readProgram(path, 'payload', 'set "payload" to the kernel Image to boot (and "program" to its vmlinux)') };
  }
  const policy = a.schedule ?? 'roundrobin';
  if (policy !== 'roundrobin' && policy !== 'chaos') throw new LaunchError(`"schedule" must be "roundrobin" or "chaos", got ${JSON.stringify(policy)}`);
  const bootargs = a.bootargs ?? (a.args && a.args.length ? a.args.join(' ') : undefined);
  return {
    mode, program, elf, policy, bootargs, bios, payload, budget: budgetOf(a),
    harts: intIn('harts', a.harts, 1, 1, 64),
    ramSize: parseSize(a.ram),
    quantum: intIn('quantum', a.quantum, 10000, 1, 1 << 30),
    seed: intIn('seed', a.seed, 1, 0, 0xffffffff),
    recording: resolve(base, a.recording ?? program.replace(/\.elf$/, '') + '.hartrec'),
    stopOnEntry: a.stopOnEntry ?? false,
  };
}
