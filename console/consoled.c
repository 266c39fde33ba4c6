/* xvm-consoled's start and stop: its logs, the attach socket and the two sources of console output. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console/consoled.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"

int
consoled_start(struct consoled *cd, char **cause)
{
	char	 hvpath[PATH_MAX];

	TAILQ_INIT(&cd->consoles);
	TAILQ_INIT(&cd->pending);
	if ((cd->logdir = xvm_path(XVM_LOG_DIR "/console")) == NULL ||
	    xvm_mkdirs(cd->logdir, 0755) == -1)
		return cause_printf(cause, "console log directory: %s",
		    strerror(errno));
	snprintf(hvpath, sizeof(hvpath), "%s/hypervisor.log", cd->logdir);
	if (logfile_open(&cd->hvlog, hvpath, 0) == -1)
		return cause_printf(cause, "%s: %s", hvpath, strerror(errno));
	if ((cd->sock = xvm_path(XVM_CONSOLED_SOCK)) == NULL)
		return cause_printf(cause, "socket path: %s", strerror(errno));
	if (attach_listen(cd, cd->sock) == -1)
		return cause_printf(cause, "listen on %s: %s", cd->sock,
		    strerror(errno));
	if (hvconn_open(cd, cause) == -1 || pvsource_open(cd, cause) == -1)
		return -1;
	log_info("xvm-consoled started (root %s)",
	    *xvm_root() ? xvm_root() : "/");
	return 0;
}

void
consoled_stop(struct consoled *cd)
{
	struct console	*con;

	log_info("xvm-consoled stopping");
	while ((con = TAILQ_FIRST(&cd->consoles)) != NULL)
		console_free(con);
	attach_close(cd);
	pvsource_close(cd);
	hvconn_close(cd);
	logfile_close(&cd->hvlog);
	if (cd->sock != NULL)
		unlink(cd->sock);
	free(cd->sock);
	free(cd->logdir);
}
