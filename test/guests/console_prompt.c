/* Guest "console_prompt": an interactive prompt for the live-console tests. It prints "> ", sleeps in wfi until the
   UART's receive interrupt (through the PLIC) wakes it, echoes what it takes, and answers each line. It never
   times out, so the host must wait for input while every hart sleeps; "quit" ends it with exit code 0. Not in
   guests.txt: under QEMU without input it would wait forever. */
#include <stdio.h>
#include "guest.h"

#define PLIC_BASE 0x0c000000UL
#define UART_IRQ 10
#define MIE_MEIE (1UL << 11)

static volatile uint8_t *const uart = (volatile uint8_t *)UART_BASE;

/* Hart 0's M-mode context (0) takes the UART's line; global interrupts stay off, wfi still wakes on MEIP. */
static void enable_rx_interrupt(void) {
  mmio_write32(PLIC_BASE + 4 * UART_IRQ, 1);               /* priority */
  mmio_write32(PLIC_BASE + 0x2000, 1u << UART_IRQ);        /* context 0 enables */
  mmio_write32(PLIC_BASE + 0x200000, 0);                   /* context 0 threshold */
  uart[1] = 1;                                             /* IER: received data available */
  set_csr(mie, MIE_MEIE);
}

static int next_byte(void) {
  for (;;) {
    if (uart[5] & 1) return uart[0];
    __asm__ volatile("wfi");
    uint32_t claim = mmio_read32(PLIC_BASE + 0x200004);
    if (claim) mmio_write32(PLIC_BASE + 0x200004, claim);
  }
}

static void show(const char *line, unsigned n) {
  printf("got %u byte(s): ", n);
  for (unsigned k = 0; k < n; k++) {
    unsigned char c = (unsigned char)line[k];
    if (c < 0x20) printf("^%c", c + 0x40); else putchar(c);
  }
  printf("\n");
}

int main(void) {
  char line[80];
  enable_rx_interrupt();
  for (unsigned lines = 1;; lines++) {
    printf("> ");
    unsigned n = 0;
    int c;
    /* A terminal in raw mode sends CR for Enter, a pipe sends LF. */
    while ((c = next_byte()) != '\r' && c != '\n') {
      if (n < sizeof line - 1) line[n++] = (char)c;
      if (c >= 0x20) putchar(c);
    }
    line[n] = 0;
    printf("\n");
    show(line, n);
    if (n == 4 && line[0] == 'q' && line[1] == 'u' && line[2] == 'i' && line[3] == 't') {
      printf("bye after %u line(s)\n", lines);
      return 0;
    }
  }
}
