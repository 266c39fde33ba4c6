/* xm save, xm restore: a domain to a file and back. */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/xmalloc.h"
#include "tools/xm/xm.h"

static int
exec_save(int argc, char **argv)
{
	struct json_w	*w;
	char		*file;
	int		 rc, checkpoint = 0;

	while (getopt(argc, argv, "+c") != -1)
		checkpoint = 1;		/* save, and the domain runs on */
	argv += optind;
	if ((file = xm_absolute(argv[1])) == NULL)
		return 1;
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "file", file);
	json_w_kbool(w, "checkpoint", checkpoint);
	json_w_obj_close(w);
	/* Answered once the guest has suspended and the file is written. */
	rc = xm_dom_op("POST", argv[0], "/save", w);
	json_w_free(w);
	free(file);
	return rc;
}

static int
exec_restore(int argc, char **argv)
{
	struct json_w	*w;
	const char	*path;
	char		*file;
	int		 rc, paused = 0;

	while (getopt(argc, argv, "+p") != -1)
		paused = 1;
	path = argv[optind];
	if (access(path, R_OK) == -1)
		return xm_error("%s: %s", path, strerror(errno));
	if ((file = xm_absolute(path)) == NULL)
		return 1;
	if ((w = json_w_new(0)) == NULL)
		return xm_error("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "file", file);
	json_w_kbool(w, "paused", paused);
	json_w_obj_close(w);
	rc = xm_call("POST", "/restore", w, NULL);
	json_w_free(w);
	free(file);
	return rc;
}

const struct cmd_entry cmd_save_entry = {
	.name = "save",
	.args = "[-c] <Domain> <CheckpointFile>",
	.help = "Save a domain state to restore later.",
	.opts = "c",
	.min_args = 2,
	.max_args = 2,
	.exec = exec_save,
};

const struct cmd_entry cmd_restore_entry = {
	.name = "restore",
	.args = "[-p] <CheckpointFile>",
	.help = "Restore a domain from a saved state.",
	.opts = "p",
	.min_args = 1,
	.max_args = 1,
	.exec = exec_restore,
};
