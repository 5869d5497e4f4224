// Walks the one instruction table: every row must have an entry in semantics.ts and semantic cases here (spec
// examples and edge cases), and every case runs one instruction on a real hart. The table's encodings must also decode back to their row.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INSTRUCTIONS } from '../../../src/riscv/instructions';
import { decodeRow } from '../../../src/riscv/decode';
import { semanticsOf } from '../../../src/riscv/semantics';
import { HartRun } from '../../../src/riscv/hart';
import { CODE, DATA, encode, step, Setup, u64 } from '../support/instruction-harness';

const MIN64 = -(1n << 63n),
  MAX64 = (1n << 63n) - 1n,
  ALL = u64(-1n);
const sext32 = (v: bigint) => u64(BigInt.asIntN(32, v));

type Case = () => void;
const CASES = new Map<string, Case[]>();
const add = (name: string, c: Case) => CASES.set(name, [...(CASES.get(name) ?? []), c]);

/** rd=x3 from x1 (and x2). */
function rr(name: string, a: bigint, b: bigint, want: bigint): void {
  add(name, () => {
    const s = step(encode(name, { rd: 3, rs1: 1, rs2: 2 }), { x: { 1: a, 2: b } });
    assert.equal(s.trap, undefined, `${name} trapped`);
    assert.equal(s.x(3), u64(want), `${name}(${a}, ${b})`);
    assert.equal(s.pc, BigInt(CODE + 4));
  });
}
function ri(name: string, a: bigint, imm: number, want: bigint): void {
  add(name, () => {
    const s = step(encode(name, { rd: 3, rs1: 1, imm }), { x: { 1: a } });
    assert.equal(s.x(3), u64(want), `${name}(${a}, ${imm})`);
  });
}

// RV64I arithmetic and logic.
rr('add', MAX64, 1n, MIN64);
rr('add', -1n, 1n, 0n);
rr('add', 0xffffffffn, 1n, 0x100000000n);
rr('sub', 0n, 1n, -1n);
rr('sub', 0x100000000n, 1n, 0xffffffffn);
rr('sub', MIN64, 1n, MAX64);
rr('sll', 1n, 63n, MIN64);
rr('sll', 1n, 68n, 16n);
rr('sll', 0x80000000n, 1n, 0x100000000n);
rr('srl', MIN64, 63n, 1n);
rr('srl', -1n, 32n, 0xffffffffn);
rr('srl', 0x100000000n, 1n, 0x80000000n);
rr('sra', MIN64, 63n, -1n);
rr('sra', -16n, 2n, -4n);
rr('sra', -(1n << 40n), 40n, -1n);
rr('slt', -1n, 0n, 1n);
rr('slt', 0n, -1n, 0n);
rr('slt', 0x100000000n, 0xffffffffn, 0n);
rr('sltu', -1n, 0n, 0n);
rr('sltu', 0n, -1n, 1n);
rr('sltu', 0xffffffffn, 0x100000000n, 1n);
rr('xor', 0xff00ff00ff00ff00n, -1n, 0x00ff00ff00ff00ffn);
rr('or', 0xf0000000_00000000n, 0x0fn, 0xf0000000_0000000fn);
rr('and', 0xffff0000_ffff0000n, 0x12345678_9abcdef0n, 0x12340000_9abc0000n);
ri('addi', 1n, -1, 0n);
ri('addi', 0xffffffffn, 1, 0x100000000n);
ri('addi', 0n, -2048, -2048n);
ri('slti', -5n, -4, 1n);
ri('slti', 5n, -4, 0n);
ri('sltiu', 1n, -1, 1n);
ri('sltiu', -1n, -1, 0n);
ri('xori', 0n, -1, -1n);
ri('xori', 0x5555n, 0x0ff, 0x55aan);
ri('ori', 0x100000000n, 0x7ff, 0x1000007ffn);
ri('ori', 0n, -2048, -2048n);
ri('andi', -1n, 0x7ff, 0x7ffn);
ri('andi', 0xfffffffff0n, -16, 0xfffffffff0n);
ri('slli', 1n, 40, 1n << 40n);
ri('slli', 0xffn, 60, 0xf000000000000000n);
ri('srli', -1n, 60, 0xfn);
ri('srli', 0x8000000000000000n, 32, 0x80000000n);
ri('srai', -256n, 4, -16n);
ri('srai', MIN64, 36, -(1n << 27n));
ri('addiw', 0x7fffffffn, 1, sext32(0x80000000n));
ri('addiw', 0xffffffff00000005n, -6, -1n);
ri('slliw', 1n, 31, sext32(0x80000000n));
ri('slliw', 0x123456789n, 4, sext32(0x23456789n << 4n));
ri('srliw', 0xffffffff80000000n, 1, 0x40000000n);
ri('srliw', -1n, 31, 1n);
ri('sraiw', 0x80000000n, 4, sext32(0xf8000000n));
ri('sraiw', 0x7fffffffn, 30, 1n);
rr('addw', 0xffffffffn, 1n, 0n);
rr('addw', 0x7fffffffn, 1n, sext32(0x80000000n));
rr('subw', 0n, 1n, -1n);
rr('subw', 0x80000000n, 1n, 0x7fffffffn);
rr('sllw', 1n, 33n, 2n);
rr('sllw', 3n, 31n, sext32(0x80000000n));
rr('srlw', 0xffffffff80000000n, 31n, 1n);
rr('srlw', 0x80000000n, 32n, sext32(0x80000000n));
rr('sraw', 0x80000000n, 31n, -1n);
rr('sraw', 0x40000000n, 30n, 1n);

// M: products and quotients, including the spec's division-by-zero and overflow results.
const A = 0x123456789abcdef0n,
  B = 0xfedcba9876543210n;
rr('mul', 0x100000001n, 0x100000001n, 0x200000001n);
rr('mul', -1n, -1n, 1n);
rr('mul', A, B, u64(A * B));
rr('mulh', -1n, -1n, 0n);
rr('mulh', MIN64, MIN64, 1n << 62n);
rr('mulh', A, BigInt.asIntN(64, B), (A * BigInt.asIntN(64, B)) >> 64n);
rr('mulhu', -1n, -1n, ALL - 1n);
rr('mulhu', A, B, (A * B) >> 64n);
rr('mulhsu', -1n, -1n, -1n);
rr('mulhsu', 2n, -1n, 1n);
rr('div', -7n, 2n, -3n);
rr('div', 5n, 0n, -1n);
rr('div', MIN64, -1n, MIN64);
rr('div', A, 3n, A / 3n);
rr('divu', -1n, 2n, MAX64);
rr('divu', 5n, 0n, ALL);
rr('divu', B, 7n, B / 7n);
rr('rem', -7n, 2n, -1n);
rr('rem', 5n, 0n, 5n);
rr('rem', MIN64, -1n, 0n);
rr('rem', 7n, -2n, 1n);
rr('remu', 7n, 0n, 7n);
rr('remu', -1n, 10n, 5n);
rr('mulw', 0x7fffffffn, 2n, -2n);
rr('mulw', 0x100000003n, 0x100000005n, 15n);
rr('divw', 0x80000000n, -1n, sext32(0x80000000n));
rr('divw', 5n, 0n, -1n);
rr('divw', -7n, 2n, -3n);
rr('divuw', 0xffffffffn, 2n, 0x7fffffffn);
rr('divuw', 5n, 0n, -1n);
rr('remw', -7n, 2n, -1n);
rr('remw', 0x80000000n, -1n, 0n);
rr('remw', 5n, 0n, 5n);
rr('remuw', 0xffffffffn, 10n, 5n);
rr('remuw', 0x80000001n, 0n, sext32(0x80000001n));

// Upper immediates, jumps and branches.
add('lui', () => assert.equal(step(encode('lui', { rd: 3, imm: 0x7ffff000 })).x(3), 0x7ffff000n));
add('lui', () => assert.equal(step(encode('lui', { rd: 3, imm: 0x80000000 })).x(3), sext32(0x80000000n)));
add('auipc', () => assert.equal(step(encode('auipc', { rd: 3, imm: 0x1000 })).x(3), BigInt(CODE + 0x1000)));
add('auipc', () => assert.equal(step(encode('auipc', { rd: 3, imm: -0x1000 })).x(3), BigInt(CODE - 0x1000)));
add('jal', () => {
  const s = step(encode('jal', { rd: 1, imm: 16 }));
  assert.equal(s.pc, BigInt(CODE + 16));
  assert.equal(s.x(1), BigInt(CODE + 4));
});
add('jalr', () => {
  const s = step(encode('jalr', { rd: 3, rs1: 1, imm: 0 }), { x: { 1: BigInt(CODE + 0x101) } });
  assert.equal(s.pc, BigInt(CODE + 0x100), 'the low bit is cleared');
  assert.equal(s.x(3), BigInt(CODE + 4));
});
add('jalr', () => {
  const s = step(encode('jalr', { rd: 1, rs1: 1, imm: -4 }), { x: { 1: BigInt(CODE + 0x104) } });
  assert.equal(s.pc, BigInt(CODE + 0x100), 'target computed from rs1 before rd is written');
  assert.equal(s.x(1), BigInt(CODE + 4));
});
function br(name: string, a: bigint, b: bigint, taken: boolean): void {
  add(name, () => {
    const s = step(encode(name, { rs1: 1, rs2: 2, imm: 8 }), { x: { 1: a, 2: b } });
    assert.equal(s.pc, BigInt(CODE + (taken ? 8 : 4)), `${name}(${a}, ${b})`);
  });
}
br('beq', 0x100000000n, 0x100000000n, true);
br('beq', 0x100000000n, 0n, false);
br('bne', 1n, 0x100000001n, true);
br('bne', 5n, 5n, false);
br('blt', -1n, 0n, true);
br('blt', 0n, -1n, false);
br('blt', 3n, 3n, false);
br('bge', 0n, -1n, true);
br('bge', 3n, 3n, true);
br('bge', -2n, -1n, false);
br('bltu', 0n, -1n, true);
br('bltu', -1n, 0n, false);
br('bgeu', -1n, 0n, true);
br('bgeu', 0xffffffffn, 0x100000000n, false);

// Loads and stores, aligned and misaligned (misaligned succeed, as on QEMU).
const MEMV = 0x8877665544332211n;
function ld(name: string, offset: number, want: bigint): void {
  add(name, () => {
    const s = step(encode(name, { rd: 3, rs1: 1, imm: offset }), {
      x: { 1: BigInt(DATA) },
      mem: [
        [DATA, 8, MEMV],
        [DATA + 8, 8, 0xffeeddccbbaa9988n],
      ],
    });
    assert.equal(s.trap, undefined);
    assert.equal(s.x(3), u64(want), `${name} ${offset}`);
  });
}
ld('lb', 7, -0x78n);
ld('lb', 0, 0x11n);
ld('lbu', 7, 0x88n);
ld('lh', 6, BigInt.asIntN(16, 0x8877n));
ld('lh', 1, 0x3322n);
ld('lhu', 6, 0x8877n);
ld('lw', 4, sext32(0x88776655n));
ld('lw', 2, 0x66554433n);
ld('lwu', 4, 0x88776655n);
ld('ld', 0, MEMV);
ld('ld', 1, 0x8888776655443322n);
function st(name: string, size: number, offset: number): void {
  add(name, () => {
    const s = step(encode(name, { rs1: 1, rs2: 2, imm: offset }), {
      x: { 1: BigInt(DATA + 16), 2: 0x0123456789abcdefn },
    });
    assert.equal(s.trap, undefined);
    assert.equal(s.mem(DATA + 16 + offset, size), 0x0123456789abcdefn & ((1n << BigInt(8 * size)) - 1n));
    assert.equal(s.mem(DATA + 16 + offset + size, 1), 0n, 'no bytes past the store');
  });
}
st('sb', 1, -1);
st('sh', 2, 2);
st('sh', 2, 5);
st('sw', 4, 4);
st('sw', 4, 1);
st('sd', 8, 8);
st('sd', 8, 3);
add('ld', () => {
  const s = step(encode('ld', { rd: 3, rs1: 1, imm: 0 }), { x: { 1: 0x800n } });
  assert.equal(s.trap, 5n, 'load outside RAM and devices is an access fault');
  assert.equal(s.mtval, 0x800n);
});
add('sd', () => assert.equal(step(encode('sd', { rs1: 1, rs2: 2 }), { x: { 1: 0x40n } }).trap, 7n));

// System.
add('fence', () => assert.equal(step(encode('fence')).pc, BigInt(CODE + 4)));
add('fence.i', () => assert.equal(step(encode('fence.i')).pc, BigInt(CODE + 4)));
add('ecall', () => {
  const s = step(encode('ecall'));
  assert.equal(s.trap, 11n);
  assert.equal(s.m.harts[0].mepc, BigInt(CODE));
});
add('ebreak', () => {
  const s = step(encode('ebreak'));
  assert.equal(s.trap, 3n);
  assert.equal(s.mtval, 0n);
});
add('mret', () => {
  const s = stepWith(encode('mret'), (h) => {
    h.mepc = BigInt(CODE + 0x40);
    h.mstatus |= (3 << 11) | (1 << 7);
  });
  assert.equal(s.pc, BigInt(CODE + 0x40));
  assert.equal(s.m.harts[0].mstatus & 0x8, 0x8, 'MIE <- MPIE');
  assert.equal((s.m.harts[0].mstatus >> 11) & 3, 0, 'MPP <- U');
});
add('sret', () => {
  const s = stepWith(encode('sret'), (h) => {
    h.sepc = BigInt(CODE + 0x20);
    h.mstatus |= 1 << 8;
  });
  assert.equal(s.pc, BigInt(CODE + 0x20));
  assert.equal(s.m.harts[0].priv, 1, 'returns to S (SPP=1)');
});
add('wfi', () => {
  const s = step(encode('wfi'));
  assert.equal(s.pc, BigInt(CODE + 4));
  assert.equal(s.m.harts[0].run, HartRun.wfi);
});
add('sfence.vma', () => assert.equal(step(encode('sfence.vma')).pc, BigInt(CODE + 4)));
add('sfence.vma', () =>
  assert.equal(
    stepWith(encode('sfence.vma'), (h) => {
      h.priv = 0;
    }).trap,
    2n,
    'illegal in U-mode',
  ),
);
const MSCRATCH = 0x340;
function csr(name: string, old: bigint, operand: bigint, want: bigint, imm = false): void {
  add(name, () => {
    const s = stepWith(encode(name, { rd: 3, rs1: imm ? Number(operand) : 1, csr: MSCRATCH }), (h) => {
      h.mscratch = old;
      h.writeX(1, operand);
    });
    assert.equal(s.x(3), old, `${name} returns the old value`);
    assert.equal(s.m.harts[0].mscratch, want);
  });
}
csr('csrrw', 5n, 0xdeadbeefcafen, 0xdeadbeefcafen);
csr('csrrs', 0xf0n, 0x0fn, 0xffn);
csr('csrrc', 0xffn, 0x0fn, 0xf0n);
csr('csrrwi', 5n, 17n, 17n, true);
csr('csrrsi', 0x10n, 3n, 0x13n, true);
csr('csrrci', 0x13n, 3n, 0x10n, true);
add('csrrw', () =>
  assert.equal(stepWith(encode('csrrw', { rd: 3, rs1: 1, csr: 0xf14 })).trap, 2n, 'writing mhartid is illegal'),
);
add('csrrs', () =>
  assert.equal(stepWith(encode('csrrs', { rd: 3, rs1: 0, csr: 0x7c0 })).trap, 2n, 'unknown CSRs are illegal'),
);

// A: reservations and AMOs.
function amo(name: string, memv: bigint, operand: bigint, wantMem: bigint, width: 4 | 8): void {
  add(name, () => {
    const s = step(encode(name, { rd: 3, rs1: 1, rs2: 2 }), {
      x: { 1: BigInt(DATA), 2: operand },
      mem: [[DATA, 8, memv]],
    });
    assert.equal(s.trap, undefined);
    const mask = width === 8 ? ALL : 0xffffffffn;
    assert.equal(s.x(3), width === 8 ? u64(memv) : sext32(memv), `${name} returns the old value`);
    assert.equal(s.mem(DATA, width), u64(wantMem) & mask, `${name} memory`);
  });
}
amo('amoswap.w', 5n, 9n, 9n, 4);
amo('amoadd.w', 0xffffffffn, 2n, 1n, 4);
amo('amoxor.w', 0xf0n, 0xffn, 0x0fn, 4);
amo('amoand.w', 0xf0n, 0x3cn, 0x30n, 4);
amo('amoor.w', 0xf0n, 0x0fn, 0xffn, 4);
amo('amomin.w', 0xffffffffn, 1n, 0xffffffffn, 4);
amo('amomax.w', 0xffffffffn, 1n, 1n, 4);
amo('amominu.w', 0xffffffffn, 1n, 1n, 4);
amo('amomaxu.w', 0xffffffffn, 1n, 0xffffffffn, 4);
amo('amoswap.d', 5n, -9n, -9n, 8);
amo('amoadd.d', 0xffffffffn, 1n, 0x100000000n, 8);
amo('amoxor.d', -1n, 1n, -2n, 8);
amo('amoand.d', -1n, 0x1234n, 0x1234n, 8);
amo('amoor.d', 1n << 40n, 1n, (1n << 40n) | 1n, 8);
amo('amomin.d', -1n, 1n, -1n, 8);
amo('amomax.d', -1n, 1n, 1n, 8);
amo('amominu.d', -1n, 1n, 1n, 8);
amo('amomaxu.d', -1n, 1n, -1n, 8);
for (const [lr, sc, width] of [
  ['lr.w', 'sc.w', 4],
  ['lr.d', 'sc.d', 8],
] as const) {
  add(lr, () => {
    const s = step(encode(lr, { rd: 3, rs1: 1 }), { x: { 1: BigInt(DATA) }, mem: [[DATA, 8, MEMV]] });
    assert.equal(s.x(3), width === 8 ? MEMV : sext32(MEMV));
    assert.equal(s.m.harts[0].reservation, DATA);
  });
  add(lr, () =>
    assert.equal(step(encode(lr, { rd: 3, rs1: 1 }), { x: { 1: BigInt(DATA + 2) } }).trap, 4n, 'misaligned LR'),
  );
  add(sc, () => {
    const s = step(encode(sc, { rd: 3, rs1: 1, rs2: 2 }), { x: { 1: BigInt(DATA), 2: 7n }, mem: [[DATA, 8, 1n]] });
    assert.equal(s.x(3), 1n, 'SC without a reservation fails');
    assert.equal(s.mem(DATA, 8), 1n);
  });
  add(sc, () => {
    const s = runPair([encode(lr, { rd: 4, rs1: 1 }), encode(sc, { rd: 3, rs1: 1, rs2: 2 })], {
      x: { 1: BigInt(DATA), 2: 7n },
    });
    assert.equal(s.x(3), 0n, 'SC after LR succeeds');
    assert.equal(s.mem(DATA, width), 7n);
  });
  add(sc, () =>
    assert.equal(
      step(encode(sc, { rd: 3, rs1: 1, rs2: 2 }), { x: { 1: BigInt(DATA + 4 * (width === 8 ? 1 : 0) + 2) } }).trap,
      6n,
      'misaligned SC',
    ),
  );
}

// F and D: loads, stores and one arithmetic case per operation (the FPU's own tests cover rounding and flags).
const f32 = (v: number) => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v);
  return BigInt(b.getUint32(0));
};
const f64 = (v: number) => {
  const b = new DataView(new ArrayBuffer(8));
  b.setFloat64(0, v);
  return b.getBigUint64(0);
};
const box = (v: number) => (0xffffffffn << 32n) | f32(v);
add('flw', () =>
  assert.equal(
    step(encode('flw', { rd: 3, rs1: 1, imm: 0 }), { x: { 1: BigInt(DATA) }, mem: [[DATA, 4, f32(1.5)]] }).f(3),
    box(1.5),
    'NaN-boxed',
  ),
);
add('flw', () =>
  assert.equal(
    step(encode('flw', { rd: 3, rs1: 1 }), { x: { 1: BigInt(DATA) }, fpOff: true }).trap,
    2n,
    'illegal with mstatus.FS off',
  ),
);
add('fld', () =>
  assert.equal(
    step(encode('fld', { rd: 3, rs1: 1, imm: 8 }), { x: { 1: BigInt(DATA) }, mem: [[DATA + 8, 8, f64(-2.5)]] }).f(3),
    f64(-2.5),
  ),
);
add('fsw', () =>
  assert.equal(
    step(encode('fsw', { rs1: 1, rs2: 2, imm: 4 }), { x: { 1: BigInt(DATA) }, f: { 2: box(3.25) } }).mem(DATA + 4, 4),
    f32(3.25),
  ),
);
add('fsd', () =>
  assert.equal(
    step(encode('fsd', { rs1: 1, rs2: 2 }), { x: { 1: BigInt(DATA) }, f: { 2: f64(1e300) } }).mem(DATA, 8),
    f64(1e300),
  ),
);
function fop(
  name: string,
  fields: { f?: Record<number, bigint>; x?: Record<number, bigint> },
  check: (s: ReturnType<typeof step>) => void,
): void {
  add(name, () => check(step(encode(name, { rd: 3, rs1: 1, rs2: 2, rs3: 4, rm: 0 }), { f: fields.f, x: fields.x })));
}
const fs = (a: number, b: number, c = 0) => ({ f: { 1: box(a), 2: box(b), 4: box(c) } });
const fd = (a: number, b: number, c = 0) => ({ f: { 1: f64(a), 2: f64(b), 4: f64(c) } });
const eqF = (want: bigint) => (s: ReturnType<typeof step>) => assert.equal(s.f(3), want);
const eqX = (want: bigint) => (s: ReturnType<typeof step>) => assert.equal(s.x(3), u64(want));
fop('fmadd.s', fs(2, 3, 1), eqF(box(7)));
fop('fmsub.s', fs(2, 3, 1), eqF(box(5)));
fop('fnmsub.s', fs(2, 3, 1), eqF(box(-5)));
fop('fnmadd.s', fs(2, 3, 1), eqF(box(-7)));
fop('fmadd.d', fd(2, 3, 1), eqF(f64(7)));
fop('fmsub.d', fd(2, 3, 1), eqF(f64(5)));
fop('fnmsub.d', fd(2, 3, 1), eqF(f64(-5)));
fop('fnmadd.d', fd(2, 3, 1), eqF(f64(-7)));
// Fused: (1 + 2^-30) * (1 - 2^-30) - 1 = -2^-60 exactly, which an unfused multiply would round to 0.
fop('fmadd.d', { f: { 1: f64(1 + 2 ** -30), 2: f64(1 - 2 ** -30), 4: f64(-1) } }, eqF(f64(-(2 ** -60))));
fop('fadd.s', fs(1.5, 2.25), eqF(box(3.75)));
fop('fsub.s', fs(1.5, 2.25), eqF(box(-0.75)));
fop('fmul.s', fs(1.5, 2), eqF(box(3)));
fop('fdiv.s', fs(1, 4), eqF(box(0.25)));
fop('fsqrt.s', fs(6.25, 0), eqF(box(2.5)));
fop('fsgnj.s', fs(1, -2), eqF(box(-1)));
fop('fsgnjn.s', fs(1, -2), eqF(box(1)));
fop('fsgnjx.s', fs(-1, -2), eqF(box(1)));
fop('fmin.s', fs(-0, 0), eqF(box(-0)));
fop('fmax.s', fs(-0, 0), eqF(box(0)));
fop('fcvt.w.s', fs(-2.5, 0), eqX(-2n));
fop('fcvt.wu.s', fs(-1, 0), (s) => {
  assert.equal(s.x(3), 0n);
  assert.equal(s.fflags, 16);
});
fop('fcvt.l.s', fs(1e10, 0), eqX(10000000000n));
fop('fcvt.lu.s', fs(3.5, 0), eqX(4n));
fop('fmv.x.w', fs(-1, 0), eqX(sext32(f32(-1))));
fop('feq.s', fs(1, 1), eqX(1n));
fop('flt.s', fs(1, 2), eqX(1n));
fop('fle.s', fs(2, 1), eqX(0n));
fop('fclass.s', fs(-Infinity, 0), eqX(1n));
fop('fcvt.s.w', { x: { 1: -3n } }, eqF(box(-3)));
fop('fcvt.s.wu', { x: { 1: 0xffffffffn } }, eqF(box(4294967296)));
fop('fcvt.s.l', { x: { 1: -(1n << 40n) } }, eqF(box(-(2 ** 40))));
fop('fcvt.s.lu', { x: { 1: ALL } }, eqF(box(2 ** 64)));
fop('fmv.w.x', { x: { 1: 0x12345678_3f800000n } }, eqF(box(1)));
fop('fadd.d', fd(0.1, 0.2), eqF(f64(0.1 + 0.2)));
fop('fsub.d', fd(1, 3), eqF(f64(-2)));
fop('fmul.d', fd(1e200, 1e200), (s) => {
  assert.equal(s.f(3), f64(Infinity));
  assert.equal(s.fflags, 5);
});
fop('fdiv.d', fd(1, 0), (s) => {
  assert.equal(s.f(3), f64(Infinity));
  assert.equal(s.fflags, 8);
});
fop('fsqrt.d', fd(-1, 0), (s) => {
  assert.equal(s.f(3), 0x7ff8000000000000n, 'canonical NaN');
  assert.equal(s.fflags, 16);
});
fop('fsgnj.d', fd(2, -0), eqF(f64(-2)));
fop('fsgnjn.d', fd(2, -0), eqF(f64(2)));
fop('fsgnjx.d', fd(-2, -1), eqF(f64(2)));
fop('fmin.d', { f: { 1: 0x7ff8000000000000n, 2: f64(3) } }, eqF(f64(3)));
fop('fmax.d', fd(-1, -2), eqF(f64(-1)));
fop('fcvt.s.d', fd(0.1, 0), eqF(box(Math.fround(0.1))));
fop('fcvt.d.s', fs(0.5, 0), eqF(f64(0.5)));
fop('fcvt.w.d', fd(3e9, 0), (s) => {
  assert.equal(s.x(3), 0x7fffffffn);
  assert.equal(s.fflags, 16);
});
fop('fcvt.wu.d', fd(3e9, 0), eqX(sext32(3000000000n)));
fop('fcvt.l.d', fd(-1e18, 0), eqX(-1000000000000000000n));
fop('fcvt.lu.d', fd(2 ** 63, 0), eqX(1n << 63n));
fop('fmv.x.d', fd(-2, 0), eqX(f64(-2)));
fop('feq.d', { f: { 1: 0x7ff8000000000000n, 2: 0x7ff8000000000000n } }, (s) => {
  assert.equal(s.x(3), 0n);
  assert.equal(s.fflags, 0);
});
fop('flt.d', { f: { 1: 0x7ff8000000000000n, 2: f64(1) } }, (s) => {
  assert.equal(s.x(3), 0n);
  assert.equal(s.fflags, 16);
});
fop('fle.d', fd(-0, 0), eqX(1n));
fop('fclass.d', { f: { 1: 0x7ff0000000000001n } }, eqX(1n << 8n));
fop('fcvt.d.w', { x: { 1: 0xffffffff80000000n } }, eqF(f64(-(2 ** 31))));
fop('fcvt.d.wu', { x: { 1: 0xffffffffn } }, eqF(f64(4294967295)));
fop('fcvt.d.l', { x: { 1: MIN64 } }, eqF(f64(-(2 ** 63))));
fop('fcvt.d.lu', { x: { 1: ALL } }, eqF(f64(2 ** 64)));
fop('fmv.d.x', { x: { 1: f64(Math.PI) } }, eqF(f64(Math.PI)));

/** Steps one instruction after adjusting the hart directly. */
function stepWith(
  word: number,
  adjust: (h: ReturnType<typeof step>['m']['harts'][0]) => void = () => {},
): ReturnType<typeof step> {
  return runPair([word], {}, adjust);
}

/** Runs several instructions in sequence, one step each. */
function runPair(
  words: number[],
  setup: Setup,
  adjust: (h: ReturnType<typeof step>['m']['harts'][0]) => void = () => {},
): ReturnType<typeof step> {
  const first = step(0x00000013, setup); // a nop, to get a machine with the setup applied
  const m = first.m;
  const h = m.harts[0];
  words.forEach((w, k) => {
    const o = 4 + 4 * k - (CODE - 0x80000000);
    new DataView(m.memory.ram8.buffer).setUint32(o, w, true);
  });
  m.memory.invalidateAllCode();
  adjust(h);
  for (let k = 0; k < words.length; k++) m.stepInstruction(0);
  const trapped = h.pc === 0x80000800;
  return {
    ...first,
    m,
    pc: h.pc64,
    trap: trapped ? h.mcause : undefined,
    mtval: h.mtval,
    fflags: h.fflags,
    x: (i) => h.readX(i),
    f: (i) => h.readF(i),
    mem: (addr, size) => {
      let v = 0n;
      for (let k = size - 1; k >= 0; k--) v = (v << 8n) | BigInt(m.memory.ram8[addr - 0x80000000 + k]);
      return v;
    },
  };
}

test('every row of the instruction table decodes back to itself', () => {
  for (const row of INSTRUCTIONS) assert.equal(decodeRow(row.match)?.name, row.name, row.name);
});

test('every row has its entry in the semantic table, from which the interpreter and the block compiler derive', () => {
  const missing = INSTRUCTIONS.filter((row) => semanticsOf(row.op) === undefined).map((row) => row.name);
  assert.deepEqual(missing, []);
});

test('every instruction in the table has semantic cases', () => {
  const missing = INSTRUCTIONS.filter((row) => !CASES.has(row.name)).map((row) => row.name);
  assert.deepEqual(missing, []);
});

for (const row of INSTRUCTIONS) {
  const cases = CASES.get(row.name) ?? [];
  test(`${row.name}: ${cases.length} case(s)`, () => {
    assert.ok(cases.length > 0);
    cases.forEach((c) => c());
  });
}
