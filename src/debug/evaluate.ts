// Evaluates parsed debugger expressions against one hart: registers, guest memory, DWARF locals and globals (by
// their printed values, children and addresses) and ELF objects (by address), with C's rules for casts, pointers,
// indexing and operators.

import type { Variable } from '../symbols';
import { baseType, CType, Expr, ExpressionError, parseExpression } from './expression';
import { addressOf, hexAddress, pcOf } from './address-space';

export type Value = { kind: 'int'; value: bigint; type: CType; addr?: number } | { kind: 'var'; v: Variable };

export interface EvalContext {
  register(name: string): { value: bigint; float: boolean } | undefined;
  read(addr: number, size: number): Uint8Array | undefined;
  local(name: string): Variable | undefined;
  /** A global: its DWARF variable when there is one, else the address and size of its ELF object symbol. */
  global(name: string): Variable | { addr: number; size: number } | undefined;
}

const U64 = baseType('uint64_t')!;
const LONG = baseType('long')!;

function fit(v: bigint, t: CType): bigint {
  if (t.pointer) return BigInt.asUintN(64, v);
  return t.signed ? BigInt.asIntN(t.size * 8, v) : BigInt.asUintN(t.size * 8, v);
}

function load(ctx: EvalContext, addr: number, t: CType): Value {
  const size = t.pointer ? 8 : t.size;
  const b = ctx.read(addr, size);
  if (!b) throw new ExpressionError(`cannot read ${size} bytes at ${hexAddress(addr)}: not mapped or not in RAM`);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return { kind: 'int', value: fit(v, t), type: t, addr };
}

function childNamed(v: Variable, name: string): Variable | undefined {
  return v.children?.(0, v.childCount ?? 0).find((c) => c.name === name || c.name === `[${name}]`);
}

/** The base type (or pointer to one) that a C type name as gdb prints it spells; undefined for other types. */
export function typeOfName(name: string): CType | undefined {
  const t = name.replace(/\b(const|volatile|restrict|_Atomic)\b/g, ' ');
  const stars = (t.match(/\*/g) ?? []).length;
  return baseType(t.replace(/\*/g, ' ').replace(/\s+/g, ' ').trim(), stars);
}

/** A variable as a number with a C type, when its type is a base type or a pointer to one. */
function varAsInt(v: Variable): { kind: 'int'; value: bigint; type: CType; addr?: number } | undefined {
  const t = typeOfName(v.type);
  const m = /^(-?\d+|0x[0-9a-f]+)\b/i.exec(v.value);
  if (!m) return undefined;
  return {
    kind: 'int',
    value: BigInt(m[1]),
    type: t ?? LONG,
    addr: v.address === undefined ? undefined : pcOf(v.address),
  };
}

function asInt(x: Value, what: string): { value: bigint; type: CType; addr?: number } {
  if (x.kind === 'int') return x;
  const n = varAsInt(x.v);
  if (n) return n;
  throw new ExpressionError(`${what}: "${x.v.name}" is a ${x.v.type}, not a number`);
}

function binary(kind: string, l: { value: bigint; type: CType }, r: { value: bigint; type: CType }): Value {
  const truth = (b: boolean): Value => ({ kind: 'int', value: b ? 1n : 0n, type: baseType('int')! });
  const scale = l.type.pointer ? BigInt(l.type.pointer > 1 ? 8 : l.type.size) : 1n;
  const a = l.value,
    b = r.value;
  switch (kind) {
    case '+':
      return { kind: 'int', value: fit(a + b * scale, l.type), type: l.type };
    case '-':
      return { kind: 'int', value: fit(a - b * scale, l.type), type: l.type };
    case '*':
      return { kind: 'int', value: fit(a * b, l.type), type: l.type };
    case '/':
    case '%':
      if (b === 0n) throw new ExpressionError('division by zero');
      return { kind: 'int', value: fit(kind === '/' ? a / b : a % b, l.type), type: l.type };
    case '<<':
      return { kind: 'int', value: fit(a << (b & 63n), l.type), type: l.type };
    case '>>':
      return { kind: 'int', value: fit(a >> (b & 63n), l.type), type: l.type };
    case '&':
      return { kind: 'int', value: fit(a & b, l.type), type: l.type };
    case '|':
      return { kind: 'int', value: fit(a | b, l.type), type: l.type };
    case '^':
      return { kind: 'int', value: fit(a ^ b, l.type), type: l.type };
    case '<':
      return truth(a < b);
    case '>':
      return truth(a > b);
    case '<=':
      return truth(a <= b);
    case '>=':
      return truth(a >= b);
    case '==':
      return truth(a === b);
    case '!=':
      return truth(a !== b);
    case '&&':
      return truth(a !== 0n && b !== 0n);
    default:
      return truth(a !== 0n || b !== 0n);
  }
}

export function evaluateTree(e: Expr, ctx: EvalContext): Value {
  switch (e.op) {
    case 'num':
      return { kind: 'int', value: e.value, type: LONG };
    case 'reg': {
      const r = ctx.register(e.name);
      if (!r) throw new ExpressionError(`no register named $${e.name}`);
      return { kind: 'int', value: r.value, type: r.float ? baseType('double')! : U64 };
    }
    case 'name': {
      const v = ctx.local(e.name);
      if (v) return { kind: 'var', v };
      const g = ctx.global(e.name);
      if (g && 'name' in g) return { kind: 'var', v: g };
      if (g) {
        const size = [1, 2, 4, 8].includes(g.size) ? g.size : 8;
        return load(ctx, g.addr, baseType(`uint${size * 8}_t`)!);
      }
      throw new ExpressionError(`no variable named "${e.name}" here`);
    }
    case 'deref': {
      const x = evaluateTree(e.arg, ctx);
      if (x.kind === 'var') {
        const c = x.v.children?.(0, 1)[0];
        if (c && c.name === `*${x.v.name}`) return { kind: 'var', v: c };
        const n = varAsInt(x.v);
        if (!n || !n.type.pointer) throw new ExpressionError(`cannot dereference "${x.v.name}" (${x.v.type})`);
        return load(ctx, pcOf(n.value), { ...n.type, pointer: n.type.pointer - 1 });
      }
      const target = x.type.pointer ? { ...x.type, pointer: x.type.pointer - 1 } : U64;
      return load(ctx, pcOf(x.value), target);
    }
    case 'addr': {
      const x = evaluateTree(e.arg, ctx);
      const where = lvalueOf(x);
      if (!where) throw new ExpressionError('cannot take the address of that: it is not in memory');
      const t =
        x.kind === 'int'
          ? x.type
          : (typeOfName(x.v.type) ?? { base: x.v.type, size: where.size, signed: false, float: false, pointer: 0 });
      return { kind: 'int', value: addressOf(where.addr), type: { ...t, pointer: t.pointer + 1 } };
    }
    case 'neg': {
      const x = asInt(evaluateTree(e.arg, ctx), 'negation');
      return { kind: 'int', value: fit(-x.value, x.type), type: x.type };
    }
    case 'not': {
      const x = asInt(evaluateTree(e.arg, ctx), 'negation');
      return { kind: 'int', value: x.value === 0n ? 1n : 0n, type: baseType('int')! };
    }
    case 'cast': {
      const x = asInt(evaluateTree(e.arg, ctx), 'cast');
      let v = x.value;
      if (e.type.float && !e.type.pointer && !x.type.float) {
        const dv = new DataView(new ArrayBuffer(8));
        if (e.type.size === 4) {
          dv.setFloat32(0, Number(v), true);
          v = BigInt(dv.getUint32(0, true));
        } else {
          dv.setFloat64(0, Number(v), true);
          v = dv.getBigUint64(0, true);
        }
      }
      return { kind: 'int', value: fit(v, e.type), type: e.type };
    }
    case 'index': {
      const x = evaluateTree(e.arg, ctx);
      const i = asInt(evaluateTree(e.index, ctx), 'index').value;
      if (x.kind === 'var' && x.v.children && !x.v.type.endsWith('*')) {
        const c = x.v.children(Number(i), 1)[0];
        if (!c) throw new ExpressionError(`"${x.v.name}" has no element ${i}`);
        return { kind: 'var', v: c };
      }
      const p = asInt(x, 'index');
      if (!p.type.pointer) throw new ExpressionError('only arrays and pointers can be indexed');
      const el = { ...p.type, pointer: p.type.pointer - 1 };
      return load(ctx, pcOf(p.value + i * BigInt(el.pointer ? 8 : el.size)), el);
    }
    case 'field': {
      const x = evaluateTree(e.arg, ctx);
      if (x.kind !== 'var') throw new ExpressionError(`".${e.name}" needs a struct variable with debug information`);
      let holder = x.v;
      if (e.arrow) holder = holder.children?.(0, 1)[0] ?? holder;
      const c = childNamed(holder, e.name);
      if (!c) throw new ExpressionError(`"${x.v.name}" has no field "${e.name}"`);
      return { kind: 'var', v: c };
    }
    case 'bin': {
      const l = asInt(evaluateTree(e.left, ctx), 'arithmetic');
      if (e.kind === '&&' && l.value === 0n) return { kind: 'int', value: 0n, type: baseType('int')! };
      if (e.kind === '||' && l.value !== 0n) return { kind: 'int', value: 1n, type: baseType('int')! };
      return binary(e.kind, l, asInt(evaluateTree(e.right, ctx), 'arithmetic'));
    }
  }
}

export function evaluateText(text: string, ctx: EvalContext): Value {
  return evaluateTree(parseExpression(text), ctx);
}

/** The value as a debugger prints it: decimal integers, hex pointers, floats as numbers. */
export function formatValue(x: Value): string {
  if (x.kind === 'var') return x.v.value;
  const t = x.type;
  if (t.pointer) return '0x' + BigInt.asUintN(64, x.value).toString(16);
  if (t.float) {
    const dv = new DataView(new ArrayBuffer(8));
    if (t.size === 4) {
      dv.setUint32(0, Number(x.value & 0xffffffffn), true);
      return String(dv.getFloat32(0, true));
    }
    dv.setBigUint64(0, BigInt.asUintN(64, x.value), true);
    return String(dv.getFloat64(0, true));
  }
  return x.value.toString();
}

/** The value's C type as text. */
export function typeText(x: Value): string {
  return x.kind === 'var' ? x.v.type : x.type.base + (x.type.pointer ? ' ' + '*'.repeat(x.type.pointer) : '');
}

/** The value as an integer, for assignments and conditions. */
export function intOf(x: Value): bigint {
  return asInt(x, 'value').value;
}

/** The address and size an lvalue occupies, for data breakpoints and assignments; undefined when it has no memory. */
export function lvalueOf(x: Value): { addr: number; size: number } | undefined {
  if (x.kind === 'int' && x.addr !== undefined) return { addr: x.addr, size: x.type.pointer ? 8 : x.type.size };
  if (x.kind === 'var' && x.v.address !== undefined && x.v.size) return { addr: pcOf(x.v.address), size: x.v.size };
  return undefined;
}
