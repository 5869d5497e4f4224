/* Guest "compressed": every RV64C form run explicitly (compressed_ops.S), plus gcc's own rv64gc code. */
#include <stdio.h>
#include "guest.h"

void compressed_ops(uint64_t *out);
static uint64_t out[21];

int main(void) {
  printf("compressed\n");
  compressed_ops(out);
  for (unsigned i = 0; i < sizeof out / sizeof out[0]; i++) printf("out[%2u] = %016lx\n", i, (unsigned long)out[i]);
  printf("compressed done\n");
  return 0;
}
