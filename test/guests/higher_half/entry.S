/* The higher-half guest's kernel entry, at its virtual address: a stack per hart, then C. */
.section .text.entry, "ax"
.globl kernel_entry
kernel_entry:
  la sp, kernel_stacks_top
  slli t0, a0, 13
  sub sp, sp, t0
  call kernel_main
1:
  wfi
  j 1b
