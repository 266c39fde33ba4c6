/* API routes of live migration: start one, follow it (migrate.h is the internal API). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/json.h"
#include "lib/log.h"
#include "lib/xmalloc.h"
#include "xvmd/api.h"
#include "xvmd/migrate.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

/* A JSON integer field within [min, max], or absent (0). */
static int
get_u32(struct api_req *ar, const char *key, int64_t min, int64_t max,
    uint32_t *out, char **cause)
{
	int64_t	 v;

	*out = 0;
	if (json_get(ar->body, key) == NULL)
		return 0;
	if (json_get_i64(ar->body, key, &v) == -1 || v < min || v > max) {
		xasprintf(cause, "'%s' must be an integer from %lld to %lld",
		    key, (long long)min, (long long)max);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

static char *
record_json(struct migration *m)
{
	struct json_w	*w;
	char		*out;

	if ((w = json_w_new(1)) == NULL)
		fatalx("%s: out of memory", __func__);
	json_w_obj_open(w);
	json_w_key(w, "migration");
	migrate_to_json(m, w);
	json_w_obj_close(w);
	if ((out = json_w_strdup(w)) == NULL)
		fatalx("%s: bad document", __func__);
	json_w_free(w);
	return out;
}

/* "wait": the request is answered when the migration ends. */
static void
answer(struct xvmd *xd, struct migration *m, int err, const char *message,
    void *arg)
{
	char	*json = record_json(m);

	api_later_reply(arg, err, message, 200, json);
	free(json);
	migrate_put(xd, m);
}

int
api_dom_migrate(struct api_req *ar, char **cause)
{
	struct migrate_args	 a = { .tls = -1 };
	struct migration	*m = NULL;
	struct api_later	*later = NULL;
	uint32_t		 port;
	int			 err, wait = 1, ssl = 0;

	if ((a.host = json_get_str(ar->body, "host")) == NULL) {
		*cause = xstrdup("'host' (where to migrate) is required");
		return EINVAL;
	}
	if (get_u32(ar, "port", 1, 65535, &port, cause) == -1 ||
	    get_u32(ar, "max_downtime_ms", 1, 60000, &a.max_downtime_ms,
	    cause) == -1 ||
	    get_u32(ar, "max_iters", 1, 1000, &a.max_iters, cause) == -1)
		return EINVAL;
	a.port = (uint16_t)port;
	(void)json_get_bool(ar->body, "live", &a.live);
	if (json_get_bool(ar->body, "ssl", &ssl) == 0)
		a.tls = ssl ? 1 : 0;
	(void)json_get_bool(ar->body, "wait", &wait);
	if (wait)
		later = api_defer(ar);
	if ((err = migrate_start(ar->xd, ar->vm, &a, wait ? answer : NULL, later,
	    &m, cause)) != 0) {
		if (wait)
			api_undefer(ar);
		return err;
	}
	if (!wait) {
		ar->status = 202;
		json_w_key(ar->out, "migration");
		migrate_to_json(m, ar->out);
		migrate_put(ar->xd, m);
	}
	return 0;
}

int
api_migrations(struct api_req *ar, char **cause)
{
	(void)cause;
	json_w_key(ar->out, "migrations");
	migrate_list_json(ar->xd, ar->out);
	return 0;
}

int
api_migration(struct api_req *ar, char **cause)
{
	struct migration	*m;

	if ((m = migrate_find(ar->xd, ar->params[0])) == NULL) {
		xasprintf(cause, "no migration %s", ar->params[0]);
		return ENOENT;
	}
	json_w_key(ar->out, "migration");
	migrate_to_json(m, ar->out);
	return 0;
}

int
api_migration_cancel(struct api_req *ar, char **cause)
{
	struct migration	*m;
	int			 err;

	if ((m = migrate_find(ar->xd, ar->params[0])) == NULL) {
		xasprintf(cause, "no migration %s", ar->params[0]);
		return ENOENT;
	}
	if ((err = migrate_cancel(m, cause)) != 0)
		return err;
	ar->status = 202;
	json_w_key(ar->out, "migration");
	migrate_to_json(m, ar->out);
	return 0;
}
