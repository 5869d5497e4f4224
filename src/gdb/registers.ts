// The registers gdb sees and their numbers: the target description (riscv-64bit cpu, fpu, csr and virtual
// features as gdb's riscv-tdep.c expects them), and reading or encoding a register of a hart by its gdb number.

import type { Machine } from '../machine/machine';
import { readCsrDebug } from '../riscv/csr';
import { CSR, csrName } from '../riscv/csr-names';
import { F_NAMES, X_NAMES } from '../riscv/disassemble';
import { Hart } from '../riscv/hart';
import type { Edit } from '../replay/format';
import { REGISTER } from '../replay/format';

/** gdb's own numbering (riscv-tdep.h): x0-x31, pc, f0-f31, then CSR n at 65 + n; priv after every CSR. */
export const REG = { pc: 32, f0: 33, csr0: 65, priv: 65 + 4096 } as const;

/** The float CSRs live in the fpu feature, 32 bits wide as in gdb's 64bit-fpu.xml. */
const FLOAT_CSRS = [CSR.fflags, CSR.frm, CSR.fcsr];

/** Every CSR this machine implements (read on a fresh hart, so the list never depends on a run). */
export const CSR_NUMBERS: readonly number[] = (() => {
  const h = new Hart(0),
    clock = { mtime: () => 0n },
    out: number[] = [];
  for (let n = 0; n < 4096; n++)
    if (!FLOAT_CSRS.includes(n as never) && readCsrDebug(h, n, clock) !== undefined) out.push(n);
  return out;
})();
const CSR_SET = new Set(CSR_NUMBERS);

/** The size in bytes of register `n`, or 0 when there is no such register. */
export function registerSize(n: number): number {
  if (n >= 0 && n <= REG.pc) return 8;
  if (n >= REG.f0 && n < REG.f0 + 32) return 8;
  if (n >= REG.csr0 && n < REG.csr0 + 4096) {
    const c = n - REG.csr0;
    if (FLOAT_CSRS.includes(c as never)) return 4;
    return CSR_SET.has(c) ? 8 : 0;
  }
  return n === REG.priv ? 8 : 0;
}

/** The value of register `n` of `h`, or undefined when there is no such register. */
export function readRegister(m: Machine, h: Hart, n: number): bigint | undefined {
  if (n >= 0 && n < 32) return h.readX(n);
  if (n === REG.pc) return h.pc64;
  if (n >= REG.f0 && n < REG.f0 + 32) return h.readF(n - REG.f0);
  if (n === REG.priv) return BigInt(h.priv);
  if (registerSize(n) === 0) return undefined;
  return readCsrDebug(h, n - REG.csr0, { mtime: () => m.mtime() });
}

/** The recorded edit that sets register `n` of hart `hart` to `value`, or undefined when it cannot be written. */
export function registerEdit(hart: number, n: number, value: bigint): Edit | undefined {
  let register: number;
  if (n >= 0 && n < 32) register = REGISTER.x + n;
  else if (n === REG.pc) register = REGISTER.pc;
  else if (n >= REG.f0 && n < REG.f0 + 32) register = REGISTER.f + n - REG.f0;
  else if (n >= REG.csr0 && n < REG.csr0 + 4096 && registerSize(n) > 0) register = REGISTER.csr + n - REG.csr0;
  else return undefined;
  return { target: 'register', hart, register, value };
}

/** The registers a `g` packet carries, in order: x0-x31, pc, f0-f31 (gdb fetches the rest with `p`). */
export const G_REGISTERS: readonly number[] = Array.from({ length: 65 }, (_, i) => i);

function reg(name: string, regnum: number, bits: number, type: string, group?: string): string {
  return `<reg name="${name}" bitsize="${bits}" regnum="${regnum}" type="${type}"${group ? ` group="${group}"` : ''}/>`;
}

/** The whole target description in one document (no xi:include, so one qXfer annex serves it). */
export function targetXml(): string {
  const cpu = X_NAMES.map((name, i) =>
    reg(i === 0 ? 'zero' : name, i, 64, i === 1 ? 'code_ptr' : i === 2 || i === 8 ? 'data_ptr' : 'int', 'general'),
  );
  cpu.push(reg('pc', REG.pc, 64, 'code_ptr', 'general'));
  const fpu = F_NAMES.map((name, i) => reg(name, REG.f0 + i, 64, 'riscv_double', 'float'));
  fpu.push(
    reg('fflags', REG.csr0 + CSR.fflags, 32, 'int', 'float'),
    reg('frm', REG.csr0 + CSR.frm, 32, 'int', 'float'),
    reg('fcsr', REG.csr0 + CSR.fcsr, 32, 'int', 'float'),
  );
  const csr = CSR_NUMBERS.map((n) => reg(csrName(n), REG.csr0 + n, 64, 'int', 'system'));
  return (
    '<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n<architecture>riscv:rv64</architecture>\n' +
    `<feature name="org.gnu.gdb.riscv.cpu">\n${cpu.join('\n')}\n</feature>\n` +
    '<feature name="org.gnu.gdb.riscv.fpu">\n' +
    '<union id="riscv_double"><field name="float" type="ieee_single"/><field name="double" type="ieee_double"/></union>\n' +
    `${fpu.join('\n')}\n</feature>\n` +
    `<feature name="org.gnu.gdb.riscv.csr">\n${csr.join('\n')}\n</feature>\n` +
    `<feature name="org.gnu.gdb.riscv.virtual">\n${reg('priv', REG.priv, 64, 'int', 'general')}\n</feature>\n</target>\n`
  );
}
