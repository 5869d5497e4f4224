// Decodes Hartline's device tree with an independent decoder, Debian's dtc, and checks what firmware relies on.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
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
  for (let h = 0; h < 4; h++) assert.match(s, new RegExp(`cpu@${h} \\{[^}]*riscv,isa = "rv64imafdc_zicsr_zifencei";`, 's'));
  assert.doesNotMatch(s, /cpu@4/);
  assert.match(s, /memory@80000000 \{\s*device_type = "memory";\s*reg = <0x00 0x80000000 0x00 0x10000000>;/);
  assert.match(s, new RegExp(`clint@2000000 \\{[^}]*compatible = "${list('sifive,clint0', 'riscv,clint0')}";`, 's'));
  assert.match(s, /plic@c000000 \{[^}]*riscv,ndev = <0x5f>;/s);
  assert.match(s, /serial@10000000 \{[^}]*compatible = "ns16550a";/s);
  assert.match(s, new RegExp(`test@100000 \\{[^}]*compatible = "${list('sifive,test1', 'sifive,test0', 'syscon')}";`, 's'));
  assert.match(s, new RegExp(`plic@c000000 \\{[^}]*interrupts-extended = <(0x0\\w+ 0x0b 0x0\\w+ 0x09 ?){4}>;`, 's'));
  assert.match(s, /chosen \{[^}]*stdout-path = "\/soc\/serial@10000000";[^}]*bootargs = "console=ttyS0";/s);
  assert.match(s, /poweroff \{[^}]*value = <0x5555>;/s);
});
