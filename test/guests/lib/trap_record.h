/* Trap recorder for exception guests: handle_trap logs cause, tval and pc, then skips the faulting instruction. */
#ifndef TRAP_RECORD_H
#define TRAP_RECORD_H
#include <stdio.h>
#include "guest.h"

static volatile uint64_t trap_count, last_cause, last_tval, last_epc;

void handle_trap(struct trap_frame *f) {
  trap_count++;
  last_cause = f->mcause;
  last_tval = f->mtval;
  last_epc = f->mepc;
  if (f->mcause & CAUSE_INTERRUPT) return;
  if (f->mcause == 1 || f->mcause == 12) { /* fetch fault: the caller left the resume address in t0 */
    f->mepc = f->x[5];
    return;
  }
  uint16_t low = *(volatile uint16_t *)f->mepc;
  f->mepc += (low & 3) == 3 ? 4 : 2;
}

static uint64_t traps_before;
__attribute__((unused)) static void expect_begin(void) { traps_before = trap_count; last_cause = last_tval = last_epc = 0; }
/* Prints what the last trap was; tval is printed relative to base when base is nonzero. */
__attribute__((unused)) static void expect_end(const char *what, uint64_t base) {
  printf("%-32s traps=%lu cause=%lu tval=%#lx\n", what, (unsigned long)(trap_count - traps_before),
         (unsigned long)last_cause, (unsigned long)(base && last_tval ? last_tval - base : last_tval));
}
#endif
