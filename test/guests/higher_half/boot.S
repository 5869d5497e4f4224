/* The higher-half guest's boot stub, run by every hart in M-mode at physical 0x80000000: opens PMP, turns on Sv39
   with fixed page tables and enters the kernel at its virtual address in S-mode, as Linux's head.S and OpenSBI do. */
.section .boot.text, "ax"
.globl _start
_start:
  csrr a0, mhartid
  /* PMP: all of memory for S-mode. */
  li t0, -1
  srli t0, t0, 10
  csrw pmpaddr0, t0
  li t0, 0x1f
  csrw pmpcfg0, t0
  /* MPP = S, then the kernel's virtual entry with translation on. */
  li t0, 3 << 11
  csrc mstatus, t0
  li t0, 1 << 11
  csrs mstatus, t0
  ld t0, kernel_entry_address
  csrw mepc, t0
  li t0, (8 << 60) | (0x80001000 >> 12)
  csrw satp, t0
  sfence.vma
  mret

.balign 8
kernel_entry_address:
  .dword kernel_entry

/* PTE = PPN << 10 | flags. V=1 R=2 W=4 X=8 A=0x40 D=0x80. */
.section .boot.tables, "a"
.balign 4096
root_table:                      /* 0x80001000 */
  .dword (0x0 >> 12 << 10) | 0xc7           /* [0]: 0..1 GiB identity, RW: the UART and the test finisher */
  .fill 509, 8, 0
  .dword (0x80002000 >> 12 << 10) | 1       /* [510]: 0xffffffff80000000.. -> the kernel table below */
  .dword 0
kernel_table:                    /* 0x80002000: 2 MiB pages */
  .dword (0x80200000 >> 12 << 10) | 0xcf    /* 0xffffffff80000000 -> 0x80200000, RWX */
  .dword (0x80400000 >> 12 << 10) | 0xcf    /* 0xffffffff80200000 -> 0x80400000 */
  .fill 510, 8, 0
