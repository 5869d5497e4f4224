/* abba-deadlock: two harts move money between two accounts, each guarded by a spinlock. A transfer locks the
   account it takes from, then the account it pays into. Hart 0 pays from A to B and hart 1 from B to A, so they
   take the two locks in opposite orders: once each holds its first lock, each spins on the other's forever. */
#include <stdio.h>
#include "guest.h"

#define TRANSFERS 2000

/* 0 when free, otherwise 1 + the id of the hart that holds it. */
volatile uint64_t lock_a, lock_b;
volatile uint64_t balance_a = 100000, balance_b = 100000;
volatile uint64_t done_harts;

/* Spins reading until the lock looks free, then claims it with a compare-and-swap (lr/sc), so a waiter never
   writes the lock and the owner stays readable. */
static __attribute__((noinline)) void acquire(volatile uint64_t *lock, uint64_t owner) {
  for (;;) {
    while (*lock) {}
    uint64_t free = 0;
    if (__atomic_compare_exchange_n(lock, &free, owner, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return; /* ACQUIRED */
  }
}

static __attribute__((noinline)) void release(volatile uint64_t *lock) { __atomic_store_n(lock, 0, __ATOMIC_RELEASE); }

static __attribute__((noinline)) void transfer(volatile uint64_t *from_lock, volatile uint64_t *from,
                                               volatile uint64_t *to_lock, volatile uint64_t *to, uint64_t amount) {
  uint64_t me = 1 + hart_id();
  acquire(from_lock, me); /* CAUSE: abba-deadlock: the paying account first, whichever it is */
  acquire(to_lock, me);
  *from -= amount;
  *to += amount;
  release(to_lock);
  release(from_lock);
}

void hart_main(unsigned long hartid) {
  if (hartid == 1) {
    for (unsigned i = 0; i < TRANSFERS; i++) transfer(&lock_b, &balance_b, &lock_a, &balance_a, 3);
    __atomic_fetch_add(&done_harts, 1, __ATOMIC_RELEASE);
  }
  park();
}

int main(void) {
  for (unsigned i = 0; i < TRANSFERS; i++) transfer(&lock_a, &balance_a, &lock_b, &balance_b, 2);
  while (__atomic_load_n(&done_harts, __ATOMIC_ACQUIRE) == 0) {}
  printf("abba_deadlock: %u transfers each way, balances %lu and %lu\n", TRANSFERS, (unsigned long)balance_a,
         (unsigned long)balance_b);
  return 0;
}
