// The mask ROM at 0x1000 as QEMU's virt machine fills it: the reset vector, the start and device-tree
// addresses, and fw_dynamic_info telling firmware where the next stage is and in which mode to enter it.

import type { Device } from './memory';

export const ROM_BASE = 0x1000;
export const FW_DYNAMIC_INFO = 0x1028;
const FW_DYNAMIC_MAGIC = 0x4942534fn;
const NEXT_MODE_S = 1n;

export class Rom implements Device {
  readonly name = 'rom';
  readonly base = ROM_BASE;
  readonly size = 0xf000;
  private readonly bytes = new Uint8Array(0x100);

  constructor(startAddress: number, fdtAddress: number, nextAddress: number) {
    const dv = new DataView(this.bytes.buffer);
    // auipc t0,0; addi a2,t0,40; csrr a0,mhartid; ld a1,32(t0); ld t0,24(t0); jr t0
    [0x00000297, 0x02828613, 0xf1402573, 0x0202b583, 0x0182b283, 0x00028067].forEach((w, k) =>
      dv.setUint32(4 * k, w, true),
    );
    dv.setBigUint64(24, BigInt(startAddress), true);
    dv.setBigUint64(32, BigInt(fdtAddress), true);
    const info = [FW_DYNAMIC_MAGIC, 2n, BigInt(nextAddress), NEXT_MODE_S, 0n, 0n]; // magic, version, next_addr, next_mode, options, boot_hart
    info.forEach((v, k) => dv.setBigUint64(FW_DYNAMIC_INFO - ROM_BASE + 8 * k, v, true));
  }

  read(offset: number, size: number): bigint {
    let v = 0n;
    for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(this.bytes[offset + k] ?? 0);
    return v;
  }

  write(): void {
    // Read-only.
  }
}
