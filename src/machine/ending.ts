// How a run of the machine ends for good, and the exit code each ending means: the one place that says an exit
// carries the guest's code, an unhandled trap is exit code 3 and a deadlock exit code 4. The machine, the replay
// engine, the recorder's trailer and the debug adapter all derive their "how did it end" from endingOf().

import { ExitCode } from '../errors';

export type EndingReason = 'exit' | 'trap' | 'deadlock';

export interface Ending {
  reason: EndingReason;
  exitCode: number;
  message: string;
}

/** What the machine says about a deadlock it ran into (a run that found every hart asleep with nothing armed). */
export const DEADLOCK_MESSAGE = 'every hart is asleep in wfi and no timer is armed to wake one';

/** The parts of a machine an ending is read from: a deadlock leaves no mark on it, so the caller says whether one happened. */
export interface EndingState {
  readonly exit: { code: number; message: string } | undefined;
  readonly trap: { message: string } | undefined;
}

/**
 * The ending of a machine that has stopped for good, or undefined while it can run on. `deadlock` is the message
 * of a deadlock the caller has seen (the machine keeps no record of one); an exit or a trap takes precedence.
 */
export function endingOf(m: EndingState, deadlock?: string): Ending | undefined {
  if (m.exit) return { reason: 'exit', exitCode: m.exit.code, message: m.exit.message };
  if (m.trap) return { reason: 'trap', exitCode: ExitCode.guestTrap, message: m.trap.message };
  if (deadlock !== undefined) return { reason: 'deadlock', exitCode: ExitCode.deadlock, message: deadlock };
  return undefined;
}
