// CPU benchmarks for `npm run bench`: Hartline against QEMU 7.2 `-icount shift=0` on the same ELF, one hart and
// four, plus peak memory. QEMU's start-up (measured on a guest that exits at once) is subtracted from its times.

import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Machine } from '../src/machine/machine';

const QEMU = 'qemu-system-riscv64';
const BIN = 'test/guests/bin';
/** Exits after a handful of instructions: its wall time is QEMU's start-up and shut-down. */
export const STARTUP_ELF = `${BIN}/exit_code.elf`;
const RUNS = 3;

export interface CoreRun {
  instructions: number;
  seconds: number;
  output: string;
  /** CPU seconds of the best run's process share (user + system) */ cpuSeconds: number;
}

/** Hartline in this process; one warm-up run (the JIT warms, as QEMU's translation cache does in its run), best of `runs`. */
export function hartline(path: string, harts: number, runs = RUNS, compile = true): CoreRun {
  const elf = new Uint8Array(readFileSync(path));
  let best = Infinity,
    bestCpu = Infinity,
    instructions = 0,
    output = '';
  for (let k = 0; k <= runs; k++) {
    const m = Machine.fromElf(elf, { harts, compile });
    const c0 = process.cpuUsage();
    const chunks: Uint8Array[] = [];
    m.onConsole = (b) => chunks.push(b);
    const t0 = process.hrtime.bigint();
    const r = m.run(Number.MAX_SAFE_INTEGER);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    const cu = process.cpuUsage(c0);
    if (r.reason !== 'exit' || r.exitCode !== 0)
      throw new Error(`${path} did not pass on Hartline: ${r.reason} ${r.message ?? ''}`);
    if (k > 0) bestCpu = Math.min(bestCpu, (cu.user + cu.system) / 1e6);
    instructions = m.position;
    output = Buffer.concat(chunks).toString();
    if (k > 0) best = Math.min(best, dt);
  }
  return { instructions, seconds: best, output, cpuSeconds: bestCpu };
}

function qemuArgs(path: string, harts: number): string[] {
  return [
    '-M',
    'virt',
    '-smp',
    String(harts),
    '-bios',
    'none',
    '-nographic',
    '-monitor',
    'none',
    '-serial',
    'stdio',
    '-icount',
    'shift=0',
    '-kernel',
    path,
  ];
}

/**
 * QEMU's wall time on `path`, best of `runs`, with its exit status checked; with GNU time also its CPU time
 * (user + system), which a machine shared with other work disturbs less than wall time.
 */
export function qemuWall(
  path: string,
  harts: number,
  expectStatus: number,
  runs = RUNS,
): { seconds: number; cpuSeconds: number; output: string } {
  let best = Infinity,
    bestCpu = Infinity,
    output = '';
  const timed = existsSync('/usr/bin/time');
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    const r = timed
      ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', QEMU, ...qemuArgs(path, harts)], {
          encoding: 'utf8',
          timeout: 300_000,
        })
      : spawnSync(QEMU, qemuArgs(path, harts), { encoding: 'utf8', timeout: 300_000 });
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw new Error(`${QEMU} could not run: ${r.error.message}`);
    if (r.status !== expectStatus) throw new Error(`${QEMU} exited with ${r.status} on ${path}: ${r.stderr}`);
    const cpu = /CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
    if (cpu) bestCpu = Math.min(bestCpu, +cpu[1] + +cpu[2]);
    output = r.stdout;
    best = Math.min(best, dt);
  }
  return { seconds: best, cpuSeconds: bestCpu, output };
}

/** Peak resident memory in KiB of a command, through GNU time; undefined when /usr/bin/time is missing. */
function peakKiB(cmd: string, args: string[]): number | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAK %M', cmd, ...args], { encoding: 'utf8', timeout: 300_000 });
  const m = /PEAK (\d+)/.exec(r.stderr ?? '');
  return m ? +m[1] : undefined;
}

export async function benchCore(): Promise<object[]> {
  const out: object[] = [];
  const start = qemuWall(STARTUP_ELF, 1, 7),
    startup = start.seconds;
  const cases: { bench: string; guest: string; harts: number }[] = [
    { bench: 'core-single-hart', guest: `${BIN}/bench_long.elf`, harts: 1 },
    { bench: 'core-single-hart-mixed', guest: `${BIN}/bench_mixed.elf`, harts: 1 },
    { bench: 'core-smp-4', guest: `${BIN}/bench_smp.elf`, harts: 4 },
    // S-mode under Sv39 with a timer interrupt and self-modifying code: kernel-style code.
    { bench: 'core-sv39', guest: `${BIN}/vm_bench.elf`, harts: 1 },
    // Floating point: double matmul with fused multiply-adds, a float n-body step, conversions.
    { bench: 'core-single-hart-fp', guest: `${BIN}/bench_fp.elf`, harts: 1 },
  ];
  for (const c of cases) {
    if (!existsSync(c.guest)) throw new Error(`${c.guest} is missing; run npm run build:guests`);
    const ours = hartline(c.guest, c.harts);
    const ref = qemuWall(c.guest, c.harts, 0);
    if (ref.output !== ours.output)
      throw new Error(`console output of ${c.guest} differs from QEMU's:\n${ours.output}\n---\n${ref.output}`);
    const qemuSeconds = Math.max(ref.seconds - startup, 1e-3);
    out.push({
      bench: c.bench,
      guest: c.guest,
      harts: c.harts,
      instructions: ours.instructions,
      hartlineSeconds: +ours.seconds.toFixed(3),
      hartlineMips: +(ours.instructions / ours.seconds / 1e6).toFixed(1),
      qemuSeconds: +qemuSeconds.toFixed(3),
      qemuWallSeconds: +ref.seconds.toFixed(3),
      qemuStartupSeconds: +startup.toFixed(3),
      // For one hart both retire the same instructions; with four, spin counts differ, so the ratio is of wall times.
      reference: `qemu-system-riscv64 -smp ${c.harts} -icount shift=0, best of ${RUNS}, start-up subtracted`,
      ratio: +(qemuSeconds / ours.seconds).toFixed(3),
      target: 1.0,
      // The same ratio by CPU time (QEMU's start-up CPU subtracted likewise), less disturbed by a busy machine.
      hartlineCpuSeconds: +ours.cpuSeconds.toFixed(3),
      qemuCpuSeconds: +Math.max(ref.cpuSeconds - start.cpuSeconds, 1e-3).toFixed(3),
      cpuRatio: Number.isFinite(ref.cpuSeconds)
        ? +(Math.max(ref.cpuSeconds - start.cpuSeconds, 1e-3) / ours.cpuSeconds).toFixed(3)
        : null,
    });
  }
  // Idle harts cost nothing: bench.elf on 4 harts, 3 of them parked in wfi (crt.S), against the same ELF on 1 hart.
  {
    const guest = `${BIN}/bench.elf`;
    const one = hartline(guest, 1),
      four = hartline(guest, 4);
    out.push({
      bench: 'core-idle-harts',
      guest,
      instructions: four.instructions,
      oneHartSeconds: +one.seconds.toFixed(3),
      fourHartSeconds: +four.seconds.toFixed(3),
      reference: 'the same ELF on 1 hart in this run (best of 3 each)',
      ratio: +(one.seconds / four.seconds).toFixed(3),
      cpuRatio: +(one.cpuSeconds / four.cpuSeconds).toFixed(3),
      target: 1.0,
      note: 'ratio = 1-hart time / 4-hart time; 1 means the 3 sleeping harts cost nothing',
    });
  }
  // Peak memory of a whole process running the long single-hart guest, against QEMU's on the same ELF.
  const guest = `${BIN}/bench_long.elf`;
  const ours = peakKiB(process.execPath, [join(__dirname, 'core.js'), '--run', guest]);
  const theirs = peakKiB(QEMU, qemuArgs(guest, 1));
  if (ours !== undefined && theirs !== undefined) {
    out.push({
      bench: 'core-peak-memory',
      guest,
      hartlineMiB: +(ours / 1024).toFixed(1),
      qemuMiB: +(theirs / 1024).toFixed(1),
      reference: 'peak RSS of qemu-system-riscv64 on the same ELF (GNU time)',
      ratio: +(ours / theirs).toFixed(2),
    });
  } else out.push({ bench: 'core-peak-memory', skipped: '/usr/bin/time is missing' });
  return out;
}

// Standalone: node out/bench/core.js prints the figures; with --run ELF [harts] [nojit] it runs one guest once.
if (/[\/]core\.js$/.test(process.argv[1] ?? '')) {
  if (process.argv[2] === '--run') {
    const r = hartline(process.argv[3], +(process.argv[4] ?? 1), 0, process.argv[5] !== 'nojit');
    process.stdout.write(`${r.output.trim()}\n${r.instructions} instructions\n`);
  } else
    benchCore().then((lines) => {
      for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
    });
}
