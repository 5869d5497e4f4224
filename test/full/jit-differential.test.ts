// The long differential test of the block compiler: every guest in the manifest, OpenSBI with the S-mode payload
// on 1 and 4 harts, and many more seeded random streams than npm test runs, all compared at every checkpoint.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { parseElf } from '../../src/machine/elf';
import { differential } from '../unit/support/jit-differential';
import { randomProgram } from '../unit/support/random-program';

const FW = '/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf';
const PAYLOAD = 'test/guests/bin/sbi_payload.elf';

const guests = readFileSync('test/guests/guests.txt', 'utf8')
  .split('\n')
  .filter((l) => l.trim() && !l.startsWith('#'))
  .map((l) => l.split(/\s+/)[0]);
for (const guest of [...guests, 'vm_bench', 'bench_mixed', 'bench_smp', 'bench_fp']) {
  const harts = guest.startsWith('smp_') || guest === 'bench_smp' ? 4 : 1;
  test(`${guest} on ${harts} hart(s): compiled blocks agree with the interpreter`, () => {
    const path = `test/guests/bin/${guest}.elf`;
    const r = differential(
      parseElf(new Uint8Array(readFileSync(path)), path),
      { harts, quantum: 1009 },
      30_000_000,
      99_991,
    );
    assert.ok(r.checkpoints >= 1);
  });
}

for (const harts of [1, 4]) {
  test(`OpenSBI fw_jump with the S-mode payload on ${harts} hart(s): compiled blocks agree with the interpreter`, (t) => {
    if (!existsSync(FW)) {
      if (process.env.CI === 'true') assert.fail(`${FW} is missing: apt-get install opensbi`);
      t.skip(`${FW} is missing (apt-get install opensbi)`);
      return;
    }
    const payload = parseElf(new Uint8Array(readFileSync(PAYLOAD)), PAYLOAD);
    const r = differential(
      payload,
      { harts, quantum: 1009, bios: parseElf(new Uint8Array(readFileSync(FW)), FW) },
      200_000_000,
      49_999,
    );
    assert.ok(r.blocks > 100, `only ${r.blocks} blocks compiled`);
  });
}

for (const sv39 of [false, true]) {
  for (let seed = 100; seed < 120; seed++) {
    test(`random stream seed ${seed}${sv39 ? ' under Sv39' : ''}, 3 M positions`, () => {
      const r = differential(randomProgram({ seed, sv39, length: 6000 }), { harts: 2, quantum: 1499 }, 3_000_000, 9973);
      assert.ok(r.blocks > 20);
    });
  }
}

// The extended streams (every F/D row and rounding mode, faulting AMOs and LRs, counter, id and FP CSRs in blocks).
for (const sv39 of [false, true]) {
  for (let seed = 200; seed < 208; seed++) {
    test(`extended random stream seed ${seed}${sv39 ? ' under Sv39' : ''}, 3 M positions`, () => {
      const r = differential(
        randomProgram({ seed, sv39, length: 6000, extended: true }),
        { harts: 2, quantum: 1499 },
        3_000_000,
        9973,
      );
      assert.ok(r.blocks > 20);
    });
  }
}
