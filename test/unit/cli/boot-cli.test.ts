// The boot options of `hartline run` and `record` (--load-address, --initrd, --dtb, --bios default): what they
// load, the one-line errors for bad values, and a recording that refuses a changed initrd.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { words } from '../support/elf-builder';
import { DEFAULT_BIOS } from '../../../src/cli/image';

const CLI = join(__dirname, '..', '..', '..', '..', 'bin', 'hartline.js');
const dir = mkdtempSync(join(tmpdir(), 'hartline-boot-'));

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'latin1', input: '', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function file(name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}
function assertBadInput(r: ReturnType<typeof cli>, pattern: RegExp): void {
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr.split('\n')[0], pattern);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
}

// Reads the byte at 0x84000000 (where the initrd lands: 64 MiB above a kernel at 0x80000000 in 128 MiB of RAM) and
// exits with it through the test finisher: lui a0,0x42000; slli a0,a0,1; lbu a0,0(a0); slli a0,a0,16; lui t1,0x3; addi t1,t1,0x333;
// or a0,a0,t1; lui t0,0x100; sw a0,0(t0).
const EXIT_WITH_INITRD_BYTE = words(
  0x42000537,
  0x00151513,
  0x00054503,
  0x01051513,
  0x00003337,
  0x33330313,
  0x00656533,
  0x001002b7,
  0x00a2a023,
);

test('a flat binary runs at --load-address and reads its --initrd where QEMU would put it', () => {
  const bin = file('flat.bin', EXIT_WITH_INITRD_BYTE);
  const initrd = file('initrd.img', new Uint8Array([42, 1, 2, 3]));
  const r = cli(['run', bin, '--load-address', '0x80000000', '--initrd', initrd]);
  assert.equal(r.code, 42, r.stderr);
  assertBadInput(cli(['run', bin]), /flat\.bin: not an ELF file nor a RISC-V Linux Image .*--load-address$/);
  assertBadInput(
    cli(['run', bin, '--load-address', 'high']),
    /^hartline: --load-address: expected an address such as 0x80200000, got 'high'$/,
  );
  assertBadInput(cli(['run', bin, '--load-address', '0x1000']), /flat\.bin: segment 0x1000-0x1024 is outside RAM/);
  assertBadInput(
    cli(['run', bin, '--load-address', '0x80000000', '--initrd', join(dir, 'nothing')]),
    /nothing: no such file$/,
  );
  assertBadInput(
    cli(['run', bin, '--load-address', '0x80000000', '--dtb', file('bad.dtb', 'not a tree')]),
    /bad\.dtb: not a usable device tree: /,
  );
});

test('a recording keeps the initrd: a changed one is refused on replay, the same one replays', () => {
  const bin = file('rec.bin', EXIT_WITH_INITRD_BYTE);
  const initrd = file('rec-initrd.img', new Uint8Array([9]));
  const rec = join(dir, 'flat.hartrec');
  assert.equal(cli(['record', bin, '-o', rec, '--load-address', '0x80000000', '--initrd', initrd]).code, 9);
  const ok = cli(['replay', rec, '--verify']);
  assert.equal(ok.code, 9, ok.stderr);
  assert.match(ok.stderr, /verified: .* exit with code 9 as recorded/);
  assert.match(cli(['dump', rec]).stdout, /image +initrd .*rec-initrd\.img sha256=/);
  const summary = cli(['dump', rec, '--summary']).stdout;
  assert.match(summary, /^kind +switch +1$/m);
  assert.match(summary, /^kind +checksum +\d+$/m);
  assert.match(summary, /^hart +h0 slices=1 positions=9 \(100\.0%\) inputs=0 wakes=0 edits=0$/m);
  assert.doesNotMatch(summary, /--- events/);
  writeFileSync(initrd, new Uint8Array([10]));
  assertBadInput(cli(['replay', rec]), /rec-initrd\.img: this initrd image differs from the one recorded/);
});

test("--bios default boots Debian's OpenSBI, or says how to install it", () => {
  const r = cli(['run', '--bios', 'default', 'test/guests/bin/sbi_payload.elf', '--harts', '2']);
  if (DEFAULT_BIOS.some((p) => existsSync(p))) {
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /OpenSBI v\d+\.\d+/);
    assert.match(r.stdout, /sbi_payload: hello through the SBI console/);
  } else {
    assertBadInput(r, /^hartline: --bios default: OpenSBI is not installed .*apt-get install opensbi/);
  }
});
