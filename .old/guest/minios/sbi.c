/* SBI calls: ecall with a7 = extension, a6 = function (SBI spec ch. 3). */
#include "guest/minios/sbi.h"

static int has_dbcn, has_time, has_srst;
static long spec_version;

struct sbiret
sbi_call(unsigned long eid, unsigned long fid, unsigned long arg0,
    unsigned long arg1, unsigned long arg2, unsigned long arg3)
{
	register unsigned long a0 __asm__("a0") = arg0;
	register unsigned long a1 __asm__("a1") = arg1;
	register unsigned long a2 __asm__("a2") = arg2;
	register unsigned long a3 __asm__("a3") = arg3;
	register unsigned long a6 __asm__("a6") = fid;
	register unsigned long a7 __asm__("a7") = eid;
	struct sbiret r;

	__asm__ volatile ("ecall"
	    : "+r" (a0), "+r" (a1)
	    : "r" (a2), "r" (a3), "r" (a6), "r" (a7)
	    : "memory");
	r.error = (long)a0;
	r.value = (long)a1;
	return r;
}

static int
probe(unsigned long eid)
{
	struct sbiret r = sbi_call(SBI_EXT_BASE, 3, eid, 0, 0, 0);

	return r.error == SBI_SUCCESS && r.value != 0;
}

void
sbi_init(void)
{
	spec_version = sbi_call(SBI_EXT_BASE, 0, 0, 0, 0, 0).value;
	has_dbcn = probe(SBI_EXT_DBCN);
	has_time = probe(SBI_EXT_TIME);
	has_srst = probe(SBI_EXT_SRST);
}

int
sbi_has_dbcn(void)
{
	return has_dbcn;
}

long
sbi_spec_version(void)
{
	return spec_version;
}

void
sbi_console_write(const char *s, unsigned long len)
{
	unsigned long done = 0;
	struct sbiret r;

	/* DBCN takes a physical address; this kernel maps memory 1:1, so the
	 * buffer's virtual address is its physical one. */
	while (has_dbcn && done < len) {
		r = sbi_call(SBI_EXT_DBCN, 0, len - done,
		    (unsigned long)(s + done), 0, 0);
		if (r.error != SBI_SUCCESS)
			break;
		done += (unsigned long)r.value;
	}
	/* The legacy putchar is still what QEMU 7.2's OpenSBI 1.1 offers. */
	for (; done < len; done++)
		sbi_call(SBI_EXT_LEGACY_PUTCHAR, 0, (unsigned char)s[done],
		    0, 0, 0);
}

void
sbi_set_timer(uint64_t deadline)
{
	if (has_time)
		sbi_call(SBI_EXT_TIME, 0, deadline, 0, 0, 0);
	else
		sbi_call(0x00, 0, deadline, 0, 0, 0);	/* legacy set_timer */
}

long
sbi_hart_start(unsigned long hartid, unsigned long start, unsigned long opaque)
{
	return sbi_call(SBI_EXT_HSM, 0, hartid, start, opaque, 0).error;
}

long
sbi_hart_status(unsigned long hartid)
{
	struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0, 0);

	return r.error != SBI_SUCCESS ? r.error : r.value;
}

long
sbi_send_ipi(unsigned long hart_mask, unsigned long mask_base)
{
	return sbi_call(SBI_EXT_IPI, 0, hart_mask, mask_base, 0, 0).error;
}

long
sbi_system_reset(unsigned long type, unsigned long reason)
{
	if (has_srst)
		return sbi_call(SBI_EXT_SRST, 0, type, reason, 0, 0).error;
	if (type == SBI_SRST_SHUTDOWN)
		sbi_call(0x08, 0, 0, 0, 0, 0);		/* legacy shutdown */
	return SBI_ERR_NOT_SUPPORTED;
}
