// The interpreter's warm-up runs the block paths the boot reaches (bench/README.md, "Block backend"): a JS block
// and a wasm block linked to each other across a page boundary, in M-mode and under Sv39, on a scratch arena.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmBlocks } from '../../../src/machine/warm-up';
import { WasmBlock } from '../../../src/riscv/wasm-block';
import type { Block } from '../../../src/riscv/block-compiler';

test('the block warm-up builds, links and runs a JS block and a wasm block in two pages, in both modes', () => {
  const mem = warmBlocks();
  const blocks: Block[] = [];
  for (const page of mem.blocks.pages) if (page) for (const b of page) if (b) blocks.push(b);
  // The loop is at 0x80011ff0 (fadd.d, addi, j) and 0x80012008 (bne back, then a spin): see warmMixedChain.
  const js = blocks.filter((b) => b.start === 0x80011ff0 && !(b instanceof WasmBlock));
  const wasm = blocks.filter((b) => b.start === 0x80012008 && b instanceof WasmBlock);
  assert.equal(js.length, 1, 'the FP block, as JS (the S-mode one replaced the M-mode one in its slot)');
  assert.equal(wasm.length, 1, 'the branch block, as wasm');
  const [a, b] = [js[0], wasm[0]];
  assert.ok(a.dvm && b.dvm, 'the last pass ran under Sv39');
  assert.notEqual(Math.floor(a.start / 4096), Math.floor(b.start / 4096), 'the two blocks sit in two pages');
  assert.ok(a.to0 === b || a.to1 === b, 'the JS block is linked to the wasm one');
  assert.ok(b.to0 === a || b.to1 === a, 'and back');
  assert.ok(a.runs > 100 && b.runs > 100, `both ran the loop (runs ${a.runs}, ${b.runs})`);
  assert.ok(mem.blocks.stats.contextMisses >= 2, 'the Sv39 pass compiled its own blocks over the M-mode ones');
});
