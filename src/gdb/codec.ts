// The Remote Serial Protocol's framing: `$payload#cs` packets, acks, Ctrl-C, binary escapes and run-length
// decoding. A byte stream goes in, framed events come out; nothing here knows what a packet means.

/** One thing read off the wire. */
export type Frame =
  | { kind: 'packet'; data: Buffer }
  | { kind: 'bad-checksum'; data: Buffer }
  | { kind: 'ack' }
  | { kind: 'nak' }
  | { kind: 'interrupt' }
  /** A packet longer than the PacketSize we announced, or bytes between packets that mean nothing. */
  | { kind: 'garbage'; bytes: number };

/** The PacketSize announced in qSupported; longer packets are dropped (and NAKed). */
export const PACKET_SIZE = 0x4000;

const DOLLAR = 0x24,
  HASH = 0x23,
  PLUS = 0x2b,
  MINUS = 0x2d,
  ETX = 0x03,
  ESCAPE = 0x7d,
  STAR = 0x2a;

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/**
 * Splits a byte stream into frames. State survives between push() calls, so a packet may arrive in any number of
 * pieces. Outside a packet, anything but `$`, `+`, `-` and 0x03 is skipped (and counted as garbage).
 */
export class Decoder {
  private state: 'idle' | 'body' | 'sum1' | 'sum2' = 'idle';
  private body: number[] = [];
  private sum = 0;
  private got = 0;
  private overlong = false;
  private junk = 0;

  push(chunk: Uint8Array): Frame[] {
    const out: Frame[] = [];
    for (const c of chunk) {
      switch (this.state) {
        case 'idle':
          if (c === DOLLAR) {
            this.flushJunk(out);
            this.state = 'body';
            this.body = [];
            this.sum = 0;
            this.overlong = false;
          } else if (c === PLUS) {
            this.flushJunk(out);
            out.push({ kind: 'ack' });
          } else if (c === MINUS) {
            this.flushJunk(out);
            out.push({ kind: 'nak' });
          } else if (c === ETX) {
            this.flushJunk(out);
            out.push({ kind: 'interrupt' });
          } else this.junk++;
          break;
        case 'body':
          if (c === HASH) {
            this.state = 'sum1';
            break;
          }
          // A `$` inside a body means the previous packet was cut off: start over with the new one.
          if (c === DOLLAR) {
            out.push({ kind: 'garbage', bytes: this.body.length + 1 });
            this.body = [];
            this.sum = 0;
            this.overlong = false;
            break;
          }
          this.sum = (this.sum + c) & 0xff;
          if (this.body.length < PACKET_SIZE) this.body.push(c);
          else this.overlong = true;
          break;
        case 'sum1':
          this.got = hexValue(c);
          this.state = 'sum2';
          if (this.got < 0) {
            this.got = -256;
          }
          break;
        case 'sum2': {
          const v = hexValue(c);
          this.state = 'idle';
          const data = Buffer.from(this.body);
          this.body = [];
          if (this.overlong) out.push({ kind: 'garbage', bytes: data.length });
          else if (v < 0 || this.got < 0 || ((this.got << 4) | v) !== this.sum)
            out.push({ kind: 'bad-checksum', data });
          else out.push({ kind: 'packet', data });
          break;
        }
      }
    }
    this.flushJunk(out);
    return out;
  }

  private flushJunk(out: Frame[]): void {
    if (this.junk) {
      out.push({ kind: 'garbage', bytes: this.junk });
      this.junk = 0;
    }
  }
}

/** `$payload#cs`, with `#`, `$`, `}` and `*` in the payload escaped (replies may carry binary data). */
export function encodePacket(payload: string | Uint8Array): Buffer {
  const raw = typeof payload === 'string' ? Buffer.from(payload, 'latin1') : payload;
  const body: number[] = [];
  for (const c of raw) {
    if (c === DOLLAR || c === HASH || c === ESCAPE || c === STAR) body.push(ESCAPE, c ^ 0x20);
    else body.push(c);
  }
  let sum = 0;
  for (const c of body) sum = (sum + c) & 0xff;
  return Buffer.concat([
    Buffer.from([DOLLAR]),
    Buffer.from(body),
    Buffer.from('#' + sum.toString(16).padStart(2, '0'), 'latin1'),
  ]);
}

/** Undoes `}` escapes (X packets and binary replies). A trailing lone `}` is an error: undefined. */
export function unescapeBinary(data: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === ESCAPE) {
      if (i + 1 >= data.length) return undefined;
      out.push(data[++i] ^ 0x20);
    } else out.push(data[i]);
  }
  return Uint8Array.from(out);
}

/** Expands `x*N` run-length encoding (N = count - 29 repeats of x), which a stub may use in replies. */
export function expandRunLength(data: Uint8Array): Uint8Array | undefined {
  const out: number[] = [];
  for (let i = 0; i < data.length; i++) {
    if (data[i] === STAR) {
      if (out.length === 0 || i + 1 >= data.length) return undefined;
      const n = data[++i] - 29;
      if (n < 3 || n > 97) return undefined;
      const prev = out[out.length - 1];
      for (let k = 0; k < n; k++) out.push(prev);
    } else out.push(data[i]);
  }
  return Uint8Array.from(out);
}

/** Bytes as lowercase hex. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

/** Hex text to bytes; undefined unless it is an even number of hex digits. */
export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

/** A non-negative hex number of at most 16 digits, as a bigint; undefined if it is not one. */
export function parseHex(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F]{1,16}$/.test(text)) return undefined;
  return BigInt('0x' + text);
}

/** `value` as `bytes` little-endian bytes in hex (register contents in g/p replies). */
export function littleEndianHex(value: bigint, bytes: number): string {
  let s = '';
  for (let i = 0; i < bytes; i++)
    s += Number((value >> BigInt(8 * i)) & 0xffn)
      .toString(16)
      .padStart(2, '0');
  return s;
}

/** The inverse of littleEndianHex; undefined unless `text` is exactly 2*bytes hex digits. */
export function parseLittleEndian(text: string, bytes: number): bigint | undefined {
  const b = fromHex(text);
  if (!b || b.length !== bytes) return undefined;
  let v = 0n;
  for (let i = bytes - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
