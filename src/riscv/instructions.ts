// The one table of RV64GC instructions: encoding (mask/match), operand format and mnemonic.
// The decoder, the disassembler, the interpreter's dispatch ids and the tests all read it.

/** Dispatch ids. Their order means nothing: code asks which group an op is in (GROUPS, VARIANT below), never compares ids. */
export const enum Op {
  /** 0 is kept free: the decode cache uses it for "not decoded yet". */
  ILLEGAL = 1,
  LUI,
  AUIPC,
  JAL,
  JALR,
  BEQ,
  BNE,
  BLT,
  BGE,
  BLTU,
  BGEU,
  LB,
  LH,
  LW,
  LD,
  LBU,
  LHU,
  LWU,
  SB,
  SH,
  SW,
  SD,
  ADDI,
  SLTI,
  SLTIU,
  XORI,
  ORI,
  ANDI,
  SLLI,
  SRLI,
  SRAI,
  ADD,
  SUB,
  SLL,
  SLT,
  SLTU,
  XOR,
  SRL,
  SRA,
  OR,
  AND,
  ADDIW,
  SLLIW,
  SRLIW,
  SRAIW,
  ADDW,
  SUBW,
  SLLW,
  SRLW,
  SRAW,
  MUL,
  MULH,
  MULHSU,
  MULHU,
  DIV,
  DIVU,
  REM,
  REMU,
  MULW,
  DIVW,
  DIVUW,
  REMW,
  REMUW,
  FENCE,
  FENCE_I,
  ECALL,
  EBREAK,
  MRET,
  SRET,
  WFI,
  SFENCE_VMA,
  CSRRW,
  CSRRS,
  CSRRC,
  CSRRWI,
  CSRRSI,
  CSRRCI,
  LR_W,
  SC_W,
  AMOSWAP_W,
  AMOADD_W,
  AMOXOR_W,
  AMOAND_W,
  AMOOR_W,
  AMOMIN_W,
  AMOMAX_W,
  AMOMINU_W,
  AMOMAXU_W,
  LR_D,
  SC_D,
  AMOSWAP_D,
  AMOADD_D,
  AMOXOR_D,
  AMOAND_D,
  AMOOR_D,
  AMOMIN_D,
  AMOMAX_D,
  AMOMINU_D,
  AMOMAXU_D,
  FLW,
  FLD,
  FSW,
  FSD,
  FMADD_S,
  FMSUB_S,
  FNMSUB_S,
  FNMADD_S,
  FMADD_D,
  FMSUB_D,
  FNMSUB_D,
  FNMADD_D,
  FADD_S,
  FSUB_S,
  FMUL_S,
  FDIV_S,
  FSQRT_S,
  FSGNJ_S,
  FSGNJN_S,
  FSGNJX_S,
  FMIN_S,
  FMAX_S,
  FCVT_W_S,
  FCVT_WU_S,
  FCVT_L_S,
  FCVT_LU_S,
  FMV_X_W,
  FEQ_S,
  FLT_S,
  FLE_S,
  FCLASS_S,
  FCVT_S_W,
  FCVT_S_WU,
  FCVT_S_L,
  FCVT_S_LU,
  FMV_W_X,
  FADD_D,
  FSUB_D,
  FMUL_D,
  FDIV_D,
  FSQRT_D,
  FSGNJ_D,
  FSGNJN_D,
  FSGNJX_D,
  FMIN_D,
  FMAX_D,
  FCVT_S_D,
  FCVT_D_S,
  FCVT_W_D,
  FCVT_WU_D,
  FCVT_L_D,
  FCVT_LU_D,
  FMV_X_D,
  FEQ_D,
  FLT_D,
  FLE_D,
  FCLASS_D,
  FCVT_D_W,
  FCVT_D_WU,
  FCVT_D_L,
  FCVT_D_LU,
  FMV_D_X,
  /** Not an instruction: a pc that carries a breakpoint; the interpreter stops before executing it. */
  BREAKPOINT,
}

/**
 * Operand formats. They drive disassembly and say which fields an instruction reads.
 * x = integer register, f = float register.
 */
export type Format =
  | 'U'
  | 'J'
  | 'I'
  | 'B'
  | 'L'
  | 'S'
  | 'SH'
  | 'R'
  | 'NONE'
  | 'FENCE'
  | 'CSR'
  | 'CSRI'
  | 'SFENCE'
  | 'LR'
  | 'AMO'
  | 'FL'
  | 'FS'
  | 'R4'
  | 'FRRM'
  | 'FR'
  | 'F1RM'
  | 'FXF'
  | 'FXFRM'
  | 'FFX'
  | 'FFXRM'
  | 'FXFF';

export interface InstructionInfo {
  readonly op: Op;
  readonly name: string;
  readonly mask: number;
  readonly match: number;
  readonly format: Format;
  /** Extension letter, for misa checks and tests. */
  readonly ext: 'I' | 'M' | 'A' | 'F' | 'D' | 'Zicsr' | 'Zifencei' | 'S';
}

const R = 0xfe00707f,
  I = 0x0000707f,
  SH6 = 0xfc00707f,
  U = 0x0000007f;
const AMO = 0xf800707f,
  LRM = 0xf9f0707f;
const FRM = 0xfe00007f,
  F1 = 0xfff0007f,
  FF3 = 0xfe00707f,
  FF3R = 0xfff0707f,
  R4M = 0x0600007f;

function row(
  op: Op,
  name: string,
  mask: number,
  match: number,
  format: Format,
  ext: InstructionInfo['ext'],
): InstructionInfo {
  return { op, name, mask: mask | 0, match: match | 0, format, ext };
}
const r = (f7: number, f3: number, opc: number) => (f7 << 25) | (f3 << 12) | opc;
const i = (f3: number, opc: number) => (f3 << 12) | opc;
const amo = (f5: number, f3: number) => (f5 << 27) | (f3 << 12) | 0x2f;
const fp = (f7: number, rs2: number, f3: number) => (f7 << 25) | (rs2 << 20) | (f3 << 12) | 0x53;

export const INSTRUCTIONS: readonly InstructionInfo[] = [
  row(Op.LUI, 'lui', U, 0x37, 'U', 'I'),
  row(Op.AUIPC, 'auipc', U, 0x17, 'U', 'I'),
  row(Op.JAL, 'jal', U, 0x6f, 'J', 'I'),
  row(Op.JALR, 'jalr', I, i(0, 0x67), 'L', 'I'),
  row(Op.BEQ, 'beq', I, i(0, 0x63), 'B', 'I'),
  row(Op.BNE, 'bne', I, i(1, 0x63), 'B', 'I'),
  row(Op.BLT, 'blt', I, i(4, 0x63), 'B', 'I'),
  row(Op.BGE, 'bge', I, i(5, 0x63), 'B', 'I'),
  row(Op.BLTU, 'bltu', I, i(6, 0x63), 'B', 'I'),
  row(Op.BGEU, 'bgeu', I, i(7, 0x63), 'B', 'I'),
  row(Op.LB, 'lb', I, i(0, 0x03), 'L', 'I'),
  row(Op.LH, 'lh', I, i(1, 0x03), 'L', 'I'),
  row(Op.LW, 'lw', I, i(2, 0x03), 'L', 'I'),
  row(Op.LD, 'ld', I, i(3, 0x03), 'L', 'I'),
  row(Op.LBU, 'lbu', I, i(4, 0x03), 'L', 'I'),
  row(Op.LHU, 'lhu', I, i(5, 0x03), 'L', 'I'),
  row(Op.LWU, 'lwu', I, i(6, 0x03), 'L', 'I'),
  row(Op.SB, 'sb', I, i(0, 0x23), 'S', 'I'),
  row(Op.SH, 'sh', I, i(1, 0x23), 'S', 'I'),
  row(Op.SW, 'sw', I, i(2, 0x23), 'S', 'I'),
  row(Op.SD, 'sd', I, i(3, 0x23), 'S', 'I'),
  row(Op.ADDI, 'addi', I, i(0, 0x13), 'I', 'I'),
  row(Op.SLTI, 'slti', I, i(2, 0x13), 'I', 'I'),
  row(Op.SLTIU, 'sltiu', I, i(3, 0x13), 'I', 'I'),
  row(Op.XORI, 'xori', I, i(4, 0x13), 'I', 'I'),
  row(Op.ORI, 'ori', I, i(6, 0x13), 'I', 'I'),
  row(Op.ANDI, 'andi', I, i(7, 0x13), 'I', 'I'),
  row(Op.SLLI, 'slli', SH6, i(1, 0x13), 'SH', 'I'),
  row(Op.SRLI, 'srli', SH6, i(5, 0x13), 'SH', 'I'),
  row(Op.SRAI, 'srai', SH6, (0x10 << 26) | i(5, 0x13), 'SH', 'I'),
  row(Op.ADD, 'add', R, r(0, 0, 0x33), 'R', 'I'),
  row(Op.SUB, 'sub', R, r(0x20, 0, 0x33), 'R', 'I'),
  row(Op.SLL, 'sll', R, r(0, 1, 0x33), 'R', 'I'),
  row(Op.SLT, 'slt', R, r(0, 2, 0x33), 'R', 'I'),
  row(Op.SLTU, 'sltu', R, r(0, 3, 0x33), 'R', 'I'),
  row(Op.XOR, 'xor', R, r(0, 4, 0x33), 'R', 'I'),
  row(Op.SRL, 'srl', R, r(0, 5, 0x33), 'R', 'I'),
  row(Op.SRA, 'sra', R, r(0x20, 5, 0x33), 'R', 'I'),
  row(Op.OR, 'or', R, r(0, 6, 0x33), 'R', 'I'),
  row(Op.AND, 'and', R, r(0, 7, 0x33), 'R', 'I'),
  row(Op.ADDIW, 'addiw', I, i(0, 0x1b), 'I', 'I'),
  row(Op.SLLIW, 'slliw', R, r(0, 1, 0x1b), 'SH', 'I'),
  row(Op.SRLIW, 'srliw', R, r(0, 5, 0x1b), 'SH', 'I'),
  row(Op.SRAIW, 'sraiw', R, r(0x20, 5, 0x1b), 'SH', 'I'),
  row(Op.ADDW, 'addw', R, r(0, 0, 0x3b), 'R', 'I'),
  row(Op.SUBW, 'subw', R, r(0x20, 0, 0x3b), 'R', 'I'),
  row(Op.SLLW, 'sllw', R, r(0, 1, 0x3b), 'R', 'I'),
  row(Op.SRLW, 'srlw', R, r(0, 5, 0x3b), 'R', 'I'),
  row(Op.SRAW, 'sraw', R, r(0x20, 5, 0x3b), 'R', 'I'),
  row(Op.MUL, 'mul', R, r(1, 0, 0x33), 'R', 'M'),
  row(Op.MULH, 'mulh', R, r(1, 1, 0x33), 'R', 'M'),
  row(Op.MULHSU, 'mulhsu', R, r(1, 2, 0x33), 'R', 'M'),
  row(Op.MULHU, 'mulhu', R, r(1, 3, 0x33), 'R', 'M'),
  row(Op.DIV, 'div', R, r(1, 4, 0x33), 'R', 'M'),
  row(Op.DIVU, 'divu', R, r(1, 5, 0x33), 'R', 'M'),
  row(Op.REM, 'rem', R, r(1, 6, 0x33), 'R', 'M'),
  row(Op.REMU, 'remu', R, r(1, 7, 0x33), 'R', 'M'),
  row(Op.MULW, 'mulw', R, r(1, 0, 0x3b), 'R', 'M'),
  row(Op.DIVW, 'divw', R, r(1, 4, 0x3b), 'R', 'M'),
  row(Op.DIVUW, 'divuw', R, r(1, 5, 0x3b), 'R', 'M'),
  row(Op.REMW, 'remw', R, r(1, 6, 0x3b), 'R', 'M'),
  row(Op.REMUW, 'remuw', R, r(1, 7, 0x3b), 'R', 'M'),
  row(Op.FENCE, 'fence', I, i(0, 0x0f), 'FENCE', 'I'),
  row(Op.FENCE_I, 'fence.i', I, i(1, 0x0f), 'NONE', 'Zifencei'),
  row(Op.ECALL, 'ecall', 0xffffffff, 0x00000073, 'NONE', 'I'),
  row(Op.EBREAK, 'ebreak', 0xffffffff, 0x00100073, 'NONE', 'I'),
  row(Op.MRET, 'mret', 0xffffffff, 0x30200073, 'NONE', 'I'),
  row(Op.SRET, 'sret', 0xffffffff, 0x10200073, 'NONE', 'S'),
  row(Op.WFI, 'wfi', 0xffffffff, 0x10500073, 'NONE', 'I'),
  row(Op.SFENCE_VMA, 'sfence.vma', 0xfe007fff, 0x12000073, 'SFENCE', 'S'),
  row(Op.CSRRW, 'csrrw', I, i(1, 0x73), 'CSR', 'Zicsr'),
  row(Op.CSRRS, 'csrrs', I, i(2, 0x73), 'CSR', 'Zicsr'),
  row(Op.CSRRC, 'csrrc', I, i(3, 0x73), 'CSR', 'Zicsr'),
  row(Op.CSRRWI, 'csrrwi', I, i(5, 0x73), 'CSRI', 'Zicsr'),
  row(Op.CSRRSI, 'csrrsi', I, i(6, 0x73), 'CSRI', 'Zicsr'),
  row(Op.CSRRCI, 'csrrci', I, i(7, 0x73), 'CSRI', 'Zicsr'),
  row(Op.LR_W, 'lr.w', LRM, amo(0x02, 2), 'LR', 'A'),
  row(Op.SC_W, 'sc.w', AMO, amo(0x03, 2), 'AMO', 'A'),
  row(Op.AMOSWAP_W, 'amoswap.w', AMO, amo(0x01, 2), 'AMO', 'A'),
  row(Op.AMOADD_W, 'amoadd.w', AMO, amo(0x00, 2), 'AMO', 'A'),
  row(Op.AMOXOR_W, 'amoxor.w', AMO, amo(0x04, 2), 'AMO', 'A'),
  row(Op.AMOAND_W, 'amoand.w', AMO, amo(0x0c, 2), 'AMO', 'A'),
  row(Op.AMOOR_W, 'amoor.w', AMO, amo(0x08, 2), 'AMO', 'A'),
  row(Op.AMOMIN_W, 'amomin.w', AMO, amo(0x10, 2), 'AMO', 'A'),
  row(Op.AMOMAX_W, 'amomax.w', AMO, amo(0x14, 2), 'AMO', 'A'),
  row(Op.AMOMINU_W, 'amominu.w', AMO, amo(0x18, 2), 'AMO', 'A'),
  row(Op.AMOMAXU_W, 'amomaxu.w', AMO, amo(0x1c, 2), 'AMO', 'A'),
  row(Op.LR_D, 'lr.d', LRM, amo(0x02, 3), 'LR', 'A'),
  row(Op.SC_D, 'sc.d', AMO, amo(0x03, 3), 'AMO', 'A'),
  row(Op.AMOSWAP_D, 'amoswap.d', AMO, amo(0x01, 3), 'AMO', 'A'),
  row(Op.AMOADD_D, 'amoadd.d', AMO, amo(0x00, 3), 'AMO', 'A'),
  row(Op.AMOXOR_D, 'amoxor.d', AMO, amo(0x04, 3), 'AMO', 'A'),
  row(Op.AMOAND_D, 'amoand.d', AMO, amo(0x0c, 3), 'AMO', 'A'),
  row(Op.AMOOR_D, 'amoor.d', AMO, amo(0x08, 3), 'AMO', 'A'),
  row(Op.AMOMIN_D, 'amomin.d', AMO, amo(0x10, 3), 'AMO', 'A'),
  row(Op.AMOMAX_D, 'amomax.d', AMO, amo(0x14, 3), 'AMO', 'A'),
  row(Op.AMOMINU_D, 'amominu.d', AMO, amo(0x18, 3), 'AMO', 'A'),
  row(Op.AMOMAXU_D, 'amomaxu.d', AMO, amo(0x1c, 3), 'AMO', 'A'),
  row(Op.FLW, 'flw', I, i(2, 0x07), 'FL', 'F'),
  row(Op.FLD, 'fld', I, i(3, 0x07), 'FL', 'D'),
  row(Op.FSW, 'fsw', I, i(2, 0x27), 'FS', 'F'),
  row(Op.FSD, 'fsd', I, i(3, 0x27), 'FS', 'D'),
  row(Op.FMADD_S, 'fmadd.s', R4M, 0x43, 'R4', 'F'),
  row(Op.FMSUB_S, 'fmsub.s', R4M, 0x47, 'R4', 'F'),
  row(Op.FNMSUB_S, 'fnmsub.s', R4M, 0x4b, 'R4', 'F'),
  row(Op.FNMADD_S, 'fnmadd.s', R4M, 0x4f, 'R4', 'F'),
  row(Op.FMADD_D, 'fmadd.d', R4M, (1 << 25) | 0x43, 'R4', 'D'),
  row(Op.FMSUB_D, 'fmsub.d', R4M, (1 << 25) | 0x47, 'R4', 'D'),
  row(Op.FNMSUB_D, 'fnmsub.d', R4M, (1 << 25) | 0x4b, 'R4', 'D'),
  row(Op.FNMADD_D, 'fnmadd.d', R4M, (1 << 25) | 0x4f, 'R4', 'D'),
  row(Op.FADD_S, 'fadd.s', FRM, fp(0x00, 0, 0), 'FRRM', 'F'),
  row(Op.FSUB_S, 'fsub.s', FRM, fp(0x04, 0, 0), 'FRRM', 'F'),
  row(Op.FMUL_S, 'fmul.s', FRM, fp(0x08, 0, 0), 'FRRM', 'F'),
  row(Op.FDIV_S, 'fdiv.s', FRM, fp(0x0c, 0, 0), 'FRRM', 'F'),
  row(Op.FSQRT_S, 'fsqrt.s', F1, fp(0x2c, 0, 0), 'F1RM', 'F'),
  row(Op.FSGNJ_S, 'fsgnj.s', FF3, fp(0x10, 0, 0), 'FR', 'F'),
  row(Op.FSGNJN_S, 'fsgnjn.s', FF3, fp(0x10, 0, 1), 'FR', 'F'),
  row(Op.FSGNJX_S, 'fsgnjx.s', FF3, fp(0x10, 0, 2), 'FR', 'F'),
  row(Op.FMIN_S, 'fmin.s', FF3, fp(0x14, 0, 0), 'FR', 'F'),
  row(Op.FMAX_S, 'fmax.s', FF3, fp(0x14, 0, 1), 'FR', 'F'),
  row(Op.FCVT_W_S, 'fcvt.w.s', F1, fp(0x60, 0, 0), 'FXFRM', 'F'),
  row(Op.FCVT_WU_S, 'fcvt.wu.s', F1, fp(0x60, 1, 0), 'FXFRM', 'F'),
  row(Op.FCVT_L_S, 'fcvt.l.s', F1, fp(0x60, 2, 0), 'FXFRM', 'F'),
  row(Op.FCVT_LU_S, 'fcvt.lu.s', F1, fp(0x60, 3, 0), 'FXFRM', 'F'),
  row(Op.FMV_X_W, 'fmv.x.w', FF3R, fp(0x70, 0, 0), 'FXF', 'F'),
  row(Op.FEQ_S, 'feq.s', FF3, fp(0x50, 0, 2), 'FXFF', 'F'),
  row(Op.FLT_S, 'flt.s', FF3, fp(0x50, 0, 1), 'FXFF', 'F'),
  row(Op.FLE_S, 'fle.s', FF3, fp(0x50, 0, 0), 'FXFF', 'F'),
  row(Op.FCLASS_S, 'fclass.s', FF3R, fp(0x70, 0, 1), 'FXF', 'F'),
  row(Op.FCVT_S_W, 'fcvt.s.w', F1, fp(0x68, 0, 0), 'FFXRM', 'F'),
  row(Op.FCVT_S_WU, 'fcvt.s.wu', F1, fp(0x68, 1, 0), 'FFXRM', 'F'),
  row(Op.FCVT_S_L, 'fcvt.s.l', F1, fp(0x68, 2, 0), 'FFXRM', 'F'),
  row(Op.FCVT_S_LU, 'fcvt.s.lu', F1, fp(0x68, 3, 0), 'FFXRM', 'F'),
  row(Op.FMV_W_X, 'fmv.w.x', FF3R, fp(0x78, 0, 0), 'FFX', 'F'),
  row(Op.FADD_D, 'fadd.d', FRM, fp(0x01, 0, 0), 'FRRM', 'D'),
  row(Op.FSUB_D, 'fsub.d', FRM, fp(0x05, 0, 0), 'FRRM', 'D'),
  row(Op.FMUL_D, 'fmul.d', FRM, fp(0x09, 0, 0), 'FRRM', 'D'),
  row(Op.FDIV_D, 'fdiv.d', FRM, fp(0x0d, 0, 0), 'FRRM', 'D'),
  row(Op.FSQRT_D, 'fsqrt.d', F1, fp(0x2d, 0, 0), 'F1RM', 'D'),
  row(Op.FSGNJ_D, 'fsgnj.d', FF3, fp(0x11, 0, 0), 'FR', 'D'),
  row(Op.FSGNJN_D, 'fsgnjn.d', FF3, fp(0x11, 0, 1), 'FR', 'D'),
  row(Op.FSGNJX_D, 'fsgnjx.d', FF3, fp(0x11, 0, 2), 'FR', 'D'),
  row(Op.FMIN_D, 'fmin.d', FF3, fp(0x15, 0, 0), 'FR', 'D'),
  row(Op.FMAX_D, 'fmax.d', FF3, fp(0x15, 0, 1), 'FR', 'D'),
  row(Op.FCVT_S_D, 'fcvt.s.d', F1, fp(0x20, 1, 0), 'F1RM', 'D'),
  row(Op.FCVT_D_S, 'fcvt.d.s', F1, fp(0x21, 0, 0), 'F1RM', 'D'),
  row(Op.FCVT_W_D, 'fcvt.w.d', F1, fp(0x61, 0, 0), 'FXFRM', 'D'),
  row(Op.FCVT_WU_D, 'fcvt.wu.d', F1, fp(0x61, 1, 0), 'FXFRM', 'D'),
  row(Op.FCVT_L_D, 'fcvt.l.d', F1, fp(0x61, 2, 0), 'FXFRM', 'D'),
  row(Op.FCVT_LU_D, 'fcvt.lu.d', F1, fp(0x61, 3, 0), 'FXFRM', 'D'),
  row(Op.FMV_X_D, 'fmv.x.d', FF3R, fp(0x71, 0, 0), 'FXF', 'D'),
  row(Op.FEQ_D, 'feq.d', FF3, fp(0x51, 0, 2), 'FXFF', 'D'),
  row(Op.FLT_D, 'flt.d', FF3, fp(0x51, 0, 1), 'FXFF', 'D'),
  row(Op.FLE_D, 'fle.d', FF3, fp(0x51, 0, 0), 'FXFF', 'D'),
  row(Op.FCLASS_D, 'fclass.d', FF3R, fp(0x71, 0, 1), 'FXF', 'D'),
  row(Op.FCVT_D_W, 'fcvt.d.w', F1, fp(0x69, 0, 0), 'FFXRM', 'D'),
  row(Op.FCVT_D_WU, 'fcvt.d.wu', F1, fp(0x69, 1, 0), 'FFXRM', 'D'),
  row(Op.FCVT_D_L, 'fcvt.d.l', F1, fp(0x69, 2, 0), 'FFXRM', 'D'),
  row(Op.FCVT_D_LU, 'fcvt.d.lu', F1, fp(0x69, 3, 0), 'FFXRM', 'D'),
  row(Op.FMV_D_X, 'fmv.d.x', FF3R, fp(0x79, 0, 0), 'FFX', 'D'),
];

// ---- Explicit groups of dispatch ids ----
// An instruction added anywhere in the table joins its groups by its extension and format, or by being listed in a
// family below; nothing depends on where its id falls in the enum.

/** Group bits, read as `GROUPS[op] & Group.x`. */
export const enum Group {
  /** F and D instructions, loads and stores included: illegal while mstatus.FS is off. */
  float = 1,
  /** The A extension: LR, SC and the AMOs. */
  atomic = 2,
  /** The 64-bit member of a pair whose other member works on 32 bits (lr.d, amoadd.d, ...). */
  double = 4,
  /** A CSR instruction whose source operand is the 5-bit immediate (csrrwi, csrrsi, csrrci). */
  csrImmediate = 8,
  /** funct3 holds a rounding mode, so rm 5 and 6 (or frm >= 5 when dynamic) make it illegal. */
  rounding = 16,
}

/** Group bits of every op. */
export const GROUPS = new Uint8Array(Op.BREAKPOINT + 1);

/**
 * An op's place in its family: 0 write, 1 set, 2 clear for the CSR instructions; 0..3 for fmadd, fmsub, fnmsub,
 * fnmadd; 0..3 for the w, wu, l, lu integer side of the conversions.
 */
export const VARIANT = new Uint8Array(Op.BREAKPOINT + 1);

const FAMILIES: readonly (readonly Op[])[] = [
  [Op.CSRRW, Op.CSRRS, Op.CSRRC],
  [Op.CSRRWI, Op.CSRRSI, Op.CSRRCI],
  [Op.FMADD_S, Op.FMSUB_S, Op.FNMSUB_S, Op.FNMADD_S],
  [Op.FMADD_D, Op.FMSUB_D, Op.FNMSUB_D, Op.FNMADD_D],
  [Op.FCVT_W_S, Op.FCVT_WU_S, Op.FCVT_L_S, Op.FCVT_LU_S],
  [Op.FCVT_W_D, Op.FCVT_WU_D, Op.FCVT_L_D, Op.FCVT_LU_D],
  [Op.FCVT_S_W, Op.FCVT_S_WU, Op.FCVT_S_L, Op.FCVT_S_LU],
  [Op.FCVT_D_W, Op.FCVT_D_WU, Op.FCVT_D_L, Op.FCVT_D_LU],
];
for (const f of FAMILIES)
  f.forEach((op, k) => {
    VARIANT[op] = k;
  });
for (const op of FAMILIES[1]) GROUPS[op] |= Group.csrImmediate;
const ROUNDING_FORMATS: ReadonlySet<Format> = new Set<Format>(['R4', 'FRRM', 'F1RM', 'FXFRM', 'FFXRM']);
for (const ins of INSTRUCTIONS) {
  if (ins.ext === 'F' || ins.ext === 'D') GROUPS[ins.op] |= Group.float;
  if (ins.ext === 'A') GROUPS[ins.op] |= Group.atomic | (ins.name.endsWith('.d') ? Group.double : 0);
  if (ROUNDING_FORMATS.has(ins.format)) GROUPS[ins.op] |= Group.rounding;
}

// Field extraction shared by the interpreter, the decoder and the disassembler.
export const rdOf = (w: number) => (w >>> 7) & 31;
export const rs1Of = (w: number) => (w >>> 15) & 31;
export const rs2Of = (w: number) => (w >>> 20) & 31;
export const rs3Of = (w: number) => (w >>> 27) & 31;
export const immI = (w: number) => w >> 20;
export const immS = (w: number) => ((w >> 25) << 5) | ((w >>> 7) & 31);
export const immB = (w: number) =>
  ((w >> 31) << 12) | (((w >>> 7) & 1) << 11) | (((w >>> 25) & 63) << 5) | (((w >>> 8) & 15) << 1);
export const immU = (w: number) => w & 0xfffff000;
export const immJ = (w: number) =>
  ((w >> 31) << 20) | (((w >>> 12) & 255) << 12) | (((w >>> 20) & 1) << 11) | (((w >>> 21) & 1023) << 1);
