/* xm log: xvmd's log (Xen 3's xm log printed xend.log). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/paths.h"
#include "tools/xm/xm.h"

#define XVMD_LOG	XVM_LOG_DIR "/xvmd.log"

static int
exec_log(int argc, char **argv)
{
	char	 path[4096], chunk[8192];
	FILE	*f;
	size_t	 n;

	(void)argc;
	(void)argv;
	/* Read the file itself: it tells most when xvmd is not answering. */
	if (xvm_path_buf(path, sizeof(path), XVMD_LOG) == -1)
		return xm_error("%s: %s", XVMD_LOG, strerror(errno));
	if ((f = fopen(path, "r")) == NULL)
		return xm_error("cannot open xvmd's log %s: %s", path,
		    strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (fwrite(chunk, 1, n, stdout) != n)
			break;
	if (ferror(f)) {
		fclose(f);
		return xm_error("cannot read %s", path);
	}
	fclose(f);
	return fflush(stdout) == 0 ? 0 : 1;
}

const struct cmd_entry cmd_log_entry = {
	.name = "log",
	.args = "",
	.help = "Print xvmd's log (var/log/xvm/xvmd.log).",
	.min_args = 0,
	.max_args = 0,
	.exec = exec_log,
};
