// Everything the user looks at while the machine is stopped: threads, call stacks (inlined calls and code without
// source included), scopes and variables, evaluate, memory and disassembly, and the edits assignments turn into.

import { basename } from 'node:path';
import { Handles, Scope, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Edit } from '../replay/format';
import type { Frame, Variable } from '../symbols';
import type { Code } from './code';
import type { Target } from './target';
import { evaluateText, formatValue, intOf, lvalueOf, typeOfName, typeText, Value } from './evaluate';
import {
  csrGroup,
  CSR_GROUPS,
  floatRegisters,
  hartState,
  hartSummary,
  integerRegisters,
  Named,
  registerByName,
} from './registers';
import { disassembleRange, sourceText } from './listing';
import { AddressSpace, hexAddress, parseAddress, pcOf } from './address-space';
import { SourcePaths } from './sources';

/** A request the user cannot make in this state; answered with its message. */
export class RefusedError extends Error {}

type Ref =
  | { kind: 'locals'; hart: number; frame: number }
  | { kind: 'registers'; hart: number }
  | { kind: 'group'; hart: number; group: string }
  | { kind: 'hart'; hart: number }
  | { kind: 'globals'; hart: number }
  | { kind: 'var'; hart: number; v: Variable; path: string };

export interface FrameInfo {
  name: string;
  pc: number;
  file?: string;
  line?: number;
  column?: number;
  kind: 'normal' | 'inline' | 'trap';
  raw?: Frame;
}

const MAX_READ = 1 << 20;

export class Inspector {
  private refs = new Handles<Ref>();
  private sources = new Handles<{ pc: number; hart: number }>();
  /** Memory as each hart sees it: kernel addresses go through that hart's page tables. */
  readonly space: AddressSpace;
  private frames = new Map<number, { hart: number; index: number }>();
  private unwound = new Map<number, FrameInfo[]>();
  private locals = new Map<string, Variable[]>();
  /** What each variablesReference listed, for setVariable and dataBreakpointInfo by name. */
  private listed = new Map<number, { hart: number; vars: Variable[]; paths: string[] }>();

  /** The workspace's copies of the ELF's source files, learned from the client's breakpoints. */
  readonly paths = new SourcePaths();

  constructor(
    private readonly t: Target,
    private readonly code: Code,
  ) {
    this.space = new AddressSpace(() => t.machine);
  }

  /** After an edit: values are read again; the frames and references handed out stay valid. */
  refresh(): void {
    this.unwound.clear();
    this.locals.clear();
  }

  /** Forgets everything handed out for the previous stop. */
  reset(): void {
    this.refs.reset();
    this.frames.clear();
    this.unwound.clear();
    this.locals.clear();
    this.listed.clear();
  }

  hartOf(threadId: number | undefined, focus: number): number {
    const n = this.t.machine.harts.length;
    const h = threadId === undefined ? focus : threadId - 1;
    if (!Number.isInteger(h) || h < 0 || h >= n)
      throw new RefusedError(`no thread ${threadId}: threads are harts 1..${n}`);
    return h;
  }

  threads(): DebugProtocol.Thread[] {
    return this.t.machine.harts.map((h) => new Thread(h.id + 1, `hart ${h.id} (${hartSummary(h)})`));
  }

  /** A symbols-layer memory reader for `hart`'s view of memory. */
  private memOf(hart: number) {
    return (addr: bigint, size: number) => this.space.read(hart, addr, size);
  }

  unwind(hart: number): FrameInfo[] {
    const cached = this.unwound.get(hart);
    if (cached) return cached;
    const h = this.t.machine.harts[hart];
    const s = this.code.symbols;
    let frames: FrameInfo[] = [{ name: this.code.label(h.pc), pc: h.pc, kind: 'normal' }];
    if (s) {
      try {
        const raw = s.unwind(
          h.pc64,
          (n) => (n < 32 ? h.readX(n) : n < 64 ? h.readF(n - 32) : undefined),
          this.memOf(hart),
          { maxFrames: 64, pastMain: false },
        );
        if (raw.length) {
          frames = raw.map((f) => ({
            name:
              (f.function ?? this.code.label(pcOf(f.pc))) +
              (f.kind === 'inline' ? ' [inlined]' : f.kind === 'trap' ? ' [trap]' : ''),
            pc: pcOf(f.pc),
            file: f.file,
            line: f.line,
            column: f.column,
            kind: f.kind,
            raw: f,
          }));
        }
      } catch {
        /* damaged stack: the pc alone */
      }
    }
    this.unwound.set(hart, frames);
    return frames;
  }

  /** Where the physical function `hart` is in returns to, and its CFA (the caller's sp at the call), for step out. */
  caller(hart: number): { pc: number; cfa?: bigint } | undefined {
    const frames = this.unwind(hart);
    const inner = frames.findIndex((f) => f.kind !== 'inline');
    const outer = inner >= 0 ? frames[inner + 1] : undefined;
    if (!outer || !frames[inner].raw) return undefined;
    return { pc: outer.pc, cfa: frames[inner].raw!.cfa };
  }

  stackTrace(args: DebugProtocol.StackTraceArguments, focus: number): DebugProtocol.StackTraceResponse['body'] {
    const hart = this.hartOf(args.threadId, focus);
    const frames = this.unwind(hart);
    const start = args.startFrame ?? 0,
      levels = args.levels || frames.length;
    return {
      totalFrames: frames.length,
      stackFrames: frames.slice(start, start + levels).map((f, k) => {
        const id = (hart + 1) * 100000 + start + k + 1;
        this.frames.set(id, { hart, index: start + k });
        const sf: DebugProtocol.StackFrame = {
          id,
          name: f.name,
          line: f.line ?? 0,
          column: f.column || 1,
          instructionPointerReference: hexAddress(f.pc),
        };
        if (f.file && f.line) sf.source = { name: basename(f.file), path: this.paths.local(f.file) };
        else {
          // No line information: the disassembly of the function, served as a source of its own.
          sf.source = {
            name: `${this.code.label(f.pc)} (disassembly)`,
            sourceReference: this.sources.create({ pc: f.pc, hart }),
            presentationHint: 'deemphasize',
          };
          sf.line =
            sourceText((a) => this.space.instructionAt(hart, a), this.code, f.pc)
              .split('\n')
              .findIndex((l) => l.startsWith('=>')) + 1;
          sf.column = 1;
        }
        if (f.kind !== 'normal') sf.presentationHint = 'subtle';
        return sf;
      }),
    };
  }

  source(ref: number): string {
    const s = this.sources.get(ref);
    if (!s) throw new RefusedError('that source is no longer available; stop again to refresh it');
    return sourceText((a) => this.space.instructionAt(s.hart, a), this.code, s.pc);
  }

  frameOf(frameId: number | undefined, focus: number): { hart: number; index: number } {
    if (frameId === undefined) return { hart: focus, index: 0 };
    const f = this.frames.get(frameId);
    if (!f) throw new RefusedError(`unknown frame ${frameId}: stack frames change at every stop`);
    return f;
  }

  scopes(frameId: number): DebugProtocol.Scope[] {
    const f = this.frameOf(frameId, 0);
    return [
      new Scope('Locals', this.refs.create({ kind: 'locals', hart: f.hart, frame: f.index }), false),
      new Scope('Globals', this.refs.create({ kind: 'globals', hart: f.hart }), false),
      new Scope('Registers', this.refs.create({ kind: 'registers', hart: f.hart }), true),
      new Scope('Hart', this.refs.create({ kind: 'hart', hart: f.hart }), false),
    ];
  }

  frameVariables(hart: number, index: number): Variable[] {
    const key = `${hart}/${index}`;
    const cached = this.locals.get(key);
    if (cached) return cached;
    const s = this.code.symbols;
    const raw = this.unwind(hart)[index]?.raw;
    let vars: Variable[] = [];
    if (s && raw)
      try {
        vars = s.variables(raw, this.memOf(hart));
      } catch {
        vars = [];
      }
    this.locals.set(key, vars);
    return vars;
  }

  private fromVars(ref: number, hart: number, list: Variable[], paths: string[]): DebugProtocol.Variable[] {
    this.listed.set(ref, { hart, vars: list, paths });
    return list.map((v, k) => ({
      name: v.name,
      value: v.value,
      type: v.type,
      evaluateName: paths[k],
      variablesReference: v.children && v.childCount ? this.refs.create({ kind: 'var', hart, v, path: paths[k] }) : 0,
      indexedVariables:
        v.children && v.childCount && /^\[/.test(v.children(0, 1)[0]?.name ?? '') ? v.childCount : undefined,
      memoryReference: v.address === undefined ? undefined : '0x' + v.address.toString(16),
    }));
  }

  variables(args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
    const ref = this.refs.get(args.variablesReference);
    const m = this.t.machine;
    if (!ref) return [];
    const named = (list: Named[], eval_: (n: Named) => string | undefined): DebugProtocol.Variable[] =>
      list.map((n) => ({ name: n.name, value: n.value, variablesReference: 0, evaluateName: eval_(n) }));
    switch (ref.kind) {
      case 'locals': {
        const vars = this.frameVariables(ref.hart, ref.frame);
        return this.fromVars(
          args.variablesReference,
          ref.hart,
          vars,
          vars.map((v) => v.name),
        );
      }
      case 'var': {
        const kids = ref.v.children!(args.start ?? 0, args.count ?? ref.v.childCount ?? 0);
        return this.fromVars(
          args.variablesReference,
          ref.hart,
          kids,
          kids.map((c) => childPath(ref.path, c.name)),
        );
      }
      case 'hart':
        return named(hartState(m, m.harts[ref.hart]), () => undefined);
      case 'globals': {
        const vars = this.globals(this.unwind(ref.hart).find((f) => f.file)?.file, ref.hart);
        return this.fromVars(
          args.variablesReference,
          ref.hart,
          vars,
          vars.map((v) => v.name),
        );
      }
      case 'registers':
        return ['Integer', 'Float', ...Object.keys(CSR_GROUPS)].map((g) => ({
          name: g,
          value: g === 'Integer' || g === 'Float' ? 'registers' : 'CSRs',
          variablesReference: this.refs.create({ kind: 'group', hart: ref.hart, group: g }),
        }));
      case 'group': {
        const h = m.harts[ref.hart];
        const list =
          ref.group === 'Integer'
            ? integerRegisters(h)
            : ref.group === 'Float'
              ? floatRegisters(h)
              : csrGroup(m, h, ref.group);
        this.listed.set(args.variablesReference, { hart: ref.hart, vars: [], paths: [] });
        return named(list, (n) => '$' + n.name.replace(/\s*\(.*\)$/, ''));
      }
    }
  }

  evaluateOn(text: string, hart: number, frame: number): Value {
    const m = this.t.machine;
    const h = m.harts[hart];
    return evaluateText(text, {
      register: (name) => {
        const r = registerByName(m, h, name);
        return r ? { value: r.read(), float: r.float ?? false } : undefined;
      },
      read: (addr, size) => this.space.read(hart, addr, size),
      local: (name) => this.frameVariables(hart, frame).find((v) => v.name === name),
      global: (name) => {
        const g = this.code.symbols?.globalVariable(name, this.memOf(hart));
        if (!g) return undefined;
        return g.variable ?? { addr: pcOf(g.address), size: g.size };
      },
    });
  }

  evaluate(text: string, frameId: number | undefined, focus: number): DebugProtocol.EvaluateResponse['body'] {
    const f = this.frameOf(frameId, focus);
    const v = this.evaluateOn(text, f.hart, f.index);
    const ref =
      v.kind === 'var' && v.v.children && v.v.childCount
        ? this.refs.create({ kind: 'var', hart: f.hart, v: v.v, path: text })
        : 0;
    const where = lvalueOf(v);
    return {
      result: formatValue(v),
      variablesReference: ref,
      type: typeText(v),
      memoryReference: where ? hexAddress(where.addr) : undefined,
    };
  }

  /** Globals and file-scope statics with debug information, the program's own first (see Symbols.globalNames). */
  globals(file?: string, hart = 0): Variable[] {
    const s = this.code.symbols;
    if (!s) return [];
    const out: Variable[] = [];
    for (const name of s.globalNames(file)) {
      try {
        const g = s.globalVariable(name, this.memOf(hart));
        if (g?.variable) out.push(g.variable);
      } catch {
        /* unreadable: left out */
      }
    }
    return out;
  }

  /**
   * Address and size of what a data breakpoint would watch: a listed variable, an lvalue expression (`counter`, `*p`,
   * `a[3]`), a pointer expression (`&counter` watches counter), or an address (`0x80001000`, with `bytes`).
   */
  dataTarget(
    args: DebugProtocol.DataBreakpointInfoArguments,
    focus: number,
  ): { addr: number; size: number; physical?: boolean } | undefined {
    const text = args.name.trim();
    // An address: as the hart sees it, or physical with the `phys:` prefix.
    const parsed = /^(phys:\s*)?(0x[0-9a-f]+|\d+)$/i.test(text) ? parseAddress(text) : undefined;
    if (parsed) return { addr: parsed.addr, size: args.bytes ?? (args.asAddress ? 1 : 8), physical: parsed.physical };
    let where: { addr: number; size: number } | undefined;
    const list = args.variablesReference ? this.listed.get(args.variablesReference) : undefined;
    const v = list?.vars.find((x) => x.name === args.name);
    if (v) where = v.address !== undefined && v.size ? { addr: pcOf(v.address), size: v.size } : undefined;
    else {
      const f = args.frameId === undefined ? { hart: focus, index: 0 } : this.frameOf(args.frameId, focus);
      let value: Value;
      try {
        value = this.evaluateOn(text, f.hart, f.index);
      } catch (e) {
        if (args.asAddress)
          throw new RefusedError(`"${args.name}" is neither an address nor an expression: ${(e as Error).message}`);
        return undefined;
      }
      // A pointer (as from `&counter`) names the object it points to; otherwise the expression must be in memory.
      const pointee =
        value.kind === 'int' && value.type.pointer
          ? { addr: pcOf(value.value), size: value.type.pointer > 1 ? 8 : value.type.size || 1 }
          : undefined;
      where = args.asAddress || !lvalueOf(value) ? (pointee ?? lvalueOf(value)) : lvalueOf(value);
    }
    if (where && args.bytes) where = { addr: where.addr, size: args.bytes };
    return where;
  }

  /** The edit that `target = value` makes: a register, or the memory of an lvalue. */
  assignment(hart: number, frame: number, target: string, value: string): Edit {
    const m = this.t.machine;
    const h = m.harts[hart];
    const reg = registerByName(m, h, target);
    if (reg)
      return {
        target: 'register',
        hart,
        register: reg.number,
        value: BigInt.asUintN(64, intOf(this.evaluateOn(value, hart, frame))),
      };
    const lhs = this.evaluateOn(target, hart, frame);
    const where = lvalueOf(lhs);
    if (!where)
      throw new RefusedError(
        `cannot assign to ${target}: it is not in memory (a register-held value can be changed through its register)`,
      );
    return {
      target: 'memory',
      address: this.physicalForEdit(hart, where.addr, where.size),
      bytes: encode(floatLiteral(value) ?? this.evaluateOn(value, hart, frame), lhs, where.size),
    };
  }

  /** Edits change physical memory: where `size` bytes at `addr` (as `hart` sees it) are, in one piece. */
  physicalForEdit(hart: number, addr: number, size: number): number {
    const r = this.space.physicalRanges(hart, addr, Math.max(1, size));
    if (typeof r === 'string') throw new RefusedError(`cannot write there: ${r}`);
    if (r.length !== 1)
      throw new RefusedError(
        `cannot write ${size} bytes at ${hexAddress(addr)} at once: they straddle pages mapped apart; write each part`,
      );
    return r[0].lo;
  }

  /** setVariable: the variable named in a listed container, by its register or its memory. */
  assignListed(
    variablesReference: number,
    name: string,
    value: string,
    focus: number,
  ): { edit: Edit; target: string; hart: number } {
    const ref = this.refs.get(variablesReference);
    if (ref?.kind === 'hart') throw new RefusedError('the Hart scope is read-only: change registers instead');
    if (ref?.kind === 'registers' || ref?.kind === 'group') {
      const target = '$' + name.replace(/\s*\(.*\)$/, '');
      return { edit: this.assignment(ref.hart, 0, target, value), target, hart: ref.hart };
    }
    const list = this.listed.get(variablesReference);
    const k = list ? list.vars.findIndex((v) => v.name === name) : -1;
    if (!list || k < 0) throw new RefusedError(`no variable ${name} here: stop again to refresh the variables`);
    const v = list.vars[k];
    if (v.address === undefined || !v.size)
      throw new RefusedError(
        `cannot set ${name}: it is not in memory (its value lives in a register or was optimised out)`,
      );
    const frame = ref?.kind === 'locals' ? ref.frame : 0;
    const rhs = floatLiteral(value) ?? this.evaluateOn(value, list.hart, frame);
    return {
      edit: {
        target: 'memory',
        address: this.physicalForEdit(list.hart, pcOf(v.address), v.size),
        bytes: encode(rhs, { kind: 'var', v }, v.size),
      },
      target: list.paths[k],
      hart: list.hart,
    };
  }

  readMemory(args: DebugProtocol.ReadMemoryArguments, focus = 0): DebugProtocol.ReadMemoryResponse['body'] {
    const parsed = parseAddress(args.memoryReference, args.offset ?? 0);
    if (!parsed) throw new RefusedError(`bad memory reference ${args.memoryReference}`);
    const addr = parsed.addr;
    const count = Math.max(0, Math.min(args.count, MAX_READ));
    const bytes = parsed.physical ? this.t.machine.memory.readBytes(addr, count) : this.space.read(focus, addr, count);
    const address = (parsed.physical ? 'phys:' : '') + hexAddress(addr);
    return bytes ? { address, data: Buffer.from(bytes).toString('base64') } : { address, unreadableBytes: count };
  }

  disassemble(args: DebugProtocol.DisassembleArguments, focus = 0): DebugProtocol.DisassembledInstruction[] {
    const parsed = parseAddress(args.memoryReference, args.offset ?? 0);
    if (!parsed) throw new RefusedError(`bad memory reference ${args.memoryReference}`);
    const base = parsed.addr;
    const fetch = parsed.physical
      ? (a: number) => this.t.machine.instructionAt(a)
      : (a: number) => this.space.instructionAt(focus, a);
    return disassembleRange(fetch, this.code, base, args.instructionOffset ?? 0, Math.min(args.instructionCount, 4096));
  }
}

/** The expression that names a child of `parent`: a field, an element, or the pointee. */
function childPath(parent: string, child: string): string {
  const p = postfixSafe(parent) ? parent : `(${parent})`;
  if (child.startsWith('[')) return `${p}${child}`;
  if (child.startsWith('*')) return `(*${p})`;
  return `${p}.${child}`;
}

/** Whether `e` can take a postfix operator as it is: no operator outside brackets (except `.` and `->`). */
function postfixSafe(e: string): boolean {
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    const ch = e[i];
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (
      depth === 0 &&
      /[*&+\-/%<>=!|^~?: ]/.test(ch) &&
      !(ch === '-' && e[i + 1] === '>') &&
      !(ch === '>' && e[i - 1] === '-')
    )
      return false;
  }
  return true;
}

/** The bytes of `value` stored into an object of `size` bytes whose current value is `target` (floats by their type). */
function encode(value: Value, target: Value, size: number): Uint8Array {
  const t = target.kind === 'int' ? target.type : typeOfName(target.v.type);
  const out = new Uint8Array(size);
  const dv = new DataView(out.buffer);
  if (t?.float && !t.pointer && (size === 4 || size === 8)) {
    const n =
      value.kind === 'var'
        ? Number(value.v.value)
        : value.type.float
          ? bitsToFloat(value.value, value.type.size)
          : Number(value.value);
    if (Number.isNaN(n) && value.kind === 'var') throw new RefusedError(`"${value.v.value}" is not a number`);
    if (size === 4) dv.setFloat32(0, n, true);
    else dv.setFloat64(0, n, true);
    return out;
  }
  const n =
    value.kind === 'int' && value.type.float && !value.type.pointer
      ? BigInt(Math.trunc(bitsToFloat(value.value, value.type.size)))
      : intOf(value);
  for (let i = 0; i < size; i++) out[i] = Number((n >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** "1.5", "-2e3": a double, which expressions have no syntax for. */
function floatLiteral(text: string): Value | undefined {
  if (!/^\s*-?(\d+\.\d*|\.\d+|\d+(\.\d*)?e[+-]?\d+)\s*$/i.test(text)) return undefined;
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Number(text), true);
  return {
    kind: 'int',
    value: dv.getBigUint64(0, true),
    type: { base: 'double', size: 8, signed: true, float: true, pointer: 0 },
  };
}

function bitsToFloat(bits: bigint, size: number): number {
  const dv = new DataView(new ArrayBuffer(8));
  if (size === 4) {
    dv.setUint32(0, Number(bits & 0xffffffffn), true);
    return dv.getFloat32(0, true);
  }
  dv.setBigUint64(0, BigInt.asUintN(64, bits), true);
  return dv.getFloat64(0, true);
}
