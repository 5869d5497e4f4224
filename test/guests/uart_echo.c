/* Guest "uart_echo": reads lines from the UART's receive path and echoes them upper-cased, to check that host
   input reaches the guest. It stops after "quit", or after a long stretch with no input (so it ends under QEMU
   with empty stdin, and deterministically under Hartline). */
#include <stdio.h>
#include "guest.h"

static int uart_getc_timeout(unsigned long polls) {
  volatile uint8_t *uart = (volatile uint8_t *)UART_BASE;
  for (unsigned long k = 0; k < polls; k++)
    if (uart[5] & 1) return uart[0]; /* LSR.DR */
  return -1;
}

int main(void) {
  char line[80];
  unsigned lines = 0;
  for (;;) {
    unsigned n = 0;
    int c;
    while ((c = uart_getc_timeout(200000)) >= 0 && c != '\n' && n < sizeof line - 1) line[n++] = (char)c;
    if (c < 0 && n == 0) break;
    line[n] = 0;
    for (unsigned k = 0; k < n; k++) if (line[k] >= 'a' && line[k] <= 'z') line[k] -= 32;
    printf("echo %u: %s\n", ++lines, line); // BREAK:echo
    if (n == 4 && line[0] == 'Q' && line[1] == 'U' && line[2] == 'I' && line[3] == 'T') break;
  }
  printf("uart_echo: %u line(s)\n", lines);
  return 0;
}
