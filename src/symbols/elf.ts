// ELF reading: the section headers and the symbol table (functions and objects with their sizes), per the System V gABI.
import { ByteReader, stringAt } from './bytes';
import { SymbolError } from './errors';

export interface Section {
  name: string;
  type: number;
  flags: bigint;
  addr: bigint;
  offset: number;
  size: number;
  /** The section's bytes; empty for SHT_NOBITS. */
  data: Uint8Array;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: bigint;
  /** STT_*: 0 notype, 1 object, 2 func, 3 section, 4 file. */
  type: number;
  /** STB_*: 0 local, 1 global, 2 weak. */
  bind: number;
  shndx: number;
}

export interface ElfFile {
  is64: boolean;
  machine: number;
  entry: bigint;
  sections: Section[];
  symbols: ElfSymbol[];
  section(name: string): Section | undefined;
}

const SHT_SYMTAB = 2,
  SHT_NOBITS = 8,
  SHT_DYNSYM = 11;
export const STT_OBJECT = 1,
  STT_FUNC = 2,
  STT_SECTION = 3,
  STT_FILE = 4;
export const SHF_ALLOC = 2n;

export function parseElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
    throw new SymbolError('not an ELF file (bad magic); pass the guest program built with -g', 'ELF header');
  }
  const cls = bytes[4];
  if (cls !== 1 && cls !== 2) throw new SymbolError(`unknown ELF class ${cls}`, 'ELF header');
  if (bytes[5] !== 1)
    throw new SymbolError('big-endian ELF files are not supported (RISC-V is little-endian)', 'ELF header');
  const is64 = cls === 2;
  const r = new ByteReader(bytes, 16, bytes.length, 'ELF header');
  r.u16(); // e_type
  const machine = r.u16();
  r.u32(); // e_version
  const word = (): bigint => (is64 ? r.u64() : BigInt(r.u32()));
  const entry = word();
  word(); // e_phoff
  const shoff = Number(word());
  r.u32(); // e_flags
  r.u16();
  r.u16();
  r.u16(); // e_ehsize, e_phentsize, e_phnum
  const shentsize = r.u16();
  let shnum = r.u16();
  let shstrndx = r.u16();
  const sections: Section[] = [];
  if (shoff === 0) return makeFile(is64, machine, entry, sections, []);
  if (shentsize < (is64 ? 64 : 40)) throw new SymbolError(`section header size ${shentsize} too small`, 'ELF header');
  const readHeader = (i: number) => {
    const h = new ByteReader(bytes, shoff + i * shentsize, bytes.length, 'section headers');
    const name = h.u32();
    const type = h.u32();
    const flags = is64 ? h.u64() : BigInt(h.u32());
    const addr = is64 ? h.u64() : BigInt(h.u32());
    const offset = is64 ? h.u64n() : h.u32();
    const size = is64 ? h.u64n() : h.u32();
    const link = h.u32();
    const info = h.u32();
    return { name, type, flags, addr, offset, size, link, info };
  };
  // Extended numbering: a count or string index too big for the header lives in section 0.
  if (shnum === 0 || shstrndx === 0xffff) {
    const h0 = readHeader(0);
    if (shnum === 0) shnum = h0.size;
    if (shstrndx === 0xffff) shstrndx = h0.link;
  }
  if (shnum > 65536 * 16 || shoff + shnum * shentsize > bytes.length) {
    throw new SymbolError('section header table extends past the end of the file', 'ELF header');
  }
  const raw = [];
  for (let i = 0; i < shnum; i++) raw.push(readHeader(i));
  const dataOf = (h: { type: number; offset: number; size: number }, name: string): Uint8Array => {
    if (h.type === SHT_NOBITS || h.size === 0) return new Uint8Array(0);
    if (h.offset + h.size > bytes.length) throw new SymbolError('section extends past the end of the file', name);
    return bytes.subarray(h.offset, h.offset + h.size);
  };
  const shstr = shstrndx < raw.length ? dataOf(raw[shstrndx], '.shstrtab') : new Uint8Array(0);
  for (const h of raw) {
    const name = h.name < shstr.length ? stringAt(shstr, h.name, '.shstrtab') : '';
    sections.push({
      name,
      type: h.type,
      flags: h.flags,
      addr: h.addr,
      offset: h.offset,
      size: h.size,
      data: dataOf(h, name),
    });
  }
  let symtabIndex = raw.findIndex((h) => h.type === SHT_SYMTAB);
  if (symtabIndex < 0) symtabIndex = raw.findIndex((h) => h.type === SHT_DYNSYM);
  const symbols: ElfSymbol[] = [];
  if (symtabIndex >= 0) {
    const h = raw[symtabIndex];
    const strtab = h.link < sections.length ? sections[h.link].data : new Uint8Array(0);
    const data = sections[symtabIndex].data;
    const entsize = is64 ? 24 : 16;
    const s = new ByteReader(data, 0, data.length, sections[symtabIndex].name);
    for (let off = entsize; off + entsize <= data.length; off += entsize) {
      s.seek(off);
      let nameOff: number, value: bigint, size: bigint, info: number, shndx: number;
      if (is64) {
        nameOff = s.u32();
        info = s.u8();
        s.u8();
        shndx = s.u16();
        value = s.u64();
        size = s.u64();
      } else {
        nameOff = s.u32();
        value = BigInt(s.u32());
        size = BigInt(s.u32());
        info = s.u8();
        s.u8();
        shndx = s.u16();
      }
      const name = nameOff < strtab.length ? stringAt(strtab, nameOff, '.strtab') : '';
      symbols.push({ name, value, size, type: info & 0xf, bind: info >> 4, shndx });
    }
  }
  return makeFile(is64, machine, entry, sections, symbols);
}

function makeFile(is64: boolean, machine: number, entry: bigint, sections: Section[], symbols: ElfSymbol[]): ElfFile {
  const byName = new Map<string, Section>();
  for (const s of sections) if (!byName.has(s.name)) byName.set(s.name, s);
  return { is64, machine, entry, sections, symbols, section: (name) => byName.get(name) };
}
