/* compressed_ops(out): runs every RV64C instruction form (explicit c. mnemonics) and stores results in out[]. */
  .option rvc
  .text
  .globl compressed_ops
  .align 2
compressed_ops:
  c.addi16sp sp, -64
  c.sdsp s0, 0(sp)
  c.sdsp s1, 8(sp)
  c.sdsp ra, 16(sp)
  c.mv a5, a0                 /* a5 = out */
  /* C1 arithmetic */
  c.li a0, -32
  c.addi a0, 31               /* -1 */
  c.sd a0, 0(a5)
  c.li a1, 31
  c.lui a2, 0x1f              /* 0x1f000 */
  c.lui a3, 0xfffe0           /* nzimm negative: 0xfffffffffffe0000 */
  c.add a2, a3
  c.sd a2, 8(a5)
  c.li a0, 1
  c.slli a0, 63
  c.srai a0, 3
  c.sd a0, 16(a5)
  c.srli a0, 60
  c.sd a0, 24(a5)
  c.li a0, -1
  c.andi a0, 0x15
  c.li a1, 0xc
  c.or a1, a0
  c.xor a0, a1
  c.sd a0, 32(a5)
  c.sd a1, 40(a5)
  c.li a0, 5
  c.li a1, 12
  c.sub a0, a1                /* -7 */
  c.and a1, a0                /* 12 & -7 = 8 */
  c.sd a0, 48(a5)
  c.sd a1, 56(a5)
  c.li a0, 1
  c.slli a0, 31
  c.addi a0, -1               /* 0x7fffffff */
  c.lui a1, 0x10
  c.addw a0, a1               /* 0x8000ffff, sign extended */
  c.addiw a0, 31
  c.sd a0, 64(a5)
  c.li a1, 1
  c.subw a1, a0
  c.sd a1, 72(a5)
  c.li a0, -1
  c.addiw a0, 0               /* sext.w */
  c.sd a0, 80(a5)
  c.nop
  /* C0 / C2 memory forms */
  c.addi4spn a4, sp, 32       /* a4 = sp + 32 */
  li t0, 0x0123456789abcdef
  c.mv s0, t0
  c.sd s0, 0(a4)
  c.lw a0, 4(a4)              /* sign-extended upper word 0x01234567 */
  c.ld a1, 0(a4)
  c.sd a0, 88(a5)
  c.sd a1, 96(a5)
  c.li s1, -2
  c.sw s1, 0(a4)
  c.ld a0, 0(a4)
  c.sd a0, 104(a5)
  c.li a0, -5
  c.swsp a0, 36(sp)
  c.ldsp a1, 32(sp)
  c.lwsp a2, 32(sp)
  c.lwsp a3, 36(sp)
  c.sd a1, 112(a5)
  c.sd a2, 120(a5)
  c.sd a3, 128(a5)
  c.li a0, 3
  fcvt.d.l fa0, a0
  c.fsd fa0, 8(a4)
  c.fld fa1, 8(a4)
  c.fsdsp fa1, 48(sp)
  c.fldsp ft2, 48(sp)
  fmv.x.d a0, ft2
  c.sd a0, 136(a5)
  /* control transfer */
  c.li a0, 0
  c.beqz a0, 1f
  c.li a0, 9
1:c.bnez a0, 2f
  c.addi a0, 4
2:c.bnez a0, 3f
  c.li a0, 11
3:c.beqz a0, 4f
  c.addi a0, 1               /* a0 = 5 */
4:c.j 5f
  c.li a0, 0
5:c.sd a0, 144(a5)
  la t1, 6f
  c.jr t1
  c.li a0, 0
6:la t2, 7f
  c.jalr t2
  c.j 8f
7:c.mv a1, ra
  c.mv a2, t2
  c.sub a1, a2              /* ra - target: negative, the c.j after c.jalr is 2 bytes */
  c.sd a1, 152(a5)
  c.jr ra
8:c.li a0, 0x1f
  c.slli a0, 1
  c.sd a0, 160(a5)
  c.ldsp s0, 0(sp)
  c.ldsp s1, 8(sp)
  c.ldsp ra, 16(sp)
  c.addi16sp sp, 64
  c.jr ra
