/*
 * Entry points.  The firmware or the domain builder enters _start in S-mode
 * per the Linux RISC-V boot protocol: a0 = hart id, a1 = device tree
 * (physical), paging off.  SBI HSM enters secondary_entry with a0 = hart
 * id, a1 = the opaque value the boot vCPU passed: its struct percpu.
 */
#define PERCPU_STACK_TOP	0
#define TRAP_FRAME_SIZE		(34 * 8)
#define BOOT_STACK_SIZE		(16 * 1024)

	.section .text.boot, "ax"
	.globl _start
_start:
	csrw	sie, zero
	csrw	sscratch, zero
	la	t0, trap_entry
	csrw	stvec, t0
	/* bss may be garbage when a loader did not clear it. */
	la	t0, __bss_start
	la	t1, __bss_end
1:	bgeu	t0, t1, 2f
	sd	zero, 0(t0)
	addi	t0, t0, 8
	j	1b
2:	la	sp, boot_stack + BOOT_STACK_SIZE
	mv	tp, zero
	call	kernel_main
3:	wfi
	j	3b

	.globl secondary_entry
secondary_entry:
	csrw	sie, zero
	la	t0, trap_entry
	csrw	stvec, t0
	mv	tp, a1
	ld	sp, PERCPU_STACK_TOP(a1)
	mv	a0, a1
	call	secondary_main
4:	wfi
	j	4b

	.text
/*
 * Every trap is taken in S-mode on the current kernel stack (there is no
 * user mode), so entry only needs to save the registers and call C.
 */
	.balign 4
	.globl trap_entry
trap_entry:
	addi	sp, sp, -TRAP_FRAME_SIZE
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	sd	x\n, (\n * 8)(sp)
	.endr
	addi	t0, sp, TRAP_FRAME_SIZE
	sd	t0, (2 * 8)(sp)
	csrr	t0, sepc
	sd	t0, (32 * 8)(sp)
	csrr	t0, sstatus
	sd	t0, (33 * 8)(sp)
	mv	a0, sp
	call	trap_handler
	ld	t0, (32 * 8)(sp)
	csrw	sepc, t0
	ld	t0, (33 * 8)(sp)
	csrw	sstatus, t0
	.irp n, 1,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	ld	x\n, (\n * 8)(sp)
	.endr
	addi	sp, sp, TRAP_FRAME_SIZE
	sret

	.bss
	.balign 16
	.globl boot_stack
boot_stack:
	.space BOOT_STACK_SIZE
