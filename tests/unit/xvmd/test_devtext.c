/* xvmd/devtext.c: device specs written back, and a config's list rewritten. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "xvmd/devspec.h"
#include "xvmd/devtext.h"

/* A disk spec comes back as it was parsed. */
static void
test_disk_round_trip(void **state)
{
	static const char *const specs[] = { "file:/img/a.img,xvda,w",
	    "phy:/dev/sdb1,xvdb,r", "file:/x,hdc:cdrom,r", "file:/s,xvdc,w!" };
	struct disk_spec	 d;
	char			 buf[256], *cause = NULL;
	size_t			 i;

	(void)state;
	for (i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		assert_int_equal(disk_spec_parse(specs[i], &d, &cause), 0);
		assert_int_equal(devtext_disk(&d, buf, sizeof(buf)), 0);
		assert_string_equal(buf, specs[i]);
	}
	/* tap:aio: is file:'s alias, written as file:. */
	assert_int_equal(disk_spec_parse("tap:aio:/t,xvdd,r", &d, &cause), 0);
	assert_int_equal(devtext_disk(&d, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "file:/t,xvdd,r");
	assert_int_equal(devtext_disk(&d, buf, 8), -1);
}

static void
test_vif(void **state)
{
	struct vif_spec	 v;
	char		 buf[256], *cause = NULL;

	(void)state;
	assert_int_equal(vif_spec_parse("bridge=br1,vifname=web0,ip=10.0.0.5",
	    &v, &cause), 0);
	memcpy(v.mac, "\x00\x16\x3e\x01\x02\x03", 6);
	assert_int_equal(devtext_vif(&v, buf, sizeof(buf)), 0);
	assert_string_equal(buf,
	    "mac=00:16:3e:01:02:03,bridge=br1,ip=10.0.0.5,vifname=web0");
	assert_int_equal(vif_spec_parse(buf, &v, &cause), 0);
	assert_int_equal(v.has_mac, 1);
	assert_int_equal(devtext_vif(&v, buf, 20), -1);
}

static void
test_set_list(void **state)
{
	char	*items[] = { "file:/a,xvda,w", "file:/it's\\,xvdb,r" };
	char	*out, *cause = NULL;

	(void)state;
	/* Replaced in place; the rest (comments too) kept byte for byte. */
	out = devtext_set_list("f.cfg", "name = \"x\"  # hi\ndisk = [ 'x',\n"
	    "  'y' ] # old\nmemory = 32\n", "disk", items, 2, &cause);
	assert_non_null(out);
	assert_string_equal(out, "name = \"x\"  # hi\ndisk = [ 'file:/a,xvda,w',"
	    " 'file:/it\\'s\\\\,xvdb,r' ] # old\nmemory = 32\n");
	free(out);
	/* Appended when absent, after a missing final newline. */
	out = devtext_set_list("f.cfg", "name = \"x\"", "vif", items, 1,
	    &cause);
	assert_non_null(out);
	assert_string_equal(out, "name = \"x\"\nvif = [ 'file:/a,xvda,w' ]\n");
	free(out);
	/* Emptied. */
	out = devtext_set_list("f.cfg", "disk = ['a']\n", "disk", items, 0,
	    &cause);
	assert_string_equal(out, "disk = []\n");
	free(out);
	/* Not a list, or not a config: refused with the place. */
	assert_null(devtext_set_list("f.cfg", "disk = 3\n", "disk", items, 1,
	    &cause));
	assert_string_equal(cause, "f.cfg:1: disk must be a list (it is integer)");
	free(cause);
	cause = NULL;
	assert_null(devtext_set_list("f.cfg", "disk = [\n", "disk", items, 1,
	    &cause));
	assert_non_null(cause);
	free(cause);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk_round_trip),
		cmocka_unit_test(test_vif),
		cmocka_unit_test(test_set_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
