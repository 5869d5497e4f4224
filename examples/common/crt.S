/* Boot code for Hartline guests and examples: per-hart stack, TLS and mtvec, FPU on; hart 0 runs main, the others hart_main. */
#include "guest.h"

  .section .text.start, "ax"
  .globl _start
_start:
  .option push
  .option norelax
  la gp, __global_pointer$
  .option pop
  /* a0 = hartid, a1 = device tree (set by the boot ROM). Harts past MAX_HARTS never run. */
  li t0, MAX_HARTS
  bgeu a0, t0, park
  mv s0, a0
  mv s1, a1
  la sp, __stacks_end
  slli t0, s0, HART_STACK_SHIFT
  sub sp, sp, t0
  la tp, __tls_blocks
  slli t0, s0, HART_TLS_SHIFT
  add tp, tp, t0
  la t0, trap_entry
  csrw mtvec, t0
  li t0, MSTATUS_FS_INITIAL
  csrs mstatus, t0
  csrwi fcsr, 0
  bnez s0, secondary

  /* Hart 0 clears .bss and publishes the device tree; the others wait for that. */
  la t0, __bss_start
  la t1, __bss_end
1:bgeu t0, t1, 2f
  sd zero, 0(t0)
  addi t0, t0, 8
  j 1b
2:la t0, boot_dtb
  sd s1, 0(t0)
  call tls_init
  fence rw, rw
  la t0, boot_ready
  li t1, 1
  sw t1, 0(t0)
  li a0, 0
  li a1, 0
  call main
  call exit
  j park

secondary:
  la t0, boot_ready
1:lw t1, 0(t0)
  beqz t1, 1b
  fence rw, rw
  call tls_init
  mv a0, s0
  call hart_main
park:
  csrw mie, zero
1:wfi
  j 1b

/* Copies the TLS template into this hart's block at tp. */
tls_init:
  la t0, __tdata_start
  la t1, __tdata_end
  la t2, __tbss_end
  mv t3, tp
1:bgeu t0, t1, 2f
  lbu t4, 0(t0)
  sb t4, 0(t3)
  addi t0, t0, 1
  addi t3, t3, 1
  j 1b
2:bgeu t1, t2, 3f
  sb zero, 0(t3)
  addi t1, t1, 1
  addi t3, t3, 1
  j 2b
3:ret

/* Direct-mode trap entry: saves x1..x31 and the trap CSRs in a frame, calls handle_trap, restores, mret. */
  .align 2
  .globl trap_entry
trap_entry:
  addi sp, sp, -FRAME_SIZE
  sd x1, 1*8(sp)
  sd x3, 3*8(sp)
  sd x4, 4*8(sp)
  sd x5, 5*8(sp)
  sd x6, 6*8(sp)
  sd x7, 7*8(sp)
  sd x8, 8*8(sp)
  sd x9, 9*8(sp)
  sd x10, 10*8(sp)
  sd x11, 11*8(sp)
  sd x12, 12*8(sp)
  sd x13, 13*8(sp)
  sd x14, 14*8(sp)
  sd x15, 15*8(sp)
  sd x16, 16*8(sp)
  sd x17, 17*8(sp)
  sd x18, 18*8(sp)
  sd x19, 19*8(sp)
  sd x20, 20*8(sp)
  sd x21, 21*8(sp)
  sd x22, 22*8(sp)
  sd x23, 23*8(sp)
  sd x24, 24*8(sp)
  sd x25, 25*8(sp)
  sd x26, 26*8(sp)
  sd x27, 27*8(sp)
  sd x28, 28*8(sp)
  sd x29, 29*8(sp)
  sd x30, 30*8(sp)
  sd x31, 31*8(sp)
  addi t0, sp, FRAME_SIZE
  sd t0, 2*8(sp)
  csrr t0, mepc
  sd t0, 32*8(sp)
  csrr t0, mcause
  sd t0, 33*8(sp)
  csrr t0, mtval
  sd t0, 34*8(sp)
  csrr t0, mstatus
  sd t0, 35*8(sp)
  mv a0, sp
  call handle_trap
  ld t0, 32*8(sp)
  csrw mepc, t0
  ld x1, 1*8(sp)
  ld x3, 3*8(sp)
  ld x4, 4*8(sp)
  ld x5, 5*8(sp)
  ld x6, 6*8(sp)
  ld x7, 7*8(sp)
  ld x8, 8*8(sp)
  ld x9, 9*8(sp)
  ld x10, 10*8(sp)
  ld x11, 11*8(sp)
  ld x12, 12*8(sp)
  ld x13, 13*8(sp)
  ld x14, 14*8(sp)
  ld x15, 15*8(sp)
  ld x16, 16*8(sp)
  ld x17, 17*8(sp)
  ld x18, 18*8(sp)
  ld x19, 19*8(sp)
  ld x20, 20*8(sp)
  ld x21, 21*8(sp)
  ld x22, 22*8(sp)
  ld x23, 23*8(sp)
  ld x24, 24*8(sp)
  ld x25, 25*8(sp)
  ld x26, 26*8(sp)
  ld x27, 27*8(sp)
  ld x28, 28*8(sp)
  ld x29, 29*8(sp)
  ld x30, 30*8(sp)
  ld x31, 31*8(sp)
  addi sp, sp, FRAME_SIZE
  mret

  /* Keeps .tdata non-empty so the TLS template starts where the linker script says. */
  .section .tdata, "awT", @progbits
  .align 4
  .globl hart_tls_marker
hart_tls_marker:
  .dword 0x74616c6c

  .data
  .align 3
  .globl boot_dtb
boot_dtb:
  .dword 0
  .globl boot_ready
boot_ready:
  .word 0
