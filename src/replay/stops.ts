// Arming a history search's breakpoints and watchpoints on the machine, and deciding which hits count: pc breakpoints with
// hart filters and conditions, watchpoints whose conditions wait until the accessing instruction has completed.

import type { Machine } from '../machine/machine';
import type { Watch } from '../machine/memory';
import type { Hart } from '../riscv/hart';

export type StopReason =
  | 'target'
  | 'step'
  | 'breakpoint'
  | 'watchpoint'
  | 'start'
  | 'end'
  | 'exit'
  | 'trap'
  | 'deadlock';

export interface Stop {
  reason: StopReason;
  position: number;
  /** The hart that hit the breakpoint or watchpoint, or that stepped. */
  hart?: number;
  pc?: number;
  /** Watchpoints: the accessed address and kind, the position of the accessing instruction, and the bytes around it. */
  address?: number;
  /** Watchpoints: the size of the access in bytes. */
  size?: number;
  access?: 'read' | 'write';
  accessPosition?: number;
  before?: Uint8Array;
  after?: Uint8Array;
  message?: string;
}

export interface Breakpoint {
  pc: number;
  /** Only this hart stops here. */
  hart?: number;
  /** Evaluated with the hart stopped before the instruction; false lets execution continue. */
  condition?: (hart: Hart) => boolean;
}

export interface Watchpoint {
  lo: number;
  /** Exclusive. */
  hi: number;
  kind: 'read' | 'write' | 'access';
  hart?: number;
  /**
   * Evaluated once the accessing instruction has completed (the machine is then just after it); false ignores the
   * hit. The stop passed in still names the accessing instruction's position.
   */
  condition?: (stop: Stop) => boolean;
}

export interface Stops {
  breakpoints?: Breakpoint[];
  watchpoints?: Watchpoint[];
}

/** Watchpoint hits whose condition waits for the accessing instruction to complete. */
export type Pending = { w: Watchpoint; stop: Stop }[];

/**
 * Arms breakpoints and watchpoints; hits are reported through `onHit`, which says whether to stop. A hit of a
 * watchpoint with a condition stops the run after its instruction and waits in `pending` for settle().
 */
export function arm(m: Machine, stops: Stops, onHit: (stop: Stop) => boolean, pending: Pending = []): () => void {
  const watches: Watch[] = [];
  for (const w of stops.watchpoints ?? []) {
    let shadow = m.memory.readBytes(w.lo, w.hi - w.lo) ?? new Uint8Array(0);
    const watch: Watch = {
      lo: w.lo,
      hi: w.hi,
      read: w.kind !== 'write',
      write: w.kind !== 'read',
      hit: (h, addr, size, isWrite) => {
        const after = isWrite ? (m.memory.readBytes(w.lo, w.hi - w.lo) ?? new Uint8Array(0)) : shadow;
        const before = shadow;
        shadow = after;
        if (w.hart !== undefined && h.id !== w.hart) return;
        if (isWrite && w.kind === 'read') return;
        if (!isWrite && w.kind === 'write') return;
        const p = m.positionNow();
        const stop: Stop = {
          reason: 'watchpoint',
          position: p,
          accessPosition: p,
          hart: h.id,
          pc: h.pc,
          address: addr,
          size,
          access: isWrite ? 'write' : 'read',
          before,
          after,
        };
        if (w.condition) {
          pending.push({ w, stop });
          m.requestStop();
          return;
        }
        if (onHit(stop)) m.requestStop();
      },
    };
    watches.push(watch);
    m.memory.addWatch(watch);
  }
  const pcs = new Set((stops.breakpoints ?? []).map((b) => b.pc));
  for (const pc of pcs) m.addBreakpoint(pc);
  return () => {
    for (const w of watches) m.memory.removeWatch(w);
    for (const pc of pcs) m.removeBreakpoint(pc);
  };
}

/** After a run stopped for conditional watchpoint hits: evaluates them in order; true when `onHit` wants a stop. */
export function settle(m: Machine, pending: Pending, onHit: (stop: Stop) => boolean): boolean {
  let stop = false;
  for (const { w, stop: s } of pending.splice(0)) {
    const hit = { ...s, hart: s.hart, pc: m.harts[s.hart!].pc };
    if (w.condition!(hit) && onHit(hit)) stop = true;
  }
  return stop;
}

export function breakpointHit(m: Machine, stops: Stops): Stop | undefined {
  const h = m.harts[m.current];
  for (const b of stops.breakpoints ?? []) {
    if (b.pc !== h.pc || (b.hart !== undefined && b.hart !== h.id)) continue;
    if (b.condition && !b.condition(h)) continue;
    return { reason: 'breakpoint', position: m.position, hart: h.id, pc: h.pc };
  }
  return undefined;
}
