/* UART console for guests: picolibc stdio on the NS16550A, and _exit through the sifive_test finisher. */
#include <stdio.h>
#include "guest.h"

void console_putc(char c) {
  volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
  while (!(uart[5] & 0x20)) {} /* LSR.THRE */
  uart[0] = (uint8_t)c;
}

void console_puts(const char *s) {
  while (*s) console_putc(*s++);
}

static int stdio_put(char c, FILE *f) {
  (void)f;
  console_putc(c);
  return (unsigned char)c;
}

static FILE uart_stdio = FDEV_SETUP_STREAM(stdio_put, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &uart_stdio;
FILE *const stdout = &uart_stdio;
FILE *const stderr = &uart_stdio;

void _exit(int code) { finisher_exit(code); }
