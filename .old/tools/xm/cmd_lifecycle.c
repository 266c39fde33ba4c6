/* xm destroy, shutdown, reboot, pause, unpause: a domain's run state. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static int
exec_destroy(int argc, char **argv)
{
	(void)argc;
	return xm_dom_op("DELETE", argv[1], "", NULL);
}

/*
 * Wait until domain 'id' is gone (shutdown -w) or replaced by a new
 * domain of the same name (reboot -w), for at most xvmd's
 * shutdown-timeout.
 */
static int
wait_gone(const char *name, int64_t id)
{
	yajl_val	 reply, dom, s;
	int64_t		 now_id, timeout = 60;
	char		*uri;
	time_t		 end;
	int		 gone;

	if (xm_call("GET", "/host/settings", NULL, &reply) == 0) {
		s = json_get(json_get(reply, "settings"), "shutdown-timeout");
		(void)json_get_i64(s, "value", &timeout);
		json_free(reply);
	}
	end = time(NULL) + timeout;
	uri = xm_dom_uri(name, "");
	while (time(NULL) < end) {
		/* A 404 (no such domain) also means gone: call quietly. */
		reply = NULL;
		gone = xm_call_quiet("GET", uri, &reply) != 0;
		dom = json_get(reply, "domain");
		if (!gone && (json_get_i64(dom, "domid", &now_id) == -1 ||
		    now_id != id))
			gone = 1;
		json_free(reply);
		if (gone) {
			free(uri);
			return 0;
		}
		usleep(200 * 1000);
	}
	free(uri);
	return xm_error("domain '%s' did not shut down within %lld seconds",
	    name, (long long)timeout);
}

/*
 * shutdown and reboot: -w waits until the domain has gone (within xvmd's
 * shutdown-timeout), -a applies to every running domain but Domain-0.
 */
static int
shutdown_like(int argc, char **argv, const char *suffix)
{
	struct xm_domains	 xd;
	struct json_w		*w;
	const char		*name;
	size_t			 i;
	int			 ch, wait = 0, all = 0, rc = 0;

	while ((ch = getopt(argc, argv, "+wa")) != -1) {
		wait |= ch == 'w';
		all |= ch == 'a';
	}
	if (all == (optind < argc))
		return xm_error("xm %s: name one domain, or give -a",
		    argv[0]);
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_obj_close(w);
	if (!all) {
		yajl_val	 reply = NULL;
		int64_t		 id;
		char		*uri = xm_dom_uri(argv[optind], suffix);

		rc = xm_call("POST", uri, w, &reply);
		free(uri);
		json_w_free(w);
		if (rc == 0 && wait && json_get_i64(reply, "domid", &id) == 0)
			rc = wait_gone(argv[optind], id);
		json_free(reply);
		return rc;
	}
	if (xm_domains_get(&xd, 0, NULL, "") != 0) {
		json_w_free(w);
		return 1;
	}
	for (i = 0; i < xd.n; i++) {
		int64_t id;

		name = json_get_str(xd.doms[i], "name");
		if (name == NULL || json_get_i64(xd.doms[i], "domid", &id) ||
		    id == 0)
			continue;
		rc |= xm_dom_op("POST", name, suffix, w);
	}
	xm_domains_free(&xd);
	json_w_free(w);
	return rc;
}

static int
exec_shutdown(int argc, char **argv)
{
	return shutdown_like(argc, argv, "/shutdown");
}

static int
exec_reboot(int argc, char **argv)
{
	return shutdown_like(argc, argv, "/reboot");
}

static int
exec_pause(int argc, char **argv)
{
	(void)argc;
	return xm_dom_op("POST", argv[1], strcmp(argv[0], "pause") == 0 ?
	    "/pause" : "/unpause", NULL);
}

const struct cmd_entry cmd_destroy_entry = {
	.name = "destroy",
	.args = "<Domain>",
	.help = "Terminate a domain immediately.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_destroy,
};

const struct cmd_entry cmd_shutdown_entry = {
	.name = "shutdown",
	.args = "[-w] <Domain> | -a [-w]",
	.help = "Shut down a domain cleanly (-w: wait until it is down, "
	    "-a: all domains).",
	.opts = "wa",
	.min_args = 0,
	.max_args = 1,
	.exec = exec_shutdown,
};

const struct cmd_entry cmd_reboot_entry = {
	.name = "reboot",
	.args = "[-w] <Domain> | -a [-w]",
	.help = "Reboot a domain (-w: wait until it is back, -a: all domains).",
	.opts = "wa",
	.min_args = 0,
	.max_args = 1,
	.exec = exec_reboot,
};

const struct cmd_entry cmd_pause_entry = {
	.name = "pause",
	.args = "<Domain>",
	.help = "Pause execution of a domain.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_pause,
};

const struct cmd_entry cmd_unpause_entry = {
	.name = "unpause",
	.args = "<Domain>",
	.help = "Unpause a paused domain.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_pause,
};
