// Debugger expressions: variables, *ptr, arr[3], s.field, ptr->field, casts to base types, $registers, memory such
// as *(uint32_t*)0x80001000, and C's arithmetic, comparison and logical operators (for breakpoint conditions).
// Parsed to a tree, then evaluated against one hart.

export class ExpressionError extends Error {}

export type Expr =
  | { op: 'num'; value: bigint }
  | { op: 'reg'; name: string }
  | { op: 'name'; name: string }
  | { op: 'deref'; arg: Expr }
  | { op: 'addr'; arg: Expr }
  | { op: 'neg'; arg: Expr }
  | { op: 'cast'; type: CType; arg: Expr }
  | { op: 'index'; arg: Expr; index: Expr }
  | { op: 'field'; arg: Expr; name: string; arrow: boolean }
  | { op: 'not'; arg: Expr }
  | { op: 'bin'; kind: BinaryOp; left: Expr; right: Expr };

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '<<'
  | '>>'
  | '<'
  | '>'
  | '<='
  | '>='
  | '=='
  | '!='
  | '&'
  | '^'
  | '|'
  | '&&'
  | '||';

/** Binding strength of each binary operator, as in C. */
const PRECEDENCE: Record<BinaryOp, number> = {
  '||': 1,
  '&&': 2,
  '|': 3,
  '^': 4,
  '&': 5,
  '==': 6,
  '!=': 6,
  '<': 7,
  '>': 7,
  '<=': 7,
  '>=': 7,
  '<<': 8,
  '>>': 8,
  '+': 9,
  '-': 9,
  '*': 10,
  '/': 10,
  '%': 10,
};

/** A base type or a pointer to one (depth counts the stars). */
export interface CType {
  base: string;
  size: number;
  signed: boolean;
  float: boolean;
  pointer: number;
}

const BASE: Record<string, [number, boolean, boolean]> = {
  char: [1, true, false],
  'signed char': [1, true, false],
  'unsigned char': [1, false, false],
  short: [2, true, false],
  'unsigned short': [2, false, false],
  int: [4, true, false],
  unsigned: [4, false, false],
  'unsigned int': [4, false, false],
  long: [8, true, false],
  'unsigned long': [8, false, false],
  'long long': [8, true, false],
  'unsigned long long': [8, false, false],
  int8_t: [1, true, false],
  uint8_t: [1, false, false],
  int16_t: [2, true, false],
  uint16_t: [2, false, false],
  int32_t: [4, true, false],
  uint32_t: [4, false, false],
  int64_t: [8, true, false],
  uint64_t: [8, false, false],
  size_t: [8, false, false],
  uintptr_t: [8, false, false],
  _Bool: [1, false, false],
  bool: [1, false, false],
  float: [4, true, true],
  double: [8, true, true],
};

export function baseType(name: string, pointer = 0): CType | undefined {
  const b = BASE[name];
  return b ? { base: name, size: b[0], signed: b[1], float: b[2], pointer } : undefined;
}

type Tok = { t: string; at: number };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  const re =
    /\s*(0[xX][0-9a-fA-F]+|\d+|\$?[A-Za-z_][A-Za-z0-9_]*|->|<<|>>|<=|>=|==|!=|&&|\|\||[()*&\-+[\].\/%<>^|!~])/y;
  let at = 0;
  while (at < src.length) {
    if (/^\s*$/.test(src.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(src);
    if (!m)
      throw new ExpressionError(
        `syntax error at column ${at + 1} of "${src}": unexpected "${src.slice(at).trim()[0]}"`,
      );
    out.push({ t: m[1], at: m.index + m[0].length - m[1].length });
    at = re.lastIndex;
  }
  return out;
}

export function parseExpression(src: string): Expr {
  const toks = lex(src);
  let k = 0;
  const peek = () => toks[k]?.t;
  const fail = (what: string): never => {
    const at = toks[k]?.at ?? src.length;
    throw new ExpressionError(`syntax error at column ${at + 1} of "${src}": ${what}`);
  };
  const expect = (t: string) => {
    if (peek() !== t) fail(`expected "${t}"`);
    k++;
  };
  const typeAhead = (): CType | undefined => {
    // A cast: "(" base-type-words "*"* ")".
    let j = k + 1;
    const words: string[] = [];
    while (toks[j] && /^[A-Za-z_]\w*$/.test(toks[j].t)) words.push(toks[j++].t);
    let stars = 0;
    while (toks[j]?.t === '*') {
      stars++;
      j++;
    }
    if (toks[j]?.t !== ')' || words.length === 0) return undefined;
    const ty = baseType(words.join(' '), stars);
    if (ty) k = j + 1;
    return ty;
  };
  // Precedence climbing over the binary operators; unary ones bind tighter.
  const binary = (min: number): Expr => {
    let left = unary();
    for (;;) {
      const t = peek() as BinaryOp | undefined;
      const p = t !== undefined && Object.hasOwn(PRECEDENCE, t) ? PRECEDENCE[t] : undefined;
      if (p === undefined || p < min) return left;
      k++;
      left = { op: 'bin', kind: t!, left, right: binary(p + 1) };
    }
  };
  const sum = (): Expr => binary(1);
  const unary = (): Expr => {
    const t = peek();
    if (t === '*') {
      k++;
      return { op: 'deref', arg: unary() };
    }
    if (t === '&') {
      k++;
      return { op: 'addr', arg: unary() };
    }
    if (t === '-') {
      k++;
      return { op: 'neg', arg: unary() };
    }
    if (t === '!') {
      k++;
      return { op: 'not', arg: unary() };
    }
    if (t === '(') {
      const ty = typeAhead();
      if (ty) return { op: 'cast', type: ty, arg: unary() };
    }
    return postfix();
  };
  const postfix = (): Expr => {
    let e = primary();
    for (;;) {
      const t = peek();
      if (t === '[') {
        k++;
        const index = sum();
        expect(']');
        e = { op: 'index', arg: e, index };
      } else if (t === '.' || t === '->') {
        k++;
        const name = peek();
        if (!name || !/^[A-Za-z_]\w*$/.test(name)) fail('expected a field name');
        k++;
        e = { op: 'field', arg: e, name: name!, arrow: t === '->' };
      } else return e;
    }
  };
  const primary = (): Expr => {
    const t = peek();
    if (t === undefined) return fail('unexpected end of expression');
    if (t === '(') {
      k++;
      const e = sum();
      expect(')');
      return e;
    }
    if (/^(0[xX][0-9a-fA-F]+|\d+)$/.test(t)) {
      k++;
      return { op: 'num', value: BigInt(t) };
    }
    if (t.startsWith('$')) {
      k++;
      return { op: 'reg', name: t.slice(1) };
    }
    if (/^[A-Za-z_]\w*$/.test(t)) {
      k++;
      return { op: 'name', name: t };
    }
    return fail(`unexpected "${t}"`);
  };
  const e = sum();
  if (k < toks.length) fail(`unexpected "${toks[k].t}"`);
  return e;
}
