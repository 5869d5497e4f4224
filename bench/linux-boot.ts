// The Linux boot benchmark: the test kernel (scripts/linux/build.sh) behind OpenSBI fw_jump, to smp_race's output
// and power-off, on 1 and 4 harts, timed on Hartline (one run) and on QEMU 7.2 (best of 3), as a ratio.

import { BOOT_LIMIT, bootOnQemu, linuxKernel, linuxMachine } from '../test/full/support/linux-kernel';

export async function benchLinuxBoot(): Promise<object[]> {
  const k = linuxKernel();
  if ('missing' in k) return [{ bench: 'linux-boot', skipped: k.missing }];
  const out: object[] = [];
  for (const harts of [1, 4]) {
    const { m, console } = linuxMachine(k, harts);
    const t0 = process.hrtime.bigint();
    const r = m.run(BOOT_LIMIT);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const booted = r.reason === 'exit' && r.exitCode === 0 && console().includes('reboot: Power down');
    let qemu = Infinity;
    for (let run = 0; run < 3; run++) {
      const q0 = process.hrtime.bigint();
      const q = bootOnQemu(k, harts, 120_000);
      if (q.code === 0 && q.out.includes('reboot: Power down'))
        qemu = Math.min(qemu, Number(process.hrtime.bigint() - q0) / 1e9);
    }
    out.push({
      bench: 'linux-boot',
      harts,
      booted,
      instructions: m.position,
      seconds: +seconds.toFixed(2),
      mips: +(m.position / seconds / 1e6).toFixed(1),
      qemuSeconds: qemu === Infinity ? null : +qemu.toFixed(2),
      ratio: qemu === Infinity ? null : +(qemu / seconds).toFixed(3),
      note: 'ratio = QEMU time / Hartline time (1 = as fast as QEMU)',
    });
  }
  return out;
}
