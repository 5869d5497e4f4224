/* Guest "rv64i": every RV64I integer instruction, W forms included: ALU, shifts, compares, branches, loads/stores, jumps. */
#include "check.h"
#include "guest.h"

RR_FN(op_add, "add") RR_FN(op_sub, "sub") RR_FN(op_sll, "sll") RR_FN(op_slt, "slt") RR_FN(op_sltu, "sltu")
RR_FN(op_xor, "xor") RR_FN(op_srl, "srl") RR_FN(op_sra, "sra") RR_FN(op_or, "or") RR_FN(op_and, "and")
RR_FN(op_addw, "addw") RR_FN(op_subw, "subw") RR_FN(op_sllw, "sllw") RR_FN(op_srlw, "srlw") RR_FN(op_sraw, "sraw")

/* Immediate forms: b selects one of several immediates, so each encoding extreme is exercised. */
#define RI_FN(fn, insn, i0, i1, i2, i3)                                                  \
  static uint64_t fn(uint64_t a, uint64_t b) {                                           \
    uint64_t r;                                                                          \
    switch (b & 3) {                                                                     \
    case 0: __asm__ volatile(insn " %0, %1, " #i0 : "=r"(r) : "r"(a)); break;            \
    case 1: __asm__ volatile(insn " %0, %1, " #i1 : "=r"(r) : "r"(a)); break;            \
    case 2: __asm__ volatile(insn " %0, %1, " #i2 : "=r"(r) : "r"(a)); break;            \
    default: __asm__ volatile(insn " %0, %1, " #i3 : "=r"(r) : "r"(a)); break;           \
    }                                                                                    \
    return r;                                                                            \
  }
RI_FN(op_addi, "addi", 0, 2047, -2048, -1) RI_FN(op_slti, "slti", 0, 2047, -2048, -1)
RI_FN(op_sltiu, "sltiu", 0, 2047, -2048, -1) RI_FN(op_xori, "xori", 0, 2047, -2048, -1)
RI_FN(op_ori, "ori", 0, 1365, -2048, -1) RI_FN(op_andi, "andi", 0, 2047, -2048, -1)
RI_FN(op_slli, "slli", 0, 1, 31, 63) RI_FN(op_srli, "srli", 0, 1, 32, 63) RI_FN(op_srai, "srai", 0, 7, 33, 63)
RI_FN(op_addiw, "addiw", 0, 2047, -2048, -1) RI_FN(op_slliw, "slliw", 0, 1, 16, 31)
RI_FN(op_srliw, "srliw", 0, 1, 16, 31) RI_FN(op_sraiw, "sraiw", 0, 1, 16, 31)

/* Branches: returns a bit per branch kind, 1 when taken. */
static uint64_t op_branches(uint64_t a, uint64_t b) {
  uint64_t r = 0;
  __asm__ volatile(
      "beq %1, %2, 1f\n ori %0, %0, 1\n1:\n"
      "bne %1, %2, 1f\n ori %0, %0, 2\n1:\n"
      "blt %1, %2, 1f\n ori %0, %0, 4\n1:\n"
      "bge %1, %2, 1f\n ori %0, %0, 8\n1:\n"
      "bltu %1, %2, 1f\n ori %0, %0, 16\n1:\n"
      "bgeu %1, %2, 1f\n ori %0, %0, 32\n1:\n"
      : "+r"(r) : "r"(a), "r"(b));
  return r;
}

static uint8_t memory[64] __attribute__((aligned(16)));

static void check_loads(void) {
  for (unsigned i = 0; i < sizeof memory; i++) memory[i] = (uint8_t)(0x81 + i * 0x3b);
  uint64_t h = FOLD_INIT;
  for (unsigned off = 0; off < 32; off += 8) {
    uint8_t *p = memory + off;
    uint64_t v;
#define LOAD(insn, d) __asm__ volatile(insn " %0, " #d "(%1)" : "=r"(v) : "r"(p)); h = fold(h, v);
    LOAD("lb", 0) LOAD("lb", 7) LOAD("lbu", 0) LOAD("lbu", 5) LOAD("lh", 0) LOAD("lh", 6) LOAD("lhu", 2)
    LOAD("lhu", 6) LOAD("lw", 0) LOAD("lw", 4) LOAD("lwu", 0) LOAD("lwu", 4) LOAD("ld", 0) LOAD("ld", 8)
  }
  show("loads", h);
  uint64_t v;
  __asm__ volatile("lb %0, 0(%1)" : "=r"(v) : "r"(memory));
  show("lb sign-extends", v);
  __asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(memory));
  show("lhu zero-extends", v);
  __asm__ volatile("lw %0, -4(%1)" : "=r"(v) : "r"(memory + 8));
  show("lw negative offset", v);
}

static void check_stores(void) {
  uint64_t h = FOLD_INIT;
  for (unsigned i = 0; i < 8; i++) {
    uint64_t val = operands[N_OPERANDS - 1 - i * 3];
    for (unsigned k = 0; k < sizeof memory; k++) memory[k] = 0;
    uint8_t *p = memory + 16;
    __asm__ volatile("sb %0, 0(%1)\n sb %0, -1(%1)\n sh %0, 2(%1)\n sw %0, 4(%1)\n sd %0, 8(%1)\n"
                     "sh %0, -4(%1)\n sw %0, -16(%1)\n sd %0, 24(%1)"
                     :: "r"(val), "r"(p) : "memory");
    for (unsigned k = 0; k < sizeof memory; k += 8) h = fold(h, *(volatile uint64_t *)(memory + k));
  }
  show("stores", h);
}

static void check_upper_and_jumps(void) {
  uint64_t v;
  __asm__ volatile("lui %0, 0xfffff" : "=r"(v));
  show("lui 0xfffff", v);
  __asm__ volatile("lui %0, 0x7ffff" : "=r"(v));
  show("lui 0x7ffff", v);
  __asm__ volatile("lui %0, 0x80000" : "=r"(v));
  show("lui 0x80000", v);
  uint64_t here, there;
  __asm__ volatile("1: auipc %0, 0\n la %1, 1b" : "=r"(here), "=r"(there));
  show("auipc 0 == label", here == there);
  __asm__ volatile("1: auipc %0, 0x1\n la %1, 1b" : "=r"(here), "=r"(there));
  show("auipc 1 - label", here - there);
  uint64_t link, target;
  __asm__ volatile("jal %0, 1f\n 2: nop\n 1: la %1, 2b" : "=r"(link), "=r"(target));
  show("jal link", link == target);
  uint64_t out = 0;
  __asm__ volatile("la t0, 1f + 1\n"  /* jalr clears bit 0 of the target */
                   "jalr t1, 0(t0)\n li %0, 99\n j 2f\n"
                   "1: sub %0, t1, t0\n"
                   "2:" : "=r"(out) :: "t0", "t1");
  show("jalr odd target link-tgt", out);
  __asm__ volatile("la t0, 1f - 8\n jalr t1, 8(t0)\n li %0, 99\n j 2f\n 1: li %0, 42\n 2:" : "=r"(out) :: "t0", "t1");
  show("jalr offset", out);
  __asm__ volatile("li t0, 5\n add x0, t0, t0\n mv %0, x0" : "=r"(out) :: "t0");
  show("x0 stays zero", out);
}

int main(void) {
  printf("rv64i\n");
  check_rr("add", op_add); check_rr("sub", op_sub); check_rr("sll", op_sll); check_rr("slt", op_slt);
  check_rr("sltu", op_sltu); check_rr("xor", op_xor); check_rr("srl", op_srl); check_rr("sra", op_sra);
  check_rr("or", op_or); check_rr("and", op_and); check_rr("addw", op_addw); check_rr("subw", op_subw);
  check_rr("sllw", op_sllw); check_rr("srlw", op_srlw); check_rr("sraw", op_sraw);
  check_rr("addi", op_addi); check_rr("slti", op_slti); check_rr("sltiu", op_sltiu); check_rr("xori", op_xori);
  check_rr("ori", op_ori); check_rr("andi", op_andi); check_rr("slli", op_slli); check_rr("srli", op_srli);
  check_rr("srai", op_srai); check_rr("addiw", op_addiw); check_rr("slliw", op_slliw); check_rr("srliw", op_srliw);
  check_rr("sraiw", op_sraiw); check_rr("branches", op_branches);
  show("sra -1>>63", op_sra(~0UL, 63));
  show("sraw 0x80000000>>31", op_sraw(0x80000000UL, 31));
  show("sllw 1<<31", op_sllw(1, 31));
  show("srlw uses low 5 bits", op_srlw(0xffffffff00000000UL | 0x80000000UL, 33));
  show("addw wraps", op_addw(0x7fffffff, 1));
  show("subw sign", op_subw(0, 1));
  check_loads();
  check_stores();
  check_upper_and_jumps();
  printf("rv64i done\n");
  return 0;
}
