// Every kind of breakpoint the adapter supports (source, function, instruction, data) as one table that turns into
// the probes a forward or backward run honours; conditions, hit counts and logpoints are applied in `accept`.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Hit, Probes, WatchRange } from './engine';
import type { Code } from './code';

export interface Breakpoint {
  id: number;
  pcs: number[];
  watch?: WatchRange;
  condition?: string;
  hitCondition?: string;
  logMessage?: string;
  hits: number;
}

/** What the table needs from the session: evaluating an expression on a hart, and printing a logpoint. */
export interface BreakpointHost {
  truthy(expression: string, hart: number): boolean;
  interpolate(message: string, hart: number): string;
  log(text: string): void;
}

export class BreakpointError extends Error {}

function hitMatches(cond: string | undefined, hits: number): boolean {
  if (!cond) return true;
  const m = /^\s*(>=|<=|==|>|<|%)?\s*(\d+)\s*$/.exec(cond);
  if (!m) return true;
  const n = Number(m[2]);
  switch (m[1]) {
    case '>=': return hits >= n;
    case '<=': return hits <= n;
    case '>': return hits > n;
    case '<': return hits < n;
    case '%': return n > 0 && hits % n === 0;
    default: return hits === n;
  }
}

export class BreakpointTable {
  private nextId = 1;
  private readonly bySource = new Map<string, Breakpoint[]>();
  private functions: Breakpoint[] = [];
  private instructions: Breakpoint[] = [];
  private data: Breakpoint[] = [];
  /** The breakpoints that stopped the last accepted hit, for the stopped event. */
  lastHit: number[] = [];

  constructor(private readonly code: Code, private readonly host: BreakpointHost) {}

  setSource(path: string, wanted: DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    const s = this.code.symbols;
    const found = wanted.map((b) => (s ? s.addressesForLine(path, b.line) : []));
    if (wanted.length > 0 && found.every((r) => r.length === 0)) {
      throw new BreakpointError(`no code from ${path} is in the program (is it compiled with -g, and part of this ELF?)`);
    }
    const list: Breakpoint[] = [];
    const out = wanted.map((b, k) => {
      const ranges = found[k];
      if (ranges.length === 0) return { verified: false, line: b.line, message: 'no code at or after this line' };
      const bp: Breakpoint = { id: this.nextId++, pcs: ranges.map((r) => Number(r.lo)), condition: b.condition, hitCondition: b.hitCondition, logMessage: b.logMessage, hits: 0 };
      list.push(bp);
      return { id: bp.id, verified: true, line: ranges[0].line, source: { path } };
    });
    this.bySource.set(path, list);
    return out;
  }

  setFunctions(wanted: DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.functions = [];
    return wanted.map((b) => {
      const s = this.code.symbols;
      const addr = s?.addressOf(b.name);
      if (addr === undefined) return { verified: false, message: `no function named ${b.name}` };
      const pc = Number(s!.prologueEnd(addr));
      const bp: Breakpoint = { id: this.nextId++, pcs: [pc], condition: b.condition, hitCondition: b.hitCondition, hits: 0 };
      this.functions.push(bp);
      const line = this.code.lineAt(pc);
      return { id: bp.id, verified: true, instructionReference: '0x' + pc.toString(16), line: line?.line, source: line ? { path: line.file } : undefined };
    });
  }

  setInstructions(wanted: DebugProtocol.InstructionBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.instructions = [];
    return wanted.map((b) => {
      const pc = Number(BigInt(b.instructionReference) + BigInt(b.offset ?? 0));
      if (!Number.isSafeInteger(pc)) return { verified: false, message: `bad instruction reference ${b.instructionReference}` };
      const bp: Breakpoint = { id: this.nextId++, pcs: [pc], condition: b.condition, hitCondition: b.hitCondition, hits: 0 };
      this.instructions.push(bp);
      return { id: bp.id, verified: true, instructionReference: '0x' + pc.toString(16) };
    });
  }

  /** Data ids are "ADDR/SIZE" in hex and decimal, from dataBreakpointInfo. */
  setData(wanted: DebugProtocol.DataBreakpoint[]): DebugProtocol.Breakpoint[] {
    this.data = [];
    return wanted.map((b) => {
      const m = /^0x([0-9a-f]+)\/(\d+)$/i.exec(b.dataId);
      if (!m) return { verified: false, message: `unknown data id ${b.dataId}` };
      const lo = parseInt(m[1], 16), size = Number(m[2]);
      const access = b.accessType ?? 'write';
      const watch = { lo, hi: lo + size, read: access !== 'write', write: access !== 'read' };
      const bp: Breakpoint = { id: this.nextId++, pcs: [], watch, condition: b.condition, hitCondition: b.hitCondition, hits: 0 };
      this.data.push(bp);
      return { id: bp.id, verified: true, description: `${access} of ${size} bytes at 0x${lo.toString(16)}` };
    });
  }

  private all(): Breakpoint[] {
    return [...[...this.bySource.values()].flat(), ...this.functions, ...this.instructions, ...this.data];
  }

  /** Forgets hit counts: a backward search counts again from the start of the recording. */
  resetCounts(): void {
    for (const b of this.all()) b.hits = 0;
  }

  probes(): Probes {
    const all = this.all();
    const pcs = new Set<number>();
    for (const b of all) for (const pc of b.pcs) pcs.add(pc);
    const watches = all.filter((b) => b.watch).map((b) => b.watch!);
    return { pcs, watches, accept: (hit, replaying) => this.accept(all, hit, replaying) };
  }

  private accept(all: Breakpoint[], hit: Hit, replaying: boolean): boolean {
    const ids: number[] = [];
    for (const b of all) {
      const matches = hit.kind === 'pc'
        ? b.pcs.includes(hit.pc)
        : b.watch !== undefined && hit.addr !== undefined && hit.addr < b.watch.hi && b.watch.lo < hit.addr + (hit.size ?? 1) &&
          (hit.write ? b.watch.write : b.watch.read);
      if (!matches) continue;
      if (b.condition && !this.host.truthy(b.condition, hit.hart)) continue;
      b.hits++;
      if (!hitMatches(b.hitCondition, b.hits)) continue;
      if (b.logMessage !== undefined) {
        if (!replaying) this.host.log(this.host.interpolate(b.logMessage, hit.hart) + '\n');
        continue;
      }
      ids.push(b.id);
    }
    if (ids.length) this.lastHit = ids;
    return ids.length > 0;
  }
}
