// The .debug_line reader (DWARF versions 2 to 5): runs each line-number program into rows and indexes them both ways.
import { ByteReader, stringAt } from './bytes';
import { SymbolError } from './errors';

export interface LineRow {
  addr: bigint;
  /** Index into the owning program's `files`. */
  file: number;
  line: number;
  column: number;
  isStmt: boolean;
  endSequence: boolean;
  prologueEnd: boolean;
  discriminator: number;
}

export interface LineFile {
  name: string;
  dir: string;
  path: string;
  md5?: string;
}

export interface LineProgram {
  offset: number;
  version: number;
  files: LineFile[];
  table: RowTable;
  /** The rows as objects; built on demand, for tests and tools (lookups use `table`). */
  readonly rows: LineRow[];
  truncated?: string;
}

export const ROW_STMT = 1,
  ROW_END = 2,
  ROW_PROLOGUE_END = 4;
const TWO32 = 4294967296;

/**
 * Rows stored column-wise in typed arrays. Large programs have millions of rows, and objects per row made loading
 * spend most of its time in the garbage collector. Addresses are split into 32-bit halves so they stay exact.
 */
export class RowTable {
  length = 0;
  hi: Uint32Array;
  lo: Uint32Array;
  file: Uint32Array;
  line: Uint32Array;
  column: Uint32Array;
  flags: Uint8Array;
  disc: Uint32Array;

  /** `capacity` is a guess from the program's size: growing by doubling dominated loading a kernel's 2,000 tables. */
  constructor(capacity = 64) {
    const n = Math.max(16, capacity | 0);
    this.hi = new Uint32Array(n);
    this.lo = new Uint32Array(n);
    this.file = new Uint32Array(n);
    this.line = new Uint32Array(n);
    this.column = new Uint32Array(n);
    this.flags = new Uint8Array(n);
    this.disc = new Uint32Array(n);
  }

  push(hi: number, lo: number, file: number, line: number, column: number, flags: number, disc: number): void {
    if (this.length === this.hi.length) this.grow();
    const i = this.length++;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.file[i] = file;
    this.line[i] = line;
    this.column[i] = column;
    this.flags[i] = flags;
    this.disc[i] = disc;
  }

  private grow(): void {
    const n = this.hi.length * 2;
    const g = <T extends Uint32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.hi = g(this.hi);
    this.lo = g(this.lo);
    this.file = g(this.file);
    this.line = g(this.line);
    this.column = g(this.column);
    this.flags = g(this.flags);
    this.disc = g(this.disc);
  }

  addr(i: number): bigint {
    return (BigInt(this.hi[i]) << 32n) | BigInt(this.lo[i]);
  }

  /** Compares row i's address with (hi, lo). */
  cmp(i: number, hi: number, lo: number): number {
    return this.hi[i] - hi || this.lo[i] - lo;
  }

  row(i: number): LineRow {
    const f = this.flags[i];
    return {
      addr: this.addr(i),
      file: this.file[i],
      line: this.line[i],
      column: this.column[i],
      isStmt: (f & ROW_STMT) !== 0,
      endSequence: (f & ROW_END) !== 0,
      prologueEnd: (f & ROW_PROLOGUE_END) !== 0,
      discriminator: this.disc[i],
    };
  }
}

/** Strings a version 5 header may refer to, and the CU's compile directory that a version 4 header leaves implicit. */
export interface LineContext {
  lineStr?: Uint8Array;
  str?: Uint8Array;
  compDir?: string;
  addressSize?: number;
  /** Only the header (files): what matching a source path needs, without running the program. */
  headerOnly?: boolean;
}

const DW_LNS_copy = 1,
  DW_LNS_advance_pc = 2,
  DW_LNS_advance_line = 3,
  DW_LNS_set_file = 4,
  DW_LNS_set_column = 5,
  DW_LNS_negate_stmt = 6,
  DW_LNS_set_basic_block = 7,
  DW_LNS_const_add_pc = 8,
  DW_LNS_fixed_advance_pc = 9,
  DW_LNS_set_prologue_end = 10,
  DW_LNS_set_epilogue_begin = 11,
  DW_LNS_set_isa = 12;
const DW_LNE_end_sequence = 1,
  DW_LNE_set_address = 2,
  DW_LNE_define_file = 3,
  DW_LNE_set_discriminator = 4;
const DW_LNCT_path = 1,
  DW_LNCT_directory_index = 2,
  DW_LNCT_MD5 = 5;

export function joinPath(dir: string, name: string): string {
  if (name.startsWith('/') || dir === '') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}

/** Parses the line-number program at `offset` of `.debug_line`. Rows are kept even when the program is cut short. */
export function parseLineProgram(section: Uint8Array, offset: number, ctx: LineContext): LineProgram {
  const r = new ByteReader(section, offset, section.length, '.debug_line');
  const { end, is64 } = r.unitLength();
  r.end = end;
  const version = r.u16();
  if (version < 2 || version > 5) r.fail(`unsupported line table version ${version}`);
  let addressSize = ctx.addressSize ?? 8;
  if (version >= 5) {
    addressSize = r.u8();
    r.u8(); /* segment selector size */
  }
  const headerLength = r.offset(is64);
  const programStart = r.pos + headerLength;
  if (programStart > end) r.fail('header length past the end of the unit');
  const minInstLength = r.u8();
  const maxOps = version >= 4 ? r.u8() : 1;
  const defaultIsStmt = r.u8() !== 0;
  const lineBase = r.i8();
  const lineRange = r.u8();
  const opcodeBase = r.u8();
  if (lineRange === 0) r.fail('line_range is zero');
  if (maxOps === 0) r.fail('maximum_operations_per_instruction is zero');
  const stdLengths: number[] = [0];
  for (let i = 1; i < opcodeBase; i++) stdLengths.push(r.u8());

  const dirs: string[] = [];
  const files: LineFile[] = [];
  const compDir = ctx.compDir ?? '';
  if (version >= 5) {
    const readFormat = () => {
      const n = r.u8();
      const fmt: [number, number][] = [];
      for (let i = 0; i < n; i++) fmt.push([r.uleb(), r.uleb()]);
      return fmt;
    };
    const dirFormat = readFormat();
    const dirCount = r.uleb();
    for (let i = 0; i < dirCount; i++) {
      let name = '';
      for (const [ct, form] of dirFormat) {
        const v = readEntryForm(r, form, is64, ctx);
        if (ct === DW_LNCT_path) name = String(v);
      }
      dirs.push(i === 0 ? name : joinPath(dirs[0] ?? compDir, name));
    }
    const fileFormat = readFormat();
    const fileCount = r.uleb();
    for (let i = 0; i < fileCount; i++) {
      let name = '',
        dirIndex = 0,
        md5: string | undefined;
      for (const [ct, form] of fileFormat) {
        const v = readEntryForm(r, form, is64, ctx);
        if (ct === DW_LNCT_path) name = String(v);
        else if (ct === DW_LNCT_directory_index) dirIndex = Number(v);
        else if (ct === DW_LNCT_MD5 && v instanceof Uint8Array) md5 = Buffer.from(v).toString('hex');
      }
      const dir = dirs[dirIndex] ?? '';
      files.push({ name, dir, path: joinPath(dir, name), md5 });
    }
  } else {
    dirs.push(compDir);
    for (;;) {
      const d = r.cstr();
      if (d === '') break;
      dirs.push(joinPath(compDir, d));
    }
    // Version 4 and earlier number files from 1; slot 0 is left as a placeholder so indices line up.
    files.push({ name: '', dir: compDir, path: '' });
    for (;;) {
      const name = r.cstr();
      if (name === '') break;
      const dirIndex = r.uleb();
      r.uleb();
      r.uleb();
      const dir = dirs[dirIndex] ?? '';
      files.push({ name, dir, path: joinPath(dir, name) });
    }
  }

  r.seek(programStart);
  // Most rows take one special opcode byte, some a few more: a third of the program's bytes rarely needs growing.
  const table = new RowTable(ctx.headerOnly ? 0 : (end - programStart) / 3);
  let cached: LineRow[] | undefined;
  const program: LineProgram = {
    offset,
    version,
    files,
    table,
    get rows() {
      if (!cached) {
        cached = [];
        for (let i = 0; i < table.length; i++) cached.push(table.row(i));
      }
      return cached;
    },
  };
  // The address is kept as two halves in plain numbers: exact for all 64 bits without a BigInt per row.
  let hi = 0,
    lo = 0,
    opIndex = 0,
    file = 1,
    line = 1,
    column = 0,
    isStmt = defaultIsStmt;
  let prologueEnd = false,
    discriminator = 0;
  const reset = () => {
    hi = 0;
    lo = 0;
    opIndex = 0;
    file = 1;
    line = 1;
    column = 0;
    isStmt = defaultIsStmt;
    prologueEnd = false;
    discriminator = 0;
  };
  const emit = (endSequence: boolean) => {
    table.push(
      hi,
      lo,
      file,
      line >>> 0,
      column,
      (isStmt ? ROW_STMT : 0) | (endSequence ? ROW_END : 0) | (prologueEnd ? ROW_PROLOGUE_END : 0),
      discriminator,
    );
    prologueEnd = false;
    discriminator = 0;
  };
  const addToAddr = (delta: number) => {
    lo += delta;
    if (lo >= TWO32 || lo < 0) {
      const carry = Math.floor(lo / TWO32);
      lo -= carry * TWO32;
      hi = (hi + carry) % TWO32;
      if (hi < 0) hi += TWO32;
    }
  };
  const advance = (opAdvance: number) => {
    if (maxOps === 1) addToAddr(minInstLength * opAdvance);
    else {
      const total = opIndex + opAdvance;
      addToAddr(minInstLength * Math.floor(total / maxOps));
      opIndex = total % maxOps;
    }
  };
  if (ctx.headerOnly) return program;
  try {
    while (r.pos < end) {
      const op = r.u8();
      if (op >= opcodeBase) {
        const adj = op - opcodeBase;
        advance(Math.floor(adj / lineRange));
        line += lineBase + (adj % lineRange);
        emit(false);
      } else if (op === 0) {
        const len = r.uleb();
        const next = r.pos + len;
        if (len === 0 || next > end) r.fail('bad extended opcode length');
        const sub = r.u8();
        if (sub === DW_LNE_end_sequence) {
          emit(true);
          reset();
        } else if (sub === DW_LNE_set_address) {
          const a = r.uint(Math.min(len - 1, 8) || addressSize);
          hi = Number(a >> 32n);
          lo = Number(a & 0xffffffffn);
          opIndex = 0;
        } else if (sub === DW_LNE_define_file) {
          const name = r.cstr();
          const d = r.uleb();
          r.uleb();
          r.uleb();
          const dir = dirs[d] ?? '';
          files.push({ name, dir, path: joinPath(dir, name) });
        } else if (sub === DW_LNE_set_discriminator) discriminator = r.uleb();
        r.seek(next);
      } else {
        switch (op) {
          case DW_LNS_copy:
            emit(false);
            break;
          case DW_LNS_advance_pc:
            advance(r.uleb());
            break;
          case DW_LNS_advance_line:
            line += r.sleb();
            break;
          case DW_LNS_set_file:
            file = r.uleb();
            break;
          case DW_LNS_set_column:
            column = r.uleb();
            break;
          case DW_LNS_negate_stmt:
            isStmt = !isStmt;
            break;
          case DW_LNS_set_basic_block:
            break;
          case DW_LNS_const_add_pc:
            advance(Math.floor((255 - opcodeBase) / lineRange));
            break;
          case DW_LNS_fixed_advance_pc:
            addToAddr(r.u16());
            opIndex = 0;
            break;
          case DW_LNS_set_prologue_end:
            prologueEnd = true;
            break;
          case DW_LNS_set_epilogue_begin:
            break;
          case DW_LNS_set_isa:
            r.uleb();
            break;
          default:
            // Unknown standard opcode: the header says how many ULEB operands to skip.
            for (let i = 0; i < stdLengths[op]; i++) r.uleb();
        }
      }
    }
  } catch (e) {
    // A damaged program still yields the rows decoded before the damage.
    if (!(e instanceof SymbolError)) throw e;
    program.truncated = e.message;
  }
  return program;
}

/** Reads one value of a version 5 directory or file entry: a string, a number or (for MD5) 16 bytes. */
function readEntryForm(
  r: ByteReader,
  form: number,
  is64: boolean,
  ctx: LineContext,
): string | number | bigint | Uint8Array {
  switch (form) {
    case 0x08:
      return r.cstr(); // DW_FORM_string
    case 0x1f: {
      const off = r.offset(is64);
      return ctx.lineStr ? stringAt(ctx.lineStr, off, '.debug_line_str') : '';
    } // line_strp
    case 0x0e: {
      const off = r.offset(is64);
      return ctx.str ? stringAt(ctx.str, off, '.debug_str') : '';
    } // strp
    case 0x0b:
      return r.u8(); // data1
    case 0x05:
      return r.u16(); // data2
    case 0x06:
      return r.u32(); // data4
    case 0x07:
      return r.u64(); // data8
    case 0x0f:
      return r.uleb(); // udata
    case 0x1e: {
      const p = r.pos;
      r.skip(16);
      return r.bytes.slice(p, p + 16);
    } // data16
    case 0x09: {
      const n = r.uleb();
      const p = r.pos;
      r.skip(n);
      return r.bytes.slice(p, p + n);
    } // block
    default:
      return r.fail(`unsupported form 0x${form.toString(16)} in line table header`);
  }
}
