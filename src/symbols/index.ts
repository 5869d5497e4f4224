// The symbol API the debug adapter uses: where is this pc, what is on this line, unwind this hart, show this variable.
//
// Conventions:
// - Addresses are bigint (RV64; RV32 ELFs work too). Nothing here touches the machine: registers and memory come in
//   through the RegisterReader and MemoryReader callbacks, which return undefined for anything unavailable.
// - DWARF register numbers: 0-31 are x0-x31, 32-63 are f0-f31 (raw bits), 4096 + n is CSR n. The pc is passed apart.
// - loadSymbols throws SymbolError for input that is not a usable ELF. Damage inside the DWARF is not fatal: the parts
//   before it stay usable and `warnings` says what was skipped.
// - File queries match a full path, or a path suffix at a '/' boundary ("shapes.c", "src/shapes.c").
// - Behaviour follows gdb where the adapter shows it (lines, frames, variable text) and binutils for `addr2line`; the
//   fixtures under test/fixtures/symbols hold both tools' outputs as oracles.
//
// Typical use by the adapter:
//   const syms = loadSymbols(elfBytes, path);
//   const frames = syms.unwind(pc, (n) => hartRegister(n), (a, size) => readGuest(a, size));
//   for (const v of syms.variables(frames[0], readGuest)) show(v.name, v.type, v.value, v.children);
import { SymbolError } from './errors';
import { loadDebugInfo, LoadedDebugInfo } from './load';
import { AddressRange } from './lineindex';
import { prologueEnd } from './prologue';
import { CallFrameInfo } from './cfi';
import { Frame, unwindStack } from './unwind';
import { TypeReader } from './types';
import { Variable, VariableReader } from './variables';
import { GlobalIndex } from './globals';
import { STT_OBJECT } from './elf';
import { sizeOf, typeName } from './types';

export { SymbolError } from './errors';
export type { Frame } from './unwind';
export type { Variable } from './variables';
export type { AddressRange } from './lineindex';
export type RegisterReader = (dwarfRegNo: number) => bigint | undefined;
export type MemoryReader = (addr: bigint, size: number) => Uint8Array | undefined;

export interface SourceLine {
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
}

/** A variable with static storage, found by name: where it is, how big, its C type, and its value. */
export interface GlobalVariable {
  name: string;
  address: bigint;
  size: number;
  /** The C type as gdb spells it. */
  type: string;
  /** Its value and children, read through the MemoryReader given to `globalVariable`. */
  variable: Variable;
}
export interface InlineLocation {
  function?: string;
  file?: string;
  line?: number;
  column?: number;
  inlined: boolean;
}

export interface Symbols {
  readonly path?: string;
  readonly warnings: readonly string[];
  /** The ELF symbol containing addr, and how far into it addr is. */
  symbolAt(addr: bigint): { name: string; offset: bigint } | undefined;
  /** Address of an ELF symbol (function or object) by name. */
  addressOf(name: string): bigint | undefined;
  /** The source position of pc; of several rows at one address an is_stmt one is preferred, as in gdb. */
  lineAt(pc: bigint): SourceLine | undefined;
  /** The is_stmt address ranges of a source line; with no code there, of the next line that has code. */
  addressesForLine(file: string, line: number): AddressRange[];
  /**
   * Innermost-first chain, as `addr2line -f -i` prints it: inlined calls, then the function, each with the source
   * position in that scope. Where several rows share an address, the last one counts, as in binutils.
   */
  addr2line(pc: bigint): InlineLocation[];
  /** The function containing pc: its name, entry, and the inlined calls active at pc (innermost first). */
  functionAt(pc: bigint): { name: string; lo: bigint; hi: bigint; inlined: string[] } | undefined;
  /**
   * Where a breakpoint on a function should go, as gdb places it: after the prologue, except in optimised GCC code
   * (units with location lists), where gdb trusts the locations from the first instruction.
   */
  prologueEnd(funcAddr: bigint): bigint;
  /**
   * Unwinds a hart's stack from its pc and registers. Inlined calls are frames of their own (kind 'inline'), a trap
   * entry with signal-frame CFI is a 'trap' frame, and by default the walk stops at main, as gdb's does.
   */
  unwind(
    pc: bigint,
    regs: RegisterReader,
    mem: MemoryReader,
    options?: { maxFrames?: number; pastMain?: boolean },
  ): Frame[];
  /**
   * Parameters and locals visible in a frame from `unwind`, innermost block first; values read through `mem`.
   * A variable wholly in memory (and each member or element of it) carries its `address` and `size`.
   */
  variables(frame: Frame, mem: MemoryReader): Variable[];
  /**
   * A global or file-scope static by name, from DWARF; without DWARF for it, an ELF object symbol gives the address
   * and size and the type is unknown (`variable` undefined). Undefined when the name is neither.
   */
  /**
   * Names of the variables with static storage that have debug information (globals and file-scope statics), sorted;
   * with `file`, those of units compiled beside it (the program's own, not its libc's) come first.
   */
  globalNames(file?: string): string[];
  globalVariable(
    name: string,
    mem: MemoryReader,
  ): GlobalVariable | { name: string; address: bigint; size: number; type: undefined; variable: undefined } | undefined;
}

export function loadSymbols(elf: Uint8Array, path?: string): Symbols {
  const info = loadDebugInfo(elf);
  return new SymbolsImpl(info, path);
}

class SymbolsImpl implements Symbols {
  private cfiCache: CallFrameInfo | undefined;
  private variableReader: VariableReader | undefined;
  private globals: GlobalIndex | undefined;
  constructor(
    readonly info: LoadedDebugInfo,
    readonly path?: string,
  ) {}

  globalNames(file?: string): string[] {
    this.globals ??= new GlobalIndex(this.info);
    return safe(() => this.globals!.names(file)) ?? [];
  }

  globalVariable(name: string, mem: MemoryReader) {
    this.globals ??= new GlobalIndex(this.info);
    const hit = safe(() => this.globals!.find(name));
    if (hit) {
      this.variableReader ??= new VariableReader(this.info, new TypeReader(this.info.dwarf));
      const t = this.variableReader.types.typeOf(hit.die);
      return {
        name,
        address: hit.address,
        size: sizeOf(t),
        type: typeName(t),
        variable: this.variableReader.staticVariable(hit.die, name, hit.address, mem),
      };
    }
    const sym = this.info.symtab.symbol(name);
    return sym && sym.type === STT_OBJECT
      ? { name, address: sym.value, size: Number(sym.size), type: undefined, variable: undefined }
      : undefined;
  }

  private get cfi(): CallFrameInfo {
    if (!this.cfiCache) {
      const elf = this.info.elf;
      const eh = elf.section('.eh_frame');
      this.cfiCache = new CallFrameInfo(
        elf.section('.debug_frame')?.data,
        eh ? { data: eh.data, addr: eh.addr } : undefined,
        elf.is64 ? 8 : 4,
      );
      this.info.warnings.push(...this.cfiCache.damage);
    }
    return this.cfiCache;
  }

  unwind(
    pc: bigint,
    regs: RegisterReader,
    mem: MemoryReader,
    options: { maxFrames?: number; pastMain?: boolean } = {},
  ): Frame[] {
    return unwindStack(this.info, this.cfi, pc, regs, mem, options.maxFrames ?? 256, options.pastMain ?? false);
  }

  variables(frame: Frame, mem: MemoryReader): Variable[] {
    this.variableReader ??= new VariableReader(this.info, new TypeReader(this.info.dwarf));
    return this.variableReader.frameVariables(frame, mem);
  }

  get warnings(): readonly string[] {
    return this.info.warnings;
  }

  symbolAt(addr: bigint) {
    const hit = this.info.symtab.at(addr);
    return hit ? { name: hit.name, offset: hit.offset } : undefined;
  }

  addressOf(name: string): bigint | undefined {
    return this.info.symtab.addressOf(name);
  }

  lineAt(pc: bigint): SourceLine | undefined {
    const hit = this.info.lines.at(pc);
    return hit ? { file: hit.file, line: hit.line, column: hit.column, isStmt: hit.isStmt } : undefined;
  }

  addressesForLine(file: string, line: number): AddressRange[] {
    return this.info.lines.rangesFor(file, line);
  }

  addr2line(pc: bigint): InlineLocation[] {
    const line = this.info.lines.at(pc, 'binutils');
    const chain = safe(() => this.info.functions.chainAt(pc)) ?? [];
    if (chain.length === 0) {
      const sym = this.info.symtab.at(pc);
      return [{ function: sym?.name, file: line?.file, line: line?.line, column: line?.column, inlined: false }];
    }
    const out: InlineLocation[] = [];
    let file = line?.file,
      lineNo = line?.line,
      column = line?.column;
    for (const link of chain) {
      out.push({ function: link.name, file, line: lineNo, column, inlined: link.inlined });
      file = link.callFile;
      lineNo = link.callLine;
      column = link.callColumn;
    }
    return out;
  }

  functionAt(pc: bigint) {
    const chain = safe(() => this.info.functions.chainAt(pc)) ?? [];
    if (chain.length === 0) return undefined;
    const fn = chain[chain.length - 1];
    const r = fn.ranges.find((x) => pc >= x.lo && pc < x.hi) ?? fn.ranges[0];
    return { name: fn.name, lo: r.lo, hi: r.hi, inlined: chain.slice(0, -1).map((c) => c.name) };
  }

  prologueEnd(funcAddr: bigint): bigint {
    return prologueEnd(this.info, funcAddr);
  }
}

/** Runs a lookup that walks DWARF lazily; damage found on the way degrades to "unknown" rather than an exception. */
function safe<T>(f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (e instanceof SymbolError) return undefined;
    throw e;
  }
}
