/*
 * A guest that publishes its clock: forever, it stores the time CSR (its
 * mtime, 10 MHz) at 0x83f00000 and a loop count at 0x83f00008, where the
 * test reads them through a foreign mapping.  For "guest time stays
 * continuous across pause and unpause" (docs/guest-abi.md).
 */
	.option arch, +zicsr
	.section .text
	.globl	_start
_start:
	li	t0, 0x83f00000
	li	t2, 0
1:	csrr	t1, time
	sd	t1, 0(t0)
	addi	t2, t2, 1
	sd	t2, 8(t0)
	j	1b
