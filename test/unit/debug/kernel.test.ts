// Debugging a kernel at virtual addresses, on the higher-half guest (linked at 0xffffffff80000000, loaded at
// 0x80200000, Sv39 on every hart): `program` gives the symbols and `payload` the image booted, as vmlinux and Image do.
// Breakpoints by source, function, virtual and physical address; steps both ways; a data breakpoint on a kernel
// variable translated through the page tables; call stacks of every hart.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';
import {
  evaluate,
  guestsDir,
  launchAndStop,
  markerIn,
  position,
  scratch,
  stopAfter,
  topFrame,
  withAdapter,
} from '../support/debug-harness';

const tmp = scratch('hartline-kernel-');
after(() => tmp.done());
const SOURCE = join(guestsDir(), 'higher_half', 'kernel.c');
const PUBLISH = markerIn(SOURCE, 'kernel_results[hart] = value;');
const SQUARE_CALL = markerIn(SOURCE, 'sum += kernel_square(i + hart);');
const WORK_CALL = markerIn(SOURCE, 'long value = kernel_work(hart, 8 + hart);');
const KERNEL_VIRT = 0xffffffff80000000n,
  KERNEL_PHYS = 0x80200000n;

const launch = (extra: Record<string, unknown> = {}) => ({
  mode: 'record',
  program: join(guestsDir(), 'bin', 'higher_half.elf'),
  payload: join(guestsDir(), 'bin', 'higher_half.image.elf'),
  harts: 2,
  quantum: 7,
  recording: tmp.file('kernel.hartrec'),
  ...extra,
});
const at = async (c: DebugClient) => (await position(c)).position;
const frames = async (c: DebugClient, threadId: number) => (await c.stackTraceRequest({ threadId })).body.stackFrames;
const kernelPc = (ref: string | undefined) => BigInt(ref ?? '0') >= KERNEL_VIRT;

test('function and source breakpoints hit at virtual addresses on every hart, with kernel call stacks', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, launch({ stopOnEntry: true }));
    const [fn] = (await c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kernel_square' }] })).body.breakpoints;
    assert.equal(fn.verified, true);
    assert.ok(kernelPc(fn.instructionReference), `kernel_square at ${fn.instructionReference}, a virtual address`);
    const harts = new Set<number>();
    for (let k = 0; k < 20 && harts.size < 2; k++) {
      const s = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
      assert.equal(s.body.reason, 'breakpoint');
      const stack = await frames(c, s.body.threadId!);
      assert.deepEqual(
        stack.slice(0, 3).map((f) => f.name.replace(/ .*/, '')),
        ['kernel_square', 'kernel_work', 'kernel_main'],
        'unwound through the kernel frames',
      );
      assert.equal(stack[0].instructionPointerReference, fn.instructionReference);
      assert.equal(stack[2].line, WORK_CALL);
      harts.add(s.body.threadId!);
    }
    assert.deepEqual([...harts].sort(), [1, 2], 'both harts stop in the kernel function');
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });

    const [src] = (await c.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: PUBLISH }] })).body
      .breakpoints;
    assert.equal(src.verified, true);
    const s = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(s.body.reason, 'breakpoint');
    const top = await topFrame(c, s.body.threadId!);
    assert.equal(top.line, PUBLISH);
    assert.ok(kernelPc(top.instructionPointerReference));
    // Locals and arguments are read through the page tables (the stack is virtual too).
    assert.equal(await evaluate(c, 'hart', 'watch', top.id), String(s.body.threadId! - 1));
    const expected = s.body.threadId === 1 ? 140n : 285n;
    assert.equal(BigInt(await evaluate(c, 'value', 'watch', top.id)), expected);
    // The other hart's stack is a kernel stack as well.
    const other = await frames(c, s.body.threadId === 1 ? 2 : 1);
    assert.ok(
      other.some((f) => /^kernel_/.test(f.name)),
      `the other hart: ${other.map((f) => f.name).join(' < ')}`,
    );
  }));

test('step, step back, reverse step out and reverse continue in kernel code', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, launch(), () =>
      c.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: SQUARE_CALL }] }),
    );
    const first = await at(c);
    const thread = (await c.threadsRequest()).body.threads.find((t) => t.id === 1)!.id;
    // The stop may be on either hart; step the one that stopped.
    const stopped =
      (await c.stackTraceRequest({ threadId: thread })).body.stackFrames[0].line === SQUARE_CALL ? thread : 2;
    assert.equal((await topFrame(c, stopped)).line, SQUARE_CALL);
    await c.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [] });
    const step = (send: () => Promise<unknown>) => stopAfter(c, send);

    await step(() => c.nextRequest({ threadId: stopped }));
    const afterNext = await at(c);
    assert.ok(afterNext > first, 'next ran the call');
    assert.equal((await topFrame(c, stopped)).name.replace(/ .*/, ''), 'kernel_work');
    await step(() => c.stepBackRequest({ threadId: stopped }));
    assert.equal((await topFrame(c, stopped)).line, SQUARE_CALL);
    assert.equal(await at(c), first, 'step back undid the next exactly');

    await step(() => c.stepInRequest({ threadId: stopped }));
    const inside = await topFrame(c, stopped);
    assert.equal(inside.name.replace(/ .*/, ''), 'kernel_square');
    assert.ok(kernelPc(inside.instructionPointerReference));
    const inPos = await at(c);
    await step(() => c.customRequest('hartline/reverseStepOut', { threadId: stopped }));
    const caller = await topFrame(c, stopped);
    assert.equal(caller.name.replace(/ .*/, ''), 'kernel_work', 'reverse step out: back at the call');
    assert.equal(caller.line, SQUARE_CALL);
    assert.ok((await at(c)) < inPos);
    await step(() => c.stepInRequest({ threadId: stopped }));
    await step(() => c.stepOutRequest({ threadId: stopped }));
    assert.equal((await topFrame(c, stopped)).name.replace(/ .*/, ''), 'kernel_work', 'step out returns to the caller');

    await c.setBreakpointsRequest({ source: { path: SOURCE }, breakpoints: [{ line: SQUARE_CALL }] });
    const a = await at(c);
    await step(() => c.continueRequest({ threadId: stopped }));
    const second = await at(c);
    assert.ok(second > a);
    await step(() => c.continueRequest({ threadId: stopped }));
    const third = await at(c);
    assert.ok(third >= second);
    const back = await step(() => c.reverseContinueRequest({ threadId: stopped }));
    assert.equal(back.body.reason, 'breakpoint');
    assert.ok((await at(c)) < third, 'reverse continue: an earlier hit');
    assert.equal((await topFrame(c, back.body.threadId!)).line, SQUARE_CALL);
  }));

test('a write data breakpoint on a kernel variable, translated through the page tables, both ways', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, launch(), () =>
      c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kernel_publish' }] }),
    );
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const info = await c.dataBreakpointInfoRequest({ name: 'kernel_counter' });
    const [vaddr, size] = info.body.dataId!.split('/');
    assert.ok(BigInt(vaddr) >= KERNEL_VIRT, `a virtual data id: ${info.body.dataId}`);
    assert.equal(size, '8');
    const [bp] = (
      await c.setDataBreakpointsRequest({ breakpoints: [{ dataId: info.body.dataId!, accessType: 'write' }] })
    ).body.breakpoints;
    assert.equal(bp.verified, true);
    const phys = BigInt(vaddr) - KERNEL_VIRT + KERNEL_PHYS;
    assert.match((bp as { description?: string }).description ?? '', new RegExp(`physical 0x${phys.toString(16)}`));

    const w1 = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(w1.body.reason, 'data breakpoint');
    const v1 = BigInt(await evaluate(c, 'kernel_counter'));
    assert.ok(v1 === 140n || v1 === 285n, `the first hart's sum: ${v1}`);
    const p1 = await at(c);
    const w2 = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(w2.body.reason, 'data breakpoint');
    assert.notEqual(w2.body.threadId, w1.body.threadId, 'the other hart adds its sum');
    assert.equal(BigInt(await evaluate(c, 'kernel_counter')), 425n);
    const back = await stopAfter(c, () => c.reverseContinueRequest({ threadId: 1 }));
    assert.equal(back.body.reason, 'data breakpoint');
    assert.equal(await at(c), p1, 'backwards: the first write');
    assert.equal(BigInt(await evaluate(c, 'kernel_counter')), v1);

    // The Memory view reads the same bytes at the virtual reference and at the physical one.
    const virt = (await c.customRequest('readMemory', { memoryReference: vaddr, count: 8 }))
      .body as DebugProtocol.ReadMemoryResponse['body'];
    const real = (await c.customRequest('readMemory', { memoryReference: `phys:0x${phys.toString(16)}`, count: 8 }))
      .body as DebugProtocol.ReadMemoryResponse['body'];
    assert.equal(virt!.data, real!.data);
    assert.equal(Buffer.from(virt!.data!, 'base64').readBigUInt64LE(0), v1);
  }));

test('instruction breakpoints: virtual pcs, physical boot code, and phys: for kernel code wherever it is mapped', () =>
  withAdapter(async (c) => {
    await launchAndStop(c, launch(), () => c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kernel_work' }] }));
    const work = (await topFrame(c, (await c.threadsRequest()).body.threads[0].id)).instructionPointerReference!;
    await c.setFunctionBreakpointsRequest({ breakpoints: [] });
    const square = BigInt(work) - 0x8000008en + 0x80000088n; // kernel_square sits just before kernel_work
    const physSquare = square - KERNEL_VIRT + KERNEL_PHYS;
    const set = (refs: string[]) =>
      c
        .customRequest('setInstructionBreakpoints', {
          breakpoints: refs.map((instructionReference) => ({ instructionReference })),
        })
        .then((r) => r.body.breakpoints as DebugProtocol.Breakpoint[]);
    const [p] = await set([`phys:0x${physSquare.toString(16)}`]);
    assert.equal(p.verified, true);
    assert.match(
      p.message ?? '',
      new RegExp(`also at 0x${square.toString(16)}`),
      'the physical address is found mapped in the kernel',
    );
    const hit = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(hit.body.reason, 'breakpoint');
    assert.equal(BigInt((await topFrame(c, hit.body.threadId!)).instructionPointerReference!), square);

    // The boot stub runs in M-mode by physical address: a plain address there is hit as it is, before paging.
    await stopAfter(c, () => c.customRequest('hartline/goto', { position: 0 }));
    await set(['0x80000000']);
    const boot = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(boot.body.reason, 'breakpoint');
    assert.equal((await topFrame(c, boot.body.threadId!)).instructionPointerReference, '0x80000000');
  }));

test('a replay of a kernel recording takes vmlinux as "program" for symbols and "payload" as what boots', async () => {
  const recording = tmp.file('replayed.hartrec');
  await withAdapter(async (c) => {
    const end = await launchAndStop(c, launch({ recording }));
    assert.match(end.body.description ?? '', /exit|end/);
    await c.disconnectRequest({});
  });
  await withAdapter(async (c) => {
    await launchAndStop(
      c,
      {
        mode: 'replay',
        recording,
        program: join(guestsDir(), 'bin', 'higher_half.elf'),
        payload: join(guestsDir(), 'bin', 'higher_half.image.elf'),
      },
      () => c.setFunctionBreakpointsRequest({ breakpoints: [{ name: 'kernel_square' }] }),
    );
    const s = await stopAfter(c, () => c.continueRequest({ threadId: 1 }));
    assert.equal(s.body.reason, 'breakpoint');
    const f = await topFrame(c, s.body.threadId!);
    assert.match(f.name, /^kernel_square/);
    assert.ok(kernelPc(f.instructionPointerReference));
    assert.match(f.source?.path ?? '', /higher_half\/kernel\.c$/);
  });
});
