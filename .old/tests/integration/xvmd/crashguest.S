/*
 * A guest that crashes at once: its trap vector points at address 0, which
 * is not RAM, then it executes an illegal instruction.  Every trap faults
 * again without retiring an instruction -- the hypervisor's "trap storm",
 * which ends the domain with reason crash (docs/guest-abi.md, Faults).
 * For testing on_crash without waiting for a full guest to boot.
 */
	.option arch, +zicsr
	.section .text
	.globl	_start
_start:
	csrw	stvec, zero
	.word	0
