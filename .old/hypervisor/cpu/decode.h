/* The instruction decoder: raw RV64IMAC encodings to operations and operands. */
#ifndef XVM_HYPERVISOR_CPU_DECODE_H
#define XVM_HYPERVISOR_CPU_DECODE_H

#include <stdint.h>

/* Every operation the execute loop knows, in one list (X-macro). */
#define CPU_OPS(X)							\
	X(ILLEGAL) X(LUI) X(AUIPC) X(JAL) X(JALR)			\
	X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU) X(BGEU)			\
	X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU)			\
	X(SB) X(SH) X(SW) X(SD)						\
	X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI)			\
	X(SLLI) X(SRLI) X(SRAI)						\
	X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA)	\
	X(OR) X(AND)							\
	X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW)				\
	X(ADDW) X(SUBW) X(SLLW) X(SRLW) X(SRAW)				\
	X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM) X(REMU)	\
	X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW)			\
	X(LR_W) X(SC_W) X(AMOSWAP_W) X(AMOADD_W) X(AMOXOR_W)		\
	X(AMOAND_W) X(AMOOR_W) X(AMOMIN_W) X(AMOMAX_W) X(AMOMINU_W)	\
	X(AMOMAXU_W)							\
	X(LR_D) X(SC_D) X(AMOSWAP_D) X(AMOADD_D) X(AMOXOR_D)		\
	X(AMOAND_D) X(AMOOR_D) X(AMOMIN_D) X(AMOMAX_D) X(AMOMINU_D)	\
	X(AMOMAXU_D)							\
	X(FENCE) X(FENCE_I) X(ECALL) X(EBREAK) X(MRET) X(SRET) X(WFI)	\
	X(SFENCE_VMA)							\
	X(CSRRW) X(CSRRS) X(CSRRC) X(CSRRWI) X(CSRRSI) X(CSRRCI)	\
	X(LI) X(MV) X(J)

#define CPU_OP_ENUM(n) OP_##n,
enum cpu_op { CPU_OPS(CPU_OP_ENUM) OP_COUNT };
#undef CPU_OP_ENUM

/*
 * Operands of one instruction.  Register numbers are the architectural
 * ones (rd 0 is kept; the execute side redirects it).  For CSR ops imm is
 * the CSR number and rs1 the register or 5-bit immediate; for ILLEGAL imm
 * holds the raw bits.  len is 2 or 4.
 */
struct decoded {
	enum cpu_op	 op;
	uint8_t		 rd, rs1, rs2, len;
	int32_t		 imm;
};

/* Decode the 32-bit word 'raw' (a 16-bit instruction uses the low half). */
void	cpu_decode(uint32_t raw, struct decoded *);
/* The 16-bit (C extension) decoder cpu_decode() uses. */
void	cpu_decode_rvc(uint16_t raw, struct decoded *);
/* Name of an op, for tests and traces (static storage). */
const char *cpu_op_name(enum cpu_op);

#endif
