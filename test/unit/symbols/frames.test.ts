// Checks unwinding and variables against gdb: at every recorded stop, the same backtrace and the same locals, types and values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixtureElves, readElf, readOracle } from '../support/symbols-fixtures';
import { memoryOf, parseGdbOracle, registersOf } from '../support/symbols-gdb-oracle';
import { Frame, loadSymbols, Symbols, MemoryReader } from '../../../src/symbols';

/** One line per frame in the oracle's shape, so a failure shows the whole backtrace. */
function describe(f: Frame): string {
  const name = f.kind === 'trap' ? '<signal handler called>' : (f.function ?? '??');
  return `${f.kind} ${f.pc.toString(16)} ${name}`;
}

function varsOf(syms: Symbols, f: Frame, mem: MemoryReader): string[] {
  return syms
    .variables(f, mem)
    .map((v) => `${v.kind === 'parameter' ? 'arg' : 'local'} | ${v.name} | ${v.type} | ${v.value}`)
    .sort();
}

for (const base of fixtureElves()) {
  const elf = readElf(base);
  const oracle = parseGdbOracle(readOracle(base, 'gdb'));
  const syms = loadSymbols(elf);

  test(`${base}: function breakpoints land after the prologue where gdb puts them`, () => {
    assert.ok(oracle.breaks.size >= 5);
    for (const [fn, addrs] of oracle.breaks) {
      const entry = syms.addressOf(fn);
      if (entry === undefined) {
        // Fully inlined functions have no symbol; gdb breaks at their inlined copies, which we do not place.
        continue;
      }
      assert.equal(`0x${syms.prologueEnd(entry).toString(16)}`, `0x${addrs[0].toString(16)}`, fn);
    }
  });

  for (const stop of oracle.stops) {
    test(`${base}: stop "${stop.name}": backtrace and every frame's variables equal gdb's`, () => {
      const mem = memoryOf(stop, elf);
      const frames = syms.unwind(stop.pc, registersOf(stop), mem);
      assert.deepEqual(
        frames.map(describe),
        stop.frames.map((f) => `${f.kind} ${f.pc.toString(16)} ${f.name}`),
      );
      for (let i = 0; i < frames.length; i++) {
        const want = stop.frames[i];
        const f = frames[i];
        if (want.where !== '??')
          assert.ok(
            `${f.file}:${f.line}`.endsWith(want.where),
            `frame ${i} at ${f.file}:${f.line}, gdb says ${want.where}`,
          );
        assert.deepEqual(varsOf(syms, f, mem), [...want.vars].sort(), `variables of frame ${i} (${want.name})`);
      }
    });
  }
}
