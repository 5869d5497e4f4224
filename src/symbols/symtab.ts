// Address <-> ELF symbol lookups, for function breakpoints and the disassembly view.
import { ElfFile, ElfSymbol, SHF_ALLOC, STT_FILE, STT_FUNC, STT_OBJECT, STT_SECTION } from './elf';

export interface SymbolHit {
  name: string;
  offset: bigint;
  size: bigint;
  kind: 'function' | 'object' | 'other';
}

/** Sorted view of the symbol table. Lookups are binary searches. */
export class SymbolTable {
  private readonly sorted: ElfSymbol[];
  private readonly byName = new Map<string, ElfSymbol>();

  constructor(elf: ElfFile) {
    const useful = elf.symbols.filter(
      (s) =>
        s.name !== '' &&
        s.type !== STT_SECTION &&
        s.type !== STT_FILE &&
        s.shndx !== 0 &&
        s.shndx < 0xff00 &&
        // Mapping symbols like "$x" and local labels ".L" are assembler noise, never what a person means.
        !s.name.startsWith('$') &&
        !s.name.startsWith('.L') &&
        (s.shndx >= elf.sections.length || (elf.sections[s.shndx].flags & SHF_ALLOC) !== 0n),
    );
    this.sorted = useful.sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : rank(b) - rank(a)));
    for (const s of this.sorted) {
      const old = this.byName.get(s.name);
      if (!old || rank(s) > rank(old)) this.byName.set(s.name, s);
    }
  }

  get all(): readonly ElfSymbol[] {
    return this.sorted;
  }

  /** The symbol containing `addr`: a sized symbol that covers it, else the nearest one before it with size 0. */
  at(addr: bigint): SymbolHit | undefined {
    const list = this.sorted;
    let lo = 0,
      hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid].value <= addr) lo = mid + 1;
      else hi = mid;
    }
    // Scan back from the last symbol at or below addr: the highest-addressed symbol that covers addr wins, with ties
    // at one address broken by rank. In padding after a sized symbol, the nearest symbol before addr is used, as
    // gdb and addr2line do.
    let best: ElfSymbol | undefined;
    let nearest: ElfSymbol | undefined;
    for (let i = lo - 1; i >= 0 && i >= lo - 256; i--) {
      const s = list[i];
      if (best && s.value < best.value) break;
      if (nearest && s.value < nearest.value && !best) break;
      const covers = s.size > 0n ? addr < s.value + s.size : true;
      if (covers && (!best || rank(s) > rank(best))) best = s;
      if (!nearest || (s.value === nearest.value && rank(s) > rank(nearest))) nearest = s;
    }
    best ??= nearest;
    if (!best) return undefined;
    return { name: best.name, offset: addr - best.value, size: best.size, kind: kindOf(best) };
  }

  /** Strict lookup for annotating pointer values: a sized symbol covering addr, or any symbol exactly at addr. */
  containing(addr: bigint): SymbolHit | undefined {
    const hit = this.at(addr);
    if (!hit) return undefined;
    if (hit.offset === 0n || (hit.size > 0n && hit.offset < hit.size)) return hit;
    return undefined;
  }

  addressOf(name: string): bigint | undefined {
    return this.byName.get(name)?.value;
  }

  symbol(name: string): ElfSymbol | undefined {
    return this.byName.get(name);
  }
}

function kindOf(s: ElfSymbol): SymbolHit['kind'] {
  return s.type === STT_FUNC ? 'function' : s.type === STT_OBJECT ? 'object' : 'other';
}

/** Functions beat objects beat untyped labels; globals beat weak beat locals. */
function rank(s: ElfSymbol): number {
  const t = s.type === STT_FUNC ? 8 : s.type === STT_OBJECT ? 4 : 0;
  const b = s.bind === 1 ? 2 : s.bind === 2 ? 1 : 0;
  return t + b + (s.size > 0n ? 16 : 0);
}
