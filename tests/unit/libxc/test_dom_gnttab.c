/* Unit tests of grant tables v1: map checks, in-use bits, revocation, copy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/gnttab.h"

static const uint8_t uuid[16];

#define TABLE_GFN	(MM_RAM_BASE >> 12)		/* frame 0: the table */
#define DATA_GFN	((MM_RAM_BASE >> 12) + 5)	/* frame 5: granted */

static void
test_gnttab(void **state)
{
	struct hv_config	 cfg = { 1, NULL, NULL };
	char			*cause = NULL;
	struct hv		*hv;
	struct domain		*d;
	struct grant_entry_v1	*gt;
	uint64_t		 gfn, tbl = TABLE_GFN, bad = 1;
	uint8_t			*page, buf[16];
	unsigned		 nr, max;

	(void)state;
	hv = hv_new(&cfg, &cause);
	d = domain_create(hv, 0, uuid, 1, 1 << 20, &cause);
	assert_non_null(d);
	assert_int_equal(gnttab_map(d, 1, 0, 0, &gfn), ENOENT);
	assert_int_equal(gnttab_set_frames(d, &bad, 1), EINVAL);
	assert_int_equal(gnttab_set_frames(d, &tbl, 1), 0);
	gnttab_query_size(d, &nr, &max);
	assert_int_equal(nr, 1);
	assert_int_equal(max, GNTTAB_MAX_FRAMES);
	gt = mm_gpa_ptr(&d->mm, TABLE_GFN << 12, 4096);
	page = mm_gpa_ptr(&d->mm, DATA_GFN << 12, 4096);
	memcpy(page, "granted page", 13);

	/* Not granted yet; out of range; granted to someone else. */
	assert_int_equal(gnttab_map(d, 3, 0, 0, &gfn), EPERM);
	assert_int_equal(gnttab_map(d, 512, 0, 0, &gfn), EINVAL);
	gt[3].domid = 7;
	gt[3].frame = DATA_GFN;
	gt[3].flags = GTF_permit_access;
	assert_int_equal(gnttab_map(d, 3, 0, 0, &gfn), EPERM);

	/* Read-only grant: read maps work, writable ones are refused. */
	gt[3].domid = 0;
	gt[3].flags = GTF_permit_access | GTF_readonly;
	assert_int_equal(gnttab_map(d, 3, 0, 0, &gfn), EPERM);
	assert_int_equal(gnttab_map(d, 3, 0, 1, &gfn), 0);
	assert_int_equal(gfn, DATA_GFN);
	assert_true(gt[3].flags & GTF_reading);
	assert_false(gt[3].flags & GTF_writing);
	gnttab_unmap(d, 3, 1);
	assert_false(gt[3].flags & (GTF_reading | GTF_writing));

	/* Writable grant, two maps: in use until the last unmap. */
	gt[3].flags = GTF_permit_access;
	assert_int_equal(gnttab_map(d, 3, 0, 0, &gfn), 0);
	assert_int_equal(gnttab_map(d, 3, 0, 1, &gfn), 0);
	assert_true(gt[3].flags & GTF_writing);
	gnttab_unmap(d, 3, 0);
	assert_false(gt[3].flags & GTF_writing);
	assert_true(gt[3].flags & GTF_reading);
	gnttab_unmap(d, 3, 1);
	assert_int_equal(gt[3].flags, GTF_permit_access);

	/* A frame outside RAM is refused and the claim undone. */
	gt[4].domid = 0;
	gt[4].frame = 12;
	gt[4].flags = GTF_permit_access;
	assert_int_equal(gnttab_map(d, 4, 0, 0, &gfn), EINVAL);
	assert_int_equal(gt[4].flags, GTF_permit_access);

	/* Copy both ways. */
	assert_int_equal(gnttab_copy(d, 3, 0, 0, buf, 13, 0), 0);
	assert_string_equal((char *)buf, "granted page");
	assert_int_equal(gnttab_copy(d, 3, 0, 100, "XYZ", 3, 1), 0);
	assert_memory_equal(page + 100, "XYZ", 3);
	assert_int_equal(gnttab_copy(d, 3, 0, 4095, buf, 2, 0), EINVAL);
	assert_int_equal(gt[3].flags, GTF_permit_access);
	gt[3].flags = GTF_permit_access | GTF_readonly;
	assert_int_equal(gnttab_copy(d, 3, 0, 0, "no", 2, 1), EPERM);

	domain_put(d);
	hv_free(hv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gnttab),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
