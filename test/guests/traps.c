/* Guest "traps": synchronous exceptions in direct mtvec mode: ecall, ebreak, illegal instructions, misaligned
   loads/stores (which succeed, as on QEMU) and access faults. Misaligned atomics are in misaligned_atomics.c. */
#include "guest.h"
#include "check.h"
#include "trap_record.h"

static uint8_t buf[32] __attribute__((aligned(16)));

int main(void) {
  printf("traps\n");
  expect_begin(); __asm__ volatile("ecall"); expect_end("ecall", 0);
  expect_begin(); __asm__ volatile("li a7, 93\n li a0, 5\n ecall" ::: "a0", "a7"); expect_end("ecall with args", 0);
  expect_begin(); __asm__ volatile(".option push\n .option norvc\n ebreak\n .option pop"); expect_end("ebreak", 0);
  printf("ebreak epc matches tval: %d\n", last_epc == last_tval);
  expect_begin(); __asm__ volatile("c.ebreak"); expect_end("c.ebreak", 0);
  expect_begin(); __asm__ volatile(".word 0xffffffff"); expect_end("illegal 0xffffffff", 0);
  expect_begin(); __asm__ volatile(".2byte 0x0000"); expect_end("illegal c.unimp 0x0000", 0);
  expect_begin(); __asm__ volatile(".word 0x0000007f"); expect_end("illegal reserved opcode", 0);
  expect_begin(); __asm__ volatile("csrw mhartid, zero"); expect_end("write read-only csr", 0);
  expect_begin(); __asm__ volatile("csrr t0, 0x7ff" ::: "t0"); expect_end("unknown csr 0x7ff", 0);
  expect_begin(); __asm__ volatile(".word 0x02000073"); expect_end("illegal system funct", 0);
  expect_begin(); __asm__ volatile("fsrmi 7\n fadd.d ft0, ft0, ft0, dyn\n fsrmi 0" ::: "ft0"); expect_end("fadd dyn with frm=7", 0);
  expect_begin(); __asm__ volatile(".word 0xfc000033"); expect_end("illegal R-type funct7", 0);

  /* Misaligned scalar accesses complete without a trap. */
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (uint8_t)(i * 17 + 3);
  uint64_t h = FOLD_INIT, v;
  expect_begin();
  for (unsigned off = 1; off < 8; off++) {
    uint8_t *p = buf + off;
    __asm__ volatile("lh %0, 0(%1)" : "=r"(v) : "r"(p)); h = fold(h, v);
    __asm__ volatile("lhu %0, 0(%1)" : "=r"(v) : "r"(p)); h = fold(h, v);
    __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(p)); h = fold(h, v);
    __asm__ volatile("lwu %0, 0(%1)" : "=r"(v) : "r"(p)); h = fold(h, v);
    __asm__ volatile("ld %0, 0(%1)" : "=r"(v) : "r"(p)); h = fold(h, v);
    __asm__ volatile("fld ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(v) : "r"(p) : "ft0"); h = fold(h, v);
    __asm__ volatile("flw ft0, 0(%1)\n fmv.x.d %0, ft0" : "=r"(v) : "r"(p) : "ft0"); h = fold(h, v);
  }
  for (unsigned off = 1; off < 8; off++) {
    uint8_t *p = buf + 8 + off;
    __asm__ volatile("sd %0, 0(%1)\n sw %0, 9(%1)\n sh %0, 13(%1)" :: "r"(0x0102030405060708UL * off), "r"(p) : "memory");
    __asm__ volatile("fmv.d.x ft0, %0\n fsd ft0, -7(%1)\n fsw ft0, 3(%1)" :: "r"(0xa1b2c3d4e5f60718UL), "r"(p) : "ft0", "memory");
    for (unsigned k = 0; k < sizeof buf; k += 8) h = fold(h, *(volatile uint64_t *)(buf + k));
  }
  expect_end("misaligned loads/stores", 0);
  show("misaligned data", h);

  /* Accesses to a hole in the virt memory map are access faults. */
  expect_begin(); __asm__ volatile("lw %0, 0(%1)" : "=r"(v) : "r"(0x200000UL)); expect_end("load access fault", 0);
  expect_begin(); __asm__ volatile("sw zero, 0(%0)" :: "r"(0x200008UL)); expect_end("store access fault", 0);
  expect_begin();
  __asm__ volatile("la t0, 1f\n li t1, 0x200000\n jr t1\n 1:" ::: "t0", "t1");
  printf("%-32s traps=%lu cause=%lu tval=%#lx\n", "fetch access fault", (unsigned long)(trap_count - traps_before),
         (unsigned long)last_cause, (unsigned long)last_tval);
  printf("traps done\n");
  return 0;
}
