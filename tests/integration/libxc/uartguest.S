/*
 * A guest with no PV console at all: it prints a banner on the emulated
 * ns16550 UART (0x10000000), then echoes every byte it receives, waiting
 * in WFI between them (the UART's receive interrupt through the PLIC
 * wakes it; SEIE is enabled with interrupts off, so WFI returns without a
 * trap).  For the per-domain console of non-PV guests (docs/privcmd.md,
 * xvm-consoled).
 */
	.option arch, +zicsr
	.equ	UART, 0x10000000
	.equ	PLIC, 0x0c000000
	.section .text
	.globl	_start
_start:
	/* PLIC: source 10 at priority 1, enabled for hart 0's S context (1). */
	li	t0, PLIC + 4 * 10
	li	t1, 1
	sw	t1, 0(t0)
	li	t0, PLIC + 0x2000 + 0x80
	li	t1, 1 << 10
	sw	t1, 0(t0)
	li	t0, PLIC + 0x200000 + 0x1000
	sw	zero, 0(t0)		/* threshold 0 */
	li	t0, UART
	li	t1, 1
	sb	t1, 1(t0)		/* IER: receive data available */
	li	t1, 1 << 9
	csrs	sie, t1			/* SEIE; sstatus.SIE stays 0 */
	la	a0, banner
	call	puts
loop:
	lbu	t1, 5(t0)		/* LSR */
	andi	t1, t1, 1		/* data ready */
	bnez	t1, echo
	wfi
	/* claim and complete whatever the PLIC says, then look again */
	li	t2, PLIC + 0x200000 + 0x1004
	lw	t3, 0(t2)
	beqz	t3, loop
	sw	t3, 0(t2)
	j	loop
echo:
	lbu	a0, 0(t0)		/* RBR */
	call	putc
	j	loop

/* putc(a0): LSR.THRE is always set here, but wait for it as a driver does. */
putc:
	lbu	t1, 5(t0)
	andi	t1, t1, 0x20
	beqz	t1, putc
	sb	a0, 0(t0)
	ret

puts:
	mv	t4, ra
	mv	t5, a0
1:	lbu	a0, 0(t5)
	beqz	a0, 2f
	call	putc
	addi	t5, t5, 1
	j	1b
2:	mv	ra, t4
	ret

	.section .rodata
banner:
	.asciz	"uart guest: ready\r\n"
