// Where the active hartline session is in its recording: position, end, the CPU switches seen so far, each hart's
// current line and the stops, learned from the adapter's events (through a tracker) and a few requests after every stop.

import * as vscode from 'vscode';
import { deriveSites, Location, SwitchSite } from './sites';

export type { Location, SwitchSite } from './sites';

export interface Span {
  hart: number;
  from: number;
  to: number;
}

/** What the timeline view draws; the optional lists come from the adapter's `hartline/timeline` request when it has one. */
export interface TimelineData {
  harts: number;
  end: number;
  position: number;
  focus: number;
  /** Each names the hart that starts there, the one switched out, and why. */
  switches: { position: number; hart: number; from?: number; cause?: string }[];
  stops: { position: number; hart: number; reason: string; description?: string; where?: string }[];
  inputs: { position: number; byte?: number }[];
  wfi: Span[];
  interrupts: { position: number; hart: number; cause?: string }[];
  bookmarks: { position: number; name: string; hart?: number }[];
}

export class Cursor implements vscode.Disposable {
  session: vscode.DebugSession | undefined;
  position = 0;
  end = 0;
  focus = 0;
  harts = 0;
  stopped = false;
  /** Every switch reported so far, by position: the hart switched in, the one switched out and why. */
  readonly switches = new Map<number, { hart: number; from?: number; cause?: string }>();
  /** Named positions of the session's recording (set by the bookmarks, drawn by the timeline). */
  bookmarks: () => TimelineData['bookmarks'] = () => [];
  private lastDescription = '';
  readonly stops: TimelineData['stops'] = [];
  readonly inputs: { position: number; byte?: number }[] = [];
  extra: Pick<TimelineData, 'wfi' | 'interrupts'> = { wfi: [], interrupts: [] };
  locations: Location[] = [];
  sites: SwitchSite[] = [];
  private lastReason = '';
  /** The optional custom requests the adapter announced in its capabilities (`hartlineRequests`). */
  private readonly announced = new Map<string, Set<string>>();
  private get requests(): Set<string> {
    return (this.session && this.announced.get(this.session.id)) || new Set();
  }
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after every stop and change of position, once the locations and sites are known. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  /** Ids of sessions that have ended. */
  private readonly ended = new Set<string>();

  constructor(private readonly range: () => number) {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('hartline', {
        createDebugAdapterTracker: (s) => this.tracker(s),
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        this.announced.delete(s.id);
        this.ended.add(s.id);
        if (s === this.session || s.id === this.session?.id) this.reset(undefined);
      }),
      vscode.debug.onDidChangeActiveDebugSession((s) => {
        // The workbench may still name a session that has ended (as a new object): asking it would fail.
        if (s?.type === 'hartline' && s !== this.session && !this.ended.has(s.id)) {
          this.reset(s);
          void this.refresh();
        }
      }),
      this.changed,
    );
  }

  private tracker(s: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onWillStartSession: () => {
        if (!this.session || vscode.debug.activeDebugSession === s) this.reset(s);
      },
      onDidSendMessage: (m: { type: string; event?: string; command?: string; body?: Record<string, unknown> }) => {
        if (m.type === 'response' && m.command === 'initialize') {
          // Optional custom requests are only sent when the adapter lists them: an unknown one shows the user an error.
          const listed = m.body?.hartlineRequests;
          this.announced.set(s.id, new Set(Array.isArray(listed) ? listed.map(String) : []));
        }
        if (m.type !== 'event' || s !== this.session) return;
        const b = m.body ?? {};
        switch (m.event) {
          case 'stopped':
            this.stopped = true;
            this.lastReason = String(b.reason ?? '');
            this.lastDescription = String(b.description ?? '');
            this.focus = Number(b.threadId ?? 1) - 1;
            break;
          case 'continued':
            this.stopped = false;
            this.changed.fire();
            break;
          case 'hartline/position':
            this.position = Number(b.position);
            this.end = Number(b.end);
            this.focus = Number(b.hart ?? this.focus);
            if (this.lastReason === 'breakpoint' || this.lastReason === 'data breakpoint') {
              if (!this.stops.some((x) => x.position === this.position))
                this.stops.push({
                  position: this.position,
                  hart: this.focus,
                  reason: this.lastReason,
                  description: this.lastDescription,
                });
            }
            break;
          case 'hartline/switches':
            for (const sw of (b.switches as { position: number; hart: number }[] | undefined) ?? [])
              if (!this.switches.has(sw.position)) this.switches.set(sw.position, { hart: sw.hart });
            void this.refresh();
            break;
          case 'hartline/causes':
            // The adapter's background pass has given every switch and wake its cause: draw them.
            if (this.stopped) void this.refresh();
            break;
        }
      },
    };
  }

  private reset(s: vscode.DebugSession | undefined): void {
    this.session = s;
    this.position = 0;
    this.end = 0;
    this.focus = 0;
    this.harts = 0;
    this.stopped = false;
    this.switches.clear();
    this.stops.length = 0;
    this.inputs.length = 0;
    this.extra = { wfi: [], interrupts: [] };
    this.locations = [];
    this.sites = [];
    this.changed.fire();
  }

  /** Recorded console input is known only when the adapter sends it; typed input is noted here. */
  noteInput(position: number): void {
    this.inputs.push({ position });
  }

  /** After a stop: every hart's current line, the switch sites near the cursor, and richer timeline data if offered. */
  async refresh(): Promise<void> {
    const s = this.session;
    if (!s) return;
    const gen = ++this.generation;
    try {
      // The position and end as the adapter has them now (a first stop may come before its position event is seen).
      const at = await s.customRequest('hartline/position');
      if (gen === this.generation && typeof at?.position === 'number') {
        this.position = at.position;
        this.end = at.end;
      }
      const threads = (await s.customRequest('threads')).threads as { id: number; name: string }[];
      this.harts = threads.length;
      const locations = await Promise.all(
        threads.map(async (t): Promise<Location> => {
          try {
            const st = await s.customRequest('stackTrace', { threadId: t.id, startFrame: 0, levels: 1 });
            const f = st.stackFrames?.[0];
            return {
              hart: t.id - 1,
              path: localPath(f?.source?.path),
              line: f?.line,
              pc: f?.instructionPointerReference,
              name: f?.name,
            };
          } catch {
            return { hart: t.id - 1 };
          }
        }),
      );
      await this.fetchTimeline(s);
      const sites = await this.fetchSites(s, locations);
      // The causes come from the adapter's switch list.
      for (const x of sites) {
        x.cause ??= this.switches.get(x.position)?.cause;
        x.wake ??= this.extra.interrupts.find((w) => w.position === x.position && w.hart === x.to)?.cause;
      }
      const stop = this.stops.find((x) => x.position === this.position && x.hart === this.focus);
      const here = locations.find((l) => l.hart === this.focus);
      if (stop && !stop.where && here?.path) stop.where = `${here.path.split(/[\\/]/).pop()}:${here.line}`;
      if (gen !== this.generation) return;
      this.locations = locations;
      this.sites = sites;
    } catch {
      // The session went away or is running again; the next stop refreshes.
    }
    if (gen === this.generation) this.changed.fire();
  }

  private async fetchSites(s: vscode.DebugSession, locations: Location[]): Promise<SwitchSite[]> {
    if (this.requests.has('hartline/switchSites'))
      try {
        const r = await s.customRequest('hartline/switchSites', { position: this.position, count: this.range() });
        if (Array.isArray(r?.sites)) {
          const sites = r.sites as SwitchSite[];
          for (const x of sites) for (const at of [x.in, x.out]) if (at) at.path = localPath(at.path);
          return sites;
        }
      } catch {
        /* an adapter without the request: derive what the current lines tell */
      }
    return deriveSites(
      [...this.switches].map(([position, x]) => ({ position, hart: x.hart })).sort((a, b) => a.position - b.position),
      this.position,
      this.focus,
      locations,
      this.range(),
    );
  }

  /** Every switch (with its cause), wfi span, interrupt and input, from the adapter's `hartline/timeline` request. */
  private async fetchTimeline(s: vscode.DebugSession): Promise<void> {
    if (!this.requests.has('hartline/timeline')) return;
    try {
      const r = await s.customRequest('hartline/timeline', {});
      if (Array.isArray(r?.switches)) {
        this.switches.clear();
        for (const sw of r.switches) this.switches.set(sw.position, { hart: sw.hart, from: sw.from, cause: sw.cause });
      }
      this.extra = { wfi: r?.wfi ?? [], interrupts: r?.interrupts ?? [] };
      if (Array.isArray(r?.inputs)) {
        this.inputs.length = 0;
        this.inputs.push(...r.inputs);
      }
    } catch {
      /* the session went on running: the next stop asks again */
    }
  }

  /** Redraws what depends on the cursor (after a bookmark changed). */
  notify(): void {
    this.changed.fire();
  }

  timeline(): TimelineData {
    return {
      harts: this.harts,
      end: this.end,
      position: this.position,
      focus: this.focus,
      switches: [...this.switches].map(([position, x]) => ({ position, ...x })).sort((a, b) => a.position - b.position),
      stops: this.stops.slice(),
      inputs: this.inputs.slice(),
      ...this.extra,
      bookmarks: this.bookmarks(),
    };
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** Source paths in DAP messages arrive as URIs when the extension host is remote (code-server): make them file paths. */
export function localPath(p: string | undefined): string | undefined {
  if (!p || !/^[a-z][\w+.-]+:\/\//i.test(p)) return p;
  return vscode.Uri.parse(p).fsPath;
}
