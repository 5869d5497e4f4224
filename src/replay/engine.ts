// Runs a machine forward under a recording: replaying the log behind its frontier and, for a live recording,
// recording beyond it. Checksums are written or verified at every multiple of the checksum interval, or, with
// cost-based spacing, where the recorder chose (src/replay/spacing.ts) and a replay finds them in the log.

import type { Machine, InputPort, RunResult } from '../machine/machine';
import { endingOf } from '../machine/ending';
import type { HartSchedule } from '../machine/schedule';
import { DirtyPages } from './dirty';
import { Divergence } from './divergence';
import type { Checksum, Edit, EndReason, Trailer } from './format';
import { EventLog, lowerBound, upperBound } from './log';
import { applyEdit, EditError } from './edits';
import { ReplaySource } from './player';
import { nextSpacing } from './spacing';
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
  /** 'cost': checksums where the log holds them (replay) or where spacing.ts puts them (live). */
  checksumSpacing?: 'cost';
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
  /** Cost-based spacing: checksums only where the log holds one, and live at `nextLive`. */
  private readonly byCost: boolean;
  /** Cost-based spacing: the position of the next live checksum (set at each live checksum). */
  private nextLive: number;
  checksumsVerified = 0;
  /** Set when a live recording has ended (the guest exited); the frontier then is the end. */
  liveEnded = false;
  /** Index of the first logged edit not yet applied to the machine. */
  private editNext = 0;

  constructor(
    readonly m: Machine,
    readonly log: EventLog,
    private readonly opts: EngineOptions,
  ) {
    this.interval = opts.checksumInterval;
    this.byCost = opts.checksumSpacing === 'cost';
    this.nextLive = this.interval;
    this.dirty = new DirtyPages(m.memory);
    this.sumPages = this.dirty.consumer();
    this.replay = new ReplaySource(m, log, (p, h, what) => this.diverged(p, h, what));
    if (opts.live) this.live = new LiveSource(m, log, opts.live.policy, opts.live.input, opts.live.writer);
    m.onConsole = (bytes) => opts.onConsole?.(bytes, m.positionNow());
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
    // Edits at the snapshot's own position are applied again: they are absolute, so that is harmless either way.
    this.editNext = lowerBound(this.log.editPos, this.m.position);
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
   * caller wants control back (to take a snapshot); `onBoundary` is then called there. `resume` (default true)
   * steps over a breakpoint at the current hart's pc, as resuming from a stop there must; the runs that continue
   * where the engine cut a stretch itself (checksums, snapshots, live chunks) never do.
   */
  advance(
    target: number,
    boundary?: (position: number) => number,
    onBoundary?: (position: number) => void,
    resume = true,
  ): Advance {
    const m = this.m,
      log = this.log;
    for (;;) {
      this.applyEdits();
      const pos = m.position;
      const ending = endingOf(m);
      if (ending) return { ...ending, position: pos };
      if (pos >= target) return { reason: 'target', position: pos, exitCode: 0 };
      const live = pos >= log.frontier;
      if (live && !this.canRecord) return { reason: 'end', position: pos, exitCode: 0 };
      this.use(live ? 'live' : 'replay');
      let limit = Math.min(target, this.nextFixed(pos, live));
      limit = live ? Math.min(limit, pos + LIVE_CHUNK) : Math.min(limit, log.frontier);
      // Replay stops wherever the log holds a checksum or an edit (edits come only at such stops while recording).
      if (!live) {
        const kc = upperBound(log.checksumPos, pos);
        if (kc < log.checksumPos.length) limit = Math.min(limit, log.checksumPos[kc]);
      }
      if (this.editNext < log.editPos.length) limit = Math.min(limit, log.editPos[this.editNext]);
      if (boundary) limit = Math.min(limit, Math.max(pos + 1, boundary(pos)));
      // Only the first stretch resumes from a stop; the later ones continue where the engine cut, so a breakpoint
      // exactly at a cut is still hit.
      const r: RunResult = m.run(limit - pos, { resume });
      resume = false;
      if (live) this.afterLiveChunk();
      this.atBoundary(live);
      this.applyEdits();
      if (r.reason === 'limit') {
        onBoundary?.(m.position);
        continue;
      }
      if (live && (r.reason === 'exit' || r.reason === 'trap' || r.reason === 'deadlock')) this.liveEnded = true;
      return { reason: r.reason, position: m.position, exitCode: r.exitCode, message: r.message };
    }
  }

  /** The next checksum position the spacing itself puts after `pos` (the log's checksums bound a replay too). */
  private nextFixed(pos: number, live: boolean): number {
    if (!this.byCost) return (Math.floor(pos / this.interval) + 1) * this.interval;
    // A live checksum is never behind the frontier, and the frontier never passes one without taking it.
    return live ? Math.max(pos + 1, this.nextLive) : Number.MAX_SAFE_INTEGER;
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

  /** Applies the logged edits at the current position (and steps past any behind it). */
  private applyEdits(): void {
    const log = this.log,
      pos = this.m.position;
    while (this.editNext < log.editPos.length && log.editPos[this.editNext] <= pos) {
      if (log.editPos[this.editNext] === pos) {
        try {
          applyEdit(this.m, log.edits[this.editNext]);
        } catch (e) {
          if (!(e instanceof EditError)) throw e;
          this.diverged(pos, -1, `the debugger edit recorded here cannot be applied: ${e.message}`);
        }
      }
      this.editNext++;
    }
  }

  /**
   * A debugger edit at the live frontier: logged after a checksum of the state before it (a replay compares that
   * checksum before applying the edit), then applied. Throws EditError when it cannot be applied.
   */
  edit(e: Edit): void {
    const m = this.m,
      log = this.log,
      pos = m.position;
    if (!this.canRecord || pos !== log.frontier)
      throw new EditError(`state can only be changed at the end of a live recording (position ${log.frontier})`);
    if (pos > 0 && log.checksumPos[log.checksumPos.length - 1] !== pos) this.checksumHere(true);
    applyEdit(m, e);
    log.addEdit(pos, e);
    this.live!.writer?.edit(pos, e);
    this.editNext = log.editPos.length;
  }

  /**
   * A live recording that stopped with every hart asleep goes on: input may arrive that wakes one (the CLI waits
   * for it while its input is open). A guest that exited or trapped stays ended.
   */
  resumeLive(): void {
    if (this.live && !this.m.halted && this.mode === 'live') this.liveEnded = false;
  }

  /** Writes the events logged so far to the recording file (a live recording that is paused flushes nothing on its own). */
  flush(): void {
    if (this.canRecord) this.live!.writer?.flush(this.log.frontier);
  }

  /**
   * At interval multiples, where the machine stopped for good, and (replaying) wherever the log holds a checksum,
   * a checksum is logged (live) or compared.
   */
  private atBoundary(live: boolean): void {
    const m = this.m,
      pos = m.position;
    // Never at position 0: its page set is the loaded images, which the first interval's checksum covers (a run
    // may stop at 0 at a breakpoint on the entry, replaying or recording, and must not start a new interval there).
    if (pos === this.lastChecksum || pos === 0) return;
    const logged = !live && this.log.checksumPos[lowerBound(this.log.checksumPos, pos)] === pos;
    const due = this.byCost ? live && pos === this.nextLive : pos % this.interval === 0;
    if (!due && !m.halted && !logged) return;
    this.checksumHere(live);
  }

  private checksumHere(live: boolean): void {
    const m = this.m,
      pos = m.position;
    this.dirty.collect();
    let pages = 0;
    if (live && this.byCost)
      for (let pg = this.sumPages.indexOf(1); pg >= 0; pg = this.sumPages.indexOf(1, pg + 1)) pages++;
    const c: Checksum = {
      position: pos,
      harts: m.harts.map(hartDigest),
      memory: pagesDigest(m, this.sumPages),
      devices: deviceDigest(m),
    };
    this.sumPages.fill(0);
    this.lastChecksum = pos;
    if (live) {
      this.live!.checksum(c);
      if (this.byCost) this.nextLive = pos + nextSpacing(m.harts.length, pages, this.interval);
      return;
    }
    const k = lowerBound(this.log.checksumPos, pos);
    if (k >= this.log.checksums.length || this.log.checksumPos[k] !== pos) return;
    const want = this.log.checksums[k];
    const from = k > 0 ? this.log.checksumPos[k - 1] : 0;
    for (let h = 0; h < want.harts.length; h++) {
      if (want.harts[h] !== c.harts[h]) {
        throw new Divergence(
          pos,
          h,
          [from, pos],
          `hart ${h}'s registers differ (recorded digest ${hex(want.harts[h])}, replayed ${hex(c.harts[h])})`,
          this.opts.tool,
        );
      }
    }
    if (want.devices !== c.devices) {
      throw new Divergence(
        pos,
        -1,
        [from, pos],
        `device state or virtual time differs (recorded ${hex(want.devices)}, replayed ${hex(c.devices)})`,
        this.opts.tool,
      );
    }
    if (want.memory !== c.memory) {
      throw new Divergence(
        pos,
        -1,
        [from, pos],
        `the RAM pages written in this interval differ (recorded ${hex(want.memory)}, replayed ${hex(c.memory)})`,
        this.opts.tool,
      );
    }
    this.checksumsVerified++;
  }

  private diverged(position: number, hart: number, what: string): never {
    let from = Math.floor(position / this.interval) * this.interval,
      to = from + this.interval;
    if (this.byCost) {
      // The interval is between the logged checksums around the position.
      const cp = this.log.checksumPos,
        k = upperBound(cp, position);
      from = k > 0 ? cp[k - 1] : 0;
      to = k < cp.length ? cp[k] : Math.max(position + 1, this.log.frontier);
    }
    throw new Divergence(position, hart, [from, to], what, this.opts.tool);
  }

  /** Ends a live recording: a final checksum if the end is not on an interval, then the trailer. */
  finish(reason: EndReason, exitCode: number, message: string): Trailer {
    const m = this.m;
    if (this.mode === 'live' || this.live) {
      this.mode = 'live';
      this.log.frontier = Math.max(this.log.frontier, m.position);
      if (m.position > 0 && this.log.checksumPos[this.log.checksumPos.length - 1] !== m.position)
        this.checksumHere(true);
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
