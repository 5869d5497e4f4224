/* Vectored mtvec table for the interrupts guest: each entry records its index in vector_taken, then joins trap_entry. */
  .text
  .globl vector_table
  .balign 256
vector_table:
  .option push
  .option norvc
  j vec_0
  j vec_1
  j vec_2
  j vec_3
  j vec_4
  j vec_5
  j vec_6
  j vec_7
  j vec_8
  j vec_9
  j vec_10
  j vec_11
  .option pop

  .irp n, 0,1,2,3,4,5,6,7,8,9,10,11
vec_\n:
  addi sp, sp, -16
  sd t0, 0(sp)
  sd t1, 8(sp)
  li t0, \n
  la t1, vector_taken
  sd t0, 0(t1)
  ld t0, 0(sp)
  ld t1, 8(sp)
  addi sp, sp, 16
  j trap_entry
  .endr

  .data
  .globl vector_taken
  .balign 8
vector_taken:
  .dword -1
