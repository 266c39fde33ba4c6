/*
 * Fuzz target: random hypercalls with random arguments from a guest
 * vCPU, against a real domain (event channels, grants, memory, timers).
 * The input is the guest's first RAM page followed by records of seven
 * u64: the hypercall number and a0-a5.  An argument with bit 0 set is
 * folded into the guest's RAM, so pointers often point at the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/hypercall.h"

#define RAM	(1u << 20)

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static uint64_t
now_guest(struct dom_vcpu *v)
{
	(void)v;
	return 0;
}

static uint64_t
to_host(struct dom_vcpu *v, uint64_t t)
{
	(void)v;
	return t;
}

static int
start(struct dom_vcpu *v, uint64_t pc, uint64_t arg)
{
	(void)v; (void)pc; (void)arg;
	return -1;	/* no CPU here: vCPUs stay down */
}

static void
stop(struct dom_vcpu *v)
{
	(void)v;
}

static const struct hcall_env env = { now_guest, to_host, start, stop };

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hv	*hv;
	static const uint8_t	 uuid[16];
	struct hv_config	 cfg = { 1, NULL, NULL };
	struct domain		*d, *peer;
	uint64_t		 rec[7];
	int64_t			 ret;
	char			*cause = NULL;
	size_t			 off, n;
	unsigned		 i;

	if (hv == NULL) {
		log_init("fuzz_hypercall", 1, 0);
		if ((hv = hv_new(&cfg, &cause)) == NULL)
			abort();
	}
	d = domain_create(hv, 0, uuid, 2, RAM, &cause);
	peer = domain_create(hv, 0, uuid, 1, RAM, &cause);
	if (d == NULL || peer == NULL)
		abort();
	n = size < 4096 ? size : 4096;
	memcpy(mm_gpa_ptr(&d->mm, MM_RAM_BASE, 4096), data, n);
	for (off = n; off + sizeof(rec) <= size; off += sizeof(rec)) {
		memcpy(rec, data + off, sizeof(rec));
		for (i = 1; i < 7; i++)
			if (rec[i] & 1)
				rec[i] = MM_RAM_BASE + (rec[i] % RAM);
		rec[0] %= 40;
		if (hypercall(d->vcpu[rec[1] & 1], &env, rec[0], rec + 1,
		    &ret) == VCPU_STOP_HALT)
			break;
	}
	domain_destroy(d);
	domain_destroy(peer);
	domain_put(d);
	domain_put(peer);
	return 0;
}
