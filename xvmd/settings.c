/* Where xvmd's host settings come from: SMF when it started us, else xvmd.conf. */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "xvmd/settings.h"
#include "xvmd/xendconf.h"

#define XEND_FMRI	"svc:/system/xvm/xend:default"

extern char **environ;

/* Run svcprop and collect its output. */
static int
run_svcprop(struct buf *out, char **cause)
{
	char		*argv[] = { "svcprop", "-p", "config", XEND_FMRI, NULL };
	posix_spawn_file_actions_t fa;
	pid_t		 pid;
	char		*space;
	ssize_t		 n;
	int		 p[2], status, err;

	if (pipe(p) == -1) {
		xasprintf(cause, "pipe: %s", strerror(errno));
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	posix_spawn_file_actions_addclose(&fa, p[0]);
	err = posix_spawnp(&pid, "svcprop", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (err != 0) {
		close(p[0]);
		xasprintf(cause, "cannot run svcprop: %s", strerror(err));
		return -1;
	}
	for (;;) {
		if ((space = buf_space(out, 4096)) == NULL)
			break;
		if ((n = read(p[0], space, 4096)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			break;
		}
		buf_commit(out, (size_t)n);
	}
	close(p[0]);
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		xasprintf(cause, "svcprop -p config %s failed", XEND_FMRI);
		return -1;
	}
	if (buf_cstr(out) == NULL) {
		xasprintf(cause, "svcprop output too large");
		return -1;
	}
	return 0;
}

int
settings_load(struct xendconf *xc, const char *file, char **cause)
{
	struct buf	 out;
	char		*path = NULL;
	int		 rc;

	if (getenv("SMF_FMRI") != NULL) {
		buf_init(&out, 1024 * 1024);
		rc = run_svcprop(&out, cause);
		if (rc == 0)
			rc = xendconf_load_svcprop(xc, buf_cstr(&out), cause);
		buf_free(&out);
		if (rc == 0) {
			log_info("%s: settings from SMF %s", __func__,
			    XEND_FMRI);
			return 0;
		}
		/* Bad values are errors; an unreachable svcprop is not. */
		if (strncmp(*cause, "cannot run svcprop", 18) != 0)
			return -1;
		log_warnx("%s: %s; using the settings file", __func__, *cause);
		free(*cause);
		*cause = NULL;
	}
	if (file == NULL && (path = xvm_path(XVM_ETC_DIR "/xvmd.conf")) == NULL)
		fatal("%s: path", __func__);
	rc = xendconf_load_file(xc, file ? file : path, cause);
	if (rc == 1) {
		log_info("%s: no %s; using xend's defaults", __func__,
		    file ? file : path);
		rc = 0;
	} else if (rc == 0)
		log_info("%s: settings from %s", __func__, file ? file : path);
	free(path);
	return rc;
}

int
settings_reload(struct xendconf *xc, const char *file, char **changes,
    char **cause)
{
	struct xendconf	 next;

	xendconf_defaults(&next);
	if (settings_load(&next, file, cause) == -1) {
		xendconf_clear(&next);
		return -1;
	}
	*changes = xendconf_refresh(xc, &next);
	return 0;
}
