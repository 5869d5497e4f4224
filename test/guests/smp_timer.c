/* Guest "smp_timer": every hart programs its own mtimecmp, sleeps in wfi and takes its own machine timer
   interrupt; hart 0 prints a summary once every hart has reported. */
#include <stdio.h>
#include "guest.h"

static volatile uint64_t cause[MAX_HARTS], late[MAX_HARTS], deadline[MAX_HARTS], fired[MAX_HARTS];

void handle_trap(struct trap_frame *f) {
  uint64_t h = hart_id();
  cause[h] = f->mcause;
  late[h] = mmio_read64(CLINT_MTIME) >= deadline[h];
  fired[h]++;
  mmio_write64(CLINT_MTIMECMP(h), ~0UL);
  if (!(f->mcause & CAUSE_INTERRUPT)) { printf("unexpected exception %lu\n", (unsigned long)f->mcause); finisher_exit(98); }
}

static void tick(unsigned h, unsigned n) {
  barrier_wait(n);
  mmio_write64(CLINT_MTIMECMP(h), ~0UL);
  deadline[h] = mmio_read64(CLINT_MTIME) + 500 * (h + 1);
  mmio_write64(CLINT_MTIMECMP(h), deadline[h]);
  write_csr(mie, MIP_MTIP);
  for (;;) {
    clear_csr(mstatus, MSTATUS_MIE);
    if (fired[h]) break;
    __asm__ volatile("wfi");
    set_csr(mstatus, MSTATUS_MIE);
  }
  write_csr(mie, 0);
  barrier_wait(n);
}

void hart_main(unsigned long hartid) {
  tick(hartid, hart_count());
  park();
}

int main(void) {
  unsigned n = hart_count();
  printf("smp_timer\n");
  tick(0, n);
  unsigned ok = 0;
  for (unsigned h = 0; h < n; h++) ok += cause[h] == (CAUSE_INTERRUPT | 7) && late[h] && fired[h] == 1;
  printf("timer interrupts: %s\n", ok == n ? "every hart got exactly one, after its deadline" : "MISSING OR WRONG");
  printf("smp_timer done\n");
  return 0;
}
