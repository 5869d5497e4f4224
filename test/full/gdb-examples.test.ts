// gdb-multiarch on every example's committed recording through `hartline replay --gdb`: a breakpoint on the line
// marked CAUSE, threads, a backtrace, stepping both ways and reverse-continue, with no error from gdb.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gdbMissing, runGdb, skipWithoutGdb } from './gdb-harness';
import { readRecording } from '../../src/replay/reader';

const ROOT = join(__dirname, '..', '..', '..');
const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const EXAMPLES = ['abba-deadlock', 'irq-shared-data', 'lost-wakeup', 'ring-buffer', 'smp-boot'];

for (const name of EXAMPLES) {
  test(
    `gdb on the ${name} recording: break at the cause, threads, backtrace, stepping both ways`,
    { skip: skipWithoutGdb, timeout: 600_000 },
    async () => {
      assert.ok(!gdbMissing, 'gdb-multiarch is required in CI (apt-get install gdb-multiarch)');
      if (name === 'smp-boot') assert.ok(existsSync(FW), `${FW} is missing: apt-get install opensbi`);
      const stem = name.replace(/-/g, '_'),
        dir = join(ROOT, 'examples', name);
      const source = readFileSync(join(dir, `${stem}.c`), 'utf8').split('\n');
      const line = source.findIndex((l) => l.includes(`CAUSE: ${name}`)) + 1;
      assert.ok(line > 0, 'a CAUSE marker');
      const harts = readRecording(new Uint8Array(readFileSync(join(dir, `${stem}.hartrec`))), name).header.machine
        .harts;
      const r = await runGdb(
        ['replay', `${stem}.hartrec`],
        `${stem}.elf`,
        [
          ['threads', ['info threads']],
          ['cause', [`break ${stem}.c:${line}`, 'continue', 'bt', 'info registers pc', 'monitor position']],
          ['steps', ['stepi', 'reverse-stepi', 'next', 'reverse-next', 'monitor position']],
          ['again', ['continue', 'reverse-continue', 'monitor position', 'delete']],
          ['end', ['continue', 'reverse-stepi', 'info threads']],
          ['detach', ['detach']],
        ],
        dir,
      );
      const sec = (s: string) => r.sections.get(s) ?? assert.fail(`no output for ${s}:\n${r.stdout}\n${r.stderr}`);
      assert.equal((sec('threads').match(/Thread \d+ \(hart \d+, [USM]-mode/g) ?? []).length, harts, sec('threads'));
      assert.match(sec('cause'), new RegExp(`hit Breakpoint 1, .* at ${stem}\\.c:${line}`));
      assert.match(sec('cause'), /#0 /);
      const pos = [...r.stderr.matchAll(/^position (\d+) of (\d+)/gm)].map((m) => Number(m[1]));
      assert.equal(pos.length, 3);
      assert.ok(pos[2] <= pos[1] || /hit Breakpoint 1/.test(sec('again')), 'reverse-continue went back to a hit');
      assert.match(sec('end'), /No more reverse-execution history\./);
      const unexpected = r.stderr.split('\n').filter((l) => l && !/^(position \d+|hartline: )/.test(l));
      assert.deepEqual(unexpected, [], r.stderr);
      assert.doesNotMatch(r.stdout, /internal-error|Remote failure|Cannot access memory|Protocol error/);
      assert.match(sec('detach'), /detached/);
      assert.equal(r.stubCode, 0, r.stubErr);
    },
  );
}
