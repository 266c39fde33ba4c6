/* xm sched-credit and xm uptime. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/str.h"
#include "tools/xm/xm.h"

static int
exec_sched_credit(int argc, char **argv)
{
	struct json_w	*w;
	yajl_val	 reply, p;
	const char	*dom = NULL, *weight = NULL, *cap = NULL;
	uint64_t	 v;
	char		*uri;
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "+d:w:c:")) != -1) {
		if (ch == 'd')
			dom = optarg;
		else if (ch == 'w')
			weight = optarg;
		else if (ch == 'c')
			cap = optarg;
	}
	if (dom == NULL)
		return xm_error("xm sched-credit: -d <Domain> is required");
	if (weight == NULL && cap == NULL) {
		uri = xm_dom_uri(dom, "/sched-credit");
		rc = xm_call("GET", uri, NULL, &reply);
		free(uri);
		if (rc != 0)
			return 1;
		p = json_get(reply, "sched_credit");
		printf("{'cap': %" PRId64 ", 'weight': %" PRId64 "}\n",
		    json_get_i64(p, "cap", (int64_t *)&v) == 0 ? (int64_t)v : 0,
		    json_get_i64(p, "weight", (int64_t *)&v) == 0 ?
		    (int64_t)v : 0);
		json_free(reply);
		return 0;
	}
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	if (weight != NULL) {
		if (str_to_u64(weight, 1, 65535, &v) == -1) {
			json_w_free(w);
			return xm_error("weight '%s' is not from 1 to 65535",
			    weight);
		}
		json_w_key(w, "weight");
		json_w_u64(w, v);
	}
	if (cap != NULL) {
		if (str_to_u64(cap, 0, 6400, &v) == -1) {
			json_w_free(w);
			return xm_error("cap '%s' is not from 0 to 6400", cap);
		}
		json_w_key(w, "cap");
		json_w_u64(w, v);
	}
	json_w_obj_close(w);
	rc = xm_dom_op("PUT", dom, "/sched-credit", w);
	json_w_free(w);
	return rc;
}

static int
exec_uptime(int argc, char **argv)
{
	struct xm_domains	 xd;
	int			 ch, short_form = 0, rc;

	while ((ch = getopt(argc, argv, "+s")) != -1)
		short_form |= ch == 's';
	rc = xm_domains_get(&xd, argc - optind, argv + optind, "");
	fmt_uptime(stdout, xd.doms, xd.n, short_form);
	xm_domains_free(&xd);
	return rc;
}

const struct cmd_entry cmd_sched_credit_entry = {
	.name = "sched-credit",
	.args = "-d <Domain> [-w <Weight>] [-c <Cap>]",
	.help = "Get or set a domain's credit scheduler weight and cap.",
	.opts = "d:w:c:",
	.min_args = 0,
	.max_args = 0,
	.exec = exec_sched_credit,
};

const struct cmd_entry cmd_uptime_entry = {
	.name = "uptime",
	.args = "[-s] [Domain ...]",
	.help = "Print the uptime of all, or some, domains.",
	.opts = "s",
	.min_args = 0,
	.max_args = -1,
	.exec = exec_uptime,
};
