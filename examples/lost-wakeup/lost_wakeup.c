/* lost-wakeup: hart 0 hands jobs to hart 1 one at a time: it sets work_ready and sends hart 1 an IPI. Hart 1 checks
   work_ready and, when there is none, sleeps in wfi until an IPI wakes it. It checks with interrupts enabled, so an
   IPI that lands between the check and the wfi is taken and cleared by the trap handler, and the wfi then sleeps
   with nothing left to wake it. Hart 0 waits for the job forever: both harts sleep. */
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

#define JOBS 300
#define CAUSE_MSI (CAUSE_INTERRUPT | 3)

volatile uint64_t work_ready;   /* hart 0: a job is waiting for hart 1 */
volatile uint64_t jobs_done;    /* hart 1: jobs finished */
volatile uint64_t idle_entries; /* hart 1: times it went to sleep */
volatile uint64_t ipis_taken;   /* hart 1: IPIs taken by its trap handler */

void handle_trap(struct trap_frame *f) {
  if (f->mcause == CAUSE_MSI) {
    ipis_taken++;
    mmio_write32(CLINT_MSIP(hart_id()), 0); /* WAKEUP: lost-wakeup: the IPI is acknowledged here */
    return;
  }
  printf("lost_wakeup: unexpected trap, mcause=%#lx mepc=%#lx\n", (unsigned long)f->mcause, (unsigned long)f->mepc);
  exit(99);
}

/* Hart 1: the worker. Interrupts are on, so IPIs go through handle_trap. */
void hart_main(unsigned long hartid) {
  if (hartid != 1) park();
  set_csr(mie, MIP_MSIP);
  set_csr(mstatus, MSTATUS_MIE);
  for (;;) {
    if (!work_ready) {       /* CAUSE: lost-wakeup: checked with interrupts enabled... */
      idle_entries++;
      __asm__ volatile("wfi"); /* SLEEP: lost-wakeup: ...so the wakeup can come before this wfi */
      continue;
    }
    work_ready = 0;
    jobs_done++;
    mmio_write32(CLINT_MSIP(0), 1);
  }
}

/* Hart 0: hands out the jobs. It waits with interrupts masked (mstatus.MIE off, mie.MSIE on): a pending IPI
   still ends its wfi, and it clears the IPI itself before checking again, so it never misses one. */
int main(void) {
  set_csr(mie, MIP_MSIP);
  for (uint64_t job = 0; job < JOBS; job++) {
    work_ready = 1;
    mmio_write32(CLINT_MSIP(1), 1);
    while (jobs_done == job) {
      __asm__ volatile("wfi");
      mmio_write32(CLINT_MSIP(0), 0);
    }
  }
  printf("lost_wakeup: %u jobs done, hart 1 slept %lu times\n", JOBS, (unsigned long)idle_entries);
  return 0;
}
