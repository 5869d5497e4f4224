// Formats values of every supported type the way gdb prints them, reading the bytes through a value source.
import { ATE } from './dwarf';
import { Member, strip, sizeOf, Type, typeName } from './types';

/** Bytes of one object; `valid` marks bytes that are known (0 where the compiler optimised a piece out). */
export interface Bytes {
  bytes: Uint8Array;
  valid: Uint8Array;
  error?: string;
}

/** Reads part of an object, and (for pointers) memory elsewhere; both may fail. */
export interface ValueSource {
  read(offset: number, size: number): Bytes;
  memory(addr: bigint, size: number): Uint8Array | undefined;
  symbol(addr: bigint): { name: string; offset: bigint } | undefined;
}

export const PRINT_ELEMENTS = 200;
const REPEAT_THRESHOLD = 10;

export function allValid(b: Bytes): boolean {
  return !b.error && b.valid.every((v) => v !== 0);
}

export function toBigInt(bytes: Uint8Array, signed: boolean): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]);
  return signed && bytes.length > 0 ? BigInt.asIntN(bytes.length * 8, v) : v;
}

/** C's %.<precision>g, which is what gdb uses for floating-point values (9 digits for float, 17 for double). */
export function formatFloat(v: number, precision: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v < 0 ? '-inf' : 'inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(v)));
  let s = v.toExponential(precision - 1);
  let e = Number(s.slice(s.indexOf('e') + 1));
  if (Number.isNaN(e)) e = exp;
  if (e < -4 || e >= precision) {
    let [mant, ex] = s.split('e');
    if (mant.includes('.')) mant = mant.replace(/0+$/, '').replace(/\.$/, '');
    const n = Number(ex);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  s = v.toFixed(Math.max(0, precision - 1 - e));
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  return s;
}

function floatText(bytes: Uint8Array, size: number): string {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (size === 4) {
    const v = dv.getFloat32(0, true);
    if (Number.isNaN(v))
      return `${v < 0 || bytes[3] & 0x80 ? '-' : ''}nan(0x${(dv.getUint32(0, true) & 0x7fffff).toString(16)})`;
    return formatFloat(v, 9);
  }
  if (size === 8) {
    const v = dv.getFloat64(0, true);
    if (Number.isNaN(v))
      return `${bytes[7] & 0x80 ? '-' : ''}nan(0x${(dv.getBigUint64(0, true) & 0xfffffffffffffn).toString(16)})`;
    return formatFloat(v, 17);
  }
  if (size === 16) return formatFloat(quadToNumber(bytes), 36).replace(/(\.\d{17})\d+/, '$1');
  return '<unsupported float>';
}

/** IEEE binary128 (RISC-V long double) to the nearest double; enough for display. */
function quadToNumber(b: Uint8Array): number {
  const hi = toBigInt(b.subarray(8, 16), false);
  const lo = toBigInt(b.subarray(0, 8), false);
  const sign = hi >> 63n ? -1 : 1;
  const exp = Number((hi >> 48n) & 0x7fffn);
  const mant = ((hi & 0xffffffffffffn) << 64n) | lo;
  if (exp === 0x7fff) return mant === 0n ? sign * Infinity : NaN;
  const frac = Number(mant) / 2 ** 112;
  return exp === 0 ? sign * frac * 2 ** -16382 : sign * (1 + frac) * 2 ** (exp - 16383);
}

const ESCAPES: Record<number, string> = {
  7: '\\a',
  8: '\\b',
  9: '\\t',
  10: '\\n',
  11: '\\v',
  12: '\\f',
  13: '\\r',
  27: '\\033',
};

function charBody(c: number, quote: string): string {
  if (ESCAPES[c]) return ESCAPES[c];
  if (c === 92) return '\\\\';
  if (String.fromCharCode(c) === quote) return '\\' + quote;
  if (c >= 32 && c < 127) return String.fromCharCode(c);
  return '\\' + c.toString(8).padStart(3, '0');
}

export function charLiteral(c: number): string {
  return `'${charBody(c, "'")}'`;
}

/** A char array or string as gdb prints it: runs of more than ten equal chars become <repeats N times>. */
export function stringLiteral(chars: number[], truncated: boolean): string {
  const parts: string[] = [];
  let open = '';
  let i = 0;
  while (i < chars.length) {
    let j = i;
    while (j < chars.length && chars[j] === chars[i]) j++;
    const run = j - i;
    if (run > REPEAT_THRESHOLD) {
      if (open) {
        parts.push(`"${open}"`);
        open = '';
      }
      parts.push(`${charLiteral(chars[i])} <repeats ${run} times>`);
      i = j;
    } else {
      open += charBody(chars[i], '"');
      i++;
    }
  }
  if (open || parts.length === 0) parts.push(`"${open}"`);
  return parts.join(', ') + (truncated ? '...' : '');
}

function isCharType(t: Type): boolean {
  const s = strip(t);
  return (
    s.kind === 'base' &&
    s.size === 1 &&
    (s.encoding === ATE.signed_char || s.encoding === ATE.unsigned_char || s.encoding === ATE.UTF)
  );
}

/** Formats the object of type `t` at `offset` within `src`. `top` is false inside aggregates (gdb drops some decoration there). */
export function formatValue(t: Type, src: ValueSource, offset: number, top = true, depth = 0): string {
  const s = strip(t);
  if (depth > 20) return '{...}';
  switch (s.kind) {
    case 'void':
      return 'void';
    case 'base':
    case 'enum':
    case 'pointer': {
      if (s.size <= 0 || s.size > 16) return `<invalid type size ${s.size}>`;
      const b = src.read(offset, s.size);
      if (b.error) return `<error: ${b.error}>`;
      if (!allValid(b)) return '<optimized out>';
      return scalarText(t, b.bytes, src, top);
    }
    case 'struct':
    case 'union':
    case 'class': {
      if (s.members.length === 0) return '{}';
      const whole = src.read(offset, Math.min(Math.max(s.size, 1), 1 << 16));
      if (whole.error) return `<error: ${whole.error}>`;
      return `{${s.members.map((m) => `${m.name === '' ? '' : m.name + ' = '}${formatMember(m, src, offset, depth)}`).join(', ')}}`;
    }
    case 'array':
      return formatArray(s.element, s.dims, src, offset, depth);
    case 'function':
      return `{${typeName(t)}} 0x${offset.toString(16)}`;
  }
  return '?';
}

function formatMember(m: Member, src: ValueSource, base: number, depth: number): string {
  if (m.bitSize === undefined) return formatValue(m.type, src, base + m.offset, false, depth + 1);
  const first = Math.floor(m.bitOffset! / 8);
  const last = Math.floor((m.bitOffset! + m.bitSize - 1) / 8);
  const b = src.read(base + first, last - first + 1);
  if (b.error) return `<error: ${b.error}>`;
  if (!allValid(b)) return '<optimized out>';
  const raw = toBigInt(b.bytes, false) >> BigInt(m.bitOffset! - first * 8);
  const mask = (1n << BigInt(m.bitSize)) - 1n;
  let v = raw & mask;
  const st = strip(m.type);
  const signed =
    st.kind === 'base'
      ? st.encoding === ATE.signed || st.encoding === ATE.signed_char
      : st.kind === 'enum' && st.signed;
  if (signed) v = BigInt.asIntN(m.bitSize, v);
  const size = Math.max(1, sizeOf(m.type));
  const bytes = new Uint8Array(size);
  let u = BigInt.asUintN(size * 8, v);
  for (let i = 0; i < size; i++) {
    bytes[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return scalarText(m.type, bytes, src, false);
}

function formatArray(
  element: Type,
  dims: (number | undefined)[],
  src: ValueSource,
  offset: number,
  depth: number,
): string {
  const count = dims[0] ?? 0;
  const rest = dims.slice(1);
  const inner: Type = rest.length > 0 ? { kind: 'array', element, dims: rest } : element;
  const stride = sizeOf(inner);
  if (rest.length === 0 && isCharType(element)) {
    const n = Math.min(count, PRINT_ELEMENTS);
    const b = src.read(offset, n);
    if (b.error) return `<error: ${b.error}>`;
    if (!allValid(b)) return '<optimized out>';
    let chars = [...b.bytes];
    // gdb leaves out one trailing NUL of a char array that fits the print limit.
    if (count <= PRINT_ELEMENTS && chars.length > 0 && chars[chars.length - 1] === 0) chars = chars.slice(0, -1);
    return stringLiteral(chars, count > PRINT_ELEMENTS);
  }
  const items: string[] = [];
  let i = 0;
  let printed = 0;
  // Runs are counted to their end, but the scan is bounded so a corrupt bound cannot make printing endless.
  let budget = 20 * PRINT_ELEMENTS;
  while (i < count && printed < PRINT_ELEMENTS && budget > 0) {
    const text = formatValue(inner, src, offset + i * stride, false, depth + 1);
    let j = i + 1;
    while (j < count && budget-- > 0 && formatValue(inner, src, offset + j * stride, false, depth + 1) === text) j++;
    const run = j - i;
    if (run > REPEAT_THRESHOLD) {
      items.push(`${text} <repeats ${run} times>`);
      i = j;
      printed += REPEAT_THRESHOLD;
    } else {
      items.push(text);
      i++;
      printed++;
    }
  }
  return `{${items.join(', ')}${i < count ? '...' : ''}}`;
}

function scalarText(t: Type, bytes: Uint8Array, src: ValueSource, top: boolean): string {
  const s = strip(t);
  if (s.kind === 'enum') {
    const v = toBigInt(bytes.subarray(0, s.size), s.signed);
    const hit = s.enumerators.find(
      (e) => e.value === v || BigInt.asUintN(s.size * 8, e.value) === BigInt.asUintN(s.size * 8, v),
    );
    return hit ? hit.name : v.toString();
  }
  if (s.kind === 'pointer') {
    const addr = toBigInt(bytes.subarray(0, s.size), false);
    const hex = `0x${addr.toString(16)}`;
    const target = strip(s.target);
    if (target.kind === 'function') {
      const sym = src.symbol(addr);
      const text = sym ? `${hex} <${sym.name}${sym.offset ? '+' + sym.offset : ''}>` : hex;
      return top ? `(${typeName(t)}) ${text}` : text;
    }
    const sym = addr === 0n ? undefined : src.symbol(addr);
    let text = sym ? `${hex} <${sym.name}${sym.offset ? '+' + sym.offset : ''}>` : hex;
    if (isCharType(s.target) && addr !== 0n) text += ' ' + readCString(src, addr);
    return text;
  }
  if (s.kind !== 'base') return '?';
  switch (s.encoding) {
    case ATE.boolean: {
      const v = toBigInt(bytes.subarray(0, s.size), false);
      return v === 0n ? 'false' : v === 1n ? 'true' : v.toString();
    }
    case ATE.float:
      return floatText(bytes, s.size);
    case ATE.signed_char:
    case ATE.unsigned_char:
    case ATE.UTF: {
      const v = toBigInt(bytes.subarray(0, s.size), s.encoding === ATE.signed_char);
      return s.size === 1 ? `${v} ${charLiteral(Number(BigInt.asUintN(8, v)))}` : v.toString();
    }
    case ATE.signed:
      return toBigInt(bytes.subarray(0, s.size), true).toString();
    case ATE.unsigned:
    case ATE.address:
      return toBigInt(bytes.subarray(0, s.size), false).toString();
    case ATE.complex_float: {
      const half = s.size / 2;
      return `${floatText(bytes.subarray(0, half), half)} + ${floatText(bytes.subarray(half), half)}i`;
    }
    default:
      return toBigInt(bytes.subarray(0, s.size), false).toString();
  }
}

function readCString(src: ValueSource, addr: bigint): string {
  const chars: number[] = [];
  for (let a = addr; chars.length < PRINT_ELEMENTS; ) {
    const chunk = src.memory(a, 1);
    if (!chunk)
      return chars.length === 0
        ? `<error: Cannot access memory at address 0x${addr.toString(16)}>`
        : stringLiteral(chars, false);
    if (chunk[0] === 0) return stringLiteral(chars, false);
    chars.push(chunk[0]);
    a += 1n;
  }
  return stringLiteral(chars, true);
}
