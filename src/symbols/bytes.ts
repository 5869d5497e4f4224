// A bounds-checked little-endian cursor over one ELF section, shared by every DWARF reader.
import { SymbolError } from './errors';

/** Reads integers, LEB128s and strings; every read past `end` throws SymbolError instead of returning garbage. */
export class ByteReader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    public pos = 0,
    public end = bytes.length,
    readonly section = '',
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (!(end <= bytes.length)) this.end = bytes.length;
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.end) this.fail(`offset ${pos} out of range`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  fail(message: string): never {
    throw new SymbolError(message, this.section, this.pos);
  }

  need(n: number): void {
    if (n < 0 || this.pos + n > this.end) this.fail(`truncated (need ${n} bytes)`);
  }

  seek(pos: number): this {
    if (!Number.isSafeInteger(pos) || pos < 0 || pos > this.end) this.fail(`offset 0x${pos.toString(16)} out of range`);
    this.pos = pos;
    return this;
  }

  skip(n: number): void {
    this.need(n);
    this.pos += n;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.pos++];
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u24(): number {
    this.need(3);
    const b = this.bytes,
      p = this.pos;
    this.pos += 3;
    return b[p] | (b[p + 1] << 8) | (b[p + 2] << 16);
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i8(): number {
    this.need(1);
    return this.view.getInt8(this.pos++);
  }
  i16(): number {
    this.need(2);
    const v = this.view.getInt16(this.pos, true);
    this.pos += 2;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): bigint {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }
  i64(): bigint {
    this.need(8);
    const v = this.view.getBigInt64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A 64-bit field that is an offset or length within the file, so it must fit a JS number. */
  u64n(): number {
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) this.fail('64-bit offset too large');
    return Number(v);
  }

  /** An unsigned integer of `size` bytes (1, 2, 4 or 8) as bigint: addresses and data forms. */
  uint(size: number): bigint {
    switch (size) {
      case 1:
        return BigInt(this.u8());
      case 2:
        return BigInt(this.u16());
      case 4:
        return BigInt(this.u32());
      case 8:
        return this.u64();
      default:
        return this.fail(`unsupported size ${size}`);
    }
  }

  /** An offset that is 4 bytes in 32-bit DWARF and 8 in 64-bit DWARF. */
  offset(is64: boolean): number {
    return is64 ? this.u64n() : this.u32();
  }

  /** ULEB128 as a number; values above 2^53 lose precision, which no offset or index ever needs. */
  uleb(): number {
    let result = 0,
      mul = 1,
      byte: number;
    const start = this.pos;
    do {
      if (this.pos >= this.end) this.fail('truncated LEB128');
      if (this.pos - start >= 16) this.fail('LEB128 too long');
      byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
    return result;
  }

  sleb(): number {
    let result = 0,
      mul = 1,
      byte: number;
    const start = this.pos;
    do {
      if (this.pos >= this.end) this.fail('truncated LEB128');
      if (this.pos - start >= 16) this.fail('LEB128 too long');
      byte = this.bytes[this.pos++];
      result += (byte & 0x7f) * mul;
      mul *= 128;
    } while (byte & 0x80);
    if (byte & 0x40) result -= mul;
    return result;
  }

  /** ULEB128 exact to 64 bits, for constants that may be large (DW_OP_constu, DW_FORM_udata). */
  ulebBig(): bigint {
    let result = 0n,
      shift = 0n,
      byte: number;
    do {
      if (this.pos >= this.end) this.fail('truncated LEB128');
      byte = this.bytes[this.pos++];
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    return BigInt.asUintN(64, result);
  }

  slebBig(): bigint {
    let result = 0n,
      shift = 0n,
      byte: number;
    do {
      if (this.pos >= this.end) this.fail('truncated LEB128');
      byte = this.bytes[this.pos++];
      if (shift < 64n) result |= BigInt(byte & 0x7f) << shift;
      shift += 7n;
    } while (byte & 0x80);
    if (byte & 0x40 && shift < 64n) result -= 1n << shift;
    return BigInt.asIntN(64, result);
  }

  /** A NUL-terminated UTF-8 string. */
  cstr(): string {
    const start = this.pos;
    const nul = this.bytes.indexOf(0, start);
    if (nul < 0 || nul >= this.end) this.fail('unterminated string');
    this.pos = nul + 1;
    return decodeUtf8(this.bytes, start, nul);
  }

  /** The initial length of a DWARF unit: returns the unit's end and whether it uses 64-bit offsets. */
  unitLength(): { end: number; is64: boolean } {
    let len = this.u32();
    let is64 = false;
    if (len === 0xffffffff) {
      is64 = true;
      len = this.u64n();
    } else if (len >= 0xfffffff0) this.fail(`reserved unit length 0x${len.toString(16)}`);
    const end = this.pos + len;
    if (end > this.end) this.fail('unit extends past the end of the section');
    return { end, is64 };
  }
}

const decoder = new TextDecoder('utf-8');

/** Decodes bytes [start, end); ASCII, the common case, skips the TextDecoder call. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  if (end - start < 64) {
    let s = '';
    for (let i = start; i < end; i++) {
      const c = bytes[i];
      if (c >= 0x80) return decoder.decode(bytes.subarray(start, end));
      s += String.fromCharCode(c);
    }
    return s;
  }
  return decoder.decode(bytes.subarray(start, end));
}

/** Reads a NUL-terminated string at `offset` of a string section (.debug_str, .strtab, ...). */
export function stringAt(bytes: Uint8Array, offset: number, section: string): string {
  if (offset < 0 || offset >= bytes.length)
    throw new SymbolError(`string offset 0x${offset.toString(16)} out of range`, section);
  let nul = bytes.indexOf(0, offset);
  if (nul < 0) nul = bytes.length;
  return decodeUtf8(bytes, offset, nul);
}
