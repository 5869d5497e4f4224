// Debugger edits of a recorded machine (memory bytes, registers, CSRs): applying one is the same code whether the
// recorder logs it at the live frontier or a replay meets it in the log, so both runs see the same change.

import type { Machine } from '../machine/machine';
import { writeCsr } from '../riscv/csr';
import type { Edit } from './format';
import { REGISTER } from './format';

/** Why an edit cannot be applied; the debugger shows the message. */
export class EditError extends Error {}

/** Applies `e`. Applying it twice at one position gives the same state (values are absolute), which restores rely on. */
export function applyEdit(m: Machine, e: Edit): void {
  if (e.target === 'memory') {
    const mem = m.memory;
    if (!mem.readBytes(e.address, e.bytes.length))
      throw new EditError(`0x${e.address.toString(16)}: ${e.bytes.length} bytes there are not all in RAM`);
    mem.loadBytes(e.address, e.bytes, e.bytes.length);
    mem.invalidateCode(e.address, e.bytes.length);
    return;
  }
  const h = m.harts[e.hart];
  if (!h) throw new EditError(`no hart ${e.hart}`);
  const r = e.register,
    v = BigInt.asUintN(64, e.value);
  if (r >= REGISTER.x && r < REGISTER.x + 32) h.writeX(r - REGISTER.x, v);
  else if (r >= REGISTER.f && r < REGISTER.f + 32) h.writeF(r - REGISTER.f, v);
  else if (r === REGISTER.pc) h.pc = Number(BigInt.asIntN(64, v));
  else if (r >= REGISTER.csr && r < REGISTER.csr + 4096) {
    // The debugger writes CSRs as machine mode would, whatever mode the hart is in.
    const saved = h.priv;
    h.priv = 3;
    try {
      if (!writeCsr(h, r - REGISTER.csr, v))
        throw new EditError(`CSR 0x${(r - REGISTER.csr).toString(16)} cannot be written`);
    } finally {
      h.priv = saved;
    }
    h.mmu?.flush();
  } else throw new EditError(`no register number ${r}`);
}
