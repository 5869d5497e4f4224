/* Guest "muldiv": the M extension, with division by zero, INT_MIN / -1 overflow and every W form. */
#include "check.h"
#include "guest.h"

RR_FN(op_mul, "mul") RR_FN(op_mulh, "mulh") RR_FN(op_mulhsu, "mulhsu") RR_FN(op_mulhu, "mulhu")
RR_FN(op_div, "div") RR_FN(op_divu, "divu") RR_FN(op_rem, "rem") RR_FN(op_remu, "remu")
RR_FN(op_mulw, "mulw") RR_FN(op_divw, "divw") RR_FN(op_divuw, "divuw") RR_FN(op_remw, "remw") RR_FN(op_remuw, "remuw")

struct named { const char *name; uint64_t (*fn)(uint64_t, uint64_t); };
static const struct named ops[] = {
    {"mul", op_mul}, {"mulh", op_mulh}, {"mulhsu", op_mulhsu}, {"mulhu", op_mulhu}, {"div", op_div},
    {"divu", op_divu}, {"rem", op_rem}, {"remu", op_remu}, {"mulw", op_mulw}, {"divw", op_divw},
    {"divuw", op_divuw}, {"remw", op_remw}, {"remuw", op_remuw},
};

static const uint64_t edges[][2] = {
    {7, 0}, {0x8000000000000000, 0}, {0, 0},                                   /* division by zero */
    {0x8000000000000000, 0xffffffffffffffff},                                  /* INT64_MIN / -1 */
    {0xffffffff80000000, 0xffffffffffffffff}, {0x80000000, 0xffffffff},        /* INT32_MIN / -1 (W) */
    {0x123456780000000a, 0xfffffffffffffffd}, {0xfffffffffffffff9, 2},          /* signs, truncation */
    {0xffffffffffffffff, 0xffffffffffffffff}, {0x7fffffffffffffff, 0x7fffffffffffffff},
    {0x8000000000000000, 0x8000000000000000}, {0xffffffff, 0xffffffff}, {0x100000005, 0x100000003},
};

int main(void) {
  printf("muldiv\n");
  for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++) check_rr(ops[i].name, ops[i].fn);
  for (unsigned e = 0; e < sizeof edges / sizeof edges[0]; e++) {
    uint64_t a = edges[e][0], b = edges[e][1];
    printf("a=%016lx b=%016lx\n", (unsigned long)a, (unsigned long)b);
    for (unsigned i = 0; i < sizeof ops / sizeof ops[0]; i++)
      printf("  %-7s %016lx\n", ops[i].name, (unsigned long)ops[i].fn(a, b));
  }
  printf("muldiv done\n");
  return 0;
}
