/* S-mode entry for SBI payloads (the smp-boot example and test/guests/sbi): every hart arrives with a0 = hartid, a1 = device tree (or opaque). */
.section .text.entry
.globl _start
_start:
  /* Stack: one 16 KiB stack per hart, above the image. */
  la sp, stacks_top
  slli t0, a0, 14
  sub sp, sp, t0
  /* Secondary harts started through HSM come here with a1 = 1. */
  li t1, 1
  beq a1, t1, 1f
  call boot_main
  j park
1:
  call secondary_main
park:
  wfi
  j park

.align 2
.globl trap_vector
trap_vector:
  addi sp, sp, -128
  sd ra, 0(sp)
  sd a0, 8(sp)
  sd a1, 16(sp)
  sd a2, 24(sp)
  sd a3, 32(sp)
  sd a4, 40(sp)
  sd a5, 48(sp)
  sd a6, 56(sp)
  sd a7, 64(sp)
  sd t0, 72(sp)
  sd t1, 80(sp)
  sd t2, 88(sp)
  call s_trap
  ld ra, 0(sp)
  ld a0, 8(sp)
  ld a1, 16(sp)
  ld a2, 24(sp)
  ld a3, 32(sp)
  ld a4, 40(sp)
  ld a5, 48(sp)
  ld a6, 56(sp)
  ld a7, 64(sp)
  ld t0, 72(sp)
  ld t1, 80(sp)
  ld t2, 88(sp)
  addi sp, sp, 128
  sret
