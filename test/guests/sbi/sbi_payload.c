/* Guest "sbi_payload": an S-mode payload for OpenSBI's fw_jump. It prints through the SBI console, reads the
   time, takes an S-mode timer interrupt through SBI set_timer, starts every other hart through SBI HSM (one at a
   time, so the output does not depend on the schedule), and shuts down through SBI SRST. */
#include <stdint.h>

#define EXT_LEGACY_PUTCHAR 0x01
#define EXT_TIME 0x54494D45
#define EXT_HSM 0x48534D
#define EXT_SRST 0x53525354
#define EXT_BASE 0x10

struct sbiret { long error; long value; };

static struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2) {
  register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
  register long r6 __asm__("a6") = fid, r7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){r0, r1};
}

static void putc_sbi(char c) { sbi_call(EXT_LEGACY_PUTCHAR, 0, c, 0, 0); }
static void puts_sbi(const char *s) { while (*s) putc_sbi(*s++); }
static void putdec(unsigned long v) {
  char buf[24];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) putc_sbi(buf[--n]);
}

static inline unsigned long rdtime(void) { unsigned long t; __asm__ volatile("rdtime %0" : "=r"(t)); return t; }

extern void trap_vector(void);
extern void _start(void);

static volatile int timer_fired;
static volatile int started[64];
static volatile unsigned long harts_seen;

void s_trap(void) {
  unsigned long cause;
  __asm__ volatile("csrr %0, scause" : "=r"(cause));
  if (cause == ((1UL << 63) | 5)) { /* supervisor timer interrupt */
    timer_fired = 1;
    sbi_call(EXT_TIME, 0, -1L, 0, 0); /* clears the pending timer */
    return;
  }
  puts_sbi("unexpected trap, scause=");
  putdec(cause);
  puts_sbi("\n");
  sbi_call(EXT_SRST, 0, 0, 1, 0); /* shutdown, reason: system failure */
}

static void say_hello(unsigned long hartid) {
  puts_sbi("hart ");
  putdec(hartid);
  puts_sbi(" running in S-mode\n");
}

void secondary_main(unsigned long hartid) {
  say_hello(hartid);
  __atomic_fetch_add(&harts_seen, 1, __ATOMIC_SEQ_CST);
  started[hartid] = 1;
  for (;;) __asm__ volatile("wfi");
}

void boot_main(unsigned long hartid) {
  puts_sbi("sbi_payload: hello through the SBI console\n");
  struct sbiret spec = sbi_call(EXT_BASE, 0, 0, 0, 0);
  puts_sbi("SBI spec version ");
  putdec((unsigned long)spec.value >> 24);
  puts_sbi(".");
  putdec((unsigned long)spec.value & 0xffffff);
  puts_sbi("\n");

  unsigned long t0 = rdtime(), t1 = rdtime();
  puts_sbi(t1 >= t0 ? "time reads monotonic\n" : "time went backwards\n");

  __asm__ volatile("csrw stvec, %0" ::"r"(trap_vector));
  __asm__ volatile("csrs sie, %0" ::"r"(1UL << 5));  /* STIE */
  __asm__ volatile("csrs sstatus, %0" ::"r"(1UL << 1)); /* SIE */
  sbi_call(EXT_TIME, 0, (long)(rdtime() + 10000), 0, 0);
  while (!timer_fired) __asm__ volatile("wfi");
  puts_sbi("S-mode timer interrupt taken\n");

  /* Start the other harts in id order and wait for each, so their lines come out in a fixed order. */
  unsigned long others = 0;
  for (unsigned long h = 0; h < 64; h++) {
    if (h == hartid) { say_hello(h); continue; }
    struct sbiret r = sbi_call(EXT_HSM, 0, (long)h, (long)(uintptr_t)_start, 1);
    if (r.error != 0) break; /* no such hart: we have seen them all */
    while (!started[h]) {}
    others++;
  }
  puts_sbi("harts started through HSM: ");
  putdec(others);
  puts_sbi(", checked in: ");
  putdec(harts_seen);
  puts_sbi("\nshutting down through SRST\n");
  sbi_call(EXT_SRST, 0, 0, 0, 0);
  puts_sbi("SRST returned\n");
  for (;;) {}
}
