/* Guest "bench_small": the bench kernel for a few rounds (about 1 M instructions), for tests. */
#define BENCH_ROUNDS 20
#include "bench.c"
