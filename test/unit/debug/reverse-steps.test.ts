// The adapter's stepping logic (src/debug/stepping.ts) driven directly on a replay of a 4-hart recording, with a
// line table in which every pc is a line of its own: reverse step in is one instruction of the hart back, reverse
// step out without unwind information stops before the call that entered the frame, and the call-depth rules of
// calls.ts (which instructions are calls). These moved here from the replay layer's line stepping, now deleted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordGuest, readImages } from '../support/replay-fixtures';
import { readRecording } from '../../../src/replay/reader';
import { RecordingTarget } from '../../../src/debug/recording-target';
import { LineOracle, StepContext, stepBackward, stepForward } from '../../../src/debug/stepping';
import { depthDelta, returnAddress } from '../../../src/debug/calls';

const recorded = recordGuest('smp_counters', {
  harts: 4,
  policy: 'chaos',
  quantum: 500,
  seed: '1234',
  checksumInterval: 5000,
});
const EVERY_PC: LineOracle = {
  lineKey: (pc) => `pc:${pc}`,
  bodyStart: (pc) => pc,
  inlineDepth: () => 0,
  functionStart: () => undefined,
};

function context(): StepContext {
  const rec = readRecording(recorded.bytes, 'smp.hartrec');
  const t = RecordingTarget.replay(rec, readImages(rec));
  return { t, lines: EVERY_PC, probes: { pcs: new Set(), watches: [], accept: () => false }, caller: () => undefined };
}

test('with every pc a line of its own, reverse step in by line is one instruction of the hart back', () => {
  const c = context(),
    t = c.t;
  t.seek(120_000);
  for (let k = 0; k < 20; k++) {
    const q = t.previousInstruction(1);
    assert.equal(stepBackward(c, 1, 'in', 'line').kind, 'arrived');
    assert.equal(t.position, q, `step ${k}`);
  }
});

test('reverse step out without unwind information stops before the call (or trap entry) that entered the frame', async () => {
  const c = context(),
    t = c.t;
  t.seek(120_000);
  const before = t.position;
  const out = stepBackward(c, 1, 'out', 'line');
  assert.equal(out.kind, 'arrived');
  assert.ok(t.position < before);
  const h = t.machine.harts[1],
    pc = h.pc,
    word = t.machine.instructionAt(pc);
  // Running the hart's one instruction from here goes one frame deeper: a call, or a trap entered before it.
  assert.equal((await stepForward(c, 1, 'in', 'instruction')).kind, 'arrived');
  assert.equal(
    depthDelta(word, pc, t.machine.harts[1].pc),
    1,
    `0x${word?.toString(16)} at 0x${pc.toString(16)} does not enter a frame`,
  );
});

test('reverse step over by line moves back, and step over forward returns to where it began', async () => {
  const c = context(),
    t = c.t;
  t.seek(120_000);
  const start = t.position;
  assert.equal(stepBackward(c, 1, 'over', 'line').kind, 'arrived');
  assert.ok(t.position < start);
  assert.equal((await stepForward(c, 1, 'over', 'line')).kind, 'arrived');
  assert.ok(t.position <= start + 1_000, `forward again to ${t.position} (began at ${start})`);
});

test('call depth: jal/jalr linking ra are calls, linking t0 is -msave-restore millicode, ret and mret return', () => {
  const JAL_RA = 0x008000ef,
    JAL_T0 = 0x008002ef,
    JALR_RA = 0x000500e7,
    RET = 0x00008067,
    C_JALR = 0x9502,
    C_JR_RA = 0x8082,
    MRET = 0x30200073;
  const pc = 0x8000_0000;
  assert.equal(depthDelta(JAL_RA, pc, pc + 8), 1);
  assert.equal(returnAddress(JAL_RA, pc), pc + 4);
  assert.equal(depthDelta(JAL_T0, pc, pc + 8), 0, 'jal t0 is part of the prologue, not a call');
  assert.equal(returnAddress(JAL_T0, pc), undefined);
  assert.equal(depthDelta(JALR_RA, pc, 0x8000_1000), 1);
  assert.equal(depthDelta(C_JALR, pc, 0x8000_1000), 1);
  assert.equal(returnAddress(C_JALR, pc), pc + 2);
  assert.equal(depthDelta(RET, pc, 0x8000_1000), -1);
  assert.equal(depthDelta(C_JR_RA, pc, 0x8000_1000), -1);
  assert.equal(depthDelta(MRET, pc, 0x8000_1000), -1);
  // A plain instruction whose next pc is neither its successor nor its target entered a trap handler.
  assert.equal(depthDelta(0x00000013, pc, pc + 4), 0);
  assert.equal(depthDelta(0x00000013, pc, 0x8000_0100), 1);
});
