/*
 * PLIC: the RISC-V Platform-Level Interrupt Controller specification
 * (v1.0.0), QEMU virt's layout: priorities at 0x0 + 4 * source, pending
 * bits at 0x1000, enables at 0x2000 + 0x80 * context, threshold and
 * claim/complete at 0x200000 + 0x1000 * context.  Context 2h is hart h's
 * M-mode, 2h + 1 its S-mode.  Sources are level-triggered through the
 * spec's gateway: a source pends while its line is high and it is not
 * claimed; completion lets it pend again (section 5).  Priorities have
 * 3 bits (0-7), as QEMU's.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"

#define NSRC		MACHINE_PLIC_SOURCES
#define NWORDS		((NSRC + 31) / 32)
#define MAX_CTX		(2 * MACHINE_MAX_VCPUS)
#define PRIO_MASK	7u

struct plic {
	pthread_mutex_t	 lock;
	struct machine	*m;
	unsigned	 nctx;
	uint32_t	 prio[NSRC];
	uint32_t	 level[NWORDS];
	uint32_t	 pending[NWORDS];
	uint32_t	 claimed[NWORDS];
	uint32_t	 enable[MAX_CTX][NWORDS];
	uint32_t	 threshold[MAX_CTX];
};

static void *
plic_create(struct machine *m)
{
	struct plic *p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	pthread_mutex_init(&p->lock, NULL);
	p->m = m;
	p->nctx = 2 * machine_nvcpus(m);
	return p;
}

static void
plic_destroy(void *st)
{
	struct plic *p = st;

	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->lock);
	free(p);
}

/* The best claimable source for a context (0 if none): highest priority,
   lowest ID on ties. */
static unsigned
best(const struct plic *p, unsigned ctx)
{
	unsigned w, b, src, top = 0;
	uint32_t bits, tprio = p->threshold[ctx];

	for (w = 0; w < NWORDS; w++) {
		bits = p->pending[w] & p->enable[ctx][w];
		while (bits != 0) {
			b = (unsigned)__builtin_ctz(bits);
			bits &= bits - 1;
			src = w * 32 + b;
			if (p->prio[src] > tprio) {
				tprio = p->prio[src];
				top = src;
			}
		}
	}
	return top;
}

/* Recompute every context's output line (lock held). */
static void
update(struct plic *p)
{
	unsigned ctx;

	for (ctx = 0; ctx < p->nctx; ctx++)
		cpu_set_irq_line(machine_vcpu(p->m, ctx / 2),
		    (ctx & 1) ? CPU_IRQ_SEIP : CPU_IRQ_MEIP, best(p, ctx) != 0);
}

static void
gateway(struct plic *p, unsigned src)
{
	uint32_t bit = 1u << (src % 32);

	if ((p->level[src / 32] & bit) && !(p->claimed[src / 32] & bit))
		p->pending[src / 32] |= bit;
}

void
plic_set_irq(void *st, unsigned src, int level)
{
	struct plic *p = st;

	if (src == 0 || src >= NSRC)
		return;
	pthread_mutex_lock(&p->lock);
	if (level)
		p->level[src / 32] |= 1u << (src % 32);
	else
		p->level[src / 32] &= ~(1u << (src % 32));
	gateway(p, src);
	update(p);
	pthread_mutex_unlock(&p->lock);
}

static int
plic_read(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t *val)
{
	struct plic	*p = st;
	unsigned	 ctx, src;
	int		 rc = 0;

	(void)v;
	if (size != 4)
		return -1;
	pthread_mutex_lock(&p->lock);
	*val = 0;
	if (off < 0x1000) {
		if (off / 4 < NSRC)
			*val = p->prio[off / 4];
	} else if (off < 0x1080) {
		if ((off - 0x1000) / 4 < NWORDS)
			*val = p->pending[(off - 0x1000) / 4];
	} else if (off >= 0x2000 && off < 0x200000) {
		ctx = (unsigned)((off - 0x2000) / 0x80);
		if (ctx < p->nctx && (off & 0x7f) / 4 < NWORDS)
			*val = p->enable[ctx][(off & 0x7f) / 4];
	} else if (off >= 0x200000) {
		ctx = (unsigned)((off - 0x200000) / 0x1000);
		if (ctx >= p->nctx)
			rc = 0;
		else if ((off & 0xfff) == 0)
			*val = p->threshold[ctx];
		else if ((off & 0xfff) == 4) {
			/* claim */
			if ((src = best(p, ctx)) != 0) {
				p->pending[src / 32] &= ~(1u << (src % 32));
				p->claimed[src / 32] |= 1u << (src % 32);
			}
			*val = src;
			update(p);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return rc;
}

static int
plic_write(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t val)
{
	struct plic	*p = st;
	unsigned	 ctx, src;

	(void)v;
	if (size != 4)
		return -1;
	pthread_mutex_lock(&p->lock);
	if (off < 0x1000) {
		if (off / 4 < NSRC && off / 4 != 0)
			p->prio[off / 4] = (uint32_t)val & PRIO_MASK;
	} else if (off >= 0x2000 && off < 0x200000) {
		ctx = (unsigned)((off - 0x2000) / 0x80);
		if (ctx < p->nctx && (off & 0x7f) / 4 < NWORDS)
			p->enable[ctx][(off & 0x7f) / 4] = (uint32_t)val &
			    ((off & 0x7f) == 0 ? ~1u : ~0u);
	} else if (off >= 0x200000) {
		ctx = (unsigned)((off - 0x200000) / 0x1000);
		if (ctx < p->nctx && (off & 0xfff) == 0) {
			p->threshold[ctx] = (uint32_t)val & PRIO_MASK;
		} else if (ctx < p->nctx && (off & 0xfff) == 4) {
			/* complete: ignored unless enabled for ctx (spec 10) */
			src = (unsigned)val;
			if (src > 0 && src < NSRC &&
			    (p->enable[ctx][src / 32] & (1u << (src % 32)))) {
				p->claimed[src / 32] &= ~(1u << (src % 32));
				gateway(p, src);
			}
		}
	}
	update(p);
	pthread_mutex_unlock(&p->lock);
	return 0;
}

const struct device_ops plic_ops = {
	.name = "plic",
	.base = 0xc000000,
	.size = 0x600000,
	.create = plic_create,
	.destroy = plic_destroy,
	.read = plic_read,
	.write = plic_write,
};
