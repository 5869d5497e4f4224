/* Guest "csr": Zicsr (all six csrr* forms, read-only and WARL behaviour) and fence.i after rewriting code. */
#include "guest.h"
#include "check.h"
#include "trap_record.h"

/* Executable buffer in RAM: "li a0, N; ret". */
static uint32_t code[4] __attribute__((aligned(8)));
static uint32_t li_a0(int n) { return ((uint32_t)n << 20) | (10 << 7) | 0x13; }

static void fence_i(void) {
  uint64_t (*fn)(void) = (uint64_t(*)(void))(uintptr_t)code;
  code[0] = li_a0(1);
  code[1] = 0x00008067; /* ret */
  __asm__ volatile("fence.i" ::: "memory");
  show("code before rewrite", fn());
  code[0] = li_a0(2);
  __asm__ volatile("fence.i" ::: "memory");
  show("code after rewrite+fence.i", fn());
  for (int i = 3; i < 6; i++) {
    code[0] = li_a0(i * 100);
    __asm__ volatile("fence.i" ::: "memory");
    show("rewrite loop", fn());
  }
  /* a compressed instruction patched in place: c.li a0, 7; c.jr ra */
  code[0] = 0x8082451d;
  __asm__ volatile("fence.i" ::: "memory");
  show("compressed rewrite", fn());
}

int main(void) {
  uint64_t v, old;
  printf("csr\n");
  __asm__ volatile("csrw mscratch, %0" :: "r"(0x1234UL));
  __asm__ volatile("csrrw %0, mscratch, %1" : "=r"(old) : "r"(0xff00UL));
  show("csrrw old", old);
  __asm__ volatile("csrrs %0, mscratch, %1" : "=r"(old) : "r"(0x0ff0UL));
  show("csrrs old", old);
  __asm__ volatile("csrrc %0, mscratch, %1" : "=r"(old) : "r"(0xf00fUL));
  show("csrrc old", old);
  __asm__ volatile("csrr %0, mscratch" : "=r"(v));
  show("after csrrc", v);
  __asm__ volatile("csrrwi %0, mscratch, 31" : "=r"(old));
  show("csrrwi old", old);
  __asm__ volatile("csrrsi %0, mscratch, 0x40 >> 2" : "=r"(old));
  show("csrrsi old", old);
  __asm__ volatile("csrrci %0, mscratch, 3\n csrr %1, mscratch" : "=r"(old), "=r"(v));
  show("csrrci old", old);
  show("csrrci new", v);
  __asm__ volatile("csrw mscratch, %0\n csrr %0, mscratch" : "=r"(v) : "0"(0xfedcba9876543210UL));
  show("mscratch 64-bit", v);
  __asm__ volatile("csrrw x0, mscratch, %0\n csrr %0, mscratch" : "=r"(v) : "0"(5UL));
  show("csrrw rd=x0 writes", v);
  /* csrrs/csrrc with rs1=x0 and csrr*i with uimm=0 do not write, so read-only CSRs are fine */
  expect_begin();
  __asm__ volatile("csrrs %0, mhartid, x0" : "=r"(v));
  __asm__ volatile("csrrc %0, mhartid, x0" : "=r"(v));
  __asm__ volatile("csrrsi %0, mhartid, 0" : "=r"(v));
  __asm__ volatile("csrrci %0, mhartid, 0" : "=r"(v));
  expect_end("read-only reads", 0);
  show("mhartid", v);
  expect_begin(); __asm__ volatile("csrrsi %0, mhartid, 1" : "=r"(v)); expect_end("csrrsi mhartid, 1", 0);
  expect_begin(); __asm__ volatile("csrrw %0, mvendorid, x0" : "=r"(v)); expect_end("csrrw mvendorid", 0);
  /* WARL fields */
  __asm__ volatile("csrw mepc, %1\n csrr %0, mepc" : "=r"(v) : "r"(0x80001236UL));
  show("mepc keeps bit 1 (C)", v);
  __asm__ volatile("csrw mtvec, %1\n csrr %0, mtvec" : "=r"(v) : "r"(0x80002001UL));
  show("mtvec vectored", v);
  write_csr(mtvec, (uint64_t)trap_entry);
  __asm__ volatile("csrw mcause, %1\n csrr %0, mcause" : "=r"(v) : "r"(0x800000000000000bUL));
  show("mcause", v);
  __asm__ volatile("csrw mtval, %1\n csrr %0, mtval" : "=r"(v) : "r"(0xdeadbeefcafeUL));
  show("mtval", v);
  __asm__ volatile("csrw mie, %1\n csrr %0, mie\n csrw mie, zero" : "=r"(v) : "r"(0x888UL));
  show("mie M bits", v);
  __asm__ volatile("csrsi mstatus, 8\n csrr %0, mstatus\n csrci mstatus, 8" : "=r"(v));
  show("mstatus.MIE set", (v >> 3) & 1);
  fence_i();
  printf("csr done\n");
  return 0;
}
