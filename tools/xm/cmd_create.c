/*
 * xm create and xm new: a domain from a config file, found as Xen 3's xm
 * found it and amended by KEY=VALUE arguments (cfgargs.c), checked here
 * with xvmd's own reader before anything is posted.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"
#include "tools/xm/sxp.h"
#include "tools/xm/xm.h"
#include "xvmd/domcfg.h"

enum { OPT_PATH = 256, OPT_JSON };

static const struct option create_longopts[] = {
	{ "console_autoconnect", no_argument, NULL, 'c' },
	{ "paused", no_argument, NULL, 'p' },
	{ "dryrun", no_argument, NULL, 'n' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "json", no_argument, NULL, OPT_JSON },
	{ NULL, 0, NULL, 0 },
};

struct create_opts {
	int		 console, dry_run, quiet, json;
	int		 paused;	/* -1: not a create (xm new) */
	const char	*path;
};

/* xm create -n: the checked config as Xen's (vm ...), or as JSON; 0 or 1. */
static int
print_config(const char *file, const struct domcfg *dc, int json)
{
	struct json_w	*w;
	struct sxp	*s;
	const char	*text = NULL;
	yajl_val	 doc = NULL;
	char		*cause = NULL;

	if ((w = json_w_new(1)) != NULL) {
		domcfg_to_json(dc, w);
		text = json_w_finish(w, NULL);
	}
	if (text != NULL && !json)
		doc = json_parse(text, strlen(text), 0, &cause);
	if (text == NULL || (!json && doc == NULL)) {
		free(cause);
		json_w_free(w);
		return xm_error("%s: cannot show the configuration", file);
	}
	if (json)
		fputs(text, stdout);
	else {
		s = sxp_of_config(doc);
		sxp_print(stdout, s);
		sxp_free(s);
		json_free(doc);
	}
	json_w_free(w);
	return 0;
}

/*
 * Find, read, amend and check the config NAME, with the KEY=VALUE
 * settings args[0..n); on success fill the request body.
 */
static int
load_config(const char *name, char **args, int n,
    const struct create_opts *o, struct json_w *w)
{
	struct domcfg	*dc;
	char		*file, *text = NULL, *cfg = NULL, *cause = NULL;
	size_t		 len;
	int		 i, rc = 1;

	for (i = 0; i < n; i++)
		if (!xm_is_override(args[i]))
			return xm_error("'%s' is not a KEY=VALUE setting",
			    args[i]);
	if ((file = xm_config_find(name, o->path)) == NULL)
		return 1;
	/* Xen's xm said this always; here only when the search chose. */
	if (!o->quiet && !o->json && strcmp(file, name) != 0)
		printf("Using config file \"%s\".\n", file);
	if ((text = xm_read_file(file, &len)) == NULL ||
	    (cfg = xm_config_amend(file, text, len, args, n)) == NULL)
		goto out;
	/* The same reader as xvmd: errors as file:line before any request. */
	if ((dc = domcfg_parse(file, cfg, strlen(cfg), &cause)) == NULL) {
		xm_error("%s", cause);
		goto out;
	}
	if (o->dry_run && print_config(file, dc, o->json) != 0) {
		domcfg_free(dc);
		goto out;
	}
	json_w_obj_open(w);
	json_w_kstr(w, "config", cfg);
	json_w_kstr(w, "file", file);
	if (o->paused != -1)	/* xm new has no "paused" */
		json_w_kbool(w, "paused", o->paused);
	json_w_obj_close(w);
	domcfg_free(dc);
	rc = 0;
out:
	free(cause);
	free(cfg);
	free(text);
	free(file);
	return rc;
}

static void
parse_opts(int argc, char **argv, struct create_opts *o)
{
	int	 ch;

	memset(o, 0, sizeof(*o));
	while ((ch = getopt_long(argc, argv, "+cpnq", create_longopts,
	    NULL)) != -1) {
		o->console |= ch == 'c';
		o->paused |= ch == 'p';
		o->dry_run |= ch == 'n';
		o->quiet |= ch == 'q';
		o->json |= ch == OPT_JSON;
		if (ch == OPT_PATH)
			o->path = optarg;
	}
}

extern int xm_console_attach(const char *dom);

static int
exec_create(int argc, char **argv)
{
	struct create_opts o;
	struct json_w	*w;
	yajl_val	 reply;
	int		 rc;

	parse_opts(argc, argv, &o);
	if (o.json && !o.dry_run)
		return xm_error("xm create: --json goes with -n");
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	rc = load_config(argv[optind], argv + optind + 1, argc - optind - 1,
	    &o, w);
	if (rc == 0 && !o.dry_run) {
		rc = xm_call("POST", "/domains", w, &reply);
		if (rc == 0) {
			yajl_val d = json_get(reply, "domain");
			const char *name = json_get_str(d, "name");

			printf("Started domain %s\n", name ? name : "?");
			if (o.console && name != NULL)
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
	struct create_opts o;
	struct json_w	*w;
	int		 rc;

	parse_opts(argc, argv, &o);
	o.dry_run = o.json = 0;
	o.paused = -1;
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	rc = load_config(argv[optind], argv + optind + 1, argc - optind - 1,
	    &o, w);
	if (rc == 0)
		rc = xm_call("POST", "/managed", w, NULL);
	json_w_free(w);
	return rc;
}

const struct cmd_entry cmd_create_entry = {
	.name = "create",
	.args = "[-c] [-p] [-n [--json]] [-q] [--path=DIR:DIR] <ConfigFile> "
	    "[KEY=VALUE ...]",
	.help = "Create a domain from <ConfigFile>, looked for as given, then "
	    "in . and /etc/xvm (-c: attach the console, -p: leave paused, "
	    "-n: only check and print as SXP).",
	.opts = "cpnq",
	.longopts = create_longopts,
	.min_args = 1,
	.max_args = -1,
	.exec = exec_create,
};

const struct cmd_entry cmd_new_entry = {
	.name = "new",
	.args = "[-q] [--path=DIR:DIR] <ConfigFile> [KEY=VALUE ...]",
	.help = "Add a domain to xvmd's managed domains.",
	.opts = "cpnq",
	.longopts = create_longopts,
	.min_args = 1,
	.max_args = -1,
	.exec = exec_new,
};
