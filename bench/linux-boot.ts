// The Linux boot benchmark: the test kernel (scripts/linux/build.sh) behind OpenSBI fw_jump, to smp_race's output
// and power-off, on 1 and 4 harts, with compiled blocks and with the interpreter alone, timed on Hartline (one run
// each, each boot in a fresh process) and on QEMU 7.2 (best of 3, multi-threaded TCG and -icount shift=0), as ratios.
// `node out/bench/linux-boot.js [harts...] [--compile|--interpret] [--no-qemu] [--hot N] [--warm N] [--batch N]`
// runs chosen lines alone; the last three set the block cache's threshold, warm divisor and the wasm arena's
// blocks per module, to sweep them.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BOOT_LIMIT, bootOnQemu, LinuxKernel, linuxKernel, linuxMachine } from '../test/full/support/linux-kernel';

/**
 * CPU seconds of this process's main thread alone (Linux: /proc/self/task/PID/stat, utime + stime), or NaN. The
 * process's figure also counts V8's background threads (TurboFan, wasm tier-up, GC), which compete with the main
 * thread for the cores; the main thread's figure is the one least disturbed by other load on a shared machine.
 */
export function mainThreadCpuSeconds(): number {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'latin1');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat(5), counted from the state field (3): clock ticks, 100 per second on Linux.
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Block cache settings a sweep sets instead of the defaults (BlockCache.hot, .warmDivisor, WasmArena.maxBatch). */
export interface Tuning {
  hot?: number;
  warm?: number;
  batch?: number;
}
const TUNING = ['--hot', '--warm', '--batch'];

function parseTuning(argv: readonly string[]): Tuning {
  const t: Tuning = {};
  for (const flag of TUNING) {
    const k = argv.indexOf(flag);
    if (k >= 0) t[flag.slice(2) as keyof Tuning] = Number(argv[k + 1]);
  }
  return t;
}

function tuningArgs(t: Tuning): string[] {
  return TUNING.flatMap((flag) => {
    const v = t[flag.slice(2) as keyof Tuning];
    return v === undefined ? [] : [flag, String(v)];
  });
}

/** One boot on Hartline: its time, whether it reached power-off, and the block cache's counters. */
export function bootOnce(
  k: LinuxKernel,
  harts: number,
  compile: boolean,
  tuning: Tuning = {},
): Record<string, unknown> & { seconds: number } {
  const { m, console } = linuxMachine(k, harts);
  m.exec.compile = compile;
  if (tuning.hot !== undefined) m.memory.blocks.hot = tuning.hot;
  if (tuning.warm !== undefined) m.memory.blocks.warmDivisor = tuning.warm;
  if (tuning.batch !== undefined && m.memory.arena) m.memory.arena.maxBatch = tuning.batch;
  const t0 = process.hrtime.bigint(),
    c0 = process.cpuUsage(),
    m0 = mainThreadCpuSeconds();
  const r = m.run(BOOT_LIMIT);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = process.cpuUsage(c0);
  const mainCpu = mainThreadCpuSeconds() - m0;
  const booted = r.reason === 'exit' && r.exitCode === 0 && console().includes('reboot: Power down');
  return {
    harts,
    compile,
    booted,
    instructions: m.position,
    seconds: +seconds.toFixed(2),
    cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(2),
    mainCpuSeconds: Number.isNaN(mainCpu) ? null : +mainCpu.toFixed(2),
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
function bootInChild(harts: number, compile: boolean, tuning: Tuning): Record<string, unknown> & { seconds: number } {
  const r = spawnSync(
    process.execPath,
    [join(__dirname, 'linux-boot.js'), '--child', String(harts), compile ? '--compile' : '--interpret'].concat(
      tuningArgs(tuning),
    ),
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
  tuning: Tuning = {},
): Promise<object[]> {
  const k = linuxKernel();
  if ('missing' in k) return [{ bench: 'linux-boot', skipped: k.missing }];
  const out: object[] = [];
  for (const harts of hartCounts) {
    const qemu = withQemu ? qemuBest(k, harts) : Infinity;
    // The deterministic reference: with -icount QEMU runs every hart on one thread, in turn, as Hartline does.
    const icount = withQemu ? qemuBest(k, harts, ['-icount', 'shift=0']) : Infinity;
    for (const compile of modes) {
      const b = inFreshProcess ? bootInChild(harts, compile, tuning) : bootOnce(k, harts, compile, tuning);
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
  process.stdout.write(
    JSON.stringify(bootOnce(k, Number(process.argv[3]), process.argv[4] === '--compile', parseTuning(process.argv))) +
      '\n',
  );
} else if (standalone) {
  const tuning = parseTuning(process.argv);
  const args = process.argv.slice(2).filter((a, k, all) => !TUNING.includes(a) && !TUNING.includes(all[k - 1]));
  const harts = args.filter((a) => /^\d+$/.test(a)).map(Number);
  const modes = args.includes('--interpret') ? [false] : args.includes('--compile') ? [true] : [true, false];
  benchLinuxBoot(harts.length ? harts : [1, 4], modes, !args.includes('--no-qemu'), true, tuning).then((lines) => {
    for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
  });
}
