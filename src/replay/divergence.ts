// The one error a replay can raise on its own: the machine stopped doing what the recording says it did.

import { ExitCode, HartlineError } from '../errors';

export class Divergence extends HartlineError {
  constructor(
    readonly position: number,
    readonly hart: number,
    readonly interval: [number, number],
    what: string,
    tool: string,
  ) {
    super(
      `replay diverged at position ${position} (hart ${hart < 0 ? '-' : hart}, checksum interval ${interval[0]}..${interval[1]}): ${what}; ` +
        `hint: replay with the same images and the same Hartline as the recording (${tool}); ` +
        `the first difference lies after position ${interval[0]}, so seek there and step forward`,
      ExitCode.divergence,
    );
  }
}
