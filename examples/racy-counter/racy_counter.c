/* racy-counter: four harts add 1 to one shared counter with a plain load, add and store, and no lock. Hart 0 adds
   500 and then tells the others to stop; every hart tallies how many it added. When the schedule switches harts
   between one hart's load and its store, the other harts' increments are overwritten, and the counter comes out
   short of the tally. The walk from the symptom to the cause is in README.md. */
#include <stdio.h>
#include "guest.h"

#define PER_HART 500

volatile uint64_t counter;
volatile uint64_t stop;  /* set by hart 0 after its 500 */
volatile uint64_t tally; /* the sum of what every hart says it added, added atomically */

/* Adds 1 to counter until `limit` or until stopped; returns how many this hart added. */
static uint64_t increment_many(uint64_t limit) {
  uint64_t mine = 0;
  while (!stop && mine < limit) { counter = counter + 1; mine++; } /* the race: ld, addi, sd  CAUSE: racy-counter */
  __atomic_fetch_add(&tally, mine, __ATOMIC_RELAXED);
  return mine;
}

void hart_main(unsigned long hartid) {
  (void)hartid;
  barrier_wait(hart_count());
  increment_many(UINT64_MAX);
  barrier_wait(hart_count());
  park();
}

int main(void) {
  unsigned harts = hart_count();
  barrier_wait(harts);
  increment_many(PER_HART);
  stop = 1;
  barrier_wait(harts);
  printf("racy_counter: %u harts added %lu, the counter says %lu\n", harts, (unsigned long)tally, (unsigned long)counter);
  if (counter != tally) {
    printf("racy_counter: %lu increments were lost\n", (unsigned long)(tally - counter)); /* SYMPTOM: racy-counter */
    return 1;
  }
  return 0;
}
