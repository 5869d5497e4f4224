// A minimal encoder of the WebAssembly binary module format (core spec 1.0): LEB128, function types, one imported
// memory, functions with locals, exports. Enough for the block compiler's generated code; no dependency.

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
}

const f64Bytes = new DataView(new ArrayBuffer(8));

/** A growable byte sequence with the encodings the format uses. */
export class Bytes {
  private buf = new Uint8Array(256);
  length = 0;

  byte(b: number): this {
    if (this.length === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = b & 0xff;
    return this;
  }
  bytes(b: ArrayLike<number>): this {
    for (let k = 0; k < b.length; k++) this.byte(b[k]);
    return this;
  }
  /** Unsigned LEB128 of a non-negative integer below 2^53. */
  u(v: number): this {
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
    for (let k = 0; k < 8; k++) this.byte(f64Bytes.getUint8(k));
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
    for (let k = 0; k < b.length; k++) this.byte(b.buf[k]);
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
  i64(v: bigint): this {
    return this.byte(W.i64_const).s64(v);
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

export interface FuncDef {
  params: number[];
  results: number[];
  /** Extra locals by type, in order after the parameters. */
  locals: number[];
  body: Code;
  /** Exported under this name when given. */
  export?: string;
}

/** A module importing memory `env.mem` and defining `funcs` (indexed in order from 0). */
export function encodeModule(funcs: FuncDef[]): Uint8Array {
  const out = new Bytes().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
  const section = (id: number, body: Bytes) => out.byte(id).sized(body);
  const types = new Bytes().u(funcs.length);
  for (const f of funcs) {
    types.byte(0x60).u(f.params.length).bytes(f.params).u(f.results.length).bytes(f.results);
  }
  section(1, types);
  section(2, new Bytes().u(1).name('env').name('mem').byte(0x02).byte(0x00).u(0));
  const fns = new Bytes().u(funcs.length);
  funcs.forEach((_, k) => fns.u(k));
  section(3, fns);
  const exported = funcs.map((f, k) => [f.export, k] as const).filter(([e]) => e !== undefined);
  const exps = new Bytes().u(exported.length);
  for (const [name, k] of exported) exps.name(name!).byte(0x00).u(k);
  section(7, exps);
  const code = new Bytes().u(funcs.length);
  for (const f of funcs) {
    // Locals as run-length groups of equal types.
    const groups: [number, number][] = [];
    for (const t of f.locals) {
      if (groups.length && groups[groups.length - 1][1] === t) groups[groups.length - 1][0]++;
      else groups.push([1, t]);
    }
    const fixed = new Bytes();
    fixed.u(groups.length);
    for (const [n, t] of groups) fixed.u(n).byte(t);
    const ins = f.body.done();
    fixed.bytes(ins).byte(W.end);
    code.sized(fixed);
  }
  section(10, code);
  return out.done();
}
