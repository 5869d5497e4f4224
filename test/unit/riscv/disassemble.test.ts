// The disassembler's syntax where it once went wrong: compressed instructions print their own operands (no spurious
// `zero` in c.bnez, c.beqz, c.li, c.mv), atomics keep .aq/.rl, exact conversions take no rounding mode. The whole
// table is checked against objdump on every guest in test/full/disassemble-objdump.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { disassembleText } from '../../../src/riscv/disassemble';

const at = (word: number, pc = 0x80000000n) => disassembleText(word, pc);

test('compressed instructions print their own operands, as objdump -M no-aliases does', () => {
  assert.equal(at(0x42a1), 'c.li t0,8');
  assert.equal(at(0x4501), 'c.li a0,0');
  assert.equal(at(0x842a), 'c.mv s0,a0');
  assert.equal(at(0xe429, 0x80000042n), 'c.bnez s0,0x8000008c');
  assert.equal(at(0x8082), 'c.jr ra');
  assert.equal(at(0x0001), 'c.addi zero,0');
  assert.equal(at(0x0000), 'c.unimp');
  assert.equal(at(0x1141), 'c.addi sp,-16');
});

test('atomics keep their ordering bits', () => {
  assert.equal(at(0x1404372f), 'lr.d.aq a4,(s0)');
  assert.equal(at(0x1ae437af), 'sc.d.rl a5,a4,(s0)');
  assert.equal(at(0x06b5252f), 'amoadd.w.aqrl a0,a1,(a0)');
  assert.equal(at(0x00b5252f), 'amoadd.w a0,a1,(a0)');
});

test('unknown words print as data, as objdump spells it', () => {
  assert.equal(at(0xffffffff | 0), '.word 0xffffffff');
  assert.equal(at(0x0000007f), '.word 0x0000007f');
});
