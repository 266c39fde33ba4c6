/*
 * Live migration, the receiving side: one job per relocation connection.
 *
 * The peer must pass the TLS handshake (a certificate from our CA) and
 * xend-relocation-hosts-allow; then its HELLO is checked (name, UUID,
 * memory) before a byte of memory comes.  The stream is restored into a
 * paused domain that is not in xm list yet (restore.c); READY says the
 * whole stream checked out.  Only COMMIT makes it run and join the
 * table; anything else -- the connection ends, a timeout, a RESOLVE from
 * the source asking what became of it -- destroys it, so a failed
 * migration leaves nothing here.  The commit and a RESOLVE are decided on
 * the loop, one after the other: whichever comes first wins for good.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <xvm/xenctrl.h>
#include "lib/json.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/uuid.h"
#include "lib/xmalloc.h"
#include "xvmd/job.h"
#include "xvmd/reloc.h"
#include "xvmd/restore.h"
#include "xvmd/vm.h"
#include "xvmd/xvmd.h"

#define MAX_INCOMING	8	/* connections served at once */
#define KEEP_ENDED	64	/* ended incoming records kept for RESOLVE */

struct hello {
	char		 id[40];
	char		 name[64];
	uint8_t		 uuid[16];
	int		 managed, live;
	uint64_t	 mem_bytes;
	int64_t		 suspend_s;	/* the source's shutdown-timeout */
	int		 have_rings;
	uint64_t	 rings[4];
};

struct inc_job {
	int			 fd;
	char			 peer[300];
	struct reloc_conf	 conf;
	struct chan		*chan;
	struct incoming		*inc;		/* from the HELLO on */
	struct hello		 h;
	struct rs		 rs;
	char			 migration[64];
	int			 err;
	char			*cause;
	/* RESOLVE */
	char			 rid[40];
	uint8_t			 ruuid[16];
	const char		*answer;
};

static int
ij_fail(struct inc_job *ij, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
ij_fail(struct inc_job *ij, int err, const char *fmt, ...)
{
	va_list	 ap;

	free(ij->cause);
	va_start(ap, fmt);
	(void)xvasprintf(&ij->cause, fmt, ap);
	va_end(ap);
	ij->err = err;
	return -1;
}

static int
hello_on_loop(struct xvmd *xd, void *arg)
{
	struct inc_job	*ij = arg;
	struct incoming	*inc;
	struct vm	*vm;
	xc_physinfo_t	 pi;
	uint64_t	 free_bytes;

	if (xd->stopping)
		return ij_fail(ij, EAGAIN, "xvmd is stopping");
	TAILQ_FOREACH(inc, &xd->reloc->in, entry)
		if (strcmp(inc->id, ij->h.id) == 0)
			return ij_fail(ij, EEXIST, "migration %s is already "
			    "here", ij->h.id);
	if ((vm = vm_by_name(xd, ij->h.name)) != NULL &&
	    (vm->domid >= 0 || !vm->managed))
		return ij_fail(ij, EEXIST, "domain '%s' already exists",
		    ij->h.name);
	if ((vm = vm_by_uuid(xd, ij->h.uuid, NULL)) != NULL && vm->domid >= 0)
		return ij_fail(ij, EEXIST, "a domain with the same UUID runs "
		    "here already (%s)", vm->name);
	if (xc_physinfo(xd->xch, &pi) == 0 &&
	    (free_bytes = pi.free_pages * 4096ull) < ij->h.mem_bytes)
		return ij_fail(ij, ENOMEM, "not enough free memory here: %llu "
		    "MiB needed, %llu MiB free", (unsigned long long)
		    (ij->h.mem_bytes >> 20), (unsigned long long)
		    (free_bytes >> 20));
	inc = xcalloc(1, sizeof(*inc));
	strlcpy(inc->id, ij->h.id, sizeof(inc->id));
	memcpy(inc->uuid, ij->h.uuid, 16);
	inc->state = INC_PENDING;
	inc->chan = ij->chan;
	TAILQ_INSERT_TAIL(&xd->reloc->in, inc, entry);
	ij->inc = inc;
	return 0;
}

static int
commit_on_loop(struct xvmd *xd, void *arg)
{
	struct inc_job	*ij = arg;

	if (ij->inc->state != INC_PENDING) {
		rs_abort(xd, &ij->rs);
		return ij_fail(ij, ECANCELED, "the source withdrew it");
	}
	if (rs_commit(xd, &ij->rs) == -1) {
		ij_fail(ij, ij->rs.err, "%s", ij->rs.cause);
		rs_abort(xd, &ij->rs);
		ij->inc->state = INC_ABORTED;
		return -1;
	}
	ij->inc->state = INC_COMMITTED;
	return 0;
}

static int
settled_on_loop(struct xvmd *xd, void *arg)
{
	struct inc_job	*ij = arg;

	rs_settled(xd, &ij->rs);
	return 0;
}

static int
abort_on_loop(struct xvmd *xd, void *arg)
{
	struct inc_job	*ij = arg;

	rs_abort(xd, &ij->rs);
	if (ij->inc != NULL && ij->inc->state == INC_PENDING)
		ij->inc->state = INC_ABORTED;
	return 0;
}

/* RESOLVE: the answer is final; a migration still pending is aborted. */
static int
resolve_on_loop(struct xvmd *xd, void *arg)
{
	struct inc_job	*ij = arg;
	struct incoming	*inc;
	struct vm	*vm;

	TAILQ_FOREACH(inc, &xd->reloc->in, entry)
		if (strcmp(inc->id, ij->rid) == 0)
			break;
	if (inc == NULL)	/* a restart since: what runs here says */
		ij->answer = (vm = vm_by_uuid(xd, ij->ruuid, NULL)) != NULL &&
		    vm->domid >= 0 ? "committed" : "aborted";
	else if (inc->state == INC_PENDING) {
		inc->state = INC_ABORTED;
		chan_shutdown(inc->chan);
		ij->answer = "aborted";
	} else
		ij->answer = inc->state == INC_COMMITTED ? "committed" :
		    "aborted";
	return 0;
}

static int
parse_hello(struct inc_job *ij, const char *body)
{
	yajl_val	 doc, rings;
	const char	*id, *name, *u;
	int64_t		 mem = 0;
	size_t		 i;
	char		*why = NULL;
	int		 rc = -1;

	if ((doc = json_parse(body, strlen(body), CHAN_MAX_MSG, &why)) == NULL) {
		ij_fail(ij, EINVAL, "a malformed HELLO: %s", why);
		free(why);
		return -1;
	}
	id = json_get_str(doc, "id");
	name = json_get_str(doc, "name");
	u = json_get_str(doc, "uuid");
	if (id == NULL || strlen(id) != 32 || strspn(id, "0123456789abcdef") !=
	    32 || name == NULL || *name == '\0' || strlen(name) >= 64 ||
	    u == NULL || uuid_parse(u, ij->h.uuid) == -1 ||
	    json_get_i64(doc, "memory_bytes", &mem) == -1 || mem <= 0) {
		ij_fail(ij, EINVAL, "a HELLO without a valid id, name, uuid "
		    "and memory_bytes");
		goto out;
	}
	strlcpy(ij->h.id, id, sizeof(ij->h.id));
	strlcpy(ij->h.name, name, sizeof(ij->h.name));
	ij->h.mem_bytes = (uint64_t)mem;
	if (json_get_i64(doc, "suspend_timeout_s", &ij->h.suspend_s) == -1 ||
	    ij->h.suspend_s < 0 || ij->h.suspend_s > 86400)
		ij->h.suspend_s = 0;
	(void)json_get_bool(doc, "managed", &ij->h.managed);
	(void)json_get_bool(doc, "live", &ij->h.live);
	rings = json_get(doc, "rings");
	if (YAJL_IS_ARRAY(rings) && rings->u.array.len == 4) {
		ij->h.have_rings = 1;
		for (i = 0; i < 4; i++)
			if (!YAJL_IS_INTEGER(rings->u.array.values[i]) ||
			    YAJL_GET_INTEGER(rings->u.array.values[i]) < 0)
				ij->h.have_rings = 0;
			else
				ij->h.rings[i] = (uint64_t)YAJL_GET_INTEGER(
				    rings->u.array.values[i]);
	}
	rc = 0;
out:
	json_free(doc);
	return rc;
}

static int
parse_resolve(struct inc_job *ij, const char *body)
{
	yajl_val	 doc;
	const char	*id, *u;
	char		*why = NULL;
	int		 rc = -1;

	if ((doc = json_parse(body, strlen(body), CHAN_MAX_MSG, &why)) == NULL) {
		free(why);
		return ij_fail(ij, EINVAL, "a malformed RESOLVE");
	}
	if ((id = json_get_str(doc, "id")) != NULL && strlen(id) < 40 &&
	    (u = json_get_str(doc, "uuid")) != NULL &&
	    uuid_parse(u, ij->ruuid) == 0) {
		strlcpy(ij->rid, id, sizeof(ij->rid));
		rc = 0;
	} else
		ij_fail(ij, EINVAL, "a RESOLVE without id and uuid");
	json_free(doc);
	return rc;
}

static void
refuse(struct inc_job *ij)
{
	struct json_w	*w;
	char		*body, *cause = NULL;

	if (ij->chan == NULL || (w = json_w_new(0)) == NULL)
		return;
	json_w_obj_open(w);
	json_w_ki64(w, "errno", ij->err);
	json_w_kstr(w, "message", ij->cause ? ij->cause : "refused");
	json_w_obj_close(w);
	if ((body = json_w_strdup(w)) != NULL &&
	    chan_send(ij->chan, MSG_REFUSE, body, &cause) == -1)
		free(cause);
	else
		chan_linger(ij->chan, 500);
	free(body);
	json_w_free(w);
}

/* The peer's name for hosts-allow ("" when it has none). */
static void
peer_name(const char *addr, char *name, size_t size)
{
	struct addrinfo	 hints, *res;

	*name = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_NUMERICHOST;
	if (getaddrinfo(addr, NULL, &hints, &res) != 0)
		return;
	if (getnameinfo(res->ai_addr, res->ai_addrlen, name, (socklen_t)size,
	    NULL, 0, NI_NAMEREQD) != 0)
		*name = '\0';
	freeaddrinfo(res);
}

/* Receive the domain: stream, READY, COMMIT, RUNNING. */
static void
receive(struct job *job, struct inc_job *ij)
{
	xc_interface	*xch;
	uint32_t	 type;
	char		*body = NULL, *cause = NULL, reply[64];

	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		ij_fail(ij, EIO, "cannot reach the hypervisor");
		refuse(ij);
		(void)job_call(job, abort_on_loop, ij);
		return;
	}
	snprintf(ij->migration, sizeof(ij->migration), "migration %s",
	    ij->h.id);
	ij->rs.job = job;
	ij->rs.want_uuid = ij->h.uuid;
	ij->rs.migration = ij->migration;
	ij->rs.managed = ij->h.managed;
	ij->rs.have_rings = ij->h.have_rings;
	memcpy(ij->rs.rings, ij->h.rings, sizeof(ij->rs.rings));
	if (chan_send(ij->chan, MSG_ACCEPT, NULL, &cause) == -1)
		goto fail;
	/* The stream stands still while the guest there suspends. */
	chan_set_timeout(ij->chan, ij->conf.timeout_s + (int)ij->h.suspend_s);
	if (rs_stream(&ij->rs, xch, -1, chan_io(ij->chan), ij->peer) == -1) {
		ij_fail(ij, ij->rs.err, "%s", ij->rs.cause);
		refuse(ij);
		goto out;
	}
	chan_set_timeout(ij->chan, ij->conf.timeout_s);
	snprintf(reply, sizeof(reply), "{\"domid\":%u}", ij->rs.domid);
	if (chan_send(ij->chan, MSG_READY, reply, &cause) == -1 ||
	    chan_recv(ij->chan, &type, &body, &cause) == -1)
		goto fail;
	if (type != MSG_COMMIT) {
		ij_fail(ij, EPROTO, "message %u where COMMIT was due", type);
		goto fail;
	}
	if (job_call(job, commit_on_loop, ij) == -1) {
		refuse(ij);
		goto out;
	}
	if (chan_send(ij->chan, MSG_RUNNING, reply, &cause) == -1) {
		/* It runs here now; the source learns it by asking. */
		log_warnx("%s: %s", __func__, cause);
	}
	(void)job_call(job, settled_on_loop, ij);
	log_info("%s: %s from %s runs here as domain %u", __func__, ij->h.name,
	    ij->peer, ij->rs.domid);
	goto out;
fail:
	if (cause != NULL)
		ij_fail(ij, EIO, "%s", cause);
	(void)job_call(job, abort_on_loop, ij);
out:
	if (ij->cause != NULL)
		log_warnx("%s: %s from %s: %s; nothing is left of it here",
		    __func__, ij->h.name, ij->peer, ij->cause);
	free(cause);
	free(body);
	xc_interface_close(xch);
}

static void
run(struct job *job, void *arg)
{
	struct inc_job	*ij = arg;
	uint32_t	 type;
	char		 name[NI_MAXHOST], *body = NULL, *cause = NULL, rep[64];
	int		 allowed;

	peer_name(ij->peer, name, sizeof(name));
	allowed = reloc_host_allowed(ij->conf.hosts_allow, ij->peer, name,
	    &cause);
	ij->chan = chan_accept(ij->fd, ij->peer, ij->conf.ssl_server ?
	    &ij->conf.tls : NULL, ij->conf.timeout_s, &cause);
	if (ij->chan == NULL) {
		log_warnx("relocation: %s", cause);
		goto out;
	}
	if (allowed != 1) {
		ij_fail(ij, EACCES, "%s%s%s is not allowed to migrate domains "
		    "here (xend-relocation-hosts-allow)", ij->peer,
		    *name ? " " : "", *name ? name : "");
		log_warnx("relocation: refused %s: %s", ij->peer, allowed ==
		    -1 ? cause : "not in xend-relocation-hosts-allow");
		refuse(ij);
		goto out;
	}
	if (chan_recv(ij->chan, &type, &body, &cause) == -1) {
		log_warnx("relocation: %s", cause);
		goto out;
	}
	if (type == MSG_RESOLVE) {
		if (parse_resolve(ij, body) == -1) {
			refuse(ij);
			goto out;
		}
		(void)job_call(job, resolve_on_loop, ij);
		snprintf(rep, sizeof(rep), "{\"state\":\"%s\"}", ij->answer);
		log_info("relocation: %s asked about migration %s: %s",
		    ij->peer, ij->rid, ij->answer);
		if (chan_send(ij->chan, MSG_RESOLVED, rep, &cause) == -1)
			log_warnx("relocation: %s", cause);
		goto out;
	}
	if (type != MSG_HELLO || parse_hello(ij, body) == -1 ||
	    job_call(job, hello_on_loop, ij) == -1) {
		if (ij->cause == NULL)
			ij_fail(ij, EPROTO, "expected HELLO");
		log_warnx("relocation: refused %s: %s", ij->peer, ij->cause);
		refuse(ij);
		goto out;
	}
	log_info("relocation: receiving %s from %s (%s, migration %s)",
	    ij->h.name, ij->peer, ij->h.live ? "live" : "stopped", ij->h.id);
	receive(job, ij);
out:
	free(body);
	free(cause);
}

static void
prune(struct xvmd *xd)
{
	struct incoming	*inc, *next;
	int		 n = 0;

	TAILQ_FOREACH(inc, &xd->reloc->in, entry)
		if (inc->ended != 0)
			n++;
	TAILQ_FOREACH_SAFE(inc, &xd->reloc->in, entry, next) {
		if (n <= KEEP_ENDED)
			break;
		if (inc->ended == 0)
			continue;
		TAILQ_REMOVE(&xd->reloc->in, inc, entry);
		free(inc);
		n--;
	}
}

static void
done(struct xvmd *xd, void *arg)
{
	struct inc_job	*ij = arg;

	xd->reloc->nin--;
	if (ij->inc != NULL) {
		ij->inc->chan = NULL;
		ij->inc->ended = time(NULL);
		if (ij->inc->state == INC_PENDING)
			ij->inc->state = INC_ABORTED;
	}
	if (ij->chan != NULL)
		chan_close(ij->chan);		/* and the fd it owns */
	else
		close(ij->fd);
	rs_clear(&ij->rs);
	free(ij->cause);
	free(ij);
	prune(xd);
}

void
migrate_in_fini(struct xvmd *xd)
{
	struct incoming	*inc;

	while ((inc = TAILQ_FIRST(&xd->reloc->in)) != NULL) {
		TAILQ_REMOVE(&xd->reloc->in, inc, entry);
		free(inc);
	}
}

/* The fd stays open until done(): shutting it down is always safe. */
static void
cancel(void *arg)
{
	struct inc_job	*ij = arg;

	(void)shutdown(ij->fd, SHUT_RDWR);
}

static const struct job_ops in_ops = {
	.what = "incoming migration",
	.run = run,
	.done = done,
	.cancel = cancel,
};

void
migrate_in_accept(struct xvmd *xd, int fd, const char *peer)
{
	struct inc_job	*ij;

	if (xd->reloc->nin >= MAX_INCOMING || xd->stopping) {
		log_warnx("relocation: refused %s: %d migrations are coming in "
		    "already", peer, xd->reloc->nin);
		close(fd);
		return;
	}
	ij = xcalloc(1, sizeof(*ij));
	ij->fd = fd;
	strlcpy(ij->peer, peer, sizeof(ij->peer));
	reloc_conf_get(xd, &ij->conf);
	if (job_start(xd, &in_ops, ij) == -1) {
		log_warn("relocation: refused %s", peer);
		close(fd);
		free(ij);
		return;
	}
	xd->reloc->nin++;
}
