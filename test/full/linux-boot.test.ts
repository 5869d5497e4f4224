// Boots the test kernel (scripts/linux/build.sh: Linux 6.12 behind Debian's OpenSBI fw_jump, with the initramfs of
// test/linux) on 1, 2, 4 and 8 harts, on Hartline and on QEMU 7.2, to smp_race's output and power-off, and compares
// the consoles line by line. Lines that differ on purpose are normalised below, each with the reason.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { BOOT_LIMIT, bootOnQemu, FW_JUMP, kernelOrSkip, linuxMachine, LinuxKernel } from './support/linux-kernel';

/** A boot's console and how it ended, on Hartline. */
export function bootOnHartline(
  k: LinuxKernel,
  harts: number,
): { out: string; reason: string; code: number; positions: number } {
  const { m, console } = linuxMachine(k, harts);
  const r = m.run(BOOT_LIMIT);
  return { out: console().replace(/\r/g, ''), reason: r.reason, code: r.exitCode, positions: m.position };
}

/**
 * Lines that differ between the two machines on purpose, with why; `replace` turns a line into its comparable form
 * (undefined drops it).
 */
const EXPLAINED: { pattern: RegExp; why: string; replace: (line: string) => string | undefined }[] = [
  // OpenSBI's banner: QEMU 7.2 enables the H extension by default; Hartline has no hypervisor extension.
  {
    pattern: /^Boot HART (Base ISA|MIDELEG|MEDELEG)\s*:/,
    why: 'the H extension (ISA letter, delegable VS-level causes)',
    replace: (l) => l.replace(/:.*/, ': <isa>'),
  },
  {
    pattern: /^Boot HART ISA Extensions\s*:/,
    why: "QEMU lists the extensions it emulates beyond Hartline's (OpenSBI probes them)",
    replace: (l) => l.replace(/:.*/, ': <isa>'),
  },
  // OpenSBI's boot hart is whichever hart wins its lottery: on QEMU host-thread timing, on Hartline the schedule.
  {
    pattern: /^(Domain0 Boot HART|Boot HART ID|Domain0 HARTs)\s*:/,
    why: 'the boot-hart lottery',
    replace: (l) => l.replace(/:.*/, ': <lottery>'),
  },
  // Linux's view of the ISA: QEMU's device tree says rv64imafdch_zicsr_zifencei_zihintpause_zba_zbb_zbc_zbs_sstc,
  // Hartline's rv64imafdc_zicsr_zifencei_sstc.
  {
    pattern: /^riscv: base ISA extensions /,
    why: 'the H extension',
    replace: () => 'riscv: base ISA extensions <isa>',
  },
  // QEMU gives the kernel a host-random /chosen/rng-seed, so its entropy pool is ready at once; Hartline, being
  // deterministic, gives none, and the pool becomes ready later, at a point that depends on the interrupts seen.
  { pattern: /^random: crng init done$/, why: "QEMU's random rng-seed", replace: () => undefined },
  // The kernel times byte against word accesses on each CPU (riscv's unaligned-access probe): the ratio is a host
  // timing on QEMU, and the CPUs report in whatever order they finish.
  {
    pattern: /^cpu\d+: Ratio of byte access time to unaligned word access is /,
    why: 'a timing, in arrival order',
    replace: () => undefined,
  },
  // QEMU's device tree also describes devices Hartline does not have (8 virtio-mmio slots, PCIe, flash, fw_cfg,
  // an RTC, the PMU): the kernel's copy of the larger tree and its unflattened nodes leave a little less memory free.
  {
    pattern: /^Memory: \d+K\/\d+K available /,
    why: 'the device trees differ in size',
    replace: (l) => l.replace(/\d+K\/(\d+K) available/, '<n>K/$1 available').replace(/\d+K reserved/, '<n>K reserved'),
  },
  // The initramfs is unpacked by a worker thread while the boot CPU runs the next initcalls, so where its line
  // falls among theirs depends on timing (host threads on QEMU, the schedule on Hartline).
  {
    pattern: /^(Unpacking initramfs\.\.\.|Freeing initrd memory: \d+K)$/,
    why: 'asynchronous unpacking',
    replace: () => undefined,
  },
  // The race's outcome depends on the interleaving: QEMU's comes from host threads, Hartline's from its schedule.
  {
    pattern: /^smp-race: racy counter /,
    why: 'the race itself',
    replace: (l) => l.replace(/counter \d+ of (\d+) \(\d+ updates lost\)/, 'counter <n> of $1'),
  },
];

function comparable(out: string): string[] {
  const lines: string[] = [];
  for (const line of out.split('\n')) {
    const rule = EXPLAINED.find((e) => e.pattern.test(line));
    const kept = rule ? rule.replace(line) : line;
    if (kept !== undefined) lines.push(kept);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const kernel = kernelOrSkip();

test('QEMU and OpenSBI are installed (the Linux tests compare against them)', () => {
  assert.ok(existsSync(FW_JUMP), `${FW_JUMP} is missing: apt-get install opensbi`);
  assert.equal(
    spawnSync('qemu-system-riscv64', ['--version']).status,
    0,
    'qemu-system-riscv64 is missing: apt-get install qemu-system-misc',
  );
});

for (const harts of [1, 2, 4, 8]) {
  test(
    `Linux 6.12 boots on ${harts} hart(s) to smp_race's output and powers off, as on QEMU 7.2`,
    { skip: typeof kernel === 'string' && kernel },
    () => {
      const k = kernel as LinuxKernel;
      const a = bootOnHartline(k, harts);
      assert.equal(
        a.reason,
        'exit',
        `Hartline stopped with ${a.reason} after ${a.positions} instructions:\n${a.out.slice(-3000)}`,
      );
      assert.equal(a.code, 0);
      assert.match(a.out, new RegExp(`smp: Brought up 1 node, ${harts} CPUs?\\n`));
      assert.match(a.out, new RegExp(`smp-race: ${harts} cpus online, one thread on each`));
      for (let t = 0; t < harts; t++) assert.match(a.out, new RegExp(`smp-race: thread ${t} ran on cpu ${t}\\n`));
      assert.match(a.out, /smp-race: locked counter (\d+) of \1: ok\n/);
      assert.match(a.out, /reboot: Power down\n/);
      process.stdout.write(`# ${harts} hart(s): ${a.positions} instructions to power-off\n`);
      const q = bootOnQemu(k, harts, 300_000);
      assert.equal(q.code, 0, `QEMU failed:\n${q.out.slice(-3000)}`);
      for (const out of [a.out, q.out]) {
        assert.match(out, /^Unpacking initramfs\.\.\.$/m, "the unpacker's lines are there, wherever they fall");
        assert.match(out, /^Freeing initrd memory: \d+K$/m);
      }
      assert.deepEqual(comparable(a.out), comparable(q.out));
    },
  );
}
