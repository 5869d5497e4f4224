// The interpreter's warm-up: once per process, every instruction of the table runs a few times on a scratch hart,
// in M-mode and in S-mode under Sv39, before the first machine runs, so that V8 optimizes execute() with feedback
// for every instruction and path instead of throwing its optimized code away each time the guest first uses one.

import { Hart, HartRun, MSTATUS, Priv } from '../riscv/hart';
import { INSTRUCTIONS } from '../riscv/instructions';
import { execute, ExecOptions } from '../riscv/interpreter';
import { Mmu } from '../riscv/mmu';
import { PAGE } from '../riscv/bus';
import { Memory, RAM_BASE } from './memory';

/*
 * Why (bench/README.md, "Linux boot"): execute() is one large function whose switch has a case per instruction. V8
 * compiles it with TurboFan for the cases that have run so far and leaves a deoptimization in every case that has
 * not; a Linux boot reaches about thirty such cases for the first time one after another, and each costs a return
 * to the unoptimized tiers and a new compile of the whole function (about 0.3 s of CPU each). The warm-up only
 * gives V8 feedback: it runs on its own Memory, Hart and Mmu, so no machine's state depends on it.
 */

let warmed = false;

const RAM = 1 << 20;
const CODE = RAM_BASE + 0x10000;
const DATA = RAM_BASE + 0x40000;
const ROOT = RAM_BASE + 0x1000;
/** A device that ends the run at every access, as the finisher or a self-IPI do (the paths after `bus.stop`). */
const STOPPER = 0x10000000;
/** The kernel half: VA 0xffffffff80000000 (a negative pc, as Linux runs) maps the same gigapage as VA RAM_BASE. */
const KERNEL = -(2 ** 31);

/** A fixed 32-bit xorshift, so the warm-up is the same in every process. */
function xorshift(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return s >>> 0;
  };
}

/** The offset a load or store word adds to its base register (S-type for stores, I-type otherwise). */
function offsetOf(w: number): number {
  const opcode = w & 0x7f;
  return opcode === 0x23 || opcode === 0x27 ? ((w >> 25) << 5) | ((w >>> 7) & 31) : w >> 20;
}

/** Runs the warm-up once per process (later calls return at once). */
export function warmUpInterpreter(): void {
  if (warmed) return;
  warmed = true;
  const mem = new Memory(RAM);
  const h = new Hart(0);
  h.mmu = new Mmu(mem);
  mem.harts = [h];
  mem.addDevice({
    name: 'warm-up',
    base: STOPPER,
    size: 0x10000,
    read: () => {
      mem.stop = true;
      return 0n;
    },
    write: () => {
      mem.stop = true;
    },
  });
  const opts: ExecOptions = {
    breakpoints: new Set(),
    suppressBreakAt: -1,
    hit: false,
    compile: false,
    yielded: false,
    onUnhandledTrap: () => {},
  };
  // Sv39 root table: gigapages at index 2 (VA 0x80000000) and 510 (the kernel half), both onto RAM, RWX, A and D set.
  const leaf = ((RAM_BASE / 4096) << 10) | 0xcf;
  const satp = (8n << 60n) | BigInt(ROOT / 4096);
  const rand = xorshift(0x2545f491);
  const words: number[] = [];
  for (let round = 0; round < 16; round++) {
    for (const info of INSTRUCTIONS) {
      let word = ((rand() & ~info.mask) | info.match) >>> 0;
      // CSR instructions: every other one names sscratch or mscratch, which exist, so the write path runs too.
      if (info.ext === 'Zicsr' && round % 2 === 0) word = ((word & 0xfffff) | ((round % 4 ? 0x140 : 0x340) << 20)) >>> 0;
      words.push(word);
    }
    // Compressed parcels, in quadrants 0 to 2, with a random upper half (the next instruction).
    for (let k = 0; k < 32; k++) words.push(((rand() & 0xfffffffc) | k % 3) >>> 0);
  }
  const modes: [Priv, bigint, number][] = [
    [Priv.M, 0n, CODE],
    [Priv.S, satp, KERNEL + (CODE - RAM_BASE)],
    [Priv.U, 0n, CODE],
  ];
  // The data pages are dirty, as written pages are, so that stores take their fast path.
  for (let a = DATA - 0x2000; a < DATA + 0x3000; a += 4096) mem.store(h, a, 1, 0, 0);
  for (const [priv, sat, codeV] of modes) {
    for (let i = 0; i < words.length; i++) {
      const paddr = CODE + 4 * (i % 2048);
      mem.store(h, paddr, 4, words[i] | 0, 0);
      // A random store may have hit the table: the two leaves are written again before every instruction.
      mem.store(h, ROOT + 2 * 8, 8, leaf, 0);
      mem.store(h, ROOT + 510 * 8, 8, leaf, 0);
      mem.store(h, ROOT, 8, 0xcf, 0); // VA 0..1 GiB onto itself: the stopping device, in S-mode too
      // No reservation or code flag is left on the data pages, which would send every store the slow way.
      h.reservation = -1;
      for (let a = DATA - 0x2000; a < DATA + 0x3000; a += 4096) mem.pageFlags[(a - RAM_BASE) >>> 12] = PAGE.DIRTY;
      // Registers: half point into the data page (so loads and stores take their fast and slow paths), half random.
      for (let r = 1; r < 32; r++) {
        if (r % 2 === 0) {
          const at = r % 6 === 0 ? STOPPER : priv === Priv.S && r % 4 === 0 ? KERNEL + (DATA - RAM_BASE) : DATA;
          // Some point at the data page's last bytes (accesses cross into the next page), some at the code page (a
          // store there drops the fetch page).
          const a =
            r % 8 === 2
              ? at + 0xffc + (rand() & 3) - offsetOf(words[i])
              : r % 8 === 6
                ? (priv === Priv.S ? KERNEL + (CODE - RAM_BASE) : CODE) + (rand() & 0xff8) - offsetOf(words[i])
                : at + (rand() & 0xff8) + (r & 7);
          h.x[2 * r] = a | 0;
          h.x[2 * r + 1] = Math.floor(a / 2 ** 32) | 0;
        } else {
          h.x[2 * r] = rand() | 0;
          h.x[2 * r + 1] = r % 3 === 0 ? 0 : rand() | 0;
        }
        h.fw[2 * r] = rand() | 0;
        h.fw[2 * r + 1] = r % 5 === 0 ? -1 : rand() | 0;
      }
      h.priv = priv;
      h.satp = sat;
      h.mstatus = MSTATUS.FS | (priv === Priv.S ? MSTATUS.SUM : 0);
      // Every other instruction traps into a handler (the path after enterTrap), the rest to none.
      h.mtvec = i % 2 === 0 ? BigInt(CODE) : 0n;
      h.stvec = 0n;
      h.mie = 0;
      h.mipSoft = 0;
      h.run = HartRun.running;
      h.pc = priv === Priv.S ? codeV + 4 * (i % 2048) : paddr;
      mem.stop = false;
      execute(h, mem, 2, opts);
    }
  }
  // A 32-bit instruction across two pages under Sv39 (addi a0, a0, 1 at the last halfword of a page).
  const straddle = CODE + 0x2000 - 2;
  mem.store(h, straddle, 2, 0x0513, 0);
  mem.store(h, straddle + 2, 2, 0x0015, 0);
  h.priv = Priv.S;
  h.satp = satp;
  h.mstatus = MSTATUS.FS;
  h.pc = KERNEL + (straddle - RAM_BASE);
  execute(h, mem, 2, opts);
}
