/* Definitions shared by svc.startd and the SMF commands: states, exit codes, paths. */
#ifndef XVM_SMF_SMF_H
#define XVM_SMF_SMF_H

#include <stddef.h>
#include <time.h>

/* Instance states of smf(7), in the order svcs(1) sorts them by. */
enum smf_state {
	SMF_UNINIT = 0,
	SMF_OFFLINE,
	SMF_ONLINE,
	SMF_DEGRADED,
	SMF_MAINT,
	SMF_DISABLED,
	SMF_NSTATES
};
#define SMF_NONE	(-1)		/* "no next state" */

/* Method exit codes (smf_method(7)). */
#define SMF_EXIT_OK		0
#define SMF_EXIT_ERR_FATAL	95
#define SMF_EXIT_ERR_CONFIG	96

/* Locations under the --root (lib/paths.h). */
#define SMF_REPO_PATH		"etc/svc/repository.db"
#define SMF_SOCK_PATH		"run/svc/startd.sock"
#define SMF_PID_PATH		"run/svc/startd.pid"
#define SMF_LOG_DIR		"var/svc/log"
#define SMF_MANIFEST_DIR	"var/svc/manifest"	/* the site's */
/* The packages' manifests (Solaris 11's /lib/svc/manifest). */
#ifndef SMF_SYS_MANIFEST_DIR
#define SMF_SYS_MANIFEST_DIR	"usr/lib/svc/manifest"
#endif

#define SMF_RESTARTER_FMRI	"svc:/system/svc/restarter:default"

/* Snapshot names of the repository; "" is the editing (current) view. */
#define SMF_SNAP_EDIT		""
#define SMF_SNAP_RUNNING	"running"
#define SMF_SNAP_IMPORT		"last_import"

/* "online", "maintenance", ...; "-" for SMF_NONE or out of range. */
const char *smf_state_name(int state);
/* svcs(1)'s STA column: "ON", "MNT", ...; "-" for SMF_NONE. */
const char *smf_state_abbrev(int state);
/* The state named s (full name or abbreviation), or -1. */
int	 smf_state_parse(const char *s);

/*
 * The per-instance log file name, "system-xvm-store:default.log" for
 * svc:/system/xvm/store:default, relative to SMF_LOG_DIR, into buf.
 * Returns 0 or -1 with ENAMETOOLONG.
 */
int	 smf_log_name(char *buf, size_t size, const char *svc, const char *inst);

/* "[ Nov 24 13:45:01 msg ]" line prefix time for 't' into buf. */
void	 smf_log_time(char *buf, size_t size, time_t t);

/*
 * Append "[ <time> <msg> ]\n" to the instance log at path (created 0644,
 * parent directories too).  Errors are ignored: logging never stops a
 * method.
 */
void	 smf_log_append(const char *path, const char *msg);

#endif
