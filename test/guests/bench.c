/* Guest "bench": CPU-bound mix of ALU, multiply, load/store and branches (about 216 M instructions) for
   `npm run bench`; prints a checksum and exits through the finisher. bench_small.c runs a few rounds of it. */
#include <stdio.h>
#include "guest.h"

#ifndef BENCH_ROUNDS
#define BENCH_ROUNDS 4000
#endif
#define WORDS 2048

static uint32_t table[WORDS];

/* One round: walk the table, mixing each word with a xorshift stream; data-dependent branches pick the path. */
static uint64_t round_once(uint64_t x, uint64_t acc) {
  for (unsigned i = 0; i < WORDS; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    uint32_t w = table[i];
    unsigned j = (unsigned)(x >> 40) & (WORDS - 1);
    if (w & 1) {
      acc += (uint64_t)w * 0x9e3779b1u;
      table[j] ^= (uint32_t)acc;
    } else if (w & 2) {
      acc ^= acc >> 11;
      table[i] = w + (uint32_t)(x >> 3);
    } else {
      acc = (acc << 5) - acc + w;
      table[i] = (w >> 1) | ((uint32_t)x << 31);
    }
  }
  return acc ^ x;
}

int main(void) {
  for (unsigned i = 0; i < WORDS; i++) table[i] = i * 2654435761u;
  uint64_t x = 0x2545f4914f6cdd1dULL, acc = 0;
  for (unsigned r = 0; r < BENCH_ROUNDS; r++) {
    acc = round_once(x + r, acc);
  }
  uint64_t sum = acc;
  for (unsigned i = 0; i < WORDS; i++) sum = (sum ^ table[i]) * 0x100000001b3ULL;
  printf("bench rounds=%u checksum=%016lx\n", BENCH_ROUNDS, (unsigned long)sum);
  return 0;
}
