// Seeded random RV64GC programs for the JIT differential tests: every instruction group, traps (skipped by an M-mode
// handler), timer interrupts, AMO and LR/SC across two harts, FP with random rounding modes, and self-modifying code;
// optionally run from S-mode under Sv39 (identity gigapages) with sfence.vma and satp writes in the stream.

import type { ElfImage } from '../../../src/machine/elf';
import { INSTRUCTIONS } from '../../../src/riscv/instructions';

/** F and D rows other than loads and stores, for `extended` streams. */
const FP_ROWS = INSTRUCTIONS.filter((r) => (r.ext === 'F' || r.ext === 'D') && r.format !== 'FL' && r.format !== 'FS');

const BASE = 0x80000000;
const SETUP = BASE,
  HANDLER = BASE + 0x1000,
  PROG = BASE + 0x2000,
  DATA = BASE + 0x10000,
  PATCHES = BASE + 0x11000,
  ROOT = BASE + 0x20000;
/** Registers the stream never writes: x8 data base, x9 program base, x10 patch table, x11 an aligned AMO address,
 * x27 the self-modifying store's word (always a valid instruction, even when a branch skips its load), x28 the loop counter, x29-x31 the handler's temporaries. x2 (sp) is left alone too. */
const RESERVED = new Set([0, 2, 8, 9, 10, 11, 27, 28, 29, 30, 31]);
const WRITABLE = Array.from({ length: 32 }, (_, r) => r).filter((r) => !RESERVED.has(r));
/** Compressed-register-field writable registers (x8..x15 minus reserved). */
const C_WRITABLE = [12, 13, 14, 15];

const r = (f7: number, rs2: number, rs1: number, f3: number, rd: number, op: number) =>
  ((f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const i = (imm: number, rs1: number, f3: number, rd: number, op: number) =>
  (((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | op) >>> 0;
const s = (imm: number, rs2: number, rs1: number, f3: number, op: number) =>
  ((((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | op) >>> 0;
const b = (imm: number, rs2: number, rs1: number, f3: number) =>
  ((((imm >> 12) & 1) << 31) |
    (((imm >> 5) & 63) << 25) |
    (rs2 << 20) |
    (rs1 << 15) |
    (f3 << 12) |
    (((imm >> 1) & 15) << 8) |
    (((imm >> 11) & 1) << 7) |
    0x63) >>>
  0;
const u = (imm20: number, rd: number, op: number) => (((imm20 & 0xfffff) << 12) | (rd << 7) | op) >>> 0;
const j = (imm: number, rd: number) =>
  ((((imm >> 20) & 1) << 31) |
    (((imm >> 1) & 1023) << 21) |
    (((imm >> 11) & 1) << 20) |
    (((imm >> 12) & 255) << 12) |
    (rd << 7) |
    0x6f) >>>
  0;
const csr = (num: number, rs1: number, f3: number, rd: number) => i(num, rs1, f3, rd, 0x73);
const li = (rd: number, v: number): number[] => {
  // Any 32-bit value: lui + addi (addi's immediate is sign-extended, so round the upper part).
  const lo = (v << 20) >> 20,
    hi = ((v - lo) >>> 12) & 0xfffff;
  return [u(hi, rd, 0x37), i(lo, rd, 0, rd, 0x13)];
};

/** t5 = this hart's mtimecmp address (the CLINT's 0x2004000 + 8 * mhartid); clobbers t6. */
const mtimecmpAddr = (): number[] => [
  ...li(30, 0x2004000),
  csr(0xf14, 0, 2, 31),
  i(3, 31, 1, 31, 0x13),
  r(0, 31, 30, 0, 30, 0x33),
];

/** xorshift32 */
class Rng {
  constructor(private x: number) {
    if (this.x === 0) this.x = 1;
  }
  next(): number {
    let x = this.x;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.x = x;
    return x >>> 0;
  }
  int(n: number): number {
    return this.next() % n;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
}

export interface RandomProgramOptions {
  seed: number;
  /** Instructions in the random stream (each compressed pair counts as one slot). */
  length?: number;
  /** Run the stream in S-mode with Sv39 on (identity-mapped), instead of in M-mode. */
  sv39?: boolean;
  /**
   * Widen the FP, AMO and CSR groups: any F/D row with random fields and rounding mode, flw/fsw, AMOs and LRs at
   * addresses that fault (x2 is 0, a random register is mostly outside RAM), and reads of every counter and id CSR.
   */
  extended?: boolean;
}

/** Builds the image: setup, trap handler, the random stream (which loops back to its start), data and patch words. */
export function randomProgram(opts: RandomProgramOptions): ElfImage {
  const rng = new Rng(opts.seed);
  const n = opts.length ?? 3000;
  const rd = () => rng.pick(WRITABLE);
  const rs = () => rng.int(32);
  const prog: number[] = [];
  const ALU_R: [number, number, number][] = [
    [0, 0, 0x33],
    [0x20, 0, 0x33],
    [0, 1, 0x33],
    [0, 2, 0x33],
    [0, 3, 0x33],
    [0, 4, 0x33],
    [0, 5, 0x33],
    [0x20, 5, 0x33],
    [0, 6, 0x33],
    [0, 7, 0x33],
    [0, 0, 0x3b],
    [0x20, 0, 0x3b],
    [0, 1, 0x3b],
    [0, 5, 0x3b],
    [0x20, 5, 0x3b],
    [1, 0, 0x33],
    [1, 1, 0x33],
    [1, 2, 0x33],
    [1, 3, 0x33],
    [1, 4, 0x33],
    [1, 5, 0x33],
    [1, 6, 0x33],
    [1, 7, 0x33],
    [1, 0, 0x3b],
    [1, 4, 0x3b],
    [1, 5, 0x3b],
    [1, 6, 0x3b],
    [1, 7, 0x3b],
  ];
  const CSRS = [0xc00, 0xc01, 0xc02, 0xb00, 0xb02, 0x340, 0x140, 0x001, 0x002, 0x003, 0x7ff];
  const FP_R = [0x00, 0x04, 0x08, 0x0c, 0x01, 0x05, 0x09, 0x0d]; // fadd/fsub/fmul/fdiv .s and .d
  /** Slots holding plain ALU instructions: self-modifying stores overwrite only these, so loops stay counted. */
  const aluSlots: number[] = [];
  let loopStart = -1,
    loopLeft = 0;
  for (let k = 0; k < n; k++) {
    // Counted loops: li x28, K ... addi x28, x28, -1; blt x0, x28, start (one open at a time).
    if (loopStart < 0 && rng.int(40) === 0) {
      prog.push(i(2 + rng.int(6), 0, 0, 28, 0x13));
      loopStart = prog.length;
      loopLeft = 1 + rng.int(12);
      continue;
    }
    if (loopStart >= 0 && --loopLeft <= 0) {
      prog.push(i(-1, 28, 0, 28, 0x13));
      prog.push(b(4 * (loopStart - prog.length), 28, 0, 4)); // blt x0, x28: entering the body from outside exits at once
      loopStart = -1;
      continue;
    }
    let g = rng.int(100);
    // No control flow inside a loop body: a jump over the decrement would never end the loop.
    if (loopStart >= 0 && g >= 56 && g < 67) g = 0;
    if (g < 22) {
      const [f7, f3, op] = rng.pick(ALU_R);
      aluSlots.push(prog.length);
      prog.push(r(f7, rs(), rs(), f3, rd(), op));
    } else if (g < 36) {
      const f3 = rng.pick([0, 2, 3, 4, 6, 7, 1, 5]);
      const imm = f3 === 1 ? rng.int(64) : f3 === 5 ? rng.int(64) | (rng.int(2) << 10) : (rng.next() << 20) >> 20;
      prog.push(i(imm, rs(), f3, rd(), rng.int(4) === 0 && (f3 === 0 || f3 === 1 || f3 === 5) ? 0x1b : 0x13));
    } else if (g < 39) prog.push(u(rng.next(), rd(), rng.pick([0x37, 0x17])));
    else if (g < 44)
      prog.push(i(0x400 + 8 * rng.int(128), 10, 3, rd(), 0x03)); // a fresh random 64-bit value
    else if (g < 51) prog.push(i(rng.int(512) - 256, 8, rng.pick([0, 1, 2, 3, 4, 5, 6]), rd(), 0x03));
    else if (g < 56) prog.push(s(rng.int(512) - 256, rs(), 8, rng.int(4), 0x23));
    else if (g < 64) {
      // A forward branch within the stream (backward ones are the counted loops).
      prog.push(b(4 * (1 + rng.int(16)), rs(), rs(), rng.pick([0, 1, 4, 5, 6, 7])));
    } else if (g < 66) prog.push(j(4 * (1 + rng.int(32)), rng.pick([0, 1, rd()])));
    else if (g < 67 && prog.length < 470)
      prog.push(i(4 * (prog.length + 1 + rng.int(32)), 9, 0, rng.pick([0, 1, rd()]), 0x67)); // forward, through x9
    else if (g < 72) {
      // A pair of compressed instructions: c.addi, c.li, c.mv, c.add, c.ld/c.sd off x8, c.slli, c.srli.
      const half = (): number => {
        const t = rng.int(7),
          d = rng.pick(C_WRITABLE),
          imm = rng.int(64);
        switch (t) {
          case 0:
            return (0 << 13) | (((imm >> 5) & 1) << 12) | (d << 7) | ((imm & 31) << 2) | 1;
          case 1:
            return (2 << 13) | (((imm >> 5) & 1) << 12) | (d << 7) | ((imm & 31) << 2) | 1;
          case 2:
            return (4 << 13) | (0 << 12) | (d << 7) | ((rng.int(31) + 1) << 2) | 2;
          case 3:
            return (4 << 13) | (1 << 12) | (d << 7) | ((rng.int(31) + 1) << 2) | 2;
          case 4: {
            const off = rng.int(32) * 8;
            return (3 << 13) | (((off >> 3) & 7) << 10) | (0 << 7) | (((off >> 6) & 3) << 5) | ((d - 8) << 2) | 0;
          }
          case 5: {
            const off = rng.int(32) * 8;
            return (7 << 13) | (((off >> 3) & 7) << 10) | (0 << 7) | (((off >> 6) & 3) << 5) | (rng.int(8) << 2) | 0;
          }
          default:
            return (0 << 13) | (0 << 12) | (d << 7) | ((rng.int(31) + 1) << 2) | 2;
        }
      };
      prog.push(((half() & 0xffff) | (half() << 16)) >>> 0);
    } else if (g < 76) {
      if (opts.extended && rng.int(2) === 0)
        prog.push(csr(rng.pick([0xc00, 0xc01, 0xc02, 0xb00, 0xb02, 0xf11, 0xf12, 0xf13, 0xf14]), 0, 2, rd()));
      else prog.push(csr(rng.pick(CSRS), rng.pick([0, rs()]), rng.pick([1, 2, 3, 5, 6, 7]), rd()));
    } else if (g < 81) {
      // AMO (.w/.d) at the aligned address, or an LR/SC pair.
      const base = opts.extended && rng.int(4) === 0 ? rng.pick([2, rs()]) : 11;
      if (base !== 11)
        prog.push(
          r((rng.pick([0, 1, 2, 4, 8, 12, 16, 20, 24, 28]) << 2) | rng.int(4), 0, base, rng.pick([2, 3]), rd(), 0x2f),
        );
      else if (rng.int(3) === 0) {
        prog.push(r(0b0001000, 0, 11, 3, rd(), 0x2f));
        prog.push(r(0b0001100, rs(), 11, 3, rd(), 0x2f));
      } else
        prog.push(
          r((rng.pick([0, 1, 4, 8, 12, 16, 20, 24, 28]) << 2) | rng.int(4), rs(), 11, rng.pick([2, 3]), rd(), 0x2f),
        );
    } else if (g < 89) {
      const t = rng.int(8),
        fd = rng.int(32),
        f1 = rng.int(32),
        f2 = rng.int(32),
        rm = rng.int(8);
      if (opts.extended && rng.int(2) === 0) {
        // Any F/D row: fixed fields from the table, the rest random; rd is writable whether it is an x or an f.
        const row = rng.pick(FP_ROWS);
        const word = (row.match | (rng.next() & ~row.mask & ~(31 << 7)) | (rd() << 7)) >>> 0;
        prog.push(
          rng.int(8) === 0
            ? rng.int(2)
              ? i(rng.int(64) * 4 - 256, 8, 2, fd, 0x07)
              : s(rng.int(64) * 4 - 256, f2, 8, 2, 0x27)
            : word,
        ); // flw/fsw
      } else if (t < 3) prog.push(r(rng.pick(FP_R), f2, f1, rm, fd, 0x53));
      else if (t === 3)
        prog.push(r(0x2d, 0, f1, rm, fd, 0x53)); // fsqrt.d
      else if (t === 4)
        prog.push(r(rng.pick([0x61, 0x60]), rng.int(4), f1, rm, rd(), 0x53)); // fcvt.{w,wu,l,lu}.{d,s}
      else if (t === 5)
        prog.push(r(rng.pick([0x69, 0x68]), rng.int(4), rs(), rm, fd, 0x53)); // fcvt.{d,s}.{w,...}
      else if (t === 6)
        prog.push(rng.int(2) ? i(rng.int(64) * 8 - 256, 8, 3, fd, 0x07) : s(rng.int(64) * 8 - 256, f2, 8, 3, 0x27)); // fld/fsd
      else prog.push(((f2 << 27) | (1 << 25) | (f1 << 20) | (fd << 15) | (rm << 12) | (fd << 7) | 0x43) >>> 0); // fmadd.d
    } else if (g < 93 && aluSlots.some((a) => a < 500)) {
      // Self-modifying code: copy one valid instruction word from the patch table over an ALU slot of the stream.
      const t = 27;
      prog.push(i(4 * rng.int(64), 10, 2, t, 0x03));
      prog.push(s(4 * rng.pick(aluSlots.filter((a) => a < 500)), t, 9, 2, 0x23));
      if (rng.int(2) === 0) prog.push(0x0000100f); // fence.i
    } else if (g < 95)
      prog.push(
        rng.pick([0x0000000f, 0x0000100f, 0x00000073, 0x00100073, 0x10500073, opts.sv39 ? 0x12000073 : 0x0000000f]),
      );
    else if (g < 96 && opts.sv39)
      prog.push(csr(0x180, 30, 1, 0)); // csrw satp, t5 (the same root): a satp write
    else prog.push(rng.int(3) === 0 ? 0xffffffff : r(0, rs(), rs(), 0, rd(), 0x33));
  }
  if (loopStart >= 0) {
    prog.push(i(-1, 28, 0, 28, 0x13), b(4 * (loopStart - prog.length - 1), 28, 0, 4));
  }
  // Forward branches and jumps near the end land in this run of jumps back to the start.
  for (let k = 0; k < 34; k++) prog.push(j(PROG - (PROG + 4 * prog.length), 0));

  // Patch words: valid ALU instructions writing only writable registers.
  const patches = Array.from({ length: 64 }, () => {
    const [f7, f3, op] = rng.pick(ALU_R.slice(0, 15));
    return r(f7, rs(), rs(), f3, rd(), op);
  });

  // Setup (M-mode): registers, mtvec, FP on, timer, then jump (or mret into S-mode with Sv39 on).
  const setup: number[] = [];
  // An address above 2^31: lui/addi sign-extend, so clear the upper word.
  const la = (reg: number, addr: number) =>
    setup.push(...li(reg, addr), i(32, reg, 1, reg, 0x13), i(32, reg, 5, reg, 0x13));
  la(8, DATA + 2048);
  la(9, PROG);
  la(10, PATCHES);
  la(11, DATA + 64);
  la(31, HANDLER);
  setup.push(csr(0x305, 31, 1, 0)); // mtvec
  setup.push(...li(31, opts.sv39 ? 0x2000 : 0x2008), csr(0x300, 31, 2, 0)); // mstatus.FS (and MIE when the stream runs in M-mode)
  setup.push(...li(31, 0x80), csr(0x304, 31, 2, 0)); // mie.MTIE
  setup.push(...mtimecmpAddr(), csr(0xc01, 0, 2, 31), i(50, 31, 0, 31, 0x13), s(0, 31, 30, 3, 0x23)); // mtimecmp = time + 50
  setup.push(...li(31, 7), csr(0x306, 31, 1, 0)); // mcounteren: S may read the counters
  for (const reg of WRITABLE) setup.push(i(8 * reg - 1024, 8, 3, reg, 0x03)); // registers from the data area
  setup.push(i(0, 0, 0, 27, 0x13), i(0x13, 27, 0, 27, 0x13)); // x27 = a nop (addi x0, x0, 0)
  if (opts.sv39) {
    setup.push(...li(30, 8), i(60, 30, 1, 30, 0x13), ...li(31, ROOT >>> 12), r(0, 31, 30, 6, 30, 0x33)); // t5 = satp value
    setup.push(csr(0x180, 30, 1, 0), 0x12000073); // csrw satp; sfence.vma
    setup.push(...li(31, 0x1800), csr(0x300, 31, 3, 0), ...li(31, 0x800), csr(0x300, 31, 2, 0)); // MPP = S
    setup.push(csr(0x341, 9, 1, 0), 0x30200073); // mepc = PROG; mret
  } else setup.push(i(0, 9, 0, 0, 0x67)); // jr x9

  // Handler (M-mode): interrupts re-arm the timer; exceptions skip the instruction (2 or 4 bytes).
  const handler = [
    csr(0x342, 0, 2, 31),
    b(40, 0, 31, 4), // csrr t6, mcause; bltz t6, irq (+40)
    csr(0x341, 0, 2, 31),
    i(0, 31, 5, 30, 0x03),
    i(3, 30, 7, 30, 0x13),
    i(2, 31, 0, 31, 0x13), // lhu t5; andi; addi t6,2
    i(3, 0, 0, 29, 0x13),
    b(8, 29, 30, 1),
    i(2, 31, 0, 31, 0x13), // li t4,3; bne t5,t4,+8; addi t6,2
    csr(0x341, 31, 1, 0),
    0x30200073, // csrw mepc; mret
    // irq:
    ...mtimecmpAddr(),
    csr(0xc01, 0, 2, 31),
    i(37 + (opts.seed % 50), 31, 0, 31, 0x13),
    s(0, 31, 30, 3, 0x23),
    0x30200073,
  ];

  const data = new Uint8Array(0x4000);
  const dv = new DataView(data.buffer);
  for (let k = 0; k < 0x1000; k += 4) dv.setUint32(k, rng.next(), true);
  // The patch words, then (from 0x400) random 64-bit values that the stream loads to keep upper halves diverse.
  const patchBytes = new Uint8Array(0x800);
  patches.forEach((w, k) => new DataView(patchBytes.buffer).setUint32(4 * k, w, true));
  for (let k = 0x400; k < 0x800; k += 4) new DataView(patchBytes.buffer).setUint32(k, rng.next(), true);
  const words = (ws: number[]) => {
    const a = new Uint8Array(ws.length * 4);
    ws.forEach((w, k) => new DataView(a.buffer).setUint32(4 * k, w >>> 0, true));
    return a;
  };
  // Page table: identity gigapages for devices (0) and RAM (2), RWX, A and D set.
  const root = new Uint8Array(4096);
  const rv = new DataView(root.buffer);
  rv.setBigUint64(0, 0xcfn, true);
  rv.setBigUint64(16, (BigInt(0x80000000 >>> 12) << 10n) | 0xcfn, true);
  return {
    entry: SETUP,
    segments: [
      { paddr: SETUP, data: words(setup), memSize: 0x1000 },
      { paddr: HANDLER, data: words(handler), memSize: 0x1000 },
      { paddr: PROG, data: words(prog), memSize: prog.length * 4 },
      { paddr: DATA, data, memSize: data.length },
      { paddr: PATCHES, data: patchBytes, memSize: 0x1000 },
      { paddr: ROOT, data: root, memSize: 4096 },
    ],
    symbols: new Map(),
  };
}
