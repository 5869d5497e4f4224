// Locals and parameters of a frame: which DIEs are in scope at its pc, where their values live, and their text and children.
import { AT, FORM, TAG } from './dwarf';
import { evaluate, evaluateValue, ExprContext, leToBig, Location, Unavailable } from './expr';
import { SymbolError } from './errors';
import { Bytes, formatValue, PRINT_ELEMENTS, ValueSource } from './format';
import { Die } from './info';
import type { MemoryReader } from './index';
import { LoadedDebugInfo } from './load';
import { locationList } from './ranges';
import { strip, sizeOf, Type, TypeReader, typeName } from './types';
import { Frame, PhysicalFrame } from './unwind';

export interface Variable {
  name: string;
  /** The C type as gdb spells it. */
  type: string;
  /** The value as gdb prints it, "<optimized out>" when the compiler left no location for this pc. */
  value: string;
  kind: 'parameter' | 'local';
  /** Set for structs, unions, arrays and pointers to them: fetch children with `children(start, count)`. */
  childCount?: number;
  children?: (start?: number, count?: number) => Variable[];
  /** Where the object lives when it is wholly in memory (not for register-held or optimised-out values). */
  address?: bigint;
  /** Its size in bytes, set with `address`. */
  size?: number;
}

/** The value of one object: its type, where its bytes come from, and its address when it is all in memory. */
interface ObjectRef {
  type: Type;
  source: ValueSource;
  offset: number;
  address?: bigint;
}

export class VariableReader {
  constructor(
    readonly info: LoadedDebugInfo,
    readonly types: TypeReader,
  ) {}

  /** Every parameter and local visible at the frame's pc, innermost block first. */
  frameVariables(frame: Frame, mem: MemoryReader): Variable[] {
    const scope = frame.scope;
    if (!scope) return [];
    const dw = this.info.dwarf;
    const dies: Die[] = [...scope.link.blocks].reverse();
    dies.push(scope.link.die);
    const out: Variable[] = [];
    const fnDie = this.physicalFunction(scope.physical) ?? scope.link.die;
    for (const block of dies) {
      const seen = new Set<number>();
      const add = (d: Die) => {
        if (d.tag !== TAG.variable && d.tag !== TAG.formal_parameter) return;
        if (d.flag(AT.declaration) && !d.has(AT.location)) return;
        const name = dw.nameOf(d);
        if (name === undefined) return;
        out.push(this.variable(d, name, frame, fnDie, mem));
      };
      for (const c of block.children) {
        add(c);
        const origin = c.num(AT.abstract_origin);
        if (origin !== undefined) seen.add(origin);
      }
      // A concrete inlined or out-of-line instance may omit variables the compiler dropped; gdb still lists the
      // abstract ones, as optimised out.
      const originOff = block.num(AT.abstract_origin);
      const origin = originOff === undefined ? undefined : dw.dieAt(originOff);
      if (origin) for (const c of origin.children) if (!seen.has(c.offset)) add(c);
    }
    return out;
  }

  private physicalFunction(p: PhysicalFrame): Die | undefined {
    return this.info.functions.subprogramAt(p.lookupPc)?.die;
  }

  private variable(d: Die, name: string, frame: Frame, fnDie: Die, mem: MemoryReader): Variable {
    const type = this.types.typeOf(d);
    const kind = d.tag === TAG.formal_parameter ? 'parameter' : 'local';
    let ref: ObjectRef | undefined;
    let text: string;
    try {
      // No location at this pc: every byte is unknown. gdb still prints aggregates member by member.
      const loc = this.locate(d, frame, fnDie, mem) ?? { pieces: [{ kind: 'undefined' as const }] };
      const only = loc.pieces.length === 1 ? loc.pieces[0] : undefined;
      ref = {
        type,
        source: this.source(loc, sizeOf(type), frame, mem),
        offset: 0,
        address: only?.kind === 'memory' && only.bits === undefined ? only.addr : undefined,
      };
      text = formatValue(type, ref.source, 0);
    } catch (e) {
      if (e instanceof Unavailable) text = '<optimized out>';
      else if (e instanceof SymbolError) text = `<error: ${e.message}>`;
      else throw e;
    }
    return this.withChildren({ name, type: typeName(type), value: text, kind }, ref);
  }

  /** A variable with static storage (a global, or a function's static) at `address`, read through `mem`. */
  staticVariable(d: Die, name: string, address: bigint, mem: MemoryReader): Variable {
    const type = this.types.typeOf(d);
    const symbol = (addr: bigint) => {
      const h = this.info.symtab.containing(addr);
      return h ? { name: h.name, offset: h.offset } : undefined;
    };
    const source = this.memorySource(address, {
      read: () => ({ bytes: new Uint8Array(0), valid: new Uint8Array(0) }),
      memory: mem,
      symbol,
    });
    let text: string;
    try {
      text = formatValue(type, source, 0);
    } catch (e) {
      if (e instanceof Unavailable) text = '<optimized out>';
      else if (e instanceof SymbolError) text = `<error: ${e.message}>`;
      else throw e;
    }
    return this.withChildren(
      { name, type: typeName(type), value: text, kind: 'local' },
      { type, source, offset: 0, address },
    );
  }

  /** Adds lazy children for aggregates, so big structs and arrays are paged in only when expanded. */
  private withChildren(v: Variable, ref: ObjectRef | undefined): Variable {
    if (!ref) return v;
    if (ref.address !== undefined) {
      v.address = BigInt.asUintN(64, ref.address + BigInt(ref.offset));
      v.size = sizeOf(ref.type);
    }
    const s = strip(ref.type);
    if (s.kind === 'struct' || s.kind === 'union' || s.kind === 'class') {
      v.childCount = s.members.length;
      v.children = (start = 0, count = s.members.length) =>
        s.members.slice(start, start + count).map((m) => {
          const child: ObjectRef = {
            type: m.type,
            source: ref.source,
            offset: ref.offset + m.offset,
            address: ref.address,
          };
          const text =
            m.bitSize === undefined
              ? formatValue(m.type, ref.source, child.offset, false)
              : formatValue(
                  { kind: 'struct', size: sizeOf(ref.type), members: [m] },
                  ref.source,
                  ref.offset,
                  false,
                ).replace(/^\{[^=]*= |\}$/g, '');
          return this.withChildren(
            { name: m.name, type: typeName(m.type), value: text, kind: 'local' },
            m.bitSize === undefined ? child : undefined,
          );
        });
    } else if (s.kind === 'pointer' && (s.size === 4 || s.size === 8)) {
      // A pointer to an aggregate expands into the pointee, read from memory only when asked for.
      const target = strip(s.target);
      if (target.kind !== 'struct' && target.kind !== 'union' && target.kind !== 'class' && target.kind !== 'array')
        return v;
      const b = ref.source.read(ref.offset, s.size);
      if (b.error || !b.valid.every((x) => x)) return v;
      let addr = 0n;
      for (let i = s.size - 1; i >= 0; i--) addr = (addr << 8n) | BigInt(b.bytes[i]);
      if (addr === 0n) return v;
      const pointee: ObjectRef = {
        type: s.target,
        source: this.memorySource(addr, ref.source),
        offset: 0,
        address: addr,
      };
      v.childCount = 1;
      v.children = () => [
        this.withChildren(
          {
            name: `*${v.name}`,
            type: typeName(s.target),
            value: formatValue(s.target, pointee.source, 0, false),
            kind: 'local',
          },
          pointee,
        ),
      ];
    } else if (s.kind === 'array') {
      const count = s.dims[0] ?? 0;
      const inner: Type = s.dims.length > 1 ? { kind: 'array', element: s.element, dims: s.dims.slice(1) } : s.element;
      const stride = sizeOf(inner);
      v.childCount = count;
      v.children = (start = 0, n = Math.min(count, PRINT_ELEMENTS)) => {
        const out: Variable[] = [];
        for (let i = start; i < Math.min(count, start + n); i++) {
          const child: ObjectRef = {
            type: inner,
            source: ref.source,
            offset: ref.offset + i * stride,
            address: ref.address,
          };
          out.push(
            this.withChildren(
              {
                name: `[${i}]`,
                type: typeName(inner),
                value: formatValue(inner, ref.source, child.offset, false),
                kind: 'local',
              },
              child,
            ),
          );
        }
        return out;
      };
    }
    return v;
  }

  /** Evaluates DW_AT_location (expression or list) or DW_AT_const_value; undefined when there is none at this pc. */
  private locate(d: Die, frame: Frame, fnDie: Die, mem: MemoryReader): Location | undefined {
    const scope = frame.scope!;
    const dw = this.info.dwarf;
    if (d.has(AT.const_value)) {
      const v = d.get(AT.const_value);
      const size = sizeOf(this.types.typeOf(d)) || 8;
      if (v instanceof Uint8Array) return { pieces: [{ kind: 'value', bytes: v }] };
      if (typeof v === 'string') return { pieces: [{ kind: 'value', bytes: new TextEncoder().encode(v + '\0') }] };
      const big = BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(Number(v ?? 0)));
      const bytes = new Uint8Array(Math.max(size, 8));
      new DataView(bytes.buffer).setBigUint64(0, big, true);
      return { pieces: [{ kind: 'value', bytes: bytes.subarray(0, size) }] };
    }
    const holder = d.has(AT.location) ? d : undefined;
    if (!holder) return undefined;
    const form = holder.form(AT.location)!;
    const value = holder.get(AT.location);
    let expr: Uint8Array | undefined;
    if (value instanceof Uint8Array) expr = value;
    else if (typeof value === 'number') {
      const list = locationList(dw, holder.unit, value, form === FORM.loclistx);
      expr = list.find((e) => scope.lookupPc >= e.lo && scope.lookupPc < e.hi)?.expr;
    }
    if (!expr || expr.length === 0) return undefined;
    return evaluate(expr, this.context(holder, scope.physical, fnDie, mem, frame.kind === 'inline'));
  }

  /** `inline` says the requesting frame is an inlined call, whose entry is not a call target. */
  private context(d: Die, p: PhysicalFrame, fnDie: Die, mem: MemoryReader, inline: boolean, depth = 0): ExprContext {
    const dw = this.info.dwarf;
    const unit = d.unit;
    const ctx: ExprContext = {
      addressSize: unit.addressSize,
      regs: p.regs,
      mem,
      cfa: p.cfa,
      addrx: (i) => dw.addrx(unit, i),
      frameBase: () => {
        const fb = fnDie.get(AT.frame_base);
        let expr: Uint8Array | undefined;
        if (fb instanceof Uint8Array) expr = fb;
        else if (typeof fb === 'number')
          expr = locationList(dw, fnDie.unit, fb, fnDie.form(AT.frame_base) === FORM.loclistx).find(
            (e) => p.lookupPc >= e.lo && p.lookupPc < e.hi,
          )?.expr;
        if (!expr) return undefined;
        return evaluateValue(expr, { ...ctx, frameBase: undefined });
      },
      // An inlined call has no entry of its own that a call site could describe, so, as in gdb, it gets no entry values.
      entryValue: inline || depth > 512 ? undefined : (sub) => this.entryValue(sub, p, mem, depth),
    };
    return ctx;
  }

  /**
   * DW_OP_entry_value: the value a register had on entry to the function. The caller's call site says how to
   * recompute it (DW_TAG_call_site_parameter with DW_AT_call_value), evaluated in the caller's frame.
   */
  private entryValue(sub: Uint8Array, p: PhysicalFrame, mem: MemoryReader, depth: number): bigint | undefined {
    const caller = p.caller;
    if (!caller || sub.length === 0) return undefined;
    let reg: number | undefined;
    if (sub[0] >= 0x50 && sub[0] <= 0x6f && sub.length === 1) reg = sub[0] - 0x50;
    else if (sub[0] === 0x90) reg = sub[1];
    if (reg === undefined) return undefined;
    const fn = this.info.functions.subprogramAt(caller.lookupPc);
    if (!fn) return undefined;
    const site = findCallSite(fn.die, caller.pc);
    if (!site) return undefined;
    for (const param of site.children) {
      if (param.tag !== TAG.call_site_parameter && param.tag !== TAG.GNU_call_site_parameter) continue;
      const loc = param.get(AT.location);
      if (!(loc instanceof Uint8Array) || loc.length !== 1 || loc[0] !== 0x50 + reg) continue;
      const val = param.get(AT.call_value) ?? param.get(AT.GNU_call_site_value);
      if (!(val instanceof Uint8Array)) return undefined;
      try {
        const callerInline = this.info.functions.chainAt(caller.lookupPc).length > 1;
        return evaluateValue(val, this.context(param, caller, fn.die, mem, callerInline, depth + 1));
      } catch (e) {
        if (e instanceof Unavailable) return undefined;
        throw e;
      }
    }
    return undefined;
  }

  private memorySource(base: bigint, like: ValueSource): ValueSource {
    return {
      read(offset, n): Bytes {
        const a = BigInt.asUintN(64, base + BigInt(offset));
        const b = like.memory(a, n);
        if (!b || b.length < n)
          return {
            bytes: new Uint8Array(n),
            valid: new Uint8Array(n),
            error: `Cannot access memory at address 0x${a.toString(16)}`,
          };
        return { bytes: b, valid: new Uint8Array(n).fill(1) };
      },
      memory: like.memory,
      symbol: like.symbol,
    };
  }

  /** A ValueSource over a location: memory read through the callback, registers and pieces assembled into bytes. */
  private source(loc: Location, size: number, frame: Frame, mem: MemoryReader): ValueSource {
    const symbol = (addr: bigint) => {
      const h = this.info.symtab.containing(addr);
      return h ? { name: h.name, offset: h.offset } : undefined;
    };
    const regs = frame.scope!.physical.regs;
    if (loc.pieces.length === 1 && loc.pieces[0].kind === 'memory' && loc.pieces[0].bits === undefined) {
      const base = loc.pieces[0].addr;
      return {
        read(offset, n): Bytes {
          const a = BigInt.asUintN(64, base + BigInt(offset));
          const b = mem(a, n);
          if (!b || b.length < n)
            return {
              bytes: new Uint8Array(n),
              valid: new Uint8Array(n),
              error: `Cannot access memory at address 0x${a.toString(16)}`,
            };
          return { bytes: b, valid: new Uint8Array(n).fill(1) };
        },
        memory: mem,
        symbol,
      };
    }
    // Composite or register-held: assemble the whole object once (values in registers are small).
    const total = Math.min(Math.max(size, 1), 1 << 16);
    const bytes = new Uint8Array(total),
      valid = new Uint8Array(total);
    let error: string | undefined;
    let pos = 0;
    for (const piece of loc.pieces) {
      const n = piece.bits !== undefined ? Math.ceil(piece.bits / 8) : total - pos;
      const put = (src: Uint8Array | undefined) => {
        if (!src) return;
        for (let i = 0; i < n && pos + i < total && i < src.length; i++) {
          bytes[pos + i] = src[i];
          valid[pos + i] = 1;
        }
      };
      if (piece.kind === 'memory') {
        const b = mem(piece.addr, n);
        if (!b) error ??= `Cannot access memory at address 0x${piece.addr.toString(16)}`;
        put(b);
      } else if (piece.kind === 'register') {
        const v = regs(piece.reg);
        if (v !== undefined) {
          const b = new Uint8Array(8);
          new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, v), true);
          put(b);
        }
      } else if (piece.kind === 'value') put(piece.bytes);
      else if (piece.kind === 'implicitPointer') throw new Unavailable('synthetic pointer');
      pos += n;
    }
    return {
      read(offset, n): Bytes {
        return {
          bytes: bytes.slice(offset, offset + n),
          valid: valid.slice(offset, offset + n),
          error: error && pos <= offset ? error : undefined,
        };
      },
      memory: mem,
      symbol,
    };
  }
}

function findCallSite(fn: Die, returnPc: bigint): Die | undefined {
  const stack: Die[] = [fn];
  while (stack.length > 0) {
    const d = stack.pop()!;
    for (const c of d.children) {
      if (c.tag === TAG.call_site || c.tag === TAG.GNU_call_site) {
        const at = c.get(AT.call_return_pc) ?? c.get(AT.low_pc);
        if (at === returnPc) return c;
      } else if (c.children.length > 0 && c.tag !== TAG.formal_parameter && c.tag !== TAG.variable) stack.push(c);
    }
  }
  return undefined;
}

export { leToBig };
