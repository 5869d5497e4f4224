// The interpreter translates the fetch page once while the pc stays in it: these check that the cached translation
// goes exactly when the TLB's would (sfence.vma, a satp write, a trap into M-mode and back), and that a store to the
// page table alone changes nothing until the sfence.vma, as on a hart with a TLB (and on QEMU).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { Hart, Priv } from '../../../src/riscv/hart';
import { encode } from '../support/instruction-harness';

const RAM = 0x80000000;
const V = 1,
  R = 2,
  W = 4,
  X = 8,
  A = 64,
  D = 128;
const VA = 0x40000000;
/** Two frames with different code at the same offsets; VA maps the first at the start. */
const F1 = RAM + 0x10000,
  F2 = RAM + 0x20000;
const ROOT = RAM + 0x100000,
  ROOT2 = RAM + 0x104000;
const CSR_SATP = 0x180,
  CSR_MEPC = 0x341;

function put(m: Machine, addr: number, words: number[]): void {
  const dv = new DataView(m.memory.ram8.buffer);
  words.forEach((w, k) => dv.setUint32(addr - RAM + 4 * k, w >>> 0, true));
}

function pteValue(frame: number, flags: number): bigint {
  return ((BigInt(frame) >> 12n) << 10n) | BigInt(flags);
}

/** A three-level table at `root` mapping VA → `frame` (RX) and VA + 0x1000 → the tables themselves (RW). */
function table(m: Machine, root: number, frame: number): void {
  const dv = new DataView(m.memory.ram8.buffer);
  const l1 = root + 0x1000,
    l0 = root + 0x2000;
  dv.setBigUint64(root + 8 - RAM, pteValue(l1, V), true);
  dv.setBigUint64(l1 - RAM, pteValue(l0, V), true);
  dv.setBigUint64(l0 - RAM, pteValue(frame, V | R | X | A), true);
  dv.setBigUint64(l0 + 8 - RAM, pteValue(l0, V | R | W | A | D), true);
}

/** S-mode at VA under ROOT, F1's and F2's code given, the interpreter alone (blocks would hide the mechanism). */
function machine(f1: number[], f2: number[]): { m: Machine; h: Hart } {
  const m = new Machine(
    { entry: RAM, segments: [{ paddr: RAM, data: new Uint8Array(4), memSize: 4 }], symbols: new Map() },
    { ramSize: 4 << 20, compile: false },
  );
  put(m, F1, f1);
  put(m, F2, f2);
  table(m, ROOT, F1);
  table(m, ROOT2, F2);
  const h = m.harts[0];
  h.satp = (8n << 60n) | BigInt(ROOT / 4096);
  h.priv = Priv.S;
  h.pc = VA;
  return { m, h };
}

/** jal x0, 0: a loop in place. */
const spin = encode('jal', { rd: 0, imm: 0 });
const addi = (imm: number) => encode('addi', { rd: 10, rs1: 10, imm });
/** t0 = the virtual address of VA's leaf PTE (VA + 0x1000 maps the level-0 table), t1 = a PTE for F2. */
function pointAtLeaf(h: Hart): void {
  h.writeX(5, BigInt(VA + 0x1000));
  h.writeX(6, pteValue(F2, V | R | X | A));
}

test('a store to the live PTE changes nothing before sfence.vma, and the next fetch after it uses the new frame', () => {
  const f1 = [encode('sd', { rs1: 5, rs2: 6 }), addi(1), encode('sfence.vma'), addi(1), spin];
  const f2 = [0, addi(100), 0, addi(100), spin];
  const { m, h } = machine(f1, f2);
  pointAtLeaf(h);
  m.run(5);
  // sd and addi 1 from F1 (the TLB still maps F1), sfence.vma, then addi 100 from F2, then F2's loop.
  assert.equal(h.priv, Priv.S, `no trap (mcause ${h.mcause})`);
  assert.equal(h.readX(10), 101n);
  assert.equal(h.pc, VA + 16);
});

test('a satp write switches the fetch page to the new tables at the next instruction', () => {
  const f1 = [encode('csrrw', { rd: 0, rs1: 7, csr: CSR_SATP }), addi(1), spin];
  const f2 = [0, addi(100), spin];
  const { m, h } = machine(f1, f2);
  h.writeX(7, (8n << 60n) | BigInt(ROOT2 / 4096));
  m.run(4);
  assert.equal(h.readX(10), 100n);
  assert.equal(h.pc, VA + 8);
});

test('a trap into M-mode fetches physically, and mret back to S-mode fetches through the tables again', () => {
  const handler = RAM + 0x800;
  const f1 = [encode('ecall'), addi(1), spin];
  const { m, h } = machine(f1, [0, addi(100), spin]);
  // The handler runs at its physical address: skip the ecall and return.
  put(m, handler, [
    encode('addi', { rd: 10, rs1: 10, imm: 7 }),
    encode('csrrs', { rd: 28, rs1: 0, csr: CSR_MEPC }),
    encode('addi', { rd: 28, rs1: 28, imm: 4 }),
    encode('csrrw', { rd: 0, rs1: 28, csr: CSR_MEPC }),
    encode('mret'),
  ]);
  h.mtvec = BigInt(handler);
  h.mstatus |= 1 << 11; // MPP = S, where mret returns
  m.run(8);
  assert.equal(h.priv, Priv.S);
  assert.equal(h.readX(10), 8n, 'the handler ran (7) and then addi 1 from F1');
  assert.equal(h.pc, VA + 8);
});

test('running off the end of the page translates the next one: a page that is not executable faults there', () => {
  const f1 = new Array(1024).fill(addi(1));
  const { m, h } = machine(f1, []);
  h.mtvec = BigInt(RAM + 0x800);
  m.run(1025);
  assert.equal(h.priv, Priv.M);
  assert.equal(h.mcause, 12n, 'an instruction page fault');
  assert.equal(h.mtval, BigInt(VA + 0x1000));
  assert.equal(h.mepc, BigInt(VA + 0x1000));
  assert.equal(h.readX(10), 1024n);
});
