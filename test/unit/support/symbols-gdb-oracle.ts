// Parses the gdb oracle files (stops with registers, memory, backtrace and variables) and builds readers over them.
import type { MemoryReader, RegisterReader } from '../../../src/symbols';
import { parseElf } from '../../../src/symbols/elf';

export interface OracleFrame {
  level: number;
  kind: string;
  pc: bigint;
  name: string;
  where: string;
  vars: string[];
}
export interface OracleStop {
  name: string;
  pc: bigint;
  regs: Map<number, bigint>;
  mem: { addr: bigint; bytes: Uint8Array }[];
  frames: OracleFrame[];
}

export function parseGdbOracle(text: string): { breaks: Map<string, bigint[]>; stops: OracleStop[] } {
  const breaks = new Map<string, bigint[]>();
  const stops: OracleStop[] = [];
  let stop: OracleStop | undefined;
  for (const line of text.split('\n')) {
    const [word, ...rest] = line.trim().split(' ');
    if (word === 'break' && rest[1] !== 'error')
      (breaks.get(rest[0]) ?? breaks.set(rest[0], []).get(rest[0])!).push(BigInt(rest[1]));
    else if (word === 'stop') stops.push((stop = { name: rest[0], pc: 0n, regs: new Map(), mem: [], frames: [] }));
    else if (!stop) continue;
    else if (word === 'pc') stop.pc = BigInt('0x' + rest[0]);
    else if (word === 'reg')
      stop.regs.set((rest[0][0] === 'f' ? 32 : 0) + Number(rest[0].slice(1)), BigInt('0x' + rest[1]));
    else if (word === 'mem')
      stop.mem.push({ addr: BigInt('0x' + rest[0]), bytes: new Uint8Array(Buffer.from(rest[1], 'hex')) });
    else if (word === 'frame') {
      const m = /^frame (\d+) (\S+) ([0-9a-f]+) (<signal handler called>|\S+) (\S+)$/.exec(line.trim());
      if (!m) throw new Error(`bad oracle line: ${line}`);
      stop.frames.push({ level: Number(m[1]), kind: m[2], pc: BigInt('0x' + m[3]), name: m[4], where: m[5], vars: [] });
    } else if (word === 'var') stop.frames[stop.frames.length - 1].vars.push(line.trim().slice(4));
  }
  return { breaks, stops };
}

export function registersOf(stop: OracleStop): RegisterReader {
  return (n) => (n === 0 ? 0n : stop.regs.get(n));
}

/** Memory as gdb saw it: the dumped stack and data, then the ELF's loadable sections for code and constants. */
export function memoryOf(stop: OracleStop, elfBytes: Uint8Array): MemoryReader {
  const elf = parseElf(elfBytes);
  // The dump comes in 64-byte lines; joining adjacent lines keeps lookups short.
  const regions: { addr: bigint; bytes: Uint8Array }[] = [];
  for (const m of stop.mem) {
    const last = regions[regions.length - 1];
    if (last && last.addr + BigInt(last.bytes.length) === m.addr) {
      const joined = new Uint8Array(last.bytes.length + m.bytes.length);
      joined.set(last.bytes);
      joined.set(m.bytes, last.bytes.length);
      last.bytes = joined;
    } else regions.push({ addr: m.addr, bytes: m.bytes });
  }
  for (const s of elf.sections)
    if ((s.flags & 2n) !== 0n && s.data.length > 0) regions.push({ addr: s.addr, bytes: s.data });
  return (addr, size) => {
    for (const r of regions) {
      if (addr >= r.addr && addr + BigInt(size) <= r.addr + BigInt(r.bytes.length)) {
        const off = Number(addr - r.addr);
        return r.bytes.slice(off, off + size);
      }
    }
    // Reads that straddle two dumped chunks.
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) {
      const a = addr + BigInt(i);
      const r = regions.find((x) => a >= x.addr && a < x.addr + BigInt(x.bytes.length));
      if (!r) return undefined;
      out[i] = r.bytes[Number(a - r.addr)];
    }
    return out;
  };
}
