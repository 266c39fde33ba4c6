/* svcadm(8): enable, disable, restart, refresh, clear and mark service instances. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/xmalloc.h"
#include "smf/client.h"
#include "smf/proto.h"
#include "smf/repo.h"
#include "smf/smf.h"

#define EXIT_OK		0
#define EXIT_FATAL	1
#define EXIT_USAGE	2

/*
 * The verbs: requests of svc.startd's protocol, whose table (smf/proto.c)
 * gives each its name and option letters.
 */
static const uint32_t verbs[] = {
	CTL_ENABLE, CTL_DISABLE, CTL_RESTART, CTL_REFRESH, CTL_CLEAR, CTL_MARK,
};

static int verbose;

static void
usage(void)
{
	fprintf(stderr, "Usage: svcadm [-v] [cmd [args ... ]]\n\n"
	    "\tsvcadm enable [-rst] <service> ...\t- enable and online "
	    "service(s)\n"
	    "\tsvcadm disable [-st] <service> ...\t- disable and offline "
	    "service(s)\n"
	    "\tsvcadm restart <service> ...\t\t- restart specified service(s)\n"
	    "\tsvcadm refresh <service> ...\t\t- re-read service "
	    "configuration\n"
	    "\tsvcadm mark [-It] <state> <service> ...\t- set maintenance "
	    "state\n"
	    "\tsvcadm clear <service> ...\t\t- clear maintenance state\n\n"
	    "\tServices can be specified using an FMRI, abbreviation or "
	    "fnmatch(3C) pattern.\n");
	exit(EXIT_USAGE);
}

/* Without svc.startd, enable/disable still record general/enabled. */
static int
offline_enable(const char *pattern, int on)
{
	struct repo	*r = smf_cmd_repo(0);
	struct repo_inst *all = NULL;
	const char	*v = on ? "true" : "false";
	size_t		 nall = 0, idx[2], n;
	struct repo_ent	 e;
	int		 rc = EXIT_FATAL;

	if (repo_instances(r, &all, &nall) == -1)
		goto out;
	n = smf_match(pattern, all, nall, idx, 2);
	if (n != 1) {
		log_warnx("Pattern '%s' %s", pattern, n == 0 ?
		    "doesn't match any instances" :
		    "matches multiple instances");
		goto out;
	}
	e = repo_ent_inst(all[idx[0]].svc_id, all[idx[0]].id, SMF_SNAP_EDIT);
	if (repo_pg_add(r, e, "general", "framework") == -1 && errno != EEXIST)
		goto out;
	if (repo_prop_set(r, e, "general", "enabled", "boolean", &v, 1) == -1)
		goto out;
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK && errno == EIO)
		log_warnx("repository: %s", repo_errmsg(r));
	repo_insts_free(all, nall);
	repo_close(r);
	return rc;
}

/* -s: wait until the instance settles, as svcadm(8) describes. */
static int
wait_state(const char *pattern, int enabling)
{
	struct repo	*r = smf_cmd_repo(0);
	struct repo_inst *all = NULL;
	struct repo_state st;
	struct timespec	 nap = { 0, 50 * 1000 * 1000 };
	size_t		 nall = 0, idx[1];
	char		 fmri[600], *msg = NULL;
	int		 rc = EXIT_FATAL;

	if (repo_instances(r, &all, &nall) == -1 ||
	    smf_match(pattern, all, nall, idx, 1) != 1)
		goto out;
	snprintf(fmri, sizeof(fmri), "svc:/%s:%s", all[idx[0]].svc,
	    all[idx[0]].inst);
	for (;;) {
		if (repo_state_get(r, all[idx[0]].id, &st) == -1 &&
		    errno != ENOENT)
			goto out;
		if (enabling && (st.state == SMF_ONLINE ||
		    st.state == SMF_DEGRADED) && st.next_state == SMF_NONE)
			break;
		if (!enabling && st.state == SMF_DISABLED &&
		    st.next_state == SMF_NONE)
			break;
		if (st.state == SMF_MAINT && st.next_state == SMF_NONE) {
			log_warnx("Instance \"%s\" is in maintenance state.",
			    fmri);
			goto out;
		}
		if (enabling && st.state == SMF_OFFLINE && st.blocked) {
			log_warnx("Instance \"%s\" cannot come online "
			    "because its dependencies are not satisfied: %s",
			    fmri, st.reason);
			goto out;
		}
		if (enabling && st.state == SMF_DISABLED &&
		    st.next_state == SMF_NONE && st.enabled_tmp == 0) {
			log_warnx("Instance \"%s\" is disabled.", fmri);
			goto out;
		}
		if (smf_cmd_call(CTL_PING, 0, NULL, &msg) == -1) {
			log_warnx("svc.startd exited while waiting for \"%s\"",
			    fmri);
			goto out;
		}
		free(msg);
		msg = NULL;
		nanosleep(&nap, NULL);
	}
	rc = EXIT_OK;
out:
	repo_insts_free(all, nall);
	repo_close(r);
	return rc;
}

int
main(int argc, char **argv)
{
	const struct ctl_type_info *v = NULL;
	uint32_t	 type = 0;
	const char	*args[3], *opts;
	char		 flags[8] = "", optstr[8], *msg = NULL, *state = NULL;
	size_t		 i, nf = 0;
	int		 ch, rc = EXIT_OK, st, sync = 0, temp = 0, nargs;

	smf_cmd_init("svcadm", &argc, argv);
	while ((ch = getopt(argc, argv, "+v")) != -1) {
		switch (ch) {
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	for (i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (strcmp(argv[0], ctl_type_name(verbs[i])) == 0) {
			type = verbs[i];
			v = ctl_type_info(type);
		}
	if (v == NULL)
		usage();
	opts = v->flags != NULL ? v->flags : "";
	optind = 1;
	snprintf(optstr, sizeof(optstr), "+%s", opts);
	while ((ch = getopt(argc, argv, optstr)) != -1) {
		if (ch == '?' || strchr(opts, ch) == NULL)
			usage();
		if (ch == 's')
			sync = 1;
		else {
			if (ch == 't')
				temp = 1;
			if (nf < sizeof(flags) - 1)
				flags[nf++] = (char)ch;
		}
	}
	argc -= optind;
	argv += optind;
	if (type == CTL_MARK) {
		if (argc < 1)
			usage();
		state = argv[0];
		if (strcmp(state, "maintenance") != 0 &&
		    strcmp(state, "degraded") != 0)
			usage();
		argc--;
		argv++;
	}
	if (argc < 1)
		usage();
	for (i = 0; i < (size_t)argc; i++) {
		nargs = 0;
		args[nargs++] = argv[i];
		if (state != NULL)
			args[nargs++] = state;
		args[nargs++] = flags;
		if (type == CTL_RESTART || type == CTL_REFRESH ||
		    type == CTL_CLEAR)
			nargs = 1;
		st = smf_cmd_call(type, nargs, args, &msg);
		if (st == -1 && (errno == ENOENT || errno == ECONNREFUSED) &&
		    !temp && !sync && flags[0] == '\0' &&
		    (type == CTL_ENABLE || type == CTL_DISABLE)) {
			if (offline_enable(argv[i], type == CTL_ENABLE) != 0)
				rc = EXIT_FATAL;
			continue;
		}
		if (st == -1) {
			log_warn("cannot reach svc.startd");
			rc = EXIT_FATAL;
			continue;
		}
		if (st != 0) {
			log_warnx("%s", *msg ? msg : strerror(st));
			rc = EXIT_FATAL;
		} else {
			if (verbose)
				printf("%s: %s.\n", argv[i], v->name);
			if (sync && wait_state(argv[i], type == CTL_ENABLE)
			    != EXIT_OK)
				rc = EXIT_FATAL;
		}
		free(msg);
		msg = NULL;
	}
	return rc;
}
