/* Shared definitions for Hartline guests and examples: virt machine addresses, CSR bits, trap frame and runtime calls. */
#ifndef GUEST_H
#define GUEST_H

/* Harts the runtime gives a stack and TLS block; later ones park. Builds may raise it (test/guests use 64, Hartline's
   limit) with -DMAX_HARTS=N and -Wl,--defsym=MAX_HARTS=N; the examples keep 8, which their recordings were made with. */
#ifndef MAX_HARTS
#define MAX_HARTS 8
#endif
#define HART_STACK_SHIFT 14
#define HART_TLS_SHIFT 8
#define FRAME_SIZE (36 * 8)
#define MSTATUS_MIE 0x8
#define MSTATUS_FS_INITIAL 0x2000

#define UART_BASE 0x10000000UL
#define CLINT_BASE 0x2000000UL
#define CLINT_MSIP(h) (CLINT_BASE + 4 * (h))
#define CLINT_MTIMECMP(h) (CLINT_BASE + 0x4000 + 8 * (h))
#define CLINT_MTIME (CLINT_BASE + 0xBFF8)
#define FINISHER_BASE 0x100000UL

#define MIP_MSIP (1 << 3)
#define MIP_MTIP (1 << 7)
#define CAUSE_INTERRUPT (1UL << 63)

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trap_frame {
  uint64_t x[32]; /* x[0] unused, x[2] holds the sp before the trap */
  uint64_t mepc, mcause, mtval, mstatus;
};

#define read_csr(name) ({ uint64_t v_; __asm__ volatile("csrr %0, " #name : "=r"(v_)); v_; })
#define write_csr(name, v) __asm__ volatile("csrw " #name ", %0" ::"rK"((uint64_t)(v)))
#define set_csr(name, v) __asm__ volatile("csrs " #name ", %0" ::"rK"((uint64_t)(v)))
#define clear_csr(name, v) __asm__ volatile("csrc " #name ", %0" ::"rK"((uint64_t)(v)))

static inline void mmio_write32(uintptr_t a, uint32_t v) { *(volatile uint32_t *)a = v; }
static inline uint32_t mmio_read32(uintptr_t a) { return *(volatile uint32_t *)a; }
static inline void mmio_write64(uintptr_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline uint64_t mmio_read64(uintptr_t a) { return *(volatile uint64_t *)a; }

/* Set by crt.S. */
extern uint64_t boot_dtb;
void trap_entry(void);

/* Called on every hart but 0 once hart 0 has booted; the default parks in wfi. */
void hart_main(unsigned long hartid);
/* Called from trap_entry; the default reports the trap and exits with code 99. */
void handle_trap(struct trap_frame *f);

/* hart.c */
unsigned hart_count(void);          /* number of cpu nodes in the device tree */
unsigned long hart_id(void);
void spin_lock(volatile int *lock);  /* amoswap.w.aq */
void spin_unlock(volatile int *lock);
void barrier_wait(unsigned n);       /* all n harts meet */
void park(void) __attribute__((noreturn));

/* console.c */
void console_putc(char c);
void console_puts(const char *s);
void finisher_exit(int code) __attribute__((noreturn));
extern volatile int console_lock;
#endif
#endif
