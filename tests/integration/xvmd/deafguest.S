/*
 * A guest that never looks at the store: it waits for interrupts forever,
 * with none enabled.  For the tests of a shutdown request that is not
 * honoured (xm shutdown -w's timeout, xvm-domains stop's).
 */
	.section .text
	.globl	_start
_start:
	wfi
	j	_start
