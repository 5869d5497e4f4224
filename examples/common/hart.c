/* Hart runtime for guests: hart count from the device tree, spinlocks, a barrier, default trap and park. */
#include <stdio.h>
#include <stdlib.h>
#include "guest.h"

static uint32_t be32(const uint8_t *p) { return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]; }

static int starts_with(const char *s, const char *prefix) {
  while (*prefix) if (*s++ != *prefix++) return 0;
  return 1;
}

static int same(const char *a, const char *b) {
  while (*a && *a == *b) { a++; b++; }
  return *a == *b;
}

/* Counts /cpus/cpu@N nodes in the flattened device tree handed over in a1; exits with 97 if there is none. */
static unsigned count_cpus(const uint8_t *fdt) {
  if (!fdt || be32(fdt) != 0xd00dfeed) {
    printf("no device tree at a1=%#lx: cannot count harts\n", (unsigned long)(uintptr_t)fdt);
    exit(97);
  }
  const uint8_t *p = fdt + be32(fdt + 8);
  unsigned depth = 0, in_cpus = 0, n = 0;
  for (;;) {
    uint32_t token = be32(p);
    p += 4;
    if (token == 1) { /* FDT_BEGIN_NODE */
      const char *name = (const char *)p;
      depth++;
      if (depth == 2 && same(name, "cpus")) in_cpus = 1;
      if (depth == 3 && in_cpus && starts_with(name, "cpu@")) n++;
      while (*p) p++;
      p = (const uint8_t *)(((uintptr_t)p + 4) & ~(uintptr_t)3);
    } else if (token == 2) { /* FDT_END_NODE */
      if (depth == 2) in_cpus = 0;
      depth--;
    } else if (token == 3) { /* FDT_PROP */
      uint32_t len = be32(p);
      p += 8 + ((len + 3) & ~3u);
    } else if (token == 4) { /* FDT_NOP */
    } else {
      break;
    }
  }
  return n ? n : 1;
}

volatile int console_lock;

unsigned hart_count(void) {
  static unsigned cached;
  if (!cached) cached = count_cpus((const uint8_t *)boot_dtb);
  return cached;
}

unsigned long hart_id(void) { return read_csr(mhartid); }

void spin_lock(volatile int *lock) {
  int old;
  do {
    __asm__ volatile("amoswap.w.aq %0, %2, %1" : "=r"(old), "+A"(*lock) : "r"(1) : "memory");
  } while (old);
}

void spin_unlock(volatile int *lock) { __asm__ volatile("amoswap.w.rl zero, zero, %0" : "+A"(*lock)::"memory"); }

/* Sense-reversing barrier; every hart keeps its own sense. */
static volatile int barrier_count;
static volatile int barrier_sense;
static __thread int my_sense;

void barrier_wait(unsigned n) {
  my_sense = !my_sense;
  int arrived = __atomic_add_fetch(&barrier_count, 1, __ATOMIC_ACQ_REL);
  if ((unsigned)arrived == n) {
    barrier_count = 0;
    __atomic_store_n(&barrier_sense, my_sense, __ATOMIC_RELEASE);
  } else {
    while (__atomic_load_n(&barrier_sense, __ATOMIC_ACQUIRE) != my_sense) {}
  }
}

void park(void) {
  write_csr(mie, 0);
  for (;;) __asm__ volatile("wfi");
}

__attribute__((weak)) void hart_main(unsigned long hartid) {
  (void)hartid;
  park();
}

__attribute__((weak)) void handle_trap(struct trap_frame *f) {
  printf("unexpected trap: mcause=%#lx mepc=%#lx mtval=%#lx\n", (unsigned long)f->mcause, (unsigned long)f->mepc,
         (unsigned long)f->mtval);
  exit(99);
}
