/* Guest "fpu": F and D: arithmetic, fused multiply-add, conversions in every rounding mode (static and via frm), fflags after each, NaN-boxing, canonical NaN, fmin/fmax, compares, fclass. */
#include "check.h"
#include "guest.h"

#define BOX 0xffffffff00000000ULL
#define QNAN_D 0x7ff8000000000000ULL
#define SNAN_D 0x7ff0000000000001ULL
#define QNAN_S 0x7fc00000ULL
#define SNAN_S 0x7f800001ULL

static const uint64_t doubles[] = {
    0x0000000000000000, 0x8000000000000000, 0x3ff0000000000000, 0xbff0000000000000, 0x3ff8000000000000,
    0x4000000000000000, 0x4004000000000000, 0xc004000000000000, 0x3fb999999999999a, 0x7fefffffffffffff,
    0xffefffffffffffff, 0x0010000000000000, 0x0000000000000001, 0x800fffffffffffff, 0x7ff0000000000000,
    0xfff0000000000000, QNAN_D, SNAN_D, 0xfff8000000000123, 0x43e0000000000000, 0xc3e0000000000000,
    0x43f0000000000000, 0x41dfffffffc00000, 0x41f0000000000000, 0xc1e0000000200000, 0x400d99999999999a,
    0xc00d99999999999a, 0x3fe0000000000000, 0x3ff0000000000001, 0x3fefffffffffffff,
};
static const uint64_t singles[] = {
    0x00000000, 0x80000000, 0x3f800000, 0xbf800000, 0x3fc00000, 0x40000000, 0x40200000, 0xc0200000,
    0x3dcccccd, 0x7f7fffff, 0xff7fffff, 0x00800000, 0x00000001, 0x807fffff, 0x7f800000, 0xff800000,
    QNAN_S, SNAN_S, 0xffc00123, 0x5f000000, 0xdf000000, 0x5f800000, 0x4f000000, 0xcf000000,
    0x406ccccd, 0xc06ccccd, 0x3f000000, 0x3f800001, 0x3f7fffff, 0x4effffff,
};
#define N_D (sizeof doubles / sizeof doubles[0])
#define N_S (sizeof singles / sizeof singles[0])
#define N_TER 12 /* operands used for three-operand ops */

/* Every op takes raw bit patterns (a, b, c) and returns the raw result; *flags gets fflags after it. */
typedef uint64_t (*fop)(uint64_t, uint64_t, uint64_t, uint64_t *);

#define F3(fn, text)                                                                                    \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c, uint64_t *flags) {                            \
    uint64_t r, fl;                                                                                     \
    __asm__ volatile("fmv.d.x ft0, %2\n fmv.d.x ft1, %3\n fmv.d.x ft2, %4\n fsflags zero\n" text "\n"   \
                     "frflags %1\n fmv.x.d %0, ft3"                                                     \
                     : "=r"(r), "=r"(fl) : "r"(a), "r"(b), "r"(c) : "ft0", "ft1", "ft2", "ft3");        \
    *flags = fl;                                                                                        \
    return r;                                                                                           \
  }
/* Float-to-integer: the result goes to an integer register. */
#define F2I(fn, text)                                                                                   \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c, uint64_t *flags) {                            \
    uint64_t r, fl;                                                                                     \
    (void)c;                                                                                            \
    __asm__ volatile("fmv.d.x ft0, %2\n fmv.d.x ft1, %3\n fsflags zero\n" text "\n frflags %1"          \
                     : "=r"(r), "=r"(fl) : "r"(a), "r"(b) : "ft0", "ft1");                              \
    *flags = fl;                                                                                        \
    return r;                                                                                           \
  }
/* Integer-to-float: the operand comes from an integer register. */
#define I2F(fn, text)                                                                                   \
  static uint64_t fn(uint64_t a, uint64_t b, uint64_t c, uint64_t *flags) {                            \
    uint64_t r, fl;                                                                                     \
    (void)b; (void)c;                                                                                   \
    __asm__ volatile("fsflags zero\n" text "\n frflags %1\n fmv.x.d %0, ft3"                            \
                     : "=r"(r), "=r"(fl) : "r"(a) : "ft3");                                             \
    *flags = fl;                                                                                        \
    return r;                                                                                           \
  }

#define RMS(MAC, fn, pre, post) \
  MAC(fn##_rne, pre post ", rne") MAC(fn##_rtz, pre post ", rtz") MAC(fn##_rdn, pre post ", rdn") \
  MAC(fn##_rup, pre post ", rup") MAC(fn##_rmm, pre post ", rmm") MAC(fn##_dyn, pre post ", dyn")

RMS(F3, fadd_d, "fadd.d", " ft3, ft0, ft1") RMS(F3, fsub_d, "fsub.d", " ft3, ft0, ft1")
RMS(F3, fmul_d, "fmul.d", " ft3, ft0, ft1") RMS(F3, fdiv_d, "fdiv.d", " ft3, ft0, ft1")
RMS(F3, fsqrt_d, "fsqrt.d", " ft3, ft0")
RMS(F3, fadd_s, "fadd.s", " ft3, ft0, ft1") RMS(F3, fsub_s, "fsub.s", " ft3, ft0, ft1")
RMS(F3, fmul_s, "fmul.s", " ft3, ft0, ft1") RMS(F3, fdiv_s, "fdiv.s", " ft3, ft0, ft1")
RMS(F3, fsqrt_s, "fsqrt.s", " ft3, ft0")
RMS(F3, fmadd_d, "fmadd.d", " ft3, ft0, ft1, ft2") RMS(F3, fmsub_d, "fmsub.d", " ft3, ft0, ft1, ft2")
RMS(F3, fnmadd_d, "fnmadd.d", " ft3, ft0, ft1, ft2") RMS(F3, fnmsub_d, "fnmsub.d", " ft3, ft0, ft1, ft2")
RMS(F3, fmadd_s, "fmadd.s", " ft3, ft0, ft1, ft2") RMS(F3, fmsub_s, "fmsub.s", " ft3, ft0, ft1, ft2")
RMS(F3, fnmadd_s, "fnmadd.s", " ft3, ft0, ft1, ft2") RMS(F3, fnmsub_s, "fnmsub.s", " ft3, ft0, ft1, ft2")
RMS(F3, fcvt_s_d, "fcvt.s.d", " ft3, ft0")
F3(fcvt_d_s, "fcvt.d.s ft3, ft0")
RMS(F2I, fcvt_w_d, "fcvt.w.d", " %0, ft0") RMS(F2I, fcvt_wu_d, "fcvt.wu.d", " %0, ft0")
RMS(F2I, fcvt_l_d, "fcvt.l.d", " %0, ft0") RMS(F2I, fcvt_lu_d, "fcvt.lu.d", " %0, ft0")
RMS(F2I, fcvt_w_s, "fcvt.w.s", " %0, ft0") RMS(F2I, fcvt_wu_s, "fcvt.wu.s", " %0, ft0")
RMS(F2I, fcvt_l_s, "fcvt.l.s", " %0, ft0") RMS(F2I, fcvt_lu_s, "fcvt.lu.s", " %0, ft0")
I2F(fcvt_d_w, "fcvt.d.w ft3, %2") I2F(fcvt_d_wu, "fcvt.d.wu ft3, %2") /* exact: no rm */
RMS(I2F, fcvt_d_l, "fcvt.d.l", " ft3, %2") RMS(I2F, fcvt_d_lu, "fcvt.d.lu", " ft3, %2")
RMS(I2F, fcvt_s_w, "fcvt.s.w", " ft3, %2") RMS(I2F, fcvt_s_wu, "fcvt.s.wu", " ft3, %2")
RMS(I2F, fcvt_s_l, "fcvt.s.l", " ft3, %2") RMS(I2F, fcvt_s_lu, "fcvt.s.lu", " ft3, %2")
F3(fmin_d, "fmin.d ft3, ft0, ft1") F3(fmax_d, "fmax.d ft3, ft0, ft1")
F3(fmin_s, "fmin.s ft3, ft0, ft1") F3(fmax_s, "fmax.s ft3, ft0, ft1")
F3(fsgnj_d, "fsgnj.d ft3, ft0, ft1") F3(fsgnjn_d, "fsgnjn.d ft3, ft0, ft1") F3(fsgnjx_d, "fsgnjx.d ft3, ft0, ft1")
F3(fsgnj_s, "fsgnj.s ft3, ft0, ft1") F3(fsgnjn_s, "fsgnjn.s ft3, ft0, ft1") F3(fsgnjx_s, "fsgnjx.s ft3, ft0, ft1")
F2I(feq_d, "feq.d %0, ft0, ft1") F2I(flt_d, "flt.d %0, ft0, ft1") F2I(fle_d, "fle.d %0, ft0, ft1")
F2I(feq_s, "feq.s %0, ft0, ft1") F2I(flt_s, "flt.s %0, ft0, ft1") F2I(fle_s, "fle.s %0, ft0, ft1")
F2I(fclass_d, "fclass.d %0, ft0") F2I(fclass_s, "fclass.s %0, ft0")
F2I(fmv_x_w, "fmv.x.w %0, ft0") F2I(fmv_x_d, "fmv.x.d %0, ft0")
I2F(fmv_w_x, "fmv.w.x ft3, %2") I2F(fmv_d_x, "fmv.d.x ft3, %2")

enum kind { D1, D2, D3, S1, S2, S3, I1 };

static void set_frm(unsigned rm) { __asm__ volatile("fsrm %0" ::"r"((uint64_t)rm)); }

/* Folds op over its operand table (all pairs / triples) and prints result and flag hashes. */
static void run(const char *name, fop fn, enum kind k, int dynamic) {
  uint64_t h = FOLD_INIT, hf = FOLD_INIT, fl;
  for (unsigned rm = 0; rm < (dynamic ? 5u : 1u); rm++) {
    if (dynamic) set_frm(rm);
    if (k == I1) {
      for (unsigned i = 0; i < N_OPERANDS; i++) { h = fold(h, fn(operands[i], 0, 0, &fl)); hf = fold(hf, fl); }
    } else {
      int single = k >= S1;
      unsigned arity = single ? k - S1 + 1 : k - D1 + 1;
      unsigned n = arity == 3 ? N_TER : single ? N_S : N_D;
      const uint64_t *t = single ? singles : doubles;
      uint64_t box = single ? BOX : 0;
      for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < (arity > 1 ? n : 1); j++)
          for (unsigned l = 0; l < (arity > 2 ? n : 1); l++) {
            h = fold(h, fn(t[i] | box, t[j] | box, t[l] | box, &fl));
            hf = fold(hf, fl);
          }
    }
  }
  if (dynamic) set_frm(0);
  printf("%-14s %016lx flags %016lx\n", name, (unsigned long)h, (unsigned long)hf);
}

#define RUN_RMS(fn, name, k) \
  run(name ".rne", fn##_rne, k, 0); run(name ".rtz", fn##_rtz, k, 0); run(name ".rdn", fn##_rdn, k, 0); \
  run(name ".rup", fn##_rup, k, 0); run(name ".rmm", fn##_rmm, k, 0); run(name ".dyn", fn##_dyn, k, 1);

/* One explicit case: name, result bits and fflags. */
static void one(const char *name, fop fn, uint64_t a, uint64_t b, uint64_t c) {
  uint64_t fl, r = fn(a, b, c, &fl);
  printf("%-30s %016lx fflags %02lx\n", name, (unsigned long)r, (unsigned long)fl);
}

static void edge_cases(void) {
  one("fmadd.d is fused", fmadd_d_rne, 0x3ff0000004000000, 0x3fefffffF8000000, 0xbff0000000000000);
  one("fmadd.s is fused", fmadd_s_rne, BOX | 0x3f800001, BOX | 0x3f7ffffe, BOX | 0xbf800000);
  one("fnmsub.d fused", fnmsub_d_rne, 0x3ff0000004000000, 0x3fefffffF8000000, 0xbff0000000000000);
  one("fmadd.d inf*0+qnan", fmadd_d_rne, 0x7ff0000000000000, 0, QNAN_D);
  one("0/0 canonical nan", fdiv_d_rne, 0, 0, 0);
  one("1/0", fdiv_d_rne, 0x3ff0000000000000, 0, 0);
  one("-1/0", fdiv_s_rne, BOX | 0xbf800000, BOX | 0, 0);
  one("inf-inf", fsub_d_rne, 0x7ff0000000000000, 0x7ff0000000000000, 0);
  one("sqrt(-1)", fsqrt_d_rne, 0xbff0000000000000, 0, 0);
  one("sqrt(-0)", fsqrt_d_rne, 0x8000000000000000, 0, 0);
  one("sqrt(2).s", fsqrt_s_rne, BOX | 0x40000000, 0, 0);
  one("nan payload not kept", fadd_d_rne, 0xfff8000000000123, 0x3ff0000000000000, 0);
  one("snan add", fadd_s_rne, BOX | SNAN_S, BOX | 0x3f800000, 0);
  one("fdiv.d 1/3 rup", fdiv_d_rup, 0x3ff0000000000000, 0x4008000000000000, 0);
  one("fdiv.d 1/3 rdn", fdiv_d_rdn, 0x3ff0000000000000, 0x4008000000000000, 0);
  one("overflow rtz", fmul_d_rtz, 0x7fefffffffffffff, 0x4000000000000000, 0);
  one("overflow rne", fmul_d_rne, 0x7fefffffffffffff, 0x4000000000000000, 0);
  one("underflow", fmul_d_rne, 0x0010000000000000, 0x3fe0000000000001, 0);
  one("fmin(qnan,1)", fmin_d, QNAN_D, 0x3ff0000000000000, 0);
  one("fmin(snan,1)", fmin_d, SNAN_D, 0x3ff0000000000000, 0);
  one("fmin(qnan,qnan)", fmin_d, QNAN_D, 0xfff8000000000123, 0);
  one("fmin(-0,+0)", fmin_d, 0x8000000000000000, 0, 0);
  one("fmax(-0,+0)", fmax_d, 0x8000000000000000, 0, 0);
  one("fmin.s(+0,-0)", fmin_s, BOX | 0, BOX | 0x80000000, 0);
  one("fmax.s(snan,snan)", fmax_s, BOX | SNAN_S, BOX | SNAN_S, 0);
  one("feq qnan", feq_d, QNAN_D, QNAN_D, 0);
  one("feq snan", feq_d, SNAN_D, 0, 0);
  one("flt qnan", flt_d, QNAN_D, 0, 0);
  one("fle -0,+0", fle_d, 0x8000000000000000, 0, 0);
  one("fcvt.w.d nan", fcvt_w_d_rtz, QNAN_D, 0, 0);
  one("fcvt.w.d -inf", fcvt_w_d_rtz, 0xfff0000000000000, 0, 0);
  one("fcvt.w.d 2^31", fcvt_w_d_rtz, 0x41e0000000000000, 0, 0);
  one("fcvt.w.d -2^31-0.5 rtz", fcvt_w_d_rtz, 0xc1e0000000100000, 0, 0);
  one("fcvt.wu.d -1", fcvt_wu_d_rtz, 0xbff0000000000000, 0, 0);
  one("fcvt.wu.d -0.5 rtz", fcvt_wu_d_rtz, 0xbfe0000000000000, 0, 0);
  one("fcvt.wu.d -0.5 rdn", fcvt_wu_d_rdn, 0xbfe0000000000000, 0, 0);
  one("fcvt.wu.d 2^32", fcvt_wu_d_rtz, 0x41f0000000000000, 0, 0);
  one("fcvt.wu.d 2^31 sign-ext", fcvt_wu_d_rtz, 0x41e0000000000000, 0, 0);
  one("fcvt.l.d 2^63", fcvt_l_d_rtz, 0x43e0000000000000, 0, 0);
  one("fcvt.l.d nan", fcvt_l_d_rtz, QNAN_D, 0, 0);
  one("fcvt.lu.d 1e20", fcvt_lu_d_rtz, 0x4415af1d78b58c40, 0, 0);
  one("fcvt.lu.d -inf", fcvt_lu_d_rtz, 0xfff0000000000000, 0, 0);
  one("fcvt.l.s -2^63", fcvt_l_s_rtz, BOX | 0xdf000000, 0, 0);
  one("fcvt.w.s 2.5 rne", fcvt_w_s_rne, BOX | 0x40200000, 0, 0);
  one("fcvt.w.s 2.5 rmm", fcvt_w_s_rmm, BOX | 0x40200000, 0, 0);
  one("fcvt.w.s -2.5 rmm", fcvt_w_s_rmm, BOX | 0xc0200000, 0, 0);
  one("fcvt.s.d 0.1", fcvt_s_d_rne, 0x3fb999999999999a, 0, 0);
  one("fcvt.s.d snan", fcvt_s_d_rne, SNAN_D, 0, 0);
  one("fcvt.d.s snan", fcvt_d_s, BOX | SNAN_S, 0, 0);
  one("fcvt.s.l 2^63-1 rup", fcvt_s_l_rup, 0x7fffffffffffffff, 0, 0);
  one("fcvt.d.lu max", fcvt_d_lu_rne, 0xffffffffffffffff, 0, 0);
  one("fcvt.s.wu uses low 32", fcvt_s_wu_rne, 0x1ffffffff, 0, 0);
  /* NaN-boxing: a single-precision operand whose upper half is not all ones reads as the canonical NaN. */
  one("unboxed fadd.s", fadd_s_rne, 0x000000003f800000, BOX | 0x3f800000, 0);
  one("unboxed fsgnj.s", fsgnj_s, 0x123456783f800000, BOX | 0x80000000, 0);
  one("unboxed fclass.s", fclass_s, 0x3f800000, 0, 0);
  one("unboxed fmv.x.w", fmv_x_w, 0x12345678bf800000, 0, 0);
  one("unboxed fcvt.d.s", fcvt_d_s, 0x3f800000, 0, 0);
  one("fmv.w.x boxes", fmv_w_x, 0xaaaaaaaa3f800000, 0, 0);
  one("fmv.x.w sign-extends", fmv_x_w, BOX | 0x80000001, 0, 0);
  one("fmv.d.x/x.d", fmv_d_x, 0x123456789abcdef0, 0, 0);
  one("fsgnjx.d", fsgnjx_d, 0xbff0000000000000, 0x8000000000000000, 0);
  /* flw boxes, fsw stores the low half */
  uint64_t mem[2] = {0x11223344bf800000, 0}, bits;
  __asm__ volatile("flw ft0, 0(%1)\n fmv.x.d %0, ft0\n fsw ft0, 8(%1)" : "=r"(bits) : "r"(mem) : "ft0", "memory");
  show("flw boxes", bits);
  show("fsw stores 32 bits", mem[1]);
  __asm__ volatile("fld ft0, 0(%1)\n fsd ft0, 8(%1)\n fmv.x.d %0, ft0" : "=r"(bits) : "r"(mem) : "ft0", "memory");
  show("fld/fsd", mem[1] ^ bits);
}

static void fcsr_access(void) {
  uint64_t v, old;
  __asm__ volatile("fscsr %0, %1" : "=r"(old) : "r"(0xffUL));
  __asm__ volatile("frcsr %0" : "=r"(v));
  show("fcsr 0xff -> fcsr", v);
  __asm__ volatile("frflags %0" : "=r"(v));
  show("fcsr 0xff -> fflags", v);
  __asm__ volatile("frrm %0" : "=r"(v));
  show("fcsr 0xff -> frm", v);
  __asm__ volatile("csrrwi %0, fflags, 0x1b" : "=r"(old));
  __asm__ volatile("csrr %0, fcsr" : "=r"(v));
  show("csrrwi fflags", v);
  __asm__ volatile("csrrsi %0, frm, 4" : "=r"(old));
  __asm__ volatile("csrr %0, fcsr" : "=r"(v));
  show("csrrsi frm", v);
  __asm__ volatile("csrrci %0, fflags, 1\n csrr %0, fcsr" : "=r"(v));
  show("csrrci fflags", v);
  __asm__ volatile("csrw fcsr, %1\n csrr %0, fcsr" : "=r"(v) : "r"(0xffffffffUL));
  show("fcsr keeps 8 bits", v);
  __asm__ volatile("csrw fcsr, zero");
  /* fflags accumulate across instructions */
  __asm__ volatile("fsflags zero\n fmv.d.x ft0, zero\n fdiv.d ft1, ft0, ft0\n fmv.d.x ft0, %1\n fadd.d ft1, ft0, ft0\n frflags %0"
                   : "=r"(v) : "r"(0x7fefffffffffffffUL) : "ft0", "ft1");
  show("accumulated fflags", v);
  __asm__ volatile("csrw fcsr, zero");
  /* mstatus.FS becomes dirty after an FP write */
  __asm__ volatile("fmv.d.x ft0, zero\n csrr %0, mstatus" : "=r"(v) :: "ft0");
  show("mstatus.FS after fp write", (v >> 13) & 3);
  show("mstatus.SD after fp write", v >> 63);
}

int main(void) {
  printf("fpu\n");
  edge_cases();
  fcsr_access();
  RUN_RMS(fadd_d, "fadd.d", D2) RUN_RMS(fsub_d, "fsub.d", D2) RUN_RMS(fmul_d, "fmul.d", D2)
  RUN_RMS(fdiv_d, "fdiv.d", D2) RUN_RMS(fsqrt_d, "fsqrt.d", D1)
  RUN_RMS(fadd_s, "fadd.s", S2) RUN_RMS(fsub_s, "fsub.s", S2) RUN_RMS(fmul_s, "fmul.s", S2)
  RUN_RMS(fdiv_s, "fdiv.s", S2) RUN_RMS(fsqrt_s, "fsqrt.s", S1)
  RUN_RMS(fmadd_d, "fmadd.d", D3) RUN_RMS(fmsub_d, "fmsub.d", D3) RUN_RMS(fnmadd_d, "fnmadd.d", D3)
  RUN_RMS(fnmsub_d, "fnmsub.d", D3) RUN_RMS(fmadd_s, "fmadd.s", S3) RUN_RMS(fmsub_s, "fmsub.s", S3)
  RUN_RMS(fnmadd_s, "fnmadd.s", S3) RUN_RMS(fnmsub_s, "fnmsub.s", S3)
  RUN_RMS(fcvt_s_d, "fcvt.s.d", D1) run("fcvt.d.s", fcvt_d_s, S1, 0);
  RUN_RMS(fcvt_w_d, "fcvt.w.d", D1) RUN_RMS(fcvt_wu_d, "fcvt.wu.d", D1) RUN_RMS(fcvt_l_d, "fcvt.l.d", D1)
  RUN_RMS(fcvt_lu_d, "fcvt.lu.d", D1) RUN_RMS(fcvt_w_s, "fcvt.w.s", S1) RUN_RMS(fcvt_wu_s, "fcvt.wu.s", S1)
  RUN_RMS(fcvt_l_s, "fcvt.l.s", S1) RUN_RMS(fcvt_lu_s, "fcvt.lu.s", S1)
  run("fcvt.d.w", fcvt_d_w, I1, 0); run("fcvt.d.wu", fcvt_d_wu, I1, 0); RUN_RMS(fcvt_d_l, "fcvt.d.l", I1)
  RUN_RMS(fcvt_d_lu, "fcvt.d.lu", I1) RUN_RMS(fcvt_s_w, "fcvt.s.w", I1) RUN_RMS(fcvt_s_wu, "fcvt.s.wu", I1)
  RUN_RMS(fcvt_s_l, "fcvt.s.l", I1) RUN_RMS(fcvt_s_lu, "fcvt.s.lu", I1)
  run("fmin.d", fmin_d, D2, 0); run("fmax.d", fmax_d, D2, 0); run("fmin.s", fmin_s, S2, 0); run("fmax.s", fmax_s, S2, 0);
  run("fsgnj.d", fsgnj_d, D2, 0); run("fsgnjn.d", fsgnjn_d, D2, 0); run("fsgnjx.d", fsgnjx_d, D2, 0);
  run("fsgnj.s", fsgnj_s, S2, 0); run("fsgnjn.s", fsgnjn_s, S2, 0); run("fsgnjx.s", fsgnjx_s, S2, 0);
  run("feq.d", feq_d, D2, 0); run("flt.d", flt_d, D2, 0); run("fle.d", fle_d, D2, 0);
  run("feq.s", feq_s, S2, 0); run("flt.s", flt_s, S2, 0); run("fle.s", fle_s, S2, 0);
  run("fclass.d", fclass_d, D1, 0); run("fclass.s", fclass_s, S1, 0);
  run("fmv.x.w", fmv_x_w, S1, 0); run("fmv.x.d", fmv_x_d, D1, 0); run("fmv.w.x", fmv_w_x, I1, 0); run("fmv.d.x", fmv_d_x, I1, 0);
  printf("fpu done\n");
  return 0;
}
