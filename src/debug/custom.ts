// The adapter's custom requests (hartline/*, documented in docs/debug-adapter.md): positions, CPU switches, the last
// write of an expression, reverse steps of one hart, console input, and the optional data of the Hart Timeline view.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { BreakpointTable } from './breakpoints';
import type { Outcome, Probes, Target } from './target';
import { lvalueOf } from './evaluate';
import { Inspector, RefusedError } from './inspect';
import type { Granularity, StepKind } from './stepping';
import { SwitchCauses, SwitchInfo } from './switches';

/** Optional custom requests, announced in the initialize response's `hartlineRequests`. */
export const OPTIONAL_REQUESTS = ['hartline/timeline', 'hartline/switches', 'hartline/lines'];
/** Custom requests answered while the machine runs. */
export const CUSTOM_WHILE_RUNNING = new Set(['hartline/input', 'hartline/position']);

/** Switch causes learnt per target (they never change, so they outlive one request). */
const causes = new WeakMap<Target, SwitchCauses>();
function causesOf(t: Target): SwitchCauses | undefined {
  if (!t.switchSource) return undefined;
  let c = causes.get(t);
  if (!c) causes.set(t, (c = new SwitchCauses(t, () => t.switchSource!())));
  return c;
}

/**
 * Settles more of the recording's switch causes and wake kinds (about `budget` instructions of replay), for the
 * session to call while it is stopped; `done` once every switch and wake up to the end has its cause, `learnt` counts
 * the causes read so far.
 */
export function settleSwitches(t: Target, budget: number): { done: boolean; learnt: number } {
  const c = causesOf(t);
  if (!c) return { done: true, learnt: 0 };
  const done = c.settleSome(budget);
  return { done, learnt: c.learnt };
}

/** What the requests need from the session. */
export interface CustomHost {
  target: Target;
  inspector: Inspector;
  breakpoints: BreakpointTable;
  focus: number;
  /** Moves the machine and reports the stop. */
  move(work: () => Promise<Outcome> | Outcome, why: string, hart?: number): Promise<void>;
  /** A reverse step of one hart (answers the request itself). */
  step(threadId: number | undefined, kind: StepKind, granularity: Granularity | undefined): void;
  type(text: string): void;
  respond(): void;
  /** The source line of an address, from the program's debug information. */
  lineAt?(pc: number): { file: string; line: number } | undefined;
}

/** At most this many positions per `hartline/lines` request (each is a seek). */
const MAX_LINES = 64;

const NONE: Probes = { pcs: new Set(), watches: [], accept: () => false };

/** Answers `command`, or throws RefusedError with what is wrong. */
export function customRequest(
  h: CustomHost,
  command: string,
  response: DebugProtocol.Response,
  args: Record<string, unknown> | undefined,
): void {
  const t = h.target;
  switch (command) {
    case 'hartline/position':
      response.body = { position: t.position, end: t.end, live: t.live };
      h.respond();
      return;
    case 'hartline/goto': {
      const p = Number(args?.position);
      if (!Number.isSafeInteger(p) || p < 0) throw new RefusedError('"position" must be a non-negative integer');
      // `hart` (optional) is the hart to focus there, as a click on that hart's lane of the timeline asks.
      const hart = args?.hart === undefined ? undefined : h.inspector.hartOf(Number(args.hart) + 1, h.focus);
      h.respond();
      // Ahead of a live recording the machine records on up to there: a run that can be paused.
      if (t.live && p > t.end) void h.move(() => t.forward(NONE, { until: p }), 'position', hart);
      else void h.move(() => t.seek(p), 'position', hart);
      return;
    }
    case 'hartline/nextSwitch':
    case 'hartline/previousSwitch': {
      const next = command === 'hartline/nextSwitch';
      const target = next ? t.switchAfter(t.position) : t.switchBefore(t.position);
      h.respond();
      if (!target) void h.move(() => t.seek(next ? t.end : 0), 'CPU switch');
      else void h.move(() => t.seek(target.position), 'CPU switch', target.hart);
      return;
    }
    case 'hartline/lastWrite': {
      const hart = h.inspector.hartOf(args?.threadId as number | undefined, h.focus);
      const where = lvalueOf(h.inspector.evaluateOn(String(args?.expression ?? ''), hart, 0));
      if (!where) throw new RefusedError(`"${args?.expression}" is not in memory, so it has no last write`);
      // Watches are physical: a kernel variable's virtual address goes through the hart's page tables.
      const ranges = h.inspector.space.physicalRanges(hart, where.addr, where.size);
      if (typeof ranges === 'string') throw new RefusedError(`"${args?.expression}": ${ranges}`);
      if (ranges.length !== 1)
        throw new RefusedError(
          `"${args?.expression}" lies across two pages mapped apart; ask for the last write of each part`,
        );
      const [phys] = ranges;
      h.respond();
      h.breakpoints.lastHit = [];
      h.breakpoints.travelLabel = {
        label: String(args?.expression).trim(),
        lo: where.addr,
        hi: where.addr + where.size,
      };
      void h.move(() => t.lastWrite(phys.lo, phys.hi - phys.lo), 'last write');
      return;
    }
    case 'hartline/reverseStepIn':
    case 'hartline/reverseStepOut':
      h.step(
        args?.threadId === undefined ? undefined : Number(args.threadId),
        command === 'hartline/reverseStepIn' ? 'in' : 'out',
        args?.granularity as Granularity | undefined,
      );
      return;
    case 'hartline/input':
      h.type(String(args?.text ?? ''));
      h.respond();
      return;
    case 'hartline/switches': {
      // Switches in [from, to) (default: the whole recording), with their causes; `count` bounds the list around the cursor.
      const c = causesOf(t);
      const from = Number(args?.from ?? 0),
        to = Number(args?.to ?? t.end + 1),
        max = Number(args?.count ?? 5000);
      if (![from, to, max].every(Number.isSafeInteger))
        throw new RefusedError('"from", "to" and "count" must be integers');
      const list: SwitchInfo[] = c
        ? c.list(from, to, t.position, max)
        : t.switchesNear(t.position, max).map((x) => ({ position: x.position, to: x.hart }));
      response.body = { switches: list, harts: t.machine.harts.length, end: t.end, position: t.position };
      h.respond();
      return;
    }
    case 'hartline/timeline': {
      const c = causesOf(t);
      const list: SwitchInfo[] = c
        ? c.list(0, t.end + 1, t.position)
        : t.switchesNear(t.position, 2000).map((x) => ({ position: x.position, to: x.hart }));
      const from = list.length ? list[0].position : 0,
        to = t.end + 1;
      // A hart that went to sleep in wfi sleeps until it next runs, and an interrupt woke it there.
      const { wfi, wakes } = SwitchCauses.sleeps(list, t.end);
      const kinds = c ? c.wakeKinds(wakes, t.position) : wakes.map(() => 'interrupt');
      const interrupts = wakes.map((w, k) => ({ position: w.position, hart: w.hart, cause: kinds[k] }));
      response.body = {
        switches: list.map((x) => ({ position: x.position, hart: x.to, from: x.from, cause: x.cause })),
        inputs: t.inputs(from, to).map((i) => ({ position: i.position, byte: i.byte })),
        wfi,
        interrupts,
      };
      h.respond();
      return;
    }
    case 'hartline/lines': {
      // The source line each hart was at, at each position asked (the timeline's tooltip of a lane): read by seeking
      // there, then back to where the machine was, so the session's position does not change.
      const at = args?.at;
      if (!Array.isArray(at) || at.length > MAX_LINES)
        throw new RefusedError(`"at" must be a list of at most ${MAX_LINES} {position, hart}`);
      const asked = at.map((x: { position?: unknown; hart?: unknown }) => ({
        position: Number(x?.position),
        hart: Number(x?.hart),
      }));
      for (const x of asked)
        if (!Number.isSafeInteger(x.position) || x.position < 0 || !Number.isSafeInteger(x.hart) || x.hart < 0)
          throw new RefusedError('each of "at" needs a non-negative integer "position" and "hart"');
      const here = t.position;
      const lines: { position: number; hart: number; pc?: string; where?: string }[] = [];
      try {
        for (const x of [...asked].sort((a, b) => a.position - b.position)) {
          const p = Math.min(x.position, t.end);
          if (t.position !== p) t.seek(p);
          const hart = t.position === p ? t.machine.harts[x.hart] : undefined;
          if (!hart) {
            lines.push(x);
            continue;
          }
          const l = h.lineAt?.(hart.pc);
          lines.push({
            ...x,
            pc: '0x' + hart.pc.toString(16),
            where: l && l.line > 0 ? `${l.file.split(/[\\/]/).pop()}:${l.line}` : undefined,
          });
        }
      } finally {
        if (t.position !== here) t.seek(here);
      }
      response.body = { lines };
      h.respond();
      return;
    }
    default:
      throw new RefusedError(`unknown request ${command}`);
  }
}
