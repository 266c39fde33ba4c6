/* The instruction decoder: raw RV64GC encodings to operations and operands. */
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
	X(LI) X(MV) X(J)						\
	CPU_FOPS_WF(X) CPU_FOPS_WX(X)

/* F and D operations that write an f register (FLW first, FCVT_D_S last). */
#define CPU_FOPS_WF(X)							\
	X(FLW) X(FLD)							\
	X(FMADD_S) X(FMSUB_S) X(FNMSUB_S) X(FNMADD_S)			\
	X(FMADD_D) X(FMSUB_D) X(FNMSUB_D) X(FNMADD_D)			\
	X(FADD_S) X(FSUB_S) X(FMUL_S) X(FDIV_S) X(FSQRT_S)		\
	X(FADD_D) X(FSUB_D) X(FMUL_D) X(FDIV_D) X(FSQRT_D)		\
	X(FSGNJ_S) X(FSGNJN_S) X(FSGNJX_S) X(FMIN_S) X(FMAX_S)		\
	X(FSGNJ_D) X(FSGNJN_D) X(FSGNJX_D) X(FMIN_D) X(FMAX_D)		\
	X(FCVT_S_W) X(FCVT_S_WU) X(FCVT_S_L) X(FCVT_S_LU) X(FMV_W_X)	\
	X(FCVT_D_W) X(FCVT_D_WU) X(FCVT_D_L) X(FCVT_D_LU) X(FMV_D_X)	\
	X(FCVT_S_D) X(FCVT_D_S)
/* ... and those that write an x register or nothing. */
#define CPU_FOPS_WX(X)							\
	X(FSW) X(FSD)							\
	X(FEQ_S) X(FLT_S) X(FLE_S) X(FCLASS_S) X(FMV_X_W)		\
	X(FEQ_D) X(FLT_D) X(FLE_D) X(FCLASS_D) X(FMV_X_D)		\
	X(FCVT_W_S) X(FCVT_WU_S) X(FCVT_L_S) X(FCVT_LU_S)		\
	X(FCVT_W_D) X(FCVT_WU_D) X(FCVT_L_D) X(FCVT_LU_D)

#define CPU_OP_ENUM(n) OP_##n,
enum cpu_op { CPU_OPS(CPU_OP_ENUM) OP_COUNT };
#undef CPU_OP_ENUM

/* Does op write an f register (so rd 0 means f0, not the x0 sink)? */
static inline int
cpu_op_writes_f(enum cpu_op op)
{
	return op >= OP_FLW && op <= OP_FCVT_D_S;
}

/*
 * Operands of one instruction.  Register numbers are the architectural
 * ones (rd 0 is kept; the execute side redirects it).  For CSR ops imm is
 * the CSR number and rs1 the register or 5-bit immediate; for ILLEGAL imm
 * holds the raw bits.  For F/D operations other than loads and stores,
 * imm is FP_IMM(rm, rs3): the rm field (7 = dynamic) and, for the fused
 * forms, the third source.  len is 2 or 4.
 */
#define FP_IMM(rm, rs3)	((int32_t)((rm) | (rs3) << 3))
#define FP_IMM_RM(imm)	((unsigned)(imm) & 7)
#define FP_IMM_RS3(imm)	(((unsigned)(imm) >> 3) & 31)
struct decoded {
	enum cpu_op	 op;
	uint8_t		 rd, rs1, rs2, len;
	int32_t		 imm;
};

/* Decode the 32-bit word 'raw' (a 16-bit instruction uses the low half). */
void	cpu_decode(uint32_t raw, struct decoded *);
/* The F and D opcodes (LOAD-FP, STORE-FP, the fused forms, OP-FP). */
void	cpu_decode_fp(uint32_t raw, struct decoded *);
/* The 16-bit (C extension) decoder cpu_decode() uses. */
void	cpu_decode_rvc(uint16_t raw, struct decoded *);
/* Name of an op, for tests and traces (static storage). */
const char *cpu_op_name(enum cpu_op);

#endif
