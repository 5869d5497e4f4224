/* A tiny S-mode "kernel" run with Sv39 on at virtual addresses that differ from its physical ones (linked at
   0xffffffff80000000, loaded at 0x80200000): the debugger's tests for kernels set breakpoints, step, watch
   `kernel_counter` and unwind here, on every hart. */
#include <stdint.h>

#define UART ((volatile uint8_t *)0x10000000UL)
#define FINISHER ((volatile uint32_t *)0x100000UL)
#define NHARTS 2

volatile long kernel_counter;
volatile int kernel_arrived;
long kernel_results[NHARTS];

static void console_put(const char *s) {
  while (*s) *UART = (uint8_t)*s++;
}

static void console_hex(unsigned long v) {
  char buf[19];
  buf[0] = '0';
  buf[1] = 'x';
  for (int i = 0; i < 16; i++) buf[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
  buf[18] = 0;
  console_put(buf);
}

__attribute__((noinline)) long kernel_square(long x) {
  long y = x * x;
  return y;
}

__attribute__((noinline)) long kernel_work(int hart, int rounds) {
  long sum = 0;
  for (int i = 0; i < rounds; i++) {
    sum += kernel_square(i + hart);
  }
  return sum;
}

__attribute__((noinline)) void kernel_publish(int hart, long value) {
  kernel_results[hart] = value;
  __atomic_fetch_add(&kernel_counter, value, __ATOMIC_SEQ_CST);
  __atomic_fetch_add(&kernel_arrived, 1, __ATOMIC_SEQ_CST);
}

void kernel_main(int hart) {
  if (hart >= NHARTS) return;
  long value = kernel_work(hart, 8 + hart);
  kernel_publish(hart, value);
  if (hart != 0) return;
  while (kernel_arrived < NHARTS) {
  }
  console_put("higher-half kernel: counter=");
  console_hex((unsigned long)kernel_counter);
  console_put("\n");
  *FINISHER = 0x5555;
}
