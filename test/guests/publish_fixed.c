/* Guest "publish_fixed": publish_order with the fix from docs/guide.md. The producer writes `data` first and then
   publishes with a release store; the consumer reads `ready` with an acquire load (and `taken` the same way back),
   so no schedule can show the old data and the race detector finds nothing to report. */
#include <stdio.h>
#include "guest.h"

#define ROUNDS 4

volatile uint64_t data;
volatile uint64_t ready;
volatile uint64_t taken;

void hart_main(unsigned long hartid) {
  if (hartid == 1) {
    for (uint64_t n = 1; n <= ROUNDS; n++) {
      while (__atomic_load_n(&taken, __ATOMIC_ACQUIRE) != n - 1) {}
      data = n;
      __atomic_store_n(&ready, n, __ATOMIC_RELEASE); /* FIX: publish_order: publish after the data, with release */
    }
  }
  park();
}

int main(void) {
  for (uint64_t n = 1; n <= ROUNDS; n++) {
    while (__atomic_load_n(&ready, __ATOMIC_ACQUIRE) != n) {}
    uint64_t got = data;
    if (got != n) {
      printf("publish_fixed: round %lu read data %lu\n", (unsigned long)n, (unsigned long)got);
      return 1;
    }
    __atomic_store_n(&taken, n, __ATOMIC_RELEASE);
  }
  printf("publish_fixed: %d rounds in order\n", ROUNDS);
  return 0;
}
