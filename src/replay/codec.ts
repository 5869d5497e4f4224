// Byte-level building blocks of the recording format: LEB128 varints, zigzag, CRC-32 and a bounds-checked reader.
// Every read is checked against the end of its buffer, so corrupt input becomes a CorruptRecording, never a crash.

/** Thrown by the reader for malformed bytes; the loader turns it into a one-line HartlineError. */
export class CorruptRecording extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Positions are below 2^53; a varint of more than 8 bytes (56 bits) is therefore always corrupt. */
const MAX_VARINT_BYTES = 8;

export class ByteWriter {
  private buf = new Uint8Array(256);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  u8(v: number): void {
    this.room(1);
    this.buf[this.length++] = v & 0xff;
  }

  u32(v: number): void {
    this.room(4);
    const b = this.buf,
      k = this.length;
    b[k] = v & 0xff;
    b[k + 1] = (v >>> 8) & 0xff;
    b[k + 2] = (v >>> 16) & 0xff;
    b[k + 3] = (v >>> 24) & 0xff;
    this.length += 4;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(v: number): void {
    this.room(MAX_VARINT_BYTES + 1);
    while (v >= 0x80) {
      this.buf[this.length++] = v % 0x80 | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  /** Signed integer as zigzag varint. */
  svarint(v: number): void {
    this.varint(v < 0 ? -2 * v - 1 : 2 * v);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  view(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
  }
}

export class ByteReader {
  constructor(
    readonly buf: Uint8Array,
    public pos: number,
    readonly end: number,
    private readonly base = 0,
  ) {}

  get left(): number {
    return this.end - this.pos;
  }

  fail(what: string): never {
    throw new CorruptRecording(what, this.base + this.pos);
  }

  u8(): number {
    if (this.pos >= this.end) this.fail('unexpected end of data');
    return this.buf[this.pos++];
  }

  u32(): number {
    if (this.pos + 4 > this.end) this.fail('unexpected end of data');
    const b = this.buf,
      k = this.pos;
    this.pos += 4;
    return (b[k] | (b[k + 1] << 8) | (b[k + 2] << 16) | (b[k + 3] << 24)) >>> 0;
  }

  varint(): number {
    let v = 0,
      mult = 1;
    for (let k = 0; k < MAX_VARINT_BYTES; k++) {
      const b = this.u8();
      v += (b & 0x7f) * mult;
      if ((b & 0x80) === 0) {
        if (k > 0 && b === 0) this.fail('overlong varint');
        return v;
      }
      mult *= 0x80;
    }
    return this.fail('varint longer than 8 bytes');
  }

  svarint(): number {
    const v = this.varint();
    return v % 2 === 0 ? v / 2 : -(v + 1) / 2;
  }

  bytes(n: number): Uint8Array {
    if (n < 0 || this.pos + n > this.end) this.fail('unexpected end of data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** CRC-32 (the zlib/PNG polynomial), so any reader can check blocks with a stock library. */
export function crc32(data: Uint8Array, start = 0, end = data.length): number {
  let c = -1;
  for (let k = start; k < end; k++) c = CRC_TABLE[(c ^ data[k]) & 0xff] ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
