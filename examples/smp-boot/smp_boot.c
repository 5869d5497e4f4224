/* smp-boot: an S-mode payload booted by OpenSBI. The boot hart starts every other hart through SBI HSM at once,
   and each new hart registers itself in a per-hart initialisation table by taking the next free slot. Taking the
   slot is a plain load and store of `next_slot`, so two harts starting together can take the same slot: one entry
   is overwritten and that hart is missing from the table. The walk from the symptom to the cause is in README.md. */
#include <stdint.h>

#define EXT_LEGACY_PUTCHAR 0x01
#define EXT_HSM 0x48534D
#define EXT_SRST 0x53525354
#define MAX_HARTS 8

struct sbiret { long error; long value; };

static struct sbiret sbi_call(long ext, long fid, long a0, long a1, long a2) {
  register long r0 __asm__("a0") = a0, r1 __asm__("a1") = a1, r2 __asm__("a2") = a2;
  register long r6 __asm__("a6") = fid, r7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){r0, r1};
}

static void puts_sbi(const char *s) { while (*s) sbi_call(EXT_LEGACY_PUTCHAR, 0, *s++, 0, 0); }
static void putdec(unsigned long v) {
  char buf[24];
  int n = 0;
  do { buf[n++] = (char)('0' + v % 10); v /= 10; } while (v);
  while (n) sbi_call(EXT_LEGACY_PUTCHAR, 0, buf[--n], 0, 0);
}

/* The per-hart initialisation table: one slot per started hart, filled in start order. Each slot owns a scratch
   area that the hart clears before it publishes the slot. */
#define SCRATCH_WORDS 1024
struct hart_entry { uint64_t hartid; uint64_t stack_top; uint64_t scratch[SCRATCH_WORDS]; };
volatile struct hart_entry init_table[MAX_HARTS];
volatile uint64_t next_slot;       /* the next free slot: taken without a lock */
volatile uint64_t harts_done;      /* counted atomically, so the boot hart knows when all have run */

extern void _start(void);
void s_trap(void) {}

static uint64_t read_sp(void) { uint64_t sp; __asm__ volatile("mv %0, sp" : "=r"(sp)); return sp; }

/* Every hart, the boot hart included, registers itself here. */
static void register_hart(unsigned long hartid) {
  uint64_t slot = next_slot;           /* CAUSE: smp-boot (load) */
  init_table[slot].hartid = hartid;    /* the entry a slower hart overwrites */
  init_table[slot].stack_top = read_sp();
  for (unsigned k = 0; k < SCRATCH_WORDS; k++) init_table[slot].scratch[k] = 0;  /* the slot is still unpublished here */
  next_slot = slot + 1;                /* CAUSE: smp-boot (store) */
  __atomic_fetch_add(&harts_done, 1, __ATOMIC_SEQ_CST);
}

void secondary_main(unsigned long hartid) {
  register_hart(hartid);
  for (;;) __asm__ volatile("wfi");
}

void boot_main(unsigned long hartid) {
  puts_sbi("smp-boot: boot hart ");
  putdec(hartid);
  puts_sbi("\n");
  register_hart(hartid);
  unsigned long started = 1;
  for (unsigned long h = 0; h < MAX_HARTS; h++) {
    if (h == hartid) continue;
    struct sbiret r = sbi_call(EXT_HSM, 0, (long)h, (long)(uintptr_t)_start, 1);
    if (r.error == 0) started++;
  }
  while (harts_done < started) {}
  puts_sbi("smp-boot: ");
  putdec(started);
  puts_sbi(" harts started, ");
  putdec(next_slot);
  puts_sbi(" slots taken\n");
  int missing = 0;
  for (unsigned long h = 0; h < started; h++) {
    int found = 0;
    for (unsigned long s = 0; s < next_slot; s++) found |= init_table[s].hartid == h;
    if (!found) {
      puts_sbi("smp-boot: hart ");  /* SYMPTOM: smp-boot */
      putdec(h);
      puts_sbi(" is missing from the init table\n");
      missing++;
    }
  }
  puts_sbi(missing ? "smp-boot: FAILED\n" : "smp-boot: all harts registered\n");
  sbi_call(EXT_SRST, 0, 0, missing ? 1 : 0, 0); /* shutdown; reason 1 = system failure */
  for (;;) {}
}
