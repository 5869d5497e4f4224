// Misaligned loads and stores that straddle two Sv39 pages mapped to unrelated frames (what Linux's unaligned-access
// probe and word-at-a-time copies do): each byte goes through its own page, and a fault on the second page reports
// that page's first byte in tval, as QEMU 7.2 does. Fetches that straddle two pages read both.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { CAUSE, Hart, Priv } from '../../../src/riscv/hart';
import { encode } from '../support/instruction-harness';

const RAM = 0x80000000;
const V = 1,
  R = 2,
  W = 4,
  X = 8;

function pte(m: Machine, addr: number, frame: number, flags: number): void {
  new DataView(m.memory.ram8.buffer).setBigUint64(addr - RAM, ((BigInt(frame) >> 12n) << 10n) | BigInt(flags), true);
}

/** VA 0x40000000 → the code at RAM (RX); 0x40003000 → RAM+0x200000 and 0x40004000 → RAM+0x300000 (RW); 0x40005000 unmapped. */
function machine(code: number[]): { m: Machine; h: Hart } {
  const bytes = new Uint8Array(4 * code.length);
  code.forEach((w, k) => new DataView(bytes.buffer).setUint32(4 * k, w >>> 0, true));
  const m = new Machine(
    { entry: RAM, segments: [{ paddr: RAM, data: bytes, memSize: bytes.length }], symbols: new Map() },
    { ramSize: 8 << 20 },
  );
  const h = m.harts[0];
  const root = RAM + 0x100000,
    l1 = root + 0x1000,
    l0 = root + 0x2000;
  pte(m, root + 8, l1, V);
  pte(m, l1, l0, V);
  pte(m, l0, RAM, V | R | X);
  pte(m, l0 + 8 * 3, RAM + 0x200000, V | R | W);
  pte(m, l0 + 8 * 4, RAM + 0x300000, V | R | W);
  h.satp = (8n << 60n) | BigInt(root >>> 12);
  h.priv = Priv.S;
  h.pc = 0x40000000;
  h.mtvec = BigInt(RAM + 0x800);
  return { m, h };
}

test('an 8-byte load and store at page offset 0xffb go through both pages', () => {
  const { m, h } = machine([
    encode('ld', { rd: 10, rs1: 5 }),
    encode('addi', { rd: 10, rs1: 10, imm: 1 }),
    encode('sd', { rs1: 5, rs2: 10 }),
  ]);
  const ram = m.memory.ram8;
  ram.set([0x11, 0x22, 0x33, 0x44, 0x55], 0x200ffb);
  ram.set([0x66, 0x77, 0x88], 0x300000);
  h.writeX(5, 0x40003ffbn);
  for (let k = 0; k < 3; k++) m.stepInstruction(0);
  assert.equal(h.priv, Priv.S, `no trap (mcause ${h.mcause})`);
  assert.equal(h.readX(10), 0x8877665544332212n);
  assert.deepEqual([...ram.subarray(0x200ffb, 0x201000)], [0x12, 0x22, 0x33, 0x44, 0x55]);
  assert.deepEqual([...ram.subarray(0x300000, 0x300003)], [0x66, 0x77, 0x88]);
});

for (const [name, size] of [
  ['lh', 2],
  ['lw', 4],
  ['ld', 8],
  ['sh', 2],
  ['sw', 4],
  ['sd', 8],
] as const) {
  test(`${name} across into an unmapped page faults with tval = the second page's first byte, touching nothing`, () => {
    const store = name.startsWith('s');
    const { m, h } = machine([store ? encode(name, { rs1: 5, rs2: 10 }) : encode(name, { rd: 10, rs1: 5 })]);
    const at = 0x40005000 - size + 1;
    h.writeX(5, BigInt(at));
    h.writeX(10, 0x0102030405060708n);
    const before = m.memory.ram8.slice(0x300000, 0x301000);
    m.stepInstruction(0);
    assert.equal(h.priv, Priv.M);
    assert.equal(h.mcause, BigInt(store ? CAUSE.storePage : CAUSE.loadPage));
    assert.equal(h.mtval, 0x40005000n);
    assert.equal(h.mepc, 0x40000000n);
    assert.deepEqual(m.memory.ram8.slice(0x300000, 0x301000), before, 'the first page is not written');
    if (!store) assert.equal(h.readX(10), 0x0102030405060708n, 'rd unchanged');
  });
}

test('a fault on the first page of a straddling access reports the access address', () => {
  const { m, h } = machine([encode('ld', { rd: 10, rs1: 5 })]);
  h.writeX(5, 0x40002ffdn); // 0x40002000 is unmapped, 0x40003000 is mapped
  m.stepInstruction(0);
  assert.equal(h.mcause, BigInt(CAUSE.loadPage));
  assert.equal(h.mtval, 0x40002ffdn);
});
