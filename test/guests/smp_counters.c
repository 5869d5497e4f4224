/* Guest "smp_counters": every hart adds to shared counters three ways: under an amoswap spinlock, with amoadd,
   and with an lr/sc loop. The work is split among the harts so the totals do not depend on the hart count. */
#include <stdio.h>
#include "guest.h"

#define TOTAL 3000

static volatile int lock;
static volatile uint64_t locked_counter, amo_counter, lrsc_counter, lrsc_retries_seen;
static volatile uint32_t amo_counter_w;
static volatile uint64_t per_hart[MAX_HARTS];

static void lrsc_add(volatile uint64_t *p, uint64_t v) {
  uint64_t old, fail;
  __asm__ volatile("1: lr.d.aq %0, (%2)\n add %0, %0, %3\n sc.d.rl %1, %0, (%2)\n bnez %1, 1b"
                   : "=&r"(old), "=&r"(fail) : "r"(p), "r"(v) : "memory");
}

static void work(unsigned h, unsigned n) {
  barrier_wait(n);
  for (unsigned i = h; i < TOTAL; i += n) {
    spin_lock(&lock);
    locked_counter = locked_counter + 1; /* plain load and store, safe only under the lock */
    per_hart[h]++;
    spin_unlock(&lock);
  }
  barrier_wait(n);
  for (unsigned i = h; i < TOTAL; i += n) {
    __asm__ volatile("amoadd.d zero, %1, %0" : "+A"(amo_counter) : "r"(2UL) : "memory");
    __asm__ volatile("amoadd.w zero, %1, %0" : "+A"(amo_counter_w) : "r"(3UL) : "memory");
  }
  barrier_wait(n);
  for (unsigned i = h; i < TOTAL; i += n) lrsc_add(&lrsc_counter, 5);
  barrier_wait(n);
}

void hart_main(unsigned long hartid) {
  work(hartid, hart_count());
  park();
}

int main(void) {
  unsigned n = hart_count();
  printf("smp_counters\n");
  work(0, n);
  uint64_t sum = 0;
  for (unsigned h = 0; h < n; h++) sum += per_hart[h];
  printf("spinlock counter: %lu (expected %d)\n", (unsigned long)locked_counter, TOTAL);
  printf("per-hart sum: %lu\n", (unsigned long)sum);
  printf("amoadd.d counter: %lu (expected %d)\n", (unsigned long)amo_counter, 2 * TOTAL);
  printf("amoadd.w counter: %u (expected %d)\n", amo_counter_w, 3 * TOTAL);
  printf("lr/sc counter: %lu (expected %d)\n", (unsigned long)lrsc_counter, 5 * TOTAL);
  printf("smp_counters done\n");
  return 0;
}
