// The DWARF expression evaluator: turns DW_AT_location / DW_AT_frame_base / CFI expressions into a location.
import { ByteReader } from './bytes';
import { SymbolError } from './errors';
import type { MemoryReader, RegisterReader } from './index';

export type Piece =
  | { kind: 'memory'; addr: bigint; bits?: number }
  | { kind: 'register'; reg: number; bits?: number }
  | { kind: 'value'; bytes: Uint8Array; bits?: number }
  | { kind: 'undefined'; bits?: number }
  | { kind: 'implicitPointer'; bits?: number };

/** Where a value lives: one piece (bits unset: the whole value) or several DW_OP_piece parts in order. */
export interface Location {
  pieces: Piece[];
}

export interface ExprContext {
  addressSize: number;
  regs: RegisterReader;
  mem: MemoryReader;
  /** The frame's canonical frame address, for DW_OP_call_frame_cfa. */
  cfa?: bigint;
  /** The evaluated DW_AT_frame_base of the enclosing function, for DW_OP_fbreg. */
  frameBase?: () => bigint | undefined;
  /** Resolves DW_OP_entry_value's sub-expression in the caller; undefined when the call site does not say. */
  entryValue?: (expr: Uint8Array) => bigint | undefined;
  /** Entry `index` of .debug_addr for DW_OP_addrx / DW_OP_constx. */
  addrx?: (index: number) => bigint;
  /** Initial stack contents (CFI expressions push the CFA first). */
  initial?: bigint[];
}

/** Raised when a value cannot be computed from the state at hand: it is shown as optimised out, not as garbage. */
export class Unavailable extends Error {}

const MASK = 0xffffffffffffffffn;
const MAX_STEPS = 10000;

function readMem(ctx: ExprContext, addr: bigint, size: number, signed = false): bigint {
  const b = ctx.mem(addr, size);
  if (!b || b.length < size) throw new Unavailable(`Cannot access memory at address 0x${addr.toString(16)}`);
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return signed ? BigInt.asIntN(size * 8, v) & MASK : v;
}

function readReg(ctx: ExprContext, reg: number): bigint {
  const v = ctx.regs(reg);
  if (v === undefined) throw new Unavailable(`register ${reg} unavailable`);
  return v;
}

/** Evaluates a location expression. Throws Unavailable for missing state, SymbolError for malformed bytecode. */
export function evaluate(expr: Uint8Array, ctx: ExprContext): Location {
  const r = new ByteReader(expr, 0, expr.length, 'DWARF expression');
  const stack: bigint[] = ctx.initial ? [...ctx.initial] : [];
  const pieces: Piece[] = [];
  // What the expression so far describes, if it is not simply "address on top of the stack".
  let pending: Piece | undefined;
  const pop = (): bigint => {
    const v = stack.pop();
    return v === undefined ? r.fail('stack underflow') : v;
  };
  const push = (v: bigint) => {
    if (stack.length > 1000) r.fail('stack overflow');
    stack.push(BigInt.asUintN(64, v));
  };
  const signed = (v: bigint) => BigInt.asIntN(64, v);
  const addrSize = ctx.addressSize;
  let steps = 0;
  while (r.pos < r.end) {
    if (++steps > MAX_STEPS) r.fail('expression does not terminate');
    const op = r.u8();
    if (op >= 0x30 && op <= 0x4f) {
      push(BigInt(op - 0x30));
      continue;
    } // lit0-31
    if (op >= 0x50 && op <= 0x6f) {
      pending = { kind: 'register', reg: op - 0x50 };
      continue;
    } // reg0-31
    if (op >= 0x70 && op <= 0x8f) {
      push(readReg(ctx, op - 0x70) + r.slebBig());
      continue;
    } // breg0-31
    switch (op) {
      case 0x03:
        push(r.uint(addrSize));
        break; // addr
      case 0x06:
        push(readMem(ctx, pop(), addrSize));
        break; // deref
      case 0x08:
        push(BigInt(r.u8()));
        break; // const1u
      case 0x09:
        push(BigInt(r.i8()));
        break; // const1s
      case 0x0a:
        push(BigInt(r.u16()));
        break;
      case 0x0b:
        push(BigInt(r.i16()));
        break;
      case 0x0c:
        push(BigInt(r.u32()));
        break;
      case 0x0d:
        push(BigInt(r.i32()));
        break;
      case 0x0e:
        push(r.u64());
        break;
      case 0x0f:
        push(r.i64());
        break;
      case 0x10:
        push(r.ulebBig());
        break; // constu
      case 0x11:
        push(r.slebBig());
        break; // consts
      case 0x12:
        push(stack[stack.length - 1] ?? r.fail('stack underflow'));
        break; // dup
      case 0x13:
        pop();
        break; // drop
      case 0x14:
        push(stack[stack.length - 2] ?? r.fail('stack underflow'));
        break; // over
      case 0x15: {
        const i = r.u8();
        push(stack[stack.length - 1 - i] ?? r.fail('stack underflow'));
        break;
      } // pick
      case 0x16: {
        const a = pop(),
          b = pop();
        push(a);
        push(b);
        break;
      } // swap
      case 0x17: {
        const a = pop(),
          b = pop(),
          c = pop();
        push(a);
        push(c);
        push(b);
        break;
      } // rot
      case 0x19: {
        const a = signed(pop());
        push(a < 0n ? -a : a);
        break;
      } // abs
      case 0x1a: {
        const b = pop(),
          a = pop();
        push(a & b);
        break;
      }
      case 0x1b: {
        const b = signed(pop()),
          a = signed(pop());
        if (b === 0n) throw new Unavailable('division by zero');
        push(a / b);
        break;
      }
      case 0x1c: {
        const b = pop(),
          a = pop();
        push(a - b);
        break;
      }
      case 0x1d: {
        const b = pop(),
          a = pop();
        if (b === 0n) throw new Unavailable('division by zero');
        push(a % b);
        break;
      }
      case 0x1e: {
        const b = pop(),
          a = pop();
        push(a * b);
        break;
      }
      case 0x1f:
        push(-pop());
        break;
      case 0x20:
        push(~pop());
        break;
      case 0x21: {
        const b = pop(),
          a = pop();
        push(a | b);
        break;
      }
      case 0x22: {
        const b = pop(),
          a = pop();
        push(a + b);
        break;
      }
      case 0x23:
        push(pop() + r.ulebBig());
        break; // plus_uconst
      case 0x24: {
        const b = pop(),
          a = pop();
        push(b >= 64n ? 0n : a << b);
        break;
      }
      case 0x25: {
        const b = pop(),
          a = pop();
        push(b >= 64n ? 0n : a >> b);
        break;
      }
      case 0x26: {
        const b = pop(),
          a = signed(pop());
        push(a >> (b >= 64n ? 63n : b));
        break;
      }
      case 0x27: {
        const b = pop(),
          a = pop();
        push(a ^ b);
        break;
      }
      case 0x28: {
        const off = r.i16();
        if (pop() !== 0n) r.seek(r.pos + off);
        break;
      } // bra
      case 0x29:
      case 0x2a:
      case 0x2b:
      case 0x2c:
      case 0x2d:
      case 0x2e: {
        // eq ge gt le lt ne
        const b = signed(pop()),
          a = signed(pop());
        const res =
          op === 0x29
            ? a === b
            : op === 0x2a
              ? a >= b
              : op === 0x2b
                ? a > b
                : op === 0x2c
                  ? a <= b
                  : op === 0x2d
                    ? a < b
                    : a !== b;
        push(res ? 1n : 0n);
        break;
      }
      case 0x2f: {
        const off = r.i16();
        r.seek(r.pos + off);
        break;
      } // skip
      case 0x90:
        pending = { kind: 'register', reg: r.uleb() };
        break; // regx
      case 0x91: {
        // fbreg
        const off = r.slebBig();
        const fb = ctx.frameBase?.();
        if (fb === undefined) throw new Unavailable('no frame base');
        push(fb + off);
        break;
      }
      case 0x92: {
        const reg = r.uleb();
        push(readReg(ctx, reg) + r.slebBig());
        break;
      } // bregx
      case 0x93:
      case 0x9d: {
        // piece, bit_piece
        const bits = op === 0x93 ? r.uleb() * 8 : r.uleb();
        if (op === 0x9d) r.uleb(); // bit offset: GCC emits 0
        let piece: Piece;
        if (pending) piece = { ...pending, bits };
        else if (stack.length > 0) piece = { kind: 'memory', addr: pop(), bits };
        else piece = { kind: 'undefined', bits };
        pieces.push(piece);
        pending = undefined;
        stack.length = 0;
        break;
      }
      case 0x94: {
        const n = r.u8();
        push(readMem(ctx, pop(), n));
        break;
      } // deref_size
      case 0x96:
        break; // nop
      case 0x9c:
        if (ctx.cfa === undefined) throw new Unavailable('no CFA');
        push(ctx.cfa);
        break; // call_frame_cfa
      case 0x9e: {
        const n = r.uleb();
        const p = r.pos;
        r.skip(n);
        pending = { kind: 'value', bytes: expr.slice(p, p + n) };
        break;
      } // implicit_value
      case 0x9f:
        pending = { kind: 'value', bytes: le64(pop()) };
        break; // stack_value
      case 0xa0:
      case 0xf2:
        r.offset(false);
        r.slebBig();
        pending = { kind: 'implicitPointer' };
        break; // implicit_pointer
      case 0xa1:
      case 0xa2: {
        const i = r.uleb();
        if (!ctx.addrx) throw new Unavailable('no .debug_addr');
        push(ctx.addrx(i));
        break;
      } // addrx, constx
      case 0xa3:
      case 0xf3: {
        // entry_value, GNU_entry_value
        const n = r.uleb();
        const p = r.pos;
        r.skip(n);
        const v = ctx.entryValue?.(expr.subarray(p, p + n));
        if (v === undefined) throw new Unavailable('entry value not available');
        push(v);
        break;
      }
      case 0xa8:
      case 0xf7:
        r.uleb();
        break; // convert, GNU_convert: values stay 64-bit integers here
      case 0xa9:
      case 0xf9:
        r.uleb();
        break; // reinterpret
      case 0xa5:
      case 0xf5: {
        const reg = r.uleb();
        r.uleb();
        push(readReg(ctx, reg));
        break;
      } // regval_type
      case 0xa6:
      case 0xf6: {
        const n = r.u8();
        r.uleb();
        push(readMem(ctx, pop(), n));
        break;
      } // deref_type
      case 0xa4:
      case 0xf4: {
        const n = (r.uleb(), r.u8());
        const p = r.pos;
        r.skip(n);
        push(leToBig(expr.subarray(p, p + n)));
        break;
      } // const_type
      case 0x9b:
      case 0xe0:
        throw new Unavailable('thread-local storage is not supported'); // form_tls_address
      case 0xfa:
        throw new Unavailable('DW_OP_GNU_parameter_ref is not supported');
      case 0x98:
      case 0x99:
      case 0x9a:
        throw new Unavailable('DW_OP_call* is not supported');
      default:
        r.fail(`unknown DWARF operation 0x${op.toString(16)}`);
    }
  }
  if (pieces.length > 0) return { pieces };
  if (pending) return { pieces: [pending] };
  if (stack.length === 0) return { pieces: [{ kind: 'undefined' }] };
  return { pieces: [{ kind: 'memory', addr: stack[stack.length - 1] }] };
}

/** Evaluates an expression that computes an address or value (frame base, CFA, call values) to one integer. */
export function evaluateValue(expr: Uint8Array, ctx: ExprContext): bigint {
  const loc = evaluate(expr, ctx);
  const p = loc.pieces[0];
  if (loc.pieces.length !== 1) throw new Unavailable('composite value');
  switch (p.kind) {
    case 'memory':
      return p.addr;
    case 'register':
      return readReg(ctx, p.reg);
    case 'value':
      return leToBig(p.bytes);
    default:
      throw new Unavailable('no value');
  }
}

export function le64(v: bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
  return b;
}

export function leToBig(b: Uint8Array): bigint {
  let v = 0n;
  for (let i = Math.min(b.length, 8) - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}

export { SymbolError };
