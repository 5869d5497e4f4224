// Reads a recording into an EventLog, checking every block's CRC and every field's range. A damaged or missing
// tail leaves the intact prefix usable and is reported as `damage`; a damaged preamble or header is an error.

import { HartlineError } from '../errors';
import { ByteReader, CorruptRecording, crc32 } from './codec';
import {
  IMAGE_ROLES,
  BLOCK,
  CHANNELS,
  Edit,
  END_REASONS,
  EVENT,
  FORMAT_VERSION,
  LoggedEvent,
  MAGIC,
  OLDEST_VERSION,
  PREAMBLE_SIZE,
  RecordingHeader,
  REGISTER,
  Trailer,
} from './format';
import { EventLog } from './log';

/** Largest header we accept; real ones are a few hundred bytes. */
const MAX_HEADER = 1 << 16;
const MAX_POSITION = Number.MAX_SAFE_INTEGER;

export interface Recording {
  header: RecordingHeader;
  log: EventLog;
  /** Present when the recording finished normally. */
  trailer?: Trailer;
  /** Why the file ends early: truncation (a killed recorder) or corruption, with the byte offset. */
  damage?: { offset: number; truncated: boolean; message: string };
  /** Size of the file in bytes. */
  size: number;
  /** The format version in the preamble. */
  version: number;
}

export interface ReadOptions {
  /** Receives every event in file order (for the dump). */
  onEvent?: (e: LoggedEvent) => void;
}

/** Parses a whole recording. Throws a one-line HartlineError (exit 2) when not even the header is usable. */
export function readRecording(bytes: Uint8Array, name: string, opts: ReadOptions = {}): Recording {
  if (bytes.length < MAGIC.length || MAGIC.some((b, k) => bytes[k] !== b)) {
    throw new HartlineError(`${name}: not a Hartline recording (the file does not start with the HARTREC magic)`);
  }
  if (bytes.length < PREAMBLE_SIZE)
    throw new HartlineError(`${name}: truncated recording: the file ends inside its preamble`);
  const version = bytes[8] | (bytes[9] << 8);
  if (version > FORMAT_VERSION) {
    throw new HartlineError(
      `${name}: recording format version ${version} is newer than this Hartline reads (${FORMAT_VERSION}); upgrade Hartline`,
    );
  }
  if (version < OLDEST_VERSION || bytes[10] !== 0 || bytes[11] !== 0) {
    throw new HartlineError(`${name}: corrupt recording: bad version or flags in the preamble`);
  }
  const blocks = new BlockCursor(bytes, PREAMBLE_SIZE);
  let header: RecordingHeader;
  try {
    const first = blocks.next();
    if (first === undefined) throw new CorruptRecording('the file ends before the header', bytes.length);
    if (first.type !== BLOCK.header) throw new CorruptRecording('the first block is not the header', first.offset);
    header = parseHeader(first.payload, first.offset);
  } catch (e) {
    if (!(e instanceof CorruptRecording)) throw e;
    const truncated = e.message.startsWith('the file ends');
    throw new HartlineError(
      `${name}: ${truncated ? 'truncated' : 'corrupt'} recording: ${e.message} (byte ${e.offset}); nothing to replay`,
    );
  }

  const log = new EventLog();
  const rec: Recording = { header, log, size: bytes.length, version };
  let end = 0;
  for (;;) {
    const start = blocks.pos;
    try {
      const b = blocks.next();
      if (b === undefined) break;
      if (rec.trailer) throw new CorruptRecording('data after the trailer', b.offset);
      if (b.type === BLOCK.events) end = parseEvents(b.payload, b.offset, header, log, end, opts.onEvent);
      else if (b.type === BLOCK.trailer) rec.trailer = parseTrailer(b.payload, b.offset, end);
      else throw new CorruptRecording(`unknown block type 0x${b.type.toString(16)}`, b.offset);
    } catch (e) {
      if (!(e instanceof CorruptRecording)) throw e;
      const truncated = e.message.startsWith('the file ends');
      rec.damage = { offset: truncated ? start : e.offset, truncated, message: e.message };
      break;
    }
  }
  log.frontier = end;
  return rec;
}

interface Block {
  type: number;
  payload: Uint8Array;
  offset: number;
}

/** Walks the blocks: type, varint length, payload, CRC-32 of all three. */
class BlockCursor {
  constructor(
    private readonly bytes: Uint8Array,
    public pos: number,
  ) {}

  next(): Block | undefined {
    const bytes = this.bytes,
      offset = this.pos;
    if (offset >= bytes.length) return undefined;
    const r = new ByteReader(bytes, offset + 1, bytes.length);
    let length: number;
    try {
      length = r.varint();
    } catch {
      throw new CorruptRecording('the file ends inside a block header', offset);
    }
    const payloadStart = r.pos;
    if (length > bytes.length - payloadStart - 4) throw new CorruptRecording('the file ends inside a block', offset);
    const crcAt = payloadStart + length;
    const stored = (bytes[crcAt] | (bytes[crcAt + 1] << 8) | (bytes[crcAt + 2] << 16) | (bytes[crcAt + 3] << 24)) >>> 0;
    if (crc32(bytes, offset, crcAt) !== stored) throw new CorruptRecording('block checksum mismatch', offset);
    this.pos = crcAt + 4;
    return { type: bytes[offset], payload: bytes.subarray(payloadStart, crcAt), offset };
  }
}

function isInt(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

function parseHeader(payload: Uint8Array, offset: number): RecordingHeader {
  if (payload.length > MAX_HEADER) throw new CorruptRecording('header too large', offset);
  let h: any;
  try {
    h = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload));
  } catch {
    throw new CorruptRecording('header is not valid JSON', offset);
  }
  const bad = (what: string): never => {
    throw new CorruptRecording(`header: bad ${what}`, offset);
  };
  if (typeof h !== 'object' || h === null) bad('header');
  if (typeof h.tool !== 'string') bad('tool');
  if (!Array.isArray(h.images) || h.images.length < 1 || h.images.length > IMAGE_ROLES.length) bad('images');
  for (const im of h.images) {
    if (
      typeof im !== 'object' ||
      im === null ||
      !IMAGE_ROLES.includes(im.role) ||
      typeof im.path !== 'string' ||
      typeof im.sha256 !== 'string' ||
      !/^[0-9a-f]{64}$/.test(im.sha256)
    )
      bad('image entry');
  }
  if (new Set(h.images.map((im: { role: string }) => im.role)).size !== h.images.length) bad('images: a role twice');
  const m = h.machine;
  if (
    typeof m !== 'object' ||
    m === null ||
    !isInt(m.harts, 1, 64) ||
    !isInt(m.ramSize, 1 << 20, 2 ** 31) ||
    m.ramSize % 4096 !== 0 ||
    (m.bootargs !== undefined && typeof m.bootargs !== 'string') ||
    (m.loadAddress !== undefined && !isInt(m.loadAddress, 0, 2 ** 48))
  )
    bad('machine');
  const s = h.schedule;
  if (
    typeof s !== 'object' ||
    s === null ||
    !['roundrobin', 'chaos', 'realtime'].includes(s.policy) ||
    !isInt(s.quantum, 1, 2 ** 40) ||
    (s.seed !== undefined && typeof s.seed !== 'string')
  )
    bad('schedule');
  if (!isInt(h.checksumInterval, 1, MAX_POSITION)) bad('checksumInterval');
  if (h.checksumSpacing !== undefined && h.checksumSpacing !== 'cost') bad('checksumSpacing');
  return h as RecordingHeader;
}

/** Decodes one events block into the log; returns the position the block describes execution up to. */
function parseEvents(
  payload: Uint8Array,
  offset: number,
  header: RecordingHeader,
  log: EventLog,
  prevEnd: number,
  onEvent: ((e: LoggedEvent) => void) | undefined,
): number {
  const r = new ByteReader(payload, 0, payload.length, offset);
  const start = r.varint(),
    end = r.varint();
  if (start !== prevEnd) r.fail(`events block starts at position ${start}, expected ${prevEnd}`);
  if (end < start || end > MAX_POSITION) r.fail('events block ends before it starts');
  const harts = header.machine.harts;
  let pos = start;
  while (r.left > 0) {
    const kind = r.u8();
    pos += r.varint();
    if (pos > end) r.fail('event after the end of its block');
    switch (kind) {
      case EVENT.switch:
      case EVENT.wake: {
        const hart = r.varint();
        if (hart >= harts) r.fail(`hart ${hart} out of range`);
        if (kind === EVENT.switch) log.addSwitch(pos, hart);
        else log.addWake(pos, hart);
        onEvent?.({ position: pos, kind: kind === EVENT.switch ? 'switch' : 'wake', hart });
        break;
      }
      case EVENT.input: {
        const channel = r.u8(),
          byte = r.u8();
        if (channel >= CHANNELS.length) r.fail('unknown input channel');
        log.addInput(pos, channel, byte);
        onEvent?.({ position: pos, kind: 'input', channel: CHANNELS[channel], byte });
        break;
      }
      case EVENT.checksum: {
        const n = r.u8();
        if (n !== harts) r.fail('checksum hart count differs from the header');
        const hs: number[] = [];
        for (let k = 0; k < n; k++) hs.push(r.u32());
        const c = { position: pos, harts: hs, memory: r.u32(), devices: r.u32() };
        log.addChecksum(c);
        onEvent?.({ position: pos, kind: 'checksum', checksum: c });
        break;
      }
      case EVENT.edit: {
        const e = parseEdit(r, harts);
        log.addEdit(pos, e);
        onEvent?.({ position: pos, kind: 'edit', hart: e.target === 'register' ? e.hart : undefined, edit: e });
        break;
      }
      default:
        r.fail(`unknown event kind ${kind}`);
    }
  }
  return end;
}

/** Largest memory edit: the debugger writes a variable or a memory view's bytes, never more. */
const MAX_EDIT_BYTES = 1 << 20;

function parseEdit(r: ByteReader, harts: number): Edit {
  const target = r.u8();
  if (target === 0) {
    const address = r.varint(),
      n = r.varint();
    if (n < 1 || n > MAX_EDIT_BYTES) r.fail('memory edit of a bad length');
    return { target: 'memory', address, bytes: r.bytes(n).slice() };
  }
  if (target !== 1) r.fail('unknown edit target');
  const hart = r.varint(),
    register = r.varint();
  if (hart >= harts) r.fail(`hart ${hart} out of range`);
  if (register > REGISTER.pc && (register < REGISTER.csr || register >= REGISTER.csr + 4096))
    r.fail(`unknown register number ${register}`);
  const lo = r.u32(),
    hi = r.u32();
  return { target: 'register', hart, register, value: (BigInt(hi) << 32n) | BigInt(lo) };
}

function parseTrailer(payload: Uint8Array, offset: number, end: number): Trailer {
  const r = new ByteReader(payload, 0, payload.length, offset);
  const reason = r.u8();
  if (reason >= END_REASONS.length) r.fail('unknown end reason');
  const exitCode = r.svarint();
  const positions = r.varint();
  if (positions !== end) r.fail(`trailer says ${positions} positions but the events end at ${end}`);
  const n = r.varint();
  let message: string;
  try {
    message = new TextDecoder('utf-8', { fatal: true }).decode(r.bytes(n));
  } catch (e) {
    if (e instanceof CorruptRecording) throw e;
    return r.fail('trailer message is not UTF-8');
  }
  if (r.left !== 0) r.fail('extra bytes in the trailer');
  return { reason: END_REASONS[reason], exitCode, positions, message };
}
