// The wasm dispatcher (src/riscv/wasm-dispatch.ts) on blocks built by hand: a chain of linked wasm blocks runs in
// one call and stops exactly where the budget does; an invalidated successor, or a reused table index, ends the
// chain; a link into another virtual page is followed only while the fetch TLB maps it where the block came from.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memory } from '../../../src/machine/memory';
import { WasmArena, WasmBlock } from '../../../src/riscv/wasm-block';
import type { Block } from '../../../src/riscv/block-compiler';

const BASE = 0x80000000;
const RAM = 1 << 20;
const T0 = 5;
const addi = (rd: number, rs1: number, imm: number) => ((imm & 0xfff) << 20) | (rs1 << 15) | (rd << 7) | 0x13;
const jal = (rd: number, off: number) =>
  (((off >> 20) & 1) << 31) |
  (((off >> 1) & 1023) << 21) |
  (((off >> 11) & 1) << 20) |
  (((off >> 12) & 255) << 12) |
  (rd << 7) |
  0x6f;

const beq = (rs1: number, rs2: number, off: number) =>
  (((off >> 12) & 1) << 31) |
  (((off >> 5) & 63) << 25) |
  (rs2 << 20) |
  (rs1 << 15) |
  (((off >> 1) & 15) << 8) |
  (((off >> 11) & 1) << 7) |
  0x63;

/** A machine-less setup: RAM in an arena, its block cache, and hart 0's registers and TLBs in the arena. */
function setup() {
  const arena = new WasmArena(RAM, 1);
  const mem = new Memory(RAM, arena);
  const ctx = mem.blocks.ctx;
  ctx.x = arena.registers(0);
  const [ft, tl, ts, , bl, bs] = arena.tlb(0);
  for (const t of [ft, tl, ts]) t.fill(-1);
  ctx.tl = tl;
  ctx.bl = bl;
  ctx.ts = ts;
  ctx.bs = bs;
  const put = (paddr: number, ...ws: number[]) => {
    const bytes = new Uint8Array(new Int32Array(ws).buffer);
    assert.ok(mem.loadBytes(paddr, bytes, bytes.length));
  };
  /** A block at physical `ppc` (virtual `vpc`) of two `addi t0, t0, 1` and a jal to virtual `to`. */
  const block = (ppc: number, vpc: number, to: number, dvm = false): Block => {
    put(ppc, addi(T0, T0, 1), addi(T0, T0, 1), jal(0, to - (vpc + 8)));
    const pg = (ppc - BASE) >>> 12;
    mem.blocks.openPage(pg);
    // As many arrivals as the cache waits at most: compiled now, not held back for a batch.
    mem.blocks.heat[pg][((ppc - BASE) & 4095) >> 1] = 65535;
    const b = mem.blocks.arrive(pg, ppc, vpc, dvm, new Set());
    assert.ok(b instanceof WasmBlock, 'not compiled to wasm');
    return b;
  };
  /** Links `from`'s exit at `pc` to `to`, as the interpreter's link() does. */
  const link = (from: Block, pc: number, to: Block) => {
    from.pc0 = pc;
    from.to0 = to;
  };
  /** Calls `b` as the chain loop does. */
  const call = (b: Block, budget: number, ivm = false) => {
    ctx.budget = budget;
    ctx.bail = 0;
    ctx.ivm = ivm;
    ctx.last = b;
    ctx.calls = 1;
    let dispatches = 0;
    const run = arena.run;
    (arena as { run: typeof run }).run = (...a) => (dispatches++, run(...a));
    try {
      b.fn(ctx);
    } finally {
      (arena as { run: typeof run }).run = run;
    }
    return { count: ctx.count, pc: ctx.pc, calls: ctx.calls, last: ctx.last, bail: ctx.bail, dispatches };
  };
  const t0 = () => arena.registers(0)[2 * T0];
  return { arena, mem, ctx, block, link, call, t0 };
}

test('a chain of three wasm blocks runs in one dispatcher call and stops exactly at the budget', () => {
  const s = setup();
  const A = BASE,
    B = BASE + 0x100,
    C = BASE + 0x200,
    D = BASE + 0x300;
  const a = s.block(A, A, B),
    b = s.block(B, B, C),
    c = s.block(C, C, D);
  s.link(a, B, b);
  s.link(b, C, c);
  // Budget 9: all three fit, one dispatcher call, the pc after the third.
  let r = s.call(a, 9);
  assert.deepEqual([r.dispatches, r.calls, r.count, r.pc, r.last, r.bail], [1, 3, 9, D, c, 0]);
  assert.equal(s.t0(), 6);
  // The dispatcher counted the runs of the blocks it chained past; the last one is the chain loop's to count.
  assert.deepEqual([a.runs, b.runs, c.runs], [1, 1, 0]);
  // Budget 8: the third does not fit the 2 left, so the call ends after the second, at the third's pc.
  r = s.call(a, 8);
  assert.deepEqual([r.dispatches, r.calls, r.count, r.pc, r.last], [1, 2, 6, C, b]);
  assert.equal(s.t0(), 10);
  // Budget 3: exactly the first block.
  r = s.call(a, 3);
  assert.deepEqual([r.calls, r.count, r.pc, r.last], [1, 3, B, a]);
});

test('invalidating a block reached through a wasm link stops the chain, and its reused table index does not revive it', () => {
  const s = setup();
  const A = BASE,
    B = BASE + 0x100,
    C = BASE + 0x200,
    E = BASE + 0x400;
  const a = s.block(A, A, B),
    b = s.block(B, B, C),
    c = s.block(C, C, A);
  s.link(a, B, b);
  s.link(b, C, c);
  assert.equal(s.call(a, 100).calls, 3);
  // A store to b's code (the block cache's invalidate, as memory calls it) must reach the link held in wasm memory.
  s.mem.blocks.invalidate(B + 4, 4);
  assert.equal(b.valid, false);
  let r = s.call(a, 100);
  assert.deepEqual([r.calls, r.count, r.pc, r.last], [1, 3, B, a]);
  // A new block takes b's freed table index; a's link still names that index, but not the new block's serial.
  const installed = s.arena.installed;
  const e = s.block(E, E, A) as WasmBlock;
  assert.equal(e.index, (b as WasmBlock).index);
  assert.equal(s.arena.installed, installed + 1);
  r = s.call(a, 100);
  assert.deepEqual([r.calls, r.pc, r.last], [1, B, a]);
  // Dropping every block (a snapshot restore) frees every index.
  s.mem.blocks.invalidateAll();
  assert.deepEqual([a.valid, c.valid, e.valid, s.arena.installed], [false, false, false, 0]);
});

test('a link into another virtual page is followed only while the fetch TLB maps that page where its block was compiled from', () => {
  const s = setup();
  const [ft, , , fb] = s.arena.tlb(0);
  // a: virtual 0x10000 at physical BASE; b: virtual 0x11000 (the next virtual page) at physical BASE + 0x2000.
  const VA = 0x10000,
    VB = 0x11000,
    PB = BASE + 0x2000;
  const a = s.block(BASE, VA, VB, true),
    b = s.block(PB, VB, VB + 0x100, true);
  s.link(a, VB, b);
  const slot = (VB >> 12) & 255;
  // Fetch translated, the TLB empty: refused at the page crossing.
  let r = s.call(a, 100, true);
  assert.deepEqual([r.calls, r.pc, r.last], [1, VB, a]);
  // The TLB maps 0x11000 to b's physical page: followed.
  ft[slot] = VB >> 12;
  fb[slot] = PB;
  r = s.call(a, 100, true);
  assert.deepEqual([r.calls, r.count, r.pc, r.last], [2, 6, VB + 0x100, b]);
  // Remapped elsewhere: refused again, as the interpreter's chain loop would.
  fb[slot] = PB + 0x1000;
  r = s.call(a, 100, true);
  assert.deepEqual([r.calls, r.pc, r.last], [1, VB, a]);
  // Fetch untranslated (ivm off): no check, as in the chain loop.
  r = s.call(a, 100, false);
  assert.equal(r.calls, 2);
});

test('a hot block takes its warm, not yet compiled successors in the page into its module, and only those', () => {
  const s = setup();
  const A = BASE,
    B = BASE + 0x100,
    C = BASE + 0x200,
    D = BASE + 0x300;
  const put = (paddr: number, ...ws: number[]) =>
    assert.ok(s.mem.loadBytes(paddr, new Uint8Array(new Int32Array(ws).buffer), ws.length * 4));
  // a -> b -> c -> a; d is only reached from c's branch, never run (cold).
  put(A, addi(T0, T0, 1), jal(0, B - (A + 4)));
  put(B, addi(T0, T0, 1), jal(0, C - (B + 4)));
  // c's beq t0, x0 is never taken (t0 > 0 there), but its target d is a static successor.
  put(C, addi(T0, T0, 1), beq(T0, 0, D - (C + 4)), jal(0, A - (C + 8)));
  const cache = s.mem.blocks;
  cache.openPage(0);
  const heat = cache.heat[0];
  const slot = (p: number) => ((p - BASE) & 4095) >> 1;
  heat[slot(B)] = cache.hot / 8; // warm
  heat[slot(C)] = cache.hot / 8;
  heat[slot(D)] = cache.hot / 8 - 1; // not quite
  const modules = s.arena.modules;
  const a = cache.arrive(0, A, A, false, new Set());
  assert.ok(a instanceof WasmBlock);
  assert.equal(s.arena.modules, modules + 1, 'one module');
  assert.equal(cache.stats.batched, 2, 'b and c came along');
  assert.ok(cache.pages[0][slot(B)] instanceof WasmBlock);
  assert.ok(cache.pages[0][slot(C)] instanceof WasmBlock);
  assert.equal(cache.pages[0][slot(D)], undefined, 'the cold successor was not compiled');
  assert.deepEqual([heat[slot(B)], heat[slot(C)]], [0, 0]);
  // They run as blocks compiled one by one would: linked, the chain a -> b -> c runs in one call.
  const b = cache.pages[0][slot(B)]!,
    c = cache.pages[0][slot(C)]!;
  s.link(a, B, b);
  s.link(b, C, c);
  const r = s.call(a, 7);
  assert.deepEqual([r.calls, r.count, r.pc, r.last], [3, 7, A, c]);
});

test('the warm divisor and the blocks per module a benchmark sets bound what a hot block takes along', () => {
  const s = setup();
  const A = BASE,
    B = BASE + 0x100,
    C = BASE + 0x200;
  const put = (paddr: number, ...ws: number[]) =>
    assert.ok(s.mem.loadBytes(paddr, new Uint8Array(new Int32Array(ws).buffer), ws.length * 4));
  // a -> b -> c -> a, b and c both reached hot / 32 times (rounded up).
  put(A, addi(T0, T0, 1), jal(0, B - (A + 4)));
  put(B, addi(T0, T0, 1), jal(0, C - (B + 4)));
  put(C, addi(T0, T0, 1), jal(0, A - (C + 4)));
  const cache = s.mem.blocks;
  cache.openPage(0);
  const slot = (p: number) => ((p - BASE) & 4095) >> 1;
  const heat = cache.heat[0];
  // With the default divisor (8) neither is warm: a is compiled alone.
  heat[slot(B)] = heat[slot(C)] = Math.ceil(cache.hot / 32);
  cache.arrive(0, A, A, false, new Set());
  assert.equal(cache.stats.batched, 0);
  // Divisor 32 makes both warm, and a module of at most 2 blocks takes only b.
  cache.invalidateAll();
  heat[slot(B)] = heat[slot(C)] = Math.ceil(cache.hot / 32);
  cache.warmDivisor = 32;
  s.arena.maxBatch = 2;
  const modules = s.arena.modules;
  cache.arrive(0, A, A, false, new Set());
  assert.equal(s.arena.modules, modules + 1, 'one module');
  assert.equal(cache.stats.batched, 1, 'b came along, c did not fit');
  assert.ok(cache.pages[0][slot(B)] instanceof WasmBlock);
  assert.equal(cache.pages[0][slot(C)], undefined);
});
