// Human-readable names for trap causes, for error messages and the debugger.

const EXCEPTIONS: Record<number, string> = {
  0: 'instruction address misaligned',
  1: 'instruction access fault',
  2: 'illegal instruction',
  3: 'breakpoint',
  4: 'load address misaligned',
  5: 'load access fault',
  6: 'store/AMO address misaligned',
  7: 'store/AMO access fault',
  8: 'environment call from U-mode',
  9: 'environment call from S-mode',
  11: 'environment call from M-mode',
  12: 'instruction page fault',
  13: 'load page fault',
  15: 'store/AMO page fault',
};
const INTERRUPTS: Record<number, string> = {
  1: 'supervisor software interrupt',
  3: 'machine software interrupt',
  5: 'supervisor timer interrupt',
  7: 'machine timer interrupt',
  9: 'supervisor external interrupt',
  11: 'machine external interrupt',
};

/** e.g. "illegal instruction (cause 2)". */
export function describeCause(code: number, interrupt: boolean): string {
  const name = (interrupt ? INTERRUPTS : EXCEPTIONS)[code] ?? (interrupt ? 'interrupt' : 'exception');
  return `${name} (cause ${interrupt ? 'interrupt ' : ''}${code})`;
}
