// Builds the flattened device tree (DTB, version 17) that describes this machine, in the shape of QEMU's virt.
// Firmware and guests find the harts, RAM and devices in it; it is placed in RAM and passed in a1.

import { HartlineError } from '../errors';

type Value = string | string[] | number[] | Uint8Array | true;

interface Node {
  name: string;
  props: [string, Value][];
  children: Node[];
}

const node = (name: string, props: [string, Value][], children: Node[] = []): Node => ({ name, props, children });

export interface DeviceTreeConfig {
  harts: number;
  ramBase: number;
  ramSize: number;
  bootargs?: string;
  /** Where the initrd lies in RAM ([start, end)), for /chosen's linux,initrd-start and -end. */
  initrd?: { start: number; end: number };
  /** Extra nodes under /soc, added by later devices (the PLIC, for one). */
  socNodes?: Node[];
}

/** Each cpu node's riscv,isa. */
export const ISA = 'rv64imafdc_zicsr_zifencei_sstc';
/** The PLIC's riscv,ndev, QEMU 7.2's value. */
export const PLIC_NDEV = 96;

const cells64 = (v: number) => [Math.floor(v / 2 ** 32), v >>> 0];

/** The machine's device tree as DTB bytes. */
export function buildDeviceTree(cfg: DeviceTreeConfig): Uint8Array {
  let phandle = 1;
  const cpus: Node[] = [];
  const intc: number[] = [];
  for (let h = 0; h < cfg.harts; h++) {
    const ic = phandle++;
    intc.push(ic);
    cpus.push(
      node(
        `cpu@${h}`,
        [
          ['phandle', [phandle++]],
          ['device_type', 'cpu'],
          ['reg', [h]],
          ['status', 'okay'],
          ['compatible', 'riscv'],
          // What the harts implement, spelled as QEMU 7.2 spells it (its string adds h, zihintpause and zb*, which
          // Hartline does not offer); sstc tells Linux to program its timer through stimecmp, as it does on QEMU.
          ['riscv,isa', ISA],
          ['mmu-type', 'riscv,sv39'],
        ],
        [
          node('interrupt-controller', [
            ['#interrupt-cells', [1]],
            ['interrupt-controller', true],
            ['compatible', 'riscv,cpu-intc'],
            ['phandle', [ic]],
          ]),
        ],
      ),
    );
  }
  const plicPhandle = phandle++;
  const testPhandle = phandle++;
  const chosen: [string, Value][] = [['stdout-path', '/soc/serial@10000000']];
  if (cfg.bootargs !== undefined) chosen.push(['bootargs', cfg.bootargs]);
  chosen.push(...initrdProps(cfg.initrd));
  const root = node(
    '',
    [
      ['#address-cells', [2]],
      ['#size-cells', [2]],
      ['compatible', 'riscv-virtio'],
      ['model', 'riscv-virtio,qemu'],
    ],
    [
      node('chosen', chosen),
      node(`memory@${cfg.ramBase.toString(16)}`, [
        ['device_type', 'memory'],
        ['reg', [...cells64(cfg.ramBase), ...cells64(cfg.ramSize)]],
      ]),
      node(
        'cpus',
        [
          ['#address-cells', [1]],
          ['#size-cells', [0]],
          ['timebase-frequency', [10_000_000]],
        ],
        cpus,
      ),
      node('poweroff', [
        ['value', [0x5555]],
        ['offset', [0]],
        ['regmap', [testPhandle]],
        ['compatible', 'syscon-poweroff'],
      ]),
      node('reboot', [
        ['value', [0x7777]],
        ['offset', [0]],
        ['regmap', [testPhandle]],
        ['compatible', 'syscon-reboot'],
      ]),
      node(
        'soc',
        [
          ['#address-cells', [2]],
          ['#size-cells', [2]],
          ['compatible', 'simple-bus'],
          ['ranges', true],
        ],
        [
          node('test@100000', [
            ['phandle', [testPhandle]],
            ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']],
            ['reg', [0, 0x100000, 0, 0x1000]],
          ]),
          node('serial@10000000', [
            ['interrupts', [10]],
            ['interrupt-parent', [plicPhandle]],
            ['clock-frequency', [3686400]],
            ['reg', [0, 0x10000000, 0, 0x100]],
            ['compatible', 'ns16550a'],
          ]),
          node('plic@c000000', [
            ['phandle', [plicPhandle]],
            // QEMU 7.2 writes its source count, 96, though source 96 itself does not exist (ids run 1 to 95, and
            // the PLIC ignores accesses to 96 on both machines); Linux reports the number, so it is QEMU's.
            ['riscv,ndev', [PLIC_NDEV]],
            ['reg', [0, 0xc000000, 0, 0x600000]],
            ['interrupts-extended', intc.flatMap((p) => [p, 11, p, 9])],
            ['interrupt-controller', true],
            ['compatible', ['sifive,plic-1.0.0', 'riscv,plic0']],
            ['#address-cells', [0]],
            ['#interrupt-cells', [1]],
          ]),
          node('clint@2000000', [
            ['compatible', ['sifive,clint0', 'riscv,clint0']],
            ['reg', [0, 0x2000000, 0, 0x10000]],
            ['interrupts-extended', intc.flatMap((p) => [p, 3, p, 7])],
          ]),
          ...(cfg.socNodes ?? []),
        ],
      ),
    ],
  );
  return flatten(root);
}

/** As QEMU 7.2 writes them: one 32-bit cell each (RAM ends below 4 GiB). */
function initrdProps(initrd: { start: number; end: number } | undefined): [string, Value][] {
  return initrd
    ? [
        ['linux,initrd-start', [initrd.start]],
        ['linux,initrd-end', [initrd.end]],
      ]
    : [];
}

/**
 * A user's device tree (--dtb) with /chosen's bootargs and initrd set as QEMU sets them on a -dtb: the rest of the
 * tree is theirs, untouched. Malformed input is an error naming the file.
 */
export function editDeviceTree(
  bytes: Uint8Array,
  name: string,
  chosen: { bootargs?: string; initrd?: { start: number; end: number } },
): Uint8Array {
  const { root, reserved } = parseDeviceTree(bytes, name);
  if (chosen.bootargs === undefined && !chosen.initrd) return bytes;
  let node = root.children.find((n) => n.name === 'chosen');
  if (!node) root.children.unshift((node = { name: 'chosen', props: [], children: [] }));
  const set = (prop: string, value: Value) => {
    const at = node!.props.findIndex(([n]) => n === prop);
    if (at >= 0) node!.props[at] = [prop, value];
    else node!.props.push([prop, value]);
  };
  if (chosen.bootargs !== undefined) set('bootargs', chosen.bootargs);
  for (const [prop, value] of initrdProps(chosen.initrd)) set(prop, value);
  return flatten(root, reserved);
}

/** Parses a flattened device tree (versions 16 and 17) into nodes; property values stay raw bytes. */
export function parseDeviceTree(bytes: Uint8Array, name: string): { root: Node; reserved: [bigint, bigint][] } {
  const fail = (why: string): never => {
    throw new HartlineError(`${name}: not a usable device tree: ${why}`);
  };
  if (bytes.length < 40) fail('shorter than its header');
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (dv.getUint32(0) !== 0xd00dfeed) fail('no 0xd00dfeed magic');
  const total = dv.getUint32(4),
    structOff = dv.getUint32(8),
    stringsOff = dv.getUint32(12),
    rsvOff = dv.getUint32(16);
  const version = dv.getUint32(20),
    stringsSize = dv.getUint32(32),
    structSize = dv.getUint32(36);
  if (version < 16) fail(`version ${version} (16 or later is needed)`);
  if (total > bytes.length) fail(`truncated: the header says ${total} bytes, the file has ${bytes.length}`);
  if (structOff + structSize > total || stringsOff + stringsSize > total || rsvOff + 16 > total)
    fail('a block lies outside the tree');
  const reserved: [bigint, bigint][] = [];
  for (let o = rsvOff; ; o += 16) {
    if (o + 16 > total) fail('unterminated memory reservation block');
    const address = dv.getBigUint64(o),
      size = dv.getBigUint64(o + 8);
    if (address === 0n && size === 0n) break;
    if (reserved.length > 1024) fail('more than 1024 memory reservations');
    reserved.push([address, size]);
  }
  const text = (from: number, limit: number) => {
    let end = from;
    while (end < limit && bytes[end] !== 0) end++;
    if (end >= limit) fail('an unterminated name');
    return Buffer.from(bytes.subarray(from, end)).toString('latin1');
  };
  const structEnd = structOff + structSize;
  let o = structOff;
  const word = () => {
    if (o + 4 > structEnd) fail('the structure block ends early');
    const v = dv.getUint32(o);
    o += 4;
    return v;
  };
  const stack: Node[] = [];
  let root: Node | undefined;
  for (;;) {
    const token = word();
    if (token === 1) {
      // FDT_BEGIN_NODE
      const nodeName = text(o, structEnd);
      o = (o + nodeName.length + 1 + 3) & ~3;
      const n: Node = { name: nodeName, props: [], children: [] };
      if (stack.length) stack[stack.length - 1].children.push(n);
      else if (root) fail('two root nodes');
      else root = n;
      if (stack.length > 64) fail('nodes nested more than 64 deep');
      stack.push(n);
    } else if (token === 3) {
      // FDT_PROP
      const len = word(),
        nameOff = word();
      if (!stack.length) fail('a property outside any node');
      if (nameOff >= stringsSize || o + len > structEnd) fail('a property runs past its block');
      stack[stack.length - 1].props.push([
        text(stringsOff + nameOff, stringsOff + stringsSize),
        bytes.slice(o, o + len),
      ]);
      o = (o + len + 3) & ~3;
    } else if (token === 2) {
      // FDT_END_NODE
      if (!stack.pop()) fail('an end of node with no node open');
    } else if (token === 4) {
      // FDT_NOP
    } else if (token === 9) {
      // FDT_END
      break;
    } else fail(`unknown token 0x${token.toString(16)} at byte ${o - 4}`);
  }
  if (!root || stack.length) fail('the root node is not closed');
  return { root: root!, reserved };
}

function encodeValue(v: Value): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v + '\0', 'latin1');
  if (v.length > 0 && typeof v[0] === 'string')
    return Buffer.from((v as string[]).map((s) => s + '\0').join(''), 'latin1');
  const out = new Uint8Array(4 * v.length);
  const dv = new DataView(out.buffer);
  (v as number[]).forEach((n, k) => dv.setUint32(4 * k, n >>> 0));
  return out;
}

function flatten(root: Node, reserved: [bigint, bigint][] = []): Uint8Array {
  const struct: number[] = [];
  const strings: string[] = [];
  const stringOffsets = new Map<string, number>();
  let stringsSize = 0;
  const u32 = (v: number) => struct.push((v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  const bytes = (b: Uint8Array) => {
    for (const x of b) struct.push(x);
    while (struct.length % 4 !== 0) struct.push(0);
  };
  const nameOff = (name: string) => {
    let off = stringOffsets.get(name);
    if (off === undefined) {
      off = stringsSize;
      stringOffsets.set(name, off);
      strings.push(name + '\0');
      stringsSize += name.length + 1;
    }
    return off;
  };
  const emit = (n: Node) => {
    u32(1); // FDT_BEGIN_NODE
    bytes(Buffer.from(n.name + '\0', 'latin1'));
    for (const [name, value] of n.props) {
      const data = encodeValue(value);
      u32(3); // FDT_PROP
      u32(data.length);
      u32(nameOff(name));
      bytes(data);
    }
    n.children.forEach(emit);
    u32(2); // FDT_END_NODE
  };
  emit(root);
  u32(9); // FDT_END
  const stringBytes = Buffer.from(strings.join(''), 'latin1');
  const rsvmapOff = 40,
    rsvmapSize = 16 * (reserved.length + 1);
  const structOff = rsvmapOff + rsvmapSize;
  const stringsOff = structOff + struct.length;
  const total = stringsOff + stringBytes.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const header = [0xd00dfeed, total, structOff, stringsOff, rsvmapOff, 17, 16, 0, stringBytes.length, struct.length];
  header.forEach((v, k) => dv.setUint32(4 * k, v));
  reserved.forEach(([address, size], k) => {
    dv.setBigUint64(rsvmapOff + 16 * k, address);
    dv.setBigUint64(rsvmapOff + 16 * k + 8, size);
  });
  out.set(struct, structOff);
  out.set(stringBytes, stringsOff);
  return out;
}
