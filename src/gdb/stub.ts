// One gdb connection: acks and framing (codec.ts) in, packets dispatched to the target, replies out. Threads are
// harts (thread id = hart + 1); the whole machine stops together (all-stop). A run awaits between stretches, so a
// Ctrl-C that arrives meanwhile stops it; every other packet waits for the stop.

import {
  Decoder,
  encodePacket,
  fromHex,
  PACKET_SIZE,
  parseHex,
  parseLittleEndian,
  littleEndianHex,
  toHex,
  unescapeBinary,
} from './codec';
import { monitor } from './monitor';
import { G_REGISTERS, readRegister, registerEdit, registerSize, targetXml } from './registers';
import { readVirtual, writePieces } from './memory';
import type { GdbStop, GdbTarget, WatchKind } from './target';
import { HartRun } from '../riscv/hart';

/** Error replies: errno values, as gdbserver uses them. */
const E = { perm: 'E01', fault: 'E0e', inval: 'E16' } as const;
const PRIV = ['U', 'S', '?', 'M'];

export interface StubOptions {
  /** Bytes to the client. */
  send: (bytes: Buffer) => void;
  /** The client is done (D or k): close the connection. */
  close: () => void;
  /** Lets I/O in during a long run (the server awaits a macrotask; tests may do the same). */
  between?: () => Promise<void>;
  /** Protocol trace, one line per packet each way (`--gdb-trace`). */
  trace?: (line: string) => void;
  /** Where the text of O packets and end-of-recording notes also goes (the stub's own terminal). */
  note?: (text: string) => void;
}

export class GdbStub {
  private readonly decoder = new Decoder();
  private noAck = false;
  /** The thread register and memory packets use (Hg), and the one bs/bc/s/c act on when Hc names none. */
  private current = 0;
  private continueHart: number | undefined;
  private running = false;
  private interrupted = false;
  private queue: Buffer[] = [];
  private lastReply: Buffer | undefined;
  private closed = false;
  /** How the session ended: 'detached' (D), 'killed' (k, vKill). */
  ending: 'detached' | 'killed' | undefined;
  private xml: Buffer | undefined;
  /** Breakpoint pcs inserted with Z0 and with Z1, with their insertion counts. */
  private readonly software = new Map<number, number>();
  private readonly hardware = new Map<number, number>();
  /** Packets answered, for the report at the end. */
  packets = 0;

  constructor(
    readonly target: GdbTarget,
    private readonly o: StubOptions,
  ) {
    const h = target.session.log.hartAt(target.position);
    this.current = h < 0 ? 0 : h;
  }

  /** Bytes from the client. */
  receive(chunk: Uint8Array): void {
    for (const f of this.decoder.push(chunk)) {
      if (this.closed) return;
      switch (f.kind) {
        case 'interrupt':
          // Stopped already: nothing to interrupt (gdb sends one only while it waits for a stop).
          if (this.running) this.interrupted = true;
          break;
        case 'nak':
          if (this.lastReply) this.o.send(this.lastReply);
          break;
        case 'ack':
          break;
        case 'bad-checksum':
          this.o.trace?.(`<- (bad checksum) ${f.data.toString('latin1').slice(0, 80)}`);
          if (!this.noAck) this.o.send(Buffer.from('-'));
          break;
        case 'garbage':
          // An overlong packet is refused so gdb resends (and fails loudly); stray bytes between packets are skipped.
          if (!this.noAck && f.bytes >= PACKET_SIZE) this.o.send(Buffer.from('-'));
          break;
        case 'packet':
          if (!this.noAck) this.o.send(Buffer.from('+'));
          if (this.running) this.queue.push(f.data);
          else this.handle(f.data);
          break;
      }
    }
  }

  private reply(payload: string | Uint8Array): void {
    if (this.closed) return;
    const bytes = encodePacket(payload);
    this.lastReply = bytes;
    this.o.trace?.(`-> ${bytes.toString('latin1').slice(0, 200)}`);
    this.o.send(bytes);
  }

  private handle(data: Buffer): void {
    const text = data.toString('latin1');
    this.o.trace?.(`<- ${text.slice(0, 200)}`);
    this.packets++;
    let r: string | Promise<string | undefined> | undefined;
    try {
      r = this.dispatch(text, data);
    } catch (e) {
      // A bug must not take the session down: report it and answer with an error.
      this.o.note?.(
        `hartline: gdb stub: internal error on '${text.slice(0, 40)}': ${e instanceof Error ? e.message : String(e)}\n`,
      );
      r = E.perm;
    }
    if (typeof r === 'string') this.reply(r);
    else if (r) this.run(r);
  }

  /** A resumption: further packets wait in the queue until the stop reply is sent. */
  private run(p: Promise<string | undefined>): void {
    this.running = true;
    p.then(
      (reply) => reply,
      (e) => {
        this.o.note?.(`hartline: ${e instanceof Error ? e.message : String(e)}\n`);
        return `T05thread:${this.tid(this.current)};`;
      },
    ).then((reply) => {
      this.running = false;
      this.interrupted = false;
      if (reply !== undefined) this.reply(reply);
      while (!this.running && this.queue.length && !this.closed) this.handle(this.queue.shift()!);
    });
  }

  private tid(hart: number): string {
    return (hart + 1).toString(16);
  }

  /** A thread id from gdb: -1 all, 0 any, else hart + 1; undefined when malformed or no such hart. */
  private thread(text: string): number | undefined {
    if (text === '-1') return -1;
    const v = parseHex(text);
    if (v === undefined || v > BigInt(this.target.harts)) return undefined;
    return Number(v) - 1;
  }

  /** The T reply for a stop; the stop's hart becomes the current thread. */
  private stopReply(s: GdbStop): string {
    const log = this.target.session.log;
    if (s.hart !== undefined) this.current = s.hart;
    else if (s.kind !== 'arrived') {
      const h = log.hartAt(Math.max(0, this.target.position - 1));
      if (h >= 0) this.current = h;
    }
    const thread = `thread:${this.tid(this.current)};`;
    switch (s.kind) {
      case 'breakpoint': {
        // A Z1 (hbreak) alone at this pc is reported as the hardware breakpoint gdb set.
        const pc = this.target.machine.harts[this.current].pc;
        return `T05${thread}${this.hardware.has(pc) && !this.software.has(pc) ? 'hwbreak' : 'swbreak'}:;`;
      }
      case 'watchpoint':
        return `T05${thread}${s.watch ? `${s.watch.kind}:${s.watch.address.toString(16)};` : ''}`;
      case 'interrupt':
        return `T02${thread}`;
      case 'start':
        return `T05${thread}replaylog:begin;`;
      case 'end':
        return `T05${thread}replaylog:end;`;
      default:
        return `T05${thread}`;
    }
  }

  /** A stop reply, with the end's message first as console output (gdb prints O packets while it waits). */
  private finishRun(s: GdbStop): string {
    if (s.message && s.kind === 'end') {
      this.reply('O' + toHex(Buffer.from(`hartline: ${s.message}\n`)));
      this.o.note?.(`hartline: ${s.message}\n`);
    }
    return this.stopReply(s);
  }

  private dispatch(p: string, raw: Buffer): string | Promise<string | undefined> | undefined {
    const t = this.target;
    switch (p[0]) {
      case '?':
        return this.stopReply({ kind: 'arrived', hart: this.current });
      case 'g':
        return p === 'g'
          ? G_REGISTERS.map((n) => littleEndianHex(readRegister(t.machine, this.hart(), n)!, 8)).join('')
          : E.inval;
      case 'G':
        return this.writeAll(p.slice(1));
      case 'p':
        return this.readOne(p.slice(1));
      case 'P':
        return this.writeOne(p.slice(1));
      case 'm':
        return this.readMemory(p.slice(1));
      case 'M':
        return this.writeMemory(p.slice(1), false, raw);
      case 'X':
        return this.writeMemory(p.slice(1), true, raw);
      case 'Z':
      case 'z':
        return this.point(p);
      case 'H':
        return this.setThread(p);
      case 'T': {
        const h = this.thread(p.slice(1));
        return h !== undefined && h >= 0 ? 'OK' : E.inval;
      }
      case 'c':
        return p === 'c' ? this.resume('c', this.continueHart) : E.inval;
      case 's':
        return p === 's' ? this.resume('s', this.stepHart()) : E.inval;
      case 'b':
        if (p === 'bc') return this.backward('c');
        if (p === 'bs') return this.backward('s');
        return '';
      case 'D':
        this.reply('OK');
        this.end('detached');
        return undefined;
      case 'k':
        this.end('killed');
        return undefined;
      case 'q':
        return this.query(p);
      case 'Q':
        return p === 'QStartNoAckMode' ? (this.reply('OK'), (this.noAck = true), undefined) : '';
      case 'v':
        return this.vPacket(p);
      default:
        return '';
    }
  }

  /** The hart register and memory packets address. */
  private hart() {
    return this.target.machine.harts[this.current];
  }

  private stepHart(): number {
    return this.continueHart !== undefined && this.continueHart >= 0 ? this.continueHart : this.current;
  }

  private setThread(p: string): string {
    const h = this.thread(p.slice(2));
    if (h === undefined || (p[1] !== 'g' && p[1] !== 'c')) return E.inval;
    if (p[1] === 'g') {
      if (h >= 0) this.current = h;
    } else this.continueHart = h >= 0 ? h : undefined;
    return 'OK';
  }

  private readOne(arg: string): string {
    const n = parseHex(arg);
    if (n === undefined) return E.inval;
    const size = registerSize(Number(n));
    const v = size ? readRegister(this.target.machine, this.hart(), Number(n)) : undefined;
    if (!size) return E.inval;
    return v === undefined ? 'xx'.repeat(size) : littleEndianHex(v, size);
  }

  private writeOne(arg: string): string {
    const m = /^([0-9a-fA-F]+)=([0-9a-fA-F]+)$/.exec(arg);
    if (!m) return E.inval;
    const n = Number(parseHex(m[1]) ?? -1),
      size = registerSize(n);
    const v = size ? parseLittleEndian(m[2], size) : undefined;
    if (v === undefined) return E.inval;
    const e = registerEdit(this.current, n, v);
    if (!e) return E.perm;
    return this.edited(this.target.edit(e));
  }

  private writeAll(hex: string): string {
    if (hex.length !== G_REGISTERS.length * 16) return E.inval;
    const edits = [];
    for (let k = 0; k < G_REGISTERS.length; k++) {
      const v = parseLittleEndian(hex.slice(16 * k, 16 * k + 16), 8);
      if (v === undefined) return E.inval;
      // Only registers that change are recorded; x0 never changes.
      if (k === 0 || v === readRegister(this.target.machine, this.hart(), G_REGISTERS[k])) continue;
      edits.push(registerEdit(this.current, G_REGISTERS[k], v)!);
    }
    for (const e of edits) {
      const why = this.target.edit(e);
      if (why) return this.edited(why);
    }
    return 'OK';
  }

  private edited(why: string | undefined): string {
    if (why === undefined) return 'OK';
    this.o.note?.(`hartline: gdb write refused: ${why}\n`);
    return E.perm;
  }

  private addressLength(arg: string): { addr: bigint; len: number } | undefined {
    const m = /^([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})$/.exec(arg);
    if (!m) return undefined;
    return { addr: BigInt('0x' + m[1]), len: parseInt(m[2], 16) };
  }

  private readMemory(arg: string): string {
    const al = this.addressLength(arg);
    if (!al) return E.inval;
    const len = Math.min(al.len, (PACKET_SIZE - 8) >> 1);
    if (len === 0) return '';
    const bytes = readVirtual(this.target.machine, this.hart(), al.addr, len);
    return bytes.length ? toHex(bytes) : E.fault;
  }

  private writeMemory(arg: string, binary: boolean, raw: Buffer): string {
    const colon = arg.indexOf(':');
    const al = colon > 0 ? this.addressLength(arg.slice(0, colon)) : undefined;
    if (!al) return E.inval;
    const start = raw.indexOf(0x3a) + 1;
    const data = binary ? unescapeBinary(raw.subarray(start)) : fromHex(arg.slice(colon + 1));
    if (!data || data.length !== al.len) return E.inval;
    if (data.length === 0) return 'OK';
    const pieces = writePieces(this.target.machine, this.hart(), al.addr, data);
    if (!pieces) return E.fault;
    for (const piece of pieces) {
      const why = this.target.edit({ target: 'memory', address: piece.address, bytes: piece.bytes });
      if (why) return this.edited(why);
    }
    return 'OK';
  }

  private point(p: string): string {
    const m = /^([Zz])([0-4]),([0-9a-fA-F]{1,16}),([0-9a-fA-F]{1,8})(;.*)?$/.exec(p);
    if (!m) return E.inval;
    const insert = m[1] === 'Z',
      type = Number(m[2]),
      addr = BigInt('0x' + m[3]),
      kind = parseInt(m[4], 16);
    const t = this.target;
    if (type <= 1) {
      const pc = Number(BigInt.asIntN(64, addr));
      const kinds = type === 0 ? this.software : this.hardware;
      if (insert) {
        t.addBreakpoint(pc);
        kinds.set(pc, (kinds.get(pc) ?? 0) + 1);
      } else if (t.removeBreakpoint(pc)) {
        const n = kinds.get(pc) ?? 0;
        if (n > 1) kinds.set(pc, n - 1);
        else kinds.delete(pc);
      }
      return 'OK';
    }
    if (kind < 1 || kind > 4096) return E.inval;
    const wk: WatchKind = type === 2 ? 'watch' : type === 3 ? 'rwatch' : 'awatch';
    if (insert) return t.addWatch(wk, addr, kind, this.current) ? 'OK' : E.fault;
    t.removeWatch(wk, addr, kind);
    return 'OK';
  }

  /**
   * Steps `hart`, or continues; a continue with `hart` resumes that thread alone (gdb steps over a breakpoint or
   * single-steps RISC-V by a breakpoint at the next pc that way), so only its hits stop it.
   */
  private resume(action: 'c' | 's', hart: number | undefined): Promise<string | undefined> {
    const t = this.target;
    if (action === 's') return this.later(() => t.stepForward(hart!));
    return (async () => this.finishRun(await t.continueForward(this.between(), () => this.interrupted, hart)))();
  }

  private backward(action: 'c' | 's'): Promise<string | undefined> {
    const t = this.target;
    if (action === 's') return this.later(() => t.stepBackward(this.stepHart()));
    const hart = this.continueHart;
    return (async () => this.finishRun(await t.continueBackward(this.between(), () => this.interrupted, hart)))();
  }

  /** What a long run awaits between its stretches: the connection's data (Ctrl-C) gets in. */
  private between(): () => Promise<void> {
    return this.o.between ?? (() => new Promise<void>((r) => setImmediate(r)));
  }

  /** Runs `work` after the current packet's ack has gone out, as a resumption. */
  private later(work: () => GdbStop): Promise<string | undefined> {
    return new Promise((r) => setImmediate(r)).then(() => this.finishRun(work()));
  }

  private vPacket(p: string): string | Promise<string | undefined> | undefined {
    if (p === 'vCont?') return 'vCont;c;C;s;S';
    if (p === 'vMustReplyEmpty') return '';
    if (p.startsWith('vKill')) {
      this.reply('OK');
      this.end('killed');
      return undefined;
    }
    if (!p.startsWith('vCont;')) return '';
    // All-stop: a step action wins; continue actions name the threads that resume (all, unless each names one).
    let step: number | undefined,
      all = false;
    const resumed = new Set<number>();
    for (const a of p.slice(6).split(';')) {
      const m = /^([cCsS])([0-9a-fA-F]{2})?(?::(-1|[0-9a-fA-F]+))?$/.exec(a);
      if (!m) return E.inval;
      const h = m[3] === undefined ? -1 : this.thread(m[3]);
      if (h === undefined) return E.inval;
      if (m[1] === 's' || m[1] === 'S') step ??= h >= 0 ? h : this.stepHart();
      else if (h < 0) all = true;
      else resumed.add(h);
    }
    if (step !== undefined) return this.resume('s', step);
    if (!all && resumed.size === 0) return E.inval;
    return this.resume('c', !all && resumed.size === 1 ? [...resumed][0] : undefined);
  }

  private query(p: string): string | undefined {
    const t = this.target;
    if (p.startsWith('qSupported')) {
      return `PacketSize=${PACKET_SIZE.toString(16)};qXfer:features:read+;ReverseStep+;ReverseContinue+;vContSupported+;swbreak+;hwbreak+;QStartNoAckMode+`;
    }
    if (p === 'qAttached' || p.startsWith('qAttached:')) return '1';
    if (p === 'qC') return `QC${this.tid(this.current)}`;
    if (p === 'qfThreadInfo') return 'm' + t.machine.harts.map((h) => this.tid(h.id)).join(',');
    if (p === 'qsThreadInfo') return 'l';
    if (p.startsWith('qThreadExtraInfo,')) {
      const h = this.thread(p.slice(17));
      if (h === undefined || h < 0) return E.inval;
      const hart = t.machine.harts[h];
      const state = hart.run === HartRun.wfi ? ', wfi' : '';
      return toHex(Buffer.from(`hart ${h}, ${PRIV[hart.priv]}-mode${state}`));
    }
    if (p.startsWith('qXfer:features:read:')) {
      const m = /^qXfer:features:read:([^:]+):([0-9a-fA-F]{1,8}),([0-9a-fA-F]{1,8})$/.exec(p);
      if (!m) return E.inval;
      if (m[1] !== 'target.xml') return 'E00';
      this.xml ??= Buffer.from(targetXml(), 'latin1');
      const off = parseInt(m[2], 16),
        len = Math.min(parseInt(m[3], 16), PACKET_SIZE - 16);
      if (off > this.xml.length) return E.inval;
      const part = this.xml.subarray(off, off + len);
      return off + len >= this.xml.length ? 'l' + part.toString('latin1') : 'm' + part.toString('latin1');
    }
    if (p.startsWith('qRcmd,')) {
      const cmd = fromHex(p.slice(6));
      if (!cmd) return E.inval;
      const r = monitor(t, Buffer.from(cmd).toString('latin1'));
      if (r.moved) this.stopReply(r.moved);
      return toHex(Buffer.from(r.text));
    }
    if (p === 'qOffsets') return 'Text=0;Data=0;Bss=0';
    if (p === 'qSymbol::') return 'OK';
    return '';
  }

  private end(how: 'detached' | 'killed'): void {
    if (this.closed) return;
    this.closed = true;
    this.ending = how;
    this.o.close();
  }

  /** Whether D or k has been received. */
  get done(): boolean {
    return this.closed;
  }
}
