/* irq-shared-data: hart 0's timer interrupt keeps an uptime clock in two fields, seconds and ticks, and carries ticks into
   seconds ten times a second. Hart 0's main loop timestamps events by reading the two fields one after the other
   without masking interrupts, so a tick that carries between the two reads gives a torn time: the old seconds
   with the new ticks, and the clock appears to go backwards. Hart 1 does unrelated work meanwhile. */
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

#define TICKS_PER_SECOND 10
#define TICK_MTIME 40 /* mtime runs at 10 MHz: a tick every 4 us, about 400 instructions */
#define CAUSE_MTI (CAUSE_INTERRUPT | 7)
#define SAMPLES 20000

/* The uptime clock, two fields of one value. */
volatile uint64_t uptime_seconds;
volatile uint64_t uptime_ticks; /* 0 .. TICKS_PER_SECOND - 1 */
volatile uint64_t background; /* hart 1's work */

static void arm_timer(void) { mmio_write64(CLINT_MTIMECMP(0), mmio_read64(CLINT_MTIME) + TICK_MTIME); }

void handle_trap(struct trap_frame *f) {
  if (f->mcause == CAUSE_MTI) {
    if (uptime_ticks == TICKS_PER_SECOND - 1) {
      uptime_ticks = 0; /* CARRY: irq-shared-data */
      uptime_seconds = uptime_seconds + 1;
    } else {
      uptime_ticks = uptime_ticks + 1;
    }
    arm_timer();
    return;
  }
  printf("irq_shared_data: unexpected trap, mcause=%#lx mepc=%#lx\n", (unsigned long)f->mcause, (unsigned long)f->mepc);
  exit(99);
}

void hart_main(unsigned long hartid) {
  if (hartid == 1)
    for (uint64_t i = 0; i < 100000000; i++) background = background * 6364136223846793005u + i;
  park();
}

static __attribute__((noinline)) int went_backwards(uint64_t seconds, uint64_t ticks, uint64_t last) {
  printf("irq_shared_data: time went backwards: %lu.%lu s after %lu.%lu s\n", (unsigned long)seconds, (unsigned long)ticks,
         (unsigned long)(last / TICKS_PER_SECOND), (unsigned long)(last % TICKS_PER_SECOND));
  return 1;
}

int main(void) {
  arm_timer();
  set_csr(mie, MIP_MTIP);
  set_csr(mstatus, MSTATUS_MIE);
  uint64_t last = 0;
  for (unsigned n = 0; n < SAMPLES; n++) {
    uint64_t seconds = uptime_seconds;
    uint64_t ticks = uptime_ticks; /* CAUSE: irq-shared-data: read apart from seconds, with interrupts on */
    uint64_t now = seconds * TICKS_PER_SECOND + ticks;
    if (now < last) return went_backwards(seconds, ticks, last); /* SYMPTOM: irq-shared-data */
    last = now;
  }
  printf("irq_shared_data: %u timestamps in order, uptime %lu.%lu s\n", SAMPLES, (unsigned long)uptime_seconds, (unsigned long)uptime_ticks);
  return 0;
}
