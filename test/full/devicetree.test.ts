// Decodes Hartline's device tree with an independent decoder, Debian's dtc, and checks what firmware relies on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDeviceTree } from '../../src/machine/devicetree';

function dts(harts: number, bootargs?: string): string {
  const dtb = buildDeviceTree({ harts, ramBase: 0x80000000, ramSize: 256 << 20, bootargs });
  const r = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', '-'], { input: dtb, encoding: 'utf8' });
  assert.equal(r.error, undefined, 'dtc is missing: apt-get install device-tree-compiler');
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

/** dtc prints string lists either as "a", "b" or as "a\0b", depending on its version. */
const list = (...items: string[]) => items.map((i) => i.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('(?:", "|\\\\0)');

test('dtc decodes the tree: cpus with ISA and timebase, memory, CLINT, PLIC, UART, finisher, chosen', () => {
  const s = dts(4, 'console=ttyS0');
  assert.match(s, /timebase-frequency = <0x989680>;/);
  for (let h = 0; h < 4; h++)
    assert.match(s, new RegExp(`cpu@${h} \\{[^}]*riscv,isa = "rv64imafdc_zicsr_zifencei_sstc";`, 's'));
  assert.doesNotMatch(s, /cpu@4/);
  assert.match(s, /memory@80000000 \{\s*device_type = "memory";\s*reg = <0x00 0x80000000 0x00 0x10000000>;/);
  assert.match(s, new RegExp(`clint@2000000 \\{[^}]*compatible = "${list('sifive,clint0', 'riscv,clint0')}";`, 's'));
  assert.match(s, /plic@c000000 \{[^}]*riscv,ndev = <0x60>;/s);
  assert.match(s, /serial@10000000 \{[^}]*compatible = "ns16550a";/s);
  assert.match(
    s,
    new RegExp(`test@100000 \\{[^}]*compatible = "${list('sifive,test1', 'sifive,test0', 'syscon')}";`, 's'),
  );
  assert.match(s, new RegExp(`plic@c000000 \\{[^}]*interrupts-extended = <(0x0\\w+ 0x0b 0x0\\w+ 0x09 ?){4}>;`, 's'));
  assert.match(s, /chosen \{[^}]*stdout-path = "\/soc\/serial@10000000";[^}]*bootargs = "console=ttyS0";/s);
  assert.match(s, /poweroff \{[^}]*value = <0x5555>;/s);
});

/** The cells of a property in dtc's output of one node, e.g. interrupts-extended of plic@c000000. */
function cells(s: string, node: string, prop: string): string[] {
  const body = new RegExp(`${node} \\{([^}]*)\\}`, 's').exec(s)?.[1] ?? '';
  const v = new RegExp(`${prop} = <([^>]*)>;`).exec(body)?.[1];
  assert.ok(v !== undefined, `${node} has no ${prop}`);
  return v.trim().split(/\s+/);
}

test('on 64 harts the cpus, CLINT and PLIC have the shape of QEMU 7.2 virt -smp 64', (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'hartline-dtb-')), 'virt64.dtb');
  const q = spawnSync('qemu-system-riscv64', ['-M', `virt,dumpdtb=${file}`, '-smp', '64', '-display', 'none']);
  if (q.error || q.status !== 0) {
    if (process.env.CI === 'true') assert.fail('qemu-system-riscv64 is missing: apt-get install qemu-system-misc');
    t.skip('qemu-system-riscv64 is not installed');
    return;
  }
  const qd = spawnSync('dtc', ['-I', 'dtb', '-O', 'dts', file], { encoding: 'utf8' });
  assert.equal(qd.status, 0, qd.stderr);
  const theirs = qd.stdout,
    ours = dts(64);
  const cpuCount = (s: string) => (s.match(/\bcpu@[0-9a-f]+ \{/g) ?? []).length;
  assert.equal(cpuCount(ours), 64);
  assert.equal(cpuCount(theirs), 64);
  // The register windows are sized for every hart QEMU allows, so 64 harts fit in the same ones.
  assert.deepEqual(cells(ours, 'clint@2000000', 'reg'), cells(theirs, 'clint@2000000', 'reg'));
  assert.deepEqual(cells(ours, 'plic@c000000', 'reg'), cells(theirs, 'plic@c000000', 'reg'));
  // CLINT: software and timer interrupt of every hart (phandle, irq pairs); PLIC: an M and an S context per hart.
  for (const node of ['clint@2000000', 'plic@c000000']) {
    const a = cells(ours, node, 'interrupts-extended'),
      b = cells(theirs, node, 'interrupts-extended');
    assert.equal(a.length, 64 * 2 * 2, node);
    assert.equal(a.length, b.length, node);
    assert.deepEqual(
      a.filter((_, k) => k % 2 === 1),
      b.filter((_, k) => k % 2 === 1),
      `${node}: interrupt numbers per context`,
    );
  }
});
