/* Guest "hello_semihost": printf and exit through RISC-V semihosting (picolibc --oslib=semihost). */
#include <stdio.h>
#include "guest.h"

int main(void) {
  printf("hello over semihosting from hart %lu\n", hart_id());
  for (int i = 0; i < 3; i++) printf("line %d: %s\n", i, i & 1 ? "odd" : "even");
  return 0;
}
