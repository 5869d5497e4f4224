/* Result folding for instruction guests: operand tables and a hash so each operation prints one line. */
#ifndef CHECK_H
#define CHECK_H
#include <stdint.h>
#include <stdio.h>

static const uint64_t operands[] = {
    0, 1, 2, 3, 31, 32, 63, 64, 0x7f, 0x80, 0xff, 0x7fff, 0x8000, 0xffff,
    0x7fffffff, 0x80000000, 0xffffffff, 0x100000000, 0x123456789abcdef0, 0xfedcba9876543210,
    0x7fffffffffffffff, 0x8000000000000000, 0x8000000000000001, 0xfffffffffffffffe, 0xffffffffffffffff,
    0xffffffff80000000, 0x00000000deadbeef, 0x5555555555555555, 0xaaaaaaaaaaaaaaaa,
};
#define N_OPERANDS (sizeof(operands) / sizeof(operands[0]))

/* Cheap 64-bit mixing step: a few instructions per result keeps traces short. */
static inline uint64_t fold(uint64_t h, uint64_t v) {
  h = (h ^ v) * 0x100000001b3ULL;
  return h ^ (h >> 29);
}
#define FOLD_INIT 0xcbf29ce484222325ULL

#define RR_FN(fn, insn)                                                  \
  static uint64_t fn(uint64_t a, uint64_t b) {                           \
    uint64_t r;                                                          \
    __asm__ volatile(insn " %0, %1, %2" : "=r"(r) : "r"(a), "r"(b));     \
    return r;                                                            \
  }

/* Folds fn over every operand pair and prints one line. */
static inline void check_rr(const char *name, uint64_t (*fn)(uint64_t, uint64_t)) {
  uint64_t h = FOLD_INIT;
  for (unsigned i = 0; i < N_OPERANDS; i++)
    for (unsigned j = 0; j < N_OPERANDS; j++) h = fold(h, fn(operands[i], operands[j]));
  printf("%-8s %016lx\n", name, (unsigned long)h);
}

static inline void show(const char *what, uint64_t v) { printf("%-28s %016lx\n", what, (unsigned long)v); }
#endif
