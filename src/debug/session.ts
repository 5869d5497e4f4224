// The DAP side of Hartline: translates requests into Timeline and stepping calls and machine state into threads,
// frames, scopes and variables. Threads are harts (id = hart + 1); every stop stops all of them.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { Handles, InitializedEvent, LoggingDebugSession, OutputEvent, Event, Scope, StoppedEvent, TerminatedEvent, Thread } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readRecording } from '../replay/reader';
import type { Channel } from '../replay/format';
import type { Variable } from '../symbols';
import { BreakpointError, BreakpointTable } from './breakpoints';
import { Code } from './code';
import type { Outcome, Timeline } from './engine';
import { evaluateText, formatValue, lvalueOf, Value } from './evaluate';
import { ExpressionError } from './expression';
import { LaunchArguments, LaunchError, parseLaunch } from './launch';
import { csrGroup, CSR_GROUPS, floatRegisters, hartState, hartSummary, integerRegisters, Named, registerByName } from './registers';
import { disassembleRange, sourceText } from './listing';
import { Granularity, StepKind, stepBackward, stepForward } from './stepping';
import { MachineTimeline } from './timeline';

type Ref =
  | { kind: 'locals'; hart: number; frame: number }
  | { kind: 'registers'; hart: number }
  | { kind: 'group'; hart: number; group: string }
  | { kind: 'hart'; hart: number }
  | { kind: 'var'; v: Variable };

/** A request the user cannot make in this state; answered with its message. */
class RefusedError extends Error {}

export class HartlineSession extends LoggingDebugSession {
  private timeline: Timeline | undefined;
  private code!: Code;
  private breakpoints!: BreakpointTable;
  private refs = new Handles<Ref>();
  private sources = new Handles<{ pc: number }>();
  private frames = new Map<number, { hart: number; index: number; pc: number }>();
  private configured!: Promise<void>;
  private configDone: () => void = () => {};
  private mode: 'record' | 'replay' = 'record';
  private running = false;
  /** The hart that last stopped, used where a request names no thread. */
  private focus = 0;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configured = new Promise((r) => { this.configDone = r; });
  }

  protected initializeRequest(response: DebugProtocol.InitializeResponse): void {
    response.body = {
      // The launch waits for breakpoints before the guest starts.
      supportsConfigurationDoneRequest: true,
      // Both modes travel backwards from the first stop: stepBack and reverseContinue.
      supportsStepBack: true,
      supportsConditionalBreakpoints: true,
      supportsHitConditionalBreakpoints: true,
      supportsLogPoints: true,
      supportsFunctionBreakpoints: true,
      // Breakpoints on addresses from the Disassembly view.
      supportsInstructionBreakpoints: true,
      // Watchpoints on variables and raw addresses, for reads, writes or both.
      supportsDataBreakpoints: true,
      supportsDataBreakpointBytes: true,
      // Register and variable edits, refused in replay mode with a message.
      supportsSetVariable: true,
      supportsSetExpression: true,
      // Hover and watch use evaluate.
      supportsEvaluateForHovers: true,
      supportsReadMemoryRequest: true,
      supportsWriteMemoryRequest: true,
      // The Disassembly view, from the one instruction table.
      supportsDisassembleRequest: true,
      supportsSteppingGranularity: true,
      supportsTerminateRequest: true,
      // In replay, restart goes back to position 0.
      supportsRestartRequest: true,
      // Some frames have no source; the adapter serves their disassembly as a source reference.
      supportsValueFormattingOptions: false,
    };
    this.sendResponse(response);
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    const known = e instanceof LaunchError || e instanceof RefusedError || e instanceof ExpressionError || e instanceof BreakpointError ||
      (e instanceof Error && e.name === 'HartlineError');
    const message = e instanceof Error ? e.message : String(e);
    this.sendErrorResponse(response, { id: 1, format: known ? message : `internal error: ${message}`, showUser: true });
  }

  protected async launchRequest(response: DebugProtocol.LaunchResponse, raw: DebugProtocol.LaunchRequestArguments): Promise<void> {
    const args = raw as LaunchArguments;
    let stopOnEntry: boolean, startAtEnd = false;
    try {
      const cfg = parseLaunch(args);
      this.mode = cfg.mode;
      if (cfg.mode === 'record') {
        this.code = new Code(cfg.elf, cfg.program);
        this.timeline = new MachineTimeline({ elf: cfg.elf, path: cfg.program, harts: cfg.harts, ramSize: cfg.ramSize, quantum: cfg.quantum, policy: cfg.policy, seed: cfg.seed, bootargs: cfg.bootargs },
          { switches: [], inputs: [] }, true, cfg.recording);
        stopOnEntry = cfg.stopOnEntry;
      } else {
        const rec = readRecording(new Uint8Array(readFileSync(cfg.recording)), cfg.recording);
        const kernel = rec.header.images.find((i) => i.role === 'kernel');
        const program = cfg.program ?? kernel?.path;
        if (!program) throw new LaunchError(`${cfg.recording}: the recording names no program; set "program"`);
        let elf: Uint8Array;
        try { elf = new Uint8Array(readFileSync(program)); } catch { throw new LaunchError(`program not found: ${program}; set "program" to override the path in the recording`); }
        this.code = new Code(elf, program);
        const log = rec.log;
        const end = rec.trailer ?? { positions: log.frontier, reason: 'stopped', exitCode: 0, message: 'end of recording' };
        this.timeline = new MachineTimeline(
          { elf, path: program, harts: rec.header.machine.harts, ramSize: rec.header.machine.ramSize, quantum: rec.header.schedule.quantum, policy: rec.header.schedule.policy, seed: 1 },
          {
            switches: log.switchPos.map((position, k) => ({ position, hart: log.switchHart[k] })),
            inputs: log.inputPos.map((position, k) => ({ position, channel: (log.inputChannel[k] === 0 ? 'uart' : 'semihost') as Channel, byte: log.inputByte[k] })),
            end: { positions: end.positions, reason: end.reason, exitCode: end.exitCode, message: end.message },
          }, false);
        stopOnEntry = cfg.stopOnEntry;
        startAtEnd = cfg.startAt === 'end';
      }
    } catch (e) {
      this.fail(response, e);
      return;
    }
    const t = this.timeline!;
    t.onConsole = (text) => this.sendEvent(new OutputEvent(text, 'stdout'));
    this.breakpoints = new BreakpointTable(this.code, {
      truthy: (expr, hart) => { try { const v = this.evaluateOn(expr, hart, 0); return v.kind === 'var' ? v.v.value !== '0' : v.value !== 0n; } catch { return true; } },
      interpolate: (msg, hart) => msg.replace(/\{([^}]+)\}/g, (_, e) => { try { return formatValue(this.evaluateOn(e, hart, 0)); } catch (err) { return `<${(err as Error).message}>`; } }),
      log: (text) => this.sendEvent(new OutputEvent(text, 'console')),
    });
    if (this.code.warning) this.sendEvent(new OutputEvent(this.code.warning + '\n', 'console'));
    this.sendEvent(new InitializedEvent());
    await Promise.race([this.configured, new Promise((r) => setTimeout(r, 2000))]);
    this.sendResponse(response);
    if (startAtEnd) { this.report(t.seek(t.end), 'goto'); return; }
    if (stopOnEntry) { this.report({ kind: 'start' }, 'entry'); return; }
    void this.continueForward();
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configDone();
    this.sendResponse(response);
  }

  // ---- run control ----

  private async continueForward(): Promise<void> {
    const t = this.timeline!;
    this.running = true;
    const out = await t.forward(this.breakpoints.probes());
    this.running = false;
    this.report(out, 'breakpoint');
  }

  /** Sends the stopped event for an outcome, and the position events the extension shows. */
  private report(out: Outcome, why: string, hart = this.focus): void {
    const t = this.timeline!;
    let reason = why, description: string, hitIds: number[] = [];
    switch (out.kind) {
      case 'hit':
        hart = out.hit.hart;
        hitIds = this.breakpoints.lastHit;
        if (out.hit.kind === 'data') { reason = 'data breakpoint'; description = `hart ${hart} hit data breakpoint (${out.hit.write ? 'write' : 'read'} at 0x${out.hit.addr!.toString(16)})`; } else { reason = 'breakpoint'; description = `hart ${hart} hit breakpoint`; }
        break;
      case 'start': reason = why === 'entry' ? 'entry' : 'goto'; description = 'start of recording'; break;
      case 'end':
        reason = 'goto';
        description = out.reason === 'exit' ? `end of recording: the program exited with code ${out.exitCode}` : out.reason === 'frontier' ? 'end of recording' : `end of recording: ${out.message}`;
        if (out.reason === 'trap' || out.reason === 'deadlock') this.sendEvent(new OutputEvent(out.message + '\n', 'stderr'));
        break;
      case 'paused': reason = 'pause'; description = 'paused'; break;
      default: description = why === 'step' ? `hart ${hart} stepped` : `at position ${t.position}`;
    }
    this.focus = hart;
    this.refs.reset();
    this.frames.clear();
    const ev = new StoppedEvent(reason, hart + 1) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    ev.body.hitBreakpointIds = hitIds;
    ev.body.description = description;
    ev.body.text = description;
    this.sendEvent(ev);
    this.sendEvent(new Event('hartline/position', { position: t.position, end: t.end, hart }));
    const near = this.nearbySwitches();
    this.sendEvent(new Event('hartline/switches', { position: t.position, switches: near }));
  }

  private nearbySwitches(): { position: number; hart: number }[] {
    const all = this.timeline!.switches();
    const p = this.timeline!.position;
    let k = all.findIndex((s) => s.position > p);
    if (k < 0) k = all.length;
    return all.slice(Math.max(0, k - 5), k + 5);
  }

  private hartOf(threadId: number | undefined): number {
    const n = this.timeline!.machine.harts.length;
    const h = threadId === undefined ? this.focus : threadId - 1;
    if (!Number.isInteger(h) || h < 0 || h >= n) throw new RefusedError(`no thread ${threadId}: threads are harts 1..${n}`);
    return h;
  }

  private guard(response: DebugProtocol.Response, body: () => void): void {
    if (!this.timeline) { this.sendErrorResponse(response, { id: 2, format: 'no program is being debugged: launch first', showUser: true }); return; }
    if (this.running && response.command !== 'pause' && response.command !== 'threads') {
      this.sendErrorResponse(response, { id: 3, format: 'the machine is running: pause it first', showUser: true });
      return;
    }
    try { body(); } catch (e) { this.fail(response, e); }
  }

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.guard(response, () => {
      response.body = { allThreadsContinued: true };
      this.sendResponse(response);
      void this.continueForward();
    });
  }

  protected reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.guard(response, () => {
      this.sendResponse(response);
      this.breakpoints.resetCounts();
      this.report(this.timeline!.backward(this.breakpoints.probes()), 'breakpoint');
    });
  }

  protected pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.timeline?.pause();
    this.sendResponse(response);
  }

  private step(response: DebugProtocol.Response, threadId: number, kind: StepKind, granularity: string | undefined, back: boolean): void {
    this.guard(response, () => {
      const hart = this.hartOf(threadId);
      this.sendResponse(response);
      const g: Granularity = granularity === 'instruction' ? 'instruction' : 'line';
      const out = back ? stepBackward(this.timeline!, this.code, hart, kind, g) : stepForward(this.timeline!, this.code, hart, kind, g);
      this.report(out, 'step', hart);
    });
  }

  protected nextRequest(r: DebugProtocol.NextResponse, a: DebugProtocol.NextArguments): void { this.step(r, a.threadId, 'over', a.granularity, false); }
  protected stepInRequest(r: DebugProtocol.StepInResponse, a: DebugProtocol.StepInArguments): void { this.step(r, a.threadId, 'in', a.granularity, false); }
  protected stepOutRequest(r: DebugProtocol.StepOutResponse, a: DebugProtocol.StepOutArguments): void { this.step(r, a.threadId, 'out', a.granularity, false); }
  protected stepBackRequest(r: DebugProtocol.StepBackResponse, a: DebugProtocol.StepBackArguments): void { this.step(r, a.threadId, 'over', a.granularity, true); }

  protected restartRequest(response: DebugProtocol.RestartResponse): void {
    this.guard(response, () => {
      this.sendResponse(response);
      this.report(this.timeline!.seek(0), 'restart');
    });
  }

  protected terminateRequest(response: DebugProtocol.TerminateResponse): void {
    this.finishRecording();
    this.sendResponse(response);
    this.sendEvent(new TerminatedEvent());
  }

  protected disconnectRequest(response: DebugProtocol.DisconnectResponse): void {
    this.finishRecording();
    this.sendResponse(response);
  }

  private finishRecording(): void {
    const path = this.timeline?.finish();
    if (path && this.mode === 'record') this.sendEvent(new OutputEvent(`recording saved to ${path}\n`, 'console'));
  }

  // ---- custom requests: positions, switches, reverse steps of one hart ----

  protected customRequest(command: string, response: DebugProtocol.Response, args: Record<string, unknown>): void {
    this.guard(response, () => {
      const t = this.timeline!;
      switch (command) {
        case 'hartline/position':
          response.body = { position: t.position, end: t.end, live: t.live };
          this.sendResponse(response);
          return;
        case 'hartline/goto': {
          const p = Number(args?.position);
          if (!Number.isSafeInteger(p) || p < 0) throw new RefusedError('"position" must be a non-negative integer');
          this.sendResponse(response);
          this.report(t.seek(p), 'goto');
          return;
        }
        case 'hartline/nextSwitch':
        case 'hartline/previousSwitch': {
          const sw = t.switches();
          const p = t.position;
          const target = command === 'hartline/nextSwitch' ? sw.find((s) => s.position > p) : [...sw].reverse().find((s) => s.position < p);
          this.sendResponse(response);
          if (!target) { this.report(command === 'hartline/nextSwitch' ? t.seek(t.end) : t.seek(0), 'goto'); return; }
          this.report(t.seek(target.position), 'goto', target.hart);
          return;
        }
        case 'hartline/lastWrite': {
          const where = lvalueOf(this.evaluateOn(String(args?.expression ?? ''), this.hartOf(args?.threadId as number | undefined), 0));
          if (!where) throw new RefusedError(`"${args?.expression}" is not in memory, so it has no last write`);
          this.sendResponse(response);
          const probes = { pcs: new Set<number>(), watches: [{ lo: where.addr, hi: where.addr + where.size, read: false, write: true }], accept: () => true };
          this.breakpoints.lastHit = [];
          this.report(t.backward(probes), 'goto');
          return;
        }
        case 'hartline/reverseStepIn':
        case 'hartline/reverseStepOut':
          this.step(response, Number(args?.threadId ?? this.focus + 1), command === 'hartline/reverseStepIn' ? 'in' : 'out', args?.granularity as Granularity | undefined, true);
          return;
        case 'hartline/input': {
          if (!t.live) throw new RefusedError('console input goes to a live recording; a replay reads its recorded input');
          t.sendInput(Buffer.from(String(args?.text ?? ''), 'latin1'));
          this.sendResponse(response);
          return;
        }
        default:
          throw new RefusedError(`unknown request ${command}`);
      }
    });
  }

  // ---- threads, frames, scopes, variables ----

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    const harts = this.timeline?.machine.harts ?? [];
    response.body = { threads: harts.map((h) => new Thread(h.id + 1, `hart ${h.id} (${hartSummary(h)})`)) };
    this.sendResponse(response);
  }

  private memReader = (addr: bigint, size: number) => this.timeline!.machine.memory.readBytes(Number(addr), size);

  protected stackTraceRequest(response: DebugProtocol.StackTraceResponse, args: DebugProtocol.StackTraceArguments): void {
    this.guard(response, () => {
      const hart = this.hartOf(args.threadId);
      const h = this.timeline!.machine.harts[hart];
      const frames = this.unwind(hart);
      const start = args.startFrame ?? 0, levels = args.levels || frames.length;
      response.body = {
        totalFrames: frames.length,
        stackFrames: frames.slice(start, start + levels).map((f, k) => {
          const id = (hart + 1) * 100000 + start + k + 1;
          this.frames.set(id, { hart, index: start + k, pc: f.pc });
          const sf: DebugProtocol.StackFrame = { id, name: f.name, line: f.line ?? 0, column: f.column ?? 0, instructionPointerReference: '0x' + f.pc.toString(16) };
          if (f.file) sf.source = { name: basename(f.file), path: f.file };
          else { sf.source = { name: `${f.name} (disassembly)`, sourceReference: this.sources.create({ pc: f.pc }), presentationHint: 'deemphasize' }; sf.line = 1; }
          if (f.inline) sf.presentationHint = 'subtle';
          return sf;
        }),
      };
      void h;
      this.sendResponse(response);
    });
  }

  private unwind(hart: number): { name: string; pc: number; file?: string; line?: number; column?: number; inline: boolean; raw?: unknown }[] {
    const h = this.timeline!.machine.harts[hart];
    const s = this.code.symbols;
    const fallback = [{ name: this.code.label(h.pc), pc: h.pc, inline: false }];
    if (!s) return fallback;
    try {
      const frames = s.unwind(h.pc64, (n) => (n < 32 ? h.readX(n) : n < 64 ? h.readF(n - 32) : undefined), this.memReader, { maxFrames: 64, pastMain: false });
      if (frames.length === 0) return fallback;
      return frames.map((f) => ({ name: (f.function ?? this.code.label(Number(f.pc))) + (f.kind === 'inline' ? ' [inlined]' : f.kind === 'trap' ? ' [trap]' : ''),
        pc: Number(f.pc), file: f.file, line: f.line, column: f.column, inline: f.kind === 'inline', raw: f }));
    } catch {
      return fallback;
    }
  }

  protected sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.guard(response, () => {
      const ref = this.sources.get(args.sourceReference);
      if (!ref) throw new RefusedError('that source is no longer available; stop again to refresh it');
      response.body = { content: sourceText(this.timeline!.machine, this.code, ref.pc), mimeType: 'text/x-asm' };
      this.sendResponse(response);
    });
  }

  protected scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      const f = this.frames.get(args.frameId);
      if (!f) throw new RefusedError(`unknown frame ${args.frameId}`);
      response.body = { scopes: [
        new Scope('Locals', this.refs.create({ kind: 'locals', hart: f.hart, frame: f.index }), false),
        new Scope('Registers', this.refs.create({ kind: 'registers', hart: f.hart }), true),
        new Scope('Hart', this.refs.create({ kind: 'hart', hart: f.hart }), false),
      ] };
      this.sendResponse(response);
    });
  }

  private frameVariables(hart: number, index: number): Variable[] {
    const s = this.code.symbols;
    const frames = this.unwind(hart);
    const raw = frames[index]?.raw;
    if (!s || !raw) return [];
    try { return s.variables(raw as Parameters<typeof s.variables>[0], this.memReader); } catch { return []; }
  }

  protected variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      const ref = this.refs.get(args.variablesReference);
      const m = this.timeline!.machine;
      const named = (list: Named[]): DebugProtocol.Variable[] => list.map((n) => ({ name: n.name, value: n.value, variablesReference: 0 }));
      const fromVars = (list: Variable[]): DebugProtocol.Variable[] => list.map((v) => ({ name: v.name, value: v.value, type: v.type,
        variablesReference: v.children && v.childCount ? this.refs.create({ kind: 'var', v }) : 0, indexedVariables: v.childCount }));
      let vars: DebugProtocol.Variable[] = [];
      if (!ref) vars = [];
      else if (ref.kind === 'locals') vars = fromVars(this.frameVariables(ref.hart, ref.frame));
      else if (ref.kind === 'var') vars = fromVars(ref.v.children!(args.start ?? 0, args.count ?? ref.v.childCount ?? 0));
      else if (ref.kind === 'hart') vars = named(hartState(m, m.harts[ref.hart]));
      else if (ref.kind === 'registers') {
        vars = ['Integer', 'Float', ...Object.keys(CSR_GROUPS)].map((g) => ({ name: g, value: g === 'Integer' || g === 'Float' ? 'registers' : 'CSRs', variablesReference: this.refs.create({ kind: 'group', hart: ref.hart, group: g }) }));
      } else {
        const h = m.harts[ref.hart];
        vars = named(ref.group === 'Integer' ? integerRegisters(h) : ref.group === 'Float' ? floatRegisters(h) : csrGroup(m, h, ref.group));
      }
      response.body = { variables: vars };
      this.sendResponse(response);
    });
  }

  // ---- evaluate, set, memory ----

  private evaluateOn(text: string, hart: number, frame: number): Value {
    const m = this.timeline!.machine;
    const h = m.harts[hart];
    return evaluateText(text, {
      register: (name) => { const r = registerByName(m, h, name); return r ? { value: r.read(), float: r.float ?? false } : undefined; },
      read: (addr, size) => m.memory.readBytes(addr, size),
      local: (name) => this.frameVariables(hart, frame).find((v) => v.name === name),
      global: (name) => { const a = this.code.symbols?.addressOf(name); return a === undefined ? undefined : { addr: Number(a), size: 8 }; },
    });
  }

  private frameOf(frameId: number | undefined): { hart: number; index: number } {
    if (frameId === undefined) return { hart: this.focus, index: 0 };
    const f = this.frames.get(frameId);
    if (!f) throw new RefusedError(`unknown frame ${frameId}`);
    return f;
  }

  protected evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    this.guard(response, () => {
      const f = this.frameOf(args.frameId);
      const v = this.evaluateOn(args.expression, f.hart, f.index);
      const ref = v.kind === 'var' && v.v.children && v.v.childCount ? this.refs.create({ kind: 'var', v: v.v }) : 0;
      const where = lvalueOf(v);
      response.body = { result: formatValue(v), variablesReference: ref, type: v.kind === 'var' ? v.v.type : v.type.base + '*'.repeat(v.type.pointer),
        memoryReference: where ? '0x' + where.addr.toString(16) : undefined };
      this.sendResponse(response);
    });
  }

  /** State may change only while recording, at the frontier: the past is fixed by the recording. */
  private writable(): void {
    const t = this.timeline!;
    if (!t.live) throw new RefusedError('this is a replay: registers, variables and memory are read-only (record a new session to change state)');
    if (t.position < t.end) throw new RefusedError(`state can only be changed at the end of the recording (position ${t.end}); go there first`);
  }

  private assign(hart: number, target: string, value: string, frame: number): string {
    this.writable();
    const m = this.timeline!.machine;
    const h = m.harts[hart];
    const v = this.evaluateOn(value, hart, frame);
    const n = v.kind === 'int' ? v.value : BigInt(v.v.value);
    const reg = registerByName(m, h, target);
    if (reg) { reg.write(n); return '0x' + reg.read().toString(16); }
    const where = lvalueOf(this.evaluateOn(target, hart, frame));
    if (!where) throw new RefusedError(`cannot assign to ${target}`);
    const bytes = new Uint8Array(where.size);
    for (let i = 0; i < where.size; i++) bytes[i] = Number((n >> BigInt(8 * i)) & 0xffn);
    if (!m.memory.loadBytes(where.addr, bytes, bytes.length)) throw new RefusedError('that address is not in RAM');
    m.memory.invalidateCode(where.addr, where.size);
    return formatValue(this.evaluateOn(target, hart, frame));
  }

  protected setVariableRequest(response: DebugProtocol.SetVariableResponse, args: DebugProtocol.SetVariableArguments): void {
    this.guard(response, () => {
      const ref = this.refs.get(args.variablesReference);
      const hart = ref && 'hart' in ref ? ref.hart : this.focus;
      response.body = { value: this.assign(hart, args.name, args.value, 0) };
      this.sendResponse(response);
    });
  }

  protected setExpressionRequest(response: DebugProtocol.SetExpressionResponse, args: DebugProtocol.SetExpressionArguments): void {
    this.guard(response, () => {
      const f = this.frameOf(args.frameId);
      response.body = { value: this.assign(f.hart, args.expression, args.value, f.index) };
      this.sendResponse(response);
    });
  }

  protected readMemoryRequest(response: DebugProtocol.ReadMemoryResponse, args: DebugProtocol.ReadMemoryArguments): void {
    this.guard(response, () => {
      const addr = Number(BigInt(args.memoryReference) + BigInt(args.offset ?? 0));
      const count = Math.min(args.count, 1 << 20);
      const bytes = this.timeline!.machine.memory.readBytes(addr, count);
      response.body = bytes ? { address: '0x' + addr.toString(16), data: Buffer.from(bytes).toString('base64') } : { address: '0x' + addr.toString(16), unreadableBytes: count };
      this.sendResponse(response);
    });
  }

  protected writeMemoryRequest(response: DebugProtocol.WriteMemoryResponse, args: DebugProtocol.WriteMemoryArguments): void {
    this.guard(response, () => {
      this.writable();
      const addr = Number(BigInt(args.memoryReference) + BigInt(args.offset ?? 0));
      const data = new Uint8Array(Buffer.from(args.data, 'base64'));
      const m = this.timeline!.machine;
      if (!m.memory.loadBytes(addr, data, data.length)) throw new RefusedError(`0x${addr.toString(16)}: not in RAM`);
      m.memory.invalidateCode(addr, data.length);
      response.body = { bytesWritten: data.length };
      this.sendResponse(response);
    });
  }

  protected disassembleRequest(response: DebugProtocol.DisassembleResponse, args: DebugProtocol.DisassembleArguments): void {
    this.guard(response, () => {
      const base = Number(BigInt(args.memoryReference) + BigInt(args.offset ?? 0));
      response.body = { instructions: disassembleRange(this.timeline!.machine, this.code, base, args.instructionOffset ?? 0, args.instructionCount) };
      this.sendResponse(response);
    });
  }

  // ---- breakpoints ----

  protected setBreakPointsRequest(response: DebugProtocol.SetBreakpointsResponse, args: DebugProtocol.SetBreakpointsArguments): void {
    this.guard(response, () => {
      const path = args.source.path ?? args.source.name ?? '';
      response.body = { breakpoints: this.breakpoints.setSource(path, args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }))) };
      this.sendResponse(response);
    });
  }

  protected setFunctionBreakPointsRequest(response: DebugProtocol.SetFunctionBreakpointsResponse, args: DebugProtocol.SetFunctionBreakpointsArguments): void {
    this.guard(response, () => { response.body = { breakpoints: this.breakpoints.setFunctions(args.breakpoints) }; this.sendResponse(response); });
  }

  protected setInstructionBreakpointsRequest(response: DebugProtocol.SetInstructionBreakpointsResponse, args: DebugProtocol.SetInstructionBreakpointsArguments): void {
    this.guard(response, () => { response.body = { breakpoints: this.breakpoints.setInstructions(args.breakpoints) }; this.sendResponse(response); });
  }

  protected dataBreakpointInfoRequest(response: DebugProtocol.DataBreakpointInfoResponse, args: DebugProtocol.DataBreakpointInfoArguments): void {
    this.guard(response, () => {
      const accessTypes: DebugProtocol.DataBreakpointAccessType[] = ['read', 'write', 'readWrite'];
      let where: { addr: number; size: number } | undefined;
      if (args.asAddress) where = { addr: Number(BigInt(args.name)), size: args.bytes ?? 1 };
      else {
        try { where = lvalueOf(this.evaluateOn(args.name, this.frameOf(args.frameId).hart, 0)); } catch { where = undefined; }
        if (where && args.bytes) where.size = args.bytes;
      }
      response.body = where
        ? { dataId: `0x${where.addr.toString(16)}/${where.size}`, description: `${args.name} (${where.size} bytes at 0x${where.addr.toString(16)})`, accessTypes, canPersist: true }
        : { dataId: null, description: `${args.name} is not in memory` };
      this.sendResponse(response);
    });
  }

  protected setDataBreakpointsRequest(response: DebugProtocol.SetDataBreakpointsResponse, args: DebugProtocol.SetDataBreakpointsArguments): void {
    this.guard(response, () => { response.body = { breakpoints: this.breakpoints.setData(args.breakpoints) }; this.sendResponse(response); });
  }
}
