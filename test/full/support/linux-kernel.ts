// Where the test kernel built by scripts/linux/build.sh lives, for the Linux tests and benchmarks: the folder comes
// from the script itself (`--print`), so the cache key is computed in one place.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { Machine, MachineOptions } from '../../../src/machine/machine';
import { parseElf } from '../../../src/machine/elf';

export interface LinuxKernel {
  /** The RISC-V Linux `Image` (what QEMU's -kernel and Hartline's payload take). */
  image: string;
  /** The same kernel as an ELF with DWARF, for symbols. */
  vmlinux: string;
  /** The initramfs: /init is test/linux/smp_race.c, /cmdloop is test/linux/cmdloop.c. */
  initrd: string;
  dir: string;
}

export const FW_JUMP = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';

/** The repository root: the first folder above this (bundled) file that holds the build script. */
export const REPO = ((): string => {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts/linux/build.sh'))) return dir;
    if (dirname(dir) === dir) return process.cwd();
  }
})();

/** The build's folder, and the kernel in it when it has been built; `missing` says why not otherwise. */
export function linuxKernel(): LinuxKernel | { missing: string } {
  const r = spawnSync('bash', [join(REPO, 'scripts/linux/build.sh'), '--print'], { encoding: 'utf8' });
  if (r.status !== 0) return { missing: `scripts/linux/build.sh --print failed: ${r.stderr.trim()}` };
  const dir = r.stdout.trim();
  const k = { dir, image: join(dir, 'Image'), vmlinux: join(dir, 'vmlinux'), initrd: join(dir, 'initramfs.cpio') };
  for (const f of [k.image, k.vmlinux, k.initrd]) {
    if (!existsSync(f)) return { missing: `${f} is not built: run scripts/linux/build.sh (about 3 minutes)` };
  }
  return k;
}

/**
 * The kernel, or a reason to skip: outside CI a missing kernel skips the Linux tests with that reason printed; in CI
 * (CI=true) it throws, since .ci/run builds the kernel before test:full.
 */
export function kernelOrSkip(): LinuxKernel | string {
  const k = linuxKernel();
  if (!('missing' in k)) return k;
  if (process.env.CI === 'true') throw new Error(`the Linux kernel is missing in CI: ${k.missing}`);
  process.stdout.write(`# skipping the Linux tests: ${k.missing}\n`);
  return k.missing;
}

/** The test kernel on Hartline as QEMU's `-bios fw_jump.elf -kernel Image -initrd ...` boots it, console captured. */
export function linuxMachine(
  k: LinuxKernel,
  harts: number,
  opts: MachineOptions = {},
): { m: Machine; console: () => string } {
  const m = Machine.fromElf(new Uint8Array(readFileSync(k.image)), {
    ...opts,
    name: k.image,
    harts,
    bios: parseElf(new Uint8Array(readFileSync(FW_JUMP)), FW_JUMP),
    biosName: FW_JUMP,
    initrd: new Uint8Array(readFileSync(k.initrd)),
  });
  let out = '';
  m.onConsole = (b) => {
    out += Buffer.from(b).toString('latin1');
  };
  return { m, console: () => out };
}

/** A boot to power-off is a few hundred million instructions per hart; this cap only stops a hang. */
export const BOOT_LIMIT = 20_000_000_000;

/** The same boot on QEMU 7.2: console on stdio, no monitor. */
/** Boots `k` on QEMU 7.2; `extra` adds options (the benchmark's `-icount shift=0` reference). */
export function bootOnQemu(
  k: LinuxKernel,
  harts: number,
  timeout: number,
  extra: readonly string[] = [],
): { out: string; code: number | null } {
  const r = spawnSync(
    'qemu-system-riscv64',
    ['-M', 'virt', '-smp', String(harts), '-bios', FW_JUMP, '-kernel', k.image, '-initrd', k.initrd].concat([
      ...extra,
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      'stdio',
    ]),
    { encoding: 'latin1', timeout },
  );
  return { out: (r.stdout ?? '').replace(/\r/g, ''), code: r.status };
}
