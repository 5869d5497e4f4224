/* Guest "publish_order": hart 1 hands hart 0 a value ROUNDS times, but sets `ready` before it writes `data`
   (publish before data). Hart 0 fails (exit 1) when a switch lands between the two stores and it reads the old
   data. Round-robin never switches there; chaos does in a few seeds out of sixty, which `hartline hunt` finds. */
#include <stdio.h>
#include "guest.h"

#define ROUNDS 4

volatile uint64_t data;
volatile uint64_t ready; /* set by the producer: data for this round is (supposedly) there */
volatile uint64_t taken; /* set by the consumer: the producer may start the next round */

void hart_main(unsigned long hartid) {
  if (hartid == 1) {
    for (uint64_t n = 1; n <= ROUNDS; n++) {
      while (taken != n - 1) {}
      ready = n; /* CAUSE: publish_order: published here... */
      data = n;  /* ...and only written here */
    }
  }
  park();
}

int main(void) {
  for (uint64_t n = 1; n <= ROUNDS; n++) {
    while (ready != n) {}
    uint64_t got = data;
    if (got != n) {
      printf("publish_order: round %lu read data %lu\n", (unsigned long)n, (unsigned long)got); /* SYMPTOM: publish_order */
      return 1;
    }
    taken = n;
  }
  printf("publish_order: %d rounds in order\n", ROUNDS);
  return 0;
}
