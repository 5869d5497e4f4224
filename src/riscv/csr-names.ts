// CSR numbers and their names, for the CSR file, the disassembler and the debugger's register groups.

export const CSR = {
  fflags: 0x001,
  frm: 0x002,
  fcsr: 0x003,
  sstatus: 0x100,
  sie: 0x104,
  stvec: 0x105,
  scounteren: 0x106,
  senvcfg: 0x10a,
  sscratch: 0x140,
  sepc: 0x141,
  scause: 0x142,
  stval: 0x143,
  sip: 0x144,
  stimecmp: 0x14d,
  satp: 0x180,
  mstatus: 0x300,
  misa: 0x301,
  medeleg: 0x302,
  mideleg: 0x303,
  mie: 0x304,
  mtvec: 0x305,
  mcounteren: 0x306,
  menvcfg: 0x30a,
  mcountinhibit: 0x320,
  mscratch: 0x340,
  mepc: 0x341,
  mcause: 0x342,
  mtval: 0x343,
  mip: 0x344,
  pmpcfg0: 0x3a0,
  pmpaddr0: 0x3b0,
  mcycle: 0xb00,
  minstret: 0xb02,
  cycle: 0xc00,
  time: 0xc01,
  instret: 0xc02,
  mvendorid: 0xf11,
  marchid: 0xf12,
  mimpid: 0xf13,
  mhartid: 0xf14,
  mconfigptr: 0xf15,
} as const;

const names = new Map<number, string>();
for (const [name, num] of Object.entries(CSR)) names.set(num, name);
for (let k = 0; k < 16; k++) names.set(CSR.pmpaddr0 + k, `pmpaddr${k}`);
for (let k = 0; k < 16; k += 2) names.set(CSR.pmpcfg0 + k, `pmpcfg${k}`);
for (let k = 3; k < 32; k++) {
  names.set(0xb00 + k, `mhpmcounter${k}`);
  names.set(0xc00 + k, `hpmcounter${k}`);
  names.set(0x320 + k, `mhpmevent${k}`);
}

/** The CSR's name, or its number in hex when it has none. */
export function csrName(num: number): string {
  return names.get(num) ?? '0x' + num.toString(16);
}
