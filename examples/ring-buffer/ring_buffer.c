/* ring-buffer: a single-producer, single-consumer queue between two harts. Hart 1 produces numbered items into
   an 8-slot ring and hart 0 consumes them and checks each one. The producer publishes a slot (advances `head`)
   before it writes the item into it, so a consumer scheduled in between reads whatever the slot held before. */
#include <stdio.h>
#include "guest.h"

#define SLOTS 8
#define ITEMS 3000

volatile uint64_t slots[SLOTS];
volatile uint64_t head; /* items published by the producer (hart 1) */
volatile uint64_t tail; /* items taken by the consumer (hart 0) */

/* Item n's contents: never 0, and different from every other item in the ring. */
static uint64_t item(uint64_t n) { return 0x1000 + n; }

/* The producer, hart 1. */
void hart_main(unsigned long hartid) {
  if (hartid == 1) {
    for (uint64_t n = 0; n < ITEMS; n++) {
      while (head - tail == SLOTS) {} /* full: wait for the consumer */
      head = n + 1;                   /* CAUSE: ring-buffer: slot n is published here... */
      slots[n % SLOTS] = item(n);     /* ...and only written here */
    }
  }
  park();
}

/* The consumer, hart 0. */
int main(void) {
  for (uint64_t n = 0; n < ITEMS; n++) {
    while (tail == head) {} /* empty: wait for the producer */
    uint64_t got = slots[n % SLOTS];
    if (got != item(n)) {
      printf("ring_buffer: assertion failed: item %lu read %#lx, expected %#lx\n", (unsigned long)n, /* ASSERT: ring-buffer */
             (unsigned long)got, (unsigned long)item(n));
      return 1;
    }
    tail = n + 1;
  }
  printf("ring_buffer: %u items passed in order\n", ITEMS);
  return 0;
}
