// The JS backend of the integer IR (semantics.ts): each IR op as text over int32 halves. The interpreter generator
// and the JS block compiler write every integer instruction through it, so both run the text of the same entry; the
// forms are the hand-tuned ones the per-instruction templates had (the inline carry of ADD/ADDI, shifts by a literal
// amount written out so that compiled code folds them to one case, helpers only for products and variable shifts).

import type { Call, Compare, Imm, Operands, Target, Value, Word } from './semantics';

/** A 64-bit value as its int32 halves. */
interface Pair {
  lo: string;
  hi: string;
}

/** Names the backends use around the text (set/setW, the generated jump and load cases): never a temporary's. */
const RESERVED = new Set(['_l', '_h', '_w', '_v', '_t', '_x']);

/** Helpers of alu64.ts for the IR's calls: a 64-bit result left in `out`, or an int32 to sign-extend (`word`). */
const CALLS: Record<Call, { fn: string; arg: string; word: boolean }> = {
  mulh: { fn: 'mulh64', arg: '0', word: false },
  mulhsu: { fn: 'mulh64', arg: '1', word: false },
  mulhu: { fn: 'mulh64', arg: '2', word: false },
  div: { fn: 'div64', arg: 'false', word: false },
  rem: { fn: 'div64', arg: 'true', word: false },
  divu: { fn: 'divu64', arg: 'false', word: false },
  remu: { fn: 'divu64', arg: 'true', word: false },
  divw: { fn: 'divw', arg: 'false', word: true },
  remw: { fn: 'divw', arg: 'true', word: true },
  divuw: { fn: 'divuw', arg: 'false', word: true },
  remuw: { fn: 'divuw', arg: 'true', word: true },
};
const SHIFT_HELPERS = { shl: 'sll64', shr_u: 'srl64', shr_s: 'sra64' } as const;

const isLiteral = (e: string) => /^-?\d+$/.test(e);
const lit = (v: number) => (Object.is(v, -0) ? '0' : String(v));
const TWO32 = 4294967296;

/** Whether `e` can stand as an operand anywhere: a literal, a name, a register element, or wholly parenthesized. */
function atomic(e: string): boolean {
  if (isLiteral(e) || /^[A-Za-z_$][\w$]*(\[[\w$ +]*\])?$/.test(e)) return true;
  if (e[0] !== '(') return false;
  let depth = 0;
  for (let i = 0; i < e.length; i++) {
    if (e[i] === '(') depth++;
    else if (e[i] === ')' && --depth === 0 && i < e.length - 1) return false;
  }
  return true;
}

/** Signed and unsigned 64-bit a < b over halves, inline so that compiled code needs no call. */
const lt = (a: Pair, b: Pair) => `(${a.hi} < ${b.hi} || (${a.hi} === ${b.hi} && ${a.lo} >>> 0 < ${b.lo} >>> 0))`;
const ltu = (a: Pair, b: Pair) =>
  `(${a.hi} >>> 0 < ${b.hi} >>> 0 || (${a.hi} === ${b.hi} && ${a.lo} >>> 0 < ${b.lo} >>> 0))`;

/** The text of one entry: statements computed in order (`pre`), then what uses them. */
class Text {
  private readonly pre: string[] = [];
  private readonly names = new Set<string>();

  constructor(
    private readonly o: Operands,
    /** The entry's immediate kind: a shift by SH6 needs no mask. */
    private readonly k: Imm | undefined,
  ) {}

  /** `stmt` after the statements it depends on, in a block when they declared names. */
  wrap(stmt: string): string {
    const text = this.pre.join('') + stmt;
    return this.names.size > 0 ? `{${text}}` : text;
  }

  private bind(base: string, e: string): string {
    let n = base;
    for (let i = 1; this.names.has(n) || RESERVED.has(n); i++) n = base + i;
    this.names.add(n);
    this.pre.push(`const ${n} = ${e};`);
    return n;
  }
  private atom(e: string, base: string): string {
    return atomic(e) ? e : this.bind(base, e);
  }

  /** `v` as operand of another op: atomic halves that stay valid (helper results are copied out of `out`). */
  private operand(v: Value): Pair {
    const p = this.pair(v, false);
    return { lo: this.atom(p.lo, '_c'), hi: this.atom(p.hi, '_d') };
  }
  /** As operand, for an op that reads its halves more than once: an immediate's text is evaluated once. */
  private shared(v: Value): Pair {
    if (v.op === 'imm' && !isLiteral(this.o.imm)) {
      const i = this.bind('_i', this.o.imm);
      return { lo: i, hi: `(${i} >> 31)` };
    }
    return this.operand(v);
  }
  /** The low word of `v` as an int32 operand. */
  private low(v: Value): string {
    if (v.op === 'sext32') return this.atom(this.word(v.a), '_e');
    if (v.op === 'imm') return this.o.imm;
    return this.operand(v).lo;
  }
  /** A helper's 64-bit result: left in `out` for the statement that writes rd, copied when another op reads it. */
  private out(top: boolean): Pair {
    if (top) return { lo: 'out.lo', hi: 'out.hi' };
    return { lo: this.bind('_o', 'out.lo'), hi: this.bind('_g', 'out.hi') };
  }

  private pair(v: Value, top: boolean): Pair {
    const o = this.o;
    switch (v.op) {
      case 'rs1':
        return { lo: o.l1, hi: o.h1 };
      case 'rs2':
        return { lo: o.l2, hi: o.h2 };
      case 'imm':
        if (top) return this.shared(v);
        return { lo: o.imm, hi: `(${o.imm} >> 31)` };
      case 'pcImm': {
        if (isLiteral(o.pc) && isLiteral(o.imm)) {
          const t = Number(o.pc) + Number(o.imm);
          return { lo: lit(t | 0), hi: lit(Math.floor(t / TWO32) | 0) };
        }
        const p = this.bind('_p', `${o.pc} + ${o.imm}`);
        return { lo: `${p} | 0`, hi: `Math.floor(${p} / TWO32) | 0` };
      }
      case 'add': {
        const a = this.operand(v.a),
          b = this.operand(v.b);
        const x = this.bind('_a', a.lo),
          r = this.bind('_r', `(${x} + ${b.lo}) | 0`);
        return { lo: r, hi: `(${a.hi} + ${b.hi} + (${r} >>> 0 < ${x} >>> 0 ? 1 : 0)) | 0` };
      }
      case 'sub': {
        const a = this.operand(v.a),
          b = this.operand(v.b);
        const x = this.bind('_a', a.lo),
          y = this.bind('_b', b.lo);
        return { lo: `(${x} - ${y}) | 0`, hi: `(${a.hi} - ${b.hi} - (${x} >>> 0 < ${y} >>> 0 ? 1 : 0)) | 0` };
      }
      case 'xor':
      case 'or':
      case 'and': {
        const a = this.operand(v.a),
          b = this.operand(v.b);
        const js = v.op === 'xor' ? '^' : v.op === 'or' ? '|' : '&';
        return { lo: `${a.lo} ${js} ${b.lo}`, hi: `${a.hi} ${js} ${b.hi}` };
      }
      case 'shl':
      case 'shr_u':
      case 'shr_s': {
        const a = this.operand(v.a);
        if (v.b.op !== 'imm') {
          const b = this.operand(v.b);
          this.pre.push(`${SHIFT_HELPERS[v.op]}(${a.lo}, ${a.hi}, ${b.lo} & 63);`);
          return this.out(top);
        }
        // A literal amount in compiled code: each form below folds to one of its cases.
        const s = this.bind('_s', this.k === 'SH6' ? o.imm : `${o.imm} & 63`);
        const { lo: l, hi: h } = a;
        if (v.op === 'shl')
          return {
            lo: `${s} < 32 ? ${l} << ${s} : 0`,
            hi: `${s} === 0 ? ${h} : ${s} < 32 ? (${h} << ${s}) | (${l} >>> (32 - ${s})) : ${l} << (${s} - 32)`,
          };
        if (v.op === 'shr_u')
          return {
            lo: `${s} === 0 ? ${l} : ${s} < 32 ? ((${l} >>> ${s}) | (${h} << (32 - ${s}))) | 0 : (${h} >>> (${s} - 32)) | 0`,
            hi: `${s} < 32 ? (${h} >>> ${s}) | 0 : 0`,
          };
        return {
          lo: `${s} === 0 ? ${l} : ${s} < 32 ? (${l} >>> ${s}) | (${h} << (32 - ${s})) : ${h} >> (${s} - 32)`,
          hi: `${s} < 32 ? ${h} >> ${s} : ${h} >> 31`,
        };
      }
      case 'mul': {
        const a = this.operand(v.a),
          b = this.operand(v.b);
        this.pre.push(`mul64(${a.lo}, ${a.hi}, ${b.lo}, ${b.hi});`);
        return this.out(top);
      }
      case 'eq':
      case 'ne':
      case 'lt_s':
      case 'ge_s':
      case 'lt_u':
      case 'ge_u':
        return { lo: `${this.cond(v)} ? 1 : 0`, hi: '0' };
      case 'sext32': {
        const e = this.atom(this.word(v.a), '_e');
        return { lo: e, hi: `${e} >> 31` };
      }
      case 'call': {
        const c = CALLS[v.fn];
        if (c.word) {
          const e = this.bind('_e', this.callWord(v.fn, v.a, v.b));
          return { lo: e, hi: `${e} >> 31` };
        }
        const a = this.operand(v.a),
          b = this.operand(v.b);
        this.pre.push(`${c.fn}(${a.lo}, ${a.hi}, ${b.lo}, ${b.hi}, ${c.arg});`);
        return this.out(top);
      }
    }
  }

  private callWord(fn: Call, a: Value, b: Value): string {
    const c = CALLS[fn];
    return `${c.fn}(${this.low(a)}, ${this.low(b)}, ${c.arg})`;
  }

  /** An int32 expression (JS shifts take their amount modulo 32 themselves). */
  word(w: Word): string {
    const a = this.low(w.a),
      b = this.low(w.b);
    switch (w.op) {
      case 'add32':
        return `(${a} + ${b}) | 0`;
      case 'sub32':
        return `(${a} - ${b}) | 0`;
      case 'mul32':
        return `Math.imul(${a}, ${b})`;
      case 'shl32':
        return `${a} << ${b}`;
      case 'shr_u32':
        return `(${a} >>> ${b}) | 0`;
      case 'shr_s32':
        return `${a} >> ${b}`;
    }
  }

  /** A boolean expression. */
  cond(c: Compare): string {
    const a = this.shared(c.a),
      b = this.shared(c.b);
    switch (c.op) {
      case 'eq':
        return `${a.lo} === ${b.lo} && ${a.hi} === ${b.hi}`;
      case 'ne':
        return `${a.lo} !== ${b.lo} || ${a.hi} !== ${b.hi}`;
      case 'lt_s':
        return lt(a, b);
      case 'ge_s':
        return `!${lt(a, b)}`;
      case 'lt_u':
        return ltu(a, b);
      case 'ge_u':
        return `!${ltu(a, b)}`;
    }
  }

  /** The statement writing rd with `v`. */
  assign(v: Value): string {
    if (v.op === 'sext32') return this.o.setW(this.word(v.a));
    if (v.op === 'call' && CALLS[v.fn].word) return this.o.setW(this.callWord(v.fn, v.a, v.b));
    const p = this.pair(v, true);
    return this.o.set(p.lo, p.hi);
  }
}

/** The statement of an `alu` entry: rd = value (empty for none), in `o`'s names, with immediate kind `k`. */
export function aluText(value: Value | null, o: Operands, k?: Imm): string {
  if (value === null) return '';
  const t = new Text(o, k);
  return t.wrap(t.assign(value));
}

/** The statement `use(condition)` builds from a branch's condition, after what the condition needs computed. */
export function condText(c: Compare, o: Operands, use: (cond: string) => string): string {
  const t = new Text(o, undefined);
  const e = t.cond(c);
  return t.wrap(use(e));
}

/** A jump's target pc, a double expression (a literal when it is static in compiled code). */
export function targetText(t: Target, o: Operands): string {
  if (t.op === 'pcImm')
    return isLiteral(o.pc) && isLiteral(o.imm) ? lit(Number(o.pc) + Number(o.imm)) : `${o.pc} + ${o.imm}`;
  return `${o.h1} * TWO32 + (${o.l1} >>> 0) + ${o.imm} - ((${o.l1} + ${o.imm}) & 1)`;
}
