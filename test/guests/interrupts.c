/* Guest "interrupts": machine timer (mtimecmp) and software (msip) interrupts, mtvec direct and vectored,
   priority, mstatus MIE/MPIE/MPP on entry and mret, wfi wake-up without a trap, and counters advancing. */
#include <stdio.h>
#include "guest.h"

extern void vector_table(void);
extern volatile int64_t vector_taken;

static volatile uint64_t irq_count, irq_cause[8], irq_mstatus;

void handle_trap(struct trap_frame *f) {
  uint64_t h = hart_id();
  if (irq_count < 8) irq_cause[irq_count] = f->mcause;
  irq_count++;
  irq_mstatus = read_csr(mstatus);
  if (f->mcause == (CAUSE_INTERRUPT | 7)) mmio_write64(CLINT_MTIMECMP(h), ~0UL);
  else if (f->mcause == (CAUSE_INTERRUPT | 3)) mmio_write32(CLINT_MSIP(h), 0);
  else f->mepc += 4; /* ecall */
}

static void reset(void) {
  irq_count = 0;
  for (int i = 0; i < 8; i++) irq_cause[i] = 0;
  vector_taken = -1;
}

/* Checks with MIE clear so an interrupt cannot slip in between the check and the wfi; wfi still wakes on it. */
static void wait_irqs(uint64_t n) {
  for (;;) {
    clear_csr(mstatus, MSTATUS_MIE);
    if (irq_count >= n) break;
    __asm__ volatile("wfi");
    set_csr(mstatus, MSTATUS_MIE);
  }
  set_csr(mstatus, MSTATUS_MIE);
}

static void report(const char *what) {
  printf("%s: %lu interrupt(s):", what, (unsigned long)irq_count);
  for (uint64_t i = 0; i < irq_count && i < 8; i++)
    printf(" %s%lu", irq_cause[i] >> 63 ? "irq" : "exc", (unsigned long)(irq_cause[i] & 0xff));
  if (vector_taken >= 0) printf(" (vector %ld)", (long)vector_taken);
  printf("\n");
}

int main(void) {
  uint64_t h = hart_id();
  printf("interrupts\n");
  mmio_write64(CLINT_MTIMECMP(h), ~0UL);
  mmio_write32(CLINT_MSIP(h), 0);

  /* pending bits follow the devices while the interrupts are disabled */
  mmio_write64(CLINT_MTIMECMP(h), 0);
  printf("mip.MTIP with mtimecmp=0: %lu\n", (unsigned long)((read_csr(mip) >> 7) & 1));
  mmio_write64(CLINT_MTIMECMP(h), ~0UL);
  printf("mip.MTIP with mtimecmp=max: %lu\n", (unsigned long)((read_csr(mip) >> 7) & 1));
  mmio_write32(CLINT_MSIP(h), 1);
  printf("mip.MSIP after msip=1: %lu, msip reads %u\n", (unsigned long)((read_csr(mip) >> 3) & 1), mmio_read32(CLINT_MSIP(h)));
  mmio_write32(CLINT_MSIP(h), 0);
  printf("mip.MSIP after msip=0: %lu\n", (unsigned long)((read_csr(mip) >> 3) & 1));

  /* direct mode: timer */
  reset();
  write_csr(mie, MIP_MTIP);
  set_csr(mstatus, MSTATUS_MIE);
  mmio_write64(CLINT_MTIMECMP(h), mmio_read64(CLINT_MTIME) + 2000);
  wait_irqs(1);
  report("direct timer");
  printf("in handler: MIE=%lu MPIE=%lu MPP=%lu\n", (unsigned long)((irq_mstatus >> 3) & 1),
         (unsigned long)((irq_mstatus >> 7) & 1), (unsigned long)((irq_mstatus >> 11) & 3));
  printf("after mret: MIE=%lu\n", (unsigned long)((read_csr(mstatus) >> 3) & 1));

  /* direct mode: software */
  reset();
  write_csr(mie, MIP_MSIP);
  mmio_write32(CLINT_MSIP(h), 1);
  wait_irqs(1);
  report("direct software");

  /* both pending: software before timer */
  reset();
  clear_csr(mstatus, MSTATUS_MIE);
  write_csr(mie, MIP_MSIP | MIP_MTIP);
  mmio_write64(CLINT_MTIMECMP(h), 0);
  mmio_write32(CLINT_MSIP(h), 1);
  set_csr(mstatus, MSTATUS_MIE);
  wait_irqs(2);
  report("priority");

  /* vectored mode */
  write_csr(mtvec, (uint64_t)vector_table | 1);
  reset();
  mmio_write64(CLINT_MTIMECMP(h), mmio_read64(CLINT_MTIME) + 1000);
  wait_irqs(1);
  report("vectored timer");
  reset();
  mmio_write32(CLINT_MSIP(h), 1);
  wait_irqs(1);
  report("vectored software");
  reset();
  __asm__ volatile("ecall");
  report("vectored ecall");
  write_csr(mtvec, (uint64_t)trap_entry);

  /* wfi wakes on a pending enabled interrupt even with mstatus.MIE clear, and no trap is taken */
  reset();
  clear_csr(mstatus, MSTATUS_MIE);
  write_csr(mie, MIP_MTIP);
  mmio_write64(CLINT_MTIMECMP(h), mmio_read64(CLINT_MTIME) + 1000);
  while (!(read_csr(mip) & MIP_MTIP)) __asm__ volatile("wfi");
  printf("wfi woke with MIE=0: traps=%lu\n", (unsigned long)irq_count);
  mmio_write64(CLINT_MTIMECMP(h), ~0UL);
  write_csr(mie, 0);

  /* counters and time move forward */
  uint64_t c0 = read_csr(mcycle), i0 = read_csr(minstret), t0 = read_csr(time), m0 = mmio_read64(CLINT_MTIME);
  for (volatile int k = 0; k < 20000; k++) {}
  uint64_t c1 = read_csr(mcycle), i1 = read_csr(minstret), t1 = read_csr(time), m1 = mmio_read64(CLINT_MTIME);
  printf("mcycle advances: %d, minstret advances: %d, time advances: %d, mtime advances: %d\n", c1 > c0, i1 > i0,
         t1 > t0, m1 > m0);
  printf("interrupts done\n");
  return 0;
}
