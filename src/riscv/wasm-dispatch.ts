// The shared WebAssembly module of the wasm block backend: one funcref table holding every block function, the
// dispatcher that JS always calls (one call site, one function, so V8 takes its fast JS-to-wasm path) and that
// follows links from block to block inside wasm, and the helper functions (division, high multiplies) that every
// block module imports instead of carrying its own copy. Link records live in the arena, one per table index.

import { Code, FuncDef, I32, I64, F64, Signature, W, encodeModule } from './wasm-module';

/**
 * Table indices, and link records, in the arena: a block compiled past this many live wasm blocks is compiled by
 * the JS backend instead (see WasmArena.compile).
 */
export const TABLE_SIZE = 32768;
/** Bytes per link record, and the offsets of its fields (f64 first, then i32). */
export const REC_BYTES = 64;
export const enum Rec {
  /** The block's virtual pc and physical start (f64). */
  vpc = 0,
  start = 8,
  /** The pcs of its two links (f64, NaN when none), as Block.pc0 and pc1. */
  pc0 = 16,
  pc1 = 24,
  /** Nonzero while the block is valid: its serial, which its links must carry to reach it. */
  tag = 32,
  len = 36,
  dvm = 40,
  /** Runs counted inside the dispatcher (blocks it chained past), folded into Block.runs. */
  runs = 44,
  /** The table index of each link's target (-1: none, or a block wasm cannot chain to) and the serial it had. */
  to0 = 48,
  tag0 = 52,
  to1 = 56,
  tag1 = 60,
}

/** The result slot (at WasmArena.resultOffset): pc (f64), bail (i32), the last block run, calls, its count. */
export const enum Res {
  pc = 0,
  bail = 8,
  last = 12,
  calls = 16,
  /** What the last block run did by itself (0 after a bail-out at its start). */
  lastCount = 20,
}

/** A block function: (x, budget, wr, tl, bl, ts, bs) -> instructions done; pc and bail go to the result slot. */
export const BLOCK_SIG: Signature = { params: [I32, I32, I32, I32, I32, I32, I32], results: [I32] };

/** Helper functions a block may call, by name: (i64, i64) -> i64. */
export type Helper =
  | 'mulhu'
  | 'mulh'
  | 'mulhsu'
  | 'div'
  | 'divu'
  | 'rem'
  | 'remu'
  | 'divw'
  | 'divuw'
  | 'remw'
  | 'remuw';
export const HELPERS: readonly Helper[] = [
  'mulhu',
  'mulh',
  'mulhsu',
  'div',
  'divu',
  'rem',
  'remu',
  'divw',
  'divuw',
  'remw',
  'remuw',
];
export const HELPER_SIG: Signature = { params: [I64, I64], results: [I64] };

/**
 * The dispatcher: run(idx, x, budget, wr, tl, bl, ts, bs, dvm, ivm, ft, fb) -> instructions done. It runs block `idx`
 * and, while its exit is linked to a valid block of the same data translation (`dvm`) that fits the rest of
 * `budget`, that block too, exactly as the chain loop in interpreter.ts would; it returns on a bail-out, a missing,
 * invalid or too long successor, or a link into another virtual page (`ivm`) that the fetch TLB (tags at `ft`,
 * bases at `fb`, or -1: never) does not confirm. The result slot then holds the last block's pc and bail, its
 * index and the number of blocks run.
 */
export type Dispatch = (
  idx: number,
  x: number,
  budget: number,
  wr: number,
  tl: number,
  bl: number,
  ts: number,
  bs: number,
  dvm: number,
  ivm: number,
  ft: number,
  fb: number,
) => number;

const MIN64 = -(1n << 63n);
const MASK32 = 0xffffffffn;

function helperBody(name: Helper): FuncDef {
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
      c.get(a).i64(MASK32).op(W.i64_and).get(b).i64(32).op(W.i64_shr_u).op(W.i64_mul).set(lh);
      c.get(a).i64(32).op(W.i64_shr_u).get(b).i64(MASK32).op(W.i64_and).op(W.i64_mul).set(hl);
      c.get(a).i64(32).op(W.i64_shr_u).get(b).i64(32).op(W.i64_shr_u).op(W.i64_mul);
      c.get(lh).i64(32).op(W.i64_shr_u).op(W.i64_add);
      c.get(hl).i64(32).op(W.i64_shr_u).op(W.i64_add);
      c.get(ll).i64(32).op(W.i64_shr_u);
      c.get(lh).i64(MASK32).op(W.i64_and).op(W.i64_add);
      c.get(hl).i64(MASK32).op(W.i64_and).op(W.i64_add);
      c.i64(32).op(W.i64_shr_u).op(W.i64_add);
      break;
    }
    case 'mulh':
    case 'mulhsu':
      // Signed operands from the unsigned product: subtract the other operand for each negative one.
      c.get(a).get(b).op(W.call).u(HELPERS.indexOf('mulhu'));
      c.get(a).i64(63).op(W.i64_shr_s).get(b).op(W.i64_and).op(W.i64_sub);
      if (name === 'mulh') c.get(b).i64(63).op(W.i64_shr_s).get(a).op(W.i64_and).op(W.i64_sub);
      break;
    case 'div':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.i64(-1).op(W.else_);
      c.get(a).i64(MIN64).op(W.i64_eq).get(b).i64(-1).op(W.i64_eq).op(W.i32_and).open(W.if_, I64);
      c.get(a).op(W.else_).get(a).get(b).op(W.i64_div_s).close();
      c.close();
      break;
    case 'divu':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.i64(-1).op(W.else_).get(a).get(b).op(W.i64_div_u).close();
      break;
    case 'rem':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.get(a).op(W.else_);
      c.get(b).i64(-1).op(W.i64_eq).open(W.if_, I64);
      c.i64(0).op(W.else_).get(a).get(b).op(W.i64_rem_s).close();
      c.close();
      break;
    case 'remu':
      c.get(b).op(W.i64_eqz).open(W.if_, I64);
      c.get(a).op(W.else_).get(a).get(b).op(W.i64_rem_u).close();
      break;
    case 'divw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      c.i64(-1).op(W.else_);
      wrapA().i32(-0x80000000).op(W.i32_eq);
      wrapB().i32(-1).op(W.i32_eq).op(W.i32_and).open(W.if_, I64);
      c.i64(-0x80000000).op(W.else_);
      wrapA();
      wrapB().op(W.i32_div_s).op(W.i64_extend_i32_s).close();
      c.close();
      break;
    case 'divuw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      c.i64(-1).op(W.else_);
      wrapA();
      wrapB().op(W.i32_div_u).op(W.i64_extend_i32_s).close();
      break;
    case 'remw':
      wrapB().op(W.i32_eqz).open(W.if_, I64);
      wrapA().op(W.i64_extend_i32_s).op(W.else_);
      wrapB().i32(-1).op(W.i32_eq).open(W.if_, I64);
      c.i64(0).op(W.else_);
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
  return { ...HELPER_SIG, locals, body: c, export: name };
}

// Dispatcher locals: parameters, then its own.
const D_IDX = 0,
  D_X = 1,
  D_B = 2,
  D_WR = 3,
  D_TL = 4,
  D_BL = 5,
  D_TS = 6,
  D_BS = 7,
  D_DVM = 8,
  D_IVM = 9,
  D_FT = 10,
  D_FB = 11,
  D_N = 12,
  D_CALLS = 13,
  D_REC = 14,
  D_NX = 15,
  D_NREC = 16,
  D_TAG = 17,
  D_S = 18,
  D_CNT = 19,
  D_PC = 20,
  D_VP = 21;

function dispatcherBody(recOffset: number, resultOffset: number, blockType: number): FuncDef {
  const c = new Code();
  const res = (field: Res) => resultOffset + field;
  const rec = (field: Rec) => recOffset + field;
  const out = c.open(W.block);
  const top = c.open(W.loop);
  // Run block idx on what is left of the budget.
  c.get(D_X).get(D_B).get(D_N).op(W.i32_sub);
  for (const p of [D_WR, D_TL, D_BL, D_TS, D_BS]) c.get(p);
  c.get(D_IDX).op(W.call_indirect).u(blockType).u(0).tee(D_CNT);
  c.get(D_N).op(W.i32_add).set(D_N);
  c.get(D_CALLS).i32(1).op(W.i32_add).set(D_CALLS);
  c.i32(0).mem(W.i32_load, 2, res(Res.bail)).brIf(out);
  c.i32(0).mem(W.f64_load, 3, res(Res.pc)).set(D_PC);
  c.get(D_IDX).i32(6).op(W.i32_shl).set(D_REC);
  // Its link for that pc, as `blk.pc0 === pc ? blk.to0 : blk.pc1 === pc ? blk.to1 : null`.
  c.get(D_REC).mem(W.f64_load, 3, rec(Rec.pc0)).get(D_PC).op(W.f64_eq).open(W.if_);
  c.get(D_REC).mem(W.i32_load, 2, rec(Rec.to0)).set(D_NX);
  c.get(D_REC).mem(W.i32_load, 2, rec(Rec.tag0)).set(D_TAG);
  c.op(W.else_);
  c.get(D_REC).mem(W.f64_load, 3, rec(Rec.pc1)).get(D_PC).op(W.f64_ne).brIf(out);
  c.get(D_REC).mem(W.i32_load, 2, rec(Rec.to1)).set(D_NX);
  c.get(D_REC).mem(W.i32_load, 2, rec(Rec.tag1)).set(D_TAG);
  c.close();
  c.get(D_NX).i32(0).op(W.i32_lt_s).brIf(out);
  c.get(D_NX).i32(6).op(W.i32_shl).set(D_NREC);
  // `nx === null || !nx.valid || nx.dvm !== dvm || nx.len > budget - n`
  c.get(D_NREC).mem(W.i32_load, 2, rec(Rec.tag)).get(D_TAG).op(W.i32_ne).brIf(out);
  c.get(D_NREC).mem(W.i32_load, 2, rec(Rec.dvm)).get(D_DVM).op(W.i32_ne).brIf(out);
  c.get(D_NREC).mem(W.i32_load, 2, rec(Rec.len)).get(D_B).get(D_N).op(W.i32_sub).op(W.i32_gt_s).brIf(out);
  // Into another virtual page only while the fetch TLB maps pc's page where the successor was compiled from.
  c.get(D_IVM).open(W.if_);
  c.get(D_PC).f64c(4096).op(W.f64_div).op(W.f64_floor).tee(D_VP);
  c.get(D_REC).mem(W.f64_load, 3, rec(Rec.vpc)).f64c(4096).op(W.f64_div).op(W.f64_floor).op(W.f64_ne).open(W.if_);
  c.get(D_FT).i32(0).op(W.i32_lt_s).brIf(out);
  c.get(D_VP).op(W.i64_trunc_f64_s).op(W.i32_wrap_i64).i32(255).op(W.i32_and).i32(3).op(W.i32_shl).set(D_S);
  c.get(D_S).get(D_FT).op(W.i32_add).mem(W.f64_load, 3).get(D_VP).op(W.f64_ne).brIf(out);
  c.get(D_S).get(D_FB).op(W.i32_add).mem(W.f64_load, 3);
  c.get(D_NREC).mem(W.f64_load, 3, rec(Rec.start));
  c.get(D_PC).get(D_VP).f64c(4096).op(W.f64_mul).op(W.f64_sub).op(W.f64_sub);
  c.op(W.f64_ne).brIf(out);
  c.close();
  c.close();
  // The block just run is chained past: its run is counted here (JS counts the last one).
  c.get(D_REC).get(D_REC).mem(W.i32_load, 2, rec(Rec.runs)).i32(1).op(W.i32_add).mem(W.i32_store, 2, rec(Rec.runs));
  c.get(D_NX).set(D_IDX).br(top);
  c.close();
  c.close();
  c.i32(0).get(D_IDX).mem(W.i32_store, 2, res(Res.last));
  c.i32(0).get(D_CALLS).mem(W.i32_store, 2, res(Res.calls));
  c.i32(0).get(D_CNT).mem(W.i32_store, 2, res(Res.lastCount));
  c.get(D_N);
  return {
    params: [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32],
    results: [I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64],
    body: c,
    export: 'run',
  };
}

export interface Dispatcher {
  run: Dispatch;
  table: WebAssembly.Table;
  /** What a block module imports: the arena's memory and the helpers. */
  env: Record<string, unknown>;
}

/** Builds the shared module for an arena whose link records start at `recOffset` and result slot at `resultOffset`. */
export function buildDispatcher(memory: WebAssembly.Memory, recOffset: number, resultOffset: number): Dispatcher {
  const funcs = HELPERS.map(helperBody);
  funcs.push(dispatcherBody(recOffset, resultOffset, funcs.length + 1));
  const bytes = encodeModule({ funcs, extraTypes: [BLOCK_SIG], table: TABLE_SIZE, tableExport: 't' });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { mem: memory } });
  const env: Record<string, unknown> = { mem: memory };
  for (const h of HELPERS) env[h] = inst.exports[h];
  return { run: inst.exports.run as Dispatch, table: inst.exports.t as WebAssembly.Table, env };
}
