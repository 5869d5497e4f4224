// Differential test of the WebAssembly block backend against the interpreter: random integer streams (M-mode and
// S-mode under Sv39), every manifest guest and the paging guests, compared in full state at checkpoints and at the
// end; and every guest run to its end with the wasm backend gives QEMU's output.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomProgram } from '../support/random-program';
import { differential } from '../support/jit-differential';
import { Machine } from '../../../src/machine/machine';
import { parsePayload } from '../../../src/machine/payload';
import { elfPath, expected, MULTI_HART_GUESTS, readGuests } from '../../guests/manifest';
import { Bytes } from '../../../src/riscv/wasm-module';

test('LEB128 encodings match the spec examples', () => {
  assert.deepEqual([...new Bytes().u(624485).done()], [0xe5, 0x8e, 0x26]);
  assert.deepEqual([...new Bytes().s32(-123456).done()], [0xc0, 0xbb, 0x78]);
  assert.deepEqual([...new Bytes().s32(63).done()], [0x3f]);
  assert.deepEqual([...new Bytes().s32(64).done()], [0xc0, 0x00]);
  assert.deepEqual(
    [...new Bytes().s64(-(1n << 63n)).done()],
    [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f],
  );
});

for (const sv39 of [false, true]) {
  for (const seed of [1, 2, 3, 4]) {
    test(`random stream seed ${seed}${sv39 ? ' under Sv39' : ''}: wasm blocks agree with the interpreter`, () => {
      const image = randomProgram({ seed, sv39 });
      const r = differential(image, { harts: 2, quantum: 997, blockBackend: 'wasm' }, 400_000, 4999);
      assert.ok(r.checkpoints > 10, `only ${r.checkpoints} checkpoints`);
      assert.ok(r.wasmBlocks > 20, `only ${r.wasmBlocks} wasm blocks compiled: the comparison would be vacuous`);
      assert.equal(
        r.wasmBlocks + r.jsInArena,
        r.blocks,
        'every block was compiled by the wasm backend, or by JS where it holds more',
      );
    });
  }
}

const image = (name: string) => parsePayload(new Uint8Array(readFileSync(elfPath(name))), name, {});
const hartsOf = (name: string) => ((MULTI_HART_GUESTS as readonly string[]).includes(name) ? 2 : 1);

// vm_bench: S-mode under Sv39 with a timer interrupt and self-modifying code, outside the manifest.
for (const name of [...readGuests().map((g) => g.name), 'vm_bench']) {
  test(`${name}: wasm blocks agree with the interpreter at every checkpoint`, () => {
    const r = differential(image(name), { harts: hartsOf(name), quantum: 333, blockBackend: 'wasm' }, 3_000_000);
    assert.ok(r.checkpoints >= 1);
    assert.equal(r.wasmBlocks + r.jsInArena, r.blocks);
    // FP, AMO and CSR reads are held by JS blocks in the arena: the FP guest must have some, and they agree too.
    if (name === 'fpu') assert.ok(r.jsInArena > 0, 'the FP guest ran no JS block in the wasm arena');
  });
}

for (const g of readGuests()) {
  if (g.name === 'bench') continue; // bench_small runs the same code
  test(`${g.name} runs to QEMU's output with the wasm backend`, () => {
    const m = Machine.fromElf(readFileSync(elfPath(g.name)), {
      harts: hartsOf(g.name),
      name: g.name,
      blockBackend: 'wasm',
    });
    let out = '';
    m.onConsole = (b) => {
      out += Buffer.from(b).toString('latin1');
    };
    const r = m.run(1_000_000_000);
    const want = expected(g.name);
    assert.equal(r.reason, 'exit', `${g.name} stopped with ${r.reason}: ${r.message ?? ''}`);
    assert.equal(out, want.output.toString('latin1'));
    assert.equal(r.exitCode, want.exitCode);
  });
}

test('the paging guests really run in wasm blocks that go through the TLB', () => {
  const m = Machine.fromElf(readFileSync(elfPath('vm_bench')), { blockBackend: 'wasm' });
  m.run(5_000_000);
  assert.ok(m.memory.blocks.translatedSize > 5, `only ${m.memory.blocks.translatedSize} translated blocks`);
  assert.ok((m.memory.arena?.moduleBlocks ?? 0) >= m.memory.blocks.size);
});
