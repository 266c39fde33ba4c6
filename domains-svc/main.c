/*
 * xvm-domains: the method of svc:/system/xvm/domains (Solaris xVM's
 * domains service, Xen's xendomains).
 *
 *	xvm-domains [--root DIR] start	domains saved at the last stop are
 *					restored (and their files removed);
 *					every managed domain marked
 *					on_xend_start = "start" is running
 *	xvm-domains [--root DIR] stop	running domains get their
 *					on_xend_stop: "shutdown" is asked and
 *					waited for, up to xvmd's
 *					shutdown-timeout; "suspend" saves
 *					them to var/lib/xvm/save/NAME.chk --
 *					only when the administrator disables
 *					the service or the host shuts down
 *					(SMF_STOP_REASON), never because a
 *					daemon restarted
 *
 * It talks to xvmd's API only; exit 0 when every domain was handled, 1
 * otherwise.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/xmalloc.h"
#include "lib/xvmd_client.h"

#define WAIT_XVMD_SECS	30
#define SAVE_DIR	XVM_LIB_DIR "/save"
#define SAVE_SUFFIX	".chk"

static int	 api_timeout_ms = 60000;

/* METHOD URI [BODY] -> the parsed reply, or NULL (the error logged). */
static yajl_val
api(const char *method, const char *uri, const char *body, int *status)
{
	yajl_val	 doc;
	char		*cause = NULL;

	if (xvmd_call(method, uri, body, body != NULL ? strlen(body) : 0,
	    api_timeout_ms, status, &doc, &cause) == -1) {
		log_warnx("%s %s: %s", method, uri, cause);
		free(cause);
		return NULL;
	}
	return doc;
}

/* The same for a domain's route: /domains/<name, escaped><suffix>. */
static yajl_val
dom_api(const char *method, const char *name, const char *suffix,
    const char *body, int *status)
{
	yajl_val	 doc;
	char		*uri;

	if ((uri = xvmd_uri("/domains/", name, suffix)) == NULL)
		fatalx("out of memory");
	doc = api(method, uri, body, status);
	free(uri);
	return doc;
}

/*
 * xvmd may still be starting (SMF starts us right after it): wait for it
 * when 'wait'.  Stopping does not wait: svc.startd stops us first, so an
 * xvmd that does not answer then is gone (killed, say) and can be asked
 * nothing.
 */
static yajl_val
domains(int long_form, int wait)
{
	time_t		 end = time(NULL) + (wait ? WAIT_XVMD_SECS : 0);
	yajl_val	 doc;
	int		 status;

	for (;;) {
		doc = api("GET", long_form ? "/domains?long=1" : "/domains",
		    NULL, &status);
		if (doc != NULL || status != -1 || time(NULL) >= end)
			return doc;
		sleep(1);
	}
}

static int
is_running(yajl_val d)
{
	int64_t	 id;

	return json_get_i64(d, "domid", &id) == 0 && id != 0;
}

/* {"file": path} or {"file": path, ...}: a body for save and restore. */
static char *
file_body(const char *path)
{
	struct json_w	*w;
	char		*out;

	if ((w = json_w_new(0)) == NULL)
		fatalx("out of memory");
	json_w_obj_open(w);
	json_w_kstr(w, "file", path);
	json_w_obj_close(w);
	if ((out = json_w_strdup(w)) == NULL)
		fatalx("%s: bad document", __func__);
	json_w_free(w);
	return out;
}

/* The domains the last stop saved come back first; their files go. */
static int
restore_saved(void)
{
	struct dirent	*de;
	DIR		*dir;
	char		*dpath, *path, *body;
	size_t		 len;
	int		 status, bad = 0;

	if ((dpath = xvm_path(SAVE_DIR)) == NULL)
		fatalx("save directory path too long");
	if ((dir = opendir(dpath)) == NULL) {
		free(dpath);
		return 0;		/* nothing was ever saved */
	}
	while ((de = readdir(dir)) != NULL) {
		len = strlen(de->d_name);
		if (len <= strlen(SAVE_SUFFIX) || strcmp(de->d_name + len -
		    strlen(SAVE_SUFFIX), SAVE_SUFFIX) != 0)
			continue;
		xasprintf(&path, "%s/%s", dpath, de->d_name);
		body = file_body(path);
		json_free(api("POST", "/restore", body, &status));
		if (status / 100 == 2) {
			log_info("restored %s", path);
			if (unlink(path) == -1)
				log_warn("%s", path);
		} else if (status == 409) {
			/* It runs already (started by hand): not an error
			 * of this service, and the image is kept. */
			log_warnx("%s: not restored (its domain exists); "
			    "kept", path);
		} else {
			log_warnx("%s: not restored; kept", path);
			bad = 1;
		}
		free(body);
		free(path);
	}
	closedir(dir);
	free(dpath);
	return bad;
}

static int
do_start(void)
{
	yajl_val	 doc, arr, d;
	const char	*name, *when;
	size_t		 i;
	int		 status, bad = 0;

	/* xvmd may still be starting: wait for it before anything. */
	if ((doc = domains(1, 1)) == NULL)
		return 1;
	json_free(doc);
	bad = restore_saved();
	if ((doc = domains(1, 0)) == NULL)
		return 1;
	arr = json_get(doc, "domains");
	for (i = 0; arr != NULL && i < arr->u.array.len; i++) {
		d = arr->u.array.values[i];
		name = json_get_str(d, "name");
		when = json_get_str(json_get(d, "config"), "on_xend_start");
		if (name == NULL || when == NULL || strcmp(when, "start") != 0 ||
		    is_running(d))
			continue;
		json_free(dom_api("POST", name, "/start", NULL, &status));
		if (status / 100 == 2)
			log_info("started %s", name);
		else
			bad = 1;
	}
	json_free(doc);
	return bad;
}

/* on_xend_stop = "suspend": xm save to var/lib/xvm/save/NAME.chk. */
static int
save(const char *name)
{
	char	*dpath, *path, *body;
	int	 status;

	if ((dpath = xvm_path(SAVE_DIR)) == NULL)
		fatalx("save directory path too long");
	if (xvm_mkdirs(dpath, 0700) == -1) {
		log_warn("%s", dpath);
		free(dpath);
		return 1;
	}
	xasprintf(&path, "%s/%s%s", dpath, name, SAVE_SUFFIX);
	body = file_body(path);
	/* The reply waits for the guest: up to shutdown-timeout, then I/O. */
	api_timeout_ms = 0;
	json_free(dom_api("POST", name, "/save", body, &status));
	api_timeout_ms = 60000;
	if (status / 100 == 2)
		log_info("saved %s to %s", name, path);
	free(body);
	free(path);
	free(dpath);
	return status / 100 != 2;
}

/* Wait until none of 'names' runs, or the time is up. */
static int
wait_down(char **names, size_t n, int64_t timeout)
{
	time_t		 end = time(NULL) + timeout;
	yajl_val	 doc, arr;
	size_t		 i, j, up;

	for (;;) {
		if ((doc = domains(0, 0)) == NULL)
			return 1;
		arr = json_get(doc, "domains");
		up = 0;
		for (i = 0; arr != NULL && i < arr->u.array.len; i++) {
			const char *nm = json_get_str(arr->u.array.values[i],
			    "name");

			for (j = 0; nm != NULL && j < n; j++)
				if (is_running(arr->u.array.values[i]) &&
				    strcmp(nm, names[j]) == 0)
					up++;
		}
		json_free(doc);
		if (up == 0)
			return 0;
		if (time(NULL) >= end) {
			log_warnx("%zu domain(s) still running after %lld s",
			    up, (long long)timeout);
			return 1;
		}
		sleep(1);
	}
}

/*
 * Does this stop mean the domains must go?  When svc.startd runs the
 * method, SMF_STOP_REASON says why: the administrator's disable or the
 * host's shutdown, yes; a restart of this service, or a dependency
 * (xvmd, consoled) that failed or went away, no -- a daemon's restart
 * never shuts down or saves a guest.  Run by hand (no reason): yes.
 */
static int
stop_is_final(void)
{
	const char	*why = getenv("SMF_STOP_REASON");

	if (why == NULL || strcmp(why, "disable") == 0 ||
	    strcmp(why, "shutdown") == 0)
		return 1;
	log_info("stopped for '%s', not by the administrator or the host's "
	    "shutdown: the domains are left as they are", why);
	return 0;
}

static int
do_stop(void)
{
	yajl_val	 doc, arr, d, set;
	const char	*name, *how;
	char		*names[1024];
	int64_t		 timeout = 60;
	size_t		 i, n = 0;
	int		 status, bad = 0;

	if (!stop_is_final())
		return 0;
	if ((set = api("GET", "/host/settings", NULL, &status)) != NULL) {
		(void)json_get_i64(json_get(json_get(set, "settings"),
		    "shutdown-timeout"), "value", &timeout);
		json_free(set);
	}
	if ((doc = domains(1, 0)) == NULL) {
		log_warnx("xvmd is not running: no domain can be asked to "
		    "shut down");
		return 0;
	}
	arr = json_get(doc, "domains");
	for (i = 0; arr != NULL && i < arr->u.array.len && n < 1024; i++) {
		d = arr->u.array.values[i];
		name = json_get_str(d, "name");
		how = json_get_str(json_get(d, "config"), "on_xend_stop");
		if (name == NULL || how == NULL || !is_running(d) ||
		    strcmp(how, "ignore") == 0)
			continue;
		if (strcmp(how, "suspend") == 0) {
			bad |= save(name);
			continue;
		}
		json_free(dom_api("POST", name, "/shutdown", NULL, &status));
		if (status / 100 == 2) {
			log_info("asked %s to shut down", name);
			names[n++] = xstrdup(name);
		} else
			bad = 1;
	}
	json_free(doc);
	if (n > 0 && wait_down(names, n, timeout) != 0)
		bad = 1;
	for (i = 0; i < n; i++)
		free(names[i]);
	return bad;
}

int
main(int argc, char **argv)
{
	const char	*root = NULL;
	int		 i = 1;

	log_init("xvm-domains", 1, 1);
	if (argc >= 3 && strcmp(argv[1], "--root") == 0) {
		root = argv[2];
		i = 3;
	}
	if (argc != i + 1 || (strcmp(argv[i], "start") != 0 &&
	    strcmp(argv[i], "stop") != 0)) {
		fprintf(stderr, "usage: xvm-domains [--root DIR] start|stop\n");
		return 1;
	}
	if (xvm_paths_init(root) == -1)
		fatal("root %s", root ? root : "");
	return strcmp(argv[i], "start") == 0 ? do_start() : do_stop();
}
