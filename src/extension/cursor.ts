// Where the active hartline session is in its recording: position, end, the CPU switches seen so far, each hart's
// current line and the stops, learned from the adapter's events (through a tracker) and a few requests after every stop.

import * as vscode from 'vscode';

export interface Location { hart: number; path?: string; line?: number; pc?: string; name?: string }

/** A CPU switch at `position`: `from` is switched out, `to` switched in; lines when known. */
export interface SwitchSite {
  position: number;
  from?: number;
  to: number;
  cause?: string;
  out?: { path?: string; line?: number };
  in?: { path?: string; line?: number };
}

export interface Span { hart: number; from: number; to: number }

/** What the timeline view draws; the optional lists come from the adapter's `hartline/timeline` request when it has one. */
export interface TimelineData {
  harts: number;
  end: number;
  position: number;
  focus: number;
  switches: { position: number; hart: number }[];
  stops: { position: number; hart: number; reason: string }[];
  inputs: { position: number }[];
  wfi: Span[];
  interrupts: { position: number; hart: number; cause?: string }[];
}

export class Cursor implements vscode.Disposable {
  session: vscode.DebugSession | undefined;
  position = 0;
  end = 0;
  focus = 0;
  harts = 0;
  stopped = false;
  /** Every switch reported so far, by position: the adapter sends those near each stop. */
  readonly switches = new Map<number, number>();
  readonly stops: TimelineData['stops'] = [];
  readonly inputs: { position: number }[] = [];
  extra: Pick<TimelineData, 'wfi' | 'interrupts'> = { wfi: [], interrupts: [] };
  locations: Location[] = [];
  sites: SwitchSite[] = [];
  private lastReason = '';
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after every stop and change of position, once the locations and sites are known. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;

  constructor(private readonly range: () => number) {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('hartline', { createDebugAdapterTracker: (s) => this.tracker(s) }),
      vscode.debug.onDidTerminateDebugSession((s) => { if (s === this.session) this.reset(undefined); }),
      vscode.debug.onDidChangeActiveDebugSession((s) => { if (s?.type === 'hartline' && s !== this.session) { this.reset(s); void this.refresh(); } }),
      this.changed,
    );
  }

  private tracker(s: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onWillStartSession: () => { if (!this.session || vscode.debug.activeDebugSession === s) this.reset(s); },
      onDidSendMessage: (m: { type: string; event?: string; body?: Record<string, unknown> }) => {
        if (m.type !== 'event' || s !== this.session) return;
        const b = m.body ?? {};
        switch (m.event) {
          case 'stopped': this.stopped = true; this.lastReason = String(b.reason ?? ''); this.focus = Number(b.threadId ?? 1) - 1; break;
          case 'continued': this.stopped = false; this.changed.fire(); break;
          case 'hartline/position':
            this.position = Number(b.position); this.end = Number(b.end); this.focus = Number(b.hart ?? this.focus);
            if (this.lastReason === 'breakpoint' || this.lastReason === 'data breakpoint') {
              if (!this.stops.some((x) => x.position === this.position)) this.stops.push({ position: this.position, hart: this.focus, reason: this.lastReason });
            }
            break;
          case 'hartline/switches':
            for (const sw of (b.switches as { position: number; hart: number }[] | undefined) ?? []) this.switches.set(sw.position, sw.hart);
            void this.refresh();
            break;
        }
      },
    };
  }

  private reset(s: vscode.DebugSession | undefined): void {
    this.session = s;
    this.position = 0; this.end = 0; this.focus = 0; this.harts = 0; this.stopped = false;
    this.switches.clear(); this.stops.length = 0; this.inputs.length = 0;
    this.extra = { wfi: [], interrupts: [] };
    this.locations = []; this.sites = [];
    this.changed.fire();
  }

  /** Recorded console input is known only when the adapter sends it; typed input is noted here. */
  noteInput(position: number): void { this.inputs.push({ position }); }

  /** After a stop: every hart's current line, the switch sites near the cursor, and richer timeline data if offered. */
  async refresh(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const gen = ++this.generation;
    try {
      const threads = (await s.customRequest('threads')).threads as { id: number; name: string }[];
      this.harts = threads.length;
      const locations = await Promise.all(threads.map(async (t): Promise<Location> => {
        try {
          const st = await s.customRequest('stackTrace', { threadId: t.id, startFrame: 0, levels: 1 });
          const f = st.stackFrames?.[0];
          return { hart: t.id - 1, path: f?.source?.path, line: f?.line, pc: f?.instructionPointerReference, name: f?.name };
        } catch { return { hart: t.id - 1 }; }
      }));
      const sites = await this.fetchSites(s, locations);
      await this.fetchTimeline(s);
      if (gen !== this.generation) return;
      this.locations = locations;
      this.sites = sites;
    } catch {
      // The session went away or is running again; the next stop refreshes.
    }
    if (gen === this.generation) this.changed.fire();
  }

  private async fetchSites(s: vscode.DebugSession, locations: Location[]): Promise<SwitchSite[]> {
    try {
      const r = await s.customRequest('hartline/switchSites', { position: this.position, count: this.range() });
      if (Array.isArray(r?.sites)) return r.sites as SwitchSite[];
    } catch { /* an adapter without the request: derive what the current lines tell */ }
    return deriveSites([...this.switches].map(([position, hart]) => ({ position, hart })).sort((a, b) => a.position - b.position),
      this.position, this.focus, locations, this.range());
  }

  private async fetchTimeline(s: vscode.DebugSession): Promise<void> {
    try {
      const r = await s.customRequest('hartline/timeline', {});
      for (const sw of r?.switches ?? []) this.switches.set(sw.position, sw.hart);
      this.extra = { wfi: r?.wfi ?? [], interrupts: r?.interrupts ?? [] };
      if (Array.isArray(r?.inputs)) { this.inputs.length = 0; this.inputs.push(...r.inputs); }
    } catch { /* optional */ }
  }

  timeline(): TimelineData {
    return {
      harts: this.harts, end: this.end, position: this.position, focus: this.focus,
      switches: [...this.switches].map(([position, hart]) => ({ position, hart })).sort((a, b) => a.position - b.position),
      stops: this.stops.slice(), inputs: this.inputs.slice(), ...this.extra,
    };
  }

  dispose(): void { for (const d of this.disposables) d.dispose(); }
}

/**
 * Switch sites that the harts' current lines reveal without help from the adapter: a hart that is not running sits
 * where it was last switched out, and will be switched in there again. `switches` is sorted; each entry names the
 * hart that starts. Only the nearest switch out and in of each waiting hart within `range` switches is returned.
 */
export function deriveSites(switches: { position: number; hart: number }[], position: number, running: number,
  locations: Location[], range: number): SwitchSite[] {
  const sites: SwitchSite[] = [];
  let k = switches.findIndex((s) => s.position > position);
  if (k < 0) k = switches.length;
  const lo = Math.max(1, k - range), hi = Math.min(switches.length, k + range);
  for (const loc of locations) {
    if (loc.hart === running || !loc.path || !loc.line) continue;
    const where = { path: loc.path, line: loc.line };
    for (let j = k - 1; j >= lo; j--) {
      if (switches[j - 1].hart === loc.hart && switches[j].hart !== loc.hart) { sites.push({ position: switches[j].position, from: loc.hart, to: switches[j].hart, out: where }); break; }
    }
    for (let j = k; j < hi; j++) {
      if (switches[j].hart === loc.hart) { sites.push({ position: switches[j].position, from: j > 0 ? switches[j - 1].hart : undefined, to: loc.hart, in: where }); break; }
    }
  }
  return sites.sort((a, b) => a.position - b.position);
}
