// The SMP machine in the shape of QEMU's virt: harts, RAM, UART, CLINT, test finisher, HTIF and semihosting,
// run one hart at a time under a schedule. Virtual time is a pure function of the position.

import { ExitCode, HartlineError } from '../errors';
import { DEADLOCK_MESSAGE, endingOf } from './ending';
import { Hart, HartRun, IRQ } from '../riscv/hart';
import { execute, ExecOptions } from '../riscv/interpreter';
import { enterTrap, pendingInterrupt, UnhandledTrap } from '../riscv/trap';
import { disassembleText } from '../riscv/disassemble';
import { Memory } from './memory';
import { Uart } from './uart';
import { Clint, NS_PER_TICK } from './clint';
import { Finisher } from './finisher';
import { resumeRead, semihostCall, SemihostFiles } from './semihosting';
import type { SemihostHost } from './semihosting';
import type { ElfImage } from './elf';
import { parsePayload } from './payload';
import { HartSchedule, RoundRobin } from './schedule';
import { describeCause } from './causes';
import { Plic, UART_IRQ } from './plic';
import { bootImages } from './boot';
import { debugTranslate, Mmu } from '../riscv/mmu';
import { WasmArena } from '../riscv/wasm-block';
import { WARM_UP_FROM, warmUpInterpreter } from './warm-up';

export interface MachineOptions {
  harts?: number;
  /** RAM size in bytes (default 128 MiB). */
  ramSize?: number;
  /** Round-robin quantum in instructions (default 10000), used when no schedule is given. */
  quantum?: number;
  schedule?: HartSchedule;
  /** Bytes the guest reads from its console (UART receive and semihosting), in order. */
  input?: Uint8Array;
  /** Name used in error messages about the image. */
  name?: string;
  /** Firmware image (as QEMU's -bios): harts start at its entry and the main image is its payload. */
  bios?: ElfImage;
  biosName?: string;
  /** Kernel command line for /chosen/bootargs. */
  bootargs?: string;
  /** An initial ramdisk (QEMU's -initrd), placed as QEMU 7.2 places it and named in /chosen. */
  initrd?: Uint8Array;
  /** A device tree to boot instead of the generated one (QEMU's -dtb); /chosen gets bootargs and the initrd. */
  dtb?: Uint8Array;
  dtbName?: string;
  /** Where a flat binary payload is loaded (--load-address). */
  loadAddress?: number;
  /** Compile hot code into JS blocks (default true); false runs the reference interpreter only. */
  compile?: boolean;
  /** Which code generator builds blocks (default DEFAULT_BLOCK_BACKEND): JS source through new Function, or WebAssembly. */
  blockBackend?: 'js' | 'wasm';
}

/** 'stop' means a hook called requestStop() (a watchpoint, the debugger). */
export type StopReason = 'exit' | 'limit' | 'trap' | 'deadlock' | 'breakpoint' | 'stop';

export interface RunResult {
  reason: StopReason;
  exitCode: number;
  message?: string;
}

/** Host input, read through the one input door. `readByte` returns a byte, or -1 when there is none now. */
export interface InputPort {
  readByte(channel: 'uart' | 'semihost'): number;
}

export const DEFAULT_RAM = 128 * 1024 * 1024;
/** The block backend chosen by measurement (bench/README.md, "Block backend: JS against WebAssembly"). */
export const DEFAULT_BLOCK_BACKEND: 'js' | 'wasm' = 'wasm';

/** Sstc: the hart's stimecmp drives STIP once M-mode has set menvcfg.STCE. */
const sstcEnabled = (h: Hart) => h.menvcfg >> 63n !== 0n;
export const MAX_HARTS = 64;

export class Machine {
  readonly harts: Hart[];
  readonly memory: Memory;
  readonly uart: Uart;
  readonly clint: Clint;
  readonly plic: Plic;
  /** Open semihosting handles (machine state, like device registers). */
  readonly semihostFiles = new SemihostFiles();
  schedule: HartSchedule;
  /** Instructions executed by all harts together since reset. Committed at the end of each run of a hart. */
  position = 0;
  /** Virtual nanoseconds added to the position-derived clock (wfi skips and guest writes to mtime). */
  timeOffsetNs = 0;
  /** The hart that ran last, -1 before the first slice. */
  current = -1;
  exit: { code: number; message: string } | undefined;
  trap: { hart: number; message: string } | undefined;
  /** Guest console output, byte for byte. */
  onConsole: (bytes: Uint8Array) => void = () => {};
  /** Called when the running hart changes (recording logs these). */
  onSwitch: ((position: number, hart: number) => void) | undefined;
  /** Called when a hart takes interrupt `irq` (an IRQ number), before its handler runs (analyses such as the race detector). */
  onInterrupt: ((hart: number, irq: number) => void) | undefined;
  /** Called for every byte that enters through the input door (recording logs these). */
  onInput: ((position: number, channel: 'uart' | 'semihost', byte: number) => void) | undefined;
  input: InputPort;
  readonly exec: ExecOptions & { breakpoints: Set<number> };
  readonly entry: number;
  readonly fdtAddress: number;
  readonly image: ElfImage;
  // Bookkeeping for positionNow() while a hart is inside the interpreter.
  private runHart: Hart | undefined;
  private runStartRetired = 0;
  private stopRequested = false;
  /** A hart resuming from a breakpoint executes that one instruction before the breakpoint is armed again. */
  /**
   * Harts that stopped on a breakpoint and have not executed since, by hart: each executes through it when next
   * scheduled. Several harts can sit on breakpoints at once (they run the same code); an entry is dropped as soon
   * as its hart moves, so a state reached again later hits again.
   */
  private readonly resume = new Map<number, { pc: number; retired: number }>();

  constructor(image: ElfImage, opts: MachineOptions = {}) {
    const harts = opts.harts ?? 1;
    const ramSize = opts.ramSize ?? DEFAULT_RAM;
    if (!Number.isInteger(harts) || harts < 1 || harts > MAX_HARTS)
      throw new HartlineError(`--harts must be 1..${MAX_HARTS}, got ${harts}`);
    if (ramSize < 1 << 20 || ramSize > 2 ** 31 || ramSize % 4096 !== 0)
      throw new HartlineError('--ram must be a multiple of 4 KiB between 1 MiB and 2 GiB');
    this.image = image;
    // The wasm backend needs RAM, registers and TLBs in one WebAssembly.Memory.
    const backend = opts.blockBackend ?? DEFAULT_BLOCK_BACKEND;
    const arena = backend === 'wasm' && opts.compile !== false ? new WasmArena(ramSize, harts) : undefined;
    this.harts = Array.from({ length: harts }, (_, k) => new Hart(k, arena?.registers(k)));
    this.memory = new Memory(ramSize, arena);
    this.memory.harts = this.harts;
    this.memory.clock = () => this.mtime();
    this.schedule = opts.schedule ?? new RoundRobin(opts.quantum ?? 10000);
    const bytes = opts.input ?? new Uint8Array(0);
    let next = 0;
    this.input = { readByte: () => (next < bytes.length ? bytes[next++] : -1) };
    this.uart = new Uart(
      (b) => this.console(new Uint8Array([b])),
      () => this.readInput('uart'),
    );
    this.clint = new Clint(
      this.harts,
      () => this.mtime(),
      (v) => this.setMtime(v),
      () => {
        this.memory.stop = true;
      },
    );
    this.memory.addDevice(this.uart);
    this.memory.addDevice(this.clint);
    this.memory.addDevice(new Finisher((code, how) => this.finish(code, how)));
    this.plic = new Plic(this.harts, () => {
      this.memory.stop = true;
    });
    this.memory.addDevice(this.plic);
    this.uart.onIrq = (high) => this.plic.setLevel(UART_IRQ, high);
    for (const h of this.harts) h.mmu = new Mmu(this.memory, arena?.tlb(h.id));
    this.memory.semihostHandler = (h) => semihostCall(h, this.semihostHost(h));
    this.exec = {
      breakpoints: new Set(),
      suppressBreakAt: -1,
      hit: false,
      compile: opts.compile ?? true,
      onUnhandledTrap: (h, t) => this.unhandled(h, t),
    };

    const boot = bootImages(this, image, opts, ramSize);
    this.entry = boot.entry;
    this.fdtAddress = boot.fdtAddress;
  }

  /** Builds a machine from a payload (ELF, Linux Image or flat binary); throws HartlineError on a bad one. */
  static fromElf(bytes: Uint8Array, opts: MachineOptions = {}): Machine {
    return new Machine(
      parsePayload(bytes, opts.name ?? 'image', { firmware: opts.bios, loadAddress: opts.loadAddress }),
      opts,
    );
  }

  /** The position right now, including instructions the running hart has executed in its current run. */
  positionNow(): number {
    const h = this.runHart;
    return h ? this.position + (h.retired - this.runStartRetired) : this.position;
  }

  mtime(): bigint {
    return BigInt(Math.floor((this.positionNow() + this.timeOffsetNs) / NS_PER_TICK));
  }

  private setMtime(v: bigint): void {
    const target = Number(v) * NS_PER_TICK;
    this.timeOffsetNs = target - this.positionNow();
  }

  private semihostHost(h: Hart): SemihostHost {
    return {
      memory: this.memory,
      files: this.semihostFiles,
      write: (b) => this.console(b),
      readByte: () => this.readInput('semihost'),
      nowNs: () => this.positionNow() + this.timeOffsetNs,
      exit: (code, how) => this.finish(code, how),
      // The hart stops here, its ebreak retired; pollSemihost retries the read at each slice boundary.
      wait: () => {
        h.run = HartRun.input;
        this.memory.stop = true;
      },
    };
  }

  /** True when a guest waits for console input: a UART receive interrupt, or a hart blocked in a semihosting read. */
  get wantsInput(): boolean {
    return this.uart.wantsInput || this.harts.some((h) => h.run === HartRun.input);
  }

  /** Retries the reads of harts blocked on semihosting input; one that gets its bytes runs on. */
  private pollSemihost(): void {
    for (const h of this.harts) {
      if (h.run === HartRun.input && resumeRead(h, this.semihostHost(h))) h.run = HartRun.running;
    }
  }

  /** Guest console output from any device. */
  console(bytes: Uint8Array): void {
    this.onConsole(bytes);
  }

  private readInput(channel: 'uart' | 'semihost'): number {
    const b = this.input.readByte(channel);
    if (b >= 0 && this.onInput) this.onInput(this.positionNow(), channel, b);
    return b;
  }

  /** Ends the run with the guest's exit code. */
  finish(code: number, message: string): void {
    if (!this.exit) this.exit = { code, message };
    this.memory.stop = true;
  }

  private unhandled(h: Hart, t: UnhandledTrap): void {
    const interrupt = t.cause >> 63n === 1n;
    const code = Number(t.cause & 0xffffn);
    const word = this.instructionAt(t.pc);
    const text =
      word === undefined
        ? ''
        : ` (${disassembleText(word, BigInt.asUintN(64, BigInt(t.pc)))}, 0x${(word >>> 0).toString(16)})`;
    this.trap = {
      hart: h.id,
      message:
        `hart ${h.id}: ${describeCause(code, interrupt)} at pc 0x${BigInt.asUintN(64, BigInt(t.pc)).toString(16)}${text}, ` +
        `tval 0x${t.tval.toString(16)}, and no trap handler (mtvec = 0)`,
    };
    this.memory.stop = true;
  }

  /** The physical address hart `h` fetches its next instruction from, or undefined when that fetch would fault. */
  fetchAddress(h: Hart): number | undefined {
    if (!Mmu.fetchTranslated(h) || !h.mmu) return this.memory.fetch16(h.pc) < 0 ? undefined : h.pc;
    h.mmu.sync(h);
    const p = h.mmu.translate(h, h.pc, 0);
    return p < 0 || this.memory.fetch16(p) < 0 ? undefined : p;
  }

  /** The instruction bits at a physical pc (16 or 32 bits), or undefined outside RAM. */
  instructionAt(pc: number): number | undefined {
    const lo = this.memory.fetch16(pc);
    if (lo < 0) return undefined;
    if ((lo & 3) !== 3) return lo;
    const hi = this.memory.fetch16(pc + 2);
    return hi < 0 ? lo : (lo | (hi << 16)) >>> 0;
  }

  /** The position at which mtime reaches `cmp` (Infinity when never). */
  private deadlineOf(cmp: bigint): number {
    if (cmp >= 1n << 50n) return Infinity;
    return Number(cmp) * NS_PER_TICK - this.timeOffsetNs;
  }

  /** Timer: the position at which hart h's next timer (mtimecmp, or stimecmp under Sstc) fires. */
  timerDeadline(h: Hart): number {
    const m = this.deadlineOf(this.clint.mtimecmp[h.id]);
    return sstcEnabled(h) ? Math.min(m, this.deadlineOf(h.stimecmp)) : m;
  }

  private updateTimer(h: Hart): void {
    const now = this.mtime();
    if (now >= this.clint.mtimecmp[h.id]) h.mipHw |= 1 << IRQ.MTI;
    else h.mipHw &= ~(1 << IRQ.MTI);
    if (sstcEnabled(h) && now >= h.stimecmp) h.mipHw |= 1 << IRQ.STI;
    else h.mipHw &= ~(1 << IRQ.STI);
  }

  /**
   * The harts that can run now: running ones, and sleeping ones with an enabled interrupt pending. It changes
   * no hart's state (a sleeping hart wakes only when it next runs), so it may be called at any boundary without
   * changing the run: replays call it at other places than recordings do.
   */
  runnable(): Hart[] {
    const out: Hart[] = [];
    for (const h of this.harts) {
      this.updateTimer(h);
      if (h.run === HartRun.running || (h.run === HartRun.wfi && (h.mip & h.mie) !== 0)) out.push(h);
    }
    return out;
  }

  /** When every hart sleeps: jumps virtual time to the next timer deadline that would wake one. False if none. */
  skipToNextDeadline(): boolean {
    let best = Infinity;
    for (const h of this.harts) {
      if (h.run !== HartRun.wfi) continue;
      if ((h.mie & (1 << IRQ.MTI)) !== 0) best = Math.min(best, this.deadlineOf(this.clint.mtimecmp[h.id]));
      if ((h.mie & (1 << IRQ.STI)) !== 0 && sstcEnabled(h)) best = Math.min(best, this.deadlineOf(h.stimecmp));
    }
    if (best === Infinity) return false;
    if (best > this.position) this.timeOffsetNs += best - this.position;
    return true;
  }

  /** Makes the current run return with reason 'stop' after the instruction in progress (for watch hooks). */
  requestStop(): void {
    this.stopRequested = true;
    this.memory.stop = true;
  }

  /** Stops execution before the instruction at `pc` (the hart's pc: physical, or virtual with paging on) on any hart. */
  addBreakpoint(pc: number): void {
    this.exec.breakpoints.add(pc);
    this.invalidateBreakpoint(pc);
  }

  removeBreakpoint(pc: number): void {
    this.exec.breakpoints.delete(pc);
    this.invalidateBreakpoint(pc);
  }

  /**
   * Decoded instructions are cached by physical address but marked as breakpoints by pc: a virtual pc's slot is
   * found through the page tables of `hart` (or of every hart), and everything is dropped when no table maps it.
   */
  private invalidateBreakpoint(pc: number, hart?: Hart): void {
    this.memory.invalidateCode(pc);
    let mapped = pc >= this.memory.ramBase && pc < this.memory.ramBase + this.memory.ramSize;
    for (const h of hart ? [hart] : this.harts) {
      const m = debugTranslate(this.memory, h.satp, pc);
      if (m) {
        this.memory.invalidateCode(m.paddr);
        mapped = true;
      }
    }
    if (!mapped) this.memory.invalidateAllCode();
  }

  /** Whether the machine has stopped for good (exit or unhandled trap). */
  get halted(): boolean {
    return this.exit !== undefined || this.trap !== undefined;
  }

  private result(reason: StopReason): RunResult {
    const ending = endingOf(this, reason === 'deadlock' ? DEADLOCK_MESSAGE : undefined);
    if (ending) return ending;
    return { reason, exitCode: reason === 'limit' ? ExitCode.limit : 0 };
  }

  /**
   * Runs under the schedule until exit, trap, deadlock, a breakpoint, a requested stop, or `limit` more instructions.
   * A hart whose pc sits on a breakpoint when run() starts executes through it (resuming from a stop), unless
   * `opts.resume` is false: a run that continues where a longer one was cut (the replay engine's checksum and
   * snapshot boundaries) must still stop at a breakpoint exactly there. Every hart that stopped on a breakpoint
   * and has not moved since steps through it, so two harts on one breakpoint do not bounce between each other.
   */
  run(limit: number, opts: { resume?: boolean } = {}): RunResult {
    if (limit >= WARM_UP_FROM) warmUpInterpreter();
    if (opts.resume === false) {
      this.resume.clear();
      return this.runScheduled(limit);
    }
    const resumeHart = this.current >= 0 ? this.harts[this.current] : this.harts[0];
    for (const [id, r] of this.resume)
      if (this.harts[id].pc !== r.pc || this.harts[id].retired !== r.retired) this.resume.delete(id);
    if (this.exec.breakpoints.has(resumeHart.pc))
      this.resume.set(resumeHart.id, { pc: resumeHart.pc, retired: resumeHart.retired });
    return this.runScheduled(limit);
  }

  private runScheduled(limit: number): RunResult {
    const end = this.position + limit;
    while (!this.halted && this.position < end) {
      // A guest waiting on receive interrupts gets the chance of input at every slice boundary.
      if (this.uart.wantsInput) this.uart.poll();
      // So does a hart blocked in a semihosting read (the byte is logged at this boundary, where it is taken).
      if (this.harts.some((h) => h.run === HartRun.input)) this.pollSemihost();
      const ready = this.runnable();
      if (ready.length === 0) {
        if (!this.skipToNextDeadline()) return this.result('deadlock');
        continue;
      }
      const slice = this.schedule.next(ready, this.current, this.position);
      if (!slice) return this.result('deadlock');
      const hit = this.runSlice(this.harts[slice.hart], Math.min(slice.budget, end - this.position));
      if (this.stopRequested) {
        this.stopRequested = false;
        return this.result('stop');
      }
      if (hit) return this.result('breakpoint');
    }
    return this.result(this.halted ? 'exit' : 'limit');
  }

  /**
   * Runs one hart for up to `budget` instructions, taking its interrupts as they become pending.
   * Returns true when it stopped at a breakpoint.
   */
  runSlice(h: Hart, budget: number): boolean {
    if (h.id !== this.current) {
      this.current = h.id;
      this.onSwitch?.(this.position, h.id);
    }
    let left = budget;
    while (left > 0 && !this.halted) {
      this.updateTimer(h);
      if (h.run === HartRun.wfi) {
        if ((h.mip & h.mie) === 0) break;
        h.run = HartRun.running;
      }
      const irq = pendingInterrupt(h);
      if (irq >= 0) {
        this.onInterrupt?.(h.id, irq);
        const unhandled = enterTrap(h, irq, true, 0n);
        if (unhandled) {
          this.unhandled(h, unhandled);
          break;
        }
      }
      let cap = left;
      const resume = this.resume.get(h.id);
      if (resume) {
        this.resume.delete(h.id);
        if (h.pc === resume.pc && h.retired === resume.retired) {
          cap = 1;
          this.exec.suppressBreakAt = resume.pc;
          this.invalidateBreakpoint(resume.pc, h);
        }
      }
      const deadline = this.timerDeadline(h) - this.position;
      if (deadline > 0 && deadline < cap) cap = deadline;
      this.runHart = h;
      this.runStartRetired = h.retired;
      this.exec.hit = false;
      const n = execute(h, this.memory, cap, this.exec);
      this.runHart = undefined;
      if (this.exec.suppressBreakAt !== -1) {
        // -1 is never a pc (odd); kernel pcs are negative
        this.invalidateBreakpoint(this.exec.suppressBreakAt, h);
        this.exec.suppressBreakAt = -1;
      }
      this.position += n;
      left -= n;
      if (this.memory.stop) {
        this.memory.stop = false;
        if (this.exec.hit) return true;
        if (this.stopRequested) return false;
      }
      if (h.run !== HartRun.running) break;
    }
    return false;
  }

  /** Executes exactly one instruction on one hart (or enters one trap), then takes any interrupt now pending. */
  stepInstruction(hart = 0): boolean {
    if (this.halted) return false;
    const h = this.harts[hart];
    if (!this.runnable().includes(h)) return !this.halted;
    this.runSlice(h, 1);
    this.updateTimer(h);
    const irq = pendingInterrupt(h);
    if (irq >= 0 && !this.halted) {
      this.onInterrupt?.(h.id, irq);
      const unhandled = enterTrap(h, irq, true, 0n);
      if (unhandled) this.unhandled(h, unhandled);
    }
    return !this.halted;
  }
}
