/* HTIF console for riscv-tests-style guests: picolibc stdio and _exit through the tohost/fromhost words. */
#include <stdio.h>
#include "guest.h"

volatile uint64_t tohost __attribute__((section(".tohost"), aligned(64)));
volatile uint64_t fromhost __attribute__((section(".tohost"), aligned(64)));

static void htif_send(uint64_t cmd) {
  while (tohost) {}
  tohost = cmd;
  while (tohost) {} /* the host clears tohost once it has taken the command */
  fromhost = 0;
}

void console_putc(char c) { htif_send((1ULL << 56) | (1ULL << 48) | (uint8_t)c); }

void console_puts(const char *s) {
  while (*s) console_putc(*s++);
}

static int stdio_put(char c, FILE *f) {
  (void)f;
  console_putc(c);
  return (unsigned char)c;
}

static FILE htif_stdio = FDEV_SETUP_STREAM(stdio_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &htif_stdio;
FILE *const stdout = &htif_stdio;
FILE *const stderr = &htif_stdio;

/* riscv-tests convention: tohost = (code << 1) | 1 ends the run with that code. */
void _exit(int code) {
  for (;;) tohost = ((uint64_t)code << 1) | 1;
}
