// gdb-multiarch on a recording of the test kernel's boot (2 harts, behind OpenSBI) through `hartline replay --gdb`,
// with vmlinux's symbols: breakpoints on kernel functions at virtual addresses with Sv39 on, on the boot hart and on
// the secondary hart's path, every hart in `info threads`, kernel frames in `bt`, reverse-stepi, reverse-continue to
// an earlier breakpoint, and a watchpoint on jiffies_64 seen going forwards and then backwards.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, gdbMissing, runGdb, skipWithoutGdb, Step } from './gdb-harness';
import { FW_JUMP, kernelOrSkip, LinuxKernel } from './support/linux-kernel';

const kernel = kernelOrSkip();
const skip = (typeof kernel === 'string' && kernel) || skipWithoutGdb;

const STEPS: Step[] = [
  ['start', ['info threads']],
  ['start_kernel', ['break start_kernel', 'continue', 'info threads', 'bt', 'monitor position']],
  ['kernel_init', ['break kernel_init', 'continue', 'bt', 'monitor position']],
  ['rstepi', ['reverse-stepi', 'print $pc', 'monitor position']],
  ['back', ['reverse-continue', 'monitor position', 'thread']],
  // The secondary hart's first C function, reached forwards from start_kernel.
  ['secondary', ['delete', 'break smp_callin', 'continue', 'thread', 'info threads', 'bt', 'monitor position']],
  ['watch', ['delete', 'watch jiffies_64', 'continue', 'continue', 'print jiffies_64', 'monitor position']],
  ['watch-back', ['reverse-continue', 'print jiffies_64', 'monitor position', 'bt']],
];

/** Values gdb printed for `monitor position`, in order (monitor output goes to gdb's stderr). */
const positionsIn = (stderr: string): number[] =>
  [...stderr.matchAll(/^position (\d+) of \d+/gm)].map((m) => Number(m[1]));

test(
  'gdb-multiarch debugs a recorded Linux boot on 2 harts backwards with vmlinux symbols',
  { skip, timeout: 1_200_000 },
  async () => {
    assert.ok(!gdbMissing, 'gdb-multiarch is required in CI (apt-get install gdb-multiarch)');
    const k = kernel as LinuxKernel;
    const dir = mkdtempSync(join(tmpdir(), 'hartline-gdb-linux-'));
    try {
      const rec = join(dir, 'boot.hartrec');
      const r = spawnSync(
        process.execPath,
        [CLI, 'record', k.image, '--bios', FW_JUMP, '--initrd', k.initrd, '--harts', '2', '-o', rec],
        { encoding: 'latin1', maxBuffer: 1 << 26 },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /reboot: Power down/);
      const g = await runGdb(['replay', rec], k.vmlinux, STEPS, dir);
      const s = (name: string) => {
        const text = g.sections.get(name);
        assert.ok(text !== undefined, `gdb never reached step ${name}:\n${g.stdout}\n${g.stderr}`);
        return text;
      };
      // One `monitor position` per step after the first, in the order of STEPS.
      const at = positionsIn(g.stderr);
      assert.equal(at.length, STEPS.length - 1, g.stderr);
      const [atStart, atInit, atRstepi, atBack, atSecondary, atWatch, atWatchBack] = at;

      // Both harts are threads from the reset vector on.
      assert.match(s('start'), /^\* 1 +Thread 1 \(hart 0, M-mode\) +0x0*80000000/m);
      assert.match(s('start'), /^ +2 +Thread 2 \(hart 1, M-mode\)/m);

      // start_kernel at its virtual address, on hart 0 in S-mode, called from head.S.
      const sk = s('start_kernel');
      assert.match(sk, /Breakpoint 1 at 0xffffffff[0-9a-f]+: file .*init\/main\.c/);
      assert.match(sk, /Thread 1 hit Breakpoint 1, start_kernel \(\) at .*init\/main\.c:\d+/);
      assert.match(sk, /^\* 1 +Thread 1 \(hart 0, S-mode\) +start_kernel \(\)/m);
      assert.match(sk, /^ +2 +Thread 2 \(hart 1, M-mode\)/m, 'hart 1 still waits in OpenSBI');
      assert.match(sk, /^#0 +start_kernel \(\)/m);
      assert.match(sk, /^#1 +0xffffffff[0-9a-f]+ in _start_kernel \(\) at .*head\.S:\d+/m);

      const ki = s('kernel_init');
      assert.match(ki, /Thread 1 hit Breakpoint 2, kernel_init \(unused=0x0\)/);
      assert.match(ki, /^#1 +0xffffffff[0-9a-f]+ in ret_from_fork \(\)/m);
      assert.ok(atInit > atStart);

      // One instruction back: the position is one less, and the pc is in the code that jumped to kernel_init.
      const rs = s('rstepi');
      assert.equal(atRstepi, atInit - 1);
      assert.match(rs, /\$1 = \(void \(\*\)\(\)\) 0xffffffff[0-9a-f]+ <ret_from_fork\+\d+>/);

      // Backwards to the earlier breakpoint, at the very position it was hit going forwards.
      const back = s('back');
      assert.match(back, /Thread 1 hit Breakpoint 1, start_kernel \(\)/);
      assert.equal(atBack, atStart);

      // The secondary hart enters the kernel at smp_callin in S-mode; both harts are then in the kernel.
      const sec = s('secondary');
      assert.match(sec, /Thread 2 hit Breakpoint 3, smp_callin \(\)/);
      assert.match(sec, /^\* 2 +Thread 2 \(hart 1, S-mode\) +smp_callin \(\)/m);
      // gdb pads the Target Id column to its longest entry; hart 0 may be asleep in the idle loop's wfi by then.
      assert.match(sec, /^ +1 +Thread 1 \(hart 0, S-mode(, wfi)?\)/m);
      assert.match(sec, /^#0 +smp_callin \(\)/m);
      assert.ok(atSecondary > atStart);

      // jiffies_64 goes up by one at each timer tick, in do_timer...
      const w = s('watch');
      const ticks = [...w.matchAll(/Old value = (\d+)\nNew value = (\d+)/g)].map((m) => [BigInt(m[1]), BigInt(m[2])]);
      assert.equal(ticks.length, 2, w);
      for (const [a, b] of ticks) assert.equal(b, a + 1n);
      assert.equal(ticks[1][0], ticks[0][1]);
      assert.match(w, /do_timer \(ticks=ticks@entry=1\) at .*timekeeping\.c/);
      const last = ticks[1][1];
      assert.match(w, new RegExp(`^\\$\\d+ = ${last}$`, 'm'));

      // ...and backwards: reverse-continue stops at the write that made it `last`, seen undone (it goes back by one).
      const wb = s('watch-back');
      assert.match(wb, new RegExp(`Old value = ${last}\\nNew value = ${last - 1n}\\n`));
      assert.match(wb, new RegExp(`^\\$\\d+ = ${last - 1n}$`, 'm'));
      assert.ok(atWatchBack < atWatch);
      // The stack of the timer interrupt: do_timer called from the tick handler, through the interrupt entry.
      assert.match(wb, /^#0 .*do_timer/m);
      assert.match(wb, /^#\d+ .* in tick_periodic /m);
      assert.match(wb, /^#\d+ .* in handle_riscv_irq /m);
      assert.doesNotMatch(g.stdout + g.stderr, /Remote connection closed|Remote communication error/);
      process.stdout.write(
        `# gdb on Linux: start_kernel at ${atStart}, kernel_init at ${atInit}, jiffies_64 ${last} at ${atWatch}\n`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
