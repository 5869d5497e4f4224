// The recording format's vocabulary: magic, version, block and event codes, and the header, event and trailer shapes.
// docs/recording-format.md is the normative description; this file and the reader/writer follow it.

export const MAGIC = new Uint8Array([0x48, 0x41, 0x52, 0x54, 0x52, 0x45, 0x43, 0x1a]); // "HARTREC" 0x1A
export const FORMAT_VERSION = 3;
/** Version 1 lacks the edit event, version 2 the cost-based checksum spacing; their files read as before. */
export const OLDEST_VERSION = 1;
/** Magic, u16 version, u16 flags. */
export const PREAMBLE_SIZE = 12;

export const BLOCK = { header: 0x48, events: 0x45, trailer: 0x54 } as const; // 'H', 'E', 'T'

export const EVENT = { switch: 1, input: 2, wake: 3, checksum: 4, edit: 5 } as const;
export type EventKind = 'switch' | 'input' | 'wake' | 'checksum' | 'edit';

/** Register numbers of register edits: x0-x31, f0-f31 (raw bits), the pc, and CSR n as CSR_BASE + n. */
export const REGISTER = { x: 0, f: 32, pc: 64, csr: 0x1000 } as const;

/**
 * A change the debugger made while recording, at the live frontier. It takes effect before the instruction at its
 * position executes, and a replay applies it at the same place, so the run stays the one that was recorded.
 */
export type Edit =
  | { target: 'memory'; address: number; bytes: Uint8Array }
  | { target: 'register'; hart: number; register: number; value: bigint };

export const CHANNELS = ['uart', 'semihost'] as const;
export type Channel = (typeof CHANNELS)[number];

export const END_REASONS = ['exit', 'trap', 'deadlock', 'limit', 'stopped'] as const;
export type EndReason = (typeof END_REASONS)[number];

export type Policy = 'roundrobin' | 'chaos' | 'realtime';

/**
 * 'kernel' is the payload named on the command line (an ELF, a Linux Image or a flat binary); 'bios' is --bios,
 * which then owns the entry point; 'initrd' is --initrd; 'dtb' is --dtb, booted instead of the generated tree.
 */
export const IMAGE_ROLES = ['kernel', 'bios', 'initrd', 'dtb'] as const;
export type ImageRole = (typeof IMAGE_ROLES)[number];

export interface ImageRef {
  role: ImageRole;
  /** Absolute path at recording time. */
  path: string;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
}

export interface RecordingHeader {
  tool: string;
  images: ImageRef[];
  /** `bootargs` (optional) is the kernel command line placed in the device tree's /chosen node. */
  /** `loadAddress` (optional) is where a flat-binary kernel was loaded (--load-address). */
  machine: { harts: number; ramSize: number; bootargs?: string; loadAddress?: number };
  schedule: { policy: Policy; quantum: number; seed?: string };
  /** Positions between state checksums; with `checksumSpacing: 'cost'`, the least distance between them. */
  checksumInterval: number;
  /**
   * 'cost' (version 3): the recorder spaced checksums by their cost (src/replay/spacing.ts) and a replay verifies
   * exactly where the log holds one. Absent: a checksum at every multiple of `checksumInterval`.
   */
  checksumSpacing?: 'cost';
}

export interface Checksum {
  position: number;
  /** Per-hart register digest. */
  harts: number[];
  /** Digest of the RAM pages written since the previous checksum, with their contents. */
  memory: number;
  /** Digest of device state, virtual time and the current hart. */
  devices: number;
}

export interface Trailer {
  reason: EndReason;
  exitCode: number;
  /** Total positions (instructions by all harts) at the end. */
  positions: number;
  message: string;
}

/** One event as the dump shows it. */
export interface LoggedEvent {
  position: number;
  kind: EventKind;
  hart?: number;
  channel?: Channel;
  byte?: number;
  checksum?: Checksum;
  edit?: Edit;
}
