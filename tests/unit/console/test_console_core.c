/* Unit tests for the console daemon's core: ring, scrollback, logs. */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "console/logfile.h"
#include "console/ring.h"
#include "console/scrollback.h"

/* The guest's side of the ring, as a PV guest writes it. */
static void
guest_put(struct xencons_interface *intf, const char *s)
{
	while (*s)
		intf->out[intf->out_prod++ & 2047] = *s++;
}

static void
test_ring(void **state)
{
	struct xencons_interface *intf = calloc(1, sizeof(*intf));
	char	 buf[4096];
	size_t	 lost, n, i;

	(void)state;
	assert_int_equal(xencons_read_out(intf, buf, sizeof(buf), &lost), 0);
	guest_put(intf, "hello");
	n = xencons_read_out(intf, buf, 3, &lost);
	assert_int_equal(n, 3);
	assert_memory_equal(buf, "hel", 3);
	n = xencons_read_out(intf, buf, sizeof(buf), &lost);
	assert_int_equal(n, 2);
	assert_memory_equal(buf, "lo", 2);
	assert_int_equal(lost, 0);

	/* Wrapping indexes, near 2^32 as well. */
	intf->out_cons = intf->out_prod = UINT32_MAX - 2;
	guest_put(intf, "wrap!");
	assert_int_equal(xencons_read_out(intf, buf, sizeof(buf), &lost), 5);
	assert_memory_equal(buf, "wrap!", 5);

	/* A producer far ahead: the last 2048 bytes, the rest lost. */
	for (i = 0; i < 3000; i++)
		intf->out[intf->out_prod++ & 2047] = (char)('a' + i % 26);
	n = xencons_read_out(intf, buf, sizeof(buf), &lost);
	assert_int_equal(n, 2048);
	assert_int_equal(lost, 3000 - 2048);
	assert_int_equal(buf[2047], 'a' + 2999 % 26);

	/* Input: at most 1024 in flight. */
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(xencons_write_in(intf, buf, 2000), 1024);
	assert_int_equal(xencons_write_in(intf, buf, 1), 0);
	intf->in_cons += 10;
	assert_int_equal(xencons_write_in(intf, buf, 100), 10);
	intf->in_cons = intf->in_prod + 5;	/* hostile: ahead of prod */
	assert_int_equal(xencons_write_in(intf, buf, 1), 0);
	free(intf);
}

static void
test_scrollback(void **state)
{
	struct scrollback	*sb = calloc(1, sizeof(*sb));
	char			*out = malloc(SCROLLBACK_SIZE), *big;
	size_t			 i;

	(void)state;
	assert_int_equal(scrollback_get(sb, out), 0);
	scrollback_add(sb, "abc", 3);
	assert_int_equal(scrollback_get(sb, out), 3);
	assert_memory_equal(out, "abc", 3);
	big = malloc(SCROLLBACK_SIZE + 100);
	for (i = 0; i < SCROLLBACK_SIZE + 100; i++)
		big[i] = (char)(i % 251);
	scrollback_add(sb, big, 1000);
	scrollback_add(sb, big + 1000, SCROLLBACK_SIZE + 100 - 1000);
	assert_int_equal(scrollback_get(sb, out), SCROLLBACK_SIZE);
	/* The newest SCROLLBACK_SIZE bytes, in order. */
	assert_memory_equal(out, big + 100, SCROLLBACK_SIZE);
	scrollback_add(sb, big, SCROLLBACK_SIZE + 100);	/* one huge write */
	assert_int_equal(scrollback_get(sb, out), SCROLLBACK_SIZE);
	assert_memory_equal(out, big + 100, SCROLLBACK_SIZE);
	free(big);
	free(out);
	free(sb);
}

static void
test_logfile_rotation(void **state)
{
	char		 tmpl[] = "/tmp/xvm-clog-XXXXXX", path[PATH_MAX];
	char		 old[PATH_MAX + 8];
	struct logfile	 lf;
	struct stat	 st;
	int		 i;

	(void)state;
	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/guest-a.log", tmpl);
	assert_int_equal(logfile_open(&lf, path, 100), 0);
	for (i = 0; i < 9; i++)
		assert_int_equal(logfile_write(&lf, "0123456789012345678901234"
		    "567890123456789", 40), 0);
	/* 40-byte writes into 100-byte files: 2 per file, 5 files rotated. */
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 40);
	for (i = 1; i <= 4; i++) {
		snprintf(old, sizeof(old), "%s.%d", path, i);
		assert_int_equal(stat(old, &st), 0);
		assert_int_equal(st.st_size, 80);
	}
	snprintf(old, sizeof(old), "%s.6", path);
	assert_int_equal(stat(old, &st), -1);
	/* 40 + 70 > 100: a fifth rotation; .5 is the oldest kept. */
	assert_int_equal(logfile_write(&lf, "0123456789012345678901234567890"
	    "123456789012345678901234567890123456789", 70), 0);
	snprintf(old, sizeof(old), "%s.5", path);
	assert_int_equal(stat(old, &st), 0);
	snprintf(old, sizeof(old), "%s.6", path);
	assert_int_equal(stat(old, &st), -1);

	/* External rotation, then reopen. */
	snprintf(old, sizeof(old), "%s.moved", path);
	assert_int_equal(rename(path, old), 0);
	assert_int_equal(logfile_reopen(&lf), 0);
	assert_int_equal(logfile_write(&lf, "new", 3), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 3);
	logfile_close(&lf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ring),
		cmocka_unit_test(test_scrollback),
		cmocka_unit_test(test_logfile_rotation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
