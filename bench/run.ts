// `npm run bench`: times Hartline against references measured in the same run and prints one JSON line per figure.
// Figures are kept in bench/README.md. This is a benchmark, never a test: nothing here asserts a speed.

import { readFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Machine } from '../src/machine/machine';
import { extraBenches } from './suites';

const BENCH_ELF = 'test/guests/bin/bench.elf';
const QEMU = 'qemu-system-riscv64';

function emit(obj: object): void {
  process.stdout.write(JSON.stringify(obj) + '\n');
}

/** Hartline on the CPU-bound guest, in this process; best of `runs`. */
function hartline(elf: Uint8Array, runs: number): { instructions: number; seconds: number; output: string } {
  let best = Infinity, instructions = 0, output = '';
  for (let k = 0; k < runs; k++) {
    const m = Machine.fromElf(elf, { harts: 1 });
    const chunks: Uint8Array[] = [];
    m.onConsole = (b) => chunks.push(b);
    const t0 = process.hrtime.bigint();
    const r = m.run(Number.MAX_SAFE_INTEGER);
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.reason !== 'exit' || r.exitCode !== 0) throw new Error(`bench guest did not pass on Hartline: ${r.reason} ${r.message ?? ''}`);
    instructions = m.position;
    output = Buffer.concat(chunks).toString();
    best = Math.min(best, dt);
  }
  return { instructions, seconds: best, output };
}

/** QEMU on the same ELF with -icount shift=0; the same program retires the same instructions. Best of `runs`. */
function qemu(runs: number): { seconds: number; output: string } {
  let best = Infinity, output = '';
  for (let k = 0; k < runs; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(QEMU, ['-M', 'virt', '-bios', 'none', '-nographic', '-monitor', 'none', '-serial', 'stdio',
      '-icount', 'shift=0', '-semihosting-config', 'enable=on,target=native', '-kernel', BENCH_ELF], { encoding: 'utf8', timeout: 120_000 });
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) throw new Error(`${QEMU} could not run: ${r.error.message}`);
    if (r.status !== 0) throw new Error(`${QEMU} exited with ${r.status}: ${r.stderr}`);
    output = r.stdout;
    best = Math.min(best, dt);
  }
  return { seconds: best, output };
}

async function main(): Promise<void> {
  if (!existsSync(BENCH_ELF)) throw new Error(`${BENCH_ELF} is missing; run npm run build:guests`);
  const elf = new Uint8Array(readFileSync(BENCH_ELF));
  hartline(elf, 1); // warm the JIT, as QEMU's translation cache warms inside its own run
  const ours = hartline(elf, 3);
  const ref = qemu(3);
  if (ref.output !== ours.output) throw new Error(`console output differs from QEMU's:\n${ours.output}\n---\n${ref.output}`);
  const ourMips = ours.instructions / ours.seconds / 1e6;
  const qemuMips = ours.instructions / ref.seconds / 1e6;
  for (const line of await extraBenches()) emit(line);
  emit({
    bench: 'core-single-hart', guest: BENCH_ELF, instructions: ours.instructions,
    hartlineMips: +ourMips.toFixed(1), qemuMips: +qemuMips.toFixed(1), reference: 'qemu-system-riscv64 -icount shift=0 (wall time incl. start-up)',
    ratio: +(ourMips / qemuMips).toFixed(3),
  });
}

main().catch((e) => {
  process.stderr.write(`bench: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
