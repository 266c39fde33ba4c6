/* libxc: xc_domain_restore, a save stream into a new paused domain. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <xvm/xc_sr.h>

#include "libxc/xc_sr.h"

#define MAX_VCPUS	64
#define MAX_MEM		(64ull << 30)

struct restore {
	xc_interface		*xch;
	uint32_t		 dom;
	int			 created;
	struct sr_stream	*s;
	uint8_t			*ram;
	uint64_t		 mem_bytes;
	uint8_t			*ctx;		/* applied after END */
	uint32_t		 clen;
};

static int
bad(void)
{
	errno = EBADMSG;
	return -1;
}

static int
make_domain(struct restore *rs, const struct sr_domain *d,
    const struct restore_callbacks *cb)
{
	struct xen_domctl_createdomain	 c;

	if (rs->created || d->max_vcpus == 0 || d->max_vcpus > MAX_VCPUS ||
	    d->mem_bytes == 0 || d->mem_bytes % SR_PAGE != 0 ||
	    d->mem_bytes > MAX_MEM)
		return bad();
	memset(&c, 0, sizeof(c));
	c.max_vcpus = d->max_vcpus;
	c.max_mem_kb = d->mem_bytes >> 10;
	if (cb != NULL)
		memcpy(c.handle, cb->handle, sizeof(c.handle));
	if (xc_domain_create(rs->xch, &rs->dom, &c) == -1)
		return -1;
	rs->created = 1;
	rs->mem_bytes = d->mem_bytes;
	if (cb != NULL && cb->created != NULL &&
	    cb->created(rs->dom, cb->data) == -1)
		return -1;
	/*
	 * No populate: the RAM span is the guest's to touch, and a page is
	 * backed when first written -- here, only the ones with data, so a
	 * sparse domain stays sparse.
	 */
	rs->ram = xc_map_foreign_range(rs->xch, rs->dom, (int)d->mem_bytes,
	    PROT_READ | PROT_WRITE, (unsigned long)SR_RAM_PFN);
	return rs->ram == NULL ? -1 : 0;
}

static int
put_pages(struct restore *rs, const uint8_t *body, uint32_t len)
{
	struct sr_pages	 h;
	const uint8_t	*data;
	uint64_t	 e, i, pfn, ndata = 0;

	if (rs->ram == NULL || len < sizeof(h))
		return bad();
	memcpy(&h, body, sizeof(h));
	if (h.count == 0 || h.count > SR_BATCH ||
	    len < sizeof(h) + (uint64_t)h.count * 8)
		return bad();
	for (i = 0; i < h.count; i++) {
		memcpy(&e, body + sizeof(h) + i * 8, 8);
		if (SR_PFN_TYPE(e) == SR_PAGE_NORMAL)
			ndata++;
		else if (SR_PFN_TYPE(e) != SR_PAGE_ZERO)
			return bad();
		pfn = e & SR_PFN_MASK;
		if (pfn < SR_RAM_PFN ||
		    pfn - SR_RAM_PFN >= rs->mem_bytes / SR_PAGE)
			return bad();
	}
	if (len != sizeof(h) + (uint64_t)h.count * 8 + ndata * SR_PAGE)
		return bad();
	data = body + sizeof(h) + (size_t)h.count * 8;
	for (i = 0; i < h.count; i++) {
		memcpy(&e, body + sizeof(h) + i * 8, 8);
		pfn = (e & SR_PFN_MASK) - SR_RAM_PFN;
		if (SR_PFN_TYPE(e) == SR_PAGE_ZERO)
			memset(rs->ram + pfn * SR_PAGE, 0, SR_PAGE);
		else {
			memcpy(rs->ram + pfn * SR_PAGE, data, SR_PAGE);
			data += SR_PAGE;
		}
	}
	return 0;
}

/*
 * The guest's store and console channels: a fresh domain hands out ports
 * from 1 up, so allocating up to the highest gives the same numbers.
 */
static int
remake_channels(struct restore *rs)
{
	uint64_t	 want[2] = { 0, 0 }, top;
	int		 port;

	if (xc_hvm_param_get(rs->xch, rs->dom, HVM_PARAM_STORE_EVTCHN,
	    &want[0]) == -1 ||
	    xc_hvm_param_get(rs->xch, rs->dom, HVM_PARAM_CONSOLE_EVTCHN,
	    &want[1]) == -1)
		return -1;
	top = want[0] > want[1] ? want[0] : want[1];
	if (top > 1024)
		return bad();
	for (port = 0; (uint64_t)port < top; ) {
		if ((port = xc_evtchn_alloc_unbound(rs->xch, rs->dom, 0)) < 0)
			return -1;
		if (port == 0) {
			errno = EPROTO;
			return -1;
		}
	}
	return 0;
}

static int
apply(struct restore *rs)
{
	if (rs->ram == NULL || rs->ctx == NULL)
		return bad();
	if (xc_domain_hvm_setcontext(rs->xch, rs->dom, rs->ctx, rs->clen) == -1)
		return -1;
	return remake_channels(rs);
}

int
xc_domain_restore(xc_interface *xch, int io_fd, uint32_t *dom,
    struct restore_callbacks *cb)
{
	struct restore	 rs = { .xch = xch };
	struct sr_domain d;
	uint32_t	 flags, type, len;
	void		*body = NULL;
	const void	*ts = NULL;
	uint32_t	 tslen = 0;
	int		 rc = -1, saved;

	if ((rs.s = sr_open(io_fd, cb != NULL ? cb->io : NULL)) == NULL)
		return -1;
	if (sr_read_header(rs.s, &flags) == -1)
		goto out;
	(void)flags;		/* live or not, the records are the same */
	for (;;) {
		free(body);
		if (sr_read_rec(rs.s, &type, &body, &len) == -1)
			goto out;
		switch (type) {
		case SR_REC_TOOLSTACK:
			if (ts != NULL || rs.created) {
				bad();
				goto out;
			}
			ts = body;	/* kept until the shape comes */
			tslen = len;
			body = NULL;
			break;
		case SR_REC_DOMAIN:
			if (len != sizeof(d)) {
				bad();
				goto out;
			}
			memcpy(&d, body, sizeof(d));
			if (cb != NULL && cb->toolstack != NULL) {
				struct xc_sr_shape sh = { d.max_vcpus,
				    d.mem_bytes };

				if (cb->toolstack(ts, tslen, &sh,
				    cb->data) == -1)
					goto out;
			}
			if (make_domain(&rs, &d, cb) == -1)
				goto out;
			break;
		case SR_REC_PAGE_DATA:
			if (put_pages(&rs, body, len) == -1)
				goto out;
			break;
		case SR_REC_HV_CONTEXT:
			if (rs.ctx != NULL) {
				bad();
				goto out;
			}
			rs.ctx = body;
			rs.clen = len;
			body = NULL;
			break;
		case SR_REC_END:
			if (sr_read_done(rs.s) == -1 || apply(&rs) == -1)
				goto out;
			rc = 0;
			goto out;
		default:
			bad();
			goto out;
		}
	}
out:
	saved = errno;
	free(body);
	free((void *)(uintptr_t)ts);
	free(rs.ctx);
	if (rs.ram != NULL)
		munmap(rs.ram, rs.mem_bytes);
	sr_close(rs.s);
	if (rc == -1 && rs.created)
		(void)xc_domain_destroy(xch, rs.dom);
	if (rc == 0)
		*dom = rs.dom;
	errno = saved;
	return rc;
}
