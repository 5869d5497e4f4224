/* Guest "htif": riscv-tests-style host interface: console through tohost (device 1, putchar) and exit through
   tohost = (code << 1) | 1. QEMU runs it on the spike machine, which has HTIF; it has no UART or finisher. */
#include <stdio.h>
#include "guest.h"

int main(void) {
  printf("htif\n");
  unsigned long sum = 0;
  for (unsigned i = 1; i <= 100; i++) sum += i * i;
  printf("sum of squares 1..100 = %lu\n", sum);
  printf("htif done\n");
  return 0;
}
