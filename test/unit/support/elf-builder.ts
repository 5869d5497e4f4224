// Builds small ELF64 images in memory for tests of the loader and the command line.

export interface ElfSpec {
  entry: number | bigint;
  /** `vaddr` defaults to `paddr` (a kernel linked high has them differ). */
  segments: { paddr: number; bytes: Uint8Array; memSize?: number; vaddr?: bigint }[];
  machine?: number;
  elfClass?: 1 | 2;
}

/** A minimal ELF64 executable: header, program headers, then segment bytes. */
export function buildElf(spec: ElfSpec): Uint8Array {
  const phoff = 64,
    phentsize = 56;
  let dataOff = phoff + phentsize * spec.segments.length;
  const offsets = spec.segments.map((s) => {
    const o = dataOff;
    dataOff += s.bytes.length;
    return o;
  });
  const out = new Uint8Array(dataOff);
  const dv = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, spec.elfClass ?? 2, 1, 1, 0]);
  dv.setUint16(16, 2, true); // ET_EXEC
  dv.setUint16(18, spec.machine ?? 243, true);
  dv.setUint32(20, 1, true);
  dv.setBigUint64(24, BigInt(spec.entry), true);
  dv.setBigUint64(32, BigInt(phoff), true);
  dv.setUint16(52, 64, true);
  dv.setUint16(54, phentsize, true);
  dv.setUint16(56, spec.segments.length, true);
  spec.segments.forEach((s, k) => {
    const o = phoff + k * phentsize;
    dv.setUint32(o, 1, true); // PT_LOAD
    dv.setUint32(o + 4, 7, true);
    dv.setBigUint64(o + 8, BigInt(offsets[k]), true);
    dv.setBigUint64(o + 16, s.vaddr ?? BigInt(s.paddr), true);
    dv.setBigUint64(o + 24, BigInt(s.paddr), true);
    dv.setBigUint64(o + 32, BigInt(s.bytes.length), true);
    dv.setBigUint64(o + 40, BigInt(s.memSize ?? s.bytes.length), true);
    out.set(s.bytes, offsets[k]);
  });
  return out;
}

/** Little-endian instruction words as bytes. */
export function words(...ws: number[]): Uint8Array {
  const b = new Uint8Array(4 * ws.length);
  const dv = new DataView(b.buffer);
  ws.forEach((w, k) => dv.setUint32(4 * k, w >>> 0, true));
  return b;
}
