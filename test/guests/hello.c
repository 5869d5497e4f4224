/* Guest "hello": printf over the UART from hart 0, then a clean finisher exit. */
#include <stdio.h>
#include "guest.h"

int main(void) {
  printf("hello from hart %lu\n", hart_id());
  printf("printf works: %d %u %x %s %c %ld\n", -42, 42u, 0xbeefu, "str", 'c', -1234567890123L);
  return 0;
}
