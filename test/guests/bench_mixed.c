/* Guest "bench_mixed": a CPU-bound mix of calls, division, and loads and stores over 48 KiB (about 370 M
   instructions), the second single-hart program of `npm run bench`; prints a checksum and exits. */
#include <stdio.h>
#include "guest.h"

#ifndef MIXED_ROUNDS
#define MIXED_ROUNDS 2000
#endif
#define WORDS (48 * 1024 / 8)

static uint64_t data[WORDS];

/* Not inlined, so every element costs a call and a return. */
static __attribute__((noinline)) uint64_t mix(uint64_t a, uint64_t b, unsigned i) {
  uint64_t q = a / (b | 1);
  uint32_t r = (uint32_t)a % ((uint32_t)i | 3);
  return (a ^ (b << 7)) + q * 31 + r;
}

static __attribute__((noinline)) uint64_t pass(uint64_t seed, unsigned stride) {
  uint64_t acc = seed;
  for (unsigned i = 0; i < WORDS; i++) {
    unsigned j = (i * stride) % WORDS;
    uint64_t v = data[j];
    acc = mix(acc, v, i);
    data[j] = v + (acc >> 3);
    if ((acc & 7) == 3) data[(j + 1) % WORDS] ^= acc;
  }
  return acc;
}

int main(void) {
  for (unsigned i = 0; i < WORDS; i++) data[i] = (uint64_t)i * 0x9e3779b97f4a7c15ULL;
  uint64_t acc = 1;
  for (unsigned r = 0; r < MIXED_ROUNDS; r++) acc = pass(acc + r, 2 * r + 1);
  uint64_t sum = acc;
  for (unsigned i = 0; i < WORDS; i++) sum = (sum ^ data[i]) * 0x100000001b3ULL;
  printf("bench_mixed rounds=%u checksum=%016lx\n", MIXED_ROUNDS, (unsigned long)sum);
  return 0;
}
