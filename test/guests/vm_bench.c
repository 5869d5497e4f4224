/* Guest "vm_bench": CPU-bound S-mode code under Sv39 (about 200 M instructions). Code runs through an identity
   gigapage; 48 KiB of data is reached through 4 KiB pages at another virtual address, so every access goes through
   the TLB. A machine timer interrupt arrives every 50 us, and the loop rewrites one of its own instructions (then
   fence.i) now and then. The differential JIT tests and `npm run bench` (core-sv39) run it. */
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

#define PTE_V 1UL
#define PTE_R 2UL
#define PTE_W 4UL
#define PTE_X 8UL
#define PTE_A 64UL
#define PTE_D 128UL
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12 << 10) | (flags))

#ifndef VM_ROUNDS
#define VM_ROUNDS 600
#endif
#define WORDS (48 * 1024 / 8)
#define DATA_VA 0x40000000UL
#define TICK 500 /* mtime ticks (10 MHz): 50 us */

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint64_t data[WORDS] __attribute__((aligned(4096)));
static volatile uint64_t ticks;

/* A patchable function: its first instruction is `addi a0, a0, K`, rewritten by the loop. */
extern uint32_t patch_site[];
uint64_t patched(uint64_t);
__asm__(
  ".text\n"
  ".balign 4\n"
  ".globl patched\n"
  ".globl patch_site\n"
  ".option push\n"
  ".option norvc\n"
  "patched:\n"
  "patch_site:\n"
  "  addi a0, a0, 1\n"
  "  ret\n"
  ".option pop\n");

static __attribute__((noinline)) uint64_t step(uint64_t acc, uint64_t v, unsigned i) {
  return (acc ^ (v << 9)) + (acc >> 5) + i;
}

static void s_main(void) {
  volatile uint64_t *d = (volatile uint64_t *)DATA_VA;
  uint64_t acc = 7, sum = 0;
  for (unsigned r = 0; r < VM_ROUNDS; r++) {
    for (unsigned i = 0; i < WORDS; i++) {
      uint64_t v = d[i];
      acc = step(acc, v, i);
      d[i] = v + (acc & 0xff);
      if ((acc & 15) == 5) d[(i * 7) % WORDS] ^= acc;
    }
    if (r % 50 == 0) {
      /* addi a0, a0, K with K = r & 0x7ff */
      patch_site[0] = 0x00050513u | ((r & 0x7ffu) << 20);
      __asm__ volatile("fence.i" ::: "memory");
    }
    sum = patched(sum + acc);
  }
  uint64_t check = sum;
  for (unsigned i = 0; i < WORDS; i++) check = (check ^ data[i]) * 0x100000001b3ULL;
  printf("vm_bench rounds=%u checksum=%016lx\n", VM_ROUNDS, (unsigned long)check);
  __asm__ volatile("li a7, 1; ecall" ::: "a7", "memory");
  for (;;) {}
}

void handle_trap(struct trap_frame *f) {
  if (f->mcause == (CAUSE_INTERRUPT | 7)) {
    ticks++;
    mmio_write64(CLINT_MTIMECMP(0), mmio_read64(CLINT_MTIME) + TICK);
    return;
  }
  if (f->mcause == 9) {
    /* Tick counts depend on the machine's timing, so only whether ticks came is printed. */
    printf("vm_bench: ecall from S, timer ticks seen: %s\n", ticks > 0 ? "yes" : "no");
    exit(0);
  }
  printf("vm_bench: unexpected trap cause=%lu tval=%#lx epc=%#lx\n", (unsigned long)f->mcause, (unsigned long)f->mtval, (unsigned long)f->mepc);
  exit(3);
}

int main(void) {
  /* Devices and RAM through identity gigapages; the data through 4 KiB pages at DATA_VA. */
  root[0] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  root[2] = PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  root[1] = PTE(l1, PTE_V);
  l1[0] = PTE(l0, PTE_V);
  for (unsigned k = 0; k < WORDS * 8 / 4096; k++) l0[k] = PTE((uintptr_t)data + 4096 * k, PTE_V | PTE_R | PTE_W);
  for (unsigned i = 0; i < WORDS; i++) data[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
  write_csr(pmpaddr0, ~0UL >> 10);
  write_csr(pmpcfg0, 0x1f);
  write_csr(satp, (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12));
  __asm__ volatile("sfence.vma" ::: "memory");
  mmio_write64(CLINT_MTIMECMP(0), mmio_read64(CLINT_MTIME) + TICK);
  set_csr(mie, MIP_MTIP);
  uint64_t ms = read_csr(mstatus);
  ms = (ms & ~(3UL << 11)) | (1UL << 11); /* MPP = S */
  write_csr(mstatus, ms);
  write_csr(mepc, (uint64_t)(uintptr_t)s_main);
  __asm__ volatile("mret");
  return 1;
}
