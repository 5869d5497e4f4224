// The program's symbols as the adapter uses them: lines, functions and frames by number-valued pcs, cached, and
// degrading to "no source" when the ELF has no debug information.

import { loadSymbols, Symbols, SourceLine } from '../symbols';
import type { LineOracle } from './stepping';
import { addressOf, hexAddress, pcOf } from './address-space';

export class Code implements LineOracle {
  private readonly keys = new Map<number, string | undefined>();
  readonly symbols: Symbols | undefined;
  readonly warning: string | undefined;

  constructor(elf: Uint8Array, path: string) {
    try {
      this.symbols = loadSymbols(elf, path);
    } catch (e) {
      this.warning = `no symbols for ${path}: ${(e as Error).message}`;
    }
  }

  lineAt(pc: number): SourceLine | undefined {
    try {
      return this.symbols?.lineAt(addressOf(pc));
    } catch {
      return undefined;
    }
  }

  lineKey(pc: number): string | undefined {
    if (this.keys.has(pc)) return this.keys.get(pc);
    const l = this.lineAt(pc);
    const key = l && l.line > 0 ? `${l.file}:${l.line}` : undefined;
    this.keys.set(pc, key);
    return key;
  }

  bodyStart(pc: number): number {
    const fn = this.symbols?.functionAt(addressOf(pc));
    if (!fn || fn.lo !== addressOf(pc)) return pc;
    try {
      return pcOf(this.symbols!.prologueEnd(fn.lo));
    } catch {
      return pc;
    }
  }

  /** How many inlined calls are active at `pc` (0 outside inlined code). */
  inlineDepth(pc: number): number {
    try {
      return this.symbols?.functionAt(addressOf(pc))?.inlined.length ?? 0;
    } catch {
      return 0;
    }
  }

  /** The entry of the (physical) function containing `pc`, or undefined outside any. */
  functionStart(pc: number): number | undefined {
    try {
      const f = this.symbols?.functionAt(addressOf(pc));
      return f ? pcOf(f.lo) : undefined;
    } catch {
      return undefined;
    }
  }

  /** `name+0x10`, or the bare hex address. */
  label(pc: number): string {
    const s = this.symbols?.symbolAt(addressOf(pc));
    if (!s) return hexAddress(pc);
    return s.offset === 0n ? s.name : `${s.name}+0x${s.offset.toString(16)}`;
  }
}
