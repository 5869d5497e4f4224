// Positions as people type and read them: `1,204,331`, `+5000`, `-5000`. No vscode import.

/** Accepts `1,204,331`, `1_204_331`, `+5000` and `-5000` (relative to the cursor). */
export function parsePosition(text: string, current: number): number | undefined {
  const t = text.trim().replace(/[,_\s]/g, '');
  const m = /^([+-]?)(\d+)$/.exec(t);
  if (!m) return undefined;
  const n = Number(m[2]);
  return m[1] === '+' ? current + n : m[1] === '-' ? Math.max(0, current - n) : n;
}

export const formatPosition = (n: number): string => n.toLocaleString('en-US');

/** The status bar text, e.g. `⏱ 1,204,331 / 9,876,543`. */
export const positionText = (position: number, end: number): string =>
  `⏱ ${formatPosition(position)} / ${formatPosition(end)}`;
