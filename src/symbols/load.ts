// Loads everything the symbol API needs from one ELF: sections, symbol table, line tables, unit index and CFI.
import { parseElf, ElfFile } from './elf';
import { SymbolError } from './errors';
import { DebugSections, DwarfInfo, Unit } from './info';
import { LineProgram, parseLineProgram } from './lines';
import { LineIndex } from './lineindex';
import { LineLookup, LineTables } from './linetables';
import { FunctionIndex } from './functions';
import { SymbolTable } from './symtab';

export interface LoadedDebugInfo {
  elf: ElfFile;
  symtab: SymbolTable;
  dwarf: DwarfInfo;
  /** Every unit's line program (decoding all of them: for tools and tests). */
  readonly programs: LineProgram[];
  programFor: (u: Unit) => LineProgram | undefined;
  lines: LineLookup;
  functions: FunctionIndex;
  /** Non-fatal problems: damaged units or line programs whose earlier parts are still used. */
  warnings: string[];
}

const EMPTY = new Uint8Array(0);

export function loadDebugInfo(bytes: Uint8Array): LoadedDebugInfo {
  const elf = parseElf(bytes);
  const warnings: string[] = [];
  const sec = (name: string) => elf.section(name)?.data ?? EMPTY;
  const s: DebugSections = {
    info: sec('.debug_info'),
    abbrev: sec('.debug_abbrev'),
    str: sec('.debug_str'),
    lineStr: sec('.debug_line_str'),
    strOffsets: sec('.debug_str_offsets'),
    addr: sec('.debug_addr'),
    ranges: sec('.debug_ranges'),
    rnglists: sec('.debug_rnglists'),
    loc: sec('.debug_loc'),
    loclists: sec('.debug_loclists'),
    line: sec('.debug_line'),
  };
  const symtab = new SymbolTable(elf);
  const dwarf = new DwarfInfo(s);
  warnings.push(...dwarf.damage);
  // Line programs are found through the units' DW_AT_stmt_list (a version 4 header needs the unit's comp_dir) and
  // decoded on demand. Without .debug_info (stripped of units but keeping lines), .debug_line is walked on its own.
  if (dwarf.units.length === 0 && s.line.length > 0) {
    const programs = standaloneLines(s, warnings);
    const lines = new LineIndex(programs);
    return {
      elf,
      symtab,
      dwarf,
      programs,
      programFor: () => undefined,
      lines,
      functions: new FunctionIndex(dwarf, () => undefined),
      warnings,
    };
  }
  const tables = new LineTables(s, dwarf.units, warnings, sec('.debug_aranges'));
  const programFor = (u: Unit) => tables.programFor(u);
  const functions = new FunctionIndex(dwarf, programFor);
  return {
    elf,
    symtab,
    dwarf,
    get programs() {
      return tables.all();
    },
    programFor,
    lines: tables,
    functions,
    warnings,
  };
}

function standaloneLines(s: DebugSections, warnings: string[]): LineProgram[] {
  const byOffset = new Map<number, LineProgram>();
  let off = 0;
  while (off < s.line.length) {
    try {
      const p = parseLineProgram(s.line, off, { lineStr: s.lineStr, str: s.str });
      byOffset.set(off, p);
      const len = new DataView(s.line.buffer, s.line.byteOffset + off).getUint32(0, true);
      off +=
        len === 0xffffffff
          ? 12 + Number(new DataView(s.line.buffer, s.line.byteOffset + off + 4).getBigUint64(0, true))
          : 4 + len;
    } catch (e) {
      if (!(e instanceof SymbolError)) throw e;
      warnings.push(e.message);
      break;
    }
  }
  return [...byOffset.values()].sort((a, b) => a.offset - b.offset);
}
