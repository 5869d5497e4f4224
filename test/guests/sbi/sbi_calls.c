/* Guest "sbi_calls": an S-mode payload for OpenSBI's fw_jump, on one hart, making the SBI calls Linux makes, for the
   lockstep comparison with QEMU (test/full/qemu-trace.test.ts): BASE (spec version, probe), TIME (set_timer and the
   S timer interrupt it gives), IPI (send_ipi to itself and the S software interrupt), RFENCE (remote_fence_i,
   remote_sfence_vma, remote_sfence_vma_asid), HSM (hart_get_status, and hart_start of itself and of a hart that does
   not exist), and SRST (system_reset shutdown). It never reads the time: QEMU's clock follows the host's. */
#include <stdint.h>

#define EXT_BASE 0x10
#define EXT_LEGACY_PUTCHAR 0x01
#define EXT_TIME 0x54494D45
#define EXT_IPI 0x735049
#define EXT_RFENCE 0x52464E43
#define EXT_HSM 0x48534D
#define EXT_SRST 0x53525354

/* The entry. OpenSBI hands over a0 = hartid and a1 = its device tree; every other register holds whatever its own
   code left there, which depends on the tree it parsed, so the entry zeroes them and the comparison starts at
   lockstep_start, at a fixed address (0x80200100). */
__asm__(
  ".section .text.entry, \"ax\"\n"
  ".globl _start\n"
  "_start:\n"
  "  li x1, 0\n li x2, 0\n li x3, 0\n li x4, 0\n li x5, 0\n li x6, 0\n li x7, 0\n li x8, 0\n li x9, 0\n"
  "  li x12, 0\n li x13, 0\n li x14, 0\n li x15, 0\n li x16, 0\n li x17, 0\n li x18, 0\n li x19, 0\n"
  "  li x20, 0\n li x21, 0\n li x22, 0\n li x23, 0\n li x24, 0\n li x25, 0\n li x26, 0\n li x27, 0\n"
  "  li x28, 0\n li x29, 0\n li x30, 0\n li x31, 0\n"
  "  j lockstep_start\n"
  "  .org 0x100\n"
  ".globl lockstep_start\n"
  "lockstep_start:\n"
  "  la sp, calls_stack + 16384\n"
  "  call calls_main\n"
  "1: j 1b\n"
  ".text\n");

struct sbiret {
  long error;
  long value;
};

static struct sbiret sbi(long ext, long fid, long a0, long a1, long a2, long a3, long a4) {
  register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2, r3 __asm__("a3") = a3;
  register long r4 __asm__("a4") = a4, r6 __asm__("a6") = fid, r7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r3), "r"(r4), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){r0, r1};
}

static void puts_sbi(const char *s) {
  while (*s) sbi(EXT_LEGACY_PUTCHAR, 0, *s++, 0, 0, 0, 0);
}
static void putnum(long v) {
  char buf[24];
  int n = 0;
  unsigned long u = v < 0 ? -(unsigned long)v : (unsigned long)v;
  do buf[n++] = (char)('0' + u % 10), u /= 10;
  while (u);
  if (v < 0) buf[n++] = '-';
  while (n) sbi(EXT_LEGACY_PUTCHAR, 0, buf[--n], 0, 0, 0, 0);
}
static void show(const char *what, struct sbiret r) {
  puts_sbi(what);
  puts_sbi(": error ");
  putnum(r.error);
  puts_sbi(", value ");
  putnum(r.value);
  puts_sbi("\n");
}

static volatile unsigned long interrupts, last_cause;

/* S-mode trap handler: a timer interrupt is cleared by moving the timer to the far future (set_timer(-1)), a
   software interrupt by clearing sip.SSIP. Anything else shuts down with a failure reason. */
void calls_trap(void) {
  unsigned long cause;
  __asm__ volatile("csrr %0, scause" : "=r"(cause));
  last_cause = cause;
  interrupts++;
  if (cause == ((1UL << 63) | 5)) {
    sbi(EXT_TIME, 0, -1L, 0, 0, 0, 0);
    return;
  }
  if (cause == ((1UL << 63) | 1)) {
    __asm__ volatile("csrc sip, %0" ::"r"(2UL));
    return;
  }
  puts_sbi("unexpected trap\n");
  sbi(EXT_SRST, 0, 0, 1, 0, 0, 0);
}

extern void calls_vector(void);
__asm__(
  ".text\n"
  ".balign 4\n"
  "calls_vector:\n"
  "  addi sp, sp, -144\n"
  "  sd ra, 0(sp)\n sd a0, 8(sp)\n sd a1, 16(sp)\n sd a2, 24(sp)\n sd a3, 32(sp)\n sd a4, 40(sp)\n"
  "  sd a5, 48(sp)\n sd a6, 56(sp)\n sd a7, 64(sp)\n sd t0, 72(sp)\n sd t1, 80(sp)\n sd t2, 88(sp)\n"
  "  sd t3, 96(sp)\n sd t4, 104(sp)\n sd t5, 112(sp)\n sd t6, 120(sp)\n"
  "  call calls_trap\n"
  "  ld ra, 0(sp)\n ld a0, 8(sp)\n ld a1, 16(sp)\n ld a2, 24(sp)\n ld a3, 32(sp)\n ld a4, 40(sp)\n"
  "  ld a5, 48(sp)\n ld a6, 56(sp)\n ld a7, 64(sp)\n ld t0, 72(sp)\n ld t1, 80(sp)\n ld t2, 88(sp)\n"
  "  ld t3, 96(sp)\n ld t4, 104(sp)\n ld t5, 112(sp)\n ld t6, 120(sp)\n"
  "  addi sp, sp, 144\n"
  "  sret\n");

/* Opens the S interrupt window for one instruction, so the pending interrupt is taken at a fixed place. */
static void window(void) {
  __asm__ volatile("csrs sstatus, %0\n nop\n csrc sstatus, %0" ::"r"(2UL) : "memory");
}

void calls_main(unsigned long hartid) {
  puts_sbi("sbi_calls: S-mode on hart ");
  putnum((long)hartid);
  puts_sbi("\n");
  __asm__ volatile("csrw stvec, %0" ::"r"(calls_vector));

  show("spec version", sbi(EXT_BASE, 0, 0, 0, 0, 0, 0));
  static const long exts[] = {EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_SRST, 0x12345678};
  for (unsigned i = 0; i < sizeof exts / sizeof exts[0]; i++) show("probe", sbi(EXT_BASE, 3, exts[i], 0, 0, 0, 0));

  /* TIME: a deadline of 0 is already due, so the S timer interrupt is pending as the call returns. */
  __asm__ volatile("csrs sie, %0" ::"r"(1UL << 5));
  show("set_timer(0)", sbi(EXT_TIME, 0, 0, 0, 0, 0, 0));
  unsigned long sip;
  __asm__ volatile("csrr %0, sip" : "=r"(sip));
  puts_sbi(sip & (1UL << 5) ? "STIP pending\n" : "STIP not pending\n");
  window();
  puts_sbi("after the window: interrupts ");
  putnum((long)interrupts);
  puts_sbi(", scause low bits ");
  putnum((long)(last_cause & 0xff));
  puts_sbi("\n");

  /* IPI to itself: hart_mask 1 from base 0, then the same through base -1 (every hart). */
  __asm__ volatile("csrs sie, %0" ::"r"(1UL << 1));
  show("send_ipi(1, 0)", sbi(EXT_IPI, 0, 1, 0, 0, 0, 0));
  window();
  show("send_ipi(0, -1)", sbi(EXT_IPI, 0, 0, -1L, 0, 0, 0));
  window();
  puts_sbi("interrupts ");
  putnum((long)interrupts);
  puts_sbi(", scause low bits ");
  putnum((long)(last_cause & 0xff));
  puts_sbi("\n");
  show("send_ipi(2, 0)", sbi(EXT_IPI, 0, 2, 0, 0, 0, 0)); /* hart 1 does not exist */

  /* RFENCE on this hart. */
  show("remote_fence_i", sbi(EXT_RFENCE, 0, 1, 0, 0, 0, 0));
  show("remote_sfence_vma", sbi(EXT_RFENCE, 1, 1, 0, 0, -1L, 0));
  show("remote_sfence_vma page", sbi(EXT_RFENCE, 1, 0, -1L, 0x80200000L, 4096, 0));
  show("remote_sfence_vma_asid", sbi(EXT_RFENCE, 2, 1, 0, 0, -1L, 3));

  /* HSM: this hart is started; there is no hart 1; starting this hart again is refused. */
  show("hart_get_status(0)", sbi(EXT_HSM, 2, 0, 0, 0, 0, 0));
  show("hart_get_status(1)", sbi(EXT_HSM, 2, 1, 0, 0, 0, 0));
  show("hart_start(0)", sbi(EXT_HSM, 0, 0, 0x80200000L, 0, 0, 0));
  show("hart_start(1)", sbi(EXT_HSM, 0, 1, 0x80200000L, 0, 0, 0));

  /* SRST: an unknown reset type is refused, then a shutdown. */
  show("system_reset(0x1000)", sbi(EXT_SRST, 0, 0x1000, 0, 0, 0, 0));
  puts_sbi("shutting down\n");
  sbi(EXT_SRST, 0, 0, 0, 0, 0, 0);
  puts_sbi("SRST returned\n");
}

uint64_t calls_stack[2048] __attribute__((aligned(16)));
