/* Guest "racy_counter": every hart increments one shared counter with a plain load and store and no lock, so a
   schedule that switches between the two loses updates. The reverse-execution tests find the colliding writes
   from the end of a recording. Hart 0 first reads whatever console input is there, so recordings carry inputs.
   The console shows nothing racy (QEMU and every hart count print the same); tests read `counter` from RAM. */
#include <stdio.h>
#include "guest.h"

#define PER_HART 500
/* Polls of an empty receiver before hart 0 decides no more input is coming. */
#define INPUT_PATIENCE 200

volatile uint64_t counter;
volatile uint64_t input_bytes, input_sum;

static void increment_many(void) {
  for (unsigned i = 0; i < PER_HART; i++) counter = counter + 1; /* the race: ld, addi, sd */ // BREAK:increment
}

static void read_input(void) {
  volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
  unsigned idle = 0;
  while (idle < INPUT_PATIENCE) {
    if (uart[5] & 1) { /* LSR.DR */
      input_sum = input_sum * 31 + uart[0]; // BREAK:input
      input_bytes++;
      idle = 0;
    } else {
      idle++;
    }
  }
}

void hart_main(unsigned long hartid) {
  (void)hartid;
  barrier_wait(hart_count());
  increment_many(); // BREAK:hart-increments
  barrier_wait(hart_count());
  park();
}

int main(void) {
  read_input(); // BREAK:read-input
  printf("racy_counter\n"); // BREAK:print
  barrier_wait(hart_count());
  increment_many();
  barrier_wait(hart_count());
  printf("racy_counter done\n"); // BREAK:done
  return 0;
}
