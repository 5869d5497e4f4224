// One colour per hart, shared by the gutter markers, the other-harts line shading and the timeline's lanes.

export const HART_COLORS = [
  '#e5534b',
  '#4c9be8',
  '#57ab5a',
  '#c69026',
  '#b083f0',
  '#39c5cf',
  '#e0823d',
  '#d35f9c',
] as const;

export const hartColor = (hart: number): string => HART_COLORS[hart % HART_COLORS.length];

/**
 * The marker icon for a hart's colour slot (media/markers/): `in` (a filled dot) is a hart switched in, `out` (a ring)
 * one switched out, `many` (two dots) a line where several switches happened. Dots, so they never look like the
 * stack frame's arrow.
 */
export const markerIcon = (hart: number, way: 'in' | 'out' | 'many'): string =>
  `media/markers/hart${hart % HART_COLORS.length}-${way}.svg`;

/** Faint whole-line shading in a hart's colour. */
export function shade(hart: number, alpha: number): string {
  const c = hartColor(hart);
  const n = parseInt(c.slice(1), 16);
  return `rgba(${n >> 16}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
