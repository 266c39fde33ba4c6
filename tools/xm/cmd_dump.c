/* xm dump-core: a domain's memory and registers as an ELF core that gdb reads. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static const struct option longopts[] = {
	{ "live", no_argument, NULL, 'L' },
	{ "crash", no_argument, NULL, 'C' },
	{ NULL, 0, NULL, 0 },
};

static int
exec_dump_core(int argc, char **argv)
{
	struct json_w	*w;
	char		*file = NULL;
	int		 ch, live = 0, crash = 0, rc;

	while ((ch = getopt_long(argc, argv, "+LC", longopts, NULL)) != -1) {
		if (ch == 'L')
			live = 1;
		else if (ch == 'C')
			crash = 1;
		else
			return 1;
	}
	argv += optind;
	argc -= optind;
	if (argc == 2 && (file = xm_absolute(argv[1])) == NULL)
		return 1;
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	if (file != NULL)
		json_w_kstr(w, "file", file);
	json_w_kbool(w, "live", live);
	json_w_kbool(w, "crash", crash);
	json_w_obj_close(w);
	rc = xm_dom_op("POST", argv[0], "/dump-core", w);
	json_w_free(w);
	free(file);
	return rc;
}

const struct cmd_entry cmd_dump_core_entry = {
	.name = "dump-core",
	.args = "[-L|--live] [-C|--crash] <Domain> [Filename]",
	.help = "Dump core for a specific domain.",
	.opts = "LC",
	.longopts = longopts,
	.min_args = 1,
	.max_args = 2,
	.exec = exec_dump_core,
};
