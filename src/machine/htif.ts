// HTIF tohost/fromhost, as riscv-tests and Spike use it, when the ELF defines a `tohost` symbol:
// 1 passes, an odd value v fails with v >> 1, device 1 command 1 prints a byte, and an even pointer is a syscall block.

import type { Hart } from '../riscv/hart';
import type { Memory, Watch } from './memory';

const SYS_WRITE = 64,
  SYS_EXIT = 93;

export class Htif {
  constructor(
    private readonly memory: Memory,
    private readonly tohost: number,
    private readonly fromhost: number | undefined,
    private readonly write: (bytes: Uint8Array) => void,
    private readonly exit: (code: number, how: string) => void,
  ) {
    const watch: Watch = { lo: tohost, hi: tohost + 8, read: false, write: true, hit: (h) => this.poke(h) };
    memory.addWatch(watch);
  }

  private read64(addr: number): bigint {
    const b = this.memory.readBytes(addr, 8);
    return b ? new DataView(b.buffer).getBigUint64(0, true) : 0n;
  }

  private write64(h: Hart, addr: number, v: bigint): void {
    this.memory.store(h, addr, 8, Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0);
  }

  private poke(h: Hart): void {
    const v = this.read64(this.tohost);
    if (v === 0n) return;
    const device = Number(v >> 56n),
      cmd = Number((v >> 48n) & 0xffn);
    const payload = v & ((1n << 48n) - 1n);
    if (device === 0 && cmd === 0) {
      if ((payload & 1n) === 1n) {
        const code = Number(payload >> 1n);
        this.exit(code, code === 0 ? 'HTIF: pass' : `HTIF: fail with code ${code}`);
        return;
      }
      this.syscall(h, Number(payload));
    } else if (device === 1 && cmd === 1) {
      this.write(new Uint8Array([Number(payload & 0xffn)]));
    }
    this.write64(h, this.tohost, 0n);
    if (this.fromhost !== undefined)
      this.write64(h, this.fromhost, (BigInt(device) << 56n) | (BigInt(cmd) << 48n) | 1n);
  }

  private syscall(h: Hart, block: number): void {
    const which = Number(this.read64(block));
    const a0 = this.read64(block + 8),
      a1 = Number(this.read64(block + 16)),
      a2 = Number(this.read64(block + 24));
    if (which === SYS_WRITE) {
      const bytes = this.memory.readBytes(a1, Math.min(a2, 1 << 24));
      if (bytes) this.write(bytes);
      this.write64(h, block, BigInt(bytes ? a2 : -1) & ((1n << 64n) - 1n));
    } else if (which === SYS_EXIT) {
      this.exit(Number(a0 & 0xffn), `HTIF exit(${a0})`);
    } else {
      this.write64(h, block, (1n << 64n) - 38n); // -ENOSYS
    }
  }
}
