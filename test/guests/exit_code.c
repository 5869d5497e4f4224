/* Guest "exit_code": prints a line, then fails through the sifive_test finisher with exit code 7. */
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

int main(void) {
  printf("about to exit with code 7\n");
  exit(7);
}
