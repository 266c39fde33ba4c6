/*
 * Entry for the project's test guests, M-mode (-bios none) or S-mode
 * (under SBI firmware): harts arrive here with a0 = hart id and a1 = the
 * device tree.  Each hart gets a 16 KiB stack.  The first hart to win
 * the boot lottery (not necessarily hart 0: OpenSBI 1.1 picks its
 * cold-boot hart by lottery too) clears .bss and calls guest_main(); the
 * others call secondary() (which parks them unless overridden).
 */
	.option arch, +zicsr
	.section .text.start, "ax"
	.globl _start
_start:
	.option push
	.option norelax
	la	gp, __global_pointer$
	.option pop
	li	t0, 8
	bgeu	a0, t0, park
	la	sp, __stacks_end
	slli	t0, a0, 14
	sub	sp, sp, t0
	mv	tp, zero
	mv	s0, a0
	mv	s1, a1
	la	t0, __boot_lottery
	li	t1, 1
	amoswap.w t1, t1, (t0)
	bnez	t1, 2f
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 3f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
3:	fence
	la	t0, __boot_done
	li	t1, 1
	sw	t1, 0(t0)
	mv	a0, s0
	mv	a1, s1
	call	guest_main
	call	guest_exit
2:	/* secondaries wait until .bss is clear */
	la	t0, __boot_done
4:	lw	t1, 0(t0)
	beqz	t1, 4b
	fence
	mv	a0, s0
	mv	a1, s1
	call	secondary
park:	wfi
	j	park

	.section .data.boot, "aw"
	.balign 8
__boot_done:
	.word 0
__boot_lottery:
	.word 0
