// What the adapter tells the client: what it can do (the initialize response, one comment per capability on why),
// and how each stop reads (the stopped event's reason and description).

import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Outcome } from './target';

export const CAPABILITIES: DebugProtocol.Capabilities = {
  // The launch waits for breakpoints before the guest starts.
  supportsConfigurationDoneRequest: true,
  // Both modes travel backwards from the first stop: stepBack and reverseContinue.
  supportsStepBack: true,
  // Conditions and hit counts (ordinals from the start of the recording) hold in both directions.
  supportsConditionalBreakpoints: true,
  supportsHitConditionalBreakpoints: true,
  // Logpoints print while running forwards, never while a backward search re-executes.
  supportsLogPoints: true,
  // Placed after the prologue, as gdb places them.
  supportsFunctionBreakpoints: true,
  // Breakpoints on addresses from the Disassembly view.
  supportsInstructionBreakpoints: true,
  // Watchpoints on variables and raw addresses, for reads, writes or both, forwards and backwards.
  supportsDataBreakpoints: true,
  supportsDataBreakpointBytes: true,
  // Register, variable and memory edits while recording (logged, so replays stay faithful); refused in replay.
  supportsSetVariable: true,
  supportsSetExpression: true,
  supportsWriteMemoryRequest: true,
  // Hover and watch use evaluate.
  supportsEvaluateForHovers: true,
  supportsReadMemoryRequest: true,
  // The Disassembly view, from the one instruction table.
  supportsDisassembleRequest: true,
  // Disassembly-focused steps move one instruction of the hart.
  supportsSteppingGranularity: true,
  supportsTerminateRequest: true,
  // Restart goes back to position 0.
  supportsRestartRequest: true,
  supportsValueFormattingOptions: false,
};

/**
 * The stopped event's reason and description for an outcome, and the hart it names. Reasons are the user's words:
 * VS Code shows "Paused on <reason>" on every other hart's row, so travel stops say what travelled ("position",
 * "CPU switch", "last write", "start of recording", "end of recording") rather than a protocol term.
 */
export function describeStop(
  out: Outcome,
  why: string,
  hart: number,
  position: number,
  error?: string,
): { reason: string; description: string; hart: number } {
  switch (out.kind) {
    case 'hit': {
      const h = out.hit.hart;
      if (out.hit.kind === 'data') {
        // The session replaces this with the old and new values (src/debug/change.ts).
        return {
          reason: why === 'last write' ? why : 'data breakpoint',
          hart: h,
          description: `hart ${h} hit data breakpoint (${out.hit.write ? 'write' : 'read'} at 0x${out.hit.addr!.toString(16)})`,
        };
      }
      return { reason: 'breakpoint', hart: h, description: `hart ${h} hit breakpoint` };
    }
    case 'start':
      return { reason: why === 'entry' ? 'entry' : 'start of recording', hart, description: 'start of recording' };
    case 'end': {
      const description =
        out.reason === 'exit'
          ? `end of recording: the program exited with code ${out.exitCode}`
          : out.reason === 'frontier'
            ? 'end of recording'
            : `end of recording: ${out.message}`;
      return { reason: 'end of recording', hart, description };
    }
    case 'paused':
      return error !== undefined
        ? { reason: 'exception', hart, description: error }
        : { reason: 'pause', hart, description: 'paused' };
    default:
      return {
        reason: why,
        hart,
        description:
          why === 'step'
            ? `hart ${hart} stepped`
            : `${why === 'CPU switch' ? `switch to hart ${hart} at position` : why === 'position' ? 'position' : `${why} at position`} ${position.toLocaleString('en-US')}`,
      };
  }
}
