// Boot as QEMU's virt machine does with -bios none -kernel ELF, or -bios FW -kernel PAYLOAD: load the images,
// place the device tree at the top of RAM, fill the mask ROM, and set each hart's reset registers.

import { HartlineError } from '../errors';
import type { Machine, MachineOptions } from './machine';
import type { ElfImage } from './elf';
import { RAM_BASE } from './memory';
import { Htif } from './htif';
import { buildDeviceTree, editDeviceTree } from './devicetree';
import { Rom, FW_DYNAMIC_INFO } from './rom';

/** Loads the images into `m` and sets the harts up at reset; returns the start address and the device tree's. */
export function bootImages(
  m: Machine,
  image: ElfImage,
  opts: MachineOptions,
  ramSize: number,
): { entry: number; fdtAddress: number } {
  const name = opts.name ?? 'image';
  const images: [ElfImage, string][] = opts.bios
    ? [
        [opts.bios, opts.biosName ?? 'firmware'],
        [image, name],
      ]
    : [[image, name]];
  if (opts.bios) refuseOverlap(opts.bios, opts.biosName ?? 'firmware', image, name);
  for (const [img, imgName] of images) {
    for (const seg of img.segments) {
      if (!m.memory.loadBytes(seg.paddr, seg.data, seg.memSize)) {
        const end = seg.paddr + seg.memSize;
        throw new HartlineError(
          `${imgName}: segment 0x${seg.paddr.toString(16)}-0x${end.toString(16)} is outside RAM ` +
            `(0x${RAM_BASE.toString(16)}-0x${(RAM_BASE + ramSize).toString(16)}); link it at 0x80000000 or raise --ram`,
        );
      }
    }
  }
  const entry = opts.bios ? opts.bios.entry : image.entry;
  const tohost = image.symbols.get('tohost');
  if (tohost !== undefined && tohost >= RAM_BASE && tohost + 8 <= RAM_BASE + ramSize) {
    new Htif(
      m.memory,
      tohost,
      image.symbols.get('fromhost'),
      (b) => m.console(b),
      (code, how) => m.finish(code, how),
    );
  }
  let imageEnd = Math.max(...images.flatMap(([img]) => img.segments.map((seg) => seg.paddr + seg.memSize)));
  const initrd = opts.initrd && placeInitrd(m, opts.initrd, image.entry, ramSize, images);
  if (initrd) imageEnd = Math.max(imageEnd, initrd.end);
  // As QEMU does: the device tree goes at the top of RAM, aligned down to 2 MiB.
  const dtb = opts.dtb
    ? editDeviceTree(opts.dtb, opts.dtbName ?? 'device tree', { bootargs: opts.bootargs, initrd })
    : buildDeviceTree({ harts: m.harts.length, ramBase: RAM_BASE, ramSize, bootargs: opts.bootargs, initrd });
  const aligned = Math.floor((RAM_BASE + ramSize - dtb.length) / 0x200000) * 0x200000;
  // A small RAM may not leave a 2 MiB-aligned spot above the image; then use the top of RAM.
  const fdtAddress = aligned >= imageEnd ? aligned : Math.floor((RAM_BASE + ramSize - dtb.length) / 8) * 8;
  if (fdtAddress < imageEnd)
    throw new HartlineError(`${name}: no room for the device tree above the image; raise --ram`);
  m.memory.loadBytes(fdtAddress, dtb, dtb.length);
  m.memory.addDevice(new Rom(entry, fdtAddress, image.entry));
  // As QEMU's reset vector leaves them: a0 = hartid, a1 = device tree, a2 = fw_dynamic info, t0 = entry.
  for (const h of m.harts) {
    h.pc = entry;
    h.writeX(10, BigInt(h.id));
    h.writeX(11, BigInt(fdtAddress));
    h.writeX(12, BigInt(FW_DYNAMIC_INFO));
    h.writeX(5, BigInt(entry));
  }
  return { entry, fdtAddress };
}

/**
 * QEMU 7.2's riscv_load_initrd: the initrd starts min(RAM / 2, 128 MiB) above the kernel's entry, far enough that
 * the kernel does not clobber it while it sets itself up. Returns where it lies.
 */
function placeInitrd(
  m: Machine,
  bytes: Uint8Array,
  kernelEntry: number,
  ramSize: number,
  images: [ElfImage, string][],
): { start: number; end: number } {
  const start = kernelEntry + Math.min(Math.floor(ramSize / 2), 128 * 1024 * 1024);
  const end = start + bytes.length;
  const hex = (v: number) => '0x' + v.toString(16);
  if (end > RAM_BASE + ramSize) {
    throw new HartlineError(
      `initrd: ${bytes.length} bytes at ${hex(start)} run past the end of RAM (${hex(RAM_BASE + ramSize)}); raise --ram`,
    );
  }
  for (const [img, imgName] of images) {
    for (const seg of img.segments) {
      if (seg.paddr < end && start < seg.paddr + seg.memSize) {
        throw new HartlineError(
          `initrd: ${hex(start)}-${hex(end)} overlaps ${imgName}'s ${hex(seg.paddr)}-${hex(seg.paddr + seg.memSize)}; raise --ram`,
        );
      }
    }
  }
  m.memory.loadBytes(start, bytes, bytes.length);
  return { start, end };
}

/** Firmware and payload must not overlap: one would silently overwrite the other. */
function refuseOverlap(a: ElfImage, aName: string, b: ElfImage, bName: string): void {
  for (const x of a.segments) {
    for (const y of b.segments) {
      if (x.paddr < y.paddr + y.memSize && y.paddr < x.paddr + x.memSize) {
        const hex = (v: number) => '0x' + v.toString(16);
        throw new HartlineError(
          `${bName}: segment ${hex(y.paddr)}-${hex(y.paddr + y.memSize)} overlaps ${aName}'s ` +
            `${hex(x.paddr)}-${hex(x.paddr + x.memSize)}; link the payload at 0x80200000 or above the firmware`,
        );
      }
    }
  }
}
