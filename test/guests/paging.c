/* Guest "paging": M-mode builds Sv39 page tables (a 1 GiB and a 2 MiB superpage, 4 KiB user pages, a read-only
   page, a misaligned superpage), delegates U ecalls and page faults to S-mode, enters S-mode with mret, turns
   paging on, and runs U-mode code that loads, stores, faults and makes an ecall. S-mode reports each trap and
   the A/D bits the page walker set; an ecall from S-mode returns to M-mode, which prints and exits. */
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

#define PTE_V 1UL
#define PTE_R 2UL
#define PTE_W 4UL
#define PTE_X 8UL
#define PTE_U 16UL
#define PTE_A 64UL
#define PTE_D 128UL
#define PTE(pa, flags) ((((uint64_t)(pa)) >> 12 << 10) | (flags))

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1_user[512] __attribute__((aligned(4096)));
static uint64_t l0_user[512] __attribute__((aligned(4096)));
static uint64_t user_data[512] __attribute__((aligned(4096)));
static uint64_t user_ro[512] __attribute__((aligned(4096)));
/* The megapage maps 2 MiB of RAM past the image. */
static volatile uint64_t *const mega_target = (volatile uint64_t *)0x80600000UL;

#define USER_VA 0x40000000UL
#define MEGA_VA 0x60000000UL
#define BADMEGA_VA 0x60200000UL

/* User code: position-independent, on its own page. a0 = data VA, a1 = read-only VA. */
extern char user_code[];
__asm__(
  ".section .text.user, \"ax\"\n"
  ".balign 4096\n"
  ".globl user_code\n"
  ".option push\n"
  ".option norvc\n"
  "user_code:\n"
  "  ld t0, 0(a0)\n"        /* load: sets A on the data page */
  "  addi t0, t0, 1\n"
  "  sd t0, 8(a0)\n"        /* store: sets D */
  "  ld t1, 0(a1)\n"        /* read-only page: load is fine */
  "  sd t1, 0(a1)\n"        /* store: page fault (15), S skips it */
  "  csrr t2, sstatus\n"    /* S CSR from U: illegal instruction (2), delegated? no: goes to M */
  "  mv a0, t0\n"
  "  li a7, 42\n"
  "  ecall\n"               /* ecall from U (8): delegated to S */
  "1: j 1b\n"
  ".option pop\n"
  ".balign 4096\n"
  ".text\n");

static volatile uint64_t s_traps, s_last_cause, s_last_tval, s_user_result;
static volatile int in_user;

extern void s_trap_entry(void);
void s_main(void);
extern void s_after_user(void);

/* S-mode trap handler (called from s_trap_entry with the frame). */
void s_handle(struct trap_frame *f) {
  uint64_t cause, tval, epc;
  __asm__ volatile("csrr %0, scause; csrr %1, stval; csrr %2, sepc" : "=r"(cause), "=r"(tval), "=r"(epc));
  s_traps++;
  s_last_cause = cause;
  s_last_tval = tval;
  printf("S trap: cause=%lu tval=%#lx sepc=%#lx\n", (unsigned long)cause, (unsigned long)tval, (unsigned long)epc);
  if (cause == 8) { /* ecall from U: back to S-mode */
    s_user_result = f->x[10];
    in_user = 0;
    __asm__ volatile("csrs sstatus, %0" ::"r"(1UL << 8)); /* SPP = S */
    __asm__ volatile("csrw sepc, %0" ::"r"(s_after_user));
    return;
  }
  __asm__ volatile("csrw sepc, %0" ::"r"(epc + 4));
}

__asm__(
  ".text\n"
  ".balign 4\n"
  "s_trap_entry:\n"
  "  csrrw sp, sscratch, sp\n"   /* S stack in sscratch */
  "  addi sp, sp, -288\n"
  "  sd ra, 8(sp)\n sd t0, 40(sp)\n sd t1, 48(sp)\n sd t2, 56(sp)\n sd a0, 80(sp)\n sd a1, 88(sp)\n"
  "  sd a2, 96(sp)\n sd a3, 104(sp)\n sd a4, 112(sp)\n sd a5, 120(sp)\n sd a6, 128(sp)\n sd a7, 136(sp)\n"
  "  sd t3, 224(sp)\n sd t4, 232(sp)\n sd t5, 240(sp)\n sd t6, 248(sp)\n"
  "  mv a0, sp\n"
  "  call s_handle\n"
  "  ld ra, 8(sp)\n ld t0, 40(sp)\n ld t1, 48(sp)\n ld t2, 56(sp)\n ld a0, 80(sp)\n ld a1, 88(sp)\n"
  "  ld a2, 96(sp)\n ld a3, 104(sp)\n ld a4, 112(sp)\n ld a5, 120(sp)\n ld a6, 128(sp)\n ld a7, 136(sp)\n"
  "  ld t3, 224(sp)\n ld t4, 232(sp)\n ld t5, 240(sp)\n ld t6, 248(sp)\n"
  "  addi sp, sp, 288\n"
  "  csrrw sp, sscratch, sp\n"
  "  sret\n");

static uint64_t s_stack[1024] __attribute__((aligned(16)));

static void show_pte(const char *what, uint64_t pte) {
  printf("%-26s V=%d R=%d W=%d X=%d U=%d A=%d D=%d\n", what, (int)(pte & 1), (int)(pte >> 1 & 1), (int)(pte >> 2 & 1),
         (int)(pte >> 3 & 1), (int)(pte >> 4 & 1), (int)(pte >> 6 & 1), (int)(pte >> 7 & 1));
}

void s_main(void) {
  printf("S-mode entered, paging off\n");
  __asm__ volatile("csrw stvec, %0" ::"r"(s_trap_entry));
  __asm__ volatile("csrw sscratch, %0" ::"r"(&s_stack[1024]));
  uint64_t satp = (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12);
  __asm__ volatile("csrw satp, %0; sfence.vma" ::"r"(satp) : "memory");
  printf("paging on\n");

  volatile uint64_t *mega = (volatile uint64_t *)MEGA_VA;
  printf("2 MiB superpage reads %#lx\n", (unsigned long)mega[3]);
  mega[4] = 0x5a5a;
  printf("and its store reached physical memory: %#lx\n", (unsigned long)mega_target[4]);
  show_pte("megapage PTE after access", l1_user[256]);

  uint64_t before = s_traps, junk;
  __asm__ volatile(".option push\n.option norvc\nld %0, 0(%1)\n.option pop" : "=r"(junk) : "r"(BADMEGA_VA) : "memory");
  printf("misaligned superpage: %lu fault(s), cause=%lu\n", (unsigned long)(s_traps - before), (unsigned long)s_last_cause);

  /* Enter U-mode at user_code mapped at USER_VA. */
  in_user = 1;
  register uint64_t a0 __asm__("a0") = USER_VA + 0x1000;
  register uint64_t a1 __asm__("a1") = USER_VA + 0x2000;
  __asm__ volatile(
    "csrc sstatus, %[spp]\n"
    "csrw sepc, %[entry]\n"
    "sret\n"
    ".globl s_after_user\n"
    "s_after_user:\n"
    : "+r"(a0), "+r"(a1)
    : [spp] "r"(1UL << 8), [entry] "r"(USER_VA)
    : "t0", "t1", "t2", "t3", "t4", "t5", "a2", "a3", "a4", "a5", "a6", "a7", "ra", "memory");
  printf("back in S-mode: user returned %lu, user wrote %lu\n", (unsigned long)s_user_result, (unsigned long)user_data[1]);
  show_pte("user code PTE", l0_user[0]);
  show_pte("user data PTE", l0_user[1]);
  show_pte("read-only PTE", l0_user[2]);
  printf("S-mode traps: %lu\n", (unsigned long)s_traps);
  __asm__ volatile("li a7, 7; ecall" ::: "a7", "memory"); /* to M-mode */
  for (;;) {}
}

static volatile uint64_t m_ecall_seen, m_illegal_seen;
void handle_trap(struct trap_frame *f) {
  if (f->mcause == 9) { /* ecall from S: done */
    m_ecall_seen++;
    printf("M-mode: ecall from S (a7=%lu), illegal instructions seen in M: %lu\n", (unsigned long)f->x[17], (unsigned long)m_illegal_seen);
    exit(0);
  }
  if (f->mcause == 2) { /* the U-mode csrr sstatus: not delegated, so M skips it */
    m_illegal_seen++;
    f->mepc += 4;
    return;
  }
  printf("M-mode: unexpected trap cause=%lu tval=%#lx epc=%#lx\n", (unsigned long)f->mcause, (unsigned long)f->mtval, (unsigned long)f->mepc);
  exit(3);
}

int main(void) {
  /* Identity gigapages: devices (0-1 GiB) and RAM (2-3 GiB), S-only, A/D preset on the device page only. */
  root[0] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  root[2] = PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  /* VA 0x40000000: user pages through a two-level walk. */
  root[1] = PTE(l1_user, PTE_V);
  l1_user[0] = PTE(l0_user, PTE_V);
  l0_user[0] = PTE(user_code, PTE_V | PTE_R | PTE_X | PTE_U);
  l0_user[1] = PTE(user_data, PTE_V | PTE_R | PTE_W | PTE_U);
  l0_user[2] = PTE(user_ro, PTE_V | PTE_R | PTE_U);
  /* VA 0x60000000: a 2 MiB megapage; VA 0x60200000: a misaligned one (PPN not 2 MiB aligned). */
  l1_user[256] = PTE(mega_target, PTE_V | PTE_R | PTE_W);
  l1_user[257] = PTE((uintptr_t)mega_target + 0x1000, PTE_V | PTE_R | PTE_W);
  user_data[0] = 41;
  mega_target[3] = 0xfeedface;
  printf("paging: tables built\n");
  show_pte("megapage PTE before", l1_user[256]);

  /* PMP: one NAPOT entry covering everything, RWX, so S and U may access memory (QEMU enforces PMP). */
  write_csr(pmpaddr0, ~0UL >> 10);
  write_csr(pmpcfg0, 0x1f);
  /* Delegate U ecalls and page faults to S; enter S-mode at s_main. */
  write_csr(medeleg, (1UL << 8) | (1UL << 12) | (1UL << 13) | (1UL << 15));
  uint64_t ms = read_csr(mstatus);
  ms = (ms & ~(3UL << 11)) | (1UL << 11); /* MPP = S */
  write_csr(mstatus, ms);
  write_csr(mepc, (uint64_t)(uintptr_t)s_main);
  __asm__ volatile("mret");
  return 1;
}
