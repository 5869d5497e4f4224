// Loading a Linux kernel's DWARF (vmlinux from scripts/linux/build.sh) as the debugger does at launch, and the first
// answers a stop needs (a line, a function, a frame's CFI), against gdb reading the same file in the same run.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSymbols } from '../src/symbols';

const REPO = process.cwd();
const GDB = 'gdb-multiarch';

/** The kernel's folder: HARTLINE_LINUX_DIR (a kernel built elsewhere), else the build script's cache. */
function kernelDir(): string | undefined {
  const given = process.env.HARTLINE_LINUX_DIR;
  if (given) return existsSync(join(given, 'vmlinux')) ? given : undefined;
  const r = spawnSync('bash', [join(REPO, 'scripts/linux/build.sh'), '--print'], { encoding: 'utf8' });
  const dir = r.status === 0 ? r.stdout.trim() : undefined;
  return dir && existsSync(join(dir, 'vmlinux')) ? dir : undefined;
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** One launch's worth of work: load, then what the first stop in start_kernel asks. */
function firstStop(bytes: Uint8Array): { loadMs: number; firstStopMs: number } {
  const t0 = process.hrtime.bigint();
  const s = loadSymbols(bytes, 'vmlinux');
  const loadMs = ms(t0);
  const addr = s.addressOf('start_kernel');
  if (addr === undefined) throw new Error('vmlinux has no start_kernel');
  const pc = s.prologueEnd(addr);
  s.addressesForLine('init/main.c', s.lineAt(pc)?.line ?? 1);
  s.functionAt(pc);
  return { loadMs, firstStopMs: ms(t0) };
}

export async function benchKernelSymbols(): Promise<object[]> {
  const dir = kernelDir();
  if (!dir)
    return [{ bench: 'kernel-symbols', skipped: 'no kernel: run scripts/linux/build.sh (the linux branch) first' }];
  const path = join(dir, 'vmlinux');
  const bytes = new Uint8Array(readFileSync(path));
  firstStop(bytes); // warm the JIT
  const runs = [0, 1, 2].map(() => firstStop(bytes));
  const result: Record<string, unknown> = {
    bench: 'kernel-symbols',
    input: 'vmlinux (Linux 6.12, scripts/linux/build.sh)',
    fileBytes: bytes.length,
    loadMs: +median(runs.map((r) => r.loadMs)).toFixed(1),
    firstStopMs: +median(runs.map((r) => r.firstStopMs)).toFixed(1),
    budgetMs: 1000,
  };
  // Reference: gdb loading the same symbols and answering the same first question (best of 3, process start included).
  if (spawnSync(GDB, ['--version']).status === 0) {
    const gdbMs = median(
      [0, 1, 2].map(() => {
        const t0 = process.hrtime.bigint();
        execFileSync(GDB, ['-batch', '-nx', '-ex', 'info line start_kernel', path], { stdio: 'ignore' });
        return ms(t0);
      }),
    );
    Object.assign(result, {
      reference: `${GDB} -batch -ex "info line start_kernel" vmlinux`,
      referenceMs: +gdbMs.toFixed(1),
      ratio: +(median(runs.map((r) => r.firstStopMs)) / gdbMs).toFixed(3),
    });
  } else Object.assign(result, { reference: `none (${GDB} not installed)` });
  return [result];
}

// Standalone: node out/bench/kernel-symbols.js (bundled into run.js too, where this must not fire).
if (/[\/]kernel-symbols\.js$/.test(process.argv[1] ?? ''))
  benchKernelSymbols().then((r) => {
    for (const l of r) process.stdout.write(JSON.stringify(l) + '\n');
  });
