/* xm list: domains with their ID, memory, vCPUs, state and CPU time. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "tools/xm/xm.h"

enum { OPT_JSON = 256 };

static const struct option list_longopts[] = {
	{ "long", no_argument, NULL, 'l' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 },
};

static int
exec_list(int argc, char **argv)
{
	struct xm_domains	 xd;
	int			 ch, longfmt = 0, json = 0, rc;

	while ((ch = getopt_long(argc, argv, "+l", list_longopts, NULL)) !=
	    -1) {
		longfmt |= ch == 'l';
		json |= ch == OPT_JSON;
	}
	rc = xm_domains_get(&xd, argc - optind, argv + optind,
	    longfmt || json ? "?long=1" : "");
	if (json)
		fmt_json(stdout, xd.doms, xd.n);
	else if (longfmt)
		fmt_list_long(stdout, xd.doms, xd.n);
	else if (xd.n > 0 || rc == 0)
		fmt_list(stdout, xd.doms, xd.n);
	xm_domains_free(&xd);
	return rc;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.args = "[-l|--long] [--json] [Domain ...]",
	.help = "List information about all, or some, domains (-l: each "
	    "whole, as SXP; --json: as JSON).",
	.opts = "l",
	.longopts = list_longopts,
	.min_args = 0,
	.max_args = -1,
	.exec = exec_list,
};
