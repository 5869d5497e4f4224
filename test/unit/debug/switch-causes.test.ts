// Switch causes and wakes for the whole recording, not only near the cursor: after the adapter's background pass
// (announced by the `hartline/causes` event), every CPU switch of a chaos recording has its cause, every hart that
// slept in wfi has its span and its wake, and each wake names its interrupt; checked against the instructions the
// harts sit after (a hart switched out for wfi has just executed a wfi).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { elfPath, launchAndStop, scratch, stopAfter, withAdapter } from '../support/debug-harness';

const tmp = scratch('hartline-causes-');
after(() => tmp.done());

type Timeline = {
  switches: { position: number; hart: number; from?: number; cause?: string }[];
  wfi: { hart: number; from: number; to: number }[];
  interrupts: { position: number; hart: number; cause: string }[];
};

test('every switch, wfi span and wake of a chaos recording has its cause, far from the cursor too', async () => {
  const recording = tmp.file('ipi.hartrec');
  // smp_ipi: a token passed round 4 harts by IPIs, each sleeping in wfi (interrupts off) between hops.
  await withAdapter(async (c) => {
    await launchAndStop(c, {
      mode: 'record',
      program: elfPath('smp_ipi'),
      harts: 4,
      schedule: 'chaos',
      quantum: 200,
      seed: 7,
      recording,
    });
    await c.terminateRequest();
  });
  await withAdapter(async (c) => {
    const settled = c.waitForEvent('hartline/causes', 60_000);
    // At position 0, so that nearly every switch is far from the cursor.
    await launchAndStop(c, { mode: 'replay', recording, startAt: 'start' });
    await settled;
    const tl = (await c.customRequest('hartline/timeline')).body as Timeline;
    const sw = tl.switches;
    assert.ok(sw.length > 40, `${sw.length} switches`);
    assert.equal(sw[0].cause, 'start');
    const open = sw.slice(1).filter((x) => x.cause !== 'wfi' && x.cause !== 'chaos slice');
    assert.deepEqual(open, [], 'every switch after the first is a wfi or the end of a chaos slice');
    const wfi = sw.filter((x) => x.cause === 'wfi');
    assert.ok(wfi.length > 10 && sw.some((x) => x.cause === 'chaos slice'), 'both causes occur');
    // One span per sleep, each ending where its hart runs again, which is a wake.
    assert.equal(tl.wfi.length, wfi.length);
    for (const span of tl.wfi) {
      const back = sw.find((x) => x.position > span.from && x.hart === span.hart);
      if (!back) continue;
      assert.equal(span.to, back.position);
      assert.ok(
        tl.interrupts.some((w) => w.position === back.position && w.hart === span.hart),
        `a wake at ${back.position}`,
      );
    }
    assert.ok(tl.interrupts.length > 10);
    assert.deepEqual(
      [...new Set(tl.interrupts.map((w) => w.cause))],
      ['software interrupt (IPI)'],
      'smp_ipi wakes only by IPIs (msip, pending with interrupts off)',
    );
    // The truth, from the program: at the last wfi switch, far from the cursor, the hart switched out sits just
    // after a wfi instruction.
    const last = wfi.at(-1)!;
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: last.position }));
    const frame = (await c.stackTraceRequest({ threadId: last.from! + 1, levels: 1 })).body.stackFrames[0];
    const before = (
      await c.disassembleRequest({
        memoryReference: frame.instructionPointerReference!,
        instructionOffset: -1,
        instructionCount: 1,
      } as DebugProtocol.DisassembleArguments)
    ).body!.instructions[0];
    assert.match(before.instruction, /^wfi\b/, `hart ${last.from} is after ${before.instruction}`);
  });
});
