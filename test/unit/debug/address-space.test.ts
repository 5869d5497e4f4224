// The debugger's view of memory through Sv39 page tables: translation that changes nothing (no A/D bits), reads and
// watch ranges across pages mapped apart, physical-to-virtual aliases for phys: breakpoints, and address parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Memory, RAM_BASE } from '../../../src/machine/memory';
import type { Machine } from '../../../src/machine/machine';
import { AddressSpace, hexAddress, parseAddress, pcOf } from '../../../src/debug/address-space';
import { debugTranslate } from '../../../src/riscv/mmu';

const ROOT = RAM_BASE + 0x1000,
  L1 = RAM_BASE + 0x2000,
  L0 = RAM_BASE + 0x3000;
const PAGE0 = RAM_BASE + 0x10000,
  PAGE1 = RAM_BASE + 0x20000;
const KERNEL = pcOf(0xffffffff80000000n);
const SATP = (8n << 60n) | BigInt(ROOT / 4096);

function pte(mem: Memory, at: number, paddr: number, flags: number): void {
  const v = (BigInt(paddr / 4096) << 10n) | BigInt(flags);
  const o = (at - RAM_BASE) >> 2;
  mem.ram32[o] = Number(v & 0xffffffffn) | 0;
  mem.ram32[o + 1] = Number(v >> 32n) | 0;
}

/** Two 4 KiB kernel pages at 0xffffffff80000000 mapped to physical pages 64 KiB apart, with A and D clear. */
function tables(): Memory {
  const mem = new Memory(1 << 20);
  pte(mem, ROOT + 510 * 8, L1, 1);
  pte(mem, L1, L0, 1);
  pte(mem, L0, PAGE0, 0x0f); // V R W X, no A/D
  pte(mem, L0 + 8, PAGE1, 0x0f);
  mem.ram8.set([1, 2], PAGE0 - RAM_BASE + 4094);
  mem.ram8.set([5, 6, 7, 8], PAGE1 - RAM_BASE);
  return mem;
}

const machine = (mem: Memory, harts: { satp: bigint; priv: number }[]) =>
  ({
    memory: mem,
    harts: harts.map((h, id) => ({ id, mstatus: 0, ...h })),
    instructionAt: () => undefined,
  }) as unknown as Machine;

test('the debug walk translates without setting accessed or dirty bits', () => {
  const mem = tables();
  const before = mem.ram32.slice();
  assert.equal(debugTranslate(mem, SATP, KERNEL + 0x123)?.paddr, PAGE0 + 0x123);
  assert.equal(debugTranslate(mem, SATP, KERNEL + 0x1010)?.paddr, PAGE1 + 0x10);
  assert.equal(debugTranslate(mem, SATP, KERNEL + 0x2000), undefined, 'unmapped');
  assert.equal(debugTranslate(mem, 0n, KERNEL), undefined, 'paging off');
  assert.deepEqual(mem.ram32, before, 'no PTE changed');
});

test('reads and watch ranges follow each page to where it is mapped', () => {
  const mem = tables();
  const space = new AddressSpace(() => machine(mem, [{ satp: SATP, priv: 1 }]));
  assert.deepEqual([...space.read(0, KERNEL + 4094, 4)!], [1, 2, 5, 6], 'a read straddling the two pages');
  assert.deepEqual(space.physicalRanges(0, KERNEL + 4094, 4), [
    { lo: PAGE0 + 4094, hi: PAGE0 + 4096 },
    { lo: PAGE1, hi: PAGE1 + 2 },
  ]);
  assert.deepEqual(space.physicalRanges(0, KERNEL + 8, 8), [{ lo: PAGE0 + 8, hi: PAGE0 + 16 }]);
  assert.match(space.physicalRanges(0, KERNEL + 0x3000, 8) as string, /not mapped on hart 0/);
  assert.equal(space.read(0, KERNEL + 0x2ffe, 4), undefined);
  assert.deepEqual(
    space.pcsOfPhysical(0, PAGE1 + 4).sort((a, b) => a - b),
    [KERNEL + 0x1004, PAGE1 + 4].sort((a, b) => a - b),
  );
});

test('a hart with paging off sees physical memory, and kernel addresses through another hart', () => {
  const mem = tables();
  const space = new AddressSpace(() =>
    machine(mem, [
      { satp: 0n, priv: 3 },
      { satp: SATP, priv: 1 },
    ]),
  );
  assert.deepEqual([...space.read(0, PAGE1, 2)!], [5, 6], 'physical for the hart in M-mode');
  assert.deepEqual([...space.read(0, KERNEL + 4096, 2)!], [5, 6], "a kernel address through hart 1's tables");
  // An M-mode hart with satp set still reads low addresses physically, kernel ones virtually.
  const m = new AddressSpace(() => machine(mem, [{ satp: SATP, priv: 3 }]));
  assert.deepEqual([...m.read(0, PAGE1, 1)!], [5]);
  assert.deepEqual([...m.read(0, KERNEL + 4096, 1)!], [5]);
});

test('addresses parse as sign-extended pcs, with phys: for physical ones', () => {
  assert.deepEqual(parseAddress('0xffffffff80000088'), { addr: KERNEL + 0x88, physical: false });
  assert.deepEqual(parseAddress('phys:0x80200000', 4), { addr: 0x80200004, physical: true });
  assert.equal(parseAddress('nonsense'), undefined);
  assert.equal(parseAddress('0x1' + '0'.repeat(16)), undefined, 'wider than 64 bits');
  assert.equal(hexAddress(KERNEL + 0x88), '0xffffffff80000088');
});
