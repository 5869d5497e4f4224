// Address ranges of DIEs (low_pc/high_pc, .debug_ranges, .debug_rnglists) and location lists (.debug_loc, .debug_loclists).
import { ByteReader } from './bytes';
import { AT, FORM, isConstForm } from './dwarf';
import { Die, DwarfInfo, Unit } from './info';

export interface PcRange {
  lo: bigint;
  hi: bigint;
}
export interface LocEntry {
  lo: bigint;
  hi: bigint;
  expr: Uint8Array;
}

const MAX_ENTRIES = 1 << 16;

/** The pc ranges a DIE covers; empty if it has none (abstract instances, declarations). */
export function dieRanges(dw: DwarfInfo, die: Die): PcRange[] {
  if (die.has(AT.ranges)) {
    const form = die.form(AT.ranges)!;
    const value = die.num(AT.ranges);
    return value === undefined ? [] : rangeList(dw, die.unit, value, form === FORM.rnglistx);
  }
  const low = die.get(AT.low_pc);
  if (typeof low === 'bigint') {
    const highForm = die.form(AT.high_pc);
    const high = die.get(AT.high_pc);
    if (typeof high !== 'number' && typeof high !== 'bigint') return [];
    // In DWARF 4+, a constant-class high_pc is a length from low_pc.
    const hi =
      highForm !== undefined && isConstForm(highForm) ? low + BigInt(high as number | bigint) : (high as bigint);
    return hi > low ? [{ lo: low, hi }] : [];
  }
  return [];
}

/** Reads a range list; `value` is a section offset, or an index when the form was DW_FORM_rnglistx. */
export function rangeList(dw: DwarfInfo, unit: Unit, value: number, isIndex: boolean): PcRange[] {
  const out: PcRange[] = [];
  const size = unit.addressSize;
  const maxAddr = size === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  if (unit.version < 5) {
    const r = new ByteReader(dw.s.ranges, value, dw.s.ranges.length, '.debug_ranges');
    let base = unit.baseAddress;
    for (let n = 0; n < MAX_ENTRIES; n++) {
      const a = r.uint(size),
        b = r.uint(size);
      if (a === 0n && b === 0n) break;
      if (a === maxAddr) {
        base = b;
        continue;
      }
      if (b > a) out.push({ lo: base + a, hi: base + b });
    }
    return out;
  }
  const sec = dw.s.rnglists;
  let offset = value;
  if (isIndex) offset = listIndex(sec, unit, unit.rnglistsBase, value, '.debug_rnglists');
  const r = new ByteReader(sec, offset, sec.length, '.debug_rnglists');
  let base = unit.baseAddress;
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const kind = r.u8();
    if (kind === 0) break; // end_of_list
    switch (kind) {
      case 1:
        base = dw.addrx(unit, r.uleb());
        break; // base_addressx
      case 2: {
        const a = dw.addrx(unit, r.uleb()),
          b = dw.addrx(unit, r.uleb());
        push(out, a, b);
        break;
      } // startx_endx
      case 3: {
        const a = dw.addrx(unit, r.uleb());
        push(out, a, a + BigInt(r.uleb()));
        break;
      } // startx_length
      case 4: {
        const a = r.uleb(),
          b = r.uleb();
        push(out, base + BigInt(a), base + BigInt(b));
        break;
      } // offset_pair
      case 5:
        base = r.uint(size);
        break; // base_address
      case 6: {
        const a = r.uint(size),
          b = r.uint(size);
        push(out, a, b);
        break;
      } // start_end
      case 7: {
        const a = r.uint(size);
        push(out, a, a + BigInt(r.uleb()));
        break;
      } // start_length
      default:
        r.fail(`unknown range list entry ${kind}`);
    }
  }
  return out;
}

function push(out: PcRange[], lo: bigint, hi: bigint): void {
  if (hi > lo) out.push({ lo, hi });
}

/** Resolves an index into the offset table that follows a DWARF 5 list section's header. */
function listIndex(sec: Uint8Array, unit: Unit, base: number, index: number, name: string): number {
  const size = unit.is64 ? 8 : 4;
  const r = new ByteReader(sec, base + index * size, sec.length, name);
  return base + r.offset(unit.is64);
}

/** Reads a location list into entries with absolute addresses. */
export function locationList(dw: DwarfInfo, unit: Unit, value: number, isIndex: boolean): LocEntry[] {
  const out: LocEntry[] = [];
  const size = unit.addressSize;
  const maxAddr = size === 8 ? 0xffffffffffffffffn : 0xffffffffn;
  if (unit.version < 5) {
    const r = new ByteReader(dw.s.loc, value, dw.s.loc.length, '.debug_loc');
    let base = unit.baseAddress;
    for (let n = 0; n < MAX_ENTRIES; n++) {
      const a = r.uint(size),
        b = r.uint(size);
      if (a === 0n && b === 0n) break;
      if (a === maxAddr) {
        base = b;
        continue;
      }
      const len = r.u16();
      const p = r.pos;
      r.skip(len);
      out.push({ lo: base + a, hi: base + b, expr: r.bytes.subarray(p, p + len) });
    }
    return out;
  }
  const sec = dw.s.loclists;
  const offset = isIndex ? listIndex(sec, unit, unit.loclistsBase, value, '.debug_loclists') : value;
  const r = new ByteReader(sec, offset, sec.length, '.debug_loclists');
  let base = unit.baseAddress;
  const expr = (): Uint8Array => {
    const len = r.uleb();
    const p = r.pos;
    r.skip(len);
    return r.bytes.subarray(p, p + len);
  };
  for (let n = 0; n < MAX_ENTRIES; n++) {
    const kind = r.u8();
    if (kind === 0) break; // end_of_list
    switch (kind) {
      case 1:
        base = dw.addrx(unit, r.uleb());
        break; // base_addressx
      case 2: {
        const a = dw.addrx(unit, r.uleb()),
          b = dw.addrx(unit, r.uleb());
        out.push({ lo: a, hi: b, expr: expr() });
        break;
      }
      case 3: {
        const a = dw.addrx(unit, r.uleb());
        const b = a + BigInt(r.uleb());
        out.push({ lo: a, hi: b, expr: expr() });
        break;
      }
      case 4: {
        const a = base + BigInt(r.uleb()),
          b = base + BigInt(r.uleb());
        out.push({ lo: a, hi: b, expr: expr() });
        break;
      }
      case 5: {
        const e = expr();
        out.push({ lo: 0n, hi: maxAddr, expr: e });
        break;
      } // default_location
      case 6:
        base = r.uint(size);
        break;
      case 7: {
        const a = r.uint(size),
          b = r.uint(size);
        out.push({ lo: a, hi: b, expr: expr() });
        break;
      }
      case 8: {
        const a = r.uint(size);
        const b = a + BigInt(r.uleb());
        out.push({ lo: a, hi: b, expr: expr() });
        break;
      }
      default:
        r.fail(`unknown location list entry ${kind}`);
    }
  }
  return out;
}

export function inRanges(ranges: PcRange[], pc: bigint): boolean {
  for (const r of ranges) if (pc >= r.lo && pc < r.hi) return true;
  return false;
}
