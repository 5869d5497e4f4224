// NS16550A UART at 0x10000000, as on QEMU's virt machine: transmit to the console, receive from the input door.

import type { Device } from './memory';

/** Where received bytes come from. Returns a byte, or -1 when none is available now. */
export type UartInput = () => number;

export class Uart implements Device {
  readonly name = 'uart';
  readonly base = 0x10000000;
  readonly size = 0x100;
  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  private readonly rx: number[] = [];

  constructor(private readonly transmit: (byte: number) => void, private readonly input: UartInput) {}

  /** Queues received bytes (the input door calls this at the position the bytes arrive). */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.rx.push(b & 0xff);
  }

  /** Whether the UART asks for an interrupt (receive data available or transmitter empty, if enabled). */
  get interruptPending(): boolean {
    return ((this.ier & 1) !== 0 && this.rx.length > 0) || (this.ier & 2) !== 0;
  }

  private pull(): void {
    if (this.rx.length === 0) {
      const b = this.input();
      if (b >= 0) this.rx.push(b);
    }
  }

  read(offset: number): bigint {
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case 0:
        if (dlab) return BigInt(this.dll);
        this.pull();
        return BigInt(this.rx.shift() ?? 0);
      case 1: return BigInt(dlab ? this.dlm : this.ier);
      case 2: { // IIR: FIFOs enabled; report the highest-priority cause
        this.pull();
        const id = (this.ier & 1) !== 0 && this.rx.length > 0 ? 0x4 : (this.ier & 2) !== 0 ? 0x2 : 0x1;
        return BigInt(0xc0 | id);
      }
      case 3: return BigInt(this.lcr);
      case 4: return BigInt(this.mcr);
      case 5: this.pull(); return BigInt(0x60 | (this.rx.length > 0 ? 1 : 0)); // THRE | TEMT | DR
      case 6: return 0xb0n; // DCD | DSR | CTS
      case 7: return BigInt(this.scr);
      default: return 0n;
    }
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffn);
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case 0: if (dlab) this.dll = v; else this.transmit(v); break;
      case 1: if (dlab) this.dlm = v; else this.ier = v & 0x0f; break;
      case 2: if (v & 2) this.rx.length = 0; break; // FCR: clear receive FIFO
      case 3: this.lcr = v; break;
      case 4: this.mcr = v; break;
      case 7: this.scr = v; break;
    }
  }

  /** Device state for snapshots. */
  save(): number[] {
    return [this.ier, this.lcr, this.mcr, this.scr, this.dll, this.dlm, ...this.rx];
  }

  restore(s: number[]): void {
    [this.ier, this.lcr, this.mcr, this.scr, this.dll, this.dlm] = s;
    this.rx.length = 0;
    this.rx.push(...s.slice(6));
  }
}
