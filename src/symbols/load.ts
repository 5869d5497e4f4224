// Loads everything the symbol API needs from one ELF: sections, symbol table, line tables, unit index and CFI.
import { parseElf, ElfFile } from './elf';
import { SymbolError } from './errors';
import { DebugSections, DwarfInfo, Unit } from './info';
import { LineProgram, parseLineProgram } from './lines';
import { LineIndex } from './lineindex';
import { FunctionIndex } from './functions';
import { SymbolTable } from './symtab';

export interface LoadedDebugInfo {
  elf: ElfFile;
  symtab: SymbolTable;
  dwarf: DwarfInfo;
  programs: LineProgram[];
  programFor: (u: Unit) => LineProgram | undefined;
  lines: LineIndex;
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
    info: sec('.debug_info'), abbrev: sec('.debug_abbrev'), str: sec('.debug_str'), lineStr: sec('.debug_line_str'),
    strOffsets: sec('.debug_str_offsets'), addr: sec('.debug_addr'), ranges: sec('.debug_ranges'), rnglists: sec('.debug_rnglists'),
    loc: sec('.debug_loc'), loclists: sec('.debug_loclists'), line: sec('.debug_line'),
  };
  const symtab = new SymbolTable(elf);
  const dwarf = new DwarfInfo(s);
  warnings.push(...dwarf.damage);
  // Line programs are found through the units' DW_AT_stmt_list, because a version 4 header needs the unit's comp_dir.
  const byOffset = new Map<number, LineProgram>();
  const programFor = (u: Unit) => byOffset.get(u.stmtList);
  for (const u of dwarf.units) {
    if (u.stmtList < 0 || byOffset.has(u.stmtList)) continue;
    try {
      const p = parseLineProgram(s.line, u.stmtList, { lineStr: s.lineStr, str: s.str, compDir: u.compDir, addressSize: u.addressSize });
      byOffset.set(u.stmtList, p);
      const cut = p.truncated;
      if (cut) warnings.push(cut);
    } catch (e) {
      if (!(e instanceof SymbolError)) throw e;
      warnings.push(e.message);
    }
  }
  // Without .debug_info (stripped of units but keeping lines), walk .debug_line on its own.
  if (dwarf.units.length === 0 && s.line.length > 0) {
    let off = 0;
    while (off < s.line.length) {
      try {
        const p = parseLineProgram(s.line, off, { lineStr: s.lineStr, str: s.str });
        byOffset.set(off, p);
        const len = new DataView(s.line.buffer, s.line.byteOffset + off).getUint32(0, true);
        off += len === 0xffffffff ? 12 + Number(new DataView(s.line.buffer, s.line.byteOffset + off + 4).getBigUint64(0, true)) : 4 + len;
      } catch (e) {
        if (!(e instanceof SymbolError)) throw e;
        warnings.push(e.message);
        break;
      }
    }
  }
  const programs = [...byOffset.values()].sort((a, b) => a.offset - b.offset);
  const lines = new LineIndex(programs);
  const functions = new FunctionIndex(dwarf, programFor);
  return { elf, symtab, dwarf, programs, programFor, lines, functions, warnings };
}
