// The DAP side of Hartline: translates requests into Target, stepping and Inspector calls. Threads are harts
// (id = hart + 1); every stop stops all of them, and the two ends of the recording stop without terminating.

import {
  InitializedEvent,
  InvalidatedEvent,
  LoggingDebugSession,
  OutputEvent,
  Event,
  StoppedEvent,
  TerminatedEvent,
} from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Edit } from '../replay/format';
import { EditError } from '../replay/edits';
import { BreakpointError, BreakpointTable } from './breakpoints';
import type { Code } from './code';
import type { Outcome, Probes } from './target';
import { formatValue } from './evaluate';
import { ExpressionError } from './expression';
import { Inspector, RefusedError } from './inspect';
import { LaunchError, parseLaunch } from './launch';
import { openRecord, openReplay } from './open';
import { hexAddress, parseAddress } from './address-space';
import { Granularity, StepContext, StepKind, stepBackward, stepForward } from './stepping';
import { CAPABILITIES, describeStop } from './capabilities';
import { customRequest, CUSTOM_WHILE_RUNNING, OPTIONAL_REQUESTS, settleSwitches } from './custom';
import type { RecordingTarget } from './recording-target';
import { describeChange } from './change';

/** Instructions of replay per step of the background pass that settles switch causes. */
const SETTLE_BUDGET = 2_000_000;

/** Requests answered while the machine runs; everything else waits for a stop. */
const WHILE_RUNNING = new Set([
  'pause',
  'threads',
  'hartline/input',
  'hartline/position',
  'setBreakpoints',
  'setFunctionBreakpoints',
  'setInstructionBreakpoints',
  'setDataBreakpoints',
  'disconnect',
  'terminate',
]);
/** A Debug Console line starting with this is typed into the guest's console instead of evaluated. */
export const INPUT_PREFIX = '>';

export class HartlineSession extends LoggingDebugSession {
  private target: RecordingTarget | undefined;
  private code!: Code;
  private inspector!: Inspector;
  private breakpoints!: BreakpointTable;
  private configured: Promise<void>;
  private configDone: () => void = () => {};
  private mode: 'record' | 'replay' = 'record';
  private running = false;
  /** The hart that last stopped, used where a request names no thread. */
  private focus = 0;
  private clientInvalidates = false;
  /** Set once the recording is finished (terminate, disconnect or a lost connection). */
  private finished = false;
  /** The background pass that gives every CPU switch and wake its cause (src/debug/switches.ts), while stopped. */
  private settling: NodeJS.Immediate | undefined;
  private learntSent = 0;

  constructor() {
    super();
    this.setDebuggerLinesStartAt1(true);
    this.setDebuggerColumnsStartAt1(true);
    this.configured = new Promise((r) => {
      this.configDone = r;
    });
  }

  protected initializeRequest(
    response: DebugProtocol.InitializeResponse,
    args: DebugProtocol.InitializeRequestArguments,
  ): void {
    this.clientInvalidates = args.supportsInvalidatedEvent === true;
    response.body = { ...CAPABILITIES, hartlineRequests: OPTIONAL_REQUESTS } as DebugProtocol.Capabilities;
    this.sendResponse(response);
  }

  private fail(response: DebugProtocol.Response, e: unknown): void {
    const known =
      e instanceof LaunchError ||
      e instanceof RefusedError ||
      e instanceof ExpressionError ||
      e instanceof BreakpointError ||
      e instanceof EditError ||
      (e instanceof Error && e.name === 'HartlineError');
    const message = e instanceof Error ? e.message : String(e);
    this.sendErrorResponse(response, { id: 1, format: known ? message : `internal error: ${message}`, showUser: true });
  }

  protected async launchRequest(
    response: DebugProtocol.LaunchResponse,
    raw: DebugProtocol.LaunchRequestArguments,
  ): Promise<void> {
    let stopOnEntry: boolean,
      startAtEnd = false;
    try {
      const cfg = parseLaunch(raw as Record<string, unknown>);
      this.mode = cfg.mode;
      const opened = cfg.mode === 'record' ? openRecord(cfg) : openReplay(cfg);
      this.target = opened.target;
      this.code = opened.code;
      for (const n of opened.notes) this.sendEvent(new OutputEvent(n + '\n', 'console'));
      stopOnEntry = cfg.stopOnEntry;
      startAtEnd = cfg.mode === 'replay' && cfg.startAt === 'end';
    } catch (e) {
      this.fail(response, e);
      return;
    }
    const t = this.target;
    this.inspector = new Inspector(t, this.code);
    t.onConsole = (text) => this.sendEvent(new OutputEvent(text, 'stdout'));
    this.breakpoints = new BreakpointTable(this.code, {
      truthy: (expr, hart) => {
        try {
          const v = this.inspector.evaluateOn(expr, hart, 0);
          return formatValue(v) !== '0';
        } catch {
          return true;
        }
      },
      interpolate: (msg, hart) =>
        msg.replace(/\{([^}]+)\}/g, (_, e) => {
          try {
            return formatValue(this.inspector.evaluateOn(e, hart, 0));
          } catch (err) {
            return `<${(err as Error).message}>`;
          }
        }),
      log: (text) => this.sendEvent(new OutputEvent(text, 'console')),
      physicalRanges: (addr, size) => this.inspector.space.physicalRanges(this.focus, addr, size),
      pcsOfPhysical: (paddr) => this.inspector.space.pcsOfPhysical(this.focus, paddr),
    });
    this.sendEvent(new InitializedEvent());
    // A client that never sends configurationDone still gets its launch after a while.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.configured,
      new Promise((r) => {
        timer = setTimeout(r, 2000);
      }),
    ]);
    clearTimeout(timer);
    this.sendResponse(response);
    if (startAtEnd) await this.move(() => t.seek(t.end), 'position');
    else if (stopOnEntry) this.report({ kind: 'start' }, 'entry');
    else await this.move(() => this.runForward(), 'breakpoint');
  }

  protected configurationDoneRequest(response: DebugProtocol.ConfigurationDoneResponse): void {
    this.configDone();
    this.sendResponse(response);
  }

  // ---- run control ----

  /** The user's breakpoints, always as they are now: a long run picks up changes made while it runs. */
  private probes(): Probes {
    const table = this.breakpoints;
    return {
      get pcs() {
        return table.probes().pcs;
      },
      get watches() {
        return table.probes().watches;
      },
      accept: (hit, replaying) => table.probes().accept(hit, replaying),
    };
  }

  /** Runs `work` with the machine marked running, then reports the stop; errors become a stop with their message. */
  private async move(work: () => Promise<Outcome> | Outcome, why: string, hart = this.focus): Promise<void> {
    this.running = true;
    let out: Outcome;
    try {
      out = await work();
    } catch (e) {
      this.running = false;
      if (this.finished) return;
      const message = e instanceof Error ? e.message : String(e);
      this.sendEvent(
        new OutputEvent(
          `${e instanceof Error && e.name === 'HartlineError' ? '' : 'internal error: '}${message}\n`,
          'stderr',
        ),
      );
      this.report({ kind: 'paused' }, 'exception', hart, message);
      return;
    }
    this.running = false;
    // Terminated meanwhile: the session is over, and a stop would only confuse the client.
    if (this.finished) return;
    this.report(out, why, hart);
  }

  /** Hit counts are ordinals from the start: before a run needs them, a silent run counts the hits up to here. */
  private async countHits(): Promise<void> {
    const t = this.target!,
      cursor = t.position;
    const from = this.breakpoints.countsNeededFrom(cursor);
    if (from === undefined) return;
    t.seek(from);
    this.breakpoints.startRun(true);
    await t.forward(this.breakpoints.countingProbes(), { resume: false, until: cursor });
    this.breakpoints.ranTo(from, t.position);
    if (t.position !== cursor) t.seek(cursor);
  }

  private async runForward(): Promise<Outcome> {
    const t = this.target!;
    await this.countHits();
    const from = t.position;
    this.breakpoints.startRun(true);
    const out = await t.forward(this.probes());
    this.breakpoints.ranTo(from, t.position);
    return out;
  }

  /** Sends the stopped event for an outcome, and the position events the extension shows. */
  private report(out: Outcome, why: string, hart = this.focus, error?: string): void {
    const t = this.target!;
    const stop = describeStop(out, why, hart, t.position, error);
    if (out.kind === 'hit' && out.hit.kind === 'data') {
      stop.description = describeChange(
        t,
        this.inspector,
        this.code,
        this.breakpoints.travelLabel ?? this.breakpoints.dataLabel(this.breakpoints.lastHit),
        out.hit,
      );
      this.sendEvent(new OutputEvent(stop.description + '\n', 'console'));
    }
    if (out.kind === 'end' && (out.reason === 'trap' || out.reason === 'deadlock'))
      this.sendEvent(new OutputEvent(out.message + '\n', 'stderr'));
    this.breakpoints.travelLabel = undefined;
    this.focus = stop.hart;
    this.inspector.reset();
    const ev = new StoppedEvent(stop.reason, stop.hart + 1) as DebugProtocol.StoppedEvent;
    ev.body.allThreadsStopped = true;
    ev.body.hitBreakpointIds = out.kind === 'hit' ? this.breakpoints.lastHit : [];
    ev.body.description = stop.description;
    ev.body.text = stop.description;
    this.sendEvent(ev);
    this.sendEvent(new Event('hartline/position', { position: t.position, end: t.end, hart: stop.hart }));
    this.sendEvent(new Event('hartline/switches', { position: t.position, switches: t.switchesNear(t.position, 5) }));
    this.settleLater();
  }

  /**
   * Settles switch causes a stretch of replay at a time between requests while the machine is stopped (a run or the
   * next request comes first); once none is left open, `hartline/causes` tells the client to ask for them again.
   */
  private settleLater(): void {
    if (this.settling || this.finished) return;
    this.settling = setImmediate(() => {
      this.settling = undefined;
      const t = this.target;
      if (!t || this.running || this.finished) return;
      const { done, learnt } = settleSwitches(t, SETTLE_BUDGET);
      if (!done) this.settleLater();
      else if (learnt !== this.learntSent) {
        this.learntSent = learnt;
        this.sendEvent(new Event('hartline/causes', { end: t.end }));
      }
    });
  }

  private guard(response: DebugProtocol.Response, body: () => void | Promise<void>, whileRunning = false): void {
    if (!this.target) {
      this.sendErrorResponse(response, { id: 2, format: 'no program is being debugged: launch first', showUser: true });
      return;
    }
    if (this.running && !whileRunning && !WHILE_RUNNING.has(response.command)) {
      this.sendErrorResponse(response, { id: 3, format: 'the machine is running: pause it first', showUser: true });
      return;
    }
    try {
      const p = body();
      if (p) p.catch((e) => this.fail(response, e));
    } catch (e) {
      this.fail(response, e);
    }
  }

  protected continueRequest(response: DebugProtocol.ContinueResponse): void {
    this.guard(response, () => {
      response.body = { allThreadsContinued: true };
      this.sendResponse(response);
      void this.move(() => this.runForward(), 'breakpoint');
    });
  }

  protected reverseContinueRequest(response: DebugProtocol.ReverseContinueResponse): void {
    this.guard(response, () => {
      this.sendResponse(response);
      void this.move(async () => {
        await this.countHits();
        this.breakpoints.startRun(false);
        return this.target!.reverseContinue(this.probes());
      }, 'breakpoint');
    });
  }

  protected pauseRequest(response: DebugProtocol.PauseResponse): void {
    this.target?.pause();
    this.sendResponse(response);
  }

  private step(
    response: DebugProtocol.Response,
    threadId: number | undefined,
    kind: StepKind,
    granularity: string | undefined,
    back: boolean,
  ): void {
    this.guard(response, () => {
      const hart = this.inspector.hartOf(threadId, this.focus);
      this.sendResponse(response);
      const g: Granularity = granularity === 'instruction' ? 'instruction' : 'line';
      const c: StepContext = {
        t: this.target!,
        lines: this.code,
        probes: this.probes(),
        caller: (h) => this.inspector.caller(h),
      };
      void this.move(
        async () => {
          await this.countHits();
          this.breakpoints.startRun(false);
          return back ? stepBackward(c, hart, kind, g) : stepForward(c, hart, kind, g);
        },
        'step',
        hart,
      );
    });
  }

  protected nextRequest(r: DebugProtocol.NextResponse, a: DebugProtocol.NextArguments): void {
    this.step(r, a.threadId, 'over', a.granularity, false);
  }
  protected stepInRequest(r: DebugProtocol.StepInResponse, a: DebugProtocol.StepInArguments): void {
    this.step(r, a.threadId, 'in', a.granularity, false);
  }
  protected stepOutRequest(r: DebugProtocol.StepOutResponse, a: DebugProtocol.StepOutArguments): void {
    this.step(r, a.threadId, 'out', a.granularity, false);
  }
  protected stepBackRequest(r: DebugProtocol.StepBackResponse, a: DebugProtocol.StepBackArguments): void {
    this.step(r, a.threadId, 'over', a.granularity, true);
  }

  protected restartRequest(response: DebugProtocol.RestartResponse): void {
    this.guard(response, () => {
      this.sendResponse(response);
      void this.move(() => this.target!.seek(0), 'restart');
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

  shutdown(): void {
    if (this.settling) clearImmediate(this.settling);
    this.settling = undefined;
    this.finishRecording();
    super.shutdown();
  }

  private finishRecording(): void {
    const t = this.target;
    if (!t || this.finished) return;
    this.finished = true;
    t.pause();
    let path: string | undefined;
    try {
      path = t.finish();
    } catch (e) {
      this.sendEvent(new OutputEvent(`the recording could not be finished: ${(e as Error).message}\n`, 'stderr'));
    }
    if (path && this.mode === 'record') this.sendEvent(new OutputEvent(`recording saved to ${path}\n`, 'console'));
  }

  // ---- custom requests: positions, switches, reverse steps of one hart, console input ----

  protected customRequest(
    command: string,
    response: DebugProtocol.Response,
    args: Record<string, unknown> | undefined,
  ): void {
    this.guard(
      response,
      () =>
        customRequest(
          {
            target: this.target!,
            inspector: this.inspector,
            breakpoints: this.breakpoints,
            focus: this.focus,
            move: (work, why, hart) => this.move(work, why, hart),
            step: (threadId, kind, granularity) => this.step(response, threadId, kind, granularity, true),
            type: (text) => this.type(text),
            respond: () => this.sendResponse(response),
            lineAt: (pc) => this.code?.lineAt(pc),
          },
          command,
          response,
          args,
        ),
      CUSTOM_WHILE_RUNNING.has(command),
    );
  }

  /** Console input for the guest: only a live recording takes it (a replay reads what was recorded). */
  private type(text: string): void {
    if (this.mode === 'replay')
      throw new RefusedError(
        'this is a replay: console input was recorded; record a new session to type into the guest',
      );
    if (!this.target!.live) throw new RefusedError('the program has ended: there is no one to read console input');
    this.target!.sendInput(Buffer.from(text, 'latin1'));
  }

  // ---- threads, frames, scopes, variables ----

  protected threadsRequest(response: DebugProtocol.ThreadsResponse): void {
    response.body = { threads: this.target ? this.inspector.threads() : [] };
    this.sendResponse(response);
  }

  protected stackTraceRequest(
    response: DebugProtocol.StackTraceResponse,
    args: DebugProtocol.StackTraceArguments,
  ): void {
    this.guard(response, () => {
      response.body = this.inspector.stackTrace(args, this.focus);
      this.sendResponse(response);
    });
  }

  protected sourceRequest(response: DebugProtocol.SourceResponse, args: DebugProtocol.SourceArguments): void {
    this.guard(response, () => {
      response.body = {
        content: this.inspector.source(args.source?.sourceReference ?? args.sourceReference),
        mimeType: 'text/x-asm',
      };
      this.sendResponse(response);
    });
  }

  protected scopesRequest(response: DebugProtocol.ScopesResponse, args: DebugProtocol.ScopesArguments): void {
    this.guard(response, () => {
      response.body = { scopes: this.inspector.scopes(args.frameId) };
      this.sendResponse(response);
    });
  }

  protected variablesRequest(response: DebugProtocol.VariablesResponse, args: DebugProtocol.VariablesArguments): void {
    this.guard(response, () => {
      response.body = { variables: this.inspector.variables(args) };
      this.sendResponse(response);
    });
  }

  // ---- evaluate, set, memory ----

  protected evaluateRequest(response: DebugProtocol.EvaluateResponse, args: DebugProtocol.EvaluateArguments): void {
    const input = args.context === 'repl' && args.expression.trimStart().startsWith(INPUT_PREFIX);
    this.guard(
      response,
      () => {
        if (input) {
          const text = args.expression.trimStart().slice(INPUT_PREFIX.length).replace(/^ /, '') + '\n';
          this.type(text);
          response.body = {
            result: `typed ${text.length} byte${text.length === 1 ? '' : 's'} into the console`,
            variablesReference: 0,
          };
        } else if (args.context === 'hover') {
          // Hovering whitespace or a keyword is no mistake of the user's: no answer, and no toast.
          try {
            response.body = this.inspector.evaluate(args.expression, args.frameId, this.focus);
          } catch (e) {
            this.sendErrorResponse(response, {
              id: 4,
              format: e instanceof Error ? e.message : String(e),
              showUser: false,
            });
            return;
          }
        } else {
          response.body = this.inspector.evaluate(args.expression, args.frameId, this.focus);
        }
        this.sendResponse(response);
      },
      input,
    );
  }

  /** State may change only while recording, at the frontier: the past is fixed by the recording. */
  private writable(): void {
    const t = this.target!;
    if (this.mode === 'replay')
      throw new RefusedError(
        'this is a replay: registers, variables and memory are read-only (record a new session to change state)',
      );
    if (!t.live) throw new RefusedError('the program has ended: the recording can no longer change');
    if (t.position !== t.end)
      throw new RefusedError(
        `state can only be changed at the end of the recording (position ${t.end}); go there first`,
      );
  }

  private applyEdit(edit: Edit): void {
    this.writable();
    this.target!.edit(edit);
    if (this.clientInvalidates) this.sendEvent(new InvalidatedEvent(['variables']));
  }

  protected setVariableRequest(
    response: DebugProtocol.SetVariableResponse,
    args: DebugProtocol.SetVariableArguments,
  ): void {
    this.guard(response, () => {
      this.writable();
      const a = this.inspector.assignListed(args.variablesReference, args.name, args.value, this.focus);
      this.applyEdit(a.edit);
      this.inspector.refresh();
      response.body = { value: formatValue(this.inspector.evaluateOn(a.target, a.hart, 0)) };
      this.sendResponse(response);
    });
  }

  protected setExpressionRequest(
    response: DebugProtocol.SetExpressionResponse,
    args: DebugProtocol.SetExpressionArguments,
  ): void {
    this.guard(response, () => {
      this.writable();
      const f = this.inspector.frameOf(args.frameId, this.focus);
      const edit = this.inspector.assignment(f.hart, f.index, args.expression, args.value);
      this.applyEdit(edit);
      this.inspector.refresh();
      const after = this.inspector.evaluateOn(args.expression, f.hart, 0);
      response.body = {
        value:
          edit.target === 'register'
            ? '0x' + BigInt.asUintN(64, after.kind === 'int' ? after.value : 0n).toString(16)
            : formatValue(after),
      };
      this.sendResponse(response);
    });
  }

  protected readMemoryRequest(
    response: DebugProtocol.ReadMemoryResponse,
    args: DebugProtocol.ReadMemoryArguments,
  ): void {
    this.guard(response, () => {
      response.body = this.inspector.readMemory(args, this.focus);
      this.sendResponse(response);
    });
  }

  protected writeMemoryRequest(
    response: DebugProtocol.WriteMemoryResponse,
    args: DebugProtocol.WriteMemoryArguments,
  ): void {
    this.guard(response, () => {
      const parsed = parseAddress(args.memoryReference, args.offset ?? 0);
      if (!parsed) throw new RefusedError(`bad memory reference ${args.memoryReference}`);
      const bytes = new Uint8Array(Buffer.from(args.data, 'base64'));
      if (bytes.length === 0) throw new RefusedError('no bytes to write');
      // Edits are physical: a virtual reference is translated through the focused hart's page tables.
      const address = parsed.physical
        ? parsed.addr
        : this.inspector.physicalForEdit(this.focus, parsed.addr, bytes.length);
      this.applyEdit({ target: 'memory', address, bytes });
      response.body = { bytesWritten: bytes.length };
      this.sendResponse(response);
    });
  }

  protected disassembleRequest(
    response: DebugProtocol.DisassembleResponse,
    args: DebugProtocol.DisassembleArguments,
  ): void {
    this.guard(response, () => {
      response.body = { instructions: this.inspector.disassemble(args, this.focus) };
      this.sendResponse(response);
    });
  }

  // ---- breakpoints ----

  protected setBreakPointsRequest(
    response: DebugProtocol.SetBreakpointsResponse,
    args: DebugProtocol.SetBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      const path = args.source.path ?? args.source.name ?? '';
      response.body = {
        breakpoints: this.breakpoints.setSource(path, args.breakpoints ?? (args.lines ?? []).map((line) => ({ line }))),
      };
      if (args.source.path && response.body.breakpoints.some((b) => b.verified))
        this.inspector.paths.noteClient(args.source.path);
      this.sendResponse(response);
    });
  }

  protected setFunctionBreakPointsRequest(
    response: DebugProtocol.SetFunctionBreakpointsResponse,
    args: DebugProtocol.SetFunctionBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      response.body = { breakpoints: this.breakpoints.setFunctions(args.breakpoints) };
      this.sendResponse(response);
    });
  }

  protected setInstructionBreakpointsRequest(
    response: DebugProtocol.SetInstructionBreakpointsResponse,
    args: DebugProtocol.SetInstructionBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      response.body = { breakpoints: this.breakpoints.setInstructions(args.breakpoints) };
      this.sendResponse(response);
    });
  }

  protected dataBreakpointInfoRequest(
    response: DebugProtocol.DataBreakpointInfoResponse,
    args: DebugProtocol.DataBreakpointInfoArguments,
  ): void {
    this.guard(response, () => {
      const accessTypes: DebugProtocol.DataBreakpointAccessType[] = ['read', 'write', 'readWrite'];
      const where = this.inspector.dataTarget(args, this.focus);
      if (where)
        this.breakpoints.labelData(
          `0x${where.addr.toString(16)}/${where.size}`,
          /^(0x[0-9a-f]+|\d+)$/i.test(args.name.trim()) ? undefined : args.name.trim(),
        );
      response.body = where
        ? {
            dataId: `${where.physical ? 'phys:' : ''}${hexAddress(where.addr)}/${where.size}`,
            description: `${args.name} (${where.size} bytes at ${hexAddress(where.addr)})`,
            accessTypes,
            canPersist: true,
          }
        : { dataId: null, description: `${args.name} is not in memory` };
      this.sendResponse(response);
    });
  }

  protected setDataBreakpointsRequest(
    response: DebugProtocol.SetDataBreakpointsResponse,
    args: DebugProtocol.SetDataBreakpointsArguments,
  ): void {
    this.guard(response, () => {
      response.body = { breakpoints: this.breakpoints.setData(args.breakpoints) };
      this.sendResponse(response);
    });
  }
}
