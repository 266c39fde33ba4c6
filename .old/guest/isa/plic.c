/*
 * External interrupts: the 16550's THR-empty interrupt through the PLIC
 * to M-mode (context 0): priority and threshold gating, claim/complete,
 * the gateway re-pending a level that is still high (PLIC spec 1.0.0,
 * chapter 5; QEMU 7.2's PLIC only pends on a rising edge, so this guest is
 * not in the differential set), and MEIP in mip.
 */
#include "guest.h"

#define PLIC		0xc000000UL
#define PRIO(s)		(PLIC + 4 * (s))
#define PENDING		(PLIC + 0x1000)
#define ENABLE(c)	(PLIC + 0x2000 + 0x80 * (c))
#define THRESH(c)	(PLIC + 0x200000 + 0x1000 * (c))
#define CLAIM(c)	(PLIC + 0x200004 + 0x1000 * (c))
#define UART_IRQ	10
#define MEIP		(1UL << 11)

static volatile uint8_t *const uart = (volatile uint8_t *)UART0;
static volatile unsigned long claimed[4], nclaimed;

void
irq_hook(unsigned long cause)
{
	uint32_t src;

	if ((cause & 0xff) != 11) {
		csr_write(mie, 0);
		return;
	}
	src = mmio_r32(CLAIM(0));
	if (nclaimed < 4)
		claimed[nclaimed] = src;
	nclaimed++;
	uart[1] = 0;			/* IER: the source goes quiet */
	mmio_w32(CLAIM(0), src);	/* complete */
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	(void)hartid;
	(void)fdt;
	trap_init();
	csr_clear(mstatus, 1UL << 3);
	mmio_w32(PRIO(UART_IRQ), 1);
	CHECK_EQ(mmio_r32(PRIO(UART_IRQ)), 1);
	mmio_w32(ENABLE(0), 1u << UART_IRQ);
	CHECK_EQ(mmio_r32(ENABLE(0)), 1u << UART_IRQ);
	mmio_w32(THRESH(0), 1);		/* priority 1 is not above 1 */
	uart[1] = 2;			/* IER: THR empty */
	CHECK_EQ(uart[2] & 0x0f, 2);	/* IIR says THRE */
	uart[1] = 0;
	uart[1] = 2;			/* re-arm */
	CHECK((mmio_r32(PENDING) >> UART_IRQ) & 1);
	CHECK_EQ(csr_read(mip) & MEIP, 0);	/* gated by threshold */
	mmio_w32(THRESH(0), 0);
	CHECK_EQ(csr_read(mip) & MEIP, MEIP);
	/* claim by hand: the source, then nothing */
	CHECK_EQ(mmio_r32(CLAIM(0)), UART_IRQ);
	CHECK_EQ(mmio_r32(CLAIM(0)), 0);
	CHECK_EQ(csr_read(mip) & MEIP, 0);
	mmio_w32(CLAIM(0), UART_IRQ);	/* complete: line still high */
	CHECK_EQ(csr_read(mip) & MEIP, MEIP);
	/* now as a real interrupt */
	csr_write(mie, MEIP);
	csr_set(mstatus, 1UL << 3);
	__asm__ volatile("nop");
	csr_clear(mstatus, 1UL << 3);
	CHECK_EQ(nclaimed, 1);
	CHECK_EQ(claimed[0], UART_IRQ);
	CHECK_EQ(csr_read(mip) & MEIP, 0);
	uart[1] = 0;
	mmio_w32(ENABLE(0), 0);
	csr_write(mie, 0);
	return check_summary("plic");
}
