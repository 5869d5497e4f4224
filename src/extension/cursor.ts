// Where the active hartline session is in its recording: position, end, the CPU switches seen so far, each hart's
// current line and the stops, learned from the adapter's events (through a tracker) and a few requests after every stop.

import * as vscode from 'vscode';
import { readFileSync, statSync } from 'node:fs';
import { readRecording } from '../replay/reader';
import { deriveSites, Location, SwitchSite } from './sites';
import { defaultRecordingPath } from '../debug/launch-attributes';

export type { Location, SwitchSite } from './sites';

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
  /** The optional custom requests the adapter announced in its capabilities (`hartlineRequests`). */
  private readonly announced = new Map<string, Set<string>>();
  private get requests(): Set<string> { return (this.session && this.announced.get(this.session.id)) || new Set(); }
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after every stop and change of position, once the locations and sites are known. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;

  constructor(private readonly range: () => number) {
    this.disposables.push(
      vscode.debug.registerDebugAdapterTrackerFactory('hartline', { createDebugAdapterTracker: (s) => this.tracker(s) }),
      vscode.debug.onDidTerminateDebugSession((s) => { this.announced.delete(s.id); if (s === this.session) this.reset(undefined); }),
      vscode.debug.onDidChangeActiveDebugSession((s) => { if (s?.type === 'hartline' && s !== this.session) { this.reset(s); void this.refresh(); } }),
      this.changed,
    );
  }

  private tracker(s: vscode.DebugSession): vscode.DebugAdapterTracker {
    return {
      onWillStartSession: () => { if (!this.session || vscode.debug.activeDebugSession === s) this.reset(s); },
      onDidSendMessage: (m: { type: string; event?: string; command?: string; body?: Record<string, unknown> }) => {
        if (m.type === 'response' && m.command === 'initialize') {
          // Optional custom requests are only sent when the adapter lists them: an unknown one shows the user an error.
          const listed = m.body?.hartlineRequests;
          this.announced.set(s.id, new Set(Array.isArray(listed) ? listed.map(String) : []));
        }
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
    this.switches.clear(); this.stops.length = 0; this.recordingStamp = ''; this.inputs.length = 0;
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
          return { hart: t.id - 1, path: localPath(f?.source?.path), line: f?.line, pc: f?.instructionPointerReference, name: f?.name };
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
    if (this.requests.has('hartline/switchSites')) try {
      const r = await s.customRequest('hartline/switchSites', { position: this.position, count: this.range() });
      if (Array.isArray(r?.sites)) {
        const sites = r.sites as SwitchSite[];
        for (const x of sites) for (const at of [x.in, x.out]) if (at) at.path = localPath(at.path);
        return sites;
      }
    } catch { /* an adapter without the request: derive what the current lines tell */ }
    return deriveSites([...this.switches].map(([position, hart]) => ({ position, hart })).sort((a, b) => a.position - b.position),
      this.position, this.focus, locations, this.range());
  }

  /** Size and mtime of the recording last read, so a stop re-reads it only when it grew. */
  private recordingStamp = '';

  /**
   * Every switch and input of the session's recording file: the adapter's events carry only those near the cursor.
   * A live recording is flushed as it goes, and its prefix reads as a recording, so this works while recording too.
   */
  private readRecordingFile(s: vscode.DebugSession): void {
    const c = s.configuration;
    const path = typeof c.recording === 'string' ? c.recording : typeof c.program === 'string' ? defaultRecordingPath(c.program) : undefined;
    if (!path || path.includes('${')) return;
    try {
      const st = statSync(path);
      const stamp = `${path}:${st.size}:${st.mtimeMs}`;
      if (stamp === this.recordingStamp) return;
      const log = readRecording(new Uint8Array(readFileSync(path)), path).log;
      this.recordingStamp = stamp;
      log.switchPos.forEach((p, k) => this.switches.set(p, log.switchHart[k]));
      this.inputs.length = 0;
      for (const p of log.inputPos) this.inputs.push({ position: p });
    } catch { /* no file yet, or a write in progress: the next stop tries again */ }
  }

  private async fetchTimeline(s: vscode.DebugSession): Promise<void> {
    this.readRecordingFile(s);
    if (this.requests.has('hartline/timeline')) try {
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

/** Source paths in DAP messages arrive as URIs when the extension host is remote (code-server): make them file paths. */
export function localPath(p: string | undefined): string | undefined {
  if (!p || !/^[a-z][\w+.-]+:\/\//i.test(p)) return p;
  return vscode.Uri.parse(p).fsPath;
}
