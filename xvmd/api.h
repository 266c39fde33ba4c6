/* The xvmd HTTP/JSON API: route table, request context, the one error shape. */
#ifndef XVM_XVMD_API_H
#define XVM_XVMD_API_H

#include <stddef.h>

#include <yajl/yajl_tree.h>

struct api_later;
struct evkeyvalq;
struct http_req;
struct json_w;
struct vm;
struct xvmd;

#define API_MAX_PARAMS	4
#define API_MAX_BODY	(1024 * 1024)

/*
 * One request.  Handlers read params/query/body and write the reply
 * document into 'out' (an object is opened for them and closed after).
 * They return 0, or an errno value with *cause set (owned by the handler's
 * caller after return) — the dispatcher turns it into the error object
 *
 *	{"error": {"status": 404, "code": "ENOENT", "message": "..."}}
 *
 * with the HTTP status of api_status().
 */
struct api_req {
	struct xvmd		*xd;
	struct http_req		*req;
	const char		*what;		/* the route's name */
	const char		*params[API_MAX_PARAMS];	/* ":name" parts */
	struct vm		*vm;		/* :dom, on routes that resolve it */
	struct evkeyvalq	*query;		/* parsed query string */
	yajl_val		 body;		/* parsed JSON body, or NULL */
	struct json_w		*out;
	int			 status;	/* 200 unless set (e.g. 201) */
	struct api_later	*later;		/* set by api_defer */
};

/*
 * A reply that comes later (xm save: the guest must suspend first).  A
 * handler calls api_defer() and returns 0; what it wrote to 'out' is
 * dropped.  Exactly one api_later_reply() answers, then frees the
 * handle; if the client has gone meanwhile it only frees.
 */
struct api_later *api_defer(struct api_req *);
void	 api_undefer(struct api_req *);	/* changed its mind: reply now */
void	 api_later_reply(struct api_later *, int err, const char *message,
	    int status, const char *json);

/* api_later_reply with status 200, in the shape of save_done_fn. */
void	 api_later_done(void *later, int err, const char *message,
	    const char *json);

typedef int (*api_fn)(struct api_req *, char **cause);

/*
 * The members a route's JSON body may have, each of one type.  The
 * dispatcher refuses (400) an unknown or repeated member, a member of
 * another type and a missing required one, so handlers read the body
 * without checking types again.
 */
enum api_type {
	API_STR = 1,
	API_BOOL,
	API_INT,
};

struct api_field {
	const char	*key;
	enum api_type	 type;
	const char	*required;	/* what it is, when required; or NULL */
};

/*
 * Check body against fields (ended by a NULL key): 0, or EINVAL with
 * *cause (caller frees).
 */
int	 api_check_body(yajl_val body, const struct api_field *fields,
	    char **cause);

/*
 * A flag of the query string: absent is 0; "1"/"true" and "0"/"false"
 * are what they say; anything else is EINVAL with *cause.
 */
int	 api_query_flag(struct api_req *, const char *key, int *out,
	    char **cause);

/* A query-string value (borrowed until the reply), or NULL. */
const char *api_query(struct api_req *, const char *key);

/* HTTP status for an errno value. */
int	 api_status(int err);

/*
 * Serve one HTTP request (http.c's on_request); arg is the struct xvmd.
 * Never lets a client's input end the daemon.
 */
void	 api_dispatch(struct http_req *, void *arg);

/* A refusal of the transport's (http.c's on_error), as an error object. */
void	 api_http_error(struct http_req *, int status, const char *message,
	    void *arg);

/* Handlers, by module: api_host.c. */
int	 api_version(struct api_req *, char **);
int	 api_host_settings(struct api_req *, char **);
int	 api_config_check(struct api_req *, char **);

/* api_domain.c */
int	 api_dom_list(struct api_req *, char **);
int	 api_dom_info(struct api_req *, char **);
int	 api_dom_create(struct api_req *, char **);
int	 api_dom_start(struct api_req *, char **);
int	 api_dom_destroy(struct api_req *, char **);
int	 api_dom_shutdown(struct api_req *, char **);
int	 api_dom_reboot(struct api_req *, char **);
int	 api_dom_pause(struct api_req *, char **);
int	 api_dom_unpause(struct api_req *, char **);
int	 api_managed_new(struct api_req *, char **);
int	 api_managed_delete(struct api_req *, char **);
int	 api_dom_save(struct api_req *, char **);
int	 api_dom_restore(struct api_req *, char **);

/* hotplug.c */
int	 api_dev_list(struct api_req *, char **);
int	 api_dev_attach(struct api_req *, char **);
int	 api_dev_detach(struct api_req *, char **);

/* api_migrate.c */
int	 api_dom_migrate(struct api_req *, char **);
int	 api_migrations(struct api_req *, char **);
int	 api_migration(struct api_req *, char **);
int	 api_migration_cancel(struct api_req *, char **);

/* dump.c */
int	 api_dom_dump_core(struct api_req *, char **);

/* api_resource.c */
int	 api_dom_rename(struct api_req *, char **);
int	 api_dom_sysrq(struct api_req *, char **);
int	 api_dom_vcpus(struct api_req *, char **);
int	 api_dom_vcpu_set(struct api_req *, char **);
int	 api_dom_vcpu_pin(struct api_req *, char **);
int	 api_dom_memory(struct api_req *, char **);
int	 api_dom_maxmem(struct api_req *, char **);
int	 api_dom_sched_get(struct api_req *, char **);
int	 api_dom_sched_set(struct api_req *, char **);
int	 api_host(struct api_req *, char **);
int	 api_host_dmesg(struct api_req *, char **);

#endif
