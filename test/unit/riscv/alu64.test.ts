// The BigInt-free 64-bit division and remainder against BigInt on seeded random and edge operands.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { div64, divu64, out, srl64 } from '../../../src/riscv/alu64';

const M64 = (1n << 64n) - 1n;
const split = (v: bigint) => [Number(BigInt.asIntN(32, v)), Number(BigInt.asIntN(32, v >> 32n))];
const join = () => (BigInt(out.hi >>> 0) << 32n) | BigInt(out.lo >>> 0);

/** xorshift64*, seeded: operands of every magnitude (a random number of significant bits). */
function* operands(seed: bigint, n: number): Generator<bigint> {
  let x = seed;
  const edges = [
    0n,
    1n,
    2n,
    3n,
    0xffffffffn,
    0x100000000n,
    0x100000001n,
    1n << 52n,
    (1n << 53n) + 1n,
    1n << 63n,
    M64,
    M64 - 1n,
    (1n << 63n) - 1n,
  ];
  yield* edges;
  for (let k = 0; k < n; k++) {
    x ^= x >> 12n;
    x ^= (x << 25n) & M64;
    x ^= x >> 27n;
    const v = (x * 0x2545f4914f6cdd1dn) & M64;
    yield v >> BigInt(Number(v & 63n));
  }
}

test('divu64 and div64 agree with BigInt division (RISC-V semantics) on random and edge operands', () => {
  const as = [...operands(0x9e3779b97f4a7c15n, 3000)],
    bs = [...operands(0x1234567n, 300)];
  let checked = 0;
  for (let i = 0; i < as.length; i++) {
    for (let j = i % 7; j < bs.length; j += 7) {
      const a = as[i],
        b = bs[j];
      const [alo, ahi] = split(a),
        [blo, bhi] = split(b);
      for (const rem of [false, true]) {
        divu64(alo, ahi, blo, bhi, rem);
        const wantU = b === 0n ? (rem ? a : M64) : rem ? a % b : a / b;
        assert.equal(join(), wantU, `divu64 ${a} ${b} rem=${rem}`);
        const sa = BigInt.asIntN(64, a),
          sb = BigInt.asIntN(64, b);
        let want: bigint;
        if (sb === 0n) want = rem ? sa : -1n;
        else if (sb === -1n && sa === -(1n << 63n)) want = rem ? 0n : sa;
        else want = rem ? sa % sb : sa / sb;
        div64(alo, ahi, blo, bhi, rem);
        assert.equal(join(), BigInt.asUintN(64, want), `div64 ${sa} ${sb} rem=${rem}`);
        checked++;
      }
    }
  }
  assert.ok(checked > 100_000);
});

test('srl64 matches BigInt for every shift, and leaves int32 halves in out (never a uint32)', () => {
  const values = [0n, 1n, M64, 1n << 63n, 0x80000000n, 0xffffffff00000000n, 0x8000000080000000n, 0x123456789abcdef0n];
  for (const v of operands(0x9e3779b97f4a7c15n, 64)) values.push(v);
  for (const v of values) {
    const [lo, hi] = split(v);
    for (let sh = 0; sh < 64; sh++) {
      srl64(lo, hi, sh);
      assert.equal(join(), v >> BigInt(sh), `${v.toString(16)} >> ${sh}`);
      assert.ok(out.lo === (out.lo | 0) && out.hi === (out.hi | 0), `int32 halves for ${v.toString(16)} >> ${sh}`);
    }
  }
});
