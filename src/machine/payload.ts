// The payload that QEMU's -kernel takes, in the three shapes it comes in: an ELF (loaded by physical address), a
// RISC-V Linux `Image` (recognised by its header, placed after the firmware as QEMU places it) and a flat binary
// at a given address. Each becomes an ElfImage: an entry point and the segments to copy into RAM.

import { HartlineError } from '../errors';
import { ElfImage, parseElf } from './elf';
import { RAM_BASE } from './memory';

/** Size of the RISC-V Linux boot image header (Documentation/arch/riscv/boot-image-header.rst). */
export const IMAGE_HEADER_SIZE = 64;
const MAGIC = 0x5643534952n; // "RISCV\0\0\0", deprecated since header version 0.2 but still written
const MAGIC2 = 0x05435352; // "RSC\x05"
/** QEMU places a kernel at the firmware's end rounded up to 2 MiB on RV64 (riscv_calc_kernel_start_addr). */
const KERNEL_ALIGN = 2 * 1024 * 1024;

export interface LinuxImageHeader {
  textOffset: number;
  /** The effective size: the file plus the bss the kernel clears itself, which must also fit in RAM. */
  imageSize: number;
  flags: number;
  version: { major: number; minor: number };
}

export interface PayloadOptions {
  /** The firmware the payload boots behind (QEMU's -bios): the payload goes after it. */
  firmware?: ElfImage;
  /** Where a flat binary goes (--load-address); also moves an Image. */
  loadAddress?: number;
}

const isElf = (b: Uint8Array) => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

/**
 * The RISC-V Linux Image header, undefined when the bytes do not carry one. A header that is there but
 * cannot be booted (big-endian, truncated, a size that is not sane) is an error naming the file.
 */
export function parseImageHeader(bytes: Uint8Array, name: string): LinuxImageHeader | undefined {
  if (bytes.length < IMAGE_HEADER_SIZE) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getBigUint64(48, true),
    magic2 = view.getUint32(56, true);
  if (magic !== MAGIC && magic2 !== MAGIC2) return undefined;
  const fail = (why: string): never => {
    throw new HartlineError(`${name}: RISC-V Linux Image ${why}`);
  };
  const u64 = (o: number, what: string) => {
    const v = view.getBigUint64(o, true);
    if (v > 1n << 40n) fail(`has an impossible ${what} 0x${v.toString(16)}`);
    return Number(v);
  };
  const textOffset = u64(8, 'text_offset'),
    imageSize = u64(16, 'image_size'),
    flags = u64(24, 'flags');
  const version = view.getUint32(32, true);
  if ((flags & 1) !== 0) fail('is big-endian (flags bit 0); Hartline runs little-endian RV64');
  if (imageSize === 0) fail('has no image_size; a boot loader cannot place it');
  return { textOffset, imageSize, flags, version: { major: version >>> 16, minor: version & 0xffff } };
}

/** Reads a payload as QEMU's -kernel would take it; `name` names the file in errors. */
export function parsePayload(bytes: Uint8Array, name: string, opts: PayloadOptions = {}): ElfImage {
  if (isElf(bytes)) return placeElf(parseElf(bytes, name), opts.firmware);
  const header = parseImageHeader(bytes, name);
  if (!header && opts.loadAddress === undefined) {
    throw new HartlineError(
      `${name}: not an ELF file nor a RISC-V Linux Image (no "RISCV"/"RSC\\x05" magic); ` +
        'for a flat binary give --load-address',
    );
  }
  const address = opts.loadAddress ?? kernelStart(opts.firmware);
  if (header && opts.loadAddress === undefined && address % KERNEL_ALIGN !== 0) {
    throw new HartlineError(
      `${name}: a RISC-V Linux Image needs a 2 MiB-aligned address, got 0x${address.toString(16)}`,
    );
  }
  const memSize = Math.max(bytes.length, header?.imageSize ?? 0);
  return { entry: address, segments: [{ paddr: address, data: bytes, memSize }], symbols: new Map() };
}

/**
 * Where QEMU 7.2 puts a non-ELF kernel: the firmware's highest loaded address rounded up to 2 MiB, or the start of
 * RAM without firmware. With Debian's fw_jump.elf that is 0x80200000, where fw_jump jumps.
 */
export function kernelStart(firmware: ElfImage | undefined): number {
  if (!firmware) return RAM_BASE;
  const end = Math.max(...firmware.segments.map((s) => s.paddr + s.memSize));
  return Math.ceil(end / KERNEL_ALIGN) * KERNEL_ALIGN;
}

/**
 * An ELF goes where its p_paddr says. Linux's vmlinux is linked at 0xffffffff80000000 with p_paddr counting from 0
 * (its linker script's AT(ADDR - LOAD_OFFSET)), so neither address is RAM: its physical addresses are offsets into
 * the Image that objcopy makes of it, and it is placed where that Image would go, byte for byte the same.
 */
function placeElf(elf: ElfImage, firmware: ElfImage | undefined): ElfImage {
  const linkedHigh = elf.segments.every((s) => s.vaddr !== undefined && s.vaddr >= 1n << 63n);
  if (!linkedHigh || !elf.segments.every((s) => s.paddr < RAM_BASE)) return elf;
  const base = kernelStart(firmware);
  return {
    entry: base + elf.entry,
    segments: elf.segments.map((s) => ({ ...s, paddr: base + s.paddr })),
    symbols: elf.symbols,
  };
}
