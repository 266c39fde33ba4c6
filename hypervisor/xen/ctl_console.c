/* privcmd handlers for the domains' emulated consoles: watch, read output, write input. */
#include <errno.h>
#include <string.h>

#include <xvm/privcmd.h>

#include "hypervisor/xen/control_priv.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/domcons.h"

int
ctl_console_watch(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	int	fd;

	(void)d; (void)req; (void)len;
	if (c->cwatch != NULL)
		return EBUSY;
	if ((c->cwatch = domcons_watch_new(c->hv, &fd)) == NULL)
		return errno;
	r->fds[r->nfds++] = fd;
	return 0;
}

int
ctl_console_read(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_console_read		 rq;
	struct privcmd_console_read_reply	 rep;
	char					*out;

	(void)len;
	memcpy(&rq, req, sizeof(rq));
	if (rq.max > PRIVCMD_MAX_PAYLOAD - sizeof(rep))
		return EINVAL;
	/* Told again of anything written from now on. */
	if (c->cwatch != NULL)
		domcons_rearm(c->hv, c->cwatch, d->domid);
	memset(&rep, 0, sizeof(rep));
	buf_add(r->payload, &rep, sizeof(rep));
	if ((out = buf_space(r->payload, rq.max ? rq.max : 1)) == NULL)
		return ENOMEM;
	rep.len = (uint32_t)domcons_read(d, rq.pos, out, rq.max, &rep.start,
	    &rep.end);
	buf_commit(r->payload, rep.len);
	memcpy(buf_data(r->payload), &rep, sizeof(rep));
	return 0;
}

int
ctl_console_write(struct ctl_client *c, struct domain *d, const void *req,
    uint32_t len, struct ctl_reply *r)
{
	struct privcmd_console_write		 w;
	struct privcmd_console_write_reply	 rep;

	memcpy(&w, req, sizeof(w));
	if (w.len != len - sizeof(w))
		return EINVAL;
	if (c->hv->mops == NULL || c->hv->mops->console_input == NULL)
		return ENOSYS;
	memset(&rep, 0, sizeof(rep));
	rep.written = (uint32_t)c->hv->mops->console_input(d,
	    (const char *)req + sizeof(w), w.len);
	buf_add(r->payload, &rep, sizeof(rep));
	return 0;
}

void
ctl_console_client_gone(struct ctl_client *c)
{
	domcons_watch_free(c->hv, c->cwatch);
	c->cwatch = NULL;
}
