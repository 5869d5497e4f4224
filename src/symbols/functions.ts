// Which function (and chain of inlined calls) contains a pc, from the subprogram and inlined_subroutine DIEs.
import { AT, TAG } from './dwarf';
import { Die, DwarfInfo, Unit } from './info';
import { LineProgram } from './lines';
import { dieRanges, inRanges, PcRange } from './ranges';

export interface ScopeLink {
  die: Die;
  name: string;
  inlined: boolean;
  /** Where an inlined call was made from: the file and line its caller is at. */
  callFile?: string;
  callLine?: number;
  callColumn?: number;
  ranges: PcRange[];
  /** Lexical blocks inside this function or inlined call that contain the pc, outermost first. */
  blocks: Die[];
}

interface FnEntry {
  lo: bigint;
  hi: bigint;
  die: Die;
}

/** Lazily built per-unit function lists, and a unit index by address. */
export class FunctionIndex {
  private readonly unitRanges: { lo: bigint; hi: bigint; unit: Unit }[] = [];
  private readonly unranged: Unit[] = [];
  private readonly fnCache = new Map<Unit, FnEntry[]>();

  constructor(
    readonly dw: DwarfInfo,
    readonly programFor: (u: Unit) => LineProgram | undefined,
  ) {
    for (const u of dw.units) {
      if (!u.root) continue;
      let ranges: PcRange[] = [];
      try {
        ranges = dieRanges(dw, u.root);
      } catch {
        ranges = [];
      }
      if (ranges.length === 0) this.unranged.push(u);
      for (const r of ranges) this.unitRanges.push({ lo: r.lo, hi: r.hi, unit: u });
    }
    this.unitRanges.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
  }

  /** Units whose ranges contain pc (normally one). */
  unitsAt(pc: bigint): Unit[] {
    const out: Unit[] = [];
    for (const r of this.unitRanges) {
      if (r.lo > pc) break;
      if (pc < r.hi && !out.includes(r.unit)) out.push(r.unit);
    }
    return out.concat(this.unranged);
  }

  functions(unit: Unit): FnEntry[] {
    let list = this.fnCache.get(unit);
    if (list) return list;
    list = [];
    const root = unit.dies();
    const walk = (d: Die, depth: number) => {
      if (depth > 64) return;
      for (const c of d.children) {
        if (c.tag === TAG.subprogram) {
          let ranges: PcRange[] = [];
          try {
            ranges = dieRanges(this.dw, c);
          } catch {
            ranges = [];
          }
          for (const r of ranges) list!.push({ lo: r.lo, hi: r.hi, die: c });
        } else if (c.children.length > 0 && c.tag !== TAG.lexical_block && c.tag !== TAG.inlined_subroutine)
          walk(c, depth + 1);
      }
    };
    if (root) walk(root, 0);
    list.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    this.fnCache.set(unit, list);
    return list;
  }

  /** The outermost subprogram DIE containing pc, with its ranges. */
  subprogramAt(pc: bigint): FnEntry | undefined {
    for (const u of this.unitsAt(pc)) {
      const list = this.functions(u);
      let lo = 0,
        hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (list[mid].lo <= pc) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo - 1; i >= 0 && i >= lo - 8; i--) if (pc < list[i].hi) return list[i];
    }
    return undefined;
  }

  /** The chain of scopes at pc, innermost inlined call first and the real function last. */
  chainAt(pc: bigint): ScopeLink[] {
    const fn = this.subprogramAt(pc);
    if (!fn) return [];
    const program = this.programFor(fn.die.unit);
    const fileName = (i: number | undefined) => (i === undefined ? undefined : program?.files[i]?.path);
    const outer: ScopeLink = {
      die: fn.die,
      name: this.dw.nameOf(fn.die) ?? '??',
      inlined: false,
      ranges: dieRanges(this.dw, fn.die),
      blocks: [],
    };
    const chain: ScopeLink[] = [outer];
    let current = outer;
    let scope: Die = fn.die;
    for (let depth = 0; depth < 64; depth++) {
      let next: Die | undefined;
      for (const c of scope.children) {
        if (c.tag !== TAG.lexical_block && c.tag !== TAG.inlined_subroutine) continue;
        let ranges: PcRange[];
        try {
          ranges = dieRanges(this.dw, c);
        } catch {
          ranges = [];
        }
        if (inRanges(ranges, pc)) {
          next = c;
          break;
        }
      }
      if (!next) break;
      if (next.tag === TAG.inlined_subroutine) {
        current = {
          die: next,
          name: this.dw.nameOf(next) ?? '??',
          inlined: true,
          callFile: fileName(next.num(AT.call_file)),
          callLine: next.num(AT.call_line),
          callColumn: next.num(AT.call_column),
          ranges: dieRanges(this.dw, next),
          blocks: [],
        };
        chain.push(current);
      } else current.blocks.push(next);
      scope = next;
    }
    return chain.reverse();
  }
}
