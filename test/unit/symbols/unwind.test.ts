// Unwinding without CFI (frame-pointer fallback), line lookups, and the small API's edge cases, checked against the gdb oracle.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readElf, readOracle } from '../support/symbols-fixtures';
import { memoryOf, parseGdbOracle, registersOf } from '../support/symbols-gdb-oracle';
import { loadSymbols, SymbolError } from '../../../src/symbols';
import { parseElf } from '../../../src/symbols/elf';

/** A copy of the ELF whose CFI sections are renamed, so the reader cannot find them. */
function withoutCfi(bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice();
  const elf = parseElf(copy);
  const dv = new DataView(copy.buffer);
  const shoff = Number(dv.getBigUint64(0x28, true));
  const shstrndx = dv.getUint16(0x3e, true);
  const strOff = elf.sections[shstrndx].offset;
  for (let i = 0; i < elf.sections.length; i++) {
    const s = elf.sections[i];
    if (s.name === '.debug_frame' || s.name === '.eh_frame') {
      const nameOff = dv.getUint32(shoff + i * 64, true);
      copy[strOff + nameOff + 1] = 'X'.charCodeAt(0);
    }
  }
  return copy;
}

test('without CFI, -O0 code unwinds through the frame pointer to the same backtrace as gdb', () => {
  const base = 'guest-O0-dwarf5';
  const elf = readElf(base);
  const syms = loadSymbols(withoutCfi(elf));
  const oracle = parseGdbOracle(readOracle(base, 'gdb'));
  let checked = 0;
  for (const stop of oracle.stops) {
    if (stop.name === 'trap') continue; // the trap entry keeps no frame pointer; only its CFI can describe it
    const frames = syms.unwind(stop.pc, registersOf(stop), memoryOf(stop, elf));
    assert.deepEqual(
      frames.map((f) => `${f.pc.toString(16)} ${f.function}`),
      stop.frames.map((f) => `${f.pc.toString(16)} ${f.name}`),
      stop.name,
    );
    checked++;
  }
  assert.equal(checked, 4);
});

test('deep recursion unwinds all 25 frames of depth() with their arguments', () => {
  const base = 'guest-O0-dwarf4';
  const elf = readElf(base);
  const syms = loadSymbols(elf);
  const stop = parseGdbOracle(readOracle(base, 'gdb')).stops.find((s) => s.name === 'bottom')!;
  const mem = memoryOf(stop, elf);
  const frames = syms.unwind(stop.pc, registersOf(stop), mem);
  const depthFrames = frames.filter((f) => f.function === 'depth');
  assert.equal(depthFrames.length, 25);
  depthFrames.forEach((f, i) => assert.equal(syms.variables(f, mem).find((v) => v.name === 'n')?.value, String(i)));
  assert.equal(frames[frames.length - 1].function, 'main');
});

test('maxFrames bounds the walk', () => {
  const base = 'guest-O0-dwarf4';
  const elf = readElf(base);
  const stop = parseGdbOracle(readOracle(base, 'gdb')).stops.find((s) => s.name === 'bottom')!;
  assert.equal(loadSymbols(elf).unwind(stop.pc, registersOf(stop), memoryOf(stop, elf), { maxFrames: 5 }).length, 5);
});

test('a trap handler frame is followed by a trap frame and the interrupted code', () => {
  const base = 'guest-O2-dwarf5';
  const elf = readElf(base);
  const stop = parseGdbOracle(readOracle(base, 'gdb')).stops.find((s) => s.name === 'trap')!;
  const frames = loadSymbols(elf).unwind(stop.pc, registersOf(stop), memoryOf(stop, elf));
  assert.deepEqual(
    frames.map((f) => `${f.kind}:${f.function}`),
    ['normal:trap_handler', 'trap:trap_entry', 'inline:take_trap', 'normal:main'],
  );
});

test('struct and array variables expand lazily into members and elements', () => {
  const base = 'guest-O0-dwarf5';
  const elf = readElf(base);
  const syms = loadSymbols(elf);
  const stop = parseGdbOracle(readOracle(base, 'gdb')).stops.find((s) => s.name === 'area')!;
  const mem = memoryOf(stop, elf);
  const main = syms.unwind(stop.pc, registersOf(stop), mem).find((f) => f.function === 'main')!;
  const local = syms.variables(main, mem).find((v) => v.name === 'local')!;
  assert.equal(local.childCount, 7);
  const members = local.children!();
  assert.deepEqual(
    members.map((m) => m.name),
    ['name', 'colour', 'corners', 'flags', 'w', 'weight', 'next'],
  );
  const corners = members[2];
  assert.equal(corners.type, 'point_t [3]');
  assert.deepEqual(
    corners.children!(1, 2).map((c) => `${c.name}=${c.value}`),
    ['[1]={x = 4, y = 0}', '[2]={x = 0, y = 3}'],
  );
  const flags = members[3].children!();
  assert.deepEqual(
    flags.map((f) => `${f.name}=${f.value}`),
    ['ready=1', 'mode=5', 'delta=9', "tag=84 'T'"],
  );
  // next points at global_shape: the pointer expands into the pointee, read on demand.
  const next = members[6];
  assert.equal(next.childCount, 1);
  const pointee = next.children!()[0];
  assert.equal(pointee.name, '*next');
  assert.equal(pointee.type, 'struct shape');
  assert.equal(pointee.children!().find((m) => m.name === 'weight')?.value, '2.25');
});

test('source lines map to is_stmt ranges, by basename or full path', () => {
  const syms = loadSymbols(readElf('guest-O0-dwarf5'));
  const ranges = syms.addressesForLine('shapes.c', 31);
  assert.ok(ranges.length > 0);
  for (const r of ranges) assert.equal(syms.lineAt(r.lo)?.line, 31);
  assert.deepEqual(syms.addressesForLine('/hartline/fixtures/src/shapes.c', 31), ranges);
  assert.deepEqual(syms.addressesForLine('nope.c', 31), []);
  // A line without code moves to the next line that has some, as gdb does for breakpoints.
  const blank = syms.addressesForLine('shapes.c', 27);
  assert.ok(blank.length > 0 && blank[0].line > 27);
});

test('symbols: address to name+offset and back', () => {
  const syms = loadSymbols(readElf('guest-O2-dwarf4'));
  const depth = syms.addressOf('depth')!;
  assert.deepEqual(syms.symbolAt(depth + 6n), { name: 'depth', offset: 6n });
  assert.equal(syms.functionAt(depth + 6n)?.name, 'depth');
  assert.equal(syms.addressOf('no_such_symbol'), undefined);
});

test('bad input is a SymbolError that says what is wrong', () => {
  assert.throws(
    () => loadSymbols(new Uint8Array([1, 2, 3])),
    (e: unknown) => e instanceof SymbolError && /not an ELF/.test((e as Error).message),
  );
  const elf = readElf('guest-O0-dwarf4');
  assert.throws(() => loadSymbols(elf.slice(0, 200)), SymbolError);
});
