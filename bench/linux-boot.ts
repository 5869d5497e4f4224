// The Linux boot benchmark: the test kernel (scripts/linux/build.sh) behind OpenSBI fw_jump, to smp_race's output
// and power-off, on 1 and 4 harts, timed on Hartline (one run) and on QEMU 7.2 (best of 3), as a ratio.

import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Machine } from '../src/machine/machine';
import { parseElf } from '../src/machine/elf';
import { FW_JUMP, linuxKernel } from '../test/full/support/linux-kernel';

export async function benchLinuxBoot(): Promise<object[]> {
  const k = linuxKernel();
  if ('missing' in k) return [{ bench: 'linux-boot', skipped: k.missing }];
  const out: object[] = [];
  for (const harts of [1, 4]) {
    const m = Machine.fromElf(new Uint8Array(readFileSync(k.image)), {
      name: k.image,
      harts,
      bios: parseElf(new Uint8Array(readFileSync(FW_JUMP)), FW_JUMP),
      initrd: new Uint8Array(readFileSync(k.initrd)),
    });
    let console = '';
    m.onConsole = (b) => {
      console += Buffer.from(b).toString('latin1');
    };
    const t0 = process.hrtime.bigint();
    const r = m.run(20_000_000_000);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const booted = r.reason === 'exit' && r.exitCode === 0 && console.includes('reboot: Power down');
    let qemu = Infinity;
    for (let run = 0; run < 3; run++) {
      const q0 = process.hrtime.bigint();
      const q = spawnSync(
        'qemu-system-riscv64',
        [
          '-M',
          'virt',
          '-smp',
          String(harts),
          '-bios',
          FW_JUMP,
          '-kernel',
          k.image,
          '-initrd',
          k.initrd,
          '-nographic',
          '-monitor',
          'none',
          '-serial',
          'stdio',
        ],
        { encoding: 'latin1', timeout: 120_000 },
      );
      if (q.status === 0 && q.stdout.includes('reboot: Power down'))
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
