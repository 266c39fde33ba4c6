/* The xvmd HTTP/JSON API: route table, request context, the one error shape. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/sock.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/domops.h"
#include "xvmd/http.h"
#include "xvmd/xvmd.h"

enum {
	R_BODY = 0x1,		/* a JSON object body is required */
	R_BODY_OPT = 0x2,	/* a JSON object body may be given */
	R_DOM = 0x4,		/* :dom names a known domain (ar->vm), else 404 */
	R_RUNNING = 0x8,	/* ... a running one, else 400 */
	R_DOM0 = 0x10,		/* ... or Domain-0 (ar->vm NULL) */
};

struct route {
	enum http_method	 method;
	const char		*pattern;	/* ":x" matches one segment */
	api_fn			 fn;
	int			 flags;
	const char		*what;		/* for messages and logs */
	const struct api_field	*fields;	/* the body's members */
	const char		*dom0;		/* refusal when :dom is Domain-0 */
};

/* The members of each body (docs/api.md). */
#define CONFIG	{ "config", API_STR, "the file's text" }
#define FILE_	{ "file", API_STR, NULL }
#define PAUSED	{ "paused", API_BOOL, NULL }
#define END	{ NULL, 0, NULL }
static const struct api_field f_check[] = { CONFIG, FILE_, END };
static const struct api_field f_create[] = { CONFIG, FILE_, PAUSED, END };
static const struct api_field f_start[] = { PAUSED, END };
static const struct api_field f_none[] = { END };
static const struct api_field f_rename[] = {
	{ "name", API_STR, "the new name" }, END };
static const struct api_field f_sysrq[] = {
	{ "key", API_STR, "one character" }, END };
static const struct api_field f_vcpus[] = {
	{ "count", API_INT, "the number of vCPUs" }, END };
static const struct api_field f_pin[] = {
	{ "cpus", API_STR, "CPUs such as 0-3,^2 or all" }, END };
static const struct api_field f_mib[] = {
	{ "mib", API_INT, "MiB" }, END };
static const struct api_field f_sched[] = {
	{ "weight", API_INT, NULL }, { "cap", API_INT, NULL }, END };
static const struct api_field f_save[] = {
	{ "file", API_STR, "where to save" },
	{ "checkpoint", API_BOOL, NULL }, END };
static const struct api_field f_restore[] = {
	{ "file", API_STR, "a file made by xm save" }, PAUSED, END };
static const struct api_field f_migrate[] = {
	{ "host", API_STR, "where to migrate" }, { "port", API_INT, NULL },
	{ "live", API_BOOL, NULL }, { "ssl", API_BOOL, NULL },
	{ "max_downtime_ms", API_INT, NULL }, { "max_iters", API_INT, NULL },
	{ "wait", API_BOOL, NULL }, END };
static const struct api_field f_device[] = {
	{ "spec", API_STR, "the device as a config file writes it" }, END };
static const struct api_field f_dump[] = {
	FILE_, { "live", API_BOOL, NULL }, { "crash", API_BOOL, NULL }, END };
#undef CONFIG
#undef FILE_
#undef PAUSED
#undef END

#define GET	HTTP_GET
#define POST	HTTP_POST
#define PUT	HTTP_PUT
#define DELETE	HTTP_DELETE
#define DOM	R_DOM
#define RUN	(R_DOM | R_RUNNING)
/* Why a route does not apply to Domain-0, the host itself. */
#define D0_HOST		"Domain-0 is the host: "
#define HOST0		D0_HOST "shut it down with the host's tools"
#define D0_START	D0_HOST "it is always running"
#define D0_PAUSE	D0_HOST "it cannot be paused or unpaused"
#define D0_RENAME	"Domain-0's name cannot change"
#define D0_SYSRQ	D0_HOST "use the host's own SysRq"
#define D0_CPUS		D0_HOST "its CPUs are the host's, not the hypervisor's"
#define D0_MEMORY	D0_HOST "its memory is the host's; dom0-min-mem is " \
			    "what xvmd keeps for it"
#define D0_SCHED	D0_HOST "it is not scheduled by the hypervisor"
#define D0_MANAGED	"Domain-0 is not a managed domain"
#define DEV0		"Domain-0's disks and network interfaces are the host's own"

/* docs/api.md describes each route; keep the two in step. */
static const struct route routes[] = {
	{ GET, "/version", api_version, 0, "version", NULL },
	{ GET, "/host", api_host, 0, "host info", NULL },
	{ GET, "/host/settings", api_host_settings, 0, "host settings", NULL },
	{ GET, "/host/dmesg", api_host_dmesg, 0, "dmesg", NULL },
	{ POST, "/configs/check", api_config_check, R_BODY, "config check",
	    f_check },
	{ GET, "/domains", api_dom_list, 0, "list", NULL },
	{ POST, "/domains", api_dom_create, R_BODY, "create", f_create },
	{ GET, "/domains/:dom", api_dom_info, DOM | R_DOM0, "info", NULL },
	{ DELETE, "/domains/:dom", api_dom_destroy, RUN, "destroy", NULL,
	    .dom0 = "Domain-0 cannot be destroyed" },
	{ POST, "/domains/:dom/start", api_dom_start, DOM | R_BODY_OPT,
	    "start", f_start, .dom0 = D0_START },
	{ POST, "/domains/:dom/shutdown", api_dom_shutdown, RUN | R_BODY_OPT,
	    "shutdown", f_none, .dom0 = HOST0 },
	{ POST, "/domains/:dom/reboot", api_dom_reboot, RUN | R_BODY_OPT,
	    "reboot", f_none, .dom0 = HOST0 },
	{ POST, "/domains/:dom/pause", api_dom_pause, RUN, "pause", NULL,
	    .dom0 = D0_PAUSE },
	{ POST, "/domains/:dom/unpause", api_dom_unpause, RUN, "unpause",
	    NULL, .dom0 = D0_PAUSE },
	{ POST, "/domains/:dom/rename", api_dom_rename, DOM | R_BODY,
	    "rename", f_rename, .dom0 = D0_RENAME },
	{ POST, "/domains/:dom/sysrq", api_dom_sysrq, RUN | R_BODY, "sysrq",
	    f_sysrq, .dom0 = D0_SYSRQ },
	{ GET, "/domains/:dom/vcpus", api_dom_vcpus, DOM | R_DOM0, "vcpu-list",
	    NULL },
	{ PUT, "/domains/:dom/vcpus", api_dom_vcpu_set, RUN | R_BODY,
	    "vcpu-set", f_vcpus, .dom0 = D0_CPUS },
	{ PUT, "/domains/:dom/vcpus/:vcpu/affinity", api_dom_vcpu_pin,
	    RUN | R_BODY, "vcpu-pin", f_pin, .dom0 = D0_CPUS },
	{ PUT, "/domains/:dom/memory", api_dom_memory, RUN | R_BODY,
	    "mem-set", f_mib, .dom0 = D0_MEMORY },
	{ PUT, "/domains/:dom/maxmem", api_dom_maxmem, RUN | R_BODY,
	    "mem-max", f_mib, .dom0 = D0_MEMORY },
	{ GET, "/domains/:dom/sched-credit", api_dom_sched_get, RUN,
	    "sched-credit", NULL, .dom0 = D0_SCHED },
	{ PUT, "/domains/:dom/sched-credit", api_dom_sched_set, RUN | R_BODY,
	    "sched-credit", f_sched, .dom0 = D0_SCHED },
	{ POST, "/domains/:dom/save", api_dom_save, DOM | R_BODY, "save",
	    f_save, .dom0 = "Domain-0 cannot be saved" },
	{ POST, "/restore", api_dom_restore, R_BODY, "restore", f_restore },
	{ POST, "/domains/:dom/migrate", api_dom_migrate, DOM | R_BODY,
	    "migrate", f_migrate, .dom0 = "Domain-0 cannot be migrated" },
	{ POST, "/domains/:dom/dump-core", api_dom_dump_core,
	    DOM | R_BODY_OPT, "dump-core", f_dump,
	    .dom0 = "Domain-0 is the host: use the host's own tools for its "
	    "core" },
	{ GET, "/domains/:dom/devices/:kind", api_dev_list, DOM, "device list",
	    NULL, .dom0 = DEV0 },
	{ POST, "/domains/:dom/devices/:kind", api_dev_attach, DOM | R_BODY,
	    "device attach", f_device, .dom0 = DEV0 },
	{ DELETE, "/domains/:dom/devices/:kind/:dev", api_dev_detach, DOM,
	    "device detach", NULL, .dom0 = DEV0 },
	{ GET, "/migrations", api_migrations, 0, "migrations", NULL },
	{ GET, "/migrations/:id", api_migration, 0, "migration", NULL },
	{ DELETE, "/migrations/:id", api_migration_cancel, 0,
	    "migration-cancel", NULL },
	{ POST, "/managed", api_managed_new, R_BODY, "new", f_check },
	{ DELETE, "/managed/:dom", api_managed_delete, DOM, "delete", NULL,
	    .dom0 = D0_MANAGED },
};

#undef GET
#undef POST
#undef PUT
#undef DELETE
#undef DOM
#undef RUN
#undef HOST0
#undef D0_HOST
#undef D0_START
#undef D0_PAUSE
#undef D0_RENAME
#undef D0_SYSRQ
#undef D0_CPUS
#undef D0_MEMORY
#undef D0_SCHED
#undef D0_MANAGED
#undef DEV0

static const struct {
	int		 err;
	int		 status;
	const char	*code;
} errmap[] = {
	{ EINVAL,	400, "EINVAL" },
	{ EACCES,	403, "EACCES" },
	{ EPERM,	403, "EPERM" },
	{ ENOENT,	404, "ENOENT" },
	{ ESRCH,	404, "ESRCH" },
	{ ENOTSUP,	405, "ENOTSUP" },
	{ EEXIST,	409, "EEXIST" },
	{ EBUSY,	409, "EBUSY" },
	{ E2BIG,	413, "E2BIG" },
	{ ENOMEM,	503, "ENOMEM" },
	{ EAGAIN,	503, "EAGAIN" },
	{ ENOSYS,	501, "ENOSYS" },
	{ ETIMEDOUT,	504, "ETIMEDOUT" },
	{ EHOSTUNREACH,	502, "EHOSTUNREACH" },
	{ ECANCELED,	409, "ECANCELED" },
	{ EALREADY,	409, "EALREADY" },
	{ EIO,		500, "EIO" },
};

int
api_status(int err)
{
	size_t	 i;

	for (i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
		if (errmap[i].err == err)
			return errmap[i].status;
	return 500;
}

static const char *
errcode(int err)
{
	size_t	 i;

	for (i = 0; i < sizeof(errmap) / sizeof(errmap[0]); i++)
		if (errmap[i].err == err)
			return errmap[i].code;
	return "EIO";
}

const char *
api_query(struct api_req *ar, const char *key)
{
	return evhttp_find_header(ar->query, key);
}

static void
send_json(struct http_req *req, int status, const char *text, size_t len)
{
	char	*nl = NULL;

	if (len == 0 || text[len - 1] != '\n') {
		xasprintf(&nl, "%.*s\n", (int)len, text);
		text = nl;
		len++;
	}
	http_reply(req, status, text, len, 0);
	free(nl);
}

/* {"error": {"status": ..., "code": ..., "message": ...}}, the one shape. */
static void
send_error_status(struct http_req *req, int status, const char *code,
    const char *message, int close)
{
	struct json_w	*w;
	const char	*text;
	size_t		 len;

	if ((w = json_w_new(0)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(w);
	json_w_key(w, "error");
	json_w_obj_open(w);
	json_w_ki64(w, "status", status);
	json_w_kstr(w, "code", code);
	json_w_kstr(w, "message", message);
	json_w_obj_close(w);
	json_w_obj_close(w);
	if ((text = json_w_finish(w, &len)) == NULL)
		fatalx("%s: bad document", __func__);
	http_reply(req, status, text, len, close);
	json_w_free(w);
}

static void
send_error(struct http_req *req, int err, const char *message)
{
	send_error_status(req, api_status(err), errcode(err), message, 0);
}

/* The transport's refusals (http.c), in the same shape; then it closes. */
void
api_http_error(struct http_req *req, int status, const char *message,
    void *arg)
{
	const char	*code;

	(void)arg;
	switch (status) {
	case 413:
	case 431:
		code = "E2BIG";
		break;
	case 501:
		code = "ENOSYS";
		break;
	case 505:
		code = "EPROTONOSUPPORT";
		break;
	case 500:
		code = "EIO";
		break;
	default:
		code = "EINVAL";
		break;
	}
	send_error_status(req, status, code, message, 1);
}

struct api_later {
	struct http_req	*req;
};

struct api_later *
api_defer(struct api_req *ar)
{
	struct api_later	*l = xcalloc(1, sizeof(*l));

	l->req = ar->req;
	ar->later = l;
	return l;
}

void
api_undefer(struct api_req *ar)
{
	free(ar->later);
	ar->later = NULL;
}

void
api_later_reply(struct api_later *l, int err, const char *message,
    int status, const char *json)
{
	/* A client that has gone meanwhile is only forgotten (http.c). */
	if (err != 0)
		send_error(l->req, err, message);
	else
		send_json(l->req, status, json, strlen(json));
	free(l);
}

void
api_later_done(void *later, int err, const char *message, const char *json)
{
	api_later_reply(later, err, message, 200, json);
}

/* Match path against pattern; fill params.  1 on match. */
static int
match(const char *pattern, char *path, const char **params)
{
	const char	*pp = pattern;
	char		*seg, *save = NULL;
	int		 np = 0;
	size_t		 n;

	for (seg = strtok_r(path, "/", &save); seg != NULL;
	    seg = strtok_r(NULL, "/", &save)) {
		if (*pp++ != '/')
			return 0;
		n = strcspn(pp, "/");
		if (*pp == ':') {
			if (np == API_MAX_PARAMS)
				return 0;
			params[np++] = seg;
		} else if (strlen(seg) != n || strncmp(pp, seg, n) != 0)
			return 0;
		pp += n;
	}
	return *pp == '\0';
}

/* Find the route; *path_known says whether the path exists for some method. */
static const struct route *
route_find(enum http_method method, const char *path, char **copies,
    const char **params, int *path_known)
{
	size_t	 i;

	*path_known = 0;
	for (i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		free(copies[0]);
		copies[0] = xstrdup(path);
		memset(params, 0, sizeof(char *) * API_MAX_PARAMS);
		if (!match(routes[i].pattern, copies[0], params))
			continue;
		*path_known = 1;
		if (routes[i].method == method)
			return &routes[i];
	}
	return NULL;
}

/*
 * What the route's flags ask of :dom (params[0]), written once: Domain-0
 * refused or passed on, the domain found (ar->vm), running.  0 or errno.
 */
static int
resolve_dom(const struct route *r, struct api_req *ar, char **cause)
{
	const char	*dom = ar->params[0];
	int		 err = 0;

	if (!(r->flags & R_DOM))
		return 0;
	if (dom_is_dom0(dom) && r->dom0 != NULL) {
		*cause = xstrdup(r->dom0);
		return EPERM;
	}
	if (dom_is_dom0(dom) && (r->flags & R_DOM0))
		return 0;
	ar->vm = r->flags & R_RUNNING ? dom_lookup_running(ar->xd, dom, &err,
	    cause) : dom_lookup(ar->xd, dom, &err, cause);
	return ar->vm != NULL ? 0 : err;
}

static int
read_body(struct http_req *req, yajl_val *body, char **cause)
{
	size_t		 len;
	const char	*text = http_req_body(req, &len);

	if (len == 0) {
		*cause = xstrdup("this request needs a JSON object body");
		return EINVAL;
	}
	if ((*body = json_parse(text, len, API_MAX_BODY, cause)) == NULL)
		return EINVAL;
	if (!YAJL_IS_OBJECT(*body)) {
		*cause = xstrdup("the request body must be a JSON object");
		return EINVAL;
	}
	return 0;
}

void
api_dispatch(struct http_req *req, void *arg)
{
	struct xvmd		*xd = arg;
	const struct http_head	*head = http_req_head(req);
	struct evkeyvalq	 query;
	struct api_req		 ar = { .xd = xd, .req = req, .status = 200,
				    .query = &query };
	const struct route	*r;
	struct evhttp_uri	*uri = NULL;
	const char		*path, *text;
	char			*copy = NULL, *cause = NULL;
	size_t			 len, blen;
	int			 err = 0, known;

	TAILQ_INIT(&query);
	xd->requests++;
	/* The control socket is root's (and in tests its owner's) alone. */
	if (!sock_peer_trusted(http_req_fd(req))) {
		send_error(req, EACCES, "permission denied: xvmd serves root "
		    "only");
		return;
	}
	if ((uri = evhttp_uri_parse(head->target)) == NULL ||
	    (path = evhttp_uri_get_path(uri)) == NULL || *path != '/') {
		send_error(req, EINVAL, "malformed request URI");
		goto out;
	}
	r = route_find(head->method, path, &copy, ar.params, &known);
	if (r == NULL) {
		xasprintf(&cause, known ? "method not allowed on %s" :
		    "no such API route: %s", path);
		send_error(req, known ? ENOTSUP : ENOENT, cause);
		goto out;
	}
	ar.what = r->what;
	if (evhttp_uri_get_query(uri) != NULL &&
	    evhttp_parse_query_str(evhttp_uri_get_query(uri), &query) == -1) {
		send_error(req, EINVAL, "malformed query string");
		goto out;
	}
	/* No body makes a route apply to Domain-0: its 403 comes first. */
	if ((r->flags & R_DOM) && dom_is_dom0(ar.params[0]) &&
	    r->dom0 != NULL) {
		log_info("%s %s: %s", r->what, path, r->dom0);
		send_error(req, EPERM, r->dom0);
		goto out;
	}
	(void)http_req_body(req, &blen);
	if (((r->flags & R_BODY) || ((r->flags & R_BODY_OPT) && blen > 0)) &&
	    ((err = read_body(req, &ar.body, &cause)) != 0 ||
	    (err = api_check_body(ar.body, r->fields, &cause)) != 0)) {
		send_error(req, err, cause);
		goto out;
	}
	if (!(r->flags & (R_BODY | R_BODY_OPT)) && blen > 0) {
		xasprintf(&cause, "%s %s takes no body", r->what, path);
		send_error(req, EINVAL, cause);
		goto out;
	}
	if ((err = resolve_dom(r, &ar, &cause)) != 0) {
		log_info("%s %s: %s", r->what, path, cause);
		send_error(req, err, cause);
		goto out;
	}
	if ((ar.out = json_w_new(1)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(ar.out);
	if ((err = r->fn(&ar, &cause)) != 0) {
		log_info("%s %s: %s", r->what, path, cause ? cause : "failed");
		send_error(req, err, cause ? cause : strerror(err));
		goto out;
	}
	if (ar.later != NULL)
		goto out;		/* answered by api_later_reply */
	json_w_obj_close(ar.out);
	if ((text = json_w_finish(ar.out, &len)) == NULL) {
		log_warnx("%s: %s produced an invalid document", __func__,
		    r->what);
		send_error(req, EIO, "internal error building the reply");
		goto out;
	}
	send_json(req, ar.status, text, len);
out:
	json_w_free(ar.out);
	json_free(ar.body);
	free(copy);
	free(cause);
	evhttp_clear_headers(&query);
	if (uri != NULL)
		evhttp_uri_free(uri);
}
