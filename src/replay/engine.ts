// Runs a machine forward under a recording: replaying the log behind its frontier and, for a live recording,
// recording beyond it. Checksums are written or verified at every multiple of the checksum interval.

import { Machine, InputPort, RunResult } from '../machine/machine';
import type { HartSchedule } from '../machine/schedule';
import { HartRun, Hart } from '../riscv/hart';
import { DirtyPages } from './dirty';
import { Divergence } from './divergence';
import type { Checksum, EndReason, Trailer } from './format';
import { EventLog, lowerBound } from './log';
import { ReplaySource } from './player';
import { LiveSource } from './recorder';
import { deviceDigest, hartDigest, pagesDigest } from './state';
import type { RecordingWriter } from './writer';

export interface LiveOptions {
  policy: HartSchedule;
  input: InputPort;
  writer?: RecordingWriter;
}

export interface EngineOptions {
  checksumInterval: number;
  /** The tool that made the recording, for divergence hints. */
  tool: string;
  live?: LiveOptions;
  /** Guest console output with the position of the instruction that wrote it. */
  onConsole?: (bytes: Uint8Array, position: number) => void;
}

export type AdvanceReason = 'target' | 'breakpoint' | 'stop' | 'exit' | 'trap' | 'deadlock' | 'end';

export interface Advance {
  reason: AdvanceReason;
  position: number;
  exitCode: number;
  message?: string;
}

/** Live chunks are bounded so the writer can flush on time and the frontier moves often. */
const LIVE_CHUNK = 4_000_000;
/** The recorder flushes at least this often (the format promises once per second). */
const FLUSH_MS = 500;

export class Engine {
  readonly dirty: DirtyPages;
  readonly replay: ReplaySource;
  live: LiveSource | undefined;
  private mode: 'replay' | 'live' | undefined;
  /** Pages written since the last checksum position. */
  private readonly sumPages: Uint8Array;
  private lastChecksum = -1;
  private lastFlush = performance.now();
  readonly interval: number;
  checksumsVerified = 0;
  /** Set when a live recording has ended (the guest exited); the frontier then is the end. */
  liveEnded = false;

  constructor(readonly m: Machine, readonly log: EventLog, private readonly opts: EngineOptions) {
    this.interval = opts.checksumInterval;
    this.dirty = new DirtyPages(m.memory);
    this.sumPages = this.dirty.consumer();
    this.replay = new ReplaySource(m, log, (p, h, what) => this.diverged(p, h, what));
    if (opts.live) this.live = new LiveSource(m, log, opts.live.policy, opts.live.input, opts.live.writer);
    m.onConsole = (bytes) => opts.onConsole?.(bytes, m.positionNow());
    this.hookWakes();
  }

  /**
   * runnable() wakes sleeping harts with a pending interrupt at every slice boundary, and boundaries fall in
   * different places in a recording and its replay. A wake only matters if the interrupt is withdrawn before the
   * hart runs, but then it changes the run; so recordings log these wakes and replays allow exactly those.
   */
  private hookWakes(): void {
    const m = this.m;
    const original = Machine.prototype.runnable;
    const asleep = new Uint8Array(m.harts.length);
    m.runnable = (): Hart[] => {
      for (const h of m.harts) asleep[h.id] = h.run === HartRun.wfi ? 1 : 0;
      let out = original.call(m);
      for (const h of m.harts) {
        if (!asleep[h.id] || h.run !== HartRun.running) continue;
        const keep = this.mode === 'live' ? this.live!.woke(m.position, h.id) : this.replay.wakeAllowed(m.position, h.id);
        if (!keep) {
          h.run = HartRun.wfi;
          out = out.filter((o) => o !== h);
        }
      }
      return out;
    };
  }

  private use(mode: 'replay' | 'live'): void {
    if (this.mode === mode) return;
    const m = this.m;
    this.mode = mode;
    if (mode === 'live') {
      const live = this.live!;
      m.schedule = live.schedule;
      m.input = live.input;
      m.onSwitch = (p, h) => live.switched(p, h);
    } else {
      this.replay.seek(m.position);
      m.schedule = this.replay.schedule;
      m.input = this.replay.input;
      m.onSwitch = undefined;
    }
  }

  /** After a snapshot restore: the log cursors and the checksum page set follow the machine. */
  restored(sumPages: readonly number[]): void {
    this.sumPages.fill(0);
    for (const pg of sumPages) this.sumPages[pg] = 1;
    this.lastChecksum = -1;
    this.mode = undefined;
  }

  /** The checksum page set, for a snapshot (after the snapshot store has collected dirty pages). */
  sumPageList(): number[] {
    const out: number[] = [];
    for (let pg = 0; pg < this.sumPages.length; pg++) if (this.sumPages[pg]) out.push(pg);
    return out;
  }

  /** Where the recording ends for now: its last position, or the live frontier. */
  get frontier(): number {
    return this.log.frontier;
  }

  /** Whether going past the frontier records (a live recording that has not ended). */
  get canRecord(): boolean {
    return this.live !== undefined && !this.liveEnded;
  }

  /**
   * Runs forward to `target` (or the first stop). `boundary(position)` may name an earlier position at which the
   * caller wants control back (to take a snapshot); `onBoundary` is then called there.
   */
  advance(target: number, boundary?: (position: number) => number, onBoundary?: (position: number) => void): Advance {
    const m = this.m, log = this.log;
    try {
      for (;;) {
        const pos = m.position;
        if (m.halted) return this.halt(m.exit ? 'exit' : 'trap');
        if (pos >= target) return { reason: 'target', position: pos, exitCode: 0 };
        const live = pos >= log.frontier;
        if (live && !this.canRecord) return { reason: 'end', position: pos, exitCode: 0 };
        this.use(live ? 'live' : 'replay');
        let limit = Math.min(target, (Math.floor(pos / this.interval) + 1) * this.interval);
        limit = live ? Math.min(limit, pos + LIVE_CHUNK) : Math.min(limit, log.frontier);
        if (boundary) limit = Math.min(limit, Math.max(pos + 1, boundary(pos)));
        const r: RunResult = m.run(limit - pos);
        if (live) this.afterLiveChunk();
        this.atBoundary(live);
        if (r.reason === 'limit') { onBoundary?.(m.position); continue; }
        if (live && (r.reason === 'exit' || r.reason === 'trap' || r.reason === 'deadlock')) this.liveEnded = true;
        return { reason: r.reason, position: m.position, exitCode: r.exitCode, message: r.message };
      }
    } finally {
    }
  }

  private halt(reason: 'exit' | 'trap'): Advance {
    const m = this.m;
    if (reason === 'exit') return { reason, position: m.position, exitCode: m.exit!.code, message: m.exit!.message };
    return { reason, position: m.position, exitCode: 3, message: m.trap!.message };
  }

  private afterLiveChunk(): void {
    const m = this.m;
    this.log.frontier = Math.max(this.log.frontier, m.position);
    const w = this.live!.writer;
    if (w && (w.full || performance.now() - this.lastFlush >= FLUSH_MS)) {
      w.flush(this.log.frontier);
      this.lastFlush = performance.now();
    }
  }

  /** At interval multiples, and where the machine stopped for good, a checksum is logged (live) or compared. */
  private atBoundary(live: boolean): void {
    const m = this.m, pos = m.position;
    if (pos === this.lastChecksum) return;
    const end = m.halted || (!live && pos === this.log.frontier && this.log.checksumPos[this.log.checksumPos.length - 1] === pos);
    if (pos % this.interval !== 0 && !end) return;
    // A deadlock is not `halted`; the recorder adds its final checksum through finish().
    this.dirty.collect();
    const c: Checksum = { position: pos, harts: m.harts.map(hartDigest), memory: pagesDigest(m, this.sumPages), devices: deviceDigest(m) };
    this.sumPages.fill(0);
    this.lastChecksum = pos;
    if (live) { this.live!.checksum(c); return; }
    const k = lowerBound(this.log.checksumPos, pos);
    if (k >= this.log.checksums.length || this.log.checksumPos[k] !== pos) return;
    const want = this.log.checksums[k];
    const from = k > 0 ? this.log.checksumPos[k - 1] : 0;
    for (let h = 0; h < want.harts.length; h++) {
      if (want.harts[h] !== c.harts[h]) {
        throw new Divergence(pos, h, [from, pos], `hart ${h}'s registers differ (recorded digest ${hex(want.harts[h])}, replayed ${hex(c.harts[h])})`, this.opts.tool);
      }
    }
    if (want.devices !== c.devices) {
      throw new Divergence(pos, -1, [from, pos], `device state or virtual time differs (recorded ${hex(want.devices)}, replayed ${hex(c.devices)})`, this.opts.tool);
    }
    if (want.memory !== c.memory) {
      throw new Divergence(pos, -1, [from, pos], `the RAM pages written in this interval differ (recorded ${hex(want.memory)}, replayed ${hex(c.memory)})`, this.opts.tool);
    }
    this.checksumsVerified++;
  }

  private diverged(position: number, hart: number, what: string): never {
    const from = Math.floor(position / this.interval) * this.interval;
    throw new Divergence(position, hart, [from, from + this.interval], what, this.opts.tool);
  }

  /** Ends a live recording: a final checksum if the end is not on an interval, then the trailer. */
  finish(reason: EndReason, exitCode: number, message: string): Trailer {
    const m = this.m;
    if (this.mode === 'live' || this.live) {
      this.mode = 'live';
      this.log.frontier = Math.max(this.log.frontier, m.position);
      if (this.lastChecksum !== m.position) this.atBoundary(true);
    }
    const t: Trailer = { reason, exitCode, positions: m.position, message };
    this.live?.writer?.finish(t);
    this.liveEnded = true;
    return t;
  }
}

function hex(v: number): string {
  return '0x' + (v >>> 0).toString(16).padStart(8, '0');
}
