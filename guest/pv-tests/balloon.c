/*
 * PV test guest: a long memory_op (issue 13, item 3).  It lists one page
 * 100,000 times and gives it back (decrease_reservation): the hypervisor
 * does such a call in chunks, each time making the guest issue its ecall
 * again with cmd carrying where to resume (Xen's continuation), so the
 * guest must see one call whose answer is the whole count.  It reports
 * and powers off (crashes when the answer or the page is wrong).
 */
#include "pv.h"

#define LIST	((volatile uint64_t *)0x81000000ul)	/* 16 MiB into RAM */
#define PAGE	((volatile uint64_t *)0x82000000ul)
#define N	100000ul

static struct xen_memory_reservation r;
static char msg[] = "balloon: 0000000 of 0000000 extents done\n";

int	guest_main(unsigned long, unsigned long);

static void
put7(char *p, unsigned long v)
{
	int	i;

	for (i = 6; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

int
guest_main(unsigned long hartid, unsigned long fdt)
{
	unsigned long	i;
	long		rc;

	(void)hartid;
	(void)fdt;
	for (i = 0; i < N; i++)
		LIST[i] = (unsigned long)PAGE >> 12;
	*PAGE = 42;
	r.extent_start = (unsigned long)LIST;
	r.nr_extents = N;
	r.domid = DOMID_SELF;
	rc = hcall(__HYPERVISOR_memory_op, XENMEM_decrease_reservation,
	    (unsigned long)&r, 0);
	put7(msg + 9, (unsigned long)rc);
	put7(msg + 20, N);
	pv_print(msg);
	if (rc != (long)N || *PAGE != 0)
		pv_shutdown(SHUTDOWN_crash);
	pv_shutdown(SHUTDOWN_poweroff);
}
