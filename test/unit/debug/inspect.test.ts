// What the user looks at while stopped, through DebugClient: call stacks with inlined frames and code without source,
// the Locals/Registers/Hart scopes, evaluate (repl, hover, watch), memory and disassembly, and state edits: made
// while recording they are recorded and replay faithfully; a replay refuses them.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { readRecording } from '../../../src/replay/reader';
import { buildElf, words } from '../support/elf-builder';
import {
  evaluate,
  fixtureElf,
  fixtureMarker,
  fixtureSource,
  launchAndStop,
  position,
  scratch,
  stopAfter,
  withAdapter,
} from '../support/debug-harness';

const tmp = scratch('hartline-inspect-');
after(() => tmp.done());
const SHAPES = fixtureSource('shapes.c');
const AREA = fixtureMarker('shapes.c', 'STOP: area');
const CROSS = fixtureMarker('shapes.c', 'STOP: cross');
const AREA_CALL = fixtureMarker('main.c', 'long a = shape_area(&local, 2);');

async function stopAt(
  c: DebugClient,
  level: 'O0' | 'O2',
  line: number,
  extra: Record<string, unknown> = {},
): Promise<DebugProtocol.StackFrame[]> {
  await launchAndStop(
    c,
    { mode: 'record', program: fixtureElf(level), recording: tmp.file(`${level}.hartrec`), ...extra },
    () => c.setBreakpointsRequest({ source: { path: SHAPES }, breakpoints: [{ line }] }),
  );
  await c.setBreakpointsRequest({ source: { path: SHAPES }, breakpoints: [] });
  return (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
}

const readMemory = async (c: DebugClient, a: DebugProtocol.ReadMemoryArguments) =>
  (await c.customRequest('readMemory', a)) as DebugProtocol.ReadMemoryResponse;
const writeMemory = async (c: DebugClient, a: DebugProtocol.WriteMemoryArguments) =>
  (await c.customRequest('writeMemory', a)) as DebugProtocol.WriteMemoryResponse;
const setExpression = async (c: DebugClient, a: DebugProtocol.SetExpressionArguments) =>
  (await c.customRequest('setExpression', a)) as DebugProtocol.SetExpressionResponse;

async function scope(c: DebugClient, frameId: number, name: string): Promise<DebugProtocol.Variable[]> {
  const s = (await c.scopesRequest({ frameId })).body.scopes.find((x) => x.name === name)!;
  return (await c.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
}

test('call stacks show inlined calls as frames of their own, with their locals', () =>
  withAdapter(async (c) => {
    const frames = await stopAt(c, 'O2', CROSS);
    assert.deepEqual(
      frames.map((f) => [f.name, f.line]),
      [
        ['cross [inlined]', CROSS],
        ['shape_area', fixtureMarker('shapes.c', 'twice += cross(p, q);')],
        ['main', AREA_CALL],
      ],
    );
    assert.equal(frames[0].presentationHint, 'subtle');
    assert.equal(frames[0].instructionPointerReference, frames[1].instructionPointerReference, 'one pc, two frames');
    assert.equal(frames[0].source!.path, SHAPES);
    const inCross = await scope(c, frames[0].id, 'Locals');
    assert.deepEqual(
      inCross.filter((v) => v.name === 'b').map((v) => [v.value, v.type]),
      [['{x = 4, y = 0}', 'point_t']],
    );
    const inArea = await scope(c, frames[1].id, 'Locals');
    assert.ok(inArea.some((v) => v.name === 'q' && v.value === '{x = 4, y = 0}'));
    assert.equal(await evaluate(c, 'b.x', 'hover', frames[0].id), '4');
    await assert.rejects(evaluate(c, 'q', 'hover', frames[0].id), /no variable named "q" here/);
    assert.equal(await evaluate(c, 'q.x', 'hover', frames[1].id), '4');
    // Stepping out of the inlined call stops in shape_area, still in the same physical frame.
    await stopAfter(c, () => c.stepOutRequest({ threadId: 1 }));
    const out = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(out[0].name, 'shape_area');
  }));

test('code without source is served as disassembly through a source reference', () =>
  withAdapter(async (c) => {
    const RAM = 0x80000000;
    // addi a0, a0, 1; j -4 (a loop), with no symbols at all.
    const elf = tmp.file('bare.elf');
    writeFileSync(elf, buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x00150513, 0xffdff06f) }] }));
    await launchAndStop(c, { mode: 'record', program: elf, recording: tmp.file('bare.hartrec'), stopOnEntry: true });
    await stopAfter(c, () => c.nextRequest({ threadId: 1, granularity: 'instruction' }));
    const [f] = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames;
    assert.equal(f.instructionPointerReference, '0x80000004');
    assert.ok(f.source!.sourceReference! > 0);
    assert.equal(f.source!.path, undefined);
    const text = (await c.sourceRequest({ sourceReference: f.source!.sourceReference! })).body.content;
    const lines = text.split('\n');
    assert.match(lines[f.line - 1], /^=> 0x80000004 .*jal\s+zero/);
    assert.match(text, /0x80000000 .*addi\s+a0, ?a0, ?1/);
    await assert.rejects(c.sourceRequest({ sourceReference: 9999 }), /no longer available/);
  }));

test('scopes: Locals, Registers (integer, float, CSR groups) and Hart', () =>
  withAdapter(async (c) => {
    const [frame] = await stopAt(c, 'O0', AREA);
    assert.deepEqual(
      (await c.scopesRequest({ frameId: frame.id })).body.scopes.map((s) => s.name),
      ['Locals', 'Globals', 'Registers', 'Hart'],
    );
    const locals = await scope(c, frame.id, 'Locals');
    const byName = new Map(locals.map((v) => [v.name, v]));
    assert.equal(byName.get('scale')!.value, '2');
    assert.equal(byName.get('twice')!.value, '12');
    assert.equal(byName.get('label')!.value, '"area\\000\\000\\000"');
    assert.ok(byName.get('scale')!.memoryReference, 'in memory at -O0');
    // A pointer to a struct expands into the struct, and its fields further.
    const s = byName.get('s')!;
    assert.equal(s.type, 'const struct shape *');
    const [pointee] = (await c.variablesRequest({ variablesReference: s.variablesReference })).body.variables;
    assert.equal(pointee.name, '*s');
    const fields = (await c.variablesRequest({ variablesReference: pointee.variablesReference })).body.variables;
    assert.deepEqual(
      fields.map((v) => v.name),
      ['name', 'colour', 'corners', 'flags', 'w', 'weight', 'next'],
    );
    const corners = (await c.variablesRequest({ variablesReference: fields[2].variablesReference })).body.variables;
    assert.deepEqual(
      corners.map((v) => [v.name, v.value, v.evaluateName]),
      [
        ['[0]', '{x = 0, y = 0}', '(*s).corners[0]'],
        ['[1]', '{x = 4, y = 0}', '(*s).corners[1]'],
        ['[2]', '{x = 0, y = 3}', '(*s).corners[2]'],
      ],
    );
    assert.equal(await evaluate(c, corners[1].evaluateName!), '{x = 4, y = 0}');

    const groups = await scope(c, frame.id, 'Registers');
    assert.deepEqual(
      groups.map((g) => g.name),
      ['Integer', 'Float', 'Machine trap', 'Supervisor trap', 'Floating point', 'Counters', 'Identity'],
    );
    const ints = (await c.variablesRequest({ variablesReference: groups[0].variablesReference })).body.variables;
    assert.equal(ints.length, 33);
    assert.deepEqual(
      [ints[0].name, ints[0].value],
      ['pc', '0x' + BigInt(frame.instructionPointerReference!).toString(16).padStart(16, '0')],
    );
    assert.deepEqual([ints[3].name, ints[3].evaluateName], ['sp (x2)', '$sp']);
    const floats = (await c.variablesRequest({ variablesReference: groups[1].variablesReference })).body.variables;
    assert.equal(floats.length, 32);
    assert.match(floats[0].value, /\(0x[0-9a-f]{16}\)$/);
    const trap = (await c.variablesRequest({ variablesReference: groups[2].variablesReference })).body.variables;
    assert.ok(trap.some((v) => v.name === 'mtvec' && /^0x/.test(v.value)));
    const identity = (await c.variablesRequest({ variablesReference: groups[6].variablesReference })).body.variables;
    assert.equal(identity.find((v) => v.name === 'mhartid')!.value, '0x0000000000000000');

    const hart = await scope(c, frame.id, 'Hart');
    const h = new Map(hart.map((v) => [v.name, v.value]));
    assert.equal(h.get('privilege'), 'machine mode');
    assert.equal(h.get('state'), 'running');
    assert.equal(h.get('reservation'), 'none');
    assert.equal(Number(h.get('position')), (await position(c)).position);
    assert.equal(Number(h.get('retired')), (await position(c)).position, 'one hart: every position is its instruction');
  }));

test('evaluate: variables, pointers, arrays, fields, casts, registers, memory and operators in repl, hover and watch', () =>
  withAdapter(async (c) => {
    const [frame] = await stopAt(c, 'O0', AREA);
    const cases: [string, string | RegExp][] = [
      ['scale', '2'],
      ['*s', /^\{name = 0x[0-9a-f]+ <greeting> "hartline", colour = GREEN,/],
      ['s->name', /^0x[0-9a-f]+ <greeting> "hartline"$/],
      ['s->corners[1].x', '4'],
      ['label[1]', "114 'r'"],
      ['(uint8_t)twice', '12'],
      ['(int8_t)300', '44'],
      ['(uint32_t)-1', '4294967295'],
      ['global_counter', '7'],
      ['global_shape.name', /"triangle"$/],
      ['global_shape.flags.mode', '5'],
      ['*(uint32_t*)&global_counter', '7'],
      ['&global_counter', /^0x8000[0-9a-f]{4}$/],
      ['global_counter + 1 == 8 && scale > 1', '1'],
      ['(twice - 2) * 3 / 5 % 4', '2'],
      ['$mhartid', '0'],
      ['$x0', '0'],
      ['$pc', String(BigInt(frame.instructionPointerReference!))],
      ['*(uint64_t*)$sp', /^\d+$/],
      ['!scale', '0'],
      ['scale << 4 | 1', '33'],
    ];
    for (const context of ['repl', 'hover', 'watch']) {
      for (const [expr, want] of cases) {
        const got = (await c.evaluateRequest({ expression: expr, context, frameId: frame.id })).body.result;
        if (typeof want === 'string') assert.equal(got, want, `${expr} (${context})`);
        else assert.match(got, want, `${expr} (${context})`);
      }
    }
    const ptr = (await c.evaluateRequest({ expression: 's', context: 'watch', frameId: frame.id })).body;
    assert.ok(ptr.variablesReference > 0, 'a struct pointer expands');
    assert.equal(
      (await c.evaluateRequest({ expression: 'global_counter', context: 'watch' })).body.memoryReference,
      await evaluate(c, '&global_counter'),
    );
    await assert.rejects(evaluate(c, 'scale +* (', 'repl'), /syntax error at column \d+ of "scale \+\* \(":/);
    await assert.rejects(evaluate(c, 'nothing_here'), /no variable named "nothing_here" here/);
    await assert.rejects(evaluate(c, '$q99'), /no register named \$q99/);
    await assert.rejects(evaluate(c, '*(uint32_t*)0x10'), /not in RAM/);
    await assert.rejects(evaluate(c, 'scale / 0'), /division by zero/);
  }));

test('readMemory and disassemble', () =>
  withAdapter(async (c) => {
    const [frame] = await stopAt(c, 'O0', AREA);
    const addr = await evaluate(c, '&global_counter');
    const mem = (await readMemory(c, { memoryReference: addr, count: 4 })).body!;
    assert.equal(mem.address, addr);
    assert.equal(Buffer.from(mem.data!, 'base64').readUInt32LE(0), 7);
    const off = (await readMemory(c, { memoryReference: '0x80000000', offset: 4, count: 4 })).body!;
    assert.equal(off.address, '0x80000004');
    const outside = (await readMemory(c, { memoryReference: '0x10', count: 8 })).body!;
    assert.equal(outside.unreadableBytes, 8);
    const pc = frame.instructionPointerReference!;
    const dis = (await c.disassembleRequest({ memoryReference: pc, instructionOffset: -4, instructionCount: 10 })).body!
      .instructions;
    assert.equal(dis.length, 10);
    assert.equal(dis[4].address, pc);
    for (let k = 1; k < dis.length; k++) assert.ok(BigInt(dis[k].address) > BigInt(dis[k - 1].address));
    assert.ok(dis.some((i) => i.location?.path === SHAPES && i.line === AREA));
    const fn = (
      await c.disassembleRequest({
        memoryReference: await evaluate(c, '$pc').then((v) => '0x' + BigInt(v).toString(16)),
        instructionCount: 1,
      })
    ).body!.instructions[0];
    assert.ok(fn.instruction.length > 0);
    const entry = (await c.disassembleRequest({ memoryReference: '0x80000000', instructionCount: 1 })).body!
      .instructions[0];
    assert.equal(entry.symbol, '_start');
  }));

test('edits while recording are recorded and replay faithfully; elsewhere they are refused', async () => {
  const recording = tmp.file('edits.hartrec');
  let counter = '',
    sink = '',
    position0 = 0;
  await withAdapter(async (c) => {
    const [frame] = await stopAt(c, 'O0', AREA, { recording });
    position0 = (await position(c)).position;
    const locals = (await c.scopesRequest({ frameId: frame.id })).body.scopes[0].variablesReference;
    await c.variablesRequest({ variablesReference: locals });
    assert.equal(
      (await c.setVariableRequest({ variablesReference: locals, name: 'scale', value: '3' })).body.value,
      '3',
    );
    assert.equal(
      (await setExpression(c, { expression: 'global_counter', value: '100', frameId: frame.id })).body.value,
      '100',
    );
    assert.equal(
      (await setExpression(c, { expression: '$t6', value: '0x1234', frameId: frame.id })).body.value,
      '0x1234',
    );
    const regs = (await c.scopesRequest({ frameId: frame.id })).body.scopes[2].variablesReference;
    const ints = (await c.variablesRequest({ variablesReference: regs })).body.variables[0].variablesReference;
    await c.variablesRequest({ variablesReference: ints });
    assert.equal(
      (await c.setVariableRequest({ variablesReference: ints, name: 't5 (x30)', value: '77' })).body.value,
      '77',
    );
    const sinkAddr = await evaluate(c, '&recursion_sink');
    await writeMemory(c, { memoryReference: sinkAddr, data: Buffer.from([5, 0, 0, 0]).toString('base64') });
    assert.equal(await evaluate(c, 'recursion_sink'), '5');
    assert.equal(await evaluate(c, 'scale * 10'), '30');
    // Not at the frontier: refused, and nothing changes.
    await stopAfter(c, () => c.stepBackRequest({ threadId: 1, granularity: 'instruction' }));
    await assert.rejects(
      setExpression(c, { expression: 'global_counter', value: '1' }),
      /can only be changed at the end of the recording \(position \d+\); go there first/,
    );
    await stopAfter(c, () => c.nextRequest({ threadId: 1, granularity: 'instruction' }));
    const end = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.match(end.body.description!, /exited with code 0/);
    counter = await evaluate(c, 'global_counter');
    sink = await evaluate(c, 'recursion_sink');
    await assert.rejects(setExpression(c, { expression: 'global_counter', value: '1' }), /the program has ended/);
    await c.terminateRequest();
  });
  assert.notEqual(counter, '7');
  const rec = readRecording(new Uint8Array(readFileSync(recording)), recording);
  assert.ok(rec.version >= 2, `version ${rec.version}: edits came with version 2`);
  assert.equal(rec.log.edits.length, 5);
  assert.ok(rec.log.editPos.every((p) => p === position0));
  await withAdapter(async (c) => {
    const errors: string[] = [];
    c.on('output', (e: DebugProtocol.OutputEvent) => {
      if (e.body.category === 'stderr') errors.push(e.body.output);
    });
    const first = await launchAndStop(c, { mode: 'replay', recording, startAt: 'end' });
    assert.match(first.body.description!, /exited with code 0/);
    assert.equal(await evaluate(c, 'global_counter'), counter);
    assert.equal(await evaluate(c, 'recursion_sink'), sink);
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: position0 }));
    assert.equal(await evaluate(c, 'scale'), '3', 'the edit is in place at its position');
    assert.equal(await evaluate(c, '$t6'), '4660');
    assert.equal(await evaluate(c, '$t5'), '77');
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: position0 - 1 }));
    assert.equal(await evaluate(c, 'global_counter'), '7', 'and not before it');
    await assert.rejects(setExpression(c, { expression: 'global_counter', value: '1' }), /this is a replay/);
    await assert.rejects(writeMemory(c, { memoryReference: '0x80000000', data: 'AAAA' }), /this is a replay/);
    const frame = (await c.stackTraceRequest({ threadId: 1 })).body.stackFrames[0];
    const locals = (await c.scopesRequest({ frameId: frame.id })).body.scopes[0].variablesReference;
    await assert.rejects(
      c.setVariableRequest({ variablesReference: locals, name: 'x', value: '1' }),
      /this is a replay/,
    );
    assert.deepEqual(errors, [], 'no divergence');
  });
});
