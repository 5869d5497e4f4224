/* Guest "bench_smp": the bench kernel on every hart at once, each on a table of its own (CPU-bound SMP for
   `npm run bench`). Hart 0 waits for the others, prints one checksum per hart and exits. */
#include <stdio.h>
#include "guest.h"

#define ROUNDS 1500
#define WORDS 2048

static uint32_t tables[MAX_HARTS][WORDS];
static volatile uint64_t results[MAX_HARTS];
static volatile int done[MAX_HARTS];

static uint64_t work(unsigned h) {
  uint32_t *table = tables[h];
  for (unsigned i = 0; i < WORDS; i++) table[i] = (i + h) * 2654435761u;
  uint64_t x = 0x2545f4914f6cdd1dULL + h, acc = 0;
  for (unsigned r = 0; r < ROUNDS; r++) {
    x += r;
    for (unsigned i = 0; i < WORDS; i++) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      uint32_t w = table[i];
      unsigned j = (unsigned)(x >> 40) & (WORDS - 1);
      if (w & 1) {
        acc += (uint64_t)w * 0x9e3779b1u;
        table[j] ^= (uint32_t)acc;
      } else {
        acc = (acc << 5) - acc + w;
        table[i] = (w >> 1) | ((uint32_t)x << 31);
      }
    }
    acc ^= x;
  }
  return acc;
}

void hart_main(unsigned long hartid) {
  results[hartid] = work(hartid);
  __atomic_store_n(&done[hartid], 1, __ATOMIC_RELEASE);
  park();
}

int main(void) {
  unsigned n = hart_count();
  results[0] = work(0);
  for (unsigned h = 1; h < n; h++)
    while (!__atomic_load_n(&done[h], __ATOMIC_ACQUIRE)) ;
  for (unsigned h = 0; h < n; h++) printf("hart %u checksum=%016lx\n", h, (unsigned long)results[h]);
  return 0;
}
