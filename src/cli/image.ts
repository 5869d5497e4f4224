// Reads image files from disk (turning file-system failures into one-line HartlineErrors) and the boot options that name them.

import { existsSync, readFileSync, statSync } from 'node:fs';
import { HartlineError } from '../errors';

export function readImage(path: string): Uint8Array {
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new HartlineError(`${path}: is a directory, not an ELF file`);
    size = st.size;
  } catch (e) {
    if (e instanceof HartlineError) throw e;
    throw new HartlineError(`${path}: no such file`);
  }
  if (size > 1 << 30) throw new HartlineError(`${path}: file is larger than 1 GiB`);
  try {
    return new Uint8Array(readFileSync(path));
  } catch (e) {
    throw new HartlineError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

/** Debian's OpenSBI builds, in the order `--bios default` tries them (fw_dynamic is what QEMU's own default is). */
export const DEFAULT_BIOS = [
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.elf',
  '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf',
];

/** The --bios path: `default` is Debian's OpenSBI, or an error saying how to install it. */
export function biosPath(value: string | undefined): string | undefined {
  if (value !== 'default') return value;
  const found = DEFAULT_BIOS.find((p) => existsSync(p));
  if (!found)
    throw new HartlineError(
      `--bios default: OpenSBI is not installed (${DEFAULT_BIOS[0]}); apt-get install opensbi, or give --bios FILE`,
    );
  return found;
}

/** The images and placement a boot takes besides the kernel: --bios, --initrd, --dtb and --load-address. */
export interface BootFiles {
  bios?: { path: string; bytes: Uint8Array };
  initrd?: { path: string; bytes: Uint8Array };
  dtb?: { path: string; bytes: Uint8Array };
  loadAddress?: number;
}

export const BOOT_OPTIONS = ['--bios', '--initrd', '--dtb', '--load-address'] as const;
export const BOOT_USAGE = '[--bios FW.elf|default] [--initrd FILE] [--dtb FILE] [--load-address ADDR]';

export function bootFiles(values: Map<string, string>): BootFiles {
  const file = (path: string | undefined) => (path === undefined ? undefined : { path, bytes: readImage(path) });
  const raw = values.get('--load-address');
  let loadAddress: number | undefined;
  if (raw !== undefined) {
    const text = raw.replace(/_/g, '');
    loadAddress = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^[0-9]+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(loadAddress))
      throw new HartlineError(`--load-address: expected an address such as 0x80200000, got '${raw}'`);
  }
  return {
    bios: file(biosPath(values.get('--bios'))),
    initrd: file(values.get('--initrd')),
    dtb: file(values.get('--dtb')),
    loadAddress,
  };
}
