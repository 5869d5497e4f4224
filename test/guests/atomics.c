/* Guest "atomics": single-hart semantics of lr/sc (success, failure, reservation loss) and every amo*.w/.d. */
#include "check.h"
#include "guest.h"

static volatile uint64_t cell __attribute__((aligned(8)));
static volatile uint64_t other __attribute__((aligned(8)));

#define AMO_FN(fn, insn)                                                                  \
  static uint64_t fn(uint64_t a, uint64_t b) {                                            \
    uint64_t old;                                                                         \
    cell = a;                                                                             \
    __asm__ volatile(insn " %0, %2, %1" : "=r"(old), "+A"(cell) : "r"(b) : "memory");     \
    return old ^ (cell << 1) ^ (cell >> 3);                                               \
  }
AMO_FN(amoswap_d, "amoswap.d") AMO_FN(amoadd_d, "amoadd.d") AMO_FN(amoxor_d, "amoxor.d")
AMO_FN(amoand_d, "amoand.d") AMO_FN(amoor_d, "amoor.d") AMO_FN(amomin_d, "amomin.d")
AMO_FN(amomax_d, "amomax.d") AMO_FN(amominu_d, "amominu.d") AMO_FN(amomaxu_d, "amomaxu.d")
AMO_FN(amoswap_w, "amoswap.w") AMO_FN(amoadd_w, "amoadd.w") AMO_FN(amoxor_w, "amoxor.w")
AMO_FN(amoand_w, "amoand.w") AMO_FN(amoor_w, "amoor.w") AMO_FN(amomin_w, "amomin.w")
AMO_FN(amomax_w, "amomax.w") AMO_FN(amominu_w, "amominu.w") AMO_FN(amomaxu_w, "amomaxu.w")
AMO_FN(amoadd_d_aqrl, "amoadd.d.aqrl") AMO_FN(amoswap_w_aq, "amoswap.w.aq") AMO_FN(amoor_w_rl, "amoor.w.rl")

static void lrsc(void) {
  uint64_t v, fail;
  cell = 0x1122334455667788;
  __asm__ volatile("lr.d %0, %2\n addi %0, %0, 1\n sc.d %1, %0, %2" : "=&r"(v), "=&r"(fail), "+A"(cell)::"memory");
  show("lr.d/sc.d success flag", fail);
  show("lr.d/sc.d cell", cell);
  __asm__ volatile("lr.w %0, %2\n addi %0, %0, 1\n sc.w %1, %0, %2" : "=&r"(v), "=&r"(fail), "+A"(cell)::"memory");
  show("lr.w result (sign-ext)", v);
  show("lr.w/sc.w success flag", fail);
  show("lr.w/sc.w cell", cell);
  cell = 0xfffffffff0000000;
  __asm__ volatile("lr.w %0, %1" : "=r"(v) : "A"(cell) : "memory");
  show("lr.w sign-extends", v);
  /* sc without a reservation fails and leaves memory alone */
  __asm__ volatile("sc.d %0, %2, %1" : "=r"(fail), "+A"(other) : "r"(7UL) : "memory");
  show("sc.d no reservation", fail != 0);
  show("sc.d no reservation cell", other);
  /* a second sc after a successful one fails: the reservation is consumed */
  __asm__ volatile("lr.d %0, %2\n sc.d %1, %0, %2\n sc.d %1, %0, %2" : "=&r"(v), "=&r"(fail), "+A"(cell)::"memory");
  show("second sc fails", fail != 0);
  /* lr.aq/sc.rl forms */
  cell = 5;
  __asm__ volatile("lr.d.aq %0, %2\n addi %0, %0, 3\n sc.d.rl %1, %0, %2" : "=&r"(v), "=&r"(fail), "+A"(cell)::"memory");
  show("lr.aq/sc.rl", cell + (fail << 32));
  /* sc.w writes only 32 bits */
  cell = 0xaaaaaaaaaaaaaaaa;
  __asm__ volatile("lr.w %0, %2\n li %0, -1\n sc.w %1, %0, %2" : "=&r"(v), "=&r"(fail), "+A"(cell)::"memory");
  show("sc.w writes 32 bits", cell);
  /* amo on the upper word of a doubleword */
  cell = 0x00000001ffffffff;
  __asm__ volatile("amoadd.w %0, %2, (%1)" : "=r"(v) : "r"((char *)&cell + 4), "r"(1UL) : "memory");
  show("amoadd.w upper word old", v);
  show("amoadd.w upper word cell", cell);
}

int main(void) {
  printf("atomics\n");
  check_rr("amoswap.d", amoswap_d); check_rr("amoadd.d", amoadd_d); check_rr("amoxor.d", amoxor_d);
  check_rr("amoand.d", amoand_d); check_rr("amoor.d", amoor_d); check_rr("amomin.d", amomin_d);
  check_rr("amomax.d", amomax_d); check_rr("amominu.d", amominu_d); check_rr("amomaxu.d", amomaxu_d);
  check_rr("amoswap.w", amoswap_w); check_rr("amoadd.w", amoadd_w); check_rr("amoxor.w", amoxor_w);
  check_rr("amoand.w", amoand_w); check_rr("amoor.w", amoor_w); check_rr("amomin.w", amomin_w);
  check_rr("amomax.w", amomax_w); check_rr("amominu.w", amominu_w); check_rr("amomaxu.w", amomaxu_w);
  check_rr("aqrl", amoadd_d_aqrl); check_rr("aq", amoswap_w_aq); check_rr("rl", amoor_w_rl);
  show("amomin.w -1,1 old", amomin_w(0xffffffff, 1));
  show("amominu.w 0xffffffff,1", (amominu_w(0xffffffff, 1), cell));
  show("amomax.w sign", (amomax_w(0x80000000, 0x7fffffff), cell));
  lrsc();
  printf("atomics done\n");
  return 0;
}
