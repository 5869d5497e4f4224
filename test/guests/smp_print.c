/* Guest "smp_print": console output from several harts. Numbered messages are printed in turn (hart k % n prints
   message k); identical lines are printed concurrently under a lock; each hart sets a flag that hart 0 sums up. */
#include <stdio.h>
#include "guest.h"

#define MESSAGES 12

static volatile unsigned turn, wrong_hart, flags[MAX_HARTS];

static void talk(unsigned h, unsigned n) {
  barrier_wait(n);
  for (unsigned k = h; k < MESSAGES; k += n) {
    while (turn != k) {}
    spin_lock(&console_lock);
    printf("message %u in order\n", k);
    if (k % n != h) wrong_hart = 1;
    spin_unlock(&console_lock);
    __atomic_store_n(&turn, k + 1, __ATOMIC_RELEASE);
  }
  barrier_wait(n);
  for (unsigned k = h; k < MESSAGES; k += n) {
    spin_lock(&console_lock);
    printf("a line any hart may print\n");
    spin_unlock(&console_lock);
  }
  flags[h] = 1;
  barrier_wait(n);
}

void hart_main(unsigned long hartid) {
  talk(hartid, hart_count());
  park();
}

int main(void) {
  unsigned n = hart_count();
  printf("smp_print\n");
  talk(0, n);
  unsigned set = 0;
  for (unsigned h = 0; h < n; h++) set += flags[h];
  printf("flags set: %s, right harts: %s\n", set == n ? "all" : "SOME MISSING", wrong_hart ? "no" : "yes");
  printf("smp_print done\n");
  return 0;
}
