// Reads what the machine needs from an ELF64 RISC-V image: the entry point, PT_LOAD segments and a few symbols.
// Every malformed input becomes a HartlineError naming the file and the problem.

import { HartlineError } from '../errors';

export interface LoadSegment {
  /** Physical load address (p_paddr, as QEMU's loader uses it). */
  paddr: number;
  /** Bytes from the file; the rest up to memSize is zero. */
  data: Uint8Array;
  memSize: number;
  /** Virtual address (p_vaddr), when it came from an ELF. */
  vaddr?: bigint;
}

export interface ElfImage {
  entry: number;
  segments: LoadSegment[];
  /** Symbol name to address, for the symbols the machine cares about (tohost, fromhost) and any others in .symtab. */
  symbols: Map<string, number>;
}

const EM_RISCV = 243;

/** Parses an ELF image; `name` is used in error messages. */
export function parseElf(bytes: Uint8Array, name: string): ElfImage {
  const fail = (why: string): never => {
    throw new HartlineError(`${name}: ${why}`);
  };
  if (bytes.length < 16 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46)
    fail('not an ELF file');
  if (bytes[4] === 1) fail('32-bit ELF; Hartline runs RV64 images (build with -march=rv64gc -mabi=lp64d)');
  if (bytes[4] !== 2) fail(`unknown ELF class ${bytes[4]}`);
  if (bytes[5] !== 1) fail('big-endian ELF; RISC-V images are little-endian');
  if (bytes.length < 64) fail('truncated ELF header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (o: number) => view.getUint16(o, true);
  const u32 = (o: number) => view.getUint32(o, true);
  const u64 = (o: number) => {
    const v = view.getBigUint64(o, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`value 0x${v.toString(16)} at offset ${o} is out of range`);
    return Number(v);
  };
  const machine = u16(18);
  if (machine !== EM_RISCV) fail(`not a RISC-V ELF (e_machine ${machine})`);
  const type = u16(16);
  if (type !== 2 && type !== 3) fail(`not an executable (e_type ${type})`);
  // A kernel linked high (vmlinux: 0xffffffff80000000) has an entry no double holds exactly: it is mapped to its
  // physical address through the segment that contains it, below.
  const entryVirtual = view.getBigUint64(24, true);
  const phoff = u64(32),
    shoff = u64(40);
  const phentsize = u16(54),
    phnum = u16(56),
    shentsize = u16(58),
    shnum = u16(60);
  if (phnum === 0) fail('no program headers');
  if (phentsize < 56 || phoff + phnum * phentsize > bytes.length) fail('truncated program headers');
  const segments: LoadSegment[] = [];
  let entryPhysical: number | undefined;
  for (let k = 0; k < phnum; k++) {
    const o = phoff + k * phentsize;
    if (u32(o) !== 1) continue; // PT_LOAD
    const offset = u64(o + 8),
      paddr = u64(o + 24),
      fileSize = u64(o + 32),
      memSize = u64(o + 40);
    if (memSize === 0) continue;
    if (fileSize > memSize) fail(`segment ${k} has p_filesz > p_memsz`);
    if (offset + fileSize > bytes.length) fail(`truncated: segment ${k} extends past the end of the file`);
    const vaddr = view.getBigUint64(o + 16, true);
    if (entryVirtual >= vaddr && entryVirtual < vaddr + BigInt(memSize))
      entryPhysical = paddr + Number(entryVirtual - vaddr);
    segments.push({ paddr, data: bytes.subarray(offset, offset + fileSize), memSize, vaddr });
  }
  if (segments.length === 0) fail('no loadable segments');
  const entry = entryVirtual <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(entryVirtual) : entryPhysical;
  if (entry === undefined) fail(`entry point 0x${entryVirtual.toString(16)} is in no loadable segment`);
  const symbols = new Map<string, number>();
  if (shoff !== 0 && shnum !== 0 && shentsize >= 64 && shoff + shnum * shentsize <= bytes.length) {
    readSymbols(bytes, view, shoff, shnum, shentsize, symbols);
  }
  return { entry: entry!, segments, symbols };
}

// Symbols are optional for running, so a damaged symbol table is ignored rather than fatal.
function readSymbols(
  bytes: Uint8Array,
  view: DataView,
  shoff: number,
  shnum: number,
  shentsize: number,
  out: Map<string, number>,
): void {
  for (let k = 0; k < shnum; k++) {
    const o = shoff + k * shentsize;
    if (view.getUint32(o + 4, true) !== 2) continue; // SHT_SYMTAB
    const off = Number(view.getBigUint64(o + 24, true)),
      size = Number(view.getBigUint64(o + 32, true));
    const link = view.getUint32(o + 40, true);
    if (off + size > bytes.length || link >= shnum) return;
    const so = shoff + link * shentsize;
    const strOff = Number(view.getBigUint64(so + 24, true)),
      strSize = Number(view.getBigUint64(so + 32, true));
    if (strOff + strSize > bytes.length) return;
    for (let s = off; s + 24 <= off + size; s += 24) {
      const nameOff = view.getUint32(s, true);
      if (nameOff === 0 || nameOff >= strSize) continue;
      let end = strOff + nameOff;
      while (end < strOff + strSize && bytes[end] !== 0) end++;
      const name = Buffer.from(bytes.subarray(strOff + nameOff, end)).toString('latin1');
      const value = view.getBigUint64(s + 8, true);
      if (value <= BigInt(Number.MAX_SAFE_INTEGER) && !out.has(name)) out.set(name, Number(value));
    }
    return;
  }
}
