// Writes a recording as it is made: the preamble and header at once, then event blocks whenever the recorder
// flushes, then the trailer. Each block carries a CRC, so a killed recorder leaves a readable prefix.

import { ByteWriter, crc32 } from './codec';
import {
  BLOCK,
  CHANNELS,
  Channel,
  Checksum,
  Edit,
  END_REASONS,
  EVENT,
  FORMAT_VERSION,
  MAGIC,
  RecordingHeader,
  Trailer,
} from './format';

/** Where finished bytes go (a file descriptor, a buffer in tests). Called once per block. */
export type RecordingSink = (bytes: Uint8Array) => void;

/** Event payloads larger than this are flushed even if the recorder does not ask, to bound the writer's memory. */
const MAX_PENDING = 1 << 20;

export class RecordingWriter {
  private readonly events = new ByteWriter();
  private readonly block = new ByteWriter();
  /** Position of the last event written (or the block start), the base of the next delta. */
  private last = 0;
  /** The position the previous events block ended at. */
  private blockStart = 0;
  private pendingEvents = 0;
  finished = false;
  /** Bytes handed to the sink so far. */
  bytesWritten = 0;

  constructor(
    private readonly sink: RecordingSink,
    header: RecordingHeader,
  ) {
    const pre = new ByteWriter();
    pre.bytes(MAGIC);
    pre.u8(FORMAT_VERSION & 0xff);
    pre.u8(FORMAT_VERSION >> 8);
    pre.u8(0);
    pre.u8(0);
    this.emit(pre.view());
    this.writeBlock(BLOCK.header, new TextEncoder().encode(JSON.stringify(header)));
  }

  private emit(bytes: Uint8Array): void {
    this.sink(bytes);
    this.bytesWritten += bytes.length;
  }

  private writeBlock(type: number, payload: Uint8Array): void {
    const b = this.block;
    b.reset();
    b.u8(type);
    b.varint(payload.length);
    b.bytes(payload);
    b.u32(crc32(b.view()));
    this.emit(b.view().slice());
  }

  private delta(kind: number, position: number): void {
    this.events.u8(kind);
    this.events.varint(position - this.last);
    this.last = position;
    this.pendingEvents++;
  }

  switchHart(position: number, hart: number): void {
    this.delta(EVENT.switch, position);
    this.events.varint(hart);
  }

  input(position: number, channel: Channel, byte: number): void {
    this.delta(EVENT.input, position);
    this.events.u8(CHANNELS.indexOf(channel));
    this.events.u8(byte);
  }

  wake(position: number, hart: number): void {
    this.delta(EVENT.wake, position);
    this.events.varint(hart);
  }

  edit(position: number, e: Edit): void {
    this.delta(EVENT.edit, position);
    if (e.target === 'memory') {
      this.events.u8(0);
      this.events.varint(e.address);
      this.events.varint(e.bytes.length);
      this.events.bytes(e.bytes);
    } else {
      this.events.u8(1);
      this.events.varint(e.hart);
      this.events.varint(e.register);
      const v = BigInt.asUintN(64, e.value);
      this.events.u32(Number(v & 0xffffffffn));
      this.events.u32(Number(v >> 32n));
    }
  }

  checksum(c: Checksum): void {
    this.delta(EVENT.checksum, c.position);
    this.events.u8(c.harts.length);
    for (const v of c.harts) this.events.u32(v);
    this.events.u32(c.memory);
    this.events.u32(c.devices);
  }

  /** True when enough events wait that the recorder should flush soon regardless of time. */
  get full(): boolean {
    return this.events.length >= MAX_PENDING;
  }

  /** Writes the pending events as one block that describes execution up to `position`. */
  flush(position: number): void {
    if (this.finished) return;
    if (this.pendingEvents === 0 && position === this.blockStart) return;
    const head = new ByteWriter();
    head.varint(this.blockStart);
    head.varint(position);
    const payload = new Uint8Array(head.length + this.events.length);
    payload.set(head.view());
    payload.set(this.events.view(), head.length);
    this.writeBlock(BLOCK.events, payload);
    this.events.reset();
    this.pendingEvents = 0;
    // Events after a flush are never earlier than it, so each block's deltas start from its own start position.
    this.blockStart = position;
    this.last = position;
  }

  finish(trailer: Trailer): void {
    if (this.finished) return;
    this.flush(trailer.positions);
    const t = new ByteWriter();
    t.u8(END_REASONS.indexOf(trailer.reason));
    t.svarint(trailer.exitCode);
    t.varint(trailer.positions);
    const msg = new TextEncoder().encode(trailer.message.slice(0, 4096));
    t.varint(msg.length);
    t.bytes(msg);
    this.writeBlock(BLOCK.trailer, t.view());
    this.finished = true;
  }
}
