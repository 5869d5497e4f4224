// The interpreter's warm-up: once per process, every instruction of the table runs a few times on a scratch hart,
// in M-mode and in S-mode under Sv39, before the first machine runs, so that V8 optimizes execute() with feedback
// for every instruction and path instead of throwing its optimized code away each time the guest first uses one.

import { Hart, HartRun, MSTATUS, Priv } from '../riscv/hart';
import { INSTRUCTIONS } from '../riscv/instructions';
import { execute, ExecOptions } from '../riscv/interpreter';
import { Mmu } from '../riscv/mmu';
import { PAGE } from '../riscv/bus';
import { Memory, RAM_BASE } from './memory';
import { WasmArena } from '../riscv/wasm-block';

/*
 * Why (bench/README.md, "Linux boot"): execute() is one large function whose switch has a case per instruction. V8
 * compiles it with TurboFan for the cases that have run so far and leaves a deoptimization in every case that has
 * not; a Linux boot reaches about thirty such cases for the first time one after another, and each costs a return
 * to the unoptimized tiers and a new compile of the whole function (about 0.3 s of CPU each). The warm-up only
 * gives V8 feedback: it runs on its own Memory, Hart and Mmu, so no machine's state depends on it.
 */

let warmed = false;

/**
 * The warm-up's machines, kept for the process's life: V8's optimized execute() refers weakly to what its feedback
 * saw (maps, closures), and when the warm-up's objects were collected, in the middle of the first boot, that code
 * was thrown away ("weak objects") and compiled again (bench/README.md, "Block backend").
 */
const kept: unknown[] = [];

/**
 * Machine.run warms up before a run of at least this many instructions: the warm-up costs about 0.2 s of CPU, what
 * a short run (most tests, a debugger's steps) never gets back, and it pays for itself in a long one.
 */
export const WARM_UP_FROM = 20_000_000;

const RAM = 1 << 20;
const CODE = RAM_BASE + 0x10000;
const DATA = RAM_BASE + 0x40000;
const ROOT = RAM_BASE + 0x1000;
/** A device that ends the run at every access, as the finisher or a self-IPI do (the paths after `bus.stop`). */
const STOPPER = 0x10000000;
/** The kernel half: VA 0xffffffff80000000 (a negative pc, as Linux runs) maps the same gigapage as VA RAM_BASE. */
const KERNEL = -(2 ** 31);

/**
 * The two translation contexts the block warm-ups run in: M-mode with no translation, and S-mode under the Sv39 root
 * table, where code and data sit at `base` above their physical address (the kernel half).
 */
const MODES = [
  { priv: Priv.M, satp: 0n, base: 0 },
  { priv: Priv.S, satp: (8n << 60n) | BigInt(ROOT / 4096), base: KERNEL - RAM_BASE },
] as const;

/** Puts scratch hart `h` in a mode of MODES, running, with the FP unit on. */
function enter(h: Hart, priv: Priv, satp: bigint): void {
  h.priv = priv;
  h.satp = satp;
  h.mstatus = MSTATUS.FS;
  h.run = HartRun.running;
}

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
  warmInstructions();
  warmBlocks();
}

/**
 * The block-calling part of execute(): a hot loop on a WebAssembly arena, as the default machine has, compiled at a
 * low threshold and run in M-mode and in S-mode under Sv39 (entry, chaining into itself, and a bail-out on a
 * misaligned load at the end).
 */
export function warmBlocks(): Memory {
  const arena = new WasmArena(RAM, 1);
  const mem = new Memory(RAM, arena);
  const h = new Hart(0, arena.registers(0));
  h.mmu = new Mmu(mem, arena.tlb(0));
  mem.harts = [h];
  mem.blocks.hot = 16;
  const opts: ExecOptions = {
    breakpoints: new Set(),
    suppressBreakAt: -1,
    hit: false,
    compile: true,
    onUnhandledTrap: () => {},
  };
  const leaf = ((RAM_BASE / 4096) << 10) | 0xcf;
  mem.store(h, ROOT + 510 * 8, 8, leaf, 0);
  // loop: addi t1, t1, 1; ld t2, 0(s2); sd t2, 8(s2); add s2, s2, t4; bne t1, t3, loop; then a spin.
  const bneBack16 = (1 << 31) | (0x3f << 25) | (28 << 20) | (6 << 15) | (1 << 12) | (0x8 << 8) | (1 << 7) | 0x63;
  const loop = [0x00130313, 0x00093383, 0x00793423, 0x01d90933, bneBack16, 0x0000006f];
  loop.forEach((w, k) => mem.store(h, CODE + 4 * k, 4, w | 0, 0));
  for (const { priv, satp, base } of MODES) {
    enter(h, priv, satp);
    h.writeX(6, 0n);
    h.writeX(28, 400n); // t3: passes
    h.writeX(29, 0n); // t4: stride 0, so s2 stays on DATA, until a misaligned one makes the block bail
    h.writeX(18, BigInt.asUintN(64, BigInt(DATA + base)));
    h.pc = CODE + base;
    for (let k = 0; k < 8 && h.pc !== CODE + base + 20; k++) {
      if (k === 6) h.writeX(18, BigInt.asUintN(64, BigInt(DATA + base + 1)));
      mem.stop = false;
      execute(h, mem, 200, opts);
    }
  }
  warmMixedChain(mem, h, opts);
  kept.push(mem, h, opts);
  for (const o of [h, h.mmu, mem, mem.blocks, mem.blocks.stats, arena]) unfreeze(o);
  for (const page of mem.blocks.pages) if (page) for (const b of page) if (b) unfreeze(b);
  return mem;
}

/**
 * Stores a second value into every number, bigint, boolean and null field of `o`, then its own value again. V8
 * treats a field stored once as a constant of its map and lets optimized code depend on that; the second store, made
 * in the middle of a boot (a block's second link, a hart's second trap into S-mode, a counter's second increment),
 * then threw execute()'s optimized code away ("code dependencies", bench/README.md, "Block backend"). Made here,
 * before execute() is optimized, the fields are mutable from the start. The values stored keep each field's kind,
 * so no representation changes.
 */
function unfreeze(o: object | undefined): void {
  if (o === undefined) return;
  const r = o as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    const v = r[k];
    if (typeof v === 'number') r[k] = v === 0 ? 1 : 0;
    else if (typeof v === 'bigint') r[k] = v + 1n;
    else if (typeof v === 'boolean') r[k] = !v;
    else if (v === null) r[k] = o;
    else continue;
    r[k] = v;
  }
}

/** A B-type branch word (funct3 `f3`) from `rs1`, `rs2` to pc + `imm`. */
function branch(f3: number, rs1: number, rs2: number, imm: number): number {
  const i = imm & 0x1fff;
  return (
    ((i >> 12) << 31) |
    (((i >> 5) & 0x3f) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((i >> 1) & 0xf) << 8) |
    (((i >> 11) & 1) << 7) |
    0x63
  );
}

/** A JAL word to pc + `imm` (rd = x0). */
function jump(imm: number): number {
  return (
    (((imm >> 20) & 1) << 31) |
    (((imm >> 1) & 0x3ff) << 21) |
    (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 0xff) << 12) |
    0x6f
  );
}

/**
 * A loop of JS blocks and a wasm block in two pages, linked every way the boot links them at lower thresholds (FP
 * code, whose blocks the JS backend builds, next to integer code): the block call site then sees both kinds of
 * block, both exits of a JS block and of a wasm block get linked and followed (JS to JS, JS to wasm, wasm to JS),
 * and the JS chain loop follows a link into another virtual page (the fetch-TLB check) under Sv39. Without it, each of these first happened in the boot and
 * deoptimized execute() (bench/README.md, "Block backend").
 */
function warmMixedChain(mem: Memory, h: Hart, opts: ExecOptions): void {
  const a = CODE + 0x1fd0,
    a2 = a + 0x20,
    b = CODE + 0x2008,
    c = b + 0x20;
  // a: fadd.d f1, f1, f2; andi t0, t1, 1; addi t1, t1, 1; bnez t0, a2; j b.  a2: fadd.d f1, f1, f2; j b.
  // b: bnez t0, a; j c (wasm).  c: fadd.d f1, f1, f2; j a.  So a and b each take both exits, in turn; the loop runs
  // until the budget ends it.
  const words: [number, number][] = [
    [a, 0x022080d3],
    [a + 4, 0x00137293],
    [a + 8, 0x00130313],
    [a + 12, branch(1, 5, 0, a2 - (a + 12))],
    [a + 16, jump(b - (a + 16))],
    [a2, 0x022080d3],
    [a2 + 4, jump(b - (a2 + 4))],
    [b, branch(1, 5, 0, a - b)],
    [b + 4, jump(c - (b + 4))],
    [c, 0x022080d3],
    [c + 4, jump(a - (c + 4))],
  ];
  for (const [at, w] of words) mem.store(h, at, 4, w | 0, 0);
  mem.blocks.hot = 4;
  for (const { priv, satp, base } of MODES) {
    enter(h, priv, satp);
    h.writeX(6, 0n);
    h.pc = a + base;
    for (let k = 0; k < 12; k++) {
      mem.stop = false;
      execute(h, mem, 200, opts);
    }
  }
}

function warmInstructions(): void {
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
    onUnhandledTrap: () => {},
  };
  kept.push(mem, h, opts);
  unfreeze(h);
  unfreeze(h.mmu);
  // Sv39 root table: gigapages at index 2 (VA 0x80000000) and 510 (the kernel half), both onto RAM, RWX, A and D set.
  const leaf = ((RAM_BASE / 4096) << 10) | 0xcf;
  const satp = (8n << 60n) | BigInt(ROOT / 4096);
  const rand = xorshift(0x2545f491);
  const words: number[] = [];
  for (let round = 0; round < 16; round++) {
    for (const info of INSTRUCTIONS) {
      let word = ((rand() & ~info.mask) | info.match) >>> 0;
      // CSR instructions: every other one names sscratch or mscratch, which exist, so the write path runs too.
      if (info.ext === 'Zicsr' && round % 2 === 0)
        word = ((word & 0xfffff) | ((round % 4 ? 0x140 : 0x340) << 20)) >>> 0;
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
  const handler = BigInt(CODE);
  for (const [priv, sat, codeV] of modes) {
    // Register files, made once per mode and copied in before each instruction: half the x registers point into the
    // data page (so loads and stores take their fast and slow paths) or at the stopping device, half are random.
    const xs: Int32Array[] = [],
      fs: Int32Array[] = [];
    for (let t = 0; t < 8; t++) {
      const x = new Int32Array(64),
        f = new Int32Array(64);
      for (let r = 1; r < 32; r++) {
        if (r % 2 === 0) {
          const at = r % 6 === 0 ? STOPPER : priv === Priv.S && r % 4 === 0 ? KERNEL + (DATA - RAM_BASE) : DATA;
          const a = at + (rand() & 0xff8) + (r & 7);
          x[2 * r] = a | 0;
          x[2 * r + 1] = Math.floor(a / 2 ** 32) | 0;
        } else {
          x[2 * r] = rand() | 0;
          x[2 * r + 1] = r % 3 === 0 ? 0 : rand() | 0;
        }
        f[2 * r] = rand() | 0;
        f[2 * r + 1] = r % 5 === 0 ? -1 : rand() | 0;
      }
      xs.push(x);
      fs.push(f);
    }
    const dataEnd = (priv === Priv.S ? KERNEL + (DATA - RAM_BASE) : DATA) + 0xffc;
    const codePage = priv === Priv.S ? KERNEL + (CODE - RAM_BASE) : CODE;
    for (let i = 0; i < words.length; i++) {
      const paddr = CODE + 4 * (i % 2048);
      mem.store(h, paddr, 4, words[i] | 0, 0);
      if (priv === Priv.S) {
        // A random store may have hit the table: the leaves are written again before every instruction.
        mem.store(h, ROOT + 2 * 8, 8, leaf, 0);
        mem.store(h, ROOT + 510 * 8, 8, leaf, 0);
        mem.store(h, ROOT, 8, 0xcf, 0); // VA 0..1 GiB onto itself: the stopping device, in S-mode too
      }
      // No reservation or code flag is left on the data pages, which would send every store the slow way.
      h.reservation = -1;
      for (let a = DATA - 0x2000; a < DATA + 0x3000; a += 4096) mem.pageFlags[(a - RAM_BASE) >>> 12] = PAGE.DIRTY;
      h.x.set(xs[i & 7]);
      h.fw.set(fs[i & 7]);
      // x2 and x10 point where base + offset lands on the data page's last bytes (an access crossing into the next
      // page), x6 and x14 into the code page (a store there drops the fetch page).
      const off = offsetOf(words[i]);
      for (const [r, a] of [
        [2, dataEnd + (i & 3) - off],
        [10, dataEnd + ((i >> 2) & 3) - off],
        [6, codePage + (i & 0xff8) - off],
        [14, codePage + ((i * 8) & 0xff8) - off],
      ]) {
        h.x[2 * r] = a | 0;
        h.x[2 * r + 1] = Math.floor(a / 2 ** 32) | 0;
      }
      h.priv = priv;
      h.satp = sat;
      h.mstatus = MSTATUS.FS | (priv === Priv.S ? MSTATUS.SUM : 0);
      // Every other instruction traps into a handler (the path after enterTrap), the rest to none.
      h.mtvec = i % 2 === 0 ? handler : 0n;
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
  // A wfi whose interrupt is pending and enabled in mie but masked by mstatus.MIE (M-mode): it does not sleep, and
  // asks whether an interrupt is to be taken (Linux's idle loop does this on every hart of an SMP boot).
  mem.store(h, CODE, 4, 0x10500073, 0);
  h.priv = Priv.M;
  h.satp = 0n;
  h.mstatus = 0;
  h.mie = h.mipSoft = 1 << 3;
  for (let k = 0; k < 4; k++) {
    h.run = HartRun.running;
    h.pc = CODE;
    mem.stop = false;
    execute(h, mem, 2, opts);
  }
  h.mie = h.mipSoft = 0;
}
