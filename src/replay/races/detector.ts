// The data-race detector over a replay: it watches every RAM access through the bus's watched-page slow path (all of
// RAM is watched while it runs), device writes through thin wrappers and interrupts through the machine's hook, and
// feeds them to the happens-before clocks. Nothing in the interpreter's fast path changes.

import type { Machine } from '../../machine/machine';
import type { Device, Watch } from '../../machine/memory';
import { RAM_BASE } from '../../machine/memory';
import { IRQ, Priv } from '../../riscv/hart';
import { Mmu } from '../../riscv/mmu';
import type { Advance } from '../engine';
import type { LoadedImage } from '../images';
import type { Recording } from '../reader';
import { openReplay } from '../playback';
import { parseElf } from '../../machine/elf';
import { ACQUIRE, AccessClassifier, KIND, RELEASE } from './instruction';
import { HappensBefore, Race } from './clocks';

export type { Race, RaceAccess } from './clocks';

const CLINT_BASE = 0x2000000;
const MSIP_END = 0x4000,
  MTIME = 0xbff8;
const PENDING = (1 << IRQ.MSI) | (1 << IRQ.MTI);

/** Attaches a detector to a machine; `detach()` puts the machine back as it was. */
export class RaceObserver {
  readonly clocks: HappensBefore;
  private readonly classifier: AccessClassifier;
  private readonly watch: Watch;
  private readonly devices: Device[];
  /** Released by a write of msip (an IPI), acquired when the target takes its software interrupt. */
  private readonly ipi: Int32Array[];
  /** Released by a write of a hart's mtimecmp, acquired when that hart takes its timer interrupt. */
  private readonly timer: Int32Array[];
  /** Released by any other device write, acquired by external interrupts. */
  private readonly device: Int32Array;

  /** `code` lists addresses where instructions start (the images' symbols), for reading what precedes an access. */
  constructor(
    private readonly m: Machine,
    code: Iterable<number> = m.image.symbols.values(),
  ) {
    const harts = m.harts.length;
    this.clocks = new HappensBefore(harts, RAM_BASE, m.memory.ramSize);
    this.classifier = new AccessClassifier(m.memory, code);
    this.ipi = m.harts.map(() => this.clocks.newClock());
    this.timer = m.harts.map(() => this.clocks.newClock());
    this.device = this.clocks.newClock();
    this.watch = {
      lo: RAM_BASE,
      hi: RAM_BASE + m.memory.ramSize,
      read: true,
      write: true,
      hit: (h, addr, size, isWrite) => this.hit(h.id, addr, size, isWrite),
    };
    m.memory.addWatch(this.watch);
    this.devices = m.memory.devices.slice();
    m.memory.devices.forEach((d, k) => {
      m.memory.devices[k] = this.wrap(d);
    });
    m.onInterrupt = (hart, irq) => this.interrupt(hart, irq);
  }

  detach(): void {
    const m = this.m;
    m.memory.removeWatch(this.watch);
    this.devices.forEach((d, k) => {
      m.memory.devices[k] = d;
    });
    m.onInterrupt = undefined;
  }

  private hit(t: number, addr: number, size: number, isWrite: boolean): void {
    const m = this.m,
      h = m.harts[t];
    // Bare metal runs untranslated; the BigInt look at satp is only paid below M-mode with a page table set.
    const pc = h.priv < Priv.M && h.satp !== 0n && Mmu.fetchTranslated(h) ? (m.fetchAddress(h) ?? -1) : h.pc;
    const c = pc < 0 ? KIND.other : this.classifier.classify(pc);
    const kind = c & 7;
    const hb = this.clocks;
    // A hart with an IPI or timer interrupt pending may have seen it without taking it (polling mip, or waking from
    // wfi with interrupts masked), so it acquires that clock: conservative, it only ever hides races.
    if (h.mipHw & PENDING) {
      if (h.mipHw & (1 << IRQ.MSI)) hb.acquire(t, this.ipi[t]);
      if (h.mipHw & (1 << IRQ.MTI)) hb.acquire(t, this.timer[t]);
    }
    if ((c & (ACQUIRE | RELEASE)) === 0 && kind !== KIND.amo && kind !== KIND.sc) {
      hb.access(t, addr, size, isWrite, pc, m.positionNow());
      return;
    }
    hb.synchronising++;
    if (c & ACQUIRE) hb.acquireAt(t, addr);
    if (c & RELEASE) hb.releaseAt(t, addr);
  }

  private wrap(d: Device): Device {
    const isClint = d.base === CLINT_BASE;
    return {
      name: d.name,
      base: d.base,
      size: d.size,
      read: (offset, size) => {
        if (isClint) this.msipAccess(offset);
        return d.read(offset, size);
      },
      write: (offset, size, value) => {
        this.deviceWrite(isClint, offset, value);
        d.write(offset, size, value);
      },
    };
  }

  private deviceWrite(isClint: boolean, offset: number, value: bigint): void {
    const t = this.m.current;
    if (t < 0) return;
    if (!isClint) {
      this.clocks.release(t, this.device);
      return;
    }
    if (offset < MSIP_END) {
      const k = offset >> 2;
      if (k < this.ipi.length && (value & 1n) !== 0n && k !== t) this.clocks.release(t, this.ipi[k]);
      this.msipAccess(offset);
    } else if (offset < MTIME) {
      const k = (offset - 0x4000) >> 3;
      if (k < this.timer.length) this.clocks.release(t, this.timer[k]);
    }
  }

  /**
   * A hart that reads or clears its own msip has seen the IPI (a guest may poll mip with interrupts masked and
   * never take the interrupt), so it acquires what the senders released.
   */
  private msipAccess(offset: number): void {
    const t = this.m.current;
    if (offset < MSIP_END && offset >> 2 === t) this.clocks.acquire(t, this.ipi[t]);
  }

  private interrupt(hart: number, irq: number): void {
    if (irq === IRQ.MSI || irq === IRQ.SSI) this.clocks.acquire(hart, this.ipi[hart]);
    else if (irq === IRQ.MTI || irq === IRQ.STI) this.clocks.acquire(hart, this.timer[hart]);
    else this.clocks.acquire(hart, this.device);
  }
}

export interface RaceReport {
  races: Race[];
  /** Positions replayed, and memory accesses checked. */
  positions: number;
  accesses: number;
  /** Accesses that synchronise (atomics, acquires and releases): they order, and never race. */
  synchronising: number;
  harts: number;
  end: Advance;
}

/** How often `onProgress` hears from a long replay. */
const CHUNK = 20_000_000;

/** Replays a recording to its end with the detector attached. */
export function findRaces(
  rec: Recording,
  images: LoadedImage[],
  onProgress?: (position: number, end: number) => void,
): RaceReport {
  const s = openReplay(rec, images);
  const code: number[] = [];
  for (const i of images) for (const a of parseElf(i.bytes, i.ref.path).symbols.values()) code.push(a);
  const observer = new RaceObserver(s.machine, code);
  const end = rec.trailer?.positions ?? rec.log.frontier;
  let a: Advance;
  try {
    for (;;) {
      a = s.engine.advance(Math.min(end, s.machine.position + CHUNK));
      onProgress?.(s.machine.position, end);
      if (a.reason !== 'target' || s.machine.position >= end) break;
    }
  } finally {
    observer.detach();
  }
  return {
    races: observer.clocks.races(),
    positions: s.machine.position,
    accesses: observer.clocks.accesses,
    synchronising: observer.clocks.synchronising,
    harts: s.machine.harts.length,
    end: a,
  };
}
