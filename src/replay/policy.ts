// The scheduling policies a recording can be made under. Whatever they decide is logged, so a replay never
// consults them: chaos and realtime may be as random as they like.

import { randomInt } from 'node:crypto';
import type { Hart } from '../riscv/hart';
import { HartSchedule, RoundRobin, Slice } from '../machine/schedule';
import type { Policy } from './format';
import { HartlineError } from '../errors';

/** Deterministic 32-bit generator (mulberry32): small, fast, and the same in every Node version. */
export class Random {
  private s: number;
  constructor(seed: number) {
    this.s = seed | 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  below(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/**
 * rr's chaos mode, in spirit: the next hart is drawn at random and slice lengths are log-uniform between one
 * instruction and about twice the quantum, so short slices land between a load and its store often enough to
 * expose races.
 */
export class Chaos implements HartSchedule {
  readonly name = 'chaos';
  private readonly rng: Random;
  private readonly maxExp: number;
  constructor(
    readonly quantum: number,
    seed: number,
  ) {
    this.rng = new Random(seed);
    this.maxExp = Math.max(1, Math.ceil(Math.log2(quantum)) + 1);
  }

  next(runnable: readonly Hart[]): Slice | undefined {
    if (runnable.length === 0) return undefined;
    const hart = runnable[this.rng.below(runnable.length)].id;
    const exp = this.rng.next() * this.maxExp;
    return { hart, budget: 1 + Math.floor(2 ** exp * this.rng.next()) };
  }
}

/**
 * Switches on a host timer, as QEMU's multi-threaded TCG effectively does: each hart keeps the machine until
 * `sliceMs` of host time has passed. Truly nondeterministic; replay depends only on the log it produced.
 */
export class Realtime implements HartSchedule {
  readonly name = 'realtime';
  private sliceStart = 0;
  /** Instructions between looks at the clock. */
  private static readonly CHECK = 2000;
  constructor(private readonly sliceMs = 1) {}

  next(runnable: readonly Hart[], current: number): Slice | undefined {
    if (runnable.length === 0) return undefined;
    const now = performance.now();
    const cur = runnable.find((h) => h.id === current);
    if (cur && now - this.sliceStart < this.sliceMs) return { hart: cur.id, budget: Realtime.CHECK };
    this.sliceStart = now;
    const next = runnable.find((h) => h.id > current) ?? runnable[0];
    return { hart: next.id, budget: Realtime.CHECK };
  }
}

/** A seed as written to the header: a decimal string of a 32-bit value. */
export function newSeed(): string {
  return String(randomInt(0, 2 ** 32 - 1));
}

export function parseSeed(text: string): number {
  if (!/^[0-9]{1,10}$/.test(text) || Number(text) >= 2 ** 32)
    throw new HartlineError(`--seed: expected an integer from 0 to 4294967295, got '${text}'`);
  return Number(text);
}

export function makePolicy(policy: Policy, quantum: number, seed: string | undefined): HartSchedule {
  switch (policy) {
    case 'roundrobin':
      return new RoundRobin(quantum);
    case 'chaos':
      return new Chaos(quantum, parseSeed(seed ?? '0'));
    case 'realtime':
      return new Realtime();
  }
}
