// Variables with static storage by name (globals, and file-scope statics): their DWARF DIE and address, for the
// debugger's expressions, watches and data breakpoints on variables. Indexed once, on first use.
import { AT, TAG } from './dwarf';
import { evaluate, Unavailable } from './expr';
import { SymbolError } from './errors';
import type { Die } from './info';
import type { LoadedDebugInfo } from './load';

export interface StaticDie {
  die: Die;
  name: string;
  address: bigint;
}

export class GlobalIndex {
  private byName: Map<string, StaticDie> | undefined;
  constructor(private readonly info: LoadedDebugInfo) {}

  find(name: string): StaticDie | undefined {
    this.byName ??= this.build();
    return this.byName.get(name);
  }

  /**
   * Every indexed name, sorted, the program's own first: those of units compiled in the same folder as the unit of
   * `file` (so a libc's globals, built elsewhere, come after the program's).
   */
  names(file?: string): string[] {
    this.byName ??= this.build();
    const all = [...this.byName.values()];
    const base = file?.split('/').pop();
    const home = base
      ? this.info.dwarf.units.find((u) => u.name === file || u.name.split('/').pop() === base)?.compDir
      : undefined;
    const own = (d: StaticDie) => home !== undefined && d.die.unit.compDir === home;
    return all.sort((a, b) => Number(own(b)) - Number(own(a)) || a.name.localeCompare(b.name)).map((d) => d.name);
  }

  private build(): Map<string, StaticDie> {
    const out = new Map<string, StaticDie>();
    const dw = this.info.dwarf;
    for (const unit of dw.units) {
      let root: Die | undefined;
      try {
        root = unit.dies();
      } catch (e) {
        if (e instanceof SymbolError) continue;
        throw e;
      }
      for (const d of root?.children ?? []) {
        if (d.tag !== TAG.variable || !d.has(AT.location)) continue;
        const name = dw.nameOf(d);
        if (name === undefined) continue;
        const address = this.addressOf(d);
        if (address === undefined) continue;
        // An external definition beats a file-scope static of the same name, as gdb's lookup from outside a unit.
        const old = out.get(name);
        if (!old || (!old.die.flag(AT.external) && d.flag(AT.external))) out.set(name, { die: d, name, address });
      }
    }
    return out;
  }

  private addressOf(d: Die): bigint | undefined {
    const expr = d.get(AT.location);
    if (!(expr instanceof Uint8Array) || expr.length === 0) return undefined;
    try {
      const loc = evaluate(expr, {
        addressSize: d.unit.addressSize,
        regs: () => undefined,
        mem: () => undefined,
        addrx: (i) => this.info.dwarf.addrx(d.unit, i),
      });
      const p = loc.pieces.length === 1 ? loc.pieces[0] : undefined;
      return p?.kind === 'memory' && p.bits === undefined ? p.addr : undefined;
    } catch (e) {
      if (e instanceof Unavailable || e instanceof SymbolError) return undefined;
      throw e;
    }
  }
}
