/* Guest "bench_long": the bench kernel for about 1.08 G instructions, for reverse-execution benchmarks at 1 G. */
#define BENCH_ROUNDS 20000
#include "bench.c"
