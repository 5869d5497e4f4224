// The RVC (compressed) instruction table: each 16-bit encoding and its expansion to the 32-bit instruction it stands for.
// The interpreter executes the expansion, so compressed code shares the semantics of the one 32-bit table.

export interface CompressedInfo {
  readonly name: string;
  readonly mask: number;
  readonly match: number;
  /** The equivalent 32-bit instruction word, or 0 when this encoding is reserved. */
  readonly expand: (c: number) => number;
}

const encR = (f7: number, rs2: number, rs1: number, f3: number, rd: number, opc: number) =>
  (f7 << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
const encI = (imm: number, rs1: number, f3: number, rd: number, opc: number) =>
  ((imm & 0xfff) << 20) | (rs1 << 15) | (f3 << 12) | (rd << 7) | opc;
const encS = (imm: number, rs2: number, rs1: number, f3: number, opc: number) =>
  (((imm >> 5) & 0x7f) << 25) | (rs2 << 20) | (rs1 << 15) | (f3 << 12) | ((imm & 31) << 7) | opc;
const encB = (imm: number, rs2: number, rs1: number, f3: number) =>
  (((imm >> 12) & 1) << 31) |
  (((imm >> 5) & 63) << 25) |
  (rs2 << 20) |
  (rs1 << 15) |
  (f3 << 12) |
  (((imm >> 1) & 15) << 8) |
  (((imm >> 11) & 1) << 7) |
  0x63;
const encJ = (imm: number, rd: number) =>
  (((imm >> 20) & 1) << 31) |
  (((imm >> 1) & 1023) << 21) |
  (((imm >> 11) & 1) << 20) |
  (((imm >> 12) & 255) << 12) |
  (rd << 7) |
  0x6f;

const bit = (c: number, b: number) => (c >>> b) & 1;
const bits = (c: number, hi: number, lo: number) => (c >>> lo) & ((1 << (hi - lo + 1)) - 1);
const rdp = (c: number) => 8 + bits(c, 4, 2); // rd' / rs2'
const rs1p = (c: number) => 8 + bits(c, 9, 7); // rs1' / rd'
const rdFull = (c: number) => bits(c, 11, 7);
const rs2Full = (c: number) => bits(c, 6, 2);
const sext = (v: number, width: number) => (v << (32 - width)) >> (32 - width);
const imm6 = (c: number) => sext((bit(c, 12) << 5) | bits(c, 6, 2), 6);
const uimmLd = (c: number) => (bits(c, 12, 10) << 3) | (bits(c, 6, 5) << 6);
const uimmLw = (c: number) => (bits(c, 12, 10) << 3) | (bit(c, 6) << 2) | (bit(c, 5) << 6);
const jImm = (c: number) =>
  sext(
    (bit(c, 12) << 11) |
      (bit(c, 11) << 4) |
      (bits(c, 10, 9) << 8) |
      (bit(c, 8) << 10) |
      (bit(c, 7) << 6) |
      (bit(c, 6) << 7) |
      (bits(c, 5, 3) << 1) |
      (bit(c, 2) << 5),
    12,
  );
const bImm = (c: number) =>
  sext((bit(c, 12) << 8) | (bits(c, 11, 10) << 3) | (bits(c, 6, 5) << 6) | (bits(c, 4, 3) << 1) | (bit(c, 2) << 5), 9);

const Q = 0xe003; // quadrant + funct3
const row = (name: string, mask: number, match: number, expand: (c: number) => number): CompressedInfo => ({
  name,
  mask,
  match,
  expand,
});

export const COMPRESSED: readonly CompressedInfo[] = [
  row('c.addi4spn', Q, 0x0000, (c) => {
    const imm = (bits(c, 12, 11) << 4) | (bits(c, 10, 7) << 6) | (bit(c, 6) << 2) | (bit(c, 5) << 3);
    return imm === 0 ? 0 : encI(imm, 2, 0, rdp(c), 0x13);
  }),
  row('c.fld', Q, 0x2000, (c) => encI(uimmLd(c), rs1p(c), 3, rdp(c), 0x07)),
  row('c.lw', Q, 0x4000, (c) => encI(uimmLw(c), rs1p(c), 2, rdp(c), 0x03)),
  row('c.ld', Q, 0x6000, (c) => encI(uimmLd(c), rs1p(c), 3, rdp(c), 0x03)),
  row('c.fsd', Q, 0xa000, (c) => encS(uimmLd(c), rdp(c), rs1p(c), 3, 0x27)),
  row('c.sw', Q, 0xc000, (c) => encS(uimmLw(c), rdp(c), rs1p(c), 2, 0x23)),
  row('c.sd', Q, 0xe000, (c) => encS(uimmLd(c), rdp(c), rs1p(c), 3, 0x23)),
  row('c.addi', Q, 0x0001, (c) => encI(imm6(c), rdFull(c), 0, rdFull(c), 0x13)),
  row('c.addiw', Q, 0x2001, (c) => (rdFull(c) === 0 ? 0 : encI(imm6(c), rdFull(c), 0, rdFull(c), 0x1b))),
  row('c.li', Q, 0x4001, (c) => encI(imm6(c), 0, 0, rdFull(c), 0x13)),
  row('c.addi16sp', 0xef83, 0x6101, (c) => {
    const imm = sext(
      (bit(c, 12) << 9) | (bit(c, 6) << 4) | (bit(c, 5) << 6) | (bits(c, 4, 3) << 7) | (bit(c, 2) << 5),
      10,
    );
    return imm === 0 ? 0 : encI(imm, 2, 0, 2, 0x13);
  }),
  row('c.lui', Q, 0x6001, (c) => {
    const imm = imm6(c);
    return imm === 0 ? 0 : (imm << 12) | (rdFull(c) << 7) | 0x37;
  }),
  row('c.srli', 0xec03, 0x8001, (c) => encI(bits(c, 6, 2) | (bit(c, 12) << 5), rs1p(c), 5, rs1p(c), 0x13)),
  row('c.srai', 0xec03, 0x8401, (c) => encI(bits(c, 6, 2) | (bit(c, 12) << 5) | 0x400, rs1p(c), 5, rs1p(c), 0x13)),
  row('c.andi', 0xec03, 0x8801, (c) => encI(imm6(c), rs1p(c), 7, rs1p(c), 0x13)),
  row('c.sub', 0xfc63, 0x8c01, (c) => encR(0x20, rdp(c), rs1p(c), 0, rs1p(c), 0x33)),
  row('c.xor', 0xfc63, 0x8c21, (c) => encR(0, rdp(c), rs1p(c), 4, rs1p(c), 0x33)),
  row('c.or', 0xfc63, 0x8c41, (c) => encR(0, rdp(c), rs1p(c), 6, rs1p(c), 0x33)),
  row('c.and', 0xfc63, 0x8c61, (c) => encR(0, rdp(c), rs1p(c), 7, rs1p(c), 0x33)),
  row('c.subw', 0xfc63, 0x9c01, (c) => encR(0x20, rdp(c), rs1p(c), 0, rs1p(c), 0x3b)),
  row('c.addw', 0xfc63, 0x9c21, (c) => encR(0, rdp(c), rs1p(c), 0, rs1p(c), 0x3b)),
  row('c.j', Q, 0xa001, (c) => encJ(jImm(c), 0)),
  row('c.beqz', Q, 0xc001, (c) => encB(bImm(c), 0, rs1p(c), 0)),
  row('c.bnez', Q, 0xe001, (c) => encB(bImm(c), 0, rs1p(c), 1)),
  row('c.slli', Q, 0x0002, (c) => encI(bits(c, 6, 2) | (bit(c, 12) << 5), rdFull(c), 1, rdFull(c), 0x13)),
  row('c.fldsp', Q, 0x2002, (c) =>
    encI((bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6), 2, 3, rdFull(c), 0x07),
  ),
  row('c.lwsp', Q, 0x4002, (c) =>
    rdFull(c) === 0 ? 0 : encI((bit(c, 12) << 5) | (bits(c, 6, 4) << 2) | (bits(c, 3, 2) << 6), 2, 2, rdFull(c), 0x03),
  ),
  row('c.ldsp', Q, 0x6002, (c) =>
    rdFull(c) === 0 ? 0 : encI((bit(c, 12) << 5) | (bits(c, 6, 5) << 3) | (bits(c, 4, 2) << 6), 2, 3, rdFull(c), 0x03),
  ),
  row('c.ebreak', 0xffff, 0x9002, () => 0x00100073),
  row('c.jr', 0xf07f, 0x8002, (c) => (rdFull(c) === 0 ? 0 : encI(0, rdFull(c), 0, 0, 0x67))),
  row('c.mv', 0xf003, 0x8002, (c) => encR(0, rs2Full(c), 0, 0, rdFull(c), 0x33)),
  row('c.jalr', 0xf07f, 0x9002, (c) => encI(0, rdFull(c), 0, 1, 0x67)),
  row('c.add', 0xf003, 0x9002, (c) => encR(0, rs2Full(c), rdFull(c), 0, rdFull(c), 0x33)),
  row('c.fsdsp', Q, 0xa002, (c) => encS((bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6), rs2Full(c), 2, 3, 0x27)),
  row('c.swsp', Q, 0xc002, (c) => encS((bits(c, 12, 9) << 2) | (bits(c, 8, 7) << 6), rs2Full(c), 2, 2, 0x23)),
  row('c.sdsp', Q, 0xe002, (c) => encS((bits(c, 12, 10) << 3) | (bits(c, 9, 7) << 6), rs2Full(c), 2, 3, 0x23)),
];

/** Finds the compressed encoding of a 16-bit parcel; the first matching row wins, so specific rows come first. */
export function findCompressed(c: number): CompressedInfo | undefined {
  for (const row of COMPRESSED) if ((c & row.mask) === row.match) return row;
  return undefined;
}

/** Expands a 16-bit parcel to its 32-bit equivalent, or 0 when it is illegal or reserved. */
export function expandCompressed(c: number): number {
  if ((c & 0xffff) === 0) return 0;
  const row = findCompressed(c);
  return row ? row.expand(c) : 0;
}
