// Block backend comparison for `npm run bench`: the JS backend (new Function) against the WebAssembly one on the
// CPU-bound guests and the Sv39 guest, each also against QEMU -icount shift=0, and the compile cost per block.

import { readFileSync, existsSync } from 'node:fs';
import { Machine } from '../src/machine/machine';
import { compileBlock } from '../src/riscv/block-compiler';
import { WasmArena } from '../src/riscv/wasm-block';
import type { Block } from '../src/riscv/block-compiler';
import { qemuWall, STARTUP_ELF } from './core';
import { BOOT_LIMIT, linuxKernel, linuxMachine } from '../test/full/support/linux-kernel';

const BIN = 'test/guests/bin';
const RUNS = 3;
type Backend = 'js' | 'wasm';

interface Timed {
  seconds: number;
  cpuSeconds: number;
  instructions: number;
  output: string;
  machine: Machine;
}

function runOnce(elf: Uint8Array, backend: Backend): Timed {
  const m = Machine.fromElf(elf, { blockBackend: backend });
  const chunks: Uint8Array[] = [];
  m.onConsole = (b) => chunks.push(b);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = m.run(Number.MAX_SAFE_INTEGER);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cu = process.cpuUsage(c0);
  if (r.reason !== 'exit' || r.exitCode !== 0)
    throw new Error(`guest did not pass with ${backend} blocks: ${r.reason}`);
  return {
    seconds,
    cpuSeconds: (cu.user + cu.system) / 1e6,
    instructions: m.position,
    output: Buffer.concat(chunks).toString(),
    machine: m,
  };
}

/** Best of RUNS after one warm-up each, the two backends interleaved so that load on the machine hits both alike. */
function bothBackends(path: string): Record<Backend, Timed> {
  const elf = new Uint8Array(readFileSync(path));
  const best: Partial<Record<Backend, Timed>> = {};
  for (let k = 0; k <= RUNS; k++) {
    for (const be of ['js', 'wasm'] as const) {
      const t = runOnce(elf, be);
      if (k === 0) continue;
      const b = best[be];
      if (!b || t.seconds < b.seconds)
        best[be] = { ...t, cpuSeconds: Math.min(t.cpuSeconds, b?.cpuSeconds ?? Infinity) };
      else b.cpuSeconds = Math.min(b.cpuSeconds, t.cpuSeconds);
    }
  }
  return best as Record<Backend, Timed>;
}

/** Every block installed in a machine's cache (for recompiling them to time the compilers). */
function blocksOf(m: Machine): Block[] {
  const out: Block[] = [];
  for (const page of m.memory.blocks.pages) if (page) for (const b of page) if (b) out.push(b);
  return out;
}

/**
 * Compile cost per block: the blocks a run built, compiled again by each backend (10 rounds, best round), in
 * microseconds. The wasm figure includes the scan, encoding, WebAssembly.Module (synchronous compile), Instance and
 * installing the function in the dispatcher's table, one block per module (the block cache batches warm successors
 * into one module, which costs less per block). Each wasm round uses a fresh arena of another size, so that its
 * modules' bytes differ from every earlier round's and V8 cannot hand back a module it compiled before.
 */
function compileCost(m: Machine): { blocks: number; jsMicros: number; wasmMicros: number; wasmBytes: number } {
  const blocks = blocksOf(m);
  const src = m.memory;
  const none = new Set<number>();
  let modules = 0,
    bytes = 0;
  const time = (f: (b: Block, round: number) => unknown) => {
    let best = Infinity;
    for (let round = 0; round < 10; round++) {
      const t0 = process.hrtime.bigint();
      for (const b of blocks) f(b, round);
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3);
    }
    return best / blocks.length;
  };
  const jsMicros = time((b) => compileBlock(src, b.start, b.vpc, b.dvm, none));
  const arenas = Array.from({ length: 10 }, (_, round) => new WasmArena(src.ramSize + round * 65536, 1));
  const wasmMicros = time((b, round) => {
    const blk = arenas[round].compile(src, b.start, b.vpc, b.dvm, none);
    // Freed at once: the table need not hold a round.
    if (blk) blk.valid = false;
  });
  for (const a of arenas) ((modules += a.modules), (bytes += a.moduleBytes));
  return { blocks: blocks.length, jsMicros, wasmMicros, wasmBytes: bytes / Math.max(1, modules) };
}

export async function benchBackend(): Promise<object[]> {
  const out: object[] = [];
  const startup = qemuWall(STARTUP_ELF, 1, 7);
  const cases = [
    { bench: 'backend-long', guest: `${BIN}/bench_long.elf` },
    { bench: 'backend-mixed', guest: `${BIN}/bench_mixed.elf` },
    { bench: 'backend-sv39', guest: `${BIN}/vm_bench.elf` },
  ];
  for (const c of cases) {
    if (!existsSync(c.guest)) throw new Error(`${c.guest} is missing; run npm run build:guests`);
    const r = bothBackends(c.guest);
    if (r.js.output !== r.wasm.output) throw new Error(`${c.guest}: the two backends print different output`);
    const ref = qemuWall(c.guest, 1, 0);
    if (ref.output !== r.js.output) throw new Error(`console output of ${c.guest} differs from QEMU's`);
    const qemuSeconds = Math.max(ref.seconds - startup.seconds, 1e-3);
    const cost = compileCost(r.wasm.machine);
    out.push({
      bench: c.bench,
      guest: c.guest,
      instructions: r.js.instructions,
      jsSeconds: +r.js.seconds.toFixed(3),
      wasmSeconds: +r.wasm.seconds.toFixed(3),
      jsMips: +(r.js.instructions / r.js.seconds / 1e6).toFixed(1),
      wasmMips: +(r.wasm.instructions / r.wasm.seconds / 1e6).toFixed(1),
      reference: `the JS block backend in the same run, best of ${RUNS} each, interleaved (ratio = JS time / wasm time)`,
      ratio: +(r.js.seconds / r.wasm.seconds).toFixed(3),
      cpuRatio: +(r.js.cpuSeconds / r.wasm.cpuSeconds).toFixed(3),
      qemuSeconds: +qemuSeconds.toFixed(3),
      jsVsQemu: +(qemuSeconds / r.js.seconds).toFixed(3),
      wasmVsQemu: +(qemuSeconds / r.wasm.seconds).toFixed(3),
      blocks: cost.blocks,
      jsCompileMicrosPerBlock: +cost.jsMicros.toFixed(1),
      wasmCompileMicrosPerBlock: +cost.wasmMicros.toFixed(1),
      wasmModuleBytesPerBlock: Math.round(cost.wasmBytes),
    });
  }
  out.push(...linuxBoot());
  return out;
}

/**
 * The test kernel's 1-hart boot to power-off with each backend, one run each (a boot compiles about 12,000 blocks,
 * so the compile cost is part of the figure); the ratio is of times, as above.
 */
function linuxBoot(): object[] {
  const k = linuxKernel();
  if ('missing' in k) return [{ bench: 'backend-linux-boot', skipped: k.missing }];
  const t: Partial<Record<Backend, { seconds: number; cpuSeconds: number; instructions: number; blocks: number }>> = {};
  for (const be of ['js', 'wasm'] as const) {
    const { m, console } = linuxMachine(k, 1, { blockBackend: be });
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const r = m.run(BOOT_LIMIT);
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const cu = process.cpuUsage(c0);
    if (r.reason !== 'exit' || !console().includes('reboot: Power down'))
      throw new Error(`the Linux boot did not reach power-off with ${be} blocks: ${r.reason}`);
    t[be] = {
      seconds,
      cpuSeconds: (cu.user + cu.system) / 1e6,
      instructions: m.position,
      blocks: m.memory.blocks.compiledTotal,
    };
  }
  const js = t.js!,
    wasm = t.wasm!;
  if (js.instructions !== wasm.instructions)
    throw new Error('the two backends booted Linux in different instruction counts');
  return [
    {
      bench: 'backend-linux-boot',
      harts: 1,
      instructions: js.instructions,
      blocks: wasm.blocks,
      jsSeconds: +js.seconds.toFixed(2),
      wasmSeconds: +wasm.seconds.toFixed(2),
      reference: 'the JS block backend in the same run, one boot each (ratio = JS time / wasm time)',
      ratio: +(js.seconds / wasm.seconds).toFixed(3),
      cpuRatio: +(js.cpuSeconds / wasm.cpuSeconds).toFixed(3),
    },
  ];
}

// Standalone: node out/bench/backend.js
if (/[\/]backend\.js$/.test(process.argv[1] ?? '')) {
  benchBackend().then((lines) => {
    for (const l of lines) process.stdout.write(JSON.stringify(l) + '\n');
  });
}
