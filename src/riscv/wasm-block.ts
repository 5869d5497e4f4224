// The WebAssembly backend of the block compiler: the same blocks as block-compiler.ts (same instructions, same
// exits, bail-outs, budget and loop protocol, so the interpreter cannot tell them apart), generated as one wasm
// function per block with native i64 arithmetic and guest registers in locals. RAM, page flags, the harts'
// registers and their data TLBs live in one WebAssembly.Memory (the arena) so that compiled code reaches them.

import { Op } from './instructions';
import { decodeOp } from './decode';
import { compileBlock, fetchWord, pageEndOf } from './block-compiler';
import type { Block, BlockContext, BlockFn, BlockSource } from './block-compiler';
import { Code, encodeModule, F64, FuncDef, I32, I64, W } from './wasm-module';

const MAX_LEN = 48;
const PAGE = 4096;
const WASM_PAGE = 65536;
const TLB_ENTRIES = 256;
const TLB_BYTES = TLB_ENTRIES * 8;
/** Per hart in the arena: 64 int32 register halves, then six TLB arrays (tags and bases for fetch, load, store). */
const HART_BYTES = 256 + 6 * TLB_BYTES;

/**
 * One WebAssembly.Memory holding RAM at offset 0 (zeroed and committed page by page as touched, like an
 * ArrayBuffer), then the page flags, the blocks' result slot, scratch space and the per-hart regions.
 */
export class WasmArena {
  readonly memory: WebAssembly.Memory;
  readonly buffer: ArrayBuffer;
  readonly pageFlagsOffset: number;
  /** pc (f64) at +0, bail (i32) at +8: a block's results besides its count. */
  readonly resultOffset: number;
  /** Registers and four TLB arrays for a block called with views outside the arena (copied through). */
  private readonly scratchOffset: number;
  private readonly hartsOffset: number;
  readonly resultPc: Float64Array;
  readonly resultBail: Int32Array;
  readonly scratchX: Int32Array;
  readonly scratchTlb: Float64Array[];
  /** Blocks compiled and the bytes of their modules (for the benchmark's compile-cost figure). */
  modules = 0;
  moduleBytes = 0;

  constructor(
    readonly ramSize: number,
    readonly harts: number,
  ) {
    this.pageFlagsOffset = ramSize;
    this.resultOffset = align(ramSize + ramSize / PAGE, 64);
    this.scratchOffset = this.resultOffset + 64;
    this.hartsOffset = align(this.scratchOffset + 256 + 4 * TLB_BYTES, 64);
    const bytes = this.hartsOffset + harts * HART_BYTES;
    const pages = Math.ceil(bytes / WASM_PAGE);
    // Never grown: the buffer, and every view on it, stays valid for the machine's life.
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    this.buffer = this.memory.buffer;
    this.resultPc = new Float64Array(this.buffer, this.resultOffset, 1);
    this.resultBail = new Int32Array(this.buffer, this.resultOffset + 8, 1);
    this.scratchX = new Int32Array(this.buffer, this.scratchOffset, 64);
    this.scratchTlb = [0, 1, 2, 3].map(
      (k) => new Float64Array(this.buffer, this.scratchOffset + 256 + k * TLB_BYTES, TLB_ENTRIES),
    );
  }

  pageFlags(): Uint8Array {
    return new Uint8Array(this.buffer, this.pageFlagsOffset, this.ramSize / PAGE);
  }

  /** The register file of hart `k` (64 int32 halves, as Hart.x). */
  registers(k: number): Int32Array<ArrayBuffer> {
    return new Int32Array(this.buffer, this.hartsOffset + k * HART_BYTES, 64);
  }

  /** The TLB arrays of hart `k`: tags for fetch, load, store, then bases for the same (as Mmu's). */
  tlb(k: number): Float64Array<ArrayBuffer>[] {
    const at = this.hartsOffset + k * HART_BYTES + 256;
    return [0, 1, 2, 3, 4, 5].map((j) => new Float64Array(this.buffer, at + j * TLB_BYTES, TLB_ENTRIES));
  }

  /** The register file and load tags last seen in a block context, and their addresses here (-1: elsewhere). */
  seenX: Int32Array | null = null;
  seenTl: Float64Array | null = null;
  xAt = -1;
  tlAt = -1;
  blAt = -1;
  tsAt = -1;
  bsAt = -1;

  see(c: BlockContext): void {
    const at = (v: ArrayBufferView) => (v.buffer === this.buffer ? v.byteOffset : -1);
    this.seenX = c.x;
    this.seenTl = c.tl;
    this.xAt = at(c.x);
    const t = [at(c.tl), at(c.bl), at(c.ts), at(c.bs)];
    [this.tlAt, this.blAt, this.tsAt, this.bsAt] = t.includes(-1) ? [-1, -1, -1, -1] : t;
  }

  /** The block compiler the block cache calls for this arena. */
  // Wasm blocks hold only the integer groups. Where the scan stops at an instruction the JS backend compiles (FP, AMO,
  // LR/SC, CSR reads: see semantics.ts), the longer JS block is kept: JS blocks run on the arena's views as well.
  readonly compile = (src: BlockSource, ppc: number, vpc: number, dvm: boolean, stopAt: ReadonlySet<number>) => {
    const s = scan(src, ppc, stopAt);
    if (s.unsupported) {
      const js = compileBlock(src, ppc, vpc, dvm, stopAt);
      if (js !== null && js.len > s.insns.length) {
        this.jsBlocks++;
        return js;
      }
    }
    return compileWasmBlock(this, src, ppc, vpc, dvm, stopAt, s);
  };
  /** Blocks the JS backend compiled instead, because they hold instructions wasm blocks do not. */
  jsBlocks = 0;
}

const align = (v: number, a: number) => Math.ceil(v / a) * a;

// Locals of a block function: parameters first.
const P_X = 0,
  P_B = 1,
  P_WR = 2,
  P_TL = 3,
  P_BL = 4,
  P_TS = 5,
  P_BS = 6,
  L_N = 7,
  L_CNT = 8,
  L_BAIL = 9,
  L_S = 10,
  L_PC = 11,
  L_VA = 12,
  L_VP = 13,
  L_A = 14;
const R = (r: number) => 14 + r;
const PARAMS = [I32, I32, I32, I32, I32, I32, I32];
const LOCALS = [I32, I32, I32, I32, F64, I64, I64, I64, ...new Array(31).fill(I64)];

/** The instructions block-compiler.ts compiles; the scan stops before any other, as it does there. */
// prettier-ignore
const SUPPORTED = new Set<Op>([
  Op.LUI, Op.AUIPC, Op.JAL, Op.JALR, Op.BEQ, Op.BNE, Op.BLT, Op.BGE, Op.BLTU, Op.BGEU,
  Op.LB, Op.LH, Op.LW, Op.LD, Op.LBU, Op.LHU, Op.LWU, Op.SB, Op.SH, Op.SW, Op.SD,
  Op.ADDI, Op.SLTI, Op.SLTIU, Op.XORI, Op.ORI, Op.ANDI, Op.SLLI, Op.SRLI, Op.SRAI,
  Op.ADD, Op.SUB, Op.SLL, Op.SRL, Op.SRA, Op.SLT, Op.SLTU, Op.XOR, Op.OR, Op.AND,
  Op.ADDIW, Op.SLLIW, Op.SRLIW, Op.SRAIW, Op.ADDW, Op.SUBW, Op.SLLW, Op.SRLW, Op.SRAW,
  Op.MUL, Op.MULH, Op.MULHSU, Op.MULHU, Op.DIV, Op.DIVU, Op.REM, Op.REMU,
  Op.MULW, Op.DIVW, Op.DIVUW, Op.REMW, Op.REMUW, Op.FENCE,
]);

interface Insn {
  op: Op;
  w: number;
  /** Virtual pcs of the instruction and of the next one. */
  pc: number;
  npc: number;
}

/** Scans the instructions of the block at `ppc` exactly as block-compiler.ts does. */
function scan(
  src: BlockSource,
  ppc: number,
  stopAt: ReadonlySet<number>,
): { insns: Insn[]; end: number; ended: boolean; unsupported: boolean } {
  const insns: Insn[] = [];
  let unsupported = false;
  const pageEnd = pageEndOf(src, ppc);
  let p = ppc;
  let ended = false;
  while (insns.length < MAX_LEN && !ended) {
    if (insns.length > 0 && stopAt.has(p)) break;
    const fetched = fetchWord(src, p, pageEnd);
    if (fetched === null) break;
    const { w, size } = fetched;
    const op = decodeOp(w);
    if (!SUPPORTED.has(op)) {
      unsupported = true;
      break;
    }
    if (op === Op.JAL || op === Op.JALR) ended = true;
    insns.push({ op, w, pc: p, npc: p + size });
    p += size;
  }
  return { insns, end: p, ended, unsupported };
}

/** Helper functions a block module may call, by name: (i64, i64) -> i64. */
type Helper = 'mulhu' | 'mulh' | 'mulhsu' | 'div' | 'divu' | 'rem' | 'remu' | 'divw' | 'divuw' | 'remw' | 'remuw';

const MIN64 = -(1n << 63n);
const MASK32 = 0xffffffffn;

function helperBody(name: Helper, index: (h: Helper) => number): FuncDef {
  const c = new Code();
  const a = 0,
    b = 1;
  let locals: number[] = [];
  const wrapA = () => c.get(a).op(W.i32_wrap_i64),
    wrapB = () => c.get(b).op(W.i32_wrap_i64);
  switch (name) {
    case 'mulhu': {
      // 64x64 -> high 64 from four 32x32 -> 64 partial products.
      locals = [I64, I64, I64];
      const ll = 2,
        lh = 3,
        hl = 4;
      c.get(a).i64(MASK32).op(W.i64_and).get(b).i64(MASK32).op(W.i64_and).op(W.i64_mul).set(ll);
      c.get(a).i64(MASK32).op(W.i64_and).get(b).i64(32n).op(W.i64_shr_u).op(W.i64_mul).set(lh);
      c.get(a).i64(32n).op(W.i64_shr_u).get(b).i64(MASK32).op(W.i64_and).op(W.i64_mul).set(hl);
      c.get(a).i64(32n).op(W.i64_shr_u).get(b).i64(32n).op(W.i64_shr_u).op(W.i64_mul);
      c.get(lh).i64(32n).op(W.i64_shr_u).op(W.i64_add);
      c.get(hl).i64(32n).op(W.i64_shr_u).op(W.i64_add);
      c.get(ll).i64(32n).op(W.i64_shr_u);
      c.get(lh).i64(MASK32).op(W.i64_and).op(W.i64_add);
      c.get(hl).i64(MASK32).op(W.i64_and).op(W.i64_add);
      c.i64(32n).op(W.i64_shr_u).op(W.i64_add);
      break;
    }
    case 'mulh':
    case 'mulhsu':
      // Signed operands from the unsigned product: subtract the other operand for each negative one.
      c.get(a).get(b).op(W.call).u(index('mulhu'));
      c.get(a).i64(63n).op(W.i64_shr_s).get(b).op(W.i64_and).op(W.i64_sub);
      if (name === 'mulh') c.get(b).i64(63n).op(W.i64_shr_s).get(a).op(W.i64_and).op(W.i64_sub);
      break;
    case 'div':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.i64(-1n).op(W.else_);
      c.get(a).i64(MIN64).op(W.i64_eq).get(b).i64(-1n).op(W.i64_eq).op(W.i32_and).open(W.if_, I64);
      c.get(a).op(W.else_).get(a).get(b).op(W.i64_div_s).close();
      c.close();
      break;
    case 'divu':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.i64(-1n).op(W.else_).get(a).get(b).op(W.i64_div_u).close();
      break;
    case 'rem':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.get(a).op(W.else_);
      c.get(b).i64(-1n).op(W.i64_eq).open(W.if_, I64);
      c.i64(0n).op(W.else_).get(a).get(b).op(W.i64_rem_s).close();
      c.close();
      break;
    case 'remu':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.get(a).op(W.else_).get(a).get(b).op(W.i64_rem_u).close();
      break;
    case 'divw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      c.i64(-1n).op(W.else_);
      wrapA().i32(-0x80000000).op(W.i32_eq);
      wrapB().i32(-1).op(W.i32_eq).op(W.i32_and).open(W.if_, I64);
      c.i64(-0x80000000n).op(W.else_);
      wrapA();
      wrapB().op(W.i32_div_s).op(W.i64_extend_i32_s).close();
      c.close();
      break;
    case 'divuw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      c.i64(-1n).op(W.else_);
      wrapA();
      wrapB().op(W.i32_div_u).op(W.i64_extend_i32_s).close();
      break;
    case 'remw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      wrapA().op(W.i64_extend_i32_s).op(W.else_);
      wrapB().i32(-1).op(W.i32_eq).open(W.if_, I64);
      c.i64(0n).op(W.else_);
      wrapA();
      wrapB().op(W.i32_rem_s).op(W.i64_extend_i32_s).close();
      c.close();
      break;
    case 'remuw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      wrapA().op(W.i64_extend_i32_s).op(W.else_);
      wrapA();
      wrapB().op(W.i32_rem_u).op(W.i64_extend_i32_s).close();
      break;
  }
  return { params: [I64, I64], results: [I64], locals, body: c };
}

const TWO32 = 4294967296;

/** The signed 64-bit value whose two's-complement halves JS blocks would compute from the double `v`. */
const i64Of = (v: number) => BigInt.asIntN(64, BigInt(Math.floor(v / TWO32) | 0) * 4294967296n + BigInt((v | 0) >>> 0));

/** Generates the function body of one block. */
class BlockGen {
  readonly c = new Code();
  readonly used = new Set<number>();
  readonly written = new Set<number>();
  readonly helpers: Helper[] = [];
  out = 0;
  top = 0;
  constructor(
    readonly arena: WasmArena,
    readonly src: BlockSource,
    readonly dvm: boolean,
    readonly start: number,
    readonly len: number,
  ) {}

  call(h: Helper): void {
    let k = this.helpers.indexOf(h);
    if (k < 0) {
      if (h === 'mulh' || h === 'mulhsu') this.call0('mulhu');
      k = this.helpers.push(h) - 1;
    }
    this.c.op(W.call).u(1 + k);
  }
  /** Registers a helper without calling it (for helpers that call others). */
  private call0(h: Helper): void {
    if (!this.helpers.includes(h)) this.helpers.push(h);
  }
  helperIndex = (h: Helper) => 1 + this.helpers.indexOf(h);

  reg(r: number): void {
    if (r === 0) this.c.i64(0n);
    else {
      this.used.add(r);
      this.c.get(R(r));
    }
  }
  reg32(r: number): void {
    this.reg(r);
    this.c.op(W.i32_wrap_i64);
  }
  /** Pops an i64 into rd; writes to x0 vanish. */
  setReg(rd: number): void {
    if (rd === 0) {
      this.c.byte(0x1a); // drop
      return;
    }
    this.used.add(rd);
    this.written.add(rd);
    this.c.set(R(rd));
  }
  setW(rd: number): void {
    this.c.op(W.i64_extend_i32_s);
    this.setReg(rd);
  }
  bail(i: number, pc: number): void {
    this.c.get(L_N).i32(i).op(W.i32_add).set(L_CNT).i32(1).set(L_BAIL).f64c(pc).set(L_PC).br(this.out);
  }
  /** Leaves through a static or computed (already in L_PC) exit after instruction `i`; to the start it loops. */
  exit(i: number, target: number | null): void {
    const c = this.c;
    if (target !== null && target === this.start) {
      c.get(L_N)
        .i32(i + 1)
        .op(W.i32_add)
        .tee(L_N)
        .i32(this.len)
        .op(W.i32_add)
        .get(P_B)
        .op(W.i32_le_s)
        .brIf(this.top);
      c.get(L_N).set(L_CNT).f64c(target).set(L_PC).br(this.out);
      return;
    }
    c.get(L_N)
      .i32(i + 1)
      .op(W.i32_add)
      .set(L_CNT);
    if (target !== null) c.f64c(target).set(L_PC);
    c.br(this.out);
  }

  /** Leaves the physical RAM offset of the access at rs1 + imm in L_A, or bails out (miss, off RAM, misaligned). */
  address(rs1: number, imm: number, size: number, store: boolean, i: number, pc: number): void {
    const c = this.c;
    const ramBase = BigInt(this.src.ramBase);
    this.reg(rs1);
    c.i64(BigInt(imm)).op(W.i64_add);
    if (this.dvm) {
      c.tee(L_VA).i64(12n).op(W.i64_shr_s).tee(L_VP);
      c.op(W.i32_wrap_i64).i32(255).op(W.i32_and).i32(3).op(W.i32_shl).tee(L_S);
      c.get(store ? P_TS : P_TL)
        .op(W.i32_add)
        .mem(W.f64_load, 3);
      c.get(L_VP).op(W.f64_convert_i64_s).op(W.f64_ne).open(W.if_);
      this.bail(i, pc);
      c.close();
      c.get(L_S)
        .get(store ? P_BS : P_BL)
        .op(W.i32_add)
        .mem(W.f64_load, 3)
        .op(W.i64_trunc_f64_s);
      c.get(L_VA).i64(4095n).op(W.i64_and).op(W.i64_add);
    }
    c.i64(ramBase)
      .op(W.i64_sub)
      .tee(L_A)
      .i64(BigInt(this.src.ramSize - 8))
      .op(W.i64_gt_u);
    if (size > 1)
      c.get(L_A)
        .op(W.i32_wrap_i64)
        .i32(size - 1)
        .op(W.i32_and)
        .op(W.i32_or);
    if (!store) c.get(P_WR).op(W.i32_or);
    c.open(W.if_);
    this.bail(i, pc);
    c.close();
    if (store) {
      // The fast path takes a store only to a page whose flags are exactly DIRTY (not code, watched, reserved).
      c.get(L_A).op(W.i32_wrap_i64).i32(12).op(W.i32_shr_u).mem(W.i32_load8_u, 0, this.arena.pageFlagsOffset);
      c.i32(1).op(W.i32_ne).open(W.if_);
      this.bail(i, pc);
      c.close();
    }
  }

  insn(k: number, ins: Insn): void {
    const { op, w } = ins;
    const c = this.c;
    const pc = this.v(ins.pc),
      npc = this.v(ins.npc);
    const rd = (w >>> 7) & 31,
      rs1 = (w >>> 15) & 31,
      rs2 = (w >>> 20) & 31;
    const immI = w >> 20;
    const bin = (o: W) => {
      this.reg(rs1);
      this.reg(rs2);
      c.op(o);
      this.setReg(rd);
    };
    const imm = (o: W) => {
      this.reg(rs1);
      c.i64(BigInt(immI)).op(o);
      this.setReg(rd);
    };
    const binW = (o: W) => {
      this.reg32(rs1);
      this.reg32(rs2);
      c.op(o);
      this.setW(rd);
    };
    const help = (h: Helper) => {
      this.reg(rs1);
      this.reg(rs2);
      this.call(h);
      this.setReg(rd);
    };
    switch (op) {
      case Op.LUI:
        c.i64(BigInt(w & 0xfffff000));
        return this.setReg(rd);
      case Op.AUIPC:
        c.i64(i64Of(pc + (w & 0xfffff000)));
        return this.setReg(rd);
      case Op.JAL: {
        const off =
          ((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1);
        c.i64(i64Of(npc));
        this.setReg(rd);
        return this.exit(k, pc + off);
      }
      case Op.JALR: {
        // The target as JS blocks compute it, rounding included: hi * 2^32 + lo + imm - ((lo + imm) & 1).
        this.reg(rs1);
        c.i64(32n).op(W.i64_shr_s).op(W.i32_wrap_i64).op(W.f64_convert_i32_s).f64c(TWO32).op(W.f64_mul);
        this.reg32(rs1);
        c.op(W.f64_convert_i32_u).op(W.f64_add).f64c(immI).op(W.f64_add);
        this.reg32(rs1);
        c.i32(immI).op(W.i32_add).i32(1).op(W.i32_and).op(W.f64_convert_i32_u).op(W.f64_sub).set(L_PC);
        c.i64(i64Of(npc));
        this.setReg(rd);
        return this.exit(k, null);
      }
      case Op.BEQ:
      case Op.BNE:
      case Op.BLT:
      case Op.BGE:
      case Op.BLTU:
      case Op.BGEU: {
        const off = ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
        const cmp = {
          [Op.BEQ]: W.i64_eq,
          [Op.BNE]: W.i64_ne,
          [Op.BLT]: W.i64_lt_s,
          [Op.BGE]: W.i64_ge_s,
          [Op.BLTU]: W.i64_lt_u,
          [Op.BGEU]: W.i64_ge_u,
        }[op as Op.BEQ];
        this.reg(rs1);
        this.reg(rs2);
        c.op(cmp).open(W.if_);
        this.exit(k, pc + off);
        c.close();
        return;
      }
      case Op.LB:
      case Op.LH:
      case Op.LW:
      case Op.LD:
      case Op.LBU:
      case Op.LHU:
      case Op.LWU: {
        const [size, o] = {
          [Op.LB]: [1, W.i64_load8_s],
          [Op.LBU]: [1, W.i64_load8_u],
          [Op.LH]: [2, W.i64_load16_s],
          [Op.LHU]: [2, W.i64_load16_u],
          [Op.LW]: [4, W.i64_load32_s],
          [Op.LWU]: [4, W.i64_load32_u],
          [Op.LD]: [8, W.i64_load],
        }[op];
        this.address(rs1, immI, size, false, k, pc);
        c.get(L_A).op(W.i32_wrap_i64).mem(o, Math.log2(size));
        return this.setReg(rd);
      }
      case Op.SB:
      case Op.SH:
      case Op.SW:
      case Op.SD: {
        const [size, o] = {
          [Op.SB]: [1, W.i64_store8],
          [Op.SH]: [2, W.i64_store16],
          [Op.SW]: [4, W.i64_store32],
          [Op.SD]: [8, W.i64_store],
        }[op];
        this.address(rs1, ((w >> 25) << 5) | ((w >>> 7) & 31), size, true, k, pc);
        c.get(L_A).op(W.i32_wrap_i64);
        this.reg(rs2);
        c.mem(o, Math.log2(size));
        return;
      }
      case Op.ADDI:
        return imm(W.i64_add);
      case Op.SLTI:
        this.reg(rs1);
        c.i64(BigInt(immI)).op(W.i64_lt_s).op(W.i64_extend_i32_u);
        return this.setReg(rd);
      case Op.SLTIU:
        this.reg(rs1);
        c.i64(BigInt(immI)).op(W.i64_lt_u).op(W.i64_extend_i32_u);
        return this.setReg(rd);
      case Op.XORI:
        return imm(W.i64_xor);
      case Op.ORI:
        return imm(W.i64_or);
      case Op.ANDI:
        return imm(W.i64_and);
      case Op.SLLI:
      case Op.SRLI:
      case Op.SRAI:
        this.reg(rs1);
        c.i64(BigInt((w >>> 20) & 63)).op(op === Op.SLLI ? W.i64_shl : op === Op.SRLI ? W.i64_shr_u : W.i64_shr_s);
        return this.setReg(rd);
      case Op.ADD:
        return bin(W.i64_add);
      case Op.SUB:
        return bin(W.i64_sub);
      case Op.SLL:
        return bin(W.i64_shl);
      case Op.SRL:
        return bin(W.i64_shr_u);
      case Op.SRA:
        return bin(W.i64_shr_s);
      case Op.SLT:
        this.reg(rs1);
        this.reg(rs2);
        c.op(W.i64_lt_s).op(W.i64_extend_i32_u);
        return this.setReg(rd);
      case Op.SLTU:
        this.reg(rs1);
        this.reg(rs2);
        c.op(W.i64_lt_u).op(W.i64_extend_i32_u);
        return this.setReg(rd);
      case Op.XOR:
        return bin(W.i64_xor);
      case Op.OR:
        return bin(W.i64_or);
      case Op.AND:
        return bin(W.i64_and);
      case Op.ADDIW:
        this.reg32(rs1);
        c.i32(immI).op(W.i32_add);
        return this.setW(rd);
      case Op.SLLIW:
      case Op.SRLIW:
      case Op.SRAIW:
        this.reg32(rs1);
        c.i32((w >>> 20) & 31).op(op === Op.SLLIW ? W.i32_shl : op === Op.SRLIW ? W.i32_shr_u : W.i32_shr_s);
        return this.setW(rd);
      case Op.ADDW:
        return binW(W.i32_add);
      case Op.SUBW:
        return binW(W.i32_sub);
      case Op.SLLW:
        return binW(W.i32_shl);
      case Op.SRLW:
        return binW(W.i32_shr_u);
      case Op.SRAW:
        return binW(W.i32_shr_s);
      case Op.MUL:
        return bin(W.i64_mul);
      case Op.MULH:
        return help('mulh');
      case Op.MULHSU:
        return help('mulhsu');
      case Op.MULHU:
        return help('mulhu');
      case Op.DIV:
        return help('div');
      case Op.DIVU:
        return help('divu');
      case Op.REM:
        return help('rem');
      case Op.REMU:
        return help('remu');
      case Op.MULW:
        return binW(W.i32_mul);
      case Op.DIVW:
        return help('divw');
      case Op.DIVUW:
        return help('divuw');
      case Op.REMW:
        return help('remw');
      case Op.REMUW:
        return help('remuw');
      case Op.FENCE:
        return;
      default:
        throw new Error(`wasm block: no code for op ${op}`);
    }
  }

  /** Virtual pc of physical `p`. */
  v = (p: number) => p;
}

/** A block as compileBlock builds it, as a WebAssembly function, or null when its first instruction cannot be. */
export function compileWasmBlock(
  arena: WasmArena,
  src: BlockSource,
  ppc: number,
  vpc: number,
  dvm: boolean,
  stopAt: ReadonlySet<number>,
  scanned = scan(src, ppc, stopAt),
): Block | null {
  const { insns, end, ended } = scanned;
  if (insns.length === 0) return null;
  const len = insns.length;
  const g = new BlockGen(arena, src, dvm, vpc, len);
  g.v = (p) => vpc + (p - ppc);
  const c = g.c;
  g.out = c.open(W.block);
  g.top = c.open(W.loop);
  insns.forEach((ins, k) => g.insn(k, ins));
  if (!ended) c.get(L_N).i32(len).op(W.i32_add).set(L_CNT).f64c(g.v(end)).set(L_PC);
  c.close();
  c.close();
  for (const r of [...g.written].sort((a, b) => a - b))
    c.get(P_X)
      .get(R(r))
      .mem(W.i64_store, 3, 8 * r);
  c.i32(arena.resultOffset).get(L_PC).mem(W.f64_store, 3);
  c.i32(arena.resultOffset).get(L_BAIL).mem(W.i32_store, 2, 8);
  c.get(L_CNT);
  // Registers the block uses enter as locals; the prologue goes in front of the body.
  const pro = new Code();
  for (const r of [...g.used].sort((a, b) => a - b))
    pro
      .get(P_X)
      .mem(W.i64_load, 3, 8 * r)
      .set(R(r));
  const body = new Code();
  body.bytes(pro.done()).bytes(c.done());
  const funcs: FuncDef[] = [{ params: PARAMS, results: [I32], locals: LOCALS, body, export: 'b' }];
  for (const h of g.helpers) funcs.push(helperBody(h, g.helperIndex));
  const bytes = encodeModule(funcs);
  arena.modules++;
  arena.moduleBytes += bytes.length;
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: arena.memory } });
  const run = inst.exports.b as (
    x: number,
    b: number,
    wr: number,
    tl: number,
    bl: number,
    ts: number,
    bs: number,
  ) => number;
  const fn = blockFunction(arena, run, dvm);
  return {
    start: ppc,
    end,
    vpc,
    dvm,
    len,
    fn,
    valid: true,
    pc0: NaN,
    to0: null,
    pc1: NaN,
    to1: null,
    runs: 0,
    startBails: 0,
  };
}

const MAX_BUDGET = 0x7fffffff;

/**
 * The BlockFn calling wasm function `run`. Views in the arena go by address, others are copied through scratch.
 * The addresses are cached per register file and TLB: reading a view's buffer and byteOffset on every call cost
 * more than the block itself (the interpreter sets the four TLB arrays together, from one hart's MMU).
 */
function blockFunction(
  arena: WasmArena,
  run: (x: number, b: number, wr: number, tl: number, bl: number, ts: number, bs: number) => number,
  dvm: boolean,
): BlockFn {
  const a = arena,
    pc = arena.resultPc,
    bail = arena.resultBail;
  return (c: BlockContext) => {
    if (c.x !== a.seenX || c.tl !== a.seenTl) a.see(c);
    const b = c.budget > MAX_BUDGET ? MAX_BUDGET : c.budget;
    if (a.xAt >= 0 && (!dvm || a.tlAt >= 0)) c.count = run(a.xAt, b, c.wr ? 1 : 0, a.tlAt, a.blAt, a.tsAt, a.bsAt);
    else {
      const x = c.x,
        sx = a.scratchX,
        st = a.scratchTlb;
      sx.set(x);
      if (dvm) [c.tl, c.bl, c.ts, c.bs].forEach((t, k) => st[k].fill(-1).set(t.subarray(0, 256)));
      c.count = run(
        sx.byteOffset,
        b,
        c.wr ? 1 : 0,
        st[0].byteOffset,
        st[1].byteOffset,
        st[2].byteOffset,
        st[3].byteOffset,
      );
      x.set(sx);
    }
    c.bail = bail[0];
    c.pc = pc[0];
  };
}
