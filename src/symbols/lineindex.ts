// Lookups over decoded line tables: pc -> file:line:column, and file:line -> the address ranges that implement it.
import { LineFile, LineProgram, LineRow, ROW_END, ROW_STMT, RowTable } from './lines';

export interface LineHit {
  file: string;
  line: number;
  column: number;
  isStmt: boolean;
  discriminator: number;
  lo: bigint;
  hi: bigint;
}
export interface AddressRange {
  lo: bigint;
  hi: bigint;
  line: number;
}

const split = (a: bigint): [number, number] => [Number((a >> 32n) & 0xffffffffn), Number(a & 0xffffffffn)];
const join = (hi: number, lo: number): bigint => (BigInt(hi) << 32n) | BigInt(lo);

/**
 * Every [start, end) span between consecutive rows, sorted by start, in typed arrays. Of several rows at one address
 * the last one owns the span; `stmtRow` also remembers an is_stmt row at that address, which gdb prefers.
 */
export class LineIndex {
  private count = 0;
  private sHi: Uint32Array;
  private sLo: Uint32Array;
  private eHi: Uint32Array;
  private eLo: Uint32Array;
  private prog: Uint32Array;
  private rowIx: Uint32Array;
  private stmtIx: Uint32Array;
  private maxSpan = 0;

  constructor(readonly programs: LineProgram[]) {
    // Sequences are ascending runs; sorting them (thousands) instead of spans (millions) keeps loading fast.
    const seqs: { p: number; s: number; e: number }[] = [];
    let total = 0;
    programs.forEach((p, pi) => {
      const t = p.table;
      let s = 0;
      for (let i = 0; i < t.length; i++)
        if (t.flags[i] & ROW_END) {
          if (i > s) seqs.push({ p: pi, s, e: i });
          s = i + 1;
        }
      total += t.length;
    });
    seqs.sort((a, b) => {
      const ta = programs[a.p].table,
        tb = programs[b.p].table;
      return ta.hi[a.s] - tb.hi[b.s] || ta.lo[a.s] - tb.lo[b.s];
    });
    this.sHi = new Uint32Array(total);
    this.sLo = new Uint32Array(total);
    this.eHi = new Uint32Array(total);
    this.eLo = new Uint32Array(total);
    this.prog = new Uint32Array(total);
    this.rowIx = new Uint32Array(total);
    this.stmtIx = new Uint32Array(total);
    let sorted = true;
    for (const q of seqs) {
      const t = programs[q.p].table;
      for (let i = q.s; i < q.e; i++) {
        if (t.cmp(i + 1, t.hi[i], t.lo[i]) <= 0) continue;
        let stmt = i;
        for (
          let j = i;
          !(t.flags[stmt] & ROW_STMT) && j > q.s && t.cmp(j - 1, t.hi[i], t.lo[i]) === 0 && t.line[j - 1] !== 0;
          j--
        ) {
          if (t.flags[j - 1] & ROW_STMT) stmt = j - 1;
        }
        const n = this.count++;
        this.sHi[n] = t.hi[i];
        this.sLo[n] = t.lo[i];
        this.eHi[n] = t.hi[i + 1];
        this.eLo[n] = t.lo[i + 1];
        this.prog[n] = q.p;
        this.rowIx[n] = i;
        this.stmtIx[n] = stmt;
        const len = (t.hi[i + 1] - t.hi[i]) * 4294967296 + (t.lo[i + 1] - t.lo[i]);
        if (len > this.maxSpan) this.maxSpan = len;
        if (n > 0 && (this.sHi[n - 1] - t.hi[i] || this.sLo[n - 1] - t.lo[i]) > 0) sorted = false;
      }
    }
    if (!sorted) this.sortSpans();
  }

  /** Overlapping sequences (code discarded at link time, left at address 0) need a full sort. */
  private sortSpans(): void {
    const order = Array.from({ length: this.count }, (_, i) => i);
    order.sort((a, b) => this.sHi[a] - this.sHi[b] || this.sLo[a] - this.sLo[b] || a - b);
    for (const arr of ['sHi', 'sLo', 'eHi', 'eLo', 'prog', 'rowIx', 'stmtIx'] as const) {
      const src = this[arr];
      const dst = new Uint32Array(this.count);
      for (let i = 0; i < this.count; i++) dst[i] = src[order[i]];
      this[arr] = dst;
    }
  }

  /** Index of the last span starting at or below (hi, lo), or -1. */
  private lastAtOrBelow(hi: number, lo: number): number {
    let a = 0,
      b = this.count;
    while (a < b) {
      const m = (a + b) >>> 1;
      if ((this.sHi[m] - hi || this.sLo[m] - lo) <= 0) a = m + 1;
      else b = m;
    }
    return a - 1;
  }

  /** The row for pc: `gdb` style prefers an is_stmt row at the same address, `binutils` style takes the last row. */
  at(pc: bigint, style: 'gdb' | 'binutils' = 'gdb'): LineHit | undefined {
    const [hi, lo] = split(pc);
    for (let i = this.lastAtOrBelow(hi, lo); i >= 0; i--) {
      const dist = (hi - this.sHi[i]) * 4294967296 + (lo - this.sLo[i]);
      if (dist > this.maxSpan) break;
      if ((hi - this.eHi[i] || lo - this.eLo[i]) < 0) {
        const p = this.programs[this.prog[i]];
        const r = style === 'gdb' ? this.stmtIx[i] : this.rowIx[i];
        const t = p.table;
        return {
          file: p.files[t.file[r]]?.path ?? '',
          line: t.line[r],
          column: t.column[r],
          isStmt: (t.flags[r] & ROW_STMT) !== 0,
          discriminator: t.disc[r],
          lo: join(this.sHi[i], this.sLo[i]),
          hi: join(this.eHi[i], this.eLo[i]),
        };
      }
    }
    return undefined;
  }

  /**
   * The is_stmt ranges for `line` of every file matching `file` (full path, or a suffix at a '/' boundary).
   * With no code on that line, the next line below it that has code is used, as gdb does for breakpoints.
   */
  rangesFor(file: string, line: number): AddressRange[] {
    const byLine = new Map<number, AddressRange[]>();
    // A checkout moved since the ELF was built (a CI clone, another machine) has other absolute paths; then the
    // files sharing the most trailing path components with the query match, the basename at least.
    const exact = this.programs.some((p) => p.files.some((f) => f.path !== '' && pathMatches(f.path, file)));
    const best = exact
      ? 0
      : Math.max(0, ...this.programs.flatMap((p) => p.files.map((f) => trailingMatch(f.path, file))));
    for (const p of this.programs) {
      const matching = p.files.map(
        (f) => f.path !== '' && (exact ? pathMatches(f.path, file) : best > 0 && trailingMatch(f.path, file) === best),
      );
      if (!matching.some(Boolean)) continue;
      const t = p.table;
      for (let i = 0; i + 1 < t.length; i++) {
        const f = t.flags[i];
        if (f & ROW_END || !(f & ROW_STMT) || !matching[t.file[i]] || t.line[i] < line) continue;
        // Several rows at one address (an inlined call's lines in optimised code): each is_stmt one among them
        // starts its line there, as gdb places breakpoints, and the code runs to the next address.
        let j = i + 1;
        while (j < t.length && !(t.flags[j - 1] & ROW_END) && t.cmp(j, t.hi[i], t.lo[i]) <= 0) j++;
        if (j >= t.length || t.cmp(j, t.hi[i], t.lo[i]) <= 0) continue;
        let list = byLine.get(t.line[i]);
        if (!list) byLine.set(t.line[i], (list = []));
        list.push({ lo: t.addr(i), hi: t.addr(j), line: t.line[i] });
      }
    }
    let nearest = -1;
    for (const l of byLine.keys()) if (l >= line && (nearest < 0 || l < nearest)) nearest = l;
    if (nearest < 0) return [];
    const ranges = byLine.get(nearest)!.sort((a, b) => (a.lo < b.lo ? -1 : a.lo > b.lo ? 1 : 0));
    const merged: AddressRange[] = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.lo <= last.hi) {
        if (r.hi > last.hi) last.hi = r.hi;
      } else merged.push({ ...r });
    }
    return merged;
  }

  /** Rows inside [lo, hi) of the sequence that covers lo, in address order: what prologue analysis walks. */
  rowsIn(lo: bigint, hi: bigint): LineRow[] {
    const [h, l] = split(lo);
    let i = this.lastAtOrBelow(h, l);
    if (i < 0 || (h - this.eHi[i] || l - this.eLo[i]) >= 0) i++;
    if (i >= this.count) return [];
    const t: RowTable = this.programs[this.prog[i]].table;
    let r = this.rowIx[i];
    while (r > 0 && !(t.flags[r - 1] & ROW_END) && t.cmp(r - 1, t.hi[r], t.lo[r]) === 0) r--;
    const out: LineRow[] = [];
    for (; r < t.length && !(t.flags[r] & ROW_END); r++) {
      const a = t.addr(r);
      if (a >= hi) break;
      if (a >= lo) out.push(t.row(r));
    }
    return out;
  }

  files(prog: number): LineFile[] {
    return this.programs[prog].files;
  }
}

/** How many trailing path components two paths share (0 when even the basenames differ). */
export function trailingMatch(full: string, query: string): number {
  const a = normalise(full.replace(/\\/g, '/')).split('/'),
    b = normalise(query.replace(/\\/g, '/')).split('/');
  let n = 0;
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
  return n;
}

export function pathMatches(full: string, query: string): boolean {
  if (full === query) return true;
  const q = query.replace(/\\/g, '/');
  if (q.startsWith('/')) return normalise(full) === normalise(q);
  const f = normalise(full);
  const n = normalise(q);
  return f === n || f.endsWith('/' + n);
}

/** Normalised paths by path: a kernel's line tables name the same few thousand headers a hundred thousand times. */
const normalised = new Map<string, string>();

function normalise(p: string): string {
  let n = normalised.get(p);
  if (n === undefined) {
    if (normalised.size > 1 << 20) normalised.clear();
    normalised.set(p, (n = normaliseUncached(p)));
  }
  return n;
}

function normaliseUncached(p: string): string {
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '.' || part === '') continue;
    if (part === '..' && out.length > 0 && out[out.length - 1] !== '..') out.pop();
    else out.push(part);
  }
  return (p.startsWith('/') ? '/' : '') + out.join('/');
}
