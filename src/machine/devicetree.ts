// Builds the flattened device tree (DTB, version 17) that describes this machine, in the shape of QEMU's virt.
// Firmware and guests find the harts, RAM and devices in it; it is placed in RAM and passed in a1.

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
  /** Extra nodes under /soc, added by later devices (the PLIC, for one). */
  socNodes?: Node[];
}

const cells64 = (v: number) => [Math.floor(v / 2 ** 32), v >>> 0];

/** The machine's device tree as DTB bytes. */
export function buildDeviceTree(cfg: DeviceTreeConfig): Uint8Array {
  let phandle = 1;
  const cpus: Node[] = [];
  const intc: number[] = [];
  for (let h = 0; h < cfg.harts; h++) {
    const ic = phandle++;
    intc.push(ic);
    cpus.push(node(`cpu@${h}`, [
      ['phandle', [phandle++]],
      ['device_type', 'cpu'],
      ['reg', [h]],
      ['status', 'okay'],
      ['compatible', 'riscv'],
      ['riscv,isa', 'rv64imafdc_zicsr_zifencei'],
      ['mmu-type', 'riscv,sv39'],
    ], [node('interrupt-controller', [
      ['#interrupt-cells', [1]],
      ['interrupt-controller', true],
      ['compatible', 'riscv,cpu-intc'],
      ['phandle', [ic]],
    ])]));
  }
  const plicPhandle = phandle++;
  const testPhandle = phandle++;
  const chosen: [string, Value][] = [['stdout-path', '/soc/serial@10000000']];
  if (cfg.bootargs !== undefined) chosen.push(['bootargs', cfg.bootargs]);
  const root = node('', [
    ['#address-cells', [2]],
    ['#size-cells', [2]],
    ['compatible', 'riscv-virtio'],
    ['model', 'riscv-virtio,qemu'],
  ], [
    node('chosen', chosen),
    node(`memory@${cfg.ramBase.toString(16)}`, [['device_type', 'memory'], ['reg', [...cells64(cfg.ramBase), ...cells64(cfg.ramSize)]]]),
    node('cpus', [['#address-cells', [1]], ['#size-cells', [0]], ['timebase-frequency', [10_000_000]]], cpus),
    node('poweroff', [['value', [0x5555]], ['offset', [0]], ['regmap', [testPhandle]], ['compatible', 'syscon-poweroff']]),
    node('reboot', [['value', [0x7777]], ['offset', [0]], ['regmap', [testPhandle]], ['compatible', 'syscon-reboot']]),
    node('soc', [['#address-cells', [2]], ['#size-cells', [2]], ['compatible', 'simple-bus'], ['ranges', true]], [
      node('test@100000', [['phandle', [testPhandle]], ['compatible', ['sifive,test1', 'sifive,test0', 'syscon']], ['reg', [0, 0x100000, 0, 0x1000]]]),
      node('serial@10000000', [['interrupts', [10]], ['interrupt-parent', [plicPhandle]], ['clock-frequency', [3686400]],
        ['reg', [0, 0x10000000, 0, 0x100]], ['compatible', 'ns16550a']]),
      node('plic@c000000', [
        ['phandle', [plicPhandle]],
        ['riscv,ndev', [95]],
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
    ]),
  ]);
  return flatten(root);
}

function encodeValue(v: Value): Uint8Array {
  if (v === true) return new Uint8Array(0);
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return Buffer.from(v + '\0', 'latin1');
  if (v.length > 0 && typeof v[0] === 'string') return Buffer.from((v as string[]).map((s) => s + '\0').join(''), 'latin1');
  const out = new Uint8Array(4 * v.length);
  const dv = new DataView(out.buffer);
  (v as number[]).forEach((n, k) => dv.setUint32(4 * k, n >>> 0));
  return out;
}

function flatten(root: Node): Uint8Array {
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
  const rsvmapOff = 40, rsvmapSize = 16;
  const structOff = rsvmapOff + rsvmapSize;
  const stringsOff = structOff + struct.length;
  const total = stringsOff + stringBytes.length;
  const out = new Uint8Array(total);
  const dv = new DataView(out.buffer);
  const header = [0xd00dfeed, total, structOff, stringsOff, rsvmapOff, 17, 16, 0, stringBytes.length, struct.length];
  header.forEach((v, k) => dv.setUint32(4 * k, v));
  out.set(struct, structOff);
  out.set(stringBytes, stringsOff);
  return out;
}
