// Line tables parsed per compilation unit on demand: a kernel has 2,000 of them, and a stop needs one or two. A pc
// finds its unit through .debug_aranges; a source path is matched against the units' file lists (headers only); the
// rows of a unit are decoded the first time something asks for them. Without aranges, everything is parsed at once.

import { ByteReader } from './bytes';
import { SymbolError } from './errors';
import type { DebugSections, Unit } from './info';
import { AddressRange, LineHit, LineIndex, pathMatches, trailingMatch } from './lineindex';
import { LineProgram, LineRow, parseLineProgram } from './lines';

/** The part of LineIndex the symbol API uses. */
export interface LineLookup {
  at(pc: bigint, style?: 'gdb' | 'binutils'): LineHit | undefined;
  rangesFor(file: string, line: number): AddressRange[];
  rowsIn(lo: bigint, hi: bigint): LineRow[];
}

interface Arange {
  lo: bigint;
  hi: bigint;
  unit: number;
}

/** .debug_aranges: address ranges by unit offset, sorted; undefined when the section is missing or damaged. */
function readAranges(data: Uint8Array): Arange[] | undefined {
  if (data.length === 0) return undefined;
  const out: Arange[] = [];
  try {
    for (let off = 0; off < data.length; ) {
      const r = new ByteReader(data, off, data.length, '.debug_aranges');
      const { end, is64 } = r.unitLength();
      r.end = end;
      r.u16(); // version 2
      const unit = r.offset(is64);
      const addressSize = r.u8();
      r.u8(); // segment selector size
      if (addressSize !== 4 && addressSize !== 8) return undefined;
      // Tuples start at a multiple of twice the address size from the set's start.
      const tuple = 2 * addressSize;
      r.seek(off + Math.ceil((r.pos - off) / tuple) * tuple);
      while (r.pos + tuple <= end) {
        const lo = addressSize === 8 ? r.u64() : BigInt(r.u32());
        const len = addressSize === 8 ? r.u64() : BigInt(r.u32());
        if (lo === 0n && len === 0n) break;
        if (len > 0n) out.push({ lo, hi: lo + len, unit });
      }
      off = end;
    }
  } catch (e) {
    if (e instanceof SymbolError) return undefined;
    throw e;
  }
  return out.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
}

export class LineTables implements LineLookup {
  private readonly programs = new Map<number, LineProgram | null>();
  private readonly headers = new Map<number, LineProgram | null>();
  private readonly indexes = new Map<number, LineIndex>();
  private readonly aranges: Arange[] | undefined;
  private readonly unitsByOffset = new Map<number, Unit>();
  private full: LineIndex | undefined;
  /** Units with lines but no aranges (an assembler that wrote none): always searched after the covering ones. */
  private readonly uncovered: Unit[] = [];

  constructor(
    private readonly s: DebugSections,
    private readonly units: readonly Unit[],
    private readonly warnings: string[],
    aranges: Uint8Array,
  ) {
    for (const u of units) this.unitsByOffset.set(u.offset, u);
    const a = readAranges(aranges);
    // Aranges that name units the info section does not have cannot be trusted to cover everything.
    this.aranges = a && a.length > 0 && a.every((x) => this.unitsByOffset.has(x.unit)) ? a : undefined;
    if (this.aranges) {
      const covered = new Set(this.aranges.map((x) => x.unit));
      for (const u of units) if (u.stmtList >= 0 && !covered.has(u.offset)) this.uncovered.push(u);
    }
  }

  /** The unit's line program, decoded on first use (null when it has none or it is damaged). */
  programFor(u: Unit): LineProgram | undefined {
    if (u.stmtList < 0) return undefined;
    let p = this.programs.get(u.stmtList);
    if (p === undefined) {
      p = this.parse(u, false);
      this.programs.set(u.stmtList, p);
    }
    return p ?? undefined;
  }

  private parse(u: Unit, headerOnly: boolean): LineProgram | null {
    try {
      const p = parseLineProgram(this.s.line, u.stmtList, {
        lineStr: this.s.lineStr,
        str: this.s.str,
        compDir: u.compDir,
        addressSize: u.addressSize,
        headerOnly,
      });
      if (p.truncated && !headerOnly) this.warnings.push(p.truncated);
      return p;
    } catch (e) {
      if (!(e instanceof SymbolError)) throw e;
      if (!headerOnly) this.warnings.push(e.message);
      return null;
    }
  }

  private header(u: Unit): LineProgram | undefined {
    const done = this.programs.get(u.stmtList);
    if (done !== undefined) return done ?? undefined;
    let h = this.headers.get(u.stmtList);
    if (h === undefined) {
      h = this.parse(u, true);
      this.headers.set(u.stmtList, h);
    }
    return h ?? undefined;
  }

  /** Every unit's program, in section order (what tools and tests list; parses everything). */
  all(): LineProgram[] {
    const seen = new Set<number>(),
      out: LineProgram[] = [];
    for (const u of this.units) {
      if (u.stmtList < 0 || seen.has(u.stmtList)) continue;
      seen.add(u.stmtList);
      const p = this.programFor(u);
      if (p) out.push(p);
    }
    return out.sort((a, b) => a.offset - b.offset);
  }

  private fullIndex(): LineIndex {
    this.full ??= new LineIndex(this.all());
    return this.full;
  }

  private unitIndex(u: Unit): LineIndex | undefined {
    let ix = this.indexes.get(u.stmtList);
    if (!ix) {
      const p = this.programFor(u);
      if (!p) return undefined;
      ix = new LineIndex([p]);
      this.indexes.set(u.stmtList, ix);
    }
    return ix;
  }

  /** The units whose aranges cover pc, or undefined to say "ask the full index". */
  private unitsAt(pc: bigint): Unit[] | undefined {
    const a = this.aranges;
    if (!a) return undefined;
    let lo = 0,
      hi = a.length;
    while (lo < hi) {
      const m = (lo + hi) >>> 1;
      if (a[m].lo <= pc) lo = m + 1;
      else hi = m;
    }
    const out: Unit[] = [];
    // Ranges may overlap (code discarded at link time is left at 0): look back over every range that can cover pc.
    for (let i = lo - 1; i >= 0 && out.length < 8; i--) if (pc < a[i].hi) out.push(this.unitsByOffset.get(a[i].unit)!);
    return out.concat(this.uncovered);
  }

  at(pc: bigint, style: 'gdb' | 'binutils' = 'gdb'): LineHit | undefined {
    const units = this.full ? undefined : this.unitsAt(pc);
    if (!units) return this.fullIndex().at(pc, style);
    for (const u of units) {
      const hit = this.unitIndex(u)?.at(pc, style);
      if (hit) return hit;
    }
    // Aranges can leave out code a unit's lines cover (a section they did not list): then every table is asked,
    // once, and the full index answers from then on.
    return this.fullIndex().at(pc, style);
  }

  rowsIn(lo: bigint, hi: bigint): LineRow[] {
    const units = this.full ? undefined : this.unitsAt(lo);
    if (!units) return this.fullIndex().rowsIn(lo, hi);
    for (const u of units) {
      const rows = this.unitIndex(u)?.rowsIn(lo, hi);
      if (rows && rows.length) return rows;
    }
    return this.fullIndex().rowsIn(lo, hi);
  }

  /**
   * As LineIndex.rangesFor over every unit, decoding only the units whose files can match: the exact-path and
   * longest-suffix rules are decided over all units' file lists first, so the answer is the same.
   */
  rangesFor(file: string, line: number): AddressRange[] {
    if (this.full) return this.full.rangesFor(file, line);
    const withFiles = this.units.filter((u) => u.stmtList >= 0).map((u) => ({ u, files: this.header(u)?.files ?? [] }));
    const exact = withFiles.some((x) => x.files.some((f) => f.path !== '' && pathMatches(f.path, file)));
    const best = exact ? 0 : Math.max(0, ...withFiles.flatMap((x) => x.files.map((f) => trailingMatch(f.path, file))));
    if (!exact && best === 0) return [];
    const seen = new Set<number>(),
      chosen: LineProgram[] = [];
    for (const x of withFiles) {
      if (seen.has(x.u.stmtList)) continue;
      const matches = x.files.some(
        (f) => f.path !== '' && (exact ? pathMatches(f.path, file) : trailingMatch(f.path, file) === best),
      );
      if (!matches) continue;
      seen.add(x.u.stmtList);
      const p = this.programFor(x.u);
      if (p) chosen.push(p);
    }
    return new LineIndex(chosen).rangesFor(file, line);
  }
}
