// The gdb stub over an in-memory wire, on the racy-counter recording and a live recording: every packet family gdb
// uses, stops forward and backward, threads, registers, memory through page tables, Ctrl-C, and malformed input.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { example, imageReader } from '../support/examples-fixtures';
import { connect, registerValue } from '../support/gdb-client';
import { readRecording } from '../../../src/replay/reader';
import { loadImages } from '../../../src/replay/images';
import { loadSymbols } from '../../../src/symbols';
import { GdbTarget } from '../../../src/gdb/target';
import { CSR_NUMBERS, REG } from '../../../src/gdb/registers';
import { repoRoot } from '../../guests/manifest';
import { join } from 'node:path';
import { buildElf, words } from '../support/elf-builder';

const ex = example('racy-counter');
const symbols = loadSymbols(new Uint8Array(readFileSync(ex.elf)), ex.elf);
const INCREMENT = symbols.addressOf('increment_many')!;
const COUNTER = symbols.addressOf('counter')!;

function racy(): GdbTarget {
  const rec = readRecording(new Uint8Array(readFileSync(ex.recording)), ex.recording);
  return GdbTarget.replay(rec, loadImages(rec.header, imageReader(ex), false), () => {});
}

const field = (reply: string, key: string) => new RegExp(`${key}:([^;]*);`).exec(reply)?.[1];
const hexText = (reply: string) => Buffer.from(reply, 'hex').toString('latin1');

test('the handshake gdb makes: features, target description, threads, attach state', async () => {
  const t = racy();
  const { client } = connect(t);
  const sup = await client.request('qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;vContSupported+');
  for (const f of [
    'PacketSize=',
    'qXfer:features:read+',
    'ReverseStep+',
    'ReverseContinue+',
    'vContSupported+',
    'swbreak+',
    'hwbreak+',
  ])
    assert.ok(sup.includes(f), f);
  assert.equal(await client.request('vMustReplyEmpty'), '');
  // The description comes in pieces: 'm' while more follows, 'l' for the last.
  let xml = '',
    off = 0;
  for (;;) {
    const r = await client.request(`qXfer:features:read:target.xml:${off.toString(16)},200`);
    assert.match(r, /^[ml]/);
    xml += r.slice(1);
    off += r.length - 1;
    if (r[0] === 'l') break;
  }
  for (const f of [
    'org.gnu.gdb.riscv.cpu',
    'org.gnu.gdb.riscv.fpu',
    'org.gnu.gdb.riscv.csr',
    'org.gnu.gdb.riscv.virtual',
    'riscv:rv64',
  ])
    assert.ok(xml.includes(f), f);
  assert.equal((xml.match(/<reg /g) ?? []).length, 33 + 35 + CSR_NUMBERS.length + 1);
  assert.equal(await client.request('qXfer:features:read:other.xml:0,100'), 'E00');
  assert.equal(await client.request('qfThreadInfo'), 'm1,2,3,4');
  assert.equal(await client.request('qsThreadInfo'), 'l');
  assert.equal(await client.request('qAttached'), '1');
  assert.match(await client.request('qC'), /^QC[1-4]$/);
  assert.equal(hexText(await client.request('qThreadExtraInfo,2')), 'hart 1, M-mode');
  assert.equal(await client.request('T4'), 'OK');
  assert.equal(await client.request('T5'), 'E16');
  assert.match(await client.request('?'), /^T05thread:[1-4];$/);
  assert.equal(await client.request('vCont?'), 'vCont;c;C;s;S');
  assert.match(client.acks, /^\++$/);
});

test('registers: g, p of pc, f, CSRs and priv; unknown numbers are errors; writes refused in a replay', async () => {
  const t = racy();
  const { client } = connect(t);
  assert.equal(await client.request('Hg2'), 'OK');
  const g = await client.request('g');
  assert.equal(g.length, 65 * 16);
  const h = t.machine.harts[1];
  assert.equal(registerValue(g.slice(32 * 16, 33 * 16)), h.pc64);
  assert.equal(registerValue(await client.request(`p${REG.pc.toString(16)}`)), h.pc64);
  assert.equal(registerValue(await client.request('pa')), h.readX(10));
  assert.equal(registerValue(await client.request(`p${(REG.csr0 + 0xf14).toString(16)}`)), 1n); // mhartid
  assert.equal(registerValue(await client.request(`p${REG.priv.toString(16)}`)), 3n);
  assert.equal((await client.request(`p${(REG.csr0 + 3).toString(16)}`)).length, 8); // fcsr is 32 bits
  assert.equal(await client.request('p7fff'), 'E16');
  assert.equal(await client.request('pzz'), 'E16');
  assert.equal(await client.request('Pa=0100000000000000'), 'E01');
  assert.equal(await client.request('G' + g), 'OK'); // nothing changes: nothing to refuse
  assert.equal(await client.request('G' + g.slice(0, 40)), 'E16');
  assert.equal(await client.request('Hg9'), 'E16');
  assert.equal(await client.request('Hq1'), 'E16');
});

test('memory: m reads RAM, refuses devices and holes, and malformed arguments; writes refused in a replay', async () => {
  const t = racy();
  const { client } = connect(t);
  const code = await client.request(`m${INCREMENT.toString(16)},4`);
  assert.equal(code, Buffer.from(t.machine.memory.readBytes(Number(INCREMENT), 4)!).toString('hex'));
  assert.equal(await client.request('m0,4'), 'E0e');
  assert.equal(await client.request('m10000000,1'), 'E0e'); // the UART: reading it would have effects
  assert.equal(await client.request('mffffffffffffffff,8'), 'E0e');
  assert.equal(await client.request('m80000000'), 'E16');
  assert.equal(await client.request('mxyz,4'), 'E16');
  assert.equal(await client.request('m80000000,0'), '');
  // The end of RAM: a read that runs off it returns what there is.
  const end = 0x80000000 + t.machine.memory.ramSize;
  assert.equal((await client.request(`m${(end - 2).toString(16)},8`)).length, 4);
  assert.equal(await client.request(`M${COUNTER.toString(16)},1:05`), 'E01');
  assert.equal(await client.request(`X${COUNTER.toString(16)},0:`), 'OK');
  assert.equal(await client.request(`M${COUNTER.toString(16)},2:05`), 'E16');
});

test('breakpoints and watchpoints forward and backward, with the stop replies gdb expects', async () => {
  const t = racy();
  const { client } = connect(t);
  assert.equal(await client.request(`Z0,${INCREMENT.toString(16)},2`), 'OK');
  const first = await client.request('vCont;c');
  assert.match(first, /^T05thread:[1-4];swbreak:;$/);
  const hart = parseInt(field(first, 'thread')!, 16) - 1;
  assert.equal(t.machine.harts[hart].pc, Number(INCREMENT));
  const second = await client.request('vCont;c');
  assert.match(second, /swbreak/);
  const at = t.position;
  // Backwards: the first hit again, before its instruction.
  assert.match(await client.request('bc'), /^T05thread:[1-4];swbreak:;$/);
  assert.ok(t.position < at);
  assert.equal(await client.request(`z0,${INCREMENT.toString(16)},2`), 'OK');
  // A hardware breakpoint (hbreak) is reported as one.
  assert.equal(await client.request(`Z1,${INCREMENT.toString(16)},2`), 'OK');
  assert.match(await client.request('c'), /^T05thread:[1-4];hwbreak:;$/);
  assert.equal(await client.request(`z1,${INCREMENT.toString(16)},2`), 'OK');
  // A write watchpoint stops before the store (gdb steps it, RISC-V watchpoints being non-steppable).
  assert.equal(await client.request(`Z2,${COUNTER.toString(16)},8`), 'OK');
  const w = await client.request('vCont;c');
  assert.equal(field(w, 'watch'), COUNTER.toString(16));
  const writer = parseInt(field(w, 'thread')!, 16) - 1;
  const before = t.machine.memory.readBytes(Number(COUNTER), 8)!;
  assert.match(await client.request(`vCont;s:${(writer + 1).toString(16)};c`), /^T05thread:/);
  assert.notDeepEqual(t.machine.memory.readBytes(Number(COUNTER), 8), before);
  // Backwards, the stop is just after the store, and a reverse step of that hart undoes it.
  const back = await client.request('bc');
  assert.equal(field(back, 'watch'), COUNTER.toString(16));
  const after = t.machine.memory.readBytes(Number(COUNTER), 8)!;
  assert.equal(await client.request(`Hc${field(back, 'thread')}`), 'OK');
  assert.match(await client.request('bs'), /^T05thread:/);
  assert.notDeepEqual(t.machine.memory.readBytes(Number(COUNTER), 8), after);
  assert.equal(await client.request(`z2,${COUNTER.toString(16)},8`), 'OK');
  assert.equal(await client.request(`Z3,${COUNTER.toString(16)},8`), 'OK');
  assert.match(await client.request('c'), /rwatch:/);
  assert.equal(await client.request(`z3,${COUNTER.toString(16)},8`), 'OK');
  assert.equal(await client.request(`Z4,${COUNTER.toString(16)},8`), 'OK');
  assert.match(await client.request('c'), /awatch:/);
  assert.equal(await client.request(`z4,${COUNTER.toString(16)},8`), 'OK');
  assert.equal(await client.request('Z2,0,8'), 'E0e');
  assert.equal(await client.request('Z9,0,8'), 'E16');
});

test('the ends of the recording are replaylog stops; the exit is told as console output', async () => {
  const t = racy();
  const { client } = connect(t);
  assert.match(await client.request('bc'), /replaylog:begin;/);
  assert.match(await client.request('bs'), /replaylog:begin;/);
  assert.equal(t.position, 0);
  assert.match(await client.request('vCont;c'), /replaylog:end;/);
  assert.equal(t.position, t.end);
  assert.match(client.output, /exited with code 1/);
  assert.match(await client.request('vCont;s:1'), /replaylog:end;/);
});

test('stepping one hart forward and back moves that hart by one instruction and returns to the same state', async () => {
  const t = racy();
  const { client } = connect(t);
  assert.equal(await client.request(`Z0,${INCREMENT.toString(16)},2`), 'OK');
  await client.request('c');
  await client.request(`z0,${INCREMENT.toString(16)},2`);
  const h = t.machine.harts[2];
  await client.request('Hg3');
  const g0 = await client.request('g'),
    pos0 = t.position,
    retired = h.retired;
  assert.match(await client.request('vCont;s:3;c'), /^T05thread:3;$/);
  assert.equal(h.retired, retired + 1);
  assert.match(await client.request('Hc3'), /OK/);
  assert.match(await client.request('bs'), /^T05thread:3;$/);
  assert.equal(h.retired, retired);
  assert.ok(t.position <= pos0);
  assert.equal(await client.request('g'), g0);
});

test('monitor commands: position, when, goto, checkpoints, help, unknown', async () => {
  const t = racy();
  const { client } = connect(t);
  const mon = async (cmd: string) => hexText(await client.request('qRcmd,' + Buffer.from(cmd).toString('hex')));
  assert.match(await mon('position'), new RegExp(`^position 0 of ${t.end}\\n`));
  assert.match(await mon('goto 1000'), /^at position 1000;/);
  assert.equal(t.position, 1000);
  assert.match(await mon('when'), /^position 1000; hart \d runs next; hart 0: \d+ retired/);
  assert.match(await mon('checkpoints'), /snapshots? \(/);
  assert.match(await mon('goto 99999999'), new RegExp(`at position ${t.end} \\(the recording ends at ${t.end}\\)`));
  assert.match(await mon('goto banana'), /goto needs a position/);
  assert.match(await mon('help'), /monitor goto POSITION/);
  assert.match(await mon('frobnicate'), /unknown monitor command 'frobnicate'/);
  assert.equal(await client.request('qRcmd,zz'), 'E16');
});

test('malformed, unknown and corrupted packets get NAK, empty or Exx replies and the stub goes on', async () => {
  const t = racy();
  const notes: string[] = [];
  const { client, stub } = connect(t, notes);
  for (const p of ['Jfoo', 'qFrobnicate', 'vFrob', 'bx', 'Qfoo', 'vFile:open:', ''])
    assert.equal(await client.request(p), '', p);
  for (const p of [
    'Z0',
    'Z0,zz,2',
    'z1,1',
    'vCont;x',
    'vCont;s:99',
    'H',
    'Hgzz',
    'T',
    'Tzz',
    'qThreadExtraInfo,99',
    'g1',
    'cz',
    'sz',
    'qXfer:features:read:target.xml:zz',
    'qXfer:features:read:target.xml:ffffff,10',
    'P',
    'Pzz=1',
    'Xzz',
    'M1,1:zz',
  ]) {
    assert.match(await client.request(p), /^E[0-9a-f]{2}$/, p);
  }
  // A bad checksum is NAKed and nothing is executed; a NAK from the client gets the last reply again.
  const acksBefore = client.acks.length;
  client.raw('$qC#00');
  assert.equal(await client.request('qAttached'), '1');
  assert.equal(client.acks.slice(acksBefore), '-+');
  client.raw('-');
  assert.equal(await client.next(), '1');
  assert.equal(notes.filter((n) => /internal error/.test(n)).length, 0, notes.join(''));
  assert.ok(!stub.done);
});

/** xorshift32 for the fuzz. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

test("fuzz: 3,000 seeded packets built from gdb's packet letters with random arguments never crash the stub", async () => {
  const t = racy();
  const notes: string[] = [];
  const { client, stub } = connect(t, notes);
  const next = rng(1234);
  const heads = [
    'm',
    'M',
    'X',
    'p',
    'P',
    'g',
    'G',
    'Z0,',
    'z0,',
    'Z2,',
    'z2,',
    'Z3,',
    'Z4,',
    'H',
    'Hg',
    'Hc',
    'T',
    'q',
    'qRcmd,',
    'qXfer:features:read:target.xml:',
    'qThreadExtraInfo,',
    'v',
    'vCont;',
    'vCont;s:',
    'Q',
    '?',
    's',
    'bs',
    'bc',
    'c',
  ];
  const alphabet = '0123456789abcdefABCDEF,:;=-xyz';
  for (let n = 0; n < 3000; n++) {
    const head = heads[next() % heads.length];
    // Runs are rare and bounded (the recording is short), so the fuzz stays quick.
    if ((head === 'c' || head === 'bc') && next() % 8 !== 0) continue;
    let tail = '';
    for (let k = next() % 24; k > 0; k--) tail += alphabet[next() % alphabet.length];
    const reply = await client.request(head + tail);
    assert.equal(typeof reply, 'string');
  }
  assert.equal(notes.filter((x) => /internal error/.test(x)).length, 0, notes.join(''));
  assert.ok(!stub.done);
});

test('D detaches with OK and closes; k closes', async () => {
  const t = racy();
  const { client, stub } = connect(t);
  assert.equal(await client.request('D'), 'OK');
  assert.ok(stub.done && client.closed);
  const k = connect(racy());
  k.client.raw(Buffer.from('$k#6b'));
  await new Promise((r) => setImmediate(r));
  assert.ok(k.stub.done);
});

test('Ctrl-C interrupts a continue that would never stop (a live recording of a spinning hart)', async () => {
  const RAM = 0x80000000;
  const elf = buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x0000006f) }] }); // j .
  const t = GdbTarget.record({ images: [{ role: 'kernel', path: 'spin.elf', bytes: elf }], harts: 2 });
  const { client } = connect(t);
  const stop = client.request('vCont;c');
  await new Promise((r) => setImmediate(r));
  client.raw(Uint8Array.of(3));
  assert.match(await stop, /^T02thread:[12];$/);
  assert.ok(t.position > 0);
  assert.equal(await client.request('qAttached'), '1');
});

test('Ctrl-C interrupts a reverse-continue with nothing to find, where it has searched down to', async () => {
  const RAM = 0x80000000;
  const elf = buildElf({ entry: RAM, segments: [{ paddr: RAM, bytes: words(0x0000006f) }] }); // j .
  const t = GdbTarget.record({ images: [{ role: 'kernel', path: 'spin.elf', bytes: elf }], harts: 1 });
  // 12 M positions recorded: the search back to the start takes several stretches.
  assert.equal(t.seek(12_000_000).kind, 'arrived');
  const { client } = connect(t);
  const stop = client.request('bc');
  // The first stretch runs before the packet's handler returns; the interrupt arrives between stretches.
  await new Promise((r) => setImmediate(r));
  client.raw(Uint8Array.of(3));
  assert.match(await stop, /^T02thread:1;$/);
  assert.ok(t.position > 0 && t.position < 12_000_000, `stopped at ${t.position}`);
  // Not interrupted, the same search reaches the start of the recording.
  assert.match(await client.request('bc'), /^T05thread:1;replaylog:begin;$/);
  assert.equal(t.position, 0);
});

test('record mode: back into the past, forward to the frontier and on, edits at the frontier only, finished on detach', async () => {
  const elf = new Uint8Array(readFileSync(join(repoRoot(), 'test/guests/bin/paging.elf')));
  const chunks: Uint8Array[] = [];
  const t = GdbTarget.record({
    images: [{ role: 'kernel', path: 'paging.elf', bytes: elf }],
    harts: 1,
    sink: (b) => chunks.push(Uint8Array.from(b)),
  });
  const { client } = connect(t);
  // User code runs at virtual 0x40000000 under Sv39: a breakpoint there, and memory read through the page tables.
  assert.equal(await client.request('Z0,40000000,4'), 'OK');
  assert.match(await client.request('vCont;c'), /swbreak/);
  assert.equal(hexText(await client.request('qThreadExtraInfo,1')), 'hart 0, U-mode');
  assert.equal(registerValue(await client.request(`p${REG.priv.toString(16)}`)), 0n);
  assert.equal(await client.request('m40000000,4'), '83320500'); // ld t0, 0(a0)
  assert.equal(await client.request('m50000000,4'), 'E0e'); // not mapped
  const frontier = t.position;
  assert.equal(t.end, frontier);
  // At the frontier a register write is recorded; in the past it is refused.
  assert.equal(await client.request('P5=2a00000000000000'), 'OK');
  assert.equal(t.machine.harts[0].readX(5), 42n);
  assert.match(await client.request('bs'), /^T05thread:1;$/);
  assert.ok(t.position < frontier);
  assert.equal(await client.request('P5=2b00000000000000'), 'E01');
  assert.equal(await client.request('M40001000,1:07'), 'E01');
  // Forward again re-executes to the frontier (the edit is replayed) and then records on to the end.
  assert.equal(await client.request('z0,40000000,4'), 'OK');
  assert.match(await client.request('vCont;c'), /replaylog:end;/);
  assert.ok(t.position > frontier);
  assert.match(client.output, /exited with code/);
  assert.equal(await client.request('D'), 'OK');
  t.finish();
  // The file is finished and replays to the same end.
  const rec = readRecording(new Uint8Array(Buffer.concat(chunks)), 'live.hartrec');
  assert.ok(rec.trailer, 'the recording has a trailer');
  assert.equal(rec.trailer!.positions, t.end);
  assert.equal(rec.log.edits.length, 1);
});
