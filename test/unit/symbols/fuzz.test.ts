// Fuzzes the DWARF and CFI readers with truncated and bit-flipped sections: every case must end in a SymbolError or a partial result.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readElf, readOracle } from '../support/symbols-fixtures';
import { memoryOf, parseGdbOracle, registersOf } from '../support/symbols-gdb-oracle';
import { loadSymbols, MemoryReader, SymbolError } from '../../../src/symbols';
import { parseElf } from '../../../src/symbols/elf';

const CASES = 5000;
const SECTIONS = [
  '.debug_info',
  '.debug_abbrev',
  '.debug_line',
  '.debug_str',
  '.debug_line_str',
  '.debug_rnglists',
  '.debug_loclists',
  '.debug_loc',
  '.debug_ranges',
  '.debug_frame',
  '.eh_frame',
  '.debug_str_offsets',
  '.debug_addr',
];

/** xorshift32: the same cases on every run and machine. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

interface Base {
  name: string;
  bytes: Uint8Array;
  sections: { name: string; offset: number; size: number; header: number }[];
  stop: ReturnType<typeof parseGdbOracle>['stops'][number];
  mem: MemoryReader;
}

function prepare(name: string): Base {
  const bytes = readElf(name);
  const elf = parseElf(bytes);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const sections = elf.sections
    .map((s, i) => ({ name: s.name, offset: s.offset, size: s.size, header: shoff + i * 64 }))
    .filter((s) => SECTIONS.includes(s.name) && s.size > 0);
  const stops = parseGdbOracle(readOracle(name, 'gdb')).stops;
  const stop = stops.find((s) => s.name === 'cross') ?? stops[0];
  return { name, bytes, sections, stop, mem: bounded(memoryOf(stop, bytes)) };
}

/** A memory reader that refuses absurd sizes, as the machine's does. */
function bounded(mem: MemoryReader): MemoryReader {
  return (addr, size) => (size > 1 << 20 ? undefined : mem(addr, size));
}

// The timeout is the guard against a reader that loops forever on some input (no case asserts on its speed).
test(`symbol readers survive ${CASES} corrupted inputs (fixed seed)`, { timeout: 600_000 }, (t) => {
  const bases = ['guest-O0-dwarf4', 'guest-Og-dwarf4', 'guest-O2-dwarf5'].map(prepare);
  const next = rng(0x5eed1234);
  let typedErrors = 0,
    partial = 0;
  const startHeap = process.memoryUsage().heapUsed;
  for (let n = 0; n < CASES; n++) {
    const base = bases[n % bases.length];
    const bytes = base.bytes.slice();
    const sec = base.sections[next() % base.sections.length];
    const dv = new DataView(bytes.buffer);
    const mode = next() % 4;
    let what: string;
    if (mode === 0) {
      // Truncate: shrink the section's size in its header, as a cut-short file would.
      const size = next() % sec.size;
      dv.setBigUint64(sec.header + 0x20, BigInt(size), true);
      what = `truncate ${sec.name} to ${size}`;
    } else if (mode === 1) {
      const flips = 1 + (next() % 8);
      for (let i = 0; i < flips; i++) {
        const at = sec.offset + (next() % sec.size);
        bytes[at] ^= 1 << next() % 8;
      }
      what = `flip ${flips} bits in ${sec.name}`;
    } else if (mode === 2) {
      const at = sec.offset + (next() % sec.size);
      const len = Math.min(1 + (next() % 16), sec.offset + sec.size - at);
      for (let i = 0; i < len; i++) bytes[at + i] = next() & 0xff;
      what = `overwrite ${len} bytes of ${sec.name}`;
    } else {
      const at = sec.offset + (next() % sec.size);
      const len = Math.min(1 + (next() % 64), sec.offset + sec.size - at);
      bytes.fill(next() % 2 ? 0 : 0xff, at, at + len);
      what = `fill ${len} bytes of ${sec.name}`;
    }
    try {
      const syms = loadSymbols(bytes);
      const pcs = [base.stop.pc, ...base.stop.frames.map((f) => f.pc), 0x80000000n, 0x80000300n, 0x80001000n];
      for (const pc of pcs) {
        syms.lineAt(pc);
        syms.addr2line(pc);
        syms.functionAt(pc);
        syms.symbolAt(pc);
      }
      syms.addressesForLine('shapes.c', 20);
      const main = syms.addressOf('main');
      if (main !== undefined) syms.prologueEnd(main);
      const mem = base.mem;
      const frames = syms.unwind(base.stop.pc, registersOf(base.stop), mem, { maxFrames: 64 });
      for (const f of frames) for (const v of syms.variables(f, mem)) v.children?.(0, 4);
      if (syms.warnings.length > 0) partial++;
    } catch (e) {
      if (!(e instanceof SymbolError)) {
        assert.fail(`case ${n} (${base.name}: ${what}) threw ${(e as Error)?.stack ?? e}`);
      }
      typedErrors++;
    }
  }
  t.diagnostic(`${typedErrors} SymbolErrors, ${partial} partial results with warnings`);
  const grown = process.memoryUsage().heapUsed - startHeap;
  assert.ok(grown < 512 * 1024 * 1024, `heap grew by ${grown} bytes`);
  assert.ok(typedErrors + partial > 0, 'the corruption was noticed at least sometimes');
});
