/* Shared SMF helpers: state names and the per-instance log format. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "lib/paths.h"
#include "lib/sock.h"
#include "smf/smf.h"

static const char *const state_names[SMF_NSTATES] = {
	[SMF_UNINIT] = "uninitialized",
	[SMF_OFFLINE] = "offline",
	[SMF_ONLINE] = "online",
	[SMF_DEGRADED] = "degraded",
	[SMF_MAINT] = "maintenance",
	[SMF_DISABLED] = "disabled",
};

static const char *const state_abbrevs[SMF_NSTATES] = {
	[SMF_UNINIT] = "UN",
	[SMF_OFFLINE] = "OFF",
	[SMF_ONLINE] = "ON",
	[SMF_DEGRADED] = "DGD",
	[SMF_MAINT] = "MNT",
	[SMF_DISABLED] = "DIS",
};

const char *
smf_state_name(int state)
{
	if (state < 0 || state >= SMF_NSTATES)
		return "-";
	return state_names[state];
}

const char *
smf_state_abbrev(int state)
{
	if (state < 0 || state >= SMF_NSTATES)
		return "-";
	return state_abbrevs[state];
}

int
smf_state_parse(const char *s)
{
	int	 i;

	for (i = 0; i < SMF_NSTATES; i++)
		if (strcmp(s, state_names[i]) == 0 ||
		    strcasecmp(s, state_abbrevs[i]) == 0)
			return i;
	return -1;
}

int
smf_log_name(char *buf, size_t size, const char *svc, const char *inst)
{
	char	*p;
	int	 n;

	n = snprintf(buf, size, "%s:%s.log", svc, inst);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* As illumos does: svc:/system/xvm/store:default -> system-xvm-store. */
	for (p = buf; *p != ':'; p++)
		if (*p == '/')
			*p = '-';
	return 0;
}

void
smf_log_time(char *buf, size_t size, time_t t)
{
	struct tm	 tm;

	localtime_r(&t, &tm);
	if (strftime(buf, size, "%b %e %H:%M:%S", &tm) == 0 && size > 0)
		buf[0] = '\0';
}

void
smf_log_append(const char *path, const char *msg)
{
	char	 when[32], line[1200], dir[1024], *slash;
	int	 fd, n;

	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		(void)xvm_mkdirs(dir, 0755);
	}
	if ((fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0644)) == -1)
		return;
	smf_log_time(when, sizeof(when), time(NULL));
	n = snprintf(line, sizeof(line), "[ %s %s ]\n", when, msg);
	if (n > 0)
		(void)fd_write_all(fd, line, (size_t)n < sizeof(line) ?
		    (size_t)n : sizeof(line) - 1);
	close(fd);
}
