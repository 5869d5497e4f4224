// Names for places in a program with several images (a payload and its firmware): the source line of a pc and the
// variable at an address, looked up in each image's symbols in turn. Used by race reports in the CLI and the editor.

import type { Symbols } from './index';

/** The source line of a pc, from the first image that has one. */
export function lineOf(all: readonly Symbols[], pc: number): { file: string; line: number } | undefined {
  for (const s of all) {
    const l = s.lineAt(BigInt(pc));
    if (l) return { file: l.file, line: l.line };
  }
  return undefined;
}

/**
 * The variable at an address, as a person would write it: `counter`, `slots[3]`, `table[2]+8`, `buf+12`, from the
 * ELF symbol that contains it and its DWARF type (for arrays), with that type as gdb spells it.
 */
export function variableAt(
  all: readonly Symbols[],
  address: number,
): { name: string | null; base: string | null; type: string | null } {
  let syms: Symbols | undefined, s: { name: string; offset: bigint } | undefined;
  for (const x of all) {
    s = x.symbolAt(BigInt(address));
    if (s) {
      syms = x;
      break;
    }
  }
  if (!syms || !s) return { name: null, base: null, type: null };
  const g = syms.globalVariable(s.name, () => undefined);
  const off = Number(s.offset);
  let name = s.name;
  const arr = g?.type && /\[(\d+)\]$/.exec(g.type);
  if (arr && Number(arr[1]) > 0 && g.size > 0) {
    const elem = g.size / Number(arr[1]);
    name += `[${Math.floor(off / elem)}]` + (off % elem ? `+${off % elem}` : '');
  } else if (off) name += `+${off}`;
  return { name, base: s.name, type: g?.type?.replace(/\b(volatile|const) \1\b/g, '$1') ?? null };
}
