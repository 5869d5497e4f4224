// The interpreter's warm-up runs the block paths the boot reaches (bench/README.md, "Block backend"): JS blocks and
// a wasm block linked to each other, both exits of a block, across a page boundary, in M-mode and under Sv39.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmBlocks } from '../../../src/machine/warm-up';
import { WasmBlock } from '../../../src/riscv/wasm-block';
import type { Block } from '../../../src/riscv/block-compiler';

test('the block warm-up builds, links and runs JS blocks and a wasm block in two pages, in both modes', () => {
  const mem = warmBlocks();
  const blocks: Block[] = [];
  for (const page of mem.blocks.pages) if (page) for (const b of page) if (b) blocks.push(b);
  // The loop (see warmMixedChain): a at 0x80011fd0, a2 at 0x80011ff0 and c at 0x80012028 hold fadd.d (JS blocks),
  // b at 0x80012008 branches back to a or jumps to c (a wasm block, in the next page).
  const at = (start: number) => blocks.filter((b) => b.start === start);
  const [a, a2, b, c] = [at(0x80011fd0), at(0x80011ff0), at(0x80012008), at(0x80012028)].map((list) => {
    assert.equal(list.length, 1, 'one block per slot (the Sv39 pass replaced the M-mode one)');
    return list[0];
  });
  assert.ok(!(a instanceof WasmBlock) && !(a2 instanceof WasmBlock) && !(c instanceof WasmBlock), 'FP: JS blocks');
  assert.ok(b instanceof WasmBlock, 'the branch block is a wasm block');
  assert.ok(a.dvm && a2.dvm && b.dvm, 'the last pass ran under Sv39');
  assert.notEqual(Math.floor(a.start / 4096), Math.floor(b.start / 4096), 'b sits in the next page');
  const targets = (x: Block) => [x.to0, x.to1];
  assert.ok(targets(a).includes(a2) && targets(a).includes(b), 'a is linked by both exits: to JS a2 and to wasm b');
  assert.ok(targets(a2).includes(b), 'a2 is linked to b');
  assert.ok(targets(b).includes(a) && targets(b).includes(c), 'b is linked by both exits: back to a and to c');
  assert.ok(targets(c).includes(a), 'c is linked to a');
  const runs = [a, a2, b, c].map((x) => x.runs);
  assert.ok(
    runs.every((n) => n > 50),
    `all ran the loop (runs ${runs.join(', ')})`,
  );
  assert.ok(mem.blocks.stats.contextMisses >= 3, 'the Sv39 pass compiled its own blocks over the M-mode ones');
});
