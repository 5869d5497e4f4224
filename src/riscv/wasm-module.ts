// A minimal encoder of the WebAssembly binary module format (core spec 1.0): LEB128, function types, one imported
// memory, imported functions, a table, functions with locals, exports. Enough for the block compiler's generated
// code; no dependency. Written for speed (a block is compiled while the guest waits): one growing buffer, section
// and body sizes patched in place as padded LEB128, bulk copies, and i64 constants from plain numbers where exact.

// The JS API of WebAssembly as far as this tree uses it (the project's lib settings include no DOM types).
declare global {
  namespace WebAssembly {
    class Memory {
      constructor(limits: { initial: number; maximum?: number });
      readonly buffer: ArrayBuffer;
    }
    class Module {
      constructor(bytes: Uint8Array);
    }
    class Instance {
      constructor(module: Module, imports: object);
      readonly exports: Record<string, unknown>;
    }
    class Table {
      constructor(desc: { element: 'anyfunc'; initial: number; maximum?: number });
      get(index: number): unknown;
      set(index: number, value: unknown): void;
      readonly length: number;
    }
  }
}

export const I32 = 0x7f,
  I64 = 0x7e,
  F64 = 0x7c;
/** Block type of a structured instruction that yields nothing. */
export const VOID = 0x40;

/** Opcodes used by the generated code (core spec, section 5.4). */
export const enum W {
  block = 0x02,
  loop = 0x03,
  if_ = 0x04,
  else_ = 0x05,
  end = 0x0b,
  br = 0x0c,
  br_if = 0x0d,
  return_ = 0x0f,
  call = 0x10,
  select = 0x1b,
  local_get = 0x20,
  local_set = 0x21,
  local_tee = 0x22,
  i32_load = 0x28,
  i64_load = 0x29,
  f64_load = 0x2b,
  call_indirect = 0x11,
  drop = 0x1a,
  f64_floor = 0x9c,
  f64_div = 0xa3,
  i32_load8_u = 0x2d,
  i64_load8_s = 0x30,
  i64_load8_u = 0x31,
  i64_load16_s = 0x32,
  i64_load16_u = 0x33,
  i64_load32_s = 0x34,
  i64_load32_u = 0x35,
  i32_store = 0x36,
  i64_store = 0x37,
  f64_store = 0x39,
  i64_store8 = 0x3c,
  i64_store16 = 0x3d,
  i64_store32 = 0x3e,
  i32_const = 0x41,
  i64_const = 0x42,
  f64_const = 0x44,
  i32_eqz = 0x45,
  i32_eq = 0x46,
  i32_ne = 0x47,
  i32_gt_u = 0x4b,
  i32_lt_s = 0x48,
  i32_gt_s = 0x4a,
  i32_le_u = 0x4d,
  i32_le_s = 0x4c,
  i64_eqz = 0x50,
  i64_eq = 0x51,
  i64_ne = 0x52,
  i64_lt_s = 0x53,
  i64_lt_u = 0x54,
  i64_gt_u = 0x56,
  i64_ge_s = 0x59,
  i64_ge_u = 0x5a,
  f64_eq = 0x61,
  f64_ne = 0x62,
  i32_add = 0x6a,
  i32_sub = 0x6b,
  i32_mul = 0x6c,
  i32_div_s = 0x6d,
  i32_div_u = 0x6e,
  i32_rem_s = 0x6f,
  i32_rem_u = 0x70,
  i32_and = 0x71,
  i32_or = 0x72,
  i32_shl = 0x74,
  i32_shr_s = 0x75,
  i32_shr_u = 0x76,
  i64_add = 0x7c,
  i64_sub = 0x7d,
  i64_mul = 0x7e,
  i64_div_s = 0x7f,
  i64_div_u = 0x80,
  i64_rem_s = 0x81,
  i64_rem_u = 0x82,
  i64_and = 0x83,
  i64_or = 0x84,
  i64_xor = 0x85,
  i64_shl = 0x86,
  i64_shr_s = 0x87,
  i64_shr_u = 0x88,
  f64_add = 0xa0,
  f64_sub = 0xa1,
  f64_mul = 0xa2,
  i32_wrap_i64 = 0xa7,
  i64_extend_i32_s = 0xac,
  i64_extend_i32_u = 0xad,
  i64_trunc_f64_s = 0xb0,
  f64_convert_i32_s = 0xb7,
  f64_convert_i32_u = 0xb8,
  f64_convert_i64_s = 0xb9,
  br_table = 0x0e,
}

const f64Bytes = new DataView(new ArrayBuffer(8));
const TWO32 = 4294967296;

/** A growable byte sequence with the encodings the format uses. */
export class Bytes {
  protected buf = new Uint8Array(256);
  length = 0;

  /** Makes room for `n` more bytes. */
  protected room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  byte(b: number): this {
    if (this.length === this.buf.length) this.room(1);
    this.buf[this.length++] = b & 0xff;
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
    return this;
  }
  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  u(v: number): this {
    if (v < 128) return this.byte(v);
    do {
      let b = v % 128;
      v = Math.floor(v / 128);
      if (v !== 0) b |= 0x80;
      this.byte(b);
    } while (v !== 0);
    return this;
  }
  /** Signed LEB128 of a 32-bit integer. */
  s32(v: number): this {
    v |= 0;
    for (;;) {
      const b = v & 0x7f;
      v >>= 7;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  /** Signed LEB128 of an integer of magnitude below 2^53 (the same bytes as s64 of its BigInt). */
  sn(v: number): this {
    if (v === (v | 0)) return this.s32(v);
    for (;;) {
      const q = Math.floor(v / 128);
      const b = v - q * 128;
      v = q;
      if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  /** Signed LEB128 of a 64-bit integer. */
  s64(v: bigint): this {
    v = BigInt.asIntN(64, v);
    for (;;) {
      const b = Number(v & 0x7fn);
      v >>= 7n;
      if ((v === 0n && (b & 0x40) === 0) || (v === -1n && (b & 0x40) !== 0)) return this.byte(b);
      this.byte(b | 0x80);
    }
  }
  f64(v: number): this {
    f64Bytes.setFloat64(0, v, true);
    this.room(8);
    for (let k = 0; k < 8; k++) this.buf[this.length++] = f64Bytes.getUint8(k);
    return this;
  }
  name(s: string): this {
    this.u(s.length);
    for (let k = 0; k < s.length; k++) this.byte(s.charCodeAt(k));
    return this;
  }
  /** A length-prefixed copy of `b`. */
  sized(b: Bytes): this {
    this.u(b.length);
    return this.append(b);
  }
  /** A copy of `b`'s bytes. */
  append(b: Bytes): this {
    this.room(b.length);
    this.buf.set(b.buf.subarray(0, b.length), this.length);
    this.length += b.length;
    return this;
  }
  /** Reserves five bytes for a size patched by `patch(at)`: the byte count written since, as padded LEB128. */
  reserve(): number {
    this.room(5);
    const at = this.length;
    this.length += 5;
    return at;
  }
  patch(at: number): this {
    let v = this.length - at - 5;
    for (let k = 0; k < 5; k++) {
      this.buf[at + k] = (v & 0x7f) | (k < 4 ? 0x80 : 0);
      v >>>= 7;
    }
    return this;
  }
  done(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

/** Function body with structured-control depth tracking, so branches name their target by label. */
export class Code extends Bytes {
  depth = 0;
  op(o: W): this {
    return this.byte(o);
  }
  get(l: number): this {
    return this.byte(W.local_get).u(l);
  }
  set(l: number): this {
    return this.byte(W.local_set).u(l);
  }
  tee(l: number): this {
    return this.byte(W.local_tee).u(l);
  }
  i32(v: number): this {
    return this.byte(W.i32_const).s32(v);
  }
  /** An i64 constant: a number must be an integer of magnitude below 2^53 (exact), a bigint any 64-bit value. */
  i64(v: bigint | number): this {
    this.byte(W.i64_const);
    return typeof v === 'number' ? this.sn(v) : this.s64(v);
  }
  f64c(v: number): this {
    return this.byte(W.f64_const).f64(v);
  }
  /** A load or store with its alignment exponent and constant offset. */
  mem(o: W, alignLog2: number, offset = 0): this {
    return this.byte(o).u(alignLog2).u(offset);
  }
  /** Opens block, loop or if; returns the label (its depth) for br. */
  open(o: W.block | W.loop | W.if_, type: number = VOID): number {
    this.byte(o).byte(type);
    return ++this.depth;
  }
  close(): this {
    this.depth--;
    return this.byte(W.end);
  }
  br(label: number): this {
    return this.byte(W.br).u(this.depth - label);
  }
  brIf(label: number): this {
    return this.byte(W.br_if).u(this.depth - label);
  }
}

/** A function type: parameter and result value types. */
export interface Signature {
  params: readonly number[];
  results: readonly number[];
}

export interface FuncDef extends Signature {
  /** Extra locals by type, in order after the parameters. */
  locals: readonly number[];
  /** The body without its final `end`; `prologue`, when given, goes in front of it. */
  body: Code;
  prologue?: Code;
  /** Exported under this name when given. */
  export?: string;
}

export interface ModuleDef {
  /** Functions imported from `env` (function indices 0.., before the defined ones). */
  imports?: readonly ({ name: string } & Signature)[];
  funcs: readonly FuncDef[];
  /** Types for call_indirect only, numbered after one type per import and per defined function. */
  extraTypes?: readonly Signature[];
  /** A funcref table of this size, exported under `tableExport`. */
  table?: number;
  tableExport?: string;
}

const out = new Bytes();

/** A module importing memory `env.mem`; defined functions are numbered after the imported ones. */
export function encodeModule(def: ModuleDef | FuncDef[]): Uint8Array {
  const m: ModuleDef = Array.isArray(def) ? { funcs: def } : def;
  const imports = m.imports ?? [];
  const funcs = m.funcs;
  const extra = m.extraTypes ?? [];
  out.length = 0;
  out.bytes(MAGIC);
  let at = 0;
  const open = (id: number) => {
    out.byte(id);
    at = out.reserve();
  };
  const sig = (s: Signature) => out.byte(0x60).u(s.params.length).bytes(s.params).u(s.results.length).bytes(s.results);
  open(1);
  out.u(imports.length + funcs.length + extra.length);
  for (const f of imports) sig(f);
  for (const f of funcs) sig(f);
  for (const t of extra) sig(t);
  out.patch(at);
  open(2);
  out.u(imports.length + 1);
  imports.forEach((f, k) => out.name('env').name(f.name).byte(0x00).u(k));
  out.name('env').name('mem').byte(0x02).byte(0x00).u(0);
  out.patch(at);
  open(3);
  out.u(funcs.length);
  for (let k = 0; k < funcs.length; k++) out.u(imports.length + k);
  out.patch(at);
  if (m.table !== undefined) {
    open(4);
    out.u(1).byte(0x70).byte(0x01).u(m.table).u(m.table);
    out.patch(at);
  }
  let exported = m.table !== undefined && m.tableExport !== undefined ? 1 : 0;
  for (const f of funcs) if (f.export !== undefined) exported++;
  open(7);
  out.u(exported);
  funcs.forEach(
    (f, k) =>
      f.export !== undefined &&
      out
        .name(f.export)
        .byte(0x00)
        .u(imports.length + k),
  );
  if (m.table !== undefined && m.tableExport !== undefined) out.name(m.tableExport).byte(0x01).u(0);
  out.patch(at);
  open(10);
  out.u(funcs.length);
  for (const f of funcs) {
    const size = out.reserve();
    // Locals as run-length groups of equal types.
    let groups = 0;
    for (let k = 0; k < f.locals.length; k++) if (k === 0 || f.locals[k] !== f.locals[k - 1]) groups++;
    out.u(groups);
    for (let k = 0; k < f.locals.length; ) {
      let j = k;
      while (j < f.locals.length && f.locals[j] === f.locals[k]) j++;
      out.u(j - k).byte(f.locals[k]);
      k = j;
    }
    if (f.prologue) out.append(f.prologue);
    out.append(f.body).byte(W.end);
    out.patch(size);
  }
  out.patch(at);
  return out.done();
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** The signed 64-bit value whose two's-complement halves JS blocks would compute from the double `v`. */
export function i64Of(v: number): number | bigint {
  const hi = Math.floor(v / TWO32) | 0,
    lo = (v | 0) >>> 0;
  if (hi >= -0x100000 && hi < 0x100000) return hi * TWO32 + lo;
  return BigInt.asIntN(64, BigInt(hi) * 4294967296n + BigInt(lo));
}
