/* Guest "sv39_edges": S-mode with Sv39 on, the edges Linux hits: misaligned loads and stores of 2, 4 and 8 bytes
   that straddle two 4 KiB pages (mapped to physical pages in the opposite order, so each half is translated on its
   own), one whose second page is unmapped (a page fault; stval as QEMU reports it), a 4-byte instruction at page
   offset 0xffe whose halves sit on two pages, hardware A/D updates, sfence.vma by address and by ASID, SUM and MXR,
   and an Sstc timer interrupt (stimecmp = 0, so it is pending at once and the trace does not depend on timing). */
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
#define PTE(pa, flags) ((((uint64_t)(uintptr_t)(pa)) >> 12 << 10) | (flags))
#define PG 4096UL

static uint64_t root[512] __attribute__((aligned(4096)));
static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l0[512] __attribute__((aligned(4096)));
static uint8_t data_lo[PG] __attribute__((aligned(4096)));  /* mapped at VA page 1 */
static uint8_t data_hi[PG] __attribute__((aligned(4096)));  /* mapped at VA page 0 */
static uint64_t user_page[512] __attribute__((aligned(4096)));
static uint64_t xonly_page[512] __attribute__((aligned(4096)));
static uint64_t ad_page[512] __attribute__((aligned(4096)));
static uint64_t remap_a[512] __attribute__((aligned(4096)));
static uint64_t remap_b[512] __attribute__((aligned(4096)));

#define VA 0x40000000UL
#define VA_DATA0 (VA + 0 * PG)  /* -> data_hi */
#define VA_DATA1 (VA + 1 * PG)  /* -> data_lo; VA page 2 is unmapped */
#define VA_CODE0 (VA + 3 * PG)  /* -> code page B */
#define VA_CODE1 (VA + 4 * PG)  /* -> code page A */
#define VA_USER (VA + 5 * PG)
#define VA_XONLY (VA + 6 * PG)
#define VA_AD (VA + 7 * PG)
#define VA_REMAP (VA + 8 * PG)

/* Two code pages. VA_CODE0 maps page B and VA_CODE1 page A, so `addi a0, a0, 1` (0x00150513) at VA_CODE0+0xffe
   has its low half at the end of B and its high half at the start of A; `ret` follows at VA_CODE1+2. */
__asm__(
  ".section .text.straddle, \"ax\"\n"
  ".balign 4096\n"
  ".globl straddle_a\n"
  "straddle_a:\n"
  "  .2byte 0x0015\n"
  "  .4byte 0x00008067\n" /* jalr x0, 0(ra) */
  ".balign 4096\n"
  ".globl straddle_b\n"
  "straddle_b:\n"
  "  .skip 0xffe\n"
  "  .2byte 0x0513\n"
  ".text\n");
extern char straddle_a[], straddle_b[];

static volatile uint64_t s_traps, s_cause, s_tval, s_epc;

extern void s_trap_entry(void);
/* S-mode trap handler: records the trap; skips a faulting (4-byte, norvc) instruction; a timer interrupt is
   cleared by pushing stimecmp to the far future. */
void s_handle(void) {
  uint64_t cause, tval, epc;
  __asm__ volatile("csrr %0, scause; csrr %1, stval; csrr %2, sepc" : "=r"(cause), "=r"(tval), "=r"(epc));
  s_traps++;
  s_cause = cause;
  s_tval = tval;
  s_epc = epc;
  if (cause >> 63) {
    __asm__ volatile("csrw stimecmp, %0" ::"r"(~0UL));
    return;
  }
  __asm__ volatile("csrw sepc, %0" ::"r"(epc + 4));
}

__asm__(
  ".text\n"
  ".balign 4\n"
  "s_trap_entry:\n"
  "  csrrw sp, sscratch, sp\n"
  "  addi sp, sp, -160\n"
  "  sd ra, 0(sp)\n sd t0, 8(sp)\n sd t1, 16(sp)\n sd t2, 24(sp)\n sd a0, 32(sp)\n sd a1, 40(sp)\n"
  "  sd a2, 48(sp)\n sd a3, 56(sp)\n sd a4, 64(sp)\n sd a5, 72(sp)\n sd a6, 80(sp)\n sd a7, 88(sp)\n"
  "  sd t3, 96(sp)\n sd t4, 104(sp)\n sd t5, 112(sp)\n sd t6, 120(sp)\n"
  "  call s_handle\n"
  "  ld ra, 0(sp)\n ld t0, 8(sp)\n ld t1, 16(sp)\n ld t2, 24(sp)\n ld a0, 32(sp)\n ld a1, 40(sp)\n"
  "  ld a2, 48(sp)\n ld a3, 56(sp)\n ld a4, 64(sp)\n ld a5, 72(sp)\n ld a6, 80(sp)\n ld a7, 88(sp)\n"
  "  ld t3, 96(sp)\n ld t4, 104(sp)\n ld t5, 112(sp)\n ld t6, 120(sp)\n"
  "  addi sp, sp, 160\n"
  "  csrrw sp, sscratch, sp\n"
  "  sret\n");

static uint64_t s_stack[1024] __attribute__((aligned(16)));
static uint64_t traps_before;

static void begin(void) { traps_before = s_traps; s_cause = s_tval = 0; }
static void end(const char *what, uint64_t base) {
  if (s_traps == traps_before) printf("%-28s no trap\n", what);
  else printf("%-28s traps=%lu cause=%lu tval=base+%#lx\n", what, (unsigned long)(s_traps - traps_before),
              (unsigned long)s_cause, (unsigned long)(s_tval - base));
}

/* Loads and stores with the fault (if any) skipped; rd keeps its value (the sentinel) when the load faults. */
#define LOAD(insn, addr)                                                                                           \
  ({                                                                                                               \
    uint64_t v_ = 0xdeadUL;                                                                                        \
    __asm__ volatile(".option push\n.option norvc\n" insn " %0, 0(%1)\n.option pop" : "+r"(v_) : "r"(addr) : "memory"); \
    v_;                                                                                                            \
  })
#define STORE(insn, addr, val)                                                                                     \
  __asm__ volatile(".option push\n.option norvc\n" insn " %0, 0(%1)\n.option pop" ::"r"(val), "r"(addr) : "memory")

static void show_pte(const char *what, volatile uint64_t *slot) {
  uint64_t pte = *slot; /* volatile: the walker, not the compiler, changes it */
  printf("%-28s V=%d R=%d W=%d X=%d U=%d A=%d D=%d\n", what, (int)(pte & 1), (int)(pte >> 1 & 1), (int)(pte >> 2 & 1),
         (int)(pte >> 3 & 1), (int)(pte >> 4 & 1), (int)(pte >> 6 & 1), (int)(pte >> 7 & 1));
}

static void fill(void) {
  for (unsigned i = 0; i < PG; i++) {
    data_hi[i] = (uint8_t)(i * 7 + 1);
    data_lo[i] = (uint8_t)(i * 13 + 0x80);
  }
}

static void misaligned(void) {
  fill();
  static const struct { const char *insn; uint64_t off; } loads[] = {
    {"lh", 0xfff}, {"lhu", 0xfff}, {"lw", 0xffd}, {"lwu", 0xffe}, {"lw", 0xfff}, {"ld", 0xffb}, {"ld", 0xff9}, {"ld", 0xfff},
  };
  for (unsigned i = 0; i < sizeof loads / sizeof loads[0]; i++) {
    uint64_t a = VA_DATA0 + loads[i].off, v;
    begin();
    switch (i) {
      case 0: v = LOAD("lh", a); break;
      case 1: v = LOAD("lhu", a); break;
      case 2: v = LOAD("lw", a); break;
      case 3: v = LOAD("lwu", a); break;
      case 4: v = LOAD("lw", a); break;
      default: v = LOAD("ld", a); break;
    }
    printf("%-3s at page offset %#lx: %#lx (traps=%lu)\n", loads[i].insn, (unsigned long)loads[i].off, (unsigned long)v,
           (unsigned long)(s_traps - traps_before));
  }
  begin();
  STORE("sh", VA_DATA0 + 0xfff, 0x1122UL);
  STORE("sw", VA_DATA0 + 0xffd, 0x33445566UL);
  STORE("sd", VA_DATA1 - 0x10 + 0x1UL * 0, 0UL); /* aligned, in page 0 only: a baseline */
  STORE("sd", VA_DATA0 + 0xffa - 0x10, 0x0102030405060708UL); /* misaligned within page 0 */
  STORE("sd", VA_DATA0 + 0xffb, 0x8877665544332211UL);
  printf("stores: traps=%lu\n", (unsigned long)(s_traps - traps_before));
  printf("page 0 tail:");
  for (unsigned i = 0xfe8; i < PG; i++) printf(" %02x", data_hi[i]);
  printf("\npage 1 head:");
  for (unsigned i = 0; i < 8; i++) printf(" %02x", data_lo[i]);
  printf("\n");
  /* Second page unmapped: a page fault, and no byte of the first page is written. */
  fill();
  uint64_t v;
  begin();
  v = LOAD("lh", VA_DATA1 + 0xfff);
  end("lh into unmapped page", VA_DATA1);
  printf("  rd kept %#lx\n", (unsigned long)v);
  begin();
  v = LOAD("lw", VA_DATA1 + 0xffe);
  end("lw into unmapped page", VA_DATA1);
  begin();
  v = LOAD("ld", VA_DATA1 + 0xffb);
  end("ld into unmapped page", VA_DATA1);
  printf("  rd kept %#lx\n", (unsigned long)v);
  begin();
  STORE("sh", VA_DATA1 + 0xfff, 0xaaaaUL);
  end("sh into unmapped page", VA_DATA1);
  begin();
  STORE("sw", VA_DATA1 + 0xffd, 0xbbbbbbbbUL);
  end("sw into unmapped page", VA_DATA1);
  begin();
  STORE("sd", VA_DATA1 + 0xffb, 0xccccccccccccccccUL);
  end("sd into unmapped page", VA_DATA1);
  unsigned changed = 0;
  for (unsigned i = 0; i < PG; i++) changed += data_lo[i] != (uint8_t)(i * 13 + 0x80);
  printf("  bytes of page 1 written by faulting stores: %u\n", changed);
}

static void straddle(void) {
  register uint64_t a0 __asm__("a0") = 41;
  uint64_t target = VA_CODE0 + 0xffe;
  __asm__ volatile("jalr ra, 0(%1)" : "+r"(a0) : "r"(target) : "ra", "memory");
  printf("instruction at page offset 0xffe: a0 = %lu\n", (unsigned long)a0);
}

static void access_dirty(void) {
  volatile uint64_t *p = (volatile uint64_t *)VA_AD;
  show_pte("A/D page before", &l0[7]);
  (void)p[0];
  show_pte("after a load", &l0[7]);
  p[1] = 5;
  show_pte("after a store", &l0[7]);
}

static void fences(void) {
  volatile uint64_t *p = (volatile uint64_t *)VA_REMAP;
  remap_a[0] = 0xaaaa;
  remap_b[0] = 0xbbbb;
  printf("remap page reads %#lx\n", (unsigned long)p[0]);
  l0[8] = PTE(remap_b, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  __asm__ volatile("sfence.vma %0, zero" ::"r"(VA_REMAP) : "memory");
  printf("after sfence.vma by address: %#lx\n", (unsigned long)p[0]);
  /* Switch to ASID 5, remap, and flush that ASID only. */
  uint64_t satp = (8UL << 60) | (5UL << 44) | ((uint64_t)(uintptr_t)root >> 12);
  __asm__ volatile("csrw satp, %0; sfence.vma" ::"r"(satp) : "memory");
  printf("ASID 5: %#lx\n", (unsigned long)p[0]);
  l0[8] = PTE(remap_a, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  __asm__ volatile("sfence.vma zero, %0" ::"r"(5UL) : "memory");
  printf("after sfence.vma by ASID 5: %#lx\n", (unsigned long)p[0]);
  l0[8] = PTE(remap_b, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  __asm__ volatile("sfence.vma %0, %1" ::"r"(VA_REMAP), "r"(5UL) : "memory");
  printf("after sfence.vma by address and ASID: %#lx\n", (unsigned long)p[0]);
}

static void sum_mxr(void) {
  uint64_t v;
  user_page[0] = 0x5500;
  xonly_page[0] = 0x3300;
  begin();
  v = LOAD("ld", VA_USER);
  end("U page, SUM=0", VA_USER);
  __asm__ volatile("csrs sstatus, %0" ::"r"(1UL << 18) : "memory");
  begin();
  v = LOAD("ld", VA_USER);
  STORE("sd", VA_USER + 8, v + 1);
  end("U page, SUM=1", VA_USER);
  printf("  read %#lx, wrote %#lx\n", (unsigned long)v, (unsigned long)user_page[1]);
  __asm__ volatile("csrc sstatus, %0" ::"r"(1UL << 18) : "memory");
  begin();
  v = LOAD("ld", VA_XONLY);
  end("X-only page, MXR=0", VA_XONLY);
  __asm__ volatile("csrs sstatus, %0" ::"r"(1UL << 19) : "memory");
  begin();
  v = LOAD("ld", VA_XONLY);
  end("X-only page, MXR=1", VA_XONLY);
  printf("  read %#lx\n", (unsigned long)v);
  begin();
  STORE("sd", VA_XONLY, 1UL);
  end("X-only page store, MXR=1", VA_XONLY);
  __asm__ volatile("csrc sstatus, %0" ::"r"(1UL << 19) : "memory");
}

static void sstc(void) {
  uint64_t sip;
  __asm__ volatile("csrw stimecmp, zero; csrr %0, sip" : "=r"(sip)::"memory");
  printf("stimecmp = 0: sip.STIP=%lu\n", (unsigned long)(sip >> 5 & 1));
  begin();
  __asm__ volatile("csrs sie, %0; csrs sstatus, %1; nop; csrc sstatus, %1" ::"r"(1UL << 5), "r"(2UL) : "memory");
  printf("S timer interrupt: traps=%lu scause=%#lx\n", (unsigned long)(s_traps - traps_before), (unsigned long)s_cause);
  __asm__ volatile("csrr %0, sip" : "=r"(sip));
  printf("after stimecmp = -1: sip.STIP=%lu\n", (unsigned long)(sip >> 5 & 1));
}

void s_main(void) {
  __asm__ volatile("csrw stvec, %0" ::"r"(s_trap_entry));
  __asm__ volatile("csrw sscratch, %0" ::"r"(&s_stack[1024]));
  uint64_t satp = (8UL << 60) | ((uint64_t)(uintptr_t)root >> 12);
  __asm__ volatile("csrw satp, %0; sfence.vma" ::"r"(satp) : "memory");
  printf("sv39_edges: paging on in S-mode\n");
  misaligned();
  straddle();
  access_dirty();
  fences();
  sum_mxr();
  sstc();
  __asm__ volatile("li a7, 7; ecall" ::: "a7", "memory");
  for (;;) {}
}

void handle_trap(struct trap_frame *f) {
  if (f->mcause == 9) {
    printf("M-mode: ecall from S, done\n");
    exit(0);
  }
  printf("M-mode: unexpected trap cause=%lu tval=%#lx epc=%#lx\n", (unsigned long)f->mcause, (unsigned long)f->mtval,
         (unsigned long)f->mepc);
  exit(3);
}

int main(void) {
  root[0] = PTE(0, PTE_V | PTE_R | PTE_W | PTE_A | PTE_D);
  root[2] = PTE(0x80000000UL, PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D);
  root[1] = PTE(l1, PTE_V);
  l1[0] = PTE(l0, PTE_V);
  uint64_t rw = PTE_V | PTE_R | PTE_W | PTE_A | PTE_D;
  l0[0] = PTE(data_hi, rw);
  l0[1] = PTE(data_lo, rw);
  l0[3] = PTE(straddle_b, PTE_V | PTE_X | PTE_A);
  l0[4] = PTE(straddle_a, PTE_V | PTE_X | PTE_A);
  l0[5] = PTE(user_page, rw | PTE_U);
  l0[6] = PTE(xonly_page, PTE_V | PTE_X | PTE_A);
  l0[7] = PTE(ad_page, PTE_V | PTE_R | PTE_W);
  l0[8] = PTE(remap_a, rw);

  write_csr(pmpaddr0, ~0UL >> 10);
  write_csr(pmpcfg0, 0x1f);
  /* Load/store/fetch page faults go to S; the S timer interrupt too. Sstc on (menvcfg.STCE), time readable. */
  write_csr(medeleg, (1UL << 12) | (1UL << 13) | (1UL << 15));
  write_csr(mideleg, 1UL << 5);
  __asm__ volatile("csrs 0x30a, %0" ::"r"(1UL << 63)); /* menvcfg.STCE */
  write_csr(mcounteren, 2);
  uint64_t ms = read_csr(mstatus);
  ms = (ms & ~(3UL << 11)) | (1UL << 11);
  write_csr(mstatus, ms);
  write_csr(mepc, (uint64_t)(uintptr_t)s_main);
  __asm__ volatile("mret");
  return 1;
}
