// Each example's README walk from the symptom to the cause, followed step by step through DebugClient against the
// adapter with the example's own "Replay" configuration; every walk must land on the cause's line and hart.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { example, markerLine } from '../support/examples-fixtures';
import { evaluate, position, replaySession, stack, stopAfter, where } from '../support/example-paths-fixtures';

test('racy-counter: a write data breakpoint on counter and Reverse Continue find the interleaved increment', async () => {
  const ex = example('racy-counter');
  const cause = markerLine(ex.source, 'CAUSE: racy-counter');
  const { s, first } = await replaySession(ex);
  const c = s.client;
  try {
    // 1. The replay stops at the end: the program exited with 1 and the counter is short of the tally.
    assert.match(first.body.description!, /end of recording: the program exited with code 1/);
    assert.ok(Number(await evaluate(s, 'counter')) < Number(await evaluate(s, 'tally')));
    // 2. A data breakpoint on counter, for writes.
    const info = await c.dataBreakpointInfoRequest({ name: 'counter' });
    assert.ok(info.body.dataId, 'counter can take a data breakpoint');
    await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
    // 3. Reverse Continue, watching the value each stop wrote, until a store did not add one to the one before it.
    const seen: { hart: number; value: number; line: number; path?: string }[] = [];
    const lost = () => seen.length >= 2 && seen[seen.length - 2].value <= seen[seen.length - 1].value;
    for (let k = 0; k < 20 && !lost(); k++) {
      const stop = await stopAfter(c, () => c.reverseContinueRequest({ threadId: first.body.threadId! }));
      assert.equal(stop.body.reason, 'data breakpoint');
      const at = await where(s, stop.body.threadId!);
      seen.push({
        hart: stop.body.threadId! - 1,
        value: Number(await evaluate(s, 'counter')),
        line: at.line,
        path: at.path,
      });
    }
    const [later, earlier] = seen.slice(-2);
    assert.ok(lost(), `no lost update within ${seen.length} writes back from the end`);
    // 4. Both stores are on the cause's line, by two different harts: the later one overwrote the earlier increment.
    for (const w of [later, earlier]) {
      assert.equal(w.line, cause);
      assert.equal(w.path, ex.source);
    }
    assert.notEqual(later.hart, earlier.hart);
  } finally {
    await s.close();
  }
});

test("abba-deadlock: from the hang, data breakpoints on each lock and Reverse Step Out show each hart's acquisition", async () => {
  const ex = example('abba-deadlock');
  const cause = markerLine(ex.source, 'CAUSE: abba-deadlock');
  const { s, first } = await replaySession(ex);
  const c = s.client;
  try {
    // 1. The end of the recording is the hang: both harts are in acquire, called from transfer.
    assert.match(first.body.description!, /end of recording/);
    for (const thread of [1, 2]) {
      const frames = await stack(s, thread);
      assert.equal(frames[0].name, 'acquire', `hart ${thread - 1} spins in acquire`);
      assert.match(frames[1].name, /^transfer/);
    }
    assert.equal(await evaluate(s, 'lock_a'), '1', 'hart 0 holds A');
    assert.equal(await evaluate(s, 'lock_b'), '2', 'hart 1 holds B');
    // 2. For each lock: a write data breakpoint, Reverse Continue, then Reverse Step Out of acquire.
    const holder = new Map<string, number>();
    for (const lock of ['lock_b', 'lock_a']) {
      const info = await c.dataBreakpointInfoRequest({ name: lock });
      await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] });
      const stop = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
      assert.equal(stop.body.reason, 'data breakpoint');
      const thread = stop.body.threadId!;
      assert.equal((await where(s, thread)).name, 'acquire');
      await c.setDataBreakpointsRequest({ breakpoints: [] });
      const out = await stopAfter(c, () => c.customRequest('hartline/reverseStepOut', { threadId: thread }));
      assert.equal(out.body.threadId, thread);
      const at = await where(s, thread);
      assert.equal(at.path, ex.source);
      assert.equal(at.line, cause, `${lock}: the acquisition is the first lock of transfer`);
      holder.set(lock, thread - 1);
      // Back to the hang for the next lock.
      const { end } = await position(c);
      await stopAfter(c, () => c.customRequest('hartline/goto', { position: end }));
    }
    assert.deepEqual(Object.fromEntries(holder), { lock_a: 0, lock_b: 1 });
  } finally {
    await s.close();
  }
});

test('ring-buffer: from the assertion, Last Write to head and Step Back land on the early publish', async () => {
  const ex = example('ring-buffer');
  const cause = markerLine(ex.source, 'CAUSE: ring-buffer');
  const assertion = markerLine(ex.source, 'ASSERT: ring-buffer');
  const { s, first } = await replaySession(ex, async (x) => {
    await x.client.setBreakpointsRequest({ source: { path: x.remote(ex.source) }, breakpoints: [{ line: assertion }] });
  });
  const c = s.client;
  try {
    assert.match(first.body.description!, /end of recording: the program exited with code 1/);
    // 1. Reverse Continue to the failed assertion, on the consumer (hart 0).
    const hit = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    assert.equal(hit.body.threadId, 1);
    assert.equal((await where(s, 1)).line, assertion);
    await c.setBreakpointsRequest({ source: { path: s.remote(ex.source) }, breakpoints: [] });
    // 2. Last Write to… head: the producer's publish of the slot the consumer read.
    const last = await stopAfter(c, () => c.customRequest('hartline/lastWrite', { expression: 'head', threadId: 1 }));
    assert.equal(last.body.threadId, 2, 'the producer, hart 1, wrote head');
    const after = await where(s, 2);
    // It stops just after the store, so the editor shows the next line: the slot's write, which has not run yet.
    assert.equal(after.line, cause + 1);
    // 3. Step Back on hart 1: the store to head, one line before the slot is written.
    const back = await stopAfter(c, () => c.stepBackRequest({ threadId: 2 }));
    assert.equal(back.body.threadId, 2);
    const at = await where(s, 2);
    assert.equal(at.path, ex.source);
    assert.equal(at.line, cause);
  } finally {
    await s.close();
  }
});

test('lost-wakeup: stepping back on the sleeping hart crosses the IPI that came between the check and the wfi', async () => {
  const ex = example('lost-wakeup');
  const cause = markerLine(ex.source, 'CAUSE: lost-wakeup');
  const sleep = markerLine(ex.source, 'SLEEP: lost-wakeup');
  const { s, first } = await replaySession(ex);
  const c = s.client;
  try {
    // 1. The end: every hart sleeps in wfi, though a job is waiting for hart 1.
    assert.match(first.body.description!, /end of recording/);
    assert.equal(await evaluate(s, 'work_ready'), '1');
    const ipisAtEnd = Number(await evaluate(s, 'ipis_taken'));
    // 2. Step Back on hart 1 until it is back on the check, noting where the IPI count changes on the way.
    const trail: { line: number; position: number; ipis: number }[] = [];
    for (let k = 0; k < 8; k++) {
      const b = await stopAfter(c, () => c.stepBackRequest({ threadId: 2 }));
      assert.equal(b.body.threadId, 2);
      const at = await where(s, 2);
      assert.equal(at.path, ex.source);
      trail.push({
        line: at.line,
        position: (await position(c)).position,
        ipis: Number(await evaluate(s, 'ipis_taken')),
      });
      if (at.line === cause) break;
    }
    const check = trail[trail.length - 1];
    assert.equal(check.line, cause, `stepped back through lines ${trail.map((t) => t.line).join(', ')}`);
    assert.equal(trail[0].line, sleep, 'the first step back lands on the wfi');
    // 3. At the check there was no work and the IPI had not come yet: it came after the check, before the wfi.
    assert.equal(await evaluate(s, 'work_ready'), '0');
    assert.equal(check.ipis, ipisAtEnd - 1);
    // 4. Next CPU Switch from the check: hart 0 ran before hart 1 reached its wfi.
    const sw = await stopAfter(c, () => c.customRequest('hartline/nextSwitch'));
    assert.equal(sw.body.threadId, 1, 'the switch is to hart 0');
    assert.ok((await position(c)).position < trail[0].position);
  } finally {
    await s.close();
  }
});

test('irq-shared-data: from the torn timestamp, Last Write to uptime_ticks and Reverse Step Out reach the interrupted read', async () => {
  const ex = example('irq-shared-data');
  const cause = markerLine(ex.source, 'CAUSE: irq-shared-data');
  const carry = markerLine(ex.source, 'CARRY: irq-shared-data');
  const symptom = markerLine(ex.source, 'SYMPTOM: irq-shared-data');
  const { s } = await replaySession(ex, async (x) => {
    await x.client.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'went_backwards' }] });
  });
  const c = s.client;
  try {
    // 1. A function breakpoint on went_backwards and Reverse Continue: hart 0 reporting the torn time.
    const hit = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    assert.equal(hit.body.threadId, 1);
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const frames = await stack(s, 1);
    assert.equal(frames[0].name, 'went_backwards');
    assert.equal(frames[1].line, symptom);
    // 2. Last Write to… uptime_ticks: the timer interrupt's carry, on hart 0 (the stop follows the store).
    await stopAfter(c, () => c.customRequest('hartline/lastWrite', { expression: 'uptime_ticks', threadId: 1 }));
    const handler = await where(s, 1);
    assert.equal(handler.name, 'handle_trap');
    assert.equal(handler.line, carry + 1);
    assert.equal(await evaluate(s, 'uptime_ticks'), '0');
    // 3. Reverse Step Out twice (out of handle_trap, then out of the trap entry): the instruction it interrupted.
    await stopAfter(c, () => c.customRequest('hartline/reverseStepOut', { threadId: 1 }));
    const out = await stopAfter(c, () => c.customRequest('hartline/reverseStepOut', { threadId: 1 }));
    assert.equal(out.body.threadId, 1);
    const at = await where(s, 1);
    assert.equal(at.path, ex.source);
    assert.equal(at.line, cause);
  } finally {
    await s.close();
  }
});
