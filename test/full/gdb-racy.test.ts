// gdb-multiarch against the racy-counter recording through `hartline replay --gdb`: threads, breakpoints,
// watchpoints forwards and backwards, every reverse command, monitor commands, registers equal to the debug
// adapter's at the same positions, and the race found backwards with watch and reverse-continue, in one session.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, gdbMissing, registersOf, runGdb, skipWithoutGdb, Step } from './gdb-harness';
import { readRecording } from '../../src/replay/reader';
import { loadImages } from '../../src/replay/images';
import { RecordingTarget } from '../../src/debug/recording-target';
import { integerRegisters, csrGroup } from '../../src/debug/registers';

const DIR = join(__dirname, '..', '..', '..', 'examples', 'racy-counter');
const REC = 'racy_counter.hartrec',
  ELF = 'racy_counter.elf';

/** The adapter's registers of `hart` at `position`, by the names gdb uses. */
function adapterRegisters(position: number, hart: number): Map<string, bigint> {
  const rec = readRecording(new Uint8Array(readFileSync(join(DIR, REC))), REC);
  const images = loadImages(rec.header, (p) => new Uint8Array(readFileSync(join(DIR, p.split('/').pop()!))), false);
  const t = RecordingTarget.replay(rec, images);
  t.seek(position);
  const h = t.machine.harts[hart];
  const out = new Map<string, bigint>();
  for (const r of integerRegisters(h)) out.set(r.name.replace(/ \(x\d+\)$/, '').replace(/^s0$/, 'fp'), BigInt(r.value));
  for (const r of csrGroup(t.machine, h, 'Machine trap'))
    if (r.value !== 'unavailable') out.set(r.name, BigInt(r.value));
  return out;
}

const STEPS: Step[] = [
  ['threads', ['info threads', 'thread 2', 'info threads', 'thread 1']],
  ['start-regs', ['monitor position', 'thread', 'info registers']],
  [
    'break',
    [
      'break increment_many',
      'continue',
      'info threads',
      'bt',
      'monitor position',
      'thread',
      'info registers',
      'info registers mstatus mepc mcause mtvec',
    ],
  ],
  ['break2', ['continue', 'monitor position', 'thread']],
  ['break-back', ['reverse-continue', 'monitor position', 'thread', 'delete']],
  ['thread-break', ['break increment_many thread 4', 'continue', 'thread', 'delete']],
  ['rwatch', ['rwatch stop', 'continue', 'thread', 'delete']],
  ['watch', ['watch counter', 'continue', 'continue', 'print counter', 'monitor position']],
  [
    'watch-back',
    [
      'reverse-continue',
      'print counter',
      'monitor position',
      'thread',
      'info registers',
      'info registers mstatus mepc mcause mtvec',
    ],
  ],
  ['rstepi', ['delete', 'reverse-stepi', 'print $pc', 'monitor position']],
  ['rnexti', ['reverse-nexti', 'print $pc', 'monitor position']],
  ['stepi', ['stepi', 'print $pc', 'nexti', 'print $pc']],
  ['rstep', ['reverse-step', 'frame']],
  ['rnext', ['reverse-next', 'frame']],
  ['step', ['next', 'frame', 'step', 'frame']],
  ['rfinish', ['reverse-finish', 'frame']],
  ['finish', ['break increment_many', 'continue', 'delete', 'finish', 'frame']],
  ['awatch', ['awatch tally', 'continue', 'reverse-continue', 'delete']],
  [
    'memory',
    [
      'x/2i $pc',
      'x/1gx &counter',
      'print tally',
      'print $priv',
      'thread',
      'print $mhartid',
      'print/x $fcsr',
      'info registers ft0',
      'print $a0 = $a0',
    ],
  ],
  [
    'monitor',
    [
      'monitor when',
      'monitor checkpoints',
      'monitor help',
      'monitor goto 1000',
      'maintenance flush register-cache',
      'monitor position',
    ],
  ],
  ['end', ['continue', 'monitor position', 'print counter', 'print tally']],
  [
    'race',
    [
      'watch counter',
      'reverse-continue',
      'reverse-continue',
      'reverse-continue',
      'reverse-continue',
      'reverse-continue',
      'reverse-continue',
      'delete',
    ],
  ],
  ['begin', ['reverse-continue', 'monitor position', 'frame']],
  [
    'again',
    [
      'break increment_many',
      'continue',
      'continue',
      'reverse-stepi',
      'stepi',
      'reverse-continue',
      'delete',
      'info threads',
    ],
  ],
  ['detach', ['detach']],
];

/** Values gdb printed for `monitor position`, in order (monitor output goes to gdb's stderr). */
function positions(stderr: string): number[] {
  return [...stderr.matchAll(/^position (\d+) of \d+/gm)].map((m) => Number(m[1]));
}
const currentThread = (text: string) => Number(/\[Current thread is (\d+)/.exec(text)![1]);
/** Every "Old value = / New value =" pair in a section. */
const changes = (text: string) =>
  [...text.matchAll(/Thread (\d+) hit Hardware watchpoint \d+: counter\s+Old value = (\d+)\s+New value = (\d+)/g)].map(
    (m) => ({ thread: Number(m[1]), old: Number(m[2]), now: Number(m[3]) }),
  );

function assertRegistersEqual(gdbText: string, position: number, thread: number): void {
  const gdb = registersOf(gdbText),
    adapter = adapterRegisters(position, thread - 1);
  let compared = 0;
  for (const [name, value] of gdb) {
    if (!adapter.has(name)) continue;
    assert.equal(
      value,
      adapter.get(name),
      `${name} of thread ${thread} at position ${position}: gdb says 0x${value.toString(16)}, the adapter 0x${adapter.get(name)!.toString(16)}`,
    );
    compared++;
  }
  assert.ok(compared >= 32, `compared ${compared} registers`);
}

test(
  'a 100-command gdb-multiarch session on the racy counter: threads, breakpoints, watchpoints, every reverse command',
  { skip: skipWithoutGdb, timeout: 600_000 },
  async () => {
    assert.ok(!gdbMissing, 'gdb-multiarch is required in CI (apt-get install gdb-multiarch)');
    const r = await runGdb(['replay', REC], ELF, STEPS, DIR);
    const sec = (name: string) =>
      r.sections.get(name) ?? assert.fail(`no output for ${name}:\n${r.stdout}\n${r.stderr}`);
    console.log(
      `gdb session: ${r.commands} commands, ${r.stdout.length + r.stderr.length} bytes of gdb output; ${/after (\d+) packets/.exec(r.stubErr)?.[1]} packets`,
    );
    assert.ok(r.commands >= 100, `${r.commands} commands`);
    // Nothing gdb printed on stderr is an error: only monitor output and the stub's end-of-recording note.
    const unexpected = r.stderr
      .split('\n')
      .filter(
        (l) =>
          l &&
          !/^(position \d+|hartline: the guest exited|monitor |at position |\d+ snapshots?|(spine|local) snapshot at)/.test(
            l,
          ),
      );
    assert.deepEqual(unexpected, [], r.stderr);
    assert.doesNotMatch(r.stdout, /internal-error|Remote failure|Cannot access memory|not supported|Protocol error/);
    const pos = positions(r.stderr);

    // Threads are harts.
    assert.match(sec('threads'), /1 {4}Thread 1 \(hart 0, M-mode\)[\s\S]*4 {4}Thread 4 \(hart 3, M-mode\)/);
    assert.match(sec('threads'), /\* 2 {4}Thread 2/);
    // Registers at the start, at a breakpoint and at a watchpoint stop equal the debug adapter's at the same position.
    assertRegistersEqual(sec('start-regs'), pos[0], currentThread(sec('start-regs')));
    assert.equal(pos[0], 0);
    assert.match(sec('break'), /Thread \d hit Breakpoint 1, increment_many/);
    assert.match(sec('break'), /in hart_main/);
    assertRegistersEqual(sec('break'), pos[1], currentThread(sec('break')));
    assert.ok(pos[2] > pos[1]);
    assert.equal(pos[3], pos[1], 'reverse-continue returns to the first hit');
    assert.match(sec('thread-break'), /Thread 4 hit Breakpoint \d+, increment_many/);
    assert.equal(currentThread(sec('thread-break')), 4);
    // Watchpoints forward: each stop shows a change made by the stopping thread, just after its store.
    const fwd = changes(sec('watch'));
    assert.equal(fwd.length, 2);
    for (const c of fwd) assert.notEqual(c.now, c.old);
    assert.match(sec('watch'), /increment_many \(limit=[^)]*\) at racy_counter\.c:17/);
    // Backwards: the stop is before the store (pc at the sd), the value as it was.
    const back = changes(sec('watch-back'));
    assert.equal(back.length, 1);
    assert.equal(back[0].old, fwd[1].now);
    assert.equal(back[0].now, fwd[1].old);
    assert.match(sec('watch-back'), /<increment_many\+18>/);
    assertRegistersEqual(sec('watch-back'), pos[5], currentThread(sec('watch-back')));
    // reverse-stepi and reverse-nexti go back one instruction each; stepi and nexti come forward again.
    assert.match(sec('rstepi'), /<increment_many\+16>/);
    assert.ok(pos[6] < pos[5]);
    assert.match(sec('rnexti'), /<increment_many\+14>/);
    assert.ok(pos[7] < pos[6]);
    assert.match(sec('stepi'), /<increment_many\+16>[\s\S]*<increment_many\+18>/);
    assert.match(sec('rstep'), /increment_many \(limit=[^)]*\) at racy_counter\.c:1[5-7]/);
    assert.match(sec('rnext'), /increment_many \(limit=[^)]*\) at racy_counter\.c:1[5-7]/);
    assert.match(sec('step'), /racy_counter\.c:1[78]/);
    assert.match(sec('rwatch'), /Thread \d hit Hardware read watchpoint \d+: stop\s+Value = 0/);
    assert.match(sec('rfinish'), /in hart_main \(hartid=[^)]*\) at racy_counter\.c:25/);
    assert.match(sec('finish'), /Run till exit|Value returned is \$\d+ = \d+/);
    assert.match(sec('finish'), /hart_main \(hartid=[^)]*\) at racy_counter\.c:26/);
    assert.match(
      sec('awatch'),
      /Thread \d hit Hardware access \(read\/write\) watchpoint \d+: tally[\s\S]*Thread \d hit Hardware access \(read\/write\) watchpoint \d+: tally/,
    );
    // Memory, the privilege and CSRs through p packets.
    assert.match(sec('memory'), /<counter>:\s+0x[0-9a-f]{16}/);
    assert.match(sec('memory'), /\$\d+ = 3\n/); // $priv: machine mode
    assert.match(sec('memory'), new RegExp(`\\$\\d+ = ${currentThread(sec('memory')) - 1}\\n`)); // $mhartid
    assert.match(sec('memory'), /ft0 +\{float = 0, double = 0\}/);
    assert.match(r.stderr, /at position 1000;/);
    assert.ok(pos.includes(1000));
    // The end of the recording: the program's symptom.
    assert.match(sec('end'), /No more reverse-execution history\.[\s\S]*\$\d+ = 957\n\$\d+ = 1847/);
    // The race, backwards from the end: a store that does not lower the count by one going back is a lost update.
    const race = changes(sec('race'));
    assert.equal(race.length, 6);
    const lost = race.find((c) => c.now !== c.old - 1);
    assert.ok(lost, `no lost update among ${JSON.stringify(race)}`);
    assert.ok(new Set(race.map((c) => c.thread)).size > 1, 'several harts store to counter');
    assert.match(sec('begin'), /No more reverse-execution history\.[\s\S]*_start \(\) at \.\.\/common\/crt\.S/);
    assert.equal(pos[pos.length - 1], 0);
    assert.match(sec('again'), /hit Breakpoint \d+, increment_many/);
    assert.match(sec('detach'), /\[Inferior 1 \(Remote target\) detached\]/);
    assert.equal(r.stubCode, 0, r.stubErr);
    assert.match(r.stubErr, /gdb detached after \d+ packets/);
  },
);

test(
  'record mode through gdb: back while recording, forward re-executes and records on, finished on detach, and it replays',
  { skip: skipWithoutGdb, timeout: 600_000 },
  async () => {
    assert.ok(!gdbMissing, 'gdb-multiarch is required in CI (apt-get install gdb-multiarch)');
    const dir = mkdtempSync(join(tmpdir(), 'hartline-gdb-record-'));
    try {
      const out = join(dir, 'live.hartrec');
      const r = await runGdb(
        ['record', ELF, '-o', out, '--harts', '4', '--schedule', 'chaos', '--seed', '11', '--quantum', '200'],
        ELF,
        [
          [
            'live',
            [
              'break increment_many',
              'continue',
              'continue',
              'monitor position',
              'reverse-continue',
              'monitor position',
              'reverse-stepi',
              'stepi',
              'delete',
            ],
          ],
          ['watch', ['watch counter', 'continue', 'reverse-continue', 'delete']],
          ['end', ['continue', 'monitor position', 'reverse-stepi', 'info threads', 'print counter']],
          ['write', ['set var counter = 5']],
          ['detach', ['detach']],
        ],
        DIR,
      );
      const pos = positions(r.stderr);
      assert.ok(pos[1] < pos[0], 'reverse-continue went back while recording');
      assert.match(
        r.sections.get('watch')!,
        /Old value = \d+\s+New value = \d+[\s\S]*Old value = \d+\s+New value = \d+/,
      );
      assert.match(r.sections.get('end')!, /No more reverse-execution history\./);
      assert.equal(pos[2], 54934, 'recorded on to the exit, as the committed recording');
      assert.match(r.sections.get('end')!, /\$\d+ = 957/);
      // In the past a write is refused (the recording can change only at its frontier).
      assert.match(r.stdout + r.stderr, /Could not write|Cannot access memory/);
      assert.match(r.sections.get('detach')!, /detached/);
      assert.equal(r.stubCode, 0, r.stubErr);
      assert.match(r.stubOut, /the counter says 957/);
      const v = spawnSync(process.execPath, [CLI, 'replay', out, '--verify'], { encoding: 'latin1', cwd: DIR });
      assert.equal(v.status, 1, v.stderr);
      assert.match(v.stderr, /verified: \d+ checksums equal, 54934 positions, exit with code 1 as recorded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
