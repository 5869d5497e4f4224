// The type model built from type DIEs (base, pointer, qualifiers, typedef, struct/union, enum, array, function) and C type names as gdb prints them.
import { AT, TAG } from './dwarf';
import { Die, DwarfInfo } from './info';

export interface Member {
  name: string;
  type: Type;
  offset: number;
  bitSize?: number;
  bitOffset?: number;
}

export type Type =
  | { kind: 'void' }
  | { kind: 'base'; name: string; size: number; encoding: number }
  | { kind: 'pointer'; target: Type; size: number }
  | { kind: 'qualified'; qual: 'const' | 'volatile' | 'restrict' | '_Atomic'; target: Type }
  | { kind: 'typedef'; name: string; target: Type }
  | { kind: 'struct' | 'union' | 'class'; name?: string; size: number; members: Member[] }
  | { kind: 'enum'; name?: string; size: number; enumerators: { name: string; value: bigint }[]; signed: boolean }
  | { kind: 'array'; element: Type; dims: (number | undefined)[] }
  | { kind: 'function'; ret: Type; params: Type[]; variadic: boolean; prototyped: boolean };

const VOID: Type = { kind: 'void' };

/** Builds types lazily from DIEs, memoised by DIE offset so recursive structs terminate. */
export class TypeReader {
  private readonly cache = new Map<number, Type>();
  constructor(readonly dw: DwarfInfo) {}

  /** The type a DIE's DW_AT_type names (void when absent). */
  typeOf(die: Die): Type {
    const holder = this.dw.inherited(die, AT.type);
    const ref = holder?.num(AT.type);
    return ref === undefined ? VOID : this.at(ref);
  }

  at(offset: number, depth = 0): Type {
    const hit = this.cache.get(offset);
    if (hit) return hit;
    const die = this.dw.dieAt(offset);
    if (!die || depth > 64) return { kind: 'base', name: '<unknown type>', size: 0, encoding: 0 };
    return this.build(die, depth);
  }

  private build(die: Die, depth: number): Type {
    const name = die.str(AT.name);
    const size = die.num(AT.byte_size) ?? 0;
    const target = (): Type => {
      const ref = die.num(AT.type);
      return ref === undefined ? VOID : this.at(ref, depth + 1);
    };
    let t: Type;
    switch (die.tag) {
      case TAG.base_type:
        t = { kind: 'base', name: canonicalBaseName(name ?? '?'), size, encoding: die.num(AT.encoding) ?? 0 };
        break;
      case TAG.pointer_type:
      case TAG.reference_type: {
        const p: Type = { kind: 'pointer', target: VOID, size: size || die.unit.addressSize };
        this.cache.set(die.offset, p);
        p.target = target();
        return p;
      }
      case TAG.const_type:
        t = { kind: 'qualified', qual: 'const', target: target() };
        break;
      case TAG.volatile_type:
        t = { kind: 'qualified', qual: 'volatile', target: target() };
        break;
      case TAG.restrict_type:
        t = { kind: 'qualified', qual: 'restrict', target: target() };
        break;
      case TAG.atomic_type:
        t = { kind: 'qualified', qual: '_Atomic', target: target() };
        break;
      case TAG.typedef: {
        const td: Type = { kind: 'typedef', name: name ?? '?', target: VOID };
        this.cache.set(die.offset, td);
        td.target = target();
        return td;
      }
      case TAG.structure_type:
      case TAG.union_type:
      case TAG.class_type: {
        const kind = die.tag === TAG.union_type ? 'union' : die.tag === TAG.class_type ? 'class' : 'struct';
        const s: Type = { kind, name, size, members: [] };
        this.cache.set(die.offset, s);
        for (const c of die.children) {
          if (c.tag !== TAG.member) continue;
          const mt = c.num(AT.type) === undefined ? VOID : this.at(c.num(AT.type)!, depth + 1);
          const m: Member = { name: c.str(AT.name) ?? '', type: mt, offset: c.num(AT.data_member_location) ?? 0 };
          const bitSize = c.num(AT.bit_size);
          if (bitSize !== undefined) {
            m.bitSize = bitSize;
            const dbo = c.num(AT.data_bit_offset);
            if (dbo !== undefined) m.bitOffset = dbo;
            else {
              // DWARF 2/3 style: bit_offset counts from the most significant bit of a byte_size storage unit.
              const storage = (c.num(AT.byte_size) ?? sizeOf(mt)) * 8;
              m.bitOffset = m.offset * 8 + storage - (c.num(AT.bit_offset) ?? 0) - bitSize;
            }
            m.offset = 0;
          }
          s.members.push(m);
        }
        return s;
      }
      case TAG.enumeration_type: {
        const base = die.num(AT.type) !== undefined ? this.at(die.num(AT.type)!, depth + 1) : undefined;
        const bs = base ? strip(base) : undefined;
        const signed = bs?.kind === 'base' ? bs.encoding === 0x5 || bs.encoding === 0x6 : false;
        const enumerators: { name: string; value: bigint }[] = [];
        let anyNegative = false;
        for (const c of die.children) {
          if (c.tag !== TAG.enumerator) continue;
          const v = c.get(AT.const_value);
          const value = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? v : 0);
          if (value < 0n) anyNegative = true;
          enumerators.push({ name: c.str(AT.name) ?? '', value });
        }
        t = {
          kind: 'enum',
          name,
          size: size || (bs?.kind === 'base' ? bs.size : 4),
          enumerators,
          signed: signed || anyNegative,
        };
        break;
      }
      case TAG.array_type: {
        const dims: (number | undefined)[] = [];
        for (const c of die.children) {
          if (c.tag !== TAG.subrange_type) continue;
          const count = c.num(AT.count);
          const upper = c.get(AT.upper_bound);
          const lower = c.num(AT.lower_bound) ?? 0;
          if (count !== undefined) dims.push(count);
          else if (typeof upper === 'number' || typeof upper === 'bigint') dims.push(Number(upper) - lower + 1);
          else dims.push(undefined);
        }
        if (dims.length === 0) dims.push(undefined);
        t = { kind: 'array', element: target(), dims };
        break;
      }
      case TAG.subroutine_type:
      case TAG.subprogram: {
        const params: Type[] = [];
        let variadic = false;
        for (const c of die.children) {
          if (c.tag === TAG.formal_parameter)
            params.push(c.num(AT.type) === undefined ? VOID : this.at(c.num(AT.type)!, depth + 1));
          else if (c.tag === TAG.unspecified_parameters) variadic = true;
        }
        t = { kind: 'function', ret: target(), params, variadic, prototyped: die.flag(AT.prototyped) };
        break;
      }
      case TAG.unspecified_parameters:
        t = VOID;
        break;
      default:
        t = { kind: 'base', name: name ?? '<unknown type>', size, encoding: 0 };
    }
    this.cache.set(die.offset, t);
    return t;
  }
}

/** Removes typedefs and qualifiers. */
export function strip(t: Type): Type {
  for (let i = 0; i < 64 && (t.kind === 'typedef' || t.kind === 'qualified'); i++) t = t.target;
  return t;
}

export function sizeOf(t: Type): number {
  const s = strip(t);
  switch (s.kind) {
    case 'base':
    case 'pointer':
    case 'struct':
    case 'union':
    case 'class':
    case 'enum':
      return s.size;
    case 'array':
      return s.dims.reduce<number>((n, d) => n * (d ?? 0), sizeOf(s.element));
    default:
      return 0;
  }
}

/** The C spelling of a type, as gdb's `ptype`/`whatis` prints it: "const char *", "int (*)[3]", "char * const". */
export function typeName(t: Type): string {
  return declarator(t, '');
}

const QUAL_ORDER = ['const', 'volatile', 'restrict', '_Atomic'];

/** gdb spells GCC's base type names the short way: "long unsigned int" is "unsigned long". */
const CANONICAL: Record<string, string> = {
  'short int': 'short',
  'short unsigned int': 'unsigned short',
  'long int': 'long',
  'long unsigned int': 'unsigned long',
  'long long int': 'long long',
  'long long unsigned int': 'unsigned long long',
  'short signed int': 'short',
  'signed short': 'short',
  'long signed int': 'long',
};

function canonicalBaseName(name: string): string {
  return CANONICAL[name] ?? name;
}

function join(base: string, inner: string): string {
  return inner === '' ? base : `${base} ${inner}`;
}

function declarator(t: Type, inner: string, depth = 0): string {
  if (depth > 64) return join('?', inner);
  switch (t.kind) {
    case 'void':
      return join('void', inner);
    case 'base':
      return join(t.name, inner);
    case 'typedef':
      return join(t.name, inner);
    case 'struct':
    case 'union':
    case 'class':
      return join(`${t.kind} ${t.name ?? '{...}'}`, inner);
    case 'enum':
      return join(`enum ${t.name ?? '{...}'}`, inner);
    case 'qualified': {
      // Stacked qualifiers print in gdb's fixed order; on a pointer they follow the star, otherwise they lead.
      const quals = new Set<string>();
      let target: Type = t;
      while (target.kind === 'qualified' && quals.size < 8) {
        quals.add(target.qual);
        target = target.target;
      }
      const q = QUAL_ORDER.filter((x) => quals.has(x)).join(' ');
      if (target.kind === 'pointer') return declarator(target, inner === '' ? q : `${q} ${inner}`, depth + 1);
      return `${q} ${declarator(target, inner, depth + 1)}`;
    }
    case 'pointer': {
      const tt = t.target;
      const wrapped =
        inner === ''
          ? '*'
          : inner.startsWith('[') || inner.startsWith('(')
            ? `*${inner}`
            : `*${inner.startsWith('*') ? '' : ' '}${inner}`;
      if (tt.kind === 'array' || tt.kind === 'function') return declarator(tt, `(${wrapped})`, depth + 1);
      return declarator(tt, wrapped, depth + 1);
    }
    case 'array':
      return declarator(t.element, `${inner}${t.dims.map((d) => `[${d ?? ''}]`).join('')}`, depth + 1);
    case 'function': {
      const params =
        t.params.length === 0
          ? t.prototyped && !t.variadic
            ? 'void'
            : ''
          : t.params.map((p) => typeName(p)).join(', ') + (t.variadic ? ', ...' : '');
      return declarator(t.ret, `${inner}(${params})`, depth + 1);
    }
  }
}
