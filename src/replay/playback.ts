// A Playback is a machine with the engine that drives it from a recording's log (and, live, records past it): the
// starting points shared by the CLI, the debugger and the tests, a new live recording or a replay of a file.

import type { InputPort, Machine } from '../machine/machine';
import { DEFAULT_RAM } from '../machine/machine';
import { ExitCode } from '../errors';
import { Advance, Engine } from './engine';
import type { EndReason, ImageRole, Policy, RecordingHeader, Trailer } from './format';
import { buildMachine, LoadedImage, sha256 } from './images';
import { EventLog } from './log';
import { makePolicy, newSeed } from './policy';
import type { Recording } from './reader';
import { RecordingSink, RecordingWriter } from './writer';
import { SPACING_FLOOR } from './spacing';

export const TOOL = 'hartline 0.1.0';
export const DEFAULT_CHECKSUM_INTERVAL = 1_000_000;

export interface RecordOptions {
  /** The kernel and, optionally, the firmware, with their bytes and the path to write in the header. */
  images: { role: ImageRole; path: string; bytes: Uint8Array }[];
  harts?: number;
  ramSize?: number;
  policy?: Policy;
  quantum?: number;
  /** Chaos seed; drawn from host entropy when absent. */
  seed?: string;
  /** Host input: the bytes of --input, or a live port. */
  input?: Uint8Array | InputPort;
  /** A fixed checksum interval; absent, checksums are spaced by their cost (src/replay/spacing.ts). */
  checksumInterval?: number;
  /** Receives the file's bytes as they are written; absent for a recording kept only in memory. */
  sink?: RecordingSink;
  onConsole?: (bytes: Uint8Array, position: number) => void;
  /** Kernel command line for the device tree's /chosen node, kept in the header. */
  bootargs?: string;
  /** Where a flat-binary kernel goes (--load-address), kept in the header. */
  loadAddress?: number;
}

export interface Playback {
  machine: Machine;
  engine: Engine;
  log: EventLog;
  header: RecordingHeader;
}

function bytesPort(bytes: Uint8Array): InputPort {
  let next = 0;
  return { readByte: () => (next < bytes.length ? bytes[next++] : -1) };
}

/** A machine at position 0 with a live engine that records everything that enters it. */
export function startRecording(o: RecordOptions): Playback {
  const policy = o.policy ?? 'roundrobin';
  const quantum = o.quantum ?? 10000;
  const seed = policy === 'chaos' ? (o.seed ?? newSeed()) : undefined;
  const header: RecordingHeader = {
    tool: TOOL,
    images: o.images.map((i) => ({ role: i.role, path: i.path, sha256: sha256(i.bytes) })),
    machine: {
      harts: o.harts ?? 1,
      ramSize: o.ramSize ?? DEFAULT_RAM,
      ...(o.bootargs === undefined ? {} : { bootargs: o.bootargs }),
      ...(o.loadAddress === undefined ? {} : { loadAddress: o.loadAddress }),
    },
    schedule: seed === undefined ? { policy, quantum } : { policy, quantum, seed },
    checksumInterval: o.checksumInterval ?? SPACING_FLOOR,
    ...(o.checksumInterval === undefined ? { checksumSpacing: 'cost' as const } : {}),
  };
  const images: LoadedImage[] = o.images.map((i, k) => ({ ref: header.images[k], bytes: i.bytes }));
  const machine = buildMachine(header, images);
  const log = new EventLog();
  const writer = o.sink ? new RecordingWriter(o.sink, header) : undefined;
  const input =
    o.input === undefined ? bytesPort(new Uint8Array(0)) : o.input instanceof Uint8Array ? bytesPort(o.input) : o.input;
  const engine = new Engine(machine, log, {
    checksumInterval: header.checksumInterval,
    checksumSpacing: header.checksumSpacing,
    tool: TOOL,
    onConsole: o.onConsole,
    live: { policy: makePolicy(policy, quantum, seed), input, writer },
  });
  return { machine, engine, log, header };
}

/** A machine at position 0 driven by a recording's log. */
export function openReplay(
  rec: Recording,
  images: LoadedImage[],
  onConsole?: (bytes: Uint8Array, position: number) => void,
): Playback {
  const machine = buildMachine(rec.header, images);
  const engine = new Engine(machine, rec.log, {
    checksumInterval: rec.header.checksumInterval,
    checksumSpacing: rec.header.checksumSpacing,
    tool: rec.header.tool,
    onConsole,
  });
  return { machine, engine, log: rec.log, header: rec.header };
}

/** How a finished run maps to the recording's end reason and the process exit code. */
export function endOf(a: Advance): { reason: EndReason; exitCode: number; message: string } {
  switch (a.reason) {
    // The engine's exit, trap and deadlock carry the machine's ending (endingOf), exit code included.
    case 'exit':
    case 'trap':
    case 'deadlock':
      return { reason: a.reason, exitCode: a.exitCode, message: a.message ?? '' };
    case 'target':
      return { reason: 'limit', exitCode: ExitCode.limit, message: 'instruction limit reached' };
    default:
      return { reason: 'stopped', exitCode: 0, message: a.reason };
  }
}

/** Records until the guest ends or `max` positions, then writes the trailer. */
export function recordToEnd(s: Playback, max = Number.MAX_SAFE_INTEGER): Trailer {
  const a = s.engine.advance(max);
  const end = endOf(a);
  return s.engine.finish(end.reason, end.exitCode, end.message);
}
