/*
 * UART0: a National Semiconductor 16550A (PC16550D datasheet, "Register
 * Description" and table II), as QEMU virt's serial@10000000 with PLIC
 * source 10.  Transmission is instant, so THR is always empty; the
 * receive FIFO is the machine's console input queue.  Interrupts: data
 * ready (IER bit 0) and THR empty (IER bit 1, cleared by reading IIR
 * while it is the reason, or by writing THR), as Linux's 8250 driver
 * expects.  Modem lines read as connected (DCD, DSR, CTS set).
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"

enum {
	REG_RBR_THR = 0, REG_IER = 1, REG_IIR_FCR = 2, REG_LCR = 3,
	REG_MCR = 4, REG_LSR = 5, REG_MSR = 6, REG_SCR = 7,
};

#define IER_RDA		0x01
#define IER_THRE	0x02
#define IIR_NONE	0x01
#define IIR_THRE	0x02
#define IIR_RDA		0x04
#define IIR_FIFO	0xc0
#define LCR_DLAB	0x80
#define LSR_DR		0x01
#define LSR_THRE	0x20
#define LSR_TEMT	0x40
#define MCR_LOOP	0x10
#define MSR_CONNECTED	0xb0	/* DCD, DSR, CTS */

struct uart {
	pthread_mutex_t	 lock;
	struct machine	*m;
	uint8_t		 ier, lcr, mcr, scr, fcr, dll, dlm;
	int		 thre_pending;
};

static void *
uart_create(struct machine *m)
{
	struct uart *u;

	if ((u = calloc(1, sizeof(*u))) == NULL)
		return NULL;
	pthread_mutex_init(&u->lock, NULL);
	u->m = m;
	u->dll = 1;
	return u;
}

static void
uart_destroy(void *st)
{
	struct uart *u = st;

	if (u == NULL)
		return;
	pthread_mutex_destroy(&u->lock);
	free(u);
}

static uint8_t
iir(struct uart *u)
{
	uint8_t fifo = (u->fcr & 1) ? IIR_FIFO : 0;

	if ((u->ier & IER_RDA) && machine_console_pending(u->m))
		return fifo | IIR_RDA;
	if ((u->ier & IER_THRE) && u->thre_pending)
		return fifo | IIR_THRE;
	return fifo | IIR_NONE;
}

/* lock held */
static void
update_irq(struct uart *u)
{
	machine_plic_set_irq(u->m, MACHINE_UART_IRQ, !(iir(u) & IIR_NONE));
}

void
uart_input_ready(void *st)
{
	struct uart *u = st;

	pthread_mutex_lock(&u->lock);
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
}

static int
uart_read(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t *val)
{
	struct uart	*u = st;
	int		 c;
	uint8_t		 r = 0;

	(void)v;
	if (size != 1)
		return -1;
	if (off > REG_SCR) {		/* unassigned: reads 0 */
		*val = 0;
		return 0;
	}
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB)
			r = u->dll;
		else if ((c = machine_console_getc(u->m)) >= 0)
			r = (uint8_t)c;
		break;
	case REG_IER:
		r = (u->lcr & LCR_DLAB) ? u->dlm : u->ier;
		break;
	case REG_IIR_FCR:
		r = iir(u);
		if ((r & 0x0f) == IIR_THRE)
			u->thre_pending = 0;
		break;
	case REG_LCR:
		r = u->lcr;
		break;
	case REG_MCR:
		r = u->mcr;
		break;
	case REG_LSR:
		r = LSR_THRE | LSR_TEMT |
		    (machine_console_pending(u->m) ? LSR_DR : 0);
		break;
	case REG_MSR:
		r = (u->mcr & MCR_LOOP) ? (uint8_t)((u->mcr & 0x0f) << 4) :
		    MSR_CONNECTED;
		break;
	default:
		r = u->scr;
		break;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	*val = r;
	return 0;
}

static int
uart_write(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t val)
{
	struct uart	*u = st;
	char		 c = (char)val;
	uint8_t		 b = (uint8_t)val;

	(void)v;
	if (size != 1 || off > REG_SCR)
		return size == 1 ? 0 : -1;
	pthread_mutex_lock(&u->lock);
	switch (off) {
	case REG_RBR_THR:
		if (u->lcr & LCR_DLAB) {
			u->dll = b;
		} else {
			if (!(u->mcr & MCR_LOOP))
				machine_console_write(u->m, &c, 1);
			u->thre_pending = 1;
		}
		break;
	case REG_IER:
		if (u->lcr & LCR_DLAB) {
			u->dlm = b;
		} else {
			if ((b & IER_THRE) && !(u->ier & IER_THRE))
				u->thre_pending = 1;
			u->ier = b & 0x0f;
		}
		break;
	case REG_IIR_FCR:
		u->fcr = b;
		break;
	case REG_LCR:
		u->lcr = b;
		break;
	case REG_MCR:
		u->mcr = b & 0x1f;
		break;
	case REG_SCR:
		u->scr = b;
		break;
	default:
		break;
	}
	update_irq(u);
	pthread_mutex_unlock(&u->lock);
	return 0;
}

const struct device_ops uart_ops = {
	.name = "uart",
	.base = 0x10000000,
	.size = 0x100,
	.create = uart_create,
	.destroy = uart_destroy,
	.read = uart_read,
	.write = uart_write,
};
