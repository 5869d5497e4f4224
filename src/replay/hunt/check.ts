// The failure check shared by `hunt` and `minimize`: what counts as a failing run (a non-zero exit, console output
// matching a pattern, or no end within a number of instructions).

import { HartlineError } from '../../errors';
import type { Trailer } from '../format';

export type Until = { kind: 'exit' } | { kind: 'output'; pattern: string } | { kind: 'timeout'; instructions: number };

/** Parses `exit`, `output:REGEX` or `timeout:N`; a bad spec is a one-line HartlineError. */
export function parseUntil(text: string): Until {
  if (text === 'exit') return { kind: 'exit' };
  if (text.startsWith('output:')) {
    const pattern = text.slice('output:'.length);
    if (pattern === '') throw new HartlineError('--until output: needs a regular expression, as in output:assertion');
    try {
      new RegExp(pattern);
    } catch (e) {
      throw new HartlineError(`--until output:${pattern}: not a regular expression (${(e as Error).message})`);
    }
    return { kind: 'output', pattern };
  }
  if (text.startsWith('timeout:')) {
    const n = Number(text.slice('timeout:'.length).replace(/_/g, ''));
    if (!Number.isSafeInteger(n) || n < 1)
      throw new HartlineError(`--until ${text}: expected timeout:N with N a number of instructions`);
    return { kind: 'timeout', instructions: n };
  }
  throw new HartlineError(`--until: expected exit, output:REGEX or timeout:N, got '${text}'`);
}

export function describeUntil(u: Until): string {
  return u.kind === 'exit' ? 'exit' : u.kind === 'output' ? `output:${u.pattern}` : `timeout:${u.instructions}`;
}

/**
 * Whether a run failed. `exit`: it ended other than with exit code 0 (a trap, a deadlock and the instruction limit
 * count). `output`: the console matched. `timeout`: it was still running after N instructions.
 */
export function failed(u: Until, end: Trailer, output: string): boolean {
  switch (u.kind) {
    case 'exit':
      return !(end.reason === 'exit' && end.exitCode === 0);
    case 'output':
      return new RegExp(u.pattern).test(output);
    case 'timeout':
      return end.reason === 'limit';
  }
}

/** The instruction limit a run under this check gets. */
export function limitOf(u: Until, maxInstructions: number): number {
  return u.kind === 'timeout' ? u.instructions : maxInstructions;
}
