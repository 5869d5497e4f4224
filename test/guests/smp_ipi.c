/* Guest "smp_ipi": a token passes round the harts by inter-processor interrupts (CLINT msip); each hart sleeps
   in wfi with mstatus.MIE clear and wakes on its msip. With one hart the token goes to itself. */
#include <stdio.h>
#include "guest.h"

#define HOPS 24

static volatile unsigned owner, token, done, hops_by[MAX_HARTS];

static void send_ipi(unsigned h) {
  __asm__ volatile("fence rw, rw" ::: "memory");
  mmio_write32(CLINT_MSIP(h), 1);
}

static void ring(unsigned h, unsigned n) {
  clear_csr(mstatus, MSTATUS_MIE);
  write_csr(mie, MIP_MSIP);
  barrier_wait(n);
  if (h == 0) { owner = 0; send_ipi(0); }
  for (;;) {
    while (!(read_csr(mip) & MIP_MSIP)) __asm__ volatile("wfi");
    mmio_write32(CLINT_MSIP(h), 0);
    __asm__ volatile("fence rw, rw" ::: "memory");
    if (done) break;
    if (owner != h) continue;
    if (token == HOPS) {
      done = 1;
      for (unsigned k = 0; k < n; k++) if (k != h) send_ipi(k);
      break;
    }
    token = token + 1;
    hops_by[h]++;
    owner = (h + 1) % n;
    send_ipi((h + 1) % n);
  }
  write_csr(mie, 0);
  barrier_wait(n);
}

void hart_main(unsigned long hartid) {
  ring(hartid, hart_count());
  park();
}

int main(void) {
  unsigned n = hart_count();
  printf("smp_ipi\n");
  ring(0, n);
  unsigned sum = 0, fair = 1;
  for (unsigned k = 0; k < n; k++) {
    sum += hops_by[k];
    if (hops_by[k] != HOPS / n + (k < HOPS % n)) fair = 0;
  }
  printf("token: %u after %u hops, every hart took its turns: %s\n", token, sum, fair ? "yes" : "no");
  printf("smp_ipi done\n");
  return 0;
}
