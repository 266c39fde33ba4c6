/*
 * The translator's shared stubs, emitted once at the start of each code
 * buffer: the entry from C, the epilogue every exit returns through and
 * the jump-cache lookup (cpu/jit_gen.c emits the blocks that use them).
 */
#include <stdint.h>
#include <string.h>

#include "hypervisor/cpu/jit_gen.h"

/*
 * The stubs at the start of the buffer: enter (save callee-saved
 * registers, rbx = vcpu, jump to the block), the epilogue (return eax)
 * and the jump-cache lookup (rax = guest target).
 */
size_t
jit_gen_stubs(struct jit *j)
{
	static const uint8_t enter[] = {
		0x55, 0x53, 0x41, 0x54, 0x41, 0x55, 0x41, 0x56, 0x41, 0x57,
		0x48, 0x83, 0xec, 0x08,		/* sub rsp, 8 */
		0x48, 0x89, 0xfb,		/* mov rbx, rdi */
		0xff, 0xe6,			/* jmp rsi */
	};
	static const uint8_t leave[] = {
		0x48, 0x83, 0xc4, 0x08,		/* add rsp, 8 */
		0x41, 0x5f, 0x41, 0x5e, 0x41, 0x5d, 0x41, 0x5c, 0x5b, 0x5d,
		0xc3,
	};
	struct xbuf	 b;
	uint8_t		*miss;

	b.start = b.p = j->rw;
	b.rx_delta = j->rx - j->rw;
	b.cache = NULL;
	memcpy(b.p, enter, sizeof(enter));
	b.p += sizeof(enter);
	j->enter = (int (*)(struct vcpu *, const void *))(uintptr_t)j->rx;
	j->epilogue = x_here(&b);
	memcpy(b.p, leave, sizeof(leave));
	b.p += sizeof(leave);

	j->lookup = x_here(&b);
	x_op_mem(&b, XO_MOV_ST, 1, 0, RAX, RBX, XNONE, OFF_PC);
	x_op_rr(&b, XO_MOV, 0, RCX, RAX);
	x_shift_ri(&b, SH_SHR, 0, RCX, 1);
	x_g1_ri(&b, G1_AND, 0, RCX, JC_SIZE - 1);
	x_shift_ri(&b, SH_SHL, 0, RCX, 4);
	x_op_mem(&b, XO_CMP, 1, 0, RAX, RBX, RCX, OFF_JC);
	x_byte(&b, 0x75);		/* jne miss (rel8) */
	miss = b.p;
	x_byte(&b, 0);
	x_op_mem(&b, 0xff, 0, 0, 4, RBX, RCX, OFF_JC + 8);	/* jmp [..] */
	*miss = (uint8_t)(b.p - (miss + 1));
	x_mov_ri64(&b, RAX, JX_DONE);
	x_jmp(&b, j->epilogue);
	return (size_t)(b.p - b.start);
}
