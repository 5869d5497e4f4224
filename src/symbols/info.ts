// The .debug_info / .debug_abbrev reader (DWARF 2 to 5): unit headers, abbreviations and DIE trees, parsed per unit on demand.
import { ByteReader, stringAt } from './bytes';
import { AT, FORM, TAG } from './dwarf';
import { SymbolError } from './errors';

export interface DebugSections {
  info: Uint8Array;
  abbrev: Uint8Array;
  str: Uint8Array;
  lineStr: Uint8Array;
  strOffsets: Uint8Array;
  addr: Uint8Array;
  ranges: Uint8Array;
  rnglists: Uint8Array;
  loc: Uint8Array;
  loclists: Uint8Array;
  line: Uint8Array;
}

interface Abbrev {
  tag: number;
  children: boolean;
  attrs: number[];
  forms: number[];
  consts: number[];
}

export type AttrValue = number | bigint | string | boolean | Uint8Array;

/** One debugging information entry. Attribute values are decoded; references are absolute .debug_info offsets. */
export class Die {
  children: Die[] = [];
  parent: Die | undefined;
  constructor(
    readonly unit: Unit,
    readonly offset: number,
    readonly tag: number,
    readonly attrs: number[],
    readonly forms: number[],
    readonly values: AttrValue[],
  ) {}

  has(at: number): boolean {
    return this.attrs.includes(at);
  }
  get(at: number): AttrValue | undefined {
    const i = this.attrs.indexOf(at);
    return i < 0 ? undefined : this.values[i];
  }
  form(at: number): number | undefined {
    const i = this.attrs.indexOf(at);
    return i < 0 ? undefined : this.forms[i];
  }
  num(at: number): number | undefined {
    const v = this.get(at);
    return typeof v === 'number'
      ? v
      : typeof v === 'bigint'
        ? Number(v)
        : typeof v === 'boolean'
          ? v
            ? 1
            : 0
          : undefined;
  }
  str(at: number): string | undefined {
    const v = this.get(at);
    return typeof v === 'string' ? v : undefined;
  }
  flag(at: number): boolean {
    const v = this.get(at);
    return v === true || (typeof v === 'number' && v !== 0);
  }
}

/** A compilation (or type/partial) unit: header fields, bases from its root DIE, and its DIE tree once parsed. */
export class Unit {
  version = 0;
  unitType = 1;
  is64 = false;
  addressSize = 8;
  abbrevOffset = 0;
  dieStart = 0;
  end = 0;
  strOffsetsBase = 8;
  addrBase = 8;
  rnglistsBase = 0;
  loclistsBase = 0;
  hasRnglistsBase = false;
  hasLoclistsBase = false;
  /** The base address for range and location lists: the root DIE's low_pc. */
  baseAddress = 0n;
  name = '';
  compDir = '';
  stmtList = -1;
  language = 0;
  root: Die | undefined;
  private parsed = false;
  private abbrevs: Map<number, Abbrev> | undefined;
  constructor(
    readonly dwarf: DwarfInfo,
    readonly offset: number,
  ) {}

  /** Parses every DIE of the unit once; a damaged unit keeps the DIEs read before the damage. */
  dies(): Die | undefined {
    if (!this.parsed) {
      this.parsed = true;
      try {
        this.dwarf.parseTree(this, false);
      } catch (e) {
        if (!(e instanceof SymbolError)) throw e;
        this.damage = e.message;
      }
    }
    return this.root;
  }
  damage: string | undefined;

  abbrevTable(): Map<number, Abbrev> {
    if (!this.abbrevs) this.abbrevs = this.dwarf.abbrevTable(this.abbrevOffset);
    return this.abbrevs;
  }
}

export class DwarfInfo {
  readonly units: Unit[] = [];
  private readonly abbrevCache = new Map<number, Map<number, Abbrev>>();
  private readonly dieByOffset = new Map<number, Die>();
  /** Problems met while scanning unit headers; the units before them remain usable. */
  readonly damage: string[] = [];

  constructor(readonly s: DebugSections) {
    const r = new ByteReader(s.info, 0, s.info.length, '.debug_info');
    while (r.pos < r.end) {
      const unit = new Unit(this, r.pos);
      try {
        const { end, is64 } = r.unitLength();
        unit.end = end;
        unit.is64 = is64;
        unit.version = r.u16();
        if (unit.version < 2 || unit.version > 5) r.fail(`unsupported DWARF version ${unit.version}`);
        if (unit.version >= 5) {
          unit.unitType = r.u8();
          unit.addressSize = r.u8();
          unit.abbrevOffset = r.offset(is64);
          if (unit.unitType === 2 || unit.unitType === 6) {
            r.skip(8);
            r.offset(is64);
          } // type units: signature, type offset
          else if (unit.unitType === 4 || unit.unitType === 5) r.skip(8); // skeleton / split: dwo id
        } else {
          unit.abbrevOffset = r.offset(is64);
          unit.addressSize = r.u8();
        }
        if (unit.addressSize !== 4 && unit.addressSize !== 8) r.fail(`unsupported address size ${unit.addressSize}`);
        unit.dieStart = r.pos;
        this.parseTree(unit, true);
        this.units.push(unit);
        r.seek(end);
      } catch (e) {
        if (!(e instanceof SymbolError)) throw e;
        this.damage.push(e.message);
        break;
      }
    }
  }

  abbrevTable(offset: number): Map<number, Abbrev> {
    let table = this.abbrevCache.get(offset);
    if (table) return table;
    table = new Map();
    const r = new ByteReader(this.s.abbrev, offset, this.s.abbrev.length, '.debug_abbrev');
    for (;;) {
      const code = r.uleb();
      if (code === 0) break;
      const tag = r.uleb();
      const children = r.u8() !== 0;
      const attrs: number[] = [],
        forms: number[] = [],
        consts: number[] = [];
      for (;;) {
        const at = r.uleb(),
          form = r.uleb();
        if (at === 0 && form === 0) break;
        attrs.push(at);
        forms.push(form);
        consts.push(form === FORM.implicit_const ? r.sleb() : 0);
      }
      table.set(code, { tag, children, attrs, forms, consts });
    }
    this.abbrevCache.set(offset, table);
    return table;
  }

  /** The DIE at an absolute .debug_info offset, parsing its unit if needed. */
  dieAt(offset: number): Die | undefined {
    const hit = this.dieByOffset.get(offset);
    if (hit) return hit;
    const unit = this.unitContaining(offset);
    if (!unit) return undefined;
    unit.dies();
    return this.dieByOffset.get(offset);
  }

  unitContaining(offset: number): Unit | undefined {
    let lo = 0,
      hi = this.units.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.units[mid].offset <= offset) lo = mid + 1;
      else hi = mid;
    }
    const u = this.units[lo - 1];
    return u && offset < u.end ? u : undefined;
  }

  /** Parses a unit's DIEs; with `rootOnly`, just the root DIE, read twice so attributes can use bases it declares. */
  parseTree(unit: Unit, rootOnly: boolean): void {
    const r = new ByteReader(this.s.info, unit.dieStart, unit.end, '.debug_info');
    const table = unit.abbrevTable();
    if (rootOnly) {
      const first = this.readDie(r, unit, table);
      if (!first) return;
      unit.strOffsetsBase = first.num(AT.str_offsets_base) ?? unit.strOffsetsBase;
      unit.addrBase = first.num(AT.addr_base) ?? unit.addrBase;
      if (first.has(AT.rnglists_base)) {
        unit.rnglistsBase = first.num(AT.rnglists_base)!;
        unit.hasRnglistsBase = true;
      }
      if (first.has(AT.loclists_base)) {
        unit.loclistsBase = first.num(AT.loclists_base)!;
        unit.hasLoclistsBase = true;
      }
      r.seek(unit.dieStart);
      const root = this.readDie(r, unit, table)!;
      const low = root.get(AT.low_pc);
      unit.baseAddress = typeof low === 'bigint' ? low : 0n;
      unit.name = root.str(AT.name) ?? '';
      unit.compDir = root.str(AT.comp_dir) ?? '';
      unit.stmtList = root.num(AT.stmt_list) ?? -1;
      unit.language = root.num(AT.language) ?? 0;
      unit.root = root;
      return;
    }
    const stack: Die[] = [];
    let first = true;
    const limit = unit.end - unit.dieStart;
    let count = 0;
    while (r.pos < unit.end) {
      const dieOffset = r.pos;
      const code = r.uleb();
      if (code === 0) {
        stack.pop();
        if (stack.length === 0) break;
        continue;
      }
      const ab = table.get(code) ?? r.fail(`unknown abbreviation code ${code}`);
      const die = this.readAttrs(r, unit, ab, dieOffset);
      if (++count > limit) r.fail('too many DIEs');
      if (first) {
        unit.root = die;
        first = false;
      } else {
        const parent = stack[stack.length - 1];
        if (!parent) break;
        die.parent = parent;
        parent.children.push(die);
      }
      this.dieByOffset.set(dieOffset, die);
      if (ab.children) stack.push(die);
      else if (die === unit.root) break;
    }
  }

  private readDie(r: ByteReader, unit: Unit, table: Map<number, Abbrev>): Die | undefined {
    const off = r.pos;
    const code = r.uleb();
    if (code === 0) return undefined;
    const ab = table.get(code) ?? r.fail(`unknown abbreviation code ${code}`);
    return this.readAttrs(r, unit, ab, off);
  }

  private readAttrs(r: ByteReader, unit: Unit, ab: Abbrev, offset: number): Die {
    const values: AttrValue[] = new Array(ab.attrs.length);
    let forms = ab.forms;
    for (let i = 0; i < ab.attrs.length; i++) {
      let form = ab.forms[i];
      if (form === FORM.indirect) {
        form = r.uleb();
        if (forms === ab.forms) forms = ab.forms.slice();
        forms[i] = form;
      }
      values[i] = this.readForm(r, unit, form, ab.consts[i]);
    }
    return new Die(unit, offset, ab.tag, ab.attrs, forms, values);
  }

  private readForm(r: ByteReader, unit: Unit, form: number, implicit: number): AttrValue {
    switch (form) {
      case FORM.addr:
        return r.uint(unit.addressSize);
      case FORM.data1:
        return r.u8();
      case FORM.data2:
        return r.u16();
      case FORM.data4:
        return r.u32();
      case FORM.data8:
        return r.u64();
      case FORM.data16: {
        const p = r.pos;
        r.skip(16);
        return r.bytes.slice(p, p + 16);
      }
      case FORM.sdata: {
        const p = r.pos;
        const v = r.sleb();
        if (Number.isSafeInteger(v)) return v;
        r.pos = p;
        return r.slebBig();
      }
      case FORM.udata: {
        const p = r.pos;
        const v = r.uleb();
        if (Number.isSafeInteger(v)) return v;
        r.pos = p;
        return r.ulebBig();
      }
      case FORM.implicit_const:
        return implicit;
      case FORM.string:
        return r.cstr();
      case FORM.strp:
        return stringAt(this.s.str, r.offset(unit.is64), '.debug_str');
      case FORM.line_strp:
        return stringAt(this.s.lineStr, r.offset(unit.is64), '.debug_line_str');
      case FORM.strp_sup:
      case FORM.GNU_strp_alt:
        r.offset(unit.is64);
        return '';
      case FORM.strx:
      case FORM.GNU_str_index:
        return this.strx(unit, r.uleb());
      case FORM.strx1:
        return this.strx(unit, r.u8());
      case FORM.strx2:
        return this.strx(unit, r.u16());
      case FORM.strx3:
        return this.strx(unit, r.u24());
      case FORM.strx4:
        return this.strx(unit, r.u32());
      case FORM.addrx:
      case FORM.GNU_addr_index:
        return this.addrx(unit, r.uleb());
      case FORM.addrx1:
        return this.addrx(unit, r.u8());
      case FORM.addrx2:
        return this.addrx(unit, r.u16());
      case FORM.addrx3:
        return this.addrx(unit, r.u24());
      case FORM.addrx4:
        return this.addrx(unit, r.u32());
      case FORM.flag:
        return r.u8() !== 0;
      case FORM.flag_present:
        return true;
      case FORM.ref1:
        return unit.offset + r.u8();
      case FORM.ref2:
        return unit.offset + r.u16();
      case FORM.ref4:
        return unit.offset + r.u32();
      case FORM.ref8:
        return unit.offset + r.u64n();
      case FORM.ref_udata:
        return unit.offset + r.uleb();
      case FORM.ref_addr:
        return unit.version <= 2 ? Number(r.uint(unit.addressSize)) : r.offset(unit.is64);
      case FORM.ref_sig8:
        return r.u64();
      case FORM.ref_sup4:
        return r.u32();
      case FORM.ref_sup8:
        return r.u64n();
      case FORM.GNU_ref_alt:
        return r.offset(unit.is64);
      case FORM.sec_offset:
        return r.offset(unit.is64);
      case FORM.loclistx:
      case FORM.rnglistx:
        return r.uleb();
      case FORM.exprloc:
      case FORM.block: {
        const n = r.uleb();
        return this.block(r, n);
      }
      case FORM.block1:
        return this.block(r, r.u8());
      case FORM.block2:
        return this.block(r, r.u16());
      case FORM.block4:
        return this.block(r, r.u32());
      default:
        return r.fail(`unsupported attribute form 0x${form.toString(16)}`);
    }
  }

  private block(r: ByteReader, n: number): Uint8Array {
    const p = r.pos;
    r.skip(n);
    return r.bytes.subarray(p, p + n);
  }

  private strx(unit: Unit, index: number): string {
    const size = unit.is64 ? 8 : 4;
    const r = new ByteReader(
      this.s.strOffsets,
      unit.strOffsetsBase + index * size,
      this.s.strOffsets.length,
      '.debug_str_offsets',
    );
    return stringAt(this.s.str, r.offset(unit.is64), '.debug_str');
  }

  /** Entry `index` of the unit's .debug_addr table. */
  addrx(unit: Unit, index: number): bigint {
    const r = new ByteReader(this.s.addr, unit.addrBase + index * unit.addressSize, this.s.addr.length, '.debug_addr');
    return r.uint(unit.addressSize);
  }

  /** Follows DW_AT_abstract_origin / DW_AT_specification to the DIE that carries `at`. */
  inherited(die: Die, at: number): Die | undefined {
    let d: Die | undefined = die;
    for (let hops = 0; d && hops < 8; hops++) {
      if (d.has(at)) return d;
      const next: number | undefined = d.num(AT.abstract_origin) ?? d.num(AT.specification);
      d = next === undefined ? undefined : this.dieAt(next);
    }
    return undefined;
  }

  nameOf(die: Die): string | undefined {
    return this.inherited(die, AT.name)?.str(AT.name);
  }

  isUnitTag(tag: number): boolean {
    return tag === TAG.compile_unit || tag === TAG.partial_unit || tag === TAG.skeleton_unit;
  }
}
