/* xm create and xm new: a domain from a config file, checked here first. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "lib/json.h"
#include "tools/xm/xm.h"
#include "xvmd/domcfg.h"

/*
 * Read and check FILE; on success fill the request body (with "paused"
 * unless paused is -1: xm new).
 */
static int
load_config(const char *file, struct json_w *w, int paused, int dry_run)
{
	struct domcfg	*dc;
	struct json_w	*out;
	char		*text, *cause = NULL;
	size_t		 len;

	if ((text = xm_read_file(file, &len)) == NULL)
		return 1;
	/* The same reader as xvmd: errors as file:line before any request. */
	if ((dc = domcfg_parse(file, text, len, &cause)) == NULL) {
		xm_error("%s", cause);
		free(cause);
		free(text);
		return 1;
	}
	if (dry_run) {
		const char *doc = NULL;

		if ((out = json_w_new(1)) != NULL) {
			domcfg_to_json(dc, out);
			doc = json_w_finish(out, NULL);
		}
		if (doc == NULL) {
			xm_error("%s: cannot show the configuration as JSON",
			    file);
			json_w_free(out);
			domcfg_free(dc);
			free(text);
			return 1;
		}
		fputs(doc, stdout);
		json_w_free(out);
	}
	json_w_obj_open(w);
	json_w_kstr(w, "config", text);
	json_w_kstr(w, "file", file);
	if (paused != -1)
		json_w_kbool(w, "paused", paused);
	json_w_obj_close(w);
	domcfg_free(dc);
	free(text);
	return 0;
}

extern int xm_console_attach(const char *dom);

static int
exec_create(int argc, char **argv)
{
	struct json_w	*w;
	yajl_val	 reply;
	int		 ch, console = 0, paused = 0, dry_run = 0, rc;

	while ((ch = getopt(argc, argv, "+cpn")) != -1) {
		console |= ch == 'c';
		paused |= ch == 'p';
		dry_run |= ch == 'n';
	}
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	rc = load_config(argv[optind], w, paused, dry_run);
	if (rc == 0 && !dry_run) {
		rc = xm_call("POST", "/domains", w, &reply);
		if (rc == 0) {
			yajl_val d = json_get(reply, "domain");
			const char *name = json_get_str(d, "name");

			printf("Started domain %s\n", name ? name : "?");
			if (console && name != NULL)
				rc = xm_console_attach(name);
			json_free(reply);
		}
	}
	json_w_free(w);
	return rc;
}

static int
exec_new(int argc, char **argv)
{
	struct json_w	*w;
	int		 rc;

	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	rc = load_config(argv[argc - 1], w, -1, 0);
	if (rc == 0)
		rc = xm_call("POST", "/managed", w, NULL);
	json_w_free(w);
	return rc;
}

const struct cmd_entry cmd_create_entry = {
	.name = "create",
	.args = "[-c] [-p] [-n] <ConfigFile>",
	.help = "Create a domain based on <ConfigFile> (-c: attach the "
	    "console, -p: leave paused, -n: only check and print).",
	.opts = "cpn",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_create,
};

const struct cmd_entry cmd_new_entry = {
	.name = "new",
	.args = "<ConfigFile>",
	.help = "Add a domain to xvmd's managed domains.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_new,
};
