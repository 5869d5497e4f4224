// Every kind of breakpoint the adapter supports (source, function, instruction, data) as one table that turns into
// the probes a forward or backward run honours; conditions, hit counts and logpoints are applied in `accept`.
//
// Hit counts are ordinals from the start of the recording: the Nth time the breakpoint is hit (with its condition
// true) is the same hit whichever way the user travels. Each breakpoint keeps the positions of its hits up to
// `known`; the session fills the gap up to the cursor with a silent counting run before a run that needs it.

import type { DebugProtocol } from '@vscode/debugprotocol';
import { lowerBound } from '../replay/log';
import type { Hit, Probes, WatchRange } from './target';
import type { Code } from './code';
import { ExpressionError, parseExpression } from './expression';
import { hexAddress, parseAddress, pcOf, PHYSICAL_PREFIX } from './address-space';

/** The hits of one breakpoint, by position; complete below `known`. */
class HitLog {
  readonly positions: number[] = [];
  known = 0;

  /** The ordinal of the hit at `p`; a hit past `known` is appended when the run counts, else assumed next. */
  ordinal(p: number, counting: boolean): number {
    if (p < this.known) {
      const k = lowerBound(this.positions, p);
      return k + 1;
    }
    if (!counting) return this.positions.length + 1;
    if (this.positions.length === 0 || this.positions[this.positions.length - 1] < p) this.positions.push(p);
    this.known = p + 1;
    return this.positions.length;
  }
}

export interface Breakpoint {
  id: number;
  pcs: number[];
  watch?: WatchRange;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  /** Present when there is a hit condition. */
  hits?: HitLog;
  /** Data breakpoints: the expression the user watches, when it was one (for the stop's "counter: 1 → 2"). */
  label?: string;
}

/** What the table needs from the session: evaluating an expression on a hart, and printing a logpoint. */
export interface BreakpointHost {
  truthy(expression: string, hart: number): boolean;
  interpolate(message: string, hart: number): string;
  log(text: string): void;
  /** Where a data breakpoint's range lies in physical memory, through the stopped hart's page tables; a string says why not. */
  physicalRanges?(addr: number, size: number): { lo: number; hi: number }[] | string;
  /** The pcs at which code stored at physical `paddr` runs (itself, and its virtual aliases in the harts' page tables). */
  pcsOfPhysical?(paddr: number): number[];
}

export class BreakpointError extends Error {}

function hitMatches(cond: string, hits: number): boolean {
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(cond)!;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=':
      return hits >= n;
    case '<=':
      return hits <= n;
    case '>':
      return hits > n;
    case '<':
      return hits < n;
    case '%':
      return n > 0 && hits % n === 0;
    default:
      return hits === n;
  }
}

const HIT_CONDITION = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/;

export class BreakpointTable {
  private nextId = 1;
  private readonly bySource = new Map<string, Breakpoint[]>();
  private functions: Breakpoint[] = [];
  private instructions: Breakpoint[] = [];
  private data: Breakpoint[] = [];
  /** Hit logs by what a breakpoint is, so that setting a file's breakpoints again keeps their counts. */
  private readonly logs = new Map<string, HitLog>();
  /** Whether hits past a log's `known` are appended: only in runs that start at or before every log's `known`. */
  private counting = false;
  /** The breakpoints that stopped the last accepted hit, for the stopped event. */
  lastHit: number[] = [];

  constructor(
    private readonly code: Code,
    private readonly host: BreakpointHost,
  ) {}

  private make(
    kind: string,
    pcs: number[],
    watch: WatchRange | undefined,
    b: { condition?: string; hitCondition?: string; logMessage?: string },
  ): Breakpoint | string {
    const hitCondition = b.hitCondition?.trim() ? b.hitCondition : undefined;
    if (hitCondition && !HIT_CONDITION.test(hitCondition))
      return `hit count "${hitCondition}" is not N, >=N, >N, <=N, <N, ==N or %N`;
    const condition = b.condition?.trim() ? b.condition : undefined;
    if (condition) {
      try {
        parseExpression(condition);
      } catch (e) {
        if (e instanceof ExpressionError) return `condition: ${e.message}`;
        throw e;
      }
    }
    const bp: Breakpoint = { id: this.nextId++, pcs, watch, condition, hitCondition, logMessage: b.logMessage };
    if (hitCondition) {
      const key = `${kind}|${pcs.join(',')}|${watch ? `${watch.lo}-${watch.hi}-${watch.read}-${watch.write}` : ''}|${bp.condition ?? ''}`;
      let log = this.logs.get(key);
      if (!log) {
        log = new HitLog();
        this.logs.set(key, log);
      }
      bp.hits = log;
    }
    return bp;
  }

  setSource(path: string, wanted: DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    const s = this.code.symbols;
    const found = wanted.map((b) => (s ? s.addressesForLine(path, b.line) : []));
    if (wanted.length > 0 && found.every((r) => r.length === 0)) {
      this.bySource.delete(path);
      throw new BreakpointError(
        `no code from ${path} is in the program (is it compiled with -g, and part of this ELF?)`,
      );
    }
    const list: Breakpoint[] = [];
    const out = wanted.map((b, k): DebugProtocol.Breakpoint => {
      const ranges = found[k];
      if (ranges.length === 0) return { verified: false, line: b.line, message: 'no code at or after this line' };
      const bp = this.make(
        'source',
        ranges.map((r) => pcOf(r.lo)),
        undefined,
        b,
      );
      if (typeof bp === 'string') return { verified: false, line: b.line, message: bp };
      list.push(bp);
      return { id: bp.id, verified: true, line: ranges[0].line, source: { path } };
    });
    this.bySource.set(path, list);
    return out;
  }

  setFunctions(wanted: DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.functions = [];
    return wanted.map((b): DebugProtocol.Breakpoint => {
      const s = this.code.symbols;
      const addr = s?.addressOf(b.name);
      if (addr === undefined) return { verified: false, message: `no function named ${b.name}` };
      const pc = pcOf(s!.prologueEnd(addr));
      const bp = this.make('function', [pc], undefined, b);
      if (typeof bp === 'string') return { verified: false, message: bp };
      this.functions.push(bp);
      const line = this.code.lineAt(pc);
      return {
        id: bp.id,
        verified: true,
        instructionReference: hexAddress(pc),
        line: line?.line,
        source: line ? { path: line.file } : undefined,
      };
    });
  }

  setInstructions(wanted: DebugProtocol.InstructionBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.instructions = [];
    return wanted.map((b): DebugProtocol.Breakpoint => {
      const ref = parseAddress(b.instructionReference, b.offset ?? 0);
      if (!ref) return { verified: false, message: `bad instruction reference ${b.instructionReference}` };
      const pc = ref.addr;
      // A plain address is a pc as harts execute it (virtual once paging is on); phys:ADDR is the code stored there,
      // wherever the page tables map it when the breakpoint is set.
      const pcs = ref.physical ? (this.host.pcsOfPhysical?.(pc) ?? [pc]) : [pc];
      const bp = this.make('instruction', pcs, undefined, b);
      if (typeof bp === 'string') return { verified: false, message: bp };
      this.instructions.push(bp);
      const shown = (ref.physical ? PHYSICAL_PREFIX : '') + hexAddress(pc);
      const aliases = pcs.filter((p) => p !== pc).map(hexAddress);
      return {
        id: bp.id,
        verified: true,
        instructionReference: shown,
        message: aliases.length ? `also at ${aliases.join(', ')}` : undefined,
      };
    });
  }

  /** What a Last Write search looks for, so that its stop names the expression (cleared at every stop). */
  travelLabel: { label?: string; lo: number; hi: number } | undefined;
  /** Expressions by data id, as dataBreakpointInfo resolved them. */
  private readonly dataLabels = new Map<string, string>();

  /** Remembers which expression a data id came from (a bare address keeps the name an expression gave it). */
  labelData(dataId: string, label: string | undefined): void {
    if (label) this.dataLabels.set(dataId, label);
  }

  /** The watched expression and range of the first data breakpoint among `ids`. */
  dataLabel(ids: readonly number[]): { label?: string; lo: number; hi: number } | undefined {
    const b = this.data.find((x) => ids.includes(x.id));
    return b?.watch ? { label: b.label, lo: b.watch.lo, hi: b.watch.hi } : undefined;
  }

  /** Data ids are "0xADDR/SIZE" (address in hex, size in decimal), from dataBreakpointInfo. */
  setData(wanted: DebugProtocol.DataBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.data = [];
    return wanted.map((b): DebugProtocol.Breakpoint => {
      const m = /^((?:phys:)?0x[0-9a-f]+)\/(\d+)$/i.exec(b.dataId);
      const at = m ? parseAddress(m[1]) : undefined;
      if (!m || !at || Number(m[2]) < 1) return { verified: false, message: `unknown data id ${b.dataId}` };
      const size = Number(m[2]);
      const access = b.accessType ?? 'write';
      // Machine watches are physical: a virtual address is translated now, through the stopped hart's tables.
      const ranges =
        at.physical || !this.host.physicalRanges
          ? [{ lo: at.addr, hi: at.addr + size }]
          : this.host.physicalRanges(at.addr, size);
      if (typeof ranges === 'string') return { verified: false, message: ranges };
      if (ranges.length !== 1)
        return {
          verified: false,
          message: `the ${size} bytes at ${hexAddress(at.addr)} straddle pages mapped apart; watch each part`,
        };
      const lo = ranges[0].lo;
      const watch = { lo, hi: lo + size, read: access !== 'write', write: access !== 'read' };
      const bp = this.make('data', [], watch, b);
      if (typeof bp === 'string') return { verified: false, message: bp };
      bp.label = this.dataLabels.get(b.dataId);
      this.data.push(bp);
      return {
        id: bp.id,
        verified: true,
        description: `${access} of ${size} bytes at ${hexAddress(at.addr)}${!at.physical && lo !== at.addr ? ` (physical ${hexAddress(lo)})` : ''}`,
      } as DebugProtocol.Breakpoint;
    });
  }

  private all(): Breakpoint[] {
    return [...[...this.bySource.values()].flat(), ...this.functions, ...this.instructions, ...this.data];
  }

  /** The earliest position from which hit counts are unknown, when some run needs them and it lies before `cursor`. */
  countsNeededFrom(cursor: number): number | undefined {
    let from: number | undefined;
    for (const b of this.all()) if (b.hits && b.hits.known < cursor) from = Math.min(from ?? Infinity, b.hits.known);
    return from;
  }

  /**
   * Declares the next run: `counting` runs (continue forward, counting scans) start where every hit log is complete
   * and append the hits they meet; others (backward searches, steps) only look counts up.
   */
  startRun(counting: boolean): void {
    this.counting = counting;
  }

  /** After a counting run from `from` to `to` that honoured every breakpoint: no hits were missed up to `to`. */
  ranTo(from: number, to: number): void {
    for (const b of this.all()) if (b.hits && b.hits.known >= from && b.hits.known < to) b.hits.known = to;
  }

  probes(): Probes {
    const all = this.all();
    const pcs = new Set<number>();
    for (const b of all) for (const pc of b.pcs) pcs.add(pc);
    const watches = all.filter((b) => b.watch).map((b) => b.watch!);
    return { pcs, watches, accept: (hit, replaying) => this.accept(all, hit, replaying) };
  }

  /** Probes of the hit-counted breakpoints only, which count and never stop: the silent run that fills the logs. */
  countingProbes(): Probes {
    const counted = this.all().filter((b) => b.hits);
    const pcs = new Set<number>();
    for (const b of counted) for (const pc of b.pcs) pcs.add(pc);
    return {
      pcs,
      watches: counted.filter((b) => b.watch).map((b) => b.watch!),
      accept: (hit) => {
        this.accept(counted, hit, true, false);
        return false;
      },
    };
  }

  private accept(all: Breakpoint[], hit: Hit, replaying: boolean, stop = true): boolean {
    const ids: number[] = [];
    for (const b of all) {
      const matches =
        hit.kind === 'pc'
          ? b.pcs.includes(hit.pc)
          : b.watch !== undefined &&
            hit.addr !== undefined &&
            hit.addr < b.watch.hi &&
            b.watch.lo < hit.addr + (hit.size ?? 1) &&
            (hit.write ? b.watch.write : b.watch.read);
      if (!matches) continue;
      if (b.condition && !this.host.truthy(b.condition, hit.hart)) continue;
      if (b.hits && !hitMatches(b.hitCondition!, b.hits.ordinal(hit.position, this.counting))) continue;
      if (b.logMessage !== undefined) {
        if (!replaying) this.host.log(this.host.interpolate(b.logMessage, hit.hart) + '\n');
        continue;
      }
      ids.push(b.id);
    }
    if (ids.length && stop) this.lastHit = ids;
    return ids.length > 0;
  }
}
