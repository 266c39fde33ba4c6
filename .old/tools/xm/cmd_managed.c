/* xm start and xm delete: managed domains, known to xvmd but not running. */
#include <stdlib.h>
#include <unistd.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

extern int xm_console_attach(const char *dom);

static int
exec_start(int argc, char **argv)
{
	struct json_w	*w;
	int		 ch, paused = 0, console = 0, rc;

	while ((ch = getopt(argc, argv, "+pc")) != -1) {
		paused |= ch == 'p';
		console |= ch == 'c';
	}
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kbool(w, "paused", paused);
	json_w_obj_close(w);
	rc = xm_dom_op("POST", argv[optind], "/start", w);
	json_w_free(w);
	if (rc == 0 && console)
		rc = xm_console_attach(argv[optind]);
	return rc;
}

static int
exec_delete(int argc, char **argv)
{
	char	*uri;
	int	 rc;

	(void)argc;
	uri = xm_managed_uri(argv[1]);
	rc = xm_call("DELETE", uri, NULL, NULL);
	free(uri);
	return rc;
}

const struct cmd_entry cmd_start_entry = {
	.name = "start",
	.args = "[-p] [-c] <DomainName>",
	.help = "Start a managed domain (-p: paused, -c: attach the console).",
	.opts = "pc",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_start,
};

const struct cmd_entry cmd_delete_entry = {
	.name = "delete",
	.args = "<DomainName>",
	.help = "Remove a domain from xvmd's managed domains.",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_delete,
};
