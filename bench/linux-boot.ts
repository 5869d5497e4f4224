// The Linux boot benchmark: the test kernel (scripts/linux/build.sh) behind OpenSBI fw_jump, to smp_race's output
// and power-off, on 1 and 4 harts, with compiled blocks and with the interpreter alone, timed on Hartline (one run
// each, each boot in a fresh process) and on QEMU 7.2 (best of 3, multi-threaded TCG and -icount shift=0), as ratios.
// `node out/bench/linux-boot.js [harts...] [--compile|--interpret] [--no-qemu]` runs chosen lines alone.

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BOOT_LIMIT, bootOnQemu, LinuxKernel, linuxKernel, linuxMachine } from '../test/full/support/linux-kernel';

/** One boot on Hartline: its time, whether it reached power-off, and the block cache's counters. */
export function bootOnce(
  k: LinuxKernel,
  harts: number,
  compile: boolean,
): Record<string, unknown> & { seconds: number } {
  const { m, console } = linuxMachine(k, harts);
  m.exec.compile = compile;
  const t0 = process.hrtime.bigint(),
    c0 = process.cpuUsage();
  const r = m.run(BOOT_LIMIT);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const booted = r.reason === 'exit' && r.exitCode === 0 && console().includes('reboot: Power down');
  return {
    harts,
    compile,
    booted,
    instructions: m.position,
    seconds: +seconds.toFixed(2),
    cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    mips: +(m.position / seconds / 1e6).toFixed(1),
    blocks: compile ? { ...m.memory.blocks.stats } : undefined,
  };
}

/** QEMU's best of 3 boots: multi-threaded TCG as users run it, or with `extra` (`-icount shift=0`: one thread). */
function qemuBest(k: LinuxKernel, harts: number, extra: readonly string[] = []): number {
  let qemu = Infinity;
  for (let run = 0; run < 3; run++) {
    const q0 = process.hrtime.bigint();
    const q = bootOnQemu(k, harts, 120_000, extra);
    if (q.code === 0 && q.out.includes('reboot: Power down'))
      qemu = Math.min(qemu, Number(process.hrtime.bigint() - q0) / 1e9);
  }
  return qemu;
}

/**
 * The same boot in a fresh Node process (this file with --child), so that each mode pays for warming V8 itself
 * rather than the first line of a run paying for all of them.
 */
function bootInChild(harts: number, compile: boolean): Record<string, unknown> & { seconds: number } {
  const r = spawnSync(
    process.execPath,
    [join(__dirname, 'linux-boot.js'), '--child', String(harts), compile ? '--compile' : '--interpret'],
    {
      encoding: 'utf8',
      timeout: 600_000,
    },
  );
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{')) throw new Error(`linux-boot child failed: ${r.stderr || r.error}`);
  return JSON.parse(line);
}

export async function benchLinuxBoot(
  hartCounts: readonly number[] = [1, 4],
  modes: readonly boolean[] = [true, false],
  withQemu = true,
  inFreshProcess = true,
): Promise<object[]> {
  const k = linuxKernel();
  if ('missing' in k) return [{ bench: 'linux-boot', skipped: k.missing }];
  const out: object[] = [];
  for (const harts of hartCounts) {
    const qemu = withQemu ? qemuBest(k, harts) : Infinity;
    // The deterministic reference: with -icount QEMU runs every hart on one thread, in turn, as Hartline does.
    const icount = withQemu ? qemuBest(k, harts, ['-icount', 'shift=0']) : Infinity;
    for (const compile of modes) {
      const b = inFreshProcess ? bootInChild(harts, compile) : bootOnce(k, harts, compile);
      out.push({
        bench: 'linux-boot',
        ...b,
        qemuSeconds: qemu === Infinity ? null : +qemu.toFixed(2),
        ratio: qemu === Infinity ? null : +(qemu / b.seconds).toFixed(3),
        qemuIcountSeconds: icount === Infinity ? null : +icount.toFixed(2),
        icountRatio: icount === Infinity ? null : +(icount / b.seconds).toFixed(3),
        note: 'ratio = QEMU time / Hartline time (1 = as fast as QEMU); icountRatio against QEMU -icount shift=0',
      });
    }
  }
  return out;
}

// Standalone (the test of the path, as in core.ts, because this file is also bundled into run.js).
const standalone = /[\/]linux-boot\.js$/.test(process.argv[1] ?? '');
if (standalone && process.argv[2] === '--child') {
  const k = linuxKernel();
  if ('missing' in k) throw new Error(k.missing);
  process.stdout.write(JSON.stringify(bootOnce(k, Number(process.argv[3]), process.argv[4] === '--compile')) + '\n');
} else if (standalone) {
  const args = process.argv.slice(2);
  const harts = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const modes = args.includes('--interpret') ? [false] : args.includes('--compile') ? [true] : [true, false];
  benchLinuxBoot(harts.length ? harts : [1, 4], modes, !args.includes('--no-qemu')).then((lines) => {
    for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
  });
}
