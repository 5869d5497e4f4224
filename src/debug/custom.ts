// The adapter's custom requests (hartline/*, documented in docs/debug-adapter.md): positions, CPU switches, the last
// write of an expression, reverse steps of one hart, console input, and the optional data of the Hart Timeline view.

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { BreakpointTable } from './breakpoints';
import type { Outcome, Probes, Target } from './target';
import { lvalueOf } from './evaluate';
import { Inspector, RefusedError } from './inspect';
import type { Granularity, StepKind } from './stepping';

/** Optional custom requests, announced in the initialize response's `hartlineRequests`. */
export const OPTIONAL_REQUESTS = ['hartline/timeline'];
/** Custom requests answered while the machine runs. */
export const CUSTOM_WHILE_RUNNING = new Set(['hartline/input', 'hartline/position', 'hartline/timeline']);

/** What the requests need from the session. */
export interface CustomHost {
  timeline: Target;
  inspector: Inspector;
  breakpoints: BreakpointTable;
  focus: number;
  /** Moves the machine and reports the stop. */
  move(work: () => Promise<Outcome> | Outcome, why: string, hart?: number): Promise<void>;
  /** A reverse step of one hart (answers the request itself). */
  step(threadId: number | undefined, kind: StepKind, granularity: Granularity | undefined): void;
  type(text: string): void;
  respond(): void;
}

const NONE: Probes = { pcs: new Set(), watches: [], accept: () => false };

/** Answers `command`, or throws RefusedError with what is wrong. */
export function customRequest(h: CustomHost, command: string, response: DebugProtocol.Response, args: Record<string, unknown> | undefined): void {
  const t = h.timeline;
  switch (command) {
    case 'hartline/position':
      response.body = { position: t.position, end: t.end, live: t.live };
      h.respond();
      return;
    case 'hartline/goto': {
      const p = Number(args?.position);
      if (!Number.isSafeInteger(p) || p < 0) throw new RefusedError('"position" must be a non-negative integer');
      h.respond();
      // Ahead of a live recording the machine records on up to there: a run that can be paused.
      if (t.live && p > t.end) void h.move(() => t.forward(NONE, { until: p }), 'goto');
      else void h.move(() => t.seek(p), 'goto');
      return;
    }
    case 'hartline/nextSwitch':
    case 'hartline/previousSwitch': {
      const next = command === 'hartline/nextSwitch';
      const target = next ? t.switchAfter(t.position) : t.switchBefore(t.position);
      h.respond();
      if (!target) void h.move(() => t.seek(next ? t.end : 0), 'goto');
      else void h.move(() => t.seek(target.position), 'goto', target.hart);
      return;
    }
    case 'hartline/lastWrite': {
      const hart = h.inspector.hartOf(args?.threadId as number | undefined, h.focus);
      const where = lvalueOf(h.inspector.evaluateOn(String(args?.expression ?? ''), hart, 0));
      if (!where) throw new RefusedError(`"${args?.expression}" is not in memory, so it has no last write`);
      // Watches are physical: a kernel variable's virtual address goes through the hart's page tables.
      const ranges = h.inspector.space.physicalRanges(hart, where.addr, where.size);
      if (typeof ranges === 'string') throw new RefusedError(`"${args?.expression}": ${ranges}`);
      if (ranges.length !== 1) throw new RefusedError(`"${args?.expression}" lies across two pages mapped apart; ask for the last write of each part`);
      const [phys] = ranges;
      h.respond();
      h.breakpoints.lastHit = [];
      void h.move(() => t.lastWrite(phys.lo, phys.hi - phys.lo), 'goto');
      return;
    }
    case 'hartline/reverseStepIn':
    case 'hartline/reverseStepOut':
      h.step(args?.threadId === undefined ? undefined : Number(args.threadId), command === 'hartline/reverseStepIn' ? 'in' : 'out', args?.granularity as Granularity | undefined);
      return;
    case 'hartline/input':
      h.type(String(args?.text ?? ''));
      h.respond();
      return;
    case 'hartline/timeline': {
      const near = t.switchesNear(t.position, 2000);
      const from = near.length ? near[0].position : 0, to = near.length ? near[near.length - 1].position + 1 : t.end;
      response.body = { switches: near, inputs: t.inputs(from, to).map((i) => ({ position: i.position })) };
      h.respond();
      return;
    }
    default:
      throw new RefusedError(`unknown request ${command}`);
  }
}
