// Unit checks of pieces the fixtures reach only partly: C type spelling, gdb's number and string formats, DWARF 5 index forms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { typeName, Type } from '../../../src/symbols/types';
import { formatFloat, stringLiteral } from '../../../src/symbols/format';
import { DwarfInfo } from '../../../src/symbols/info';
import { AT } from '../../../src/symbols/dwarf';
import { evaluate } from '../../../src/symbols/expr';

const int: Type = { kind: 'base', name: 'int', size: 4, encoding: 5 };
const char: Type = { kind: 'base', name: 'char', size: 1, encoding: 8 };

test('C type names are spelled as gdb spells them', () => {
  const ptr = (target: Type): Type => ({ kind: 'pointer', target, size: 8 });
  const cnst = (target: Type): Type => ({ kind: 'qualified', qual: 'const', target });
  const arr = (element: Type, ...dims: number[]): Type => ({ kind: 'array', element, dims });
  const fn: Type = { kind: 'function', ret: int, params: [ptr(char)], variadic: false, prototyped: true };
  assert.equal(typeName(ptr(cnst(char))), 'const char *');
  assert.equal(typeName(cnst(ptr(char))), 'char * const');
  assert.equal(typeName(ptr(ptr(char))), 'char **');
  assert.equal(typeName(arr(ptr(char), 3)), 'char *[3]');
  assert.equal(typeName(ptr(arr(int, 3))), 'int (*)[3]');
  assert.equal(typeName(arr(int, 4, 5)), 'int [4][5]');
  assert.equal(typeName(ptr(fn)), 'int (*)(char *)');
  assert.equal(
    typeName({ kind: 'function', ret: { kind: 'void' }, params: [], variadic: false, prototyped: true }),
    'void (void)',
  );
  assert.equal(typeName({ kind: 'qualified', qual: 'volatile', target: cnst(int) }), 'const volatile int');
  assert.equal(typeName({ kind: 'struct', size: 0, members: [] }), 'struct {...}');
});

test('floating-point values print like C %g with 9 (float) or 17 (double) digits', () => {
  assert.equal(formatFloat(0.5, 9), '0.5');
  assert.equal(formatFloat(2.25, 17), '2.25');
  assert.equal(formatFloat(0.1, 17), '0.10000000000000001');
  assert.equal(formatFloat(Math.fround(0.1), 9), '0.100000001');
  assert.equal(formatFloat(1e20, 17), '1e+20');
  assert.equal(formatFloat(1.5e-7, 17), '1.4999999999999999e-07');
  assert.equal(formatFloat(123456789, 9), '123456789');
  assert.equal(formatFloat(-0, 17), '-0');
});

test('strings escape like C and fold runs of more than ten equal characters', () => {
  assert.equal(stringLiteral([...Buffer.from('a"b\\')], false), '"a\\"b\\\\"');
  assert.equal(stringLiteral([0, 0, 0x80, 0x3f], false), '"\\000\\000\\200?"');
  assert.equal(stringLiteral([0x41, ...new Array(12).fill(0)], false), '"A", \'\\000\' <repeats 12 times>');
  assert.equal(stringLiteral([10, 9], true), '"\\n\\t"...');
});

test('DWARF 5 index forms read .debug_str_offsets and .debug_addr through the unit bases', () => {
  // One compile unit: DW_AT_str_offsets_base and DW_AT_addr_base first, then a name (strx1) and low_pc (addrx1).
  const abbrev = Uint8Array.from([1, 0x11, 0, 0x72, 0x17, 0x73, 0x17, 0x03, 0x25, 0x11, 0x29, 0, 0, 0]);
  const str = new TextEncoder().encode('\0unit.c\0');
  const strOffsets = Uint8Array.from([12, 0, 0, 0, 5, 0, 0, 0, /* header done */ 0, 0, 0, 0, 1, 0, 0, 0]);
  const addr = new Uint8Array(8 + 16);
  new DataView(addr.buffer).setBigUint64(16, 0x80001234n, true);
  const body = [1, 8, 0, 0, 0, 8, 0, 0, 0, 1, 1];
  const header = [0, 0, 0, 0, 5, 0, 1, 8, 0, 0, 0, 0];
  const info = Uint8Array.from([...header, ...body]);
  new DataView(info.buffer).setUint32(0, info.length - 4, true);
  const empty = new Uint8Array(0);
  const dw = new DwarfInfo({
    info,
    abbrev,
    str,
    lineStr: empty,
    strOffsets,
    addr,
    ranges: empty,
    rnglists: empty,
    loc: empty,
    loclists: empty,
    line: empty,
  });
  assert.deepEqual(dw.damage, []);
  const root = dw.units[0].root!;
  assert.equal(root.str(AT.name), 'unit.c');
  assert.equal(root.get(AT.low_pc), 0x80001234n);
});

test('location expressions: pieces, stack values and registers', () => {
  const regs = (n: number) => (n === 8 ? 0x1000n : n === 10 ? 7n : undefined);
  const mem = () => undefined;
  // DW_OP_breg8 -16: an address.
  assert.deepEqual(evaluate(Uint8Array.from([0x78, 0x70]), { addressSize: 8, regs, mem }).pieces, [
    { kind: 'memory', addr: 0xff0n },
  ]);
  // DW_OP_reg10 DW_OP_piece 4, DW_OP_piece 4: first half in a0, second half optimised out.
  assert.deepEqual(evaluate(Uint8Array.from([0x5a, 0x93, 4, 0x93, 4]), { addressSize: 8, regs, mem }).pieces, [
    { kind: 'register', reg: 10, bits: 32 },
    { kind: 'undefined', bits: 32 },
  ]);
  // DW_OP_lit3 DW_OP_lit4 DW_OP_mul DW_OP_stack_value: the value 12, in no storage.
  const v = evaluate(Uint8Array.from([0x33, 0x34, 0x1e, 0x9f]), { addressSize: 8, regs, mem }).pieces[0];
  assert.equal(v.kind, 'value');
  assert.equal(v.kind === 'value' ? v.bytes[0] : -1, 12);
});
