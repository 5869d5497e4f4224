// Typed errors a user can cause, each with the documented process exit code it maps to.

/** Exit codes of the `hartline` command, documented in README.md. */
export const ExitCode = {
  usage: 2, // bad input: missing or wrong file, bad option, corrupt recording
  guestTrap: 3, // the guest trapped with no handler installed
  deadlock: 4, // every hart sleeps and nothing can wake them
  divergence: 5, // a replay diverged from its recording
  quit: 6, // the user quit at the console (Ctrl-A x)
  limit: 124, // --max-instructions reached
} as const;

/** An error caused by the user's input; the CLI prints `message` on one line and exits with `exitCode`. */
export class HartlineError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.usage,
  ) {
    super(message);
    this.name = 'HartlineError';
  }
}
