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
  /** Transmitter-empty interrupt pending: set when a byte has gone out, cleared by reading IIR or writing THR. */
  private thrPending = false;
  private irqLevel = false;
  /** Called when the UART's interrupt line changes (wired to the PLIC). */
  onIrq: (high: boolean) => void = () => {};

  constructor(
    private readonly transmit: (byte: number) => void,
    private readonly input: UartInput,
  ) {}

  /** Queues received bytes (the input door calls this at the position the bytes arrive). */
  receive(bytes: Iterable<number>): void {
    for (const b of bytes) this.rx.push(b & 0xff);
    this.updateIrq();
  }

  /** Whether the guest enabled the receive-data interrupt (then input is worth offering between slices). */
  get wantsInput(): boolean {
    return (this.ier & 1) !== 0 && this.rx.length === 0;
  }

  /** Whether the UART asks for an interrupt (receive data available or transmitter empty, if enabled). */
  get interruptPending(): boolean {
    return ((this.ier & 1) !== 0 && this.rx.length > 0) || ((this.ier & 2) !== 0 && this.thrPending);
  }

  private updateIrq(): void {
    const level = this.interruptPending;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.onIrq(level);
    }
  }

  /** Offers the input door a chance to deliver a byte now (used between slices when RX interrupts are on). */
  poll(): void {
    this.pull();
    this.updateIrq();
  }

  private pull(): void {
    if (this.rx.length === 0) {
      const b = this.input();
      if (b >= 0) this.rx.push(b);
    }
  }

  read(offset: number): bigint {
    const v = this.readRegister(offset);
    this.updateIrq();
    return v;
  }

  private readRegister(offset: number): bigint {
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case 0:
        if (dlab) return BigInt(this.dll);
        this.pull();
        return BigInt(this.rx.shift() ?? 0);
      case 1:
        return BigInt(dlab ? this.dlm : this.ier);
      case 2: {
        // IIR: FIFOs enabled; report the highest-priority cause
        this.pull();
        const id =
          (this.ier & 1) !== 0 && this.rx.length > 0 ? 0x4 : (this.ier & 2) !== 0 && this.thrPending ? 0x2 : 0x1;
        if (id === 0x2) this.thrPending = false;
        return BigInt(0xc0 | id);
      }
      case 3:
        return BigInt(this.lcr);
      case 4:
        return BigInt(this.mcr);
      case 5:
        this.pull();
        return BigInt(0x60 | (this.rx.length > 0 ? 1 : 0)); // THRE | TEMT | DR
      case 6:
        return 0xb0n; // DCD | DSR | CTS
      case 7:
        return BigInt(this.scr);
      default:
        return 0n;
    }
  }

  write(offset: number, _size: number, value: bigint): void {
    const v = Number(value & 0xffn);
    const dlab = (this.lcr & 0x80) !== 0;
    switch (offset) {
      case 0:
        if (dlab) this.dll = v;
        else {
          this.transmit(v);
          this.thrPending = true;
        }
        break;
      case 1:
        if (dlab) this.dlm = v;
        else {
          if ((v & 2) !== 0 && (this.ier & 2) === 0) this.thrPending = true; // enabling THRE with an empty THR
          this.ier = v & 0x0f;
        }
        break;
      case 2:
        if (v & 2) this.rx.length = 0;
        break; // FCR: clear receive FIFO
      case 3:
        this.lcr = v;
        break;
      case 4:
        this.mcr = v;
        break;
      case 7:
        this.scr = v;
        break;
    }
    this.updateIrq();
  }

  /** Device state for snapshots. */
  save(): number[] {
    return [
      this.ier,
      this.lcr,
      this.mcr,
      this.scr,
      this.dll,
      this.dlm,
      this.thrPending ? 1 : 0,
      this.irqLevel ? 1 : 0,
      ...this.rx,
    ];
  }

  restore(s: number[]): void {
    [this.ier, this.lcr, this.mcr, this.scr, this.dll, this.dlm] = s;
    this.thrPending = s[6] === 1;
    this.irqLevel = s[7] === 1;
    this.rx.length = 0;
    this.rx.push(...s.slice(8));
  }
}
