// Loading payloads as QEMU's -kernel does: a RISC-V Linux Image by its header, a vmlinux-shaped ELF linked high,
// a flat binary at --load-address; the initrd and a user's device tree. Bad inputs are one-line errors, fuzzed.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { parseElf } from '../../../src/machine/elf';
import { IMAGE_HEADER_SIZE, kernelStart, parseImageHeader, parsePayload } from '../../../src/machine/payload';
import { buildDeviceTree, editDeviceTree, parseDeviceTree } from '../../../src/machine/devicetree';
import { HartlineError } from '../../../src/errors';
import { buildElf, words } from '../support/elf-builder';

// lui t0,0x100; lui t1,0x5; addi t1,t1,0x555; sw t1,0(t0): the test finisher's "pass", exit code 0.
const PASS = [0x001002b7, 0x00005337, 0x55530313, 0x0062a023];

/** A RISC-V Linux Image: the 64-byte header (code0 jumps over it), then `code`, with `bss` more bytes of image_size. */
function linuxImage(code: number[], bss = 0, patch?: (dv: DataView) => void): Uint8Array {
  const body = words(...code);
  const out = new Uint8Array(IMAGE_HEADER_SIZE + body.length);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 0x0400006f, true); // j +64
  dv.setUint32(4, 0x00000013, true); // nop
  dv.setBigUint64(8, 0x200000n, true); // text_offset
  dv.setBigUint64(16, BigInt(out.length + bss), true); // image_size
  dv.setUint32(32, 0x2, true); // version 0.2
  dv.setBigUint64(48, 0x5643534952n, true); // "RISCV"
  dv.setUint32(56, 0x05435352, true); // "RSC\x05"
  out.set(body, IMAGE_HEADER_SIZE);
  patch?.(dv);
  return out;
}

const fields = (e: unknown) => (e instanceof HartlineError ? e.message : String(e));

test('a Linux Image is recognised by its header and runs from the start of RAM without firmware', () => {
  const img = linuxImage(PASS, 8192);
  const h = parseImageHeader(img, 'Image')!;
  assert.deepEqual(h.version, { major: 0, minor: 2 });
  assert.equal(h.textOffset, 0x200000);
  const p = parsePayload(img, 'Image');
  assert.equal(p.entry, 0x80000000);
  assert.equal(p.segments[0].memSize, img.length + 8192, 'image_size covers the bss');
  const m = Machine.fromElf(img, { name: 'Image' });
  const r = m.run(1000);
  assert.equal(r.reason, 'exit');
  assert.equal(r.exitCode, 0);
});

test('behind firmware a Linux Image goes at the firmware end rounded up to 2 MiB, as QEMU 7.2 places it', () => {
  const fw = parseElf(
    buildElf({ entry: 0x80000000, segments: [{ paddr: 0x80000000, bytes: words(0x0000006f), memSize: 0x45ac8 }] }),
    'fw',
  );
  assert.equal(kernelStart(fw), 0x80200000);
  assert.equal(kernelStart(undefined), 0x80000000);
  const p = parsePayload(linuxImage(PASS), 'Image', { firmware: fw });
  assert.equal(p.entry, 0x80200000);
  assert.equal(p.segments[0].paddr, 0x80200000);
});

test('an ELF linked high with p_paddr from 0 (vmlinux) is placed where its Image would be', () => {
  const high = 0xffffffff80000000n;
  const elf = buildElf({
    entry: high,
    segments: [
      { paddr: 0, vaddr: high, bytes: words(...PASS) },
      { paddr: 0x1000, vaddr: high + 0x1000n, bytes: words(1, 2) },
    ],
  });
  const p = parsePayload(elf, 'vmlinux');
  assert.equal(p.entry, 0x80000000);
  assert.deepEqual(
    p.segments.map((s) => s.paddr),
    [0x80000000, 0x80001000],
  );
  const r = Machine.fromElf(elf, { name: 'vmlinux' }).run(1000);
  assert.equal(r.reason, 'exit');
  // An ordinary ELF at RAM addresses is untouched.
  assert.equal(
    parsePayload(buildElf({ entry: 0x80000000, segments: [{ paddr: 0x80000000, bytes: words(...PASS) }] }), 'x').entry,
    0x80000000,
  );
  // An entry point in no segment cannot be mapped.
  const lost = buildElf({ entry: high + 0x100000n, segments: [{ paddr: 0, vaddr: high, bytes: words(...PASS) }] });
  assert.throws(
    () => parsePayload(lost, 'vmlinux'),
    /vmlinux: entry point 0xffffffff80100000 is in no loadable segment/,
  );
});

test('a flat binary needs --load-address, and runs there', () => {
  const flat = words(...PASS);
  assert.throws(
    () => parsePayload(flat, 'blob.bin'),
    (e: unknown) => {
      assert.ok(e instanceof HartlineError);
      assert.equal(e.exitCode, 2);
      assert.match(e.message, /^blob\.bin: not an ELF file nor a RISC-V Linux Image .*--load-address$/);
      return true;
    },
  );
  const m = Machine.fromElf(flat, { name: 'blob.bin', loadAddress: 0x80000000 });
  assert.equal(m.entry, 0x80000000);
  assert.equal(m.run(1000).reason, 'exit');
  // Behind firmware, the firmware still owns the entry; the payload sits where it was told.
  const p = parsePayload(flat, 'blob.bin', { loadAddress: 0x80400000 });
  assert.equal(p.segments[0].paddr, 0x80400000);
});

test('bad Image headers are one-line errors', () => {
  assert.throws(
    () =>
      parsePayload(
        linuxImage(PASS, 0, (dv) => dv.setBigUint64(24, 1n, true)),
        'be.Image',
      ),
    /be\.Image: RISC-V Linux Image is big-endian/,
  );
  assert.throws(
    () =>
      parsePayload(
        linuxImage(PASS, 0, (dv) => dv.setBigUint64(16, 0n, true)),
        'z.Image',
      ),
    /z\.Image: RISC-V Linux Image has no image_size/,
  );
  assert.throws(
    () =>
      parsePayload(
        linuxImage(PASS, 0, (dv) => dv.setBigUint64(16, 1n << 50n, true)),
        'h.Image',
      ),
    /impossible image_size/,
  );
  // Larger than RAM: the loader names the segment and RAM.
  assert.throws(
    () => Machine.fromElf(linuxImage(PASS, 200 << 20), { name: 'big.Image' }),
    /big\.Image: segment 0x80000000-0x8c8000.* is outside RAM/,
  );
});

test('the initrd goes min(RAM/2, 128 MiB) above the kernel entry and is named in /chosen', () => {
  const initrd = new Uint8Array(12345).fill(7);
  const m = Machine.fromElf(linuxImage(PASS), { name: 'Image', initrd });
  const start = 0x80000000 + 64 * 1024 * 1024;
  assert.equal(readByte(m, start), 7);
  const dt = parseDeviceTree(readTree(m), 'dtb');
  const chosen = dt.root.children.find((n) => n.name === 'chosen')!;
  const cell = (name: string) =>
    new DataView((chosen.props.find(([n]) => n === name)![1] as Uint8Array).buffer).getUint32(0);
  assert.equal(cell('linux,initrd-start'), start);
  assert.equal(cell('linux,initrd-end'), start + 12345);
  // 256 MiB of RAM: 128 MiB above the entry.
  const big = Machine.fromElf(linuxImage(PASS), { name: 'Image', initrd, ramSize: 256 << 20 });
  assert.equal(readByte(big, 0x80000000 + 128 * 1024 * 1024), 7);
  assert.throws(
    () => Machine.fromElf(linuxImage(PASS), { name: 'Image', initrd: new Uint8Array(70 << 20) }),
    /initrd: .* run past the end of RAM/,
  );
});

test('--dtb boots the given tree, with bootargs and the initrd set in /chosen as QEMU does', () => {
  const mine = buildDeviceTree({ harts: 3, ramBase: 0x80000000, ramSize: 64 << 20, bootargs: 'old' });
  const m = Machine.fromElf(linuxImage(PASS), {
    name: 'Image',
    harts: 1,
    dtb: mine,
    bootargs: 'console=ttyS0',
    initrd: new Uint8Array(16),
  });
  const t = parseDeviceTree(readTree(m), 'dtb');
  const cpus = t.root.children.find((n) => n.name === 'cpus')!;
  assert.equal(cpus.children.length, 3, 'the user tree, not the generated one (1 hart)');
  const chosen = t.root.children.find((n) => n.name === 'chosen')!;
  const bootargs = chosen.props.find(([n]) => n === 'bootargs')![1] as Uint8Array;
  assert.equal(Buffer.from(bootargs).toString('latin1'), 'console=ttyS0\0');
  assert.ok(chosen.props.some(([n]) => n === 'linux,initrd-start'));
  // Without edits the bytes are booted as given.
  assert.equal(editDeviceTree(mine, 'x.dtb', {}), mine);
  assert.throws(
    () => Machine.fromElf(linuxImage(PASS), { name: 'Image', dtb: new Uint8Array(100), dtbName: 'bad.dtb' }),
    /bad\.dtb: not a usable device tree: no 0xd00dfeed magic$/,
  );
});

/** A small deterministic generator (xorshift32), so failures reproduce. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

test('2000 corrupted Image headers load or fail with one clear HartlineError', () => {
  const random = rng(0x1a6e);
  const base = linuxImage(PASS, 4096);
  let loaded = 0,
    refused = 0;
  for (let k = 0; k < 2000; k++) {
    let bytes = base.slice();
    if (k % 4 === 0) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
    const flips = 1 + Math.floor(random() * 6);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(random() * Math.min(bytes.length, IMAGE_HEADER_SIZE));
      if (at < bytes.length) bytes[at] ^= 1 << Math.floor(random() * 8);
    }
    try {
      const m = Machine.fromElf(bytes, { name: 'fuzz.Image', ramSize: 8 << 20 });
      loaded++;
      const r = m.run(5000);
      assert.ok(['exit', 'limit', 'trap', 'deadlock'].includes(r.reason), r.reason);
    } catch (e) {
      if (!(e instanceof HartlineError)) throw new Error(`case ${k}: ${e instanceof Error ? e.stack : String(e)}`);
      assert.equal(e.exitCode, 2);
      assert.ok(!e.message.includes('\n'), `one line: ${fields(e)}`);
      assert.match(e.message, /^fuzz\.Image: /);
      refused++;
    }
  }
  assert.ok(loaded > 100 && refused > 100, `${loaded} loaded, ${refused} refused`);
});

test('2000 corrupted device trees parse or fail with one clear HartlineError', () => {
  const random = rng(0xd7b);
  const base = buildDeviceTree({ harts: 2, ramBase: 0x80000000, ramSize: 64 << 20, bootargs: 'x' });
  let parsed = 0,
    refused = 0;
  for (let k = 0; k < 2000; k++) {
    let bytes = base.slice();
    if (k % 3 === 0) bytes = bytes.subarray(0, Math.floor(random() * bytes.length));
    const flips = 1 + Math.floor(random() * 6);
    for (let f = 0; f < flips; f++) {
      const at = Math.floor(random() * bytes.length);
      if (at < bytes.length) bytes[at] ^= 1 << Math.floor(random() * 8);
    }
    try {
      editDeviceTree(bytes, 'fuzz.dtb', { bootargs: 'y', initrd: { start: 1, end: 2 } });
      parsed++;
    } catch (e) {
      if (!(e instanceof HartlineError)) throw new Error(`case ${k}: ${e instanceof Error ? e.stack : String(e)}`);
      assert.ok(!e.message.includes('\n'));
      assert.match(e.message, /^fuzz\.dtb: not a usable device tree: /);
      refused++;
    }
  }
  assert.ok(parsed > 50 && refused > 50, `${parsed} parsed, ${refused} refused`);
});

function readByte(m: Machine, address: number): number {
  return m.memory.ram8[address - 0x80000000];
}

function readTree(m: Machine): Uint8Array {
  const at = m.fdtAddress - 0x80000000;
  const size = new DataView(m.memory.ram8.buffer, m.memory.ram8.byteOffset + at).getUint32(4);
  return m.memory.ram8.slice(at, at + size);
}
