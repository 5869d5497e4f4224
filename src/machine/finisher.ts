// The sifive_test finisher at 0x100000: 0x5555 ends the run with exit 0, (code << 16) | 0x3333 with `code`.

import type { Device } from './memory';

export class Finisher implements Device {
  readonly name = 'finisher';
  readonly base = 0x100000;
  readonly size = 0x1000;
  constructor(private readonly exit: (code: number, how: string) => void) {}

  read(): bigint {
    return 0n;
  }

  write(offset: number, _size: number, value: bigint): void {
    if (offset !== 0) return;
    const v = Number(value & 0xffffffffn);
    const kind = v & 0xffff;
    if (kind === 0x5555) this.exit(0, 'test finisher: pass');
    else if (kind === 0x3333) this.exit(v >>> 16, `test finisher: fail with code ${v >>> 16}`);
    else if (kind === 0x7777) this.exit(0, 'test finisher: reset requested (treated as exit)');
  }
}
