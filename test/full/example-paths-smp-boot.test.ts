// Follows the smp-boot README through the debug adapter: from the end of the committed recording, a write data
// breakpoint on next_slot and Reverse Continue find two harts that published the same slot. In test:full because
// replaying it needs the firmware it was recorded with, Debian's OpenSBI fw_jump.elf.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { example, markerLine } from '../unit/support/examples-fixtures';
import { evaluate, replaySession, stopAfter, where } from '../unit/support/example-paths-fixtures';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';

test('smp-boot: a write data breakpoint on next_slot and Reverse Continue find two harts taking the same slot', async () => {
  assert.ok(existsSync(FW), `${FW} is missing: apt-get install opensbi`);
  const ex = example('smp-boot');
  const store = markerLine(ex.source, 'CAUSE: smp-boot (store)');
  const { s, first } = await replaySession(ex);
  const c = s.client;
  try {
    // 1. At the end, four harts registered into three slots.
    assert.equal(Number(await evaluate(s, 'harts_done')), 4);
    assert.equal(Number(await evaluate(s, 'next_slot')), 3);
    // 2. A write data breakpoint on next_slot.
    const info = await c.dataBreakpointInfoRequest({ name: 'next_slot' });
    assert.ok(info.body.dataId, 'next_slot can take a data breakpoint');
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    // 3. Reverse Continue until two stores in a row leave the same value.
    const seen: { hart: number; value: number; line: number; path?: string }[] = [];
    const twice = () => seen.length >= 2 && seen[seen.length - 1].value === seen[seen.length - 2].value;
    for (let k = 0; k < 8 && !twice(); k++) {
      const stop = await stopAfter(c, () => c.reverseContinueRequest({ threadId: first.body.threadId! }));
      assert.equal(stop.body.reason, 'data breakpoint');
      const at = await where(s, stop.body.threadId!);
      seen.push({
        hart: stop.body.threadId! - 1,
        value: Number(await evaluate(s, 'next_slot')),
        line: at.line,
        path: at.path,
      });
    }
    assert.ok(twice(), `no repeated slot within ${seen.length} stores: ${JSON.stringify(seen)}`);
    const [later, earlier] = seen.slice(-2);
    // 4. Two different harts, each stopped right after its store on the CAUSE (store) line.
    assert.notEqual(later.hart, earlier.hart);
    for (const w of [later, earlier]) {
      assert.equal(w.path, ex.source);
      assert.ok(w.line === store || w.line === store + 1, `stopped at line ${w.line}, the store is on ${store}`);
    }
  } finally {
    await s.close();
  }
});
