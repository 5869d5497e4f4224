// Unit tests for the privileged architecture: Sv39 walks, delegation and xRET transitions, the PLIC and the
// device tree's contents.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Machine } from '../../../src/machine/machine';
import { Access, Mmu } from '../../../src/riscv/mmu';
import { enterTrap, mret, pendingInterrupt, sret } from '../../../src/riscv/trap';
import { CAUSE, Hart, IRQ, MSTATUS, Priv } from '../../../src/riscv/hart';
import { UART_IRQ } from '../../../src/machine/plic';
import { buildDeviceTree } from '../../../src/machine/devicetree';

const RAM = 0x80000000;
const V = 1,
  R = 2,
  W = 4,
  X = 8,
  U = 16,
  A = 64,
  D = 128;

function machine(): Machine {
  return new Machine(
    { entry: RAM, segments: [{ paddr: RAM, data: new Uint8Array(4), memSize: 4 }], symbols: new Map() },
    { harts: 2, ramSize: 8 << 20 },
  );
}
function pte(m: Machine, addr: number, ppnAddr: number, flags: number): void {
  const v = ((BigInt(ppnAddr) >> 12n) << 10n) | BigInt(flags);
  new DataView(m.memory.ram8.buffer).setBigUint64(addr - RAM, v, true);
}
const readPte = (m: Machine, addr: number) =>
  Number(new DataView(m.memory.ram8.buffer).getBigUint64(addr - RAM, true) & 0x3ffn);

/** Root at RAM+0x100000, one level-1 table at +0x101000, one level-0 table at +0x102000. */
function sv39(m: Machine, h: Hart): { root: number; l1: number; l0: number } {
  const root = RAM + 0x100000,
    l1 = root + 0x1000,
    l0 = root + 0x2000;
  h.satp = (8n << 60n) | BigInt(root >>> 12);
  h.priv = Priv.S;
  pte(m, root + 8 * 1, l1, V); // VA 0x40000000..: through l1
  pte(m, l1 + 0, l0, V); //        0x40000000..0x401fffff: through l0
  return { root, l1, l0 };
}

test('Sv39: 4 KiB pages translate, set A on load and D on store, and flush on sfence-like context changes', () => {
  const m = machine(),
    h = m.harts[0],
    mmu = h.mmu!;
  const t = sv39(m, h);
  pte(m, t.l0 + 8 * 3, RAM + 0x200000, V | R | W);
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x40003abc, Access.load), RAM + 0x200abc);
  assert.equal(readPte(m, t.l0 + 24) & (A | D), A, 'a load sets A only');
  assert.equal(mmu.translate(h, 0x40003008, Access.store), RAM + 0x200008);
  assert.equal(readPte(m, t.l0 + 24) & (A | D), A | D, 'a store sets D');
  assert.equal(mmu.translate(h, 0x40003000, Access.fetch), -1, 'not executable');
  assert.equal(mmu.fault, CAUSE.fetchPage);
});

test('Sv39: gigapages and megapages map their low bits through; misaligned superpages fault', () => {
  const m = machine(),
    h = m.harts[0],
    mmu = h.mmu!;
  const t = sv39(m, h);
  pte(m, t.root + 8 * 2, RAM, V | R | W | X | A | D); // 1 GiB at VA 0x80000000
  pte(m, t.l1 + 8 * 1, RAM + 0x400000, V | R | A); // 2 MiB at VA 0x40200000
  pte(m, t.l1 + 8 * 2, RAM + 0x401000, V | R | A); // misaligned 2 MiB at VA 0x40400000
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x80123456, Access.fetch), 0x80123456);
  assert.equal(mmu.translate(h, 0x402abcde, Access.load), RAM + 0x4abcde);
  assert.equal(mmu.translate(h, 0x40400000, Access.load), -1);
  assert.equal(mmu.fault, CAUSE.loadPage);
  assert.equal(mmu.translate(h, 0x402abcde, Access.store), -1, 'read-only megapage');
  assert.equal(mmu.fault, CAUSE.storePage);
});

test('Sv39: U pages, SUM, MXR, non-canonical addresses and PTEs outside RAM', () => {
  const m = machine(),
    h = m.harts[0],
    mmu = h.mmu!;
  const t = sv39(m, h);
  pte(m, t.l0 + 8 * 1, RAM + 0x201000, V | R | U);
  pte(m, t.l0 + 8 * 2, RAM + 0x202000, V | X);
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x40001000, Access.load), -1, 'S may not touch U pages without SUM');
  h.mstatus |= MSTATUS.SUM;
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x40001000, Access.load), RAM + 0x201000);
  assert.equal(mmu.translate(h, 0x40001000, Access.fetch), -1, 'S never executes U pages');
  assert.equal(mmu.translate(h, 0x40002000, Access.load), -1, 'execute-only is not readable');
  h.mstatus |= MSTATUS.MXR;
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x40002000, Access.load), RAM + 0x202000, 'MXR makes it readable');
  h.priv = Priv.U;
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x40001000, Access.load), RAM + 0x201000);
  assert.equal(mmu.translate(h, 0x40002000, Access.fetch), -1, 'U may not use S pages');
  assert.equal(mmu.translate(h, 2 ** 38, Access.load), -1, 'non-canonical');
  assert.equal(mmu.fault, CAUSE.loadPage);
  h.satp = (8n << 60n) | BigInt(0x1000 >> 12); // root table outside RAM
  mmu.sync(h);
  assert.equal(mmu.translate(h, 0x1000, Access.store), -1);
  assert.equal(mmu.fault, CAUSE.storeAccess);
});

test('translation is active only below M-mode, or through MPRV for data', () => {
  const m = machine(),
    h = m.harts[0];
  h.satp = 8n << 60n;
  h.priv = Priv.M;
  assert.equal(Mmu.fetchTranslated(h), false);
  assert.equal(Mmu.dataTranslated(h), false);
  h.mstatus |= MSTATUS.MPRV | (Priv.S << MSTATUS.MPP_SHIFT);
  assert.equal(Mmu.dataTranslated(h), true);
  h.priv = Priv.U;
  assert.equal(Mmu.fetchTranslated(h), true);
});

test('delegated exceptions go to S-mode and sret returns to the previous privilege', () => {
  const h = new Hart(0);
  h.mtvec = 0x80000100n;
  h.stvec = 0x80000200n;
  h.medeleg = 1 << CAUSE.ecallU;
  h.priv = Priv.U;
  h.pc = 0x40000000;
  h.mstatus |= MSTATUS.SIE;
  assert.equal(enterTrap(h, CAUSE.ecallU, false, 0n), undefined);
  assert.equal(h.priv, Priv.S);
  assert.equal(h.pc, 0x80000200);
  assert.equal(h.scause, 8n);
  assert.equal(h.sepc, 0x40000000n);
  assert.equal(h.mstatus & MSTATUS.SPP, 0, 'SPP = U');
  assert.ok(h.mstatus & MSTATUS.SPIE);
  assert.equal(h.mstatus & MSTATUS.SIE, 0);
  h.sepc = 0x40000004n;
  sret(h);
  assert.equal(h.priv, Priv.U);
  assert.equal(h.pc, 0x40000004);
  assert.ok(h.mstatus & MSTATUS.SIE, 'SIE restored');
  // Not delegated from S: goes to M, and mret returns to S.
  h.priv = Priv.S;
  assert.equal(enterTrap(h, CAUSE.illegal, false, 0x1234n), undefined);
  assert.equal(h.priv, Priv.M);
  assert.equal(h.mtval, 0x1234n);
  assert.equal((h.mstatus & MSTATUS.MPP) >> MSTATUS.MPP_SHIFT, Priv.S);
  h.mepc = 0x80001000n;
  mret(h);
  assert.equal(h.priv, Priv.S);
  assert.equal(h.pc, 0x80001000);
  // Exceptions taken in M-mode are never delegated.
  h.priv = Priv.M;
  h.medeleg = 1 << CAUSE.illegal;
  enterTrap(h, CAUSE.illegal, false, 0n);
  assert.equal(h.pc, 0x80000100);
});

test('interrupt priority and masking: delegated S interrupts, global enables, vectored mode', () => {
  const h = new Hart(0);
  h.mtvec = 0x80000101n; // vectored
  h.mie = (1 << IRQ.MTI) | (1 << IRQ.STI) | (1 << IRQ.MSI);
  h.mideleg = 1 << IRQ.STI;
  h.mipHw = (1 << IRQ.MTI) | (1 << IRQ.MSI);
  h.mipSoft = 1 << IRQ.STI;
  h.priv = Priv.M;
  assert.equal(pendingInterrupt(h), -1, 'M-mode with MIE clear takes nothing');
  h.mstatus |= MSTATUS.MIE;
  assert.equal(pendingInterrupt(h), IRQ.MSI, 'MSI outranks MTI');
  h.priv = Priv.S;
  h.mstatus &= ~MSTATUS.MIE;
  assert.equal(pendingInterrupt(h), IRQ.MSI, 'M interrupts are always enabled below M');
  h.mipHw = 0;
  assert.equal(pendingInterrupt(h), -1, 'S interrupts need SIE in S-mode');
  h.priv = Priv.U;
  assert.equal(pendingInterrupt(h), IRQ.STI, 'and are always enabled in U-mode');
  h.priv = Priv.M;
  h.mstatus |= MSTATUS.MIE;
  h.mipHw = 1 << IRQ.MTI;
  enterTrap(h, IRQ.MTI, true, 0n);
  assert.equal(h.pc, 0x80000100 + 4 * IRQ.MTI);
  assert.equal(h.mcause, (1n << 63n) | 7n);
});

test('PLIC: priority, enable, threshold, claim and complete drive MEIP and SEIP', () => {
  const m = machine(),
    p = m.plic,
    [h0, h1] = m.harts;
  const ctxBase = (ctx: number) => 0x200000 + 0x1000 * ctx;
  p.write(4 * UART_IRQ, 4, 3n); // priority 3
  p.setLevel(UART_IRQ, true);
  assert.equal(h0.mipHw & (1 << IRQ.MEI), 0, 'not enabled yet');
  p.write(0x2000 + 0x80 * 0, 4, BigInt(1 << UART_IRQ)); // hart 0 M context
  p.write(0x2000 + 0x80 * 3, 4, BigInt(1 << UART_IRQ)); // hart 1 S context
  assert.ok(h0.mipHw & (1 << IRQ.MEI));
  assert.ok(h1.mipHw & (1 << IRQ.SEI));
  p.write(ctxBase(3), 4, 3n); // hart 1 S threshold 3 masks priority 3
  assert.equal(h1.mipHw & (1 << IRQ.SEI), 0);
  assert.equal(p.read(0x1000) & BigInt(1 << UART_IRQ), BigInt(1 << UART_IRQ), 'pending bit');
  assert.equal(p.read(ctxBase(0) + 4), BigInt(UART_IRQ), 'claim returns the source');
  assert.equal(h0.mipHw & (1 << IRQ.MEI), 0, 'claimed: no longer pending');
  assert.equal(p.read(ctxBase(0) + 4), 0n, 'nothing left to claim');
  p.write(ctxBase(0) + 4, 4, BigInt(UART_IRQ)); // complete while the line is still high
  assert.ok(h0.mipHw & (1 << IRQ.MEI), 'a level still high pends again');
  p.setLevel(UART_IRQ, false);
  p.read(ctxBase(0) + 4);
  p.write(ctxBase(0) + 4, 4, BigInt(UART_IRQ));
  assert.equal(h0.mipHw & (1 << IRQ.MEI), 0);
});

test('the UART raises its PLIC line for received data when the guest enables it', () => {
  const m = machine();
  m.memory.store(m.harts[0], 0xc000000 + 4 * UART_IRQ, 4, 1, 0);
  m.memory.store(m.harts[0], 0xc002000, 4, 1 << UART_IRQ, 0);
  m.memory.store(m.harts[0], 0x10000001, 1, 1, 0); // IER: receive data available
  assert.equal(m.harts[0].mipHw & (1 << IRQ.MEI), 0);
  m.uart.receive([0x41]);
  assert.ok(m.harts[0].mipHw & (1 << IRQ.MEI));
  m.memory.load(m.harts[0], 0x10000000, 1);
  assert.equal(m.memory.lo, 0x41);
  assert.equal(m.harts[0].mipHw & (1 << IRQ.MEI), 0, 'reading the byte drops the line');
});

/** A tiny independent FDT reader: node paths and their properties as raw bytes. */
function readFdt(dtb: Uint8Array): Map<string, Map<string, Uint8Array>> {
  const dv = new DataView(dtb.buffer, dtb.byteOffset);
  assert.equal(dv.getUint32(0), 0xd00dfeed);
  const structOff = dv.getUint32(8),
    stringsOff = dv.getUint32(12);
  const out = new Map<string, Map<string, Uint8Array>>();
  const path: string[] = [];
  let p = structOff;
  const cstr = (at: number) => {
    let e = at;
    while (dtb[e] !== 0) e++;
    return Buffer.from(dtb.subarray(at, e)).toString('latin1');
  };
  for (;;) {
    const tok = dv.getUint32(p);
    p += 4;
    if (tok === 1) {
      const name = cstr(p);
      p = (p + name.length + 4) & ~3;
      path.push(name);
      out.set('/' + path.slice(1).join('/'), new Map());
    } else if (tok === 2) path.pop();
    else if (tok === 3) {
      const len = dv.getUint32(p),
        nameOff = dv.getUint32(p + 4);
      p += 8;
      out.get('/' + path.slice(1).join('/'))!.set(cstr(stringsOff + nameOff), dtb.subarray(p, p + len));
      p = (p + len + 3) & ~3;
    } else if (tok === 9) break;
    else if (tok !== 4) assert.fail(`bad token ${tok}`);
  }
  return out;
}

test('device tree: one cpu node per hart, memory size, timebase, interrupt wiring, chosen', () => {
  const t = readFdt(buildDeviceTree({ harts: 3, ramBase: RAM, ramSize: 64 << 20, bootargs: 'quiet' }));
  const u32 = (b: Uint8Array, k = 0) => new DataView(b.buffer, b.byteOffset).getUint32(4 * k);
  const str = (b: Uint8Array) => Buffer.from(b).toString('latin1').replace(/\0$/, '');
  assert.deepEqual(
    [...t.keys()].filter((k) => /^\/cpus\/cpu@\d+$/.test(k)),
    ['/cpus/cpu@0', '/cpus/cpu@1', '/cpus/cpu@2'],
  );
  assert.equal(u32(t.get('/cpus')!.get('timebase-frequency')!), 10_000_000);
  assert.equal(str(t.get('/cpus/cpu@1')!.get('riscv,isa')!), 'rv64imafdc_zicsr_zifencei_sstc');
  assert.equal(u32(t.get('/cpus/cpu@2')!.get('reg')!), 2);
  const reg = t.get('/memory@80000000')!.get('reg')!;
  assert.deepEqual([u32(reg, 0), u32(reg, 1), u32(reg, 2), u32(reg, 3)], [0, RAM, 0, 64 << 20]);
  assert.equal(str(t.get('/chosen')!.get('bootargs')!), 'quiet');
  const clint = t.get('/soc/clint@2000000')!.get('interrupts-extended')!;
  assert.equal(clint.length, 3 * 4 * 4, 'MSI and MTI for each hart');
  const intc0 = u32(t.get('/cpus/cpu@0/interrupt-controller')!.get('phandle')!);
  assert.deepEqual([u32(clint, 0), u32(clint, 1), u32(clint, 3)], [intc0, 3, 7]);
  const plic = t.get('/soc/plic@c000000')!;
  assert.equal(u32(t.get('/soc/serial@10000000')!.get('interrupt-parent')!), u32(plic.get('phandle')!));
  assert.equal(u32(t.get('/soc/serial@10000000')!.get('interrupts')!), UART_IRQ);
});
