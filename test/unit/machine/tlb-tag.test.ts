// The TLB marks an empty slot with a tag no virtual page number can equal: the page at the very top of the address
// space has vpn -1, and an empty slot tagged -1 would "hit" it, mapping it to physical 0 (an access fault where the
// spec, and QEMU, raise a page fault).

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { CAUSE, Priv } from '../../../src/riscv/hart';
import { encode } from '../support/instruction-harness';

const RAM = 0x80000000;

test('a load from the top page of the address space, unmapped, is a load page fault', () => {
  const m = new Machine(
    { entry: RAM, segments: [{ paddr: RAM, data: new Uint8Array(4), memSize: 4 }], symbols: new Map() },
    { ramSize: 4 << 20, compile: false },
  );
  const dv = new DataView(m.memory.ram8.buffer);
  const code = RAM + 0x10000,
    root = RAM + 0x100000;
  dv.setUint32(code - RAM, encode('ld', { rd: 10, rs1: 5, imm: -8 }), true);
  // Only VA 0x80000000.. (a gigapage onto RAM, RWX) is mapped; VA 0xfffffffffffffff8 is not.
  dv.setBigUint64(root + 2 * 8 - RAM, ((BigInt(RAM) >> 12n) << 10n) | 0xcfn, true);
  const h = m.harts[0];
  h.satp = (8n << 60n) | BigInt(root / 4096);
  h.priv = Priv.S;
  h.pc = code;
  h.writeX(5, 0n); // t0 holds the entry after reset; the load's address is 0 - 8
  h.mtvec = BigInt(RAM + 0x800);
  m.stepInstruction(0);
  assert.equal(h.priv, Priv.M);
  assert.equal(h.mcause, BigInt(CAUSE.loadPage));
  assert.equal(h.mtval, 0xfffffffffffffff8n);
});
