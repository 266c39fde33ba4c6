/* Unit tests for tools/xm/sxp.c, fmt_sxp.c and top.c: Xen's SXP and xentop's columns. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lib/json.h"
#include "tools/xm/sxp.h"
#include "tools/xm/xm.h"

static char *
print_tree(struct sxp *s)
{
	char	*out = NULL;
	size_t	 len;
	FILE	*fp = open_memstream(&out, &len);

	sxp_print(fp, s);
	fclose(fp);
	sxp_free(s);
	return out;
}

static void
test_atoms(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "web1", "(k web1)\n" },
		{ "file:/img/a.img,xvda,w", "(k file:/img/a.img,xvda,w)\n" },
		{ "", "(k '')\n" },
		{ "ticks=1 selfcheck", "(k 'ticks=1 selfcheck')\n" },
		{ "it's", "(k \"it's\")\n" },
		{ "a'b\"c", "(k 'a\\'b\"c')\n" },
		{ "(x)", "(k '(x)')\n" },
		{ "tab\there", "(k 'tab\\there')\n" },
	};
	size_t	 i;
	char	*out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sxp *l = sxp_list(NULL);

		sxp_kstr(l, "k", cases[i].in);
		/* The pair itself, printed alone. */
		out = print_tree(l->kids[0]);
		l->nkids = 0;
		sxp_free(l);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

static void
test_layout(void **state)
{
	struct sxp	*d = sxp_list("domain"), *img, *lin;
	char		*out;

	(void)state;
	sxp_ki64(d, "domid", 3);
	sxp_kstr(d, "name", "web1");
	img = sxp_list("image");
	lin = sxp_list("linux");
	sxp_kstr(lin, "kernel", "/boot/k");
	sxp_add(img, lin);
	sxp_add(d, img);
	out = print_tree(d);
	assert_string_equal(out,
	    "(domain\n"
	    "    (domid 3)\n"
	    "    (name web1)\n"
	    "    (image\n"
	    "        (linux\n"
	    "            (kernel /boot/k)\n"
	    "        )\n"
	    "    )\n"
	    ")\n");
	free(out);
}

static const char *dom_json =
    "{\"name\":\"web1\",\"domid\":7,\"uuid\":\"u-1\",\"memory\":64,"
    "\"maxmem\":128,\"vcpus\":2,\"state\":{\"blocked\":true},"
    "\"cpu_time\":3.25,\"uptime\":61,\"pages\":8192,\"managed\":false,"
    "\"config\":{\"name\":\"web1\",\"memory\":64,\"maxmem\":128,"
    "\"vcpus\":2,\"kernel\":\"/k\",\"cmdline\":\"a b\","
    "\"on_crash\":\"restart\",\"future\":[1,2],"
    "\"disk\":[{\"backend\":\"file\",\"target\":\"/i.img\","
    "\"vdev\":\"xvda\",\"mode\":\"w\",\"cdrom\":false}],"
    "\"vif\":[{\"mac\":\"00:16:3e:00:00:01\",\"bridge\":\"xvmbr0\"}]}}";

static void
test_domain(void **state)
{
	yajl_val	 dom;
	char		*cause = NULL, *out;

	(void)state;
	dom = json_parse(dom_json, strlen(dom_json), 0, &cause);
	assert_non_null(dom);
	out = print_tree(sxp_of_domain(dom));
	assert_string_equal(out,
	    "(domain\n"
	    "    (domid 7)\n"
	    "    (uuid u-1)\n"
	    "    (name web1)\n"
	    "    (memory 64)\n"
	    "    (maxmem 128)\n"
	    "    (vcpus 2)\n"
	    "    (state -b----)\n"
	    "    (cpu_time 3.250)\n"
	    "    (up_time 61)\n"
	    "    (managed 0)\n"
	    "    (on_crash restart)\n"
	    "    (future 1 2)\n"
	    "    (image\n"
	    "        (linux\n"
	    "            (kernel /k)\n"
	    "            (args 'a b')\n"
	    "        )\n"
	    "    )\n"
	    "    (device\n"
	    "        (vbd\n"
	    "            (uname file:/i.img)\n"
	    "            (dev xvda)\n"
	    "            (mode w)\n"
	    "        )\n"
	    "    )\n"
	    "    (device\n"
	    "        (vif\n"
	    "            (mac 00:16:3e:00:00:01)\n"
	    "            (bridge xvmbr0)\n"
	    "        )\n"
	    "    )\n"
	    ")\n");
	free(out);
	json_free(dom);
}

static void
test_top(void **state)
{
	yajl_val	 dom;
	char		*cause = NULL, *out = NULL;
	size_t		 len;
	FILE		*fp;

	(void)state;
	dom = json_parse(dom_json, strlen(dom_json), 0, &cause);
	assert_non_null(dom);
	fp = open_memstream(&out, &len);
	top_header(fp);
	top_row(fp, dom, 12.5, 1048576);
	fclose(fp);
	assert_string_equal(out,
	    "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) "
	    "MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   "
	    "VBD_WR  VBD_RSECT  VBD_WSECT SSID\n"
	    "      web1 --b---          3   12.5      32768    3.1     131072 "
	    "     12.5     2    1        -        -    1        -        -    "
	    "    -          -          -    -\n");
	free(out);
	json_free(dom);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_atoms),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_domain),
		cmocka_unit_test(test_top),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
