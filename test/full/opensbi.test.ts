// Boots Debian's OpenSBI fw_jump.elf with our S-mode payload on 1, 2, 4 and 8 harts, on Hartline and on QEMU 7.2,
// and compares the consoles line by line. Only lines that describe the ISA differently may differ; each is explained.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Machine } from '../../src/machine/machine';
import { parseElf } from '../../src/machine/elf';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const PAYLOAD = 'test/guests/bin/sbi_payload.elf';

/** Lines allowed to differ, and why. Hartline implements RV64GC without the hypervisor extension. */
const EXPLAINED: [RegExp, string][] = [
  [
    /^Boot HART Base ISA\s*:/,
    'QEMU 7.2 enables the H extension by default (rv64imafdch); Hartline has no hypervisor extension',
  ],
  [
    /^Boot HART MIDELEG\s*:/,
    'the H extension adds delegable VS-level and guest-external interrupts (bits 2, 6, 10, 12)',
  ],
  [/^Boot HART MEDELEG\s*:/, 'the H extension adds delegable VS ecalls and guest page faults (bits 10, 20-23)'],
  // OpenSBI's boot hart is whichever hart wins its lottery first. On QEMU that depends on host thread timing and
  // changes from run to run; on Hartline it is fixed by the schedule.
  [/^Domain0 Boot HART\s*:/, 'the boot-hart lottery winner'],
  [/^Boot HART ID\s*:/, 'the boot-hart lottery winner'],
  [/^Domain0 HARTs\s*:/, 'the boot-hart lottery winner is marked with *'],
];

test('OpenSBI and QEMU are installed (the firmware tests below need them)', () => {
  assert.ok(existsSync(FW), `${FW} is missing: apt-get install opensbi`);
  assert.equal(
    spawnSync('qemu-system-riscv64', ['--version']).status,
    0,
    'qemu-system-riscv64 is missing: apt-get install qemu-system-misc',
  );
});

function ours(harts: number): { out: string; code: number; reason: string } {
  const m = new Machine(parseElf(new Uint8Array(readFileSync(PAYLOAD)), PAYLOAD), {
    harts,
    bios: parseElf(new Uint8Array(readFileSync(FW)), FW),
  });
  let out = '';
  m.onConsole = (b) => {
    out += Buffer.from(b).toString('latin1');
  };
  const r = m.run(2_000_000_000);
  return { out, code: r.exitCode, reason: r.reason };
}

function qemu(harts: number): { out: string; code: number | null } {
  const r = spawnSync(
    'qemu-system-riscv64',
    [
      '-M',
      'virt',
      '-smp',
      String(harts),
      '-bios',
      FW,
      '-kernel',
      PAYLOAD,
      '-nographic',
      '-monitor',
      'none',
      '-serial',
      'stdio',
    ],
    { encoding: 'latin1', timeout: 60_000 },
  );
  return { out: r.stdout, code: r.status };
}

for (const harts of [1, 2, 4, 8]) {
  test(`OpenSBI fw_jump boots our payload on ${harts} hart(s) as on QEMU`, () => {
    const a = ours(harts),
      q = qemu(harts);
    const text = a.out.replace(/\r/g, ''); // OpenSBI ends lines with \r\n
    assert.equal(a.reason, 'exit', `Hartline stopped with ${a.reason}:\n${a.out}`);
    assert.equal(a.code, 0);
    assert.equal(q.code, 0, `QEMU failed:\n${q.out}`);
    // The banner and the hart count.
    assert.match(text, /OpenSBI v\d+\.\d+/);
    assert.match(text, new RegExp(`Platform HART Count\\s*: ${harts}\\n`));
    // The payload's own checks.
    assert.match(text, /sbi_payload: hello through the SBI console\n/);
    assert.match(text, /time reads monotonic\n/);
    assert.match(text, /S-mode timer interrupt taken\n/);
    for (let h = 0; h < harts; h++) assert.match(text, new RegExp(`hart ${h} running in S-mode\\n`));
    assert.match(text, new RegExp(`harts started through HSM: ${harts - 1}, checked in: ${harts - 1}\\n`));
    assert.match(text, /shutting down through SRST\n$/);
    // Line by line against QEMU.
    const ol = a.out.split('\n'),
      ql = q.out.split('\n');
    assert.equal(ol.length, ql.length, `line counts differ:\n${a.out}\n---\n${q.out}`);
    for (let k = 0; k < ol.length; k++) {
      if (ol[k] === ql[k]) continue;
      const why = EXPLAINED.find(([re]) => re.test(ol[k]) && re.test(ql[k]));
      assert.ok(why, `line ${k + 1} differs without an explanation:\n  Hartline: ${ol[k]}\n  QEMU:     ${ql[k]}`);
    }
  });
}
