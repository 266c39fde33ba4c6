/*
 * libvirt's migration procedures, version 3 with typed parameters (what
 * virsh 9.0 uses), and the job procedures (domjobinfo, domjobabort), all
 * onto the one migration API (migrate.h).  docs/libvirt.md and
 * docs/migration.md ("For the libvirt front-end") give the mapping.
 *
 * The client-driven flow (virsh migrate without --p2p): Begin3Params on
 * the source answers the domain's XML; Prepare3Params on the destination
 * answers the URI of its relocation server; Perform3Params on the source
 * runs the whole migration (xvmd to xvmd, docs/migration.md) and answers
 * when it has ended; Finish3Params on the destination answers the domain,
 * which runs there already; Confirm3Params on the source has nothing left
 * to do (the domain is gone, or runs on after a failure).  With --p2p the
 * client sends only Perform3Params with the destination's libvirt URI:
 * its host, or for a local socket (xen+unix:///system?socket=PATH) that
 * daemon's Prepare3Params answer (virt_peer.c), names the relocation
 * server.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "xvmd/migrate.h"
#include "xvmd/reloc.h"
#include "xvmd/virt.h"
#include "xvmd/virt_migrate.h"
#include "xvmd/virt_procs.h"
#include "xvmd/virt_xml.h"
#include "xvmd/vm.h"
#include "xvmd/xendconf.h"
#include "xvmd/xvmd.h"

/* virDomainMigrateFlags we honour (the others are refused). */
#define MF_LIVE			0x1
#define MF_PEER2PEER		0x2
#define MF_PERSIST_DEST		0x8
#define MF_UNDEFINE_SOURCE	0x10
#define MF_CHANGE_PROTECTION	0x100
#define MF_UNSAFE		0x200
#define MF_ABORT_ON_ERROR	0x1000
#define MF_TLS			0x10000
#define MF_OK	(MF_LIVE | MF_PEER2PEER | MF_PERSIST_DEST | \
    MF_UNDEFINE_SOURCE | MF_CHANGE_PROTECTION | MF_UNSAFE | \
    MF_ABORT_ON_ERROR | MF_TLS)

#define PARAMS_MAX	64	/* REMOTE_DOMAIN_MIGRATE_PARAM_LIST_MAX */
#define FIELD_MAX	80	/* VIR_TYPED_PARAM_FIELD_LENGTH */
#define COOKIE_MAX	(4u * 1024 * 1024)

/* virTypedParameterType */
enum { TP_INT = 1, TP_UINT, TP_LLONG, TP_ULLONG, TP_DOUBLE, TP_BOOLEAN,
    TP_STRING };

void
vmp_free(struct virt_mparams *mp)
{
	free(mp->uri);
	free(mp->dname);
	free(mp->dxml);
	memset(mp, 0, sizeof(*mp));
}

/*
 * remote_typed_param params<64>: the ones we know; any other is refused
 * by name, as libvirt's drivers do.  0, or -1 with the call's error.
 */
static int
get_params(struct virt_call *c, struct virt_mparams *mp)
{
	uint32_t	 n, i, u32;
	uint64_t	 u64;
	int32_t		 type;
	char		*field = NULL, *str = NULL, **slot;
	uint8_t		 dbl[8];
	int		 rc = -1;

	memset(mp, 0, sizeof(*mp));
	if (xdr_get_u32(c->in, &n) == -1 || n > PARAMS_MAX)
		return virt_bad_args(c);
	for (i = 0; i < n; i++) {
		if (xdr_get_str(c->in, FIELD_MAX, &field) == -1 ||
		    xdr_get_i32(c->in, &type) == -1)
			goto bad;
		str = NULL;
		switch (type) {
		case TP_INT: case TP_UINT: case TP_BOOLEAN:
			if (xdr_get_u32(c->in, &u32) == -1)
				goto bad;
			u64 = u32;
			break;
		case TP_LLONG: case TP_ULLONG:
			if (xdr_get_u64(c->in, &u64) == -1)
				goto bad;
			break;
		case TP_DOUBLE:
			if (xdr_get_fixed(c->in, dbl, sizeof(dbl)) == -1)
				goto bad;
			u64 = 1;
			break;
		case TP_STRING:
			if (xdr_get_str(c->in, XDR_STRING_MAX, &str) == -1)
				goto bad;
			u64 = 0;
			break;
		default:
			goto bad;
		}
		slot = NULL;
		if (strcmp(field, "migrate_uri") == 0)
			slot = &mp->uri;
		else if (strcmp(field, "destination_name") == 0)
			slot = &mp->dname;
		else if (strcmp(field, "destination_xml") == 0)
			slot = &mp->dxml;
		else if (strcmp(field, "persistent_xml") == 0 &&
		    type == TP_STRING)
			;	/* a managed domain's config moves with it */
		else if (strcmp(field, "bandwidth") == 0 && type == TP_ULLONG &&
		    u64 == 0)
			;	/* 0: unlimited, what we do */
		else {
			virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED, "argument "
			    "unsupported: migration parameter '%s' is not "
			    "supported by xVM", field);
			goto out;
		}
		if (slot != NULL) {
			if (type != TP_STRING) {
				virt_error(c, VIR_ERR_INVALID_ARG, "invalid "
				    "argument: migration parameter '%s' must "
				    "be a string", field);
				goto out;
			}
			free(*slot);
			*slot = str;
			str = NULL;
		}
		free(str);
		free(field);
		field = str = NULL;
	}
	return 0;
bad:
	virt_bad_args(c);
out:
	free(field);
	free(str);
	vmp_free(mp);
	return rc;
}

/* opaque cookie_in<>: we send none and need none; skipped. */
static int
get_cookie(struct virt_call *c)
{
	const uint8_t	*p;
	size_t		 len;

	if (xdr_get_opaque(c->in, COOKIE_MAX, &p, &len) == -1)
		return virt_bad_args(c);
	return 0;
}

static int
check_flags(struct virt_call *c, uint32_t flags)
{
	if ((flags & ~(uint32_t)MF_OK) != 0)
		return virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED, "argument "
		    "unsupported: migration flags 0x%x are not supported by "
		    "xVM (offline, paused, tunnelled, non-shared storage, "
		    "compression, post-copy)", flags & ~(uint32_t)MF_OK);
	return 0;
}

/* A destination name other than the domain's own is not done. */
static int
check_dname(struct virt_call *c, const struct virt_mparams *mp,
    const char *name)
{
	if (mp->dname != NULL && name != NULL && strcmp(mp->dname, name) != 0)
		return virt_error(c, VIR_ERR_ARGUMENT_UNSUPPORTED, "argument "
		    "unsupported: xVM migrates '%s' under its own name, not "
		    "'%s'", name, mp->dname);
	return 0;
}

/* REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS: dom, params, flags. */
int
vp_migrate_begin3_params(struct virt_call *c)
{
	struct virt_mparams	 mp;
	uint32_t		 flags;
	char			*xml;
	int			 rc = -1;

	if (get_params(c, &mp) == -1)
		return -1;
	if (xdr_get_u32(c->in, &flags) == -1) {
		virt_bad_args(c);
		goto out;
	}
	if (check_flags(c, flags) == -1 || check_dname(c, &mp,
	    c->vm->name) == -1)
		goto out;
	if (c->vm->domid < 0) {
		virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested operation "
		    "is not valid: domain '%s' is not running", c->vm->name);
		goto out;
	}
	xml = virt_xml_format(c->xd, c->vm, 0);
	xdr_put_opaque(c->out, NULL, 0);	/* cookie_out */
	xdr_put_str(c->out, xml);
	free(xml);
	rc = 0;
out:
	vmp_free(&mp);
	return rc;
}

/*
 * Our relocation server's URI, for the source's Perform3Params:
 * "tls://HOST:PORT" or "tcp://HOST:PORT", HOST xend-relocation-address or
 * this host's name.  NULL with *cause when the server is off.
 */
char *
virt_reloc_uri(struct xvmd *xd, char **cause)
{
	struct reloc_conf	 rc;
	const char		*addr;
	char			 host[256], *uri;

	if (xd->reloc == NULL || xd->reloc->listener == NULL) {
		xasprintf(cause, "this host's relocation server is off "
		    "(xend-relocation-server): it cannot receive domains");
		return NULL;
	}
	reloc_conf_get(xd, &rc);
	addr = xendconf_str(&xd->conf, XC_RELOC_ADDRESS);
	if (addr != NULL && *addr != '\0' && strcmp(addr, "0.0.0.0") != 0 &&
	    strcmp(addr, "::") != 0)
		strlcpy(host, addr, sizeof(host));
	else if (gethostname(host, sizeof(host)) == -1) {
		xasprintf(cause, "gethostname: %s", strerror(errno));
		return NULL;
	}
	host[sizeof(host) - 1] = '\0';
	xasprintf(&uri, "%s://%s%s%s:%u", rc.ssl_server ? "tls" : "tcp",
	    strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "",
	    rc.ssl_server ? rc.ssl_port : rc.port);
	return uri;
}

/* REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS: params, cookie, flags. */
int
vp_migrate_prepare3_params(struct virt_call *c)
{
	struct virt_mparams	 mp;
	uint32_t		 flags;
	char			*uri, *cause = NULL;
	int			 rc = -1;

	if (get_params(c, &mp) == -1)
		return -1;
	if (get_cookie(c) == -1 || xdr_get_u32(c->in, &flags) == -1) {
		virt_bad_args(c);
		goto out;
	}
	if (check_flags(c, flags) == -1)
		goto out;
	if (mp.dname != NULL && vm_by_name(c->xd, mp.dname) != NULL) {
		virt_error(c, VIR_ERR_DOM_EXIST, "operation failed: domain "
		    "'%s' already exists on this host", mp.dname);
		goto out;
	}
	if ((uri = virt_reloc_uri(c->xd, &cause)) == NULL) {
		virt_error(c, VIR_ERR_OPERATION_INVALID, "Requested operation "
		    "is not valid: %s", cause);
		free(cause);
		goto out;
	}
	log_info("%s: %s may come in through %s", __func__,
	    mp.dname ? mp.dname : "a domain", uri);
	xdr_put_opaque(c->out, NULL, 0);	/* cookie_out */
	xdr_put_optstr(c->out, uri);
	free(uri);
	rc = 0;
out:
	vmp_free(&mp);
	return rc;
}

/* The migration ended: Perform3Params' reply (an empty cookie_out). */
static void
performed(struct xvmd *xd, struct migration *m, int err, const char *msg,
    void *arg)
{
	struct buf	 body = BUF_INITIALIZER;

	(void)xd;
	(void)m;
	xdr_put_opaque(&body, NULL, 0);
	virt_later_reply(arg, err, msg, &body);
	buf_free(&body);
}

/* REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS: dom, dconnuri, params,
 * cookie, flags; the reply when the migration has ended. */
int
vp_migrate_perform3_params(struct virt_call *c)
{
	struct virt_mparams	 mp;
	struct migrate_args	 a = { .tls = -1 };
	struct virt_target	 t;
	char			*dconnuri = NULL, *cause = NULL;
	uint32_t		 flags;
	int			 err, rc = -1;

	memset(&t, 0, sizeof(t));
	if (xdr_get_optstr(c->in, 4096, &dconnuri) == -1)
		return virt_bad_args(c);
	if (get_params(c, &mp) == -1) {
		free(dconnuri);
		return -1;
	}
	if (get_cookie(c) == -1 || xdr_get_u32(c->in, &flags) == -1) {
		virt_bad_args(c);
		goto out;
	}
	if (check_flags(c, flags) == -1 || check_dname(c, &mp,
	    c->vm->name) == -1)
		goto out;
	if (virt_target(c->xd, mp.uri, (flags & MF_PEER2PEER) ? dconnuri :
	    NULL, c->vm->name, &t, &cause) == -1) {
		virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: %s",
		    cause);
		free(cause);
		goto out;
	}
	a.host = t.host;
	a.port = t.port;
	a.live = (flags & MF_LIVE) != 0;
	a.tls = t.tls || (flags & MF_TLS) ? 1 : -1;
	if ((err = migrate_start(c->xd, c->vm, &a, performed,
	    virt_later_new(c), NULL, &cause)) != 0) {
		virt_later_cancel(c);
		virt_errno(c, err, cause);
		goto out;
	}
	rc = 0;
out:
	free(dconnuri);
	vmp_free(&mp);
	return rc;
}

/* REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS: params, cookie, flags,
 * cancelled; the domain, which runs here once its migration committed. */
int
vp_migrate_finish3_params(struct virt_call *c)
{
	struct virt_mparams	 mp;
	struct vm		*vm;
	uint32_t		 flags;
	int32_t			 cancelled;
	int			 rc = -1;

	if (get_params(c, &mp) == -1)
		return -1;
	if (get_cookie(c) == -1 || xdr_get_u32(c->in, &flags) == -1 ||
	    xdr_get_i32(c->in, &cancelled) == -1) {
		virt_bad_args(c);
		goto out;
	}
	if (mp.dname == NULL) {
		virt_error(c, VIR_ERR_INVALID_ARG, "invalid argument: "
		    "migration parameter 'destination_name' is required");
		goto out;
	}
	if (cancelled) {	/* the stream was cut: nothing of it is here */
		virt_error(c, VIR_ERR_OPERATION_FAILED, "operation failed: "
		    "the migration of '%s' did not complete; it is not on "
		    "this host", mp.dname);
		goto out;
	}
	if ((vm = vm_by_name(c->xd, mp.dname)) == NULL || vm->domid < 0) {
		virt_error(c, VIR_ERR_NO_DOMAIN, "Domain not found: '%s' did "
		    "not arrive on this host", mp.dname);
		goto out;
	}
	virt_put_dom(c->out, c->xd, vm);
	xdr_put_opaque(c->out, NULL, 0);	/* cookie_out */
	rc = 0;
out:
	vmp_free(&mp);
	return rc;
}

/* REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS: dom, params, cookie, flags,
 * cancelled.  Not P_DOM: once migrated the domain is gone from here. */
int
vp_migrate_confirm3_params(struct virt_call *c)
{
	struct virt_mparams	 mp;
	uint8_t			 uuid[16];
	char			*name = NULL;
	uint32_t		 flags;
	int32_t			 id, cancelled;
	int			 rc = -1;

	if (xdr_get_str(c->in, XDR_STRING_MAX, &name) == -1 ||
	    xdr_get_fixed(c->in, uuid, 16) == -1 ||
	    xdr_get_i32(c->in, &id) == -1) {
		free(name);
		return virt_bad_args(c);
	}
	if (get_params(c, &mp) == -1) {
		free(name);
		return -1;
	}
	if (get_cookie(c) == -1 || xdr_get_u32(c->in, &flags) == -1 ||
	    xdr_get_i32(c->in, &cancelled) == -1) {
		virt_bad_args(c);
		goto out;
	}
	log_info("%s: %s %s", __func__, name, cancelled ? "runs on here "
	    "(the migration failed)" : "left this host");
	rc = 0;
out:
	free(name);
	vmp_free(&mp);
	return rc;
}
