/*
 * The machine's buttons: a SiFive GPIO controller ("sifive,gpio0": SiFive FU540-C000
 * Manual v1p0, chapter 12 "General Purpose Input/Output Controller"), whose input
 * lines are the power and reboot buttons (docs/guest-abi.md, "Buttons").  Linux
 * drives it with gpio-sifive and reports the lines as keys through gpio-keys.
 *
 * Each line has its own PLIC source (GPIO_IRQ_BASE + line), asserted while any of
 * its enabled conditions holds: rise_ip & rise_ie, fall_ip & fall_ie, the line high
 * & high_ie, the line low & low_ie.  Pending bits are write-1-to-clear.
 *
 * A press is a pulse with no timer: the line goes high (rise_ip), and falls
 * (fall_ip) as soon as the guest has read input_val with the line high.  gpio-keys
 * reads the line after each edge, so it sees "pressed", then "released".  Output
 * registers are kept and read back but drive nothing.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"

enum {
	REG_INPUT_VAL = 0x00, REG_INPUT_EN = 0x04, REG_OUTPUT_EN = 0x08,
	REG_OUTPUT_VAL = 0x0c, REG_PUE = 0x10, REG_DS = 0x14,
	REG_RISE_IE = 0x18, REG_RISE_IP = 0x1c, REG_FALL_IE = 0x20,
	REG_FALL_IP = 0x24, REG_HIGH_IE = 0x28, REG_HIGH_IP = 0x2c,
	REG_LOW_IE = 0x30, REG_LOW_IP = 0x34, REG_IOF_EN = 0x38,
	REG_IOF_SEL = 0x3c, REG_OUT_XOR = 0x40,
	NREGS = 0x44 / 4,
};

#define LINES_MASK	((1u << MACHINE_GPIO_LINES) - 1)

struct gpio {
	pthread_mutex_t	 lock;
	struct machine	*m;
	uint32_t	 reg[NREGS];	/* by offset / 4 */
	uint32_t	 line;		/* the input levels */
	uint32_t	 irq;		/* PLIC lines as last driven */
};

#define R(g, off)	((g)->reg[(off) / 4])

static void *
gpio_create(struct machine *m)
{
	struct gpio *g;

	if ((g = calloc(1, sizeof(*g))) == NULL)
		return NULL;
	pthread_mutex_init(&g->lock, NULL);
	g->m = m;
	return g;
}

static void
gpio_destroy(void *st)
{
	struct gpio *g = st;

	if (g == NULL)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

/* Recompute the pending bits and drive each line's PLIC source (lock held). */
static void
update(struct gpio *g)
{
	uint32_t want, chg;
	unsigned i;

	R(g, REG_INPUT_VAL) = g->line & R(g, REG_INPUT_EN);
	R(g, REG_HIGH_IP) |= g->line;
	R(g, REG_LOW_IP) |= ~g->line & LINES_MASK;
	want = (R(g, REG_RISE_IP) & R(g, REG_RISE_IE)) |
	    (R(g, REG_FALL_IP) & R(g, REG_FALL_IE)) |
	    (g->line & R(g, REG_HIGH_IE)) |
	    (~g->line & R(g, REG_LOW_IE));
	want &= LINES_MASK;
	chg = want ^ g->irq;
	g->irq = want;
	for (i = 0; i < MACHINE_GPIO_LINES; i++)
		if (chg & (1u << i))
			machine_plic_set_irq(g->m, MACHINE_GPIO_IRQ_BASE + i,
			    (want >> i) & 1);
}

static void
set_line(struct gpio *g, unsigned i, int level)
{
	uint32_t bit = 1u << i;

	if (level && !(g->line & bit)) {
		g->line |= bit;
		R(g, REG_RISE_IP) |= bit;
	} else if (!level && (g->line & bit)) {
		g->line &= ~bit;
		R(g, REG_FALL_IP) |= bit;
	}
}

void
gpio_press(void *st, unsigned line)
{
	struct gpio *g = st;

	if (line >= MACHINE_GPIO_LINES)
		return;
	pthread_mutex_lock(&g->lock);
	set_line(g, line, 1);
	update(g);
	pthread_mutex_unlock(&g->lock);
}

static int
gpio_read(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t *val)
{
	struct gpio *g = st;
	unsigned i;

	(void)v;
	if (size != 4 || (off & 3) != 0 || off >= NREGS * 4) {
		*val = 0;
		return 0;
	}
	pthread_mutex_lock(&g->lock);
	*val = R(g, off);
	if (off == REG_INPUT_VAL && (*val & g->line) != 0) {
		/* The guest saw the buttons pressed: they are let go. */
		for (i = 0; i < MACHINE_GPIO_LINES; i++)
			if ((*val >> i) & 1)
				set_line(g, i, 0);
		update(g);
	}
	pthread_mutex_unlock(&g->lock);
	return 0;
}

static int
gpio_write(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t val)
{
	struct gpio *g = st;
	uint32_t w = (uint32_t)val & LINES_MASK;

	(void)v;
	if (size != 4 || (off & 3) != 0 || off >= NREGS * 4)
		return 0;
	pthread_mutex_lock(&g->lock);
	switch (off) {
	case REG_INPUT_VAL:
		break;				/* read-only */
	case REG_RISE_IP:
	case REG_FALL_IP:
	case REG_HIGH_IP:
	case REG_LOW_IP:
		R(g, off) &= ~w;		/* write 1 to clear */
		break;
	default:
		R(g, off) = w;
		break;
	}
	update(g);
	pthread_mutex_unlock(&g->lock);
	return 0;
}

const struct device_ops gpio_ops = {
	.name = "gpio",
	.base = MACHINE_GPIO_BASE,
	.size = 0x1000,
	.create = gpio_create,
	.destroy = gpio_destroy,
	.read = gpio_read,
	.write = gpio_write,
};
