// Where CPU switches happened in the source: the sites the markers draw, and how to find some of them from nothing
// but the harts' current lines when the adapter offers no `hartline/switchSites` request. No vscode import.

import { formatPosition } from './positions';

export interface Location {
  hart: number;
  path?: string;
  line?: number;
  pc?: string;
  name?: string;
}

/** A CPU switch at `position`: `from` is switched out, `to` switched in; lines when known. */
export interface SwitchSite {
  position: number;
  from?: number;
  to: number;
  cause?: string;
  /** The interrupt that woke `to` from wfi here, when it was asleep. */
  wake?: string;
  out?: { path?: string; line?: number };
  in?: { path?: string; line?: number };
}

/**
 * Switch sites that the harts' current lines reveal without help from the adapter: a hart that is not running sits
 * where it was last switched out, and will be switched in there again. `switches` is sorted; each entry names the
 * hart that starts. Only the nearest switch out and in of each waiting hart within `range` switches is returned.
 */
export function deriveSites(
  switches: { position: number; hart: number }[],
  position: number,
  running: number,
  locations: Location[],
  range: number,
): SwitchSite[] {
  const sites: SwitchSite[] = [];
  let k = switches.findIndex((s) => s.position > position);
  if (k < 0) k = switches.length;
  const lo = Math.max(1, k - range),
    hi = Math.min(switches.length, k + range);
  for (const loc of locations) {
    if (loc.hart === running || !loc.path || !loc.line) continue;
    const where = { path: loc.path, line: loc.line };
    for (let j = k - 1; j >= lo; j--) {
      if (switches[j - 1].hart === loc.hart && switches[j].hart !== loc.hart) {
        sites.push({ position: switches[j].position, from: loc.hart, to: switches[j].hart, out: where });
        break;
      }
    }
    for (let j = k; j < hi; j++) {
      if (switches[j].hart === loc.hart) {
        sites.push({
          position: switches[j].position,
          from: j > 0 ? switches[j - 1].hart : undefined,
          to: loc.hart,
          in: where,
        });
        break;
      }
    }
  }
  return sites.sort((a, b) => a.position - b.position);
}

/**
 * The hover text of one switch, e.g. `hart 1 → hart 3 at position 1,204,331 (chaos slice)`, or with a wake
 * `hart 0 → hart 2 at position 5,120 (wfi; hart 2 woken by timer interrupt)`.
 */
export function describeSwitch(s: SwitchSite, cause: string | undefined): string {
  const from = s.from === undefined ? 'start' : `hart ${s.from}`;
  const why = [s.cause ?? cause, s.wake && `hart ${s.to} woken by ${s.wake}`].filter(Boolean).join('; ');
  return `${from} → hart ${s.to} at position ${formatPosition(s.position)}${why ? ` (${why})` : ''}`;
}

/** One marked source line: every switch out or in that happened there, drawn as one glyph. */
export interface MarkedLine {
  path: string;
  line: number;
  /** `many` when several switches share the line. */
  way: 'in' | 'out' | 'many';
  /** The hart whose colour the glyph takes: the one of the switch nearest the cursor. */
  hart: number;
  entries: { site: SwitchSite; way: 'in' | 'out' }[];
}

/** Groups the sites' ends by file and line, nearest the cursor first within a line. */
export function markLines(sites: readonly SwitchSite[], cursor: number): MarkedLine[] {
  const byLine = new Map<string, MarkedLine>();
  for (const site of sites) {
    for (const [way, at, hart] of [
      ['out', site.out, site.from],
      ['in', site.in, site.to],
    ] as const) {
      if (!at?.path || !at.line || hart === undefined) continue;
      const key = `${at.path}\n${at.line}`;
      let m = byLine.get(key);
      if (!m) byLine.set(key, (m = { path: at.path, line: at.line, way, hart, entries: [] }));
      m.entries.push({ site, way });
    }
  }
  for (const m of byLine.values()) {
    m.entries.sort(
      (a, b) =>
        Math.abs(a.site.position - cursor) - Math.abs(b.site.position - cursor) || a.site.position - b.site.position,
    );
    const first = m.entries[0];
    m.hart = first.way === 'in' ? first.site.to : first.site.from!;
    m.way = m.entries.length > 1 ? 'many' : first.way;
    m.entries.sort((a, b) => a.site.position - b.site.position);
  }
  return [...byLine.values()];
}

/** The hover of a marked line: "3 switches: hart 0 → 2, …" then one line per switch, with its cause. */
export function describeLine(m: MarkedLine, cause: string | undefined): string {
  const short = (s: SwitchSite) => `${s.from === undefined ? 'start' : `hart ${s.from}`} → ${s.to}`;
  const head =
    m.entries.length === 1
      ? m.entries[0].way === 'in'
        ? 'Switched in'
        : 'Switched out'
      : `${m.entries.length} switches: ${m.entries
          .slice(0, 3)
          .map((e) => short(e.site))
          .join(', ')}${m.entries.length > 3 ? ', …' : ''}`;
  return [head, ...m.entries.map((e) => `${e.way === 'in' ? 'in' : 'out'}: ${describeSwitch(e.site, cause)}`)].join(
    '\n',
  );
}
