/* xm list: domains with their ID, memory, vCPUs, state and CPU time. */
#include <stdio.h>
#include <unistd.h>

#include "tools/xm/xm.h"

static int
exec_list(int argc, char **argv)
{
	struct xm_domains	 xd;
	int			 ch, longfmt = 0, rc;

	while ((ch = getopt(argc, argv, "+l")) != -1)
		longfmt = ch == 'l';
	rc = xm_domains_get(&xd, argc - optind, argv + optind,
	    longfmt ? "?long=1" : "");
	if (longfmt)
		fmt_list_long(stdout, xd.doms, xd.n);
	else if (xd.n > 0 || rc == 0)
		fmt_list(stdout, xd.doms, xd.n);
	xm_domains_free(&xd);
	return rc;
}

const struct cmd_entry cmd_list_entry = {
	.name = "list",
	.args = "[-l] [Domain ...]",
	.help = "List information about all, or some, domains.",
	.opts = "l",
	.min_args = 0,
	.max_args = -1,
	.exec = exec_list,
};
