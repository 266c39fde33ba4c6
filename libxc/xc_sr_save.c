/* libxc: xc_domain_save, a domain's memory and context as a stream, optionally live. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/xc_sr.h>

#include "libxc/xc_private.h"
#include "libxc/xc_sr.h"

#define DEFAULT_ITERS		30
#define DEFAULT_THRESHOLD	50

struct save {
	xc_interface		*xch;
	uint32_t		 dom;
	struct sr_stream	*s;
	int			 fd;		/* the domain's memory */
	off_t			 base;		/* where RAM starts in it */
	uint64_t		 npages;
	uint64_t		*bitmap;	/* live: dirty frames */
	uint64_t		 ent[SR_BATCH];
	uint8_t			*data;		/* SR_BATCH pages */
	uint32_t		 n, ndata;
};

static int
zero_page(const uint8_t *p)
{
	const uint64_t	*w = (const uint64_t *)(const void *)p;
	size_t		 i;

	for (i = 0; i < SR_PAGE / 8; i++)
		if (w[i] != 0)
			return 0;
	return 1;
}

static int
flush_batch(struct save *sv)
{
	struct sr_pages	 h = { sv->n, 0 };
	uint8_t		*a;
	size_t		 alen = sizeof(h) + sv->n * sizeof(uint64_t);
	int		 rc;

	if (sv->n == 0)
		return 0;
	if ((a = malloc(alen)) == NULL)
		return -1;
	memcpy(a, &h, sizeof(h));
	memcpy(a + sizeof(h), sv->ent, sv->n * sizeof(uint64_t));
	rc = sr_write_rec(sv->s, SR_REC_PAGE_DATA, a, alen, sv->data,
	    (size_t)sv->ndata * SR_PAGE);
	free(a);
	sv->n = sv->ndata = 0;
	return rc;
}

/*
 * The domain's memory fd, read with pread: mapping it would allocate
 * every hole it reads (shmem does on a read fault), and a sparse domain
 * would come out of its save fully populated.
 */
int
sr_open_ram(xc_interface *xch, uint32_t dom, uint64_t npages, int *fd,
    off_t *base)
{
	struct privcmd_map_foreign		mf;
	struct privcmd_map_foreign_reply	rep;
	int					nfds = 1;

	memset(&mf, 0, sizeof(mf));
	mf.domid = dom;
	mf.prot = PROT_READ;
	mf.pfn = SR_RAM_PFN;
	mf.nr = npages;
	if (xc_call(&xch->conn, PRIVCMD_OP_MAP_FOREIGN, &mf, sizeof(mf),
	    NULL, 0, &rep, sizeof(rep), NULL, fd, &nfds) == -1)
		return -1;
	if (nfds != 1) {
		errno = EPROTO;
		return -1;
	}
	*base = (off_t)rep.offset;
	return 0;
}

static int
open_ram(struct save *sv)
{
	return sr_open_ram(sv->xch, sv->dom, sv->npages, &sv->fd, &sv->base);
}

/* Read frames [i, i + n) into the batch and queue them (n fits it). */
static int
queue_pages(struct save *sv, uint64_t i, uint32_t n, int skip_zero)
{
	uint8_t		*p = sv->data + (size_t)sv->ndata * SR_PAGE;
	size_t		 len = (size_t)n * SR_PAGE, got = 0;
	ssize_t		 r;
	uint32_t	 k;

	while (got < len) {
		r = pread(sv->fd, p + got, len - got,
		    sv->base + (off_t)(i * SR_PAGE + got));
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	/* Keep the non-zero pages' data packed; zero ones are marks. */
	for (k = 0; k < n; k++) {
		const uint8_t	*pg = p + (size_t)k * SR_PAGE;

		if (zero_page(pg)) {
			if (!skip_zero)
				sv->ent[sv->n++] = (SR_RAM_PFN + i + k) |
				    SR_PAGE_ZERO << 60;
			continue;
		}
		if (sv->data + (size_t)sv->ndata * SR_PAGE != pg)
			memmove(sv->data + (size_t)sv->ndata * SR_PAGE, pg,
			    SR_PAGE);
		sv->ndata++;
		sv->ent[sv->n++] = (SR_RAM_PFN + i + k) | SR_PAGE_NORMAL << 60;
	}
	return 0;
}

/* Frames [i, i + n), in batches. */
static int
send_range(struct save *sv, uint64_t i, uint64_t n, int skip_zero)
{
	uint32_t	 k;

	while (n > 0) {
		k = SR_BATCH - sv->n;
		if (k > n)
			k = (uint32_t)n;
		if (queue_pages(sv, i, k, skip_zero) == -1)
			return -1;
		if (sv->n == SR_BATCH && flush_batch(sv) == -1)
			return -1;
		i += k;
		n -= k;
	}
	return 0;
}

/*
 * Every frame that holds data (the first pass: the receiver starts from
 * zeros): SEEK_DATA / SEEK_HOLE skip what was never written.
 */
static int
send_all(struct save *sv, uint64_t *sent)
{
	off_t		 end = sv->base + (off_t)(sv->npages * SR_PAGE);
	off_t		 a, b = sv->base;
	uint64_t	 first, last;

	*sent = 0;
	while (b < end) {
		if ((a = lseek(sv->fd, b, SEEK_DATA)) == -1) {
			if (errno == ENXIO)
				break;		/* no data after b */
			return -1;
		}
		if (a >= end)
			break;
		if ((b = lseek(sv->fd, a, SEEK_HOLE)) == -1)
			return -1;
		if (b > end)
			b = end;
		first = (uint64_t)(a - sv->base) / SR_PAGE;
		last = ((uint64_t)(b - sv->base) + SR_PAGE - 1) / SR_PAGE;
		if (send_range(sv, first, last - first, 1) == -1)
			return -1;
		*sent += last - first;
	}
	return flush_batch(sv);
}

static int
bit(const uint64_t *map, uint64_t i)
{
	return (int)(map[i / 64] >> (i % 64) & 1);
}

/*
 * The frames dirtied since the last round (log-dirty CLEAN), a run of
 * consecutive dirty frames read with one pread.
 */
static int
send_dirty(struct save *sv, uint64_t *sent)
{
	uint64_t	 i, run, bits = (sv->npages + 63) & ~63ull;
	int		 n;

	n = xc_shadow_control(sv->xch, sv->dom,
	    XEN_DOMCTL_SHADOW_OP_CLEAN, sv->bitmap, (unsigned long)bits,
	    NULL, 0, NULL);
	if (n < 0)
		return -1;
	*sent = 0;
	for (i = 0; i < sv->npages; ) {
		if (sv->bitmap[i / 64] == 0) {
			i = (i / 64 + 1) * 64;
			continue;
		}
		if (!bit(sv->bitmap, i)) {
			i++;
			continue;
		}
		for (run = 1; i + run < sv->npages && bit(sv->bitmap, i + run);
		    run++)
			;
		if (send_range(sv, i, run, 0) == -1)
			return -1;
		*sent += run;
		i += run;
	}
	return flush_batch(sv);
}

/*
 * The store and console ring pages, once more: dom0's daemons write them
 * through their own mappings, which log-dirty mode cannot see.
 */
static int
send_rings(struct save *sv)
{
	static const uint32_t	 params[2] = { HVM_PARAM_STORE_PFN,
				    HVM_PARAM_CONSOLE_PFN };
	uint64_t		 pfn;
	int			 i;

	for (i = 0; i < 2; i++)
		if (xc_hvm_param_get(sv->xch, sv->dom, params[i], &pfn) == 0 &&
		    pfn >= SR_RAM_PFN && pfn - SR_RAM_PFN < sv->npages &&
		    send_range(sv, pfn - SR_RAM_PFN, 1, 0) == -1)
			return -1;
	return flush_batch(sv);
}

/* The domain's context (it must be stopped); malloc'd, *len its size. */
static uint8_t *
get_context(struct save *sv, uint32_t *len)
{
	uint8_t	*ctx;
	int	 n;

	if ((n = xc_domain_hvm_getcontext(sv->xch, sv->dom, NULL, 0)) <= 0)
		return NULL;
	if ((ctx = malloc((size_t)n)) == NULL)
		return NULL;
	if ((n = xc_domain_hvm_getcontext(sv->xch, sv->dom, ctx,
	    (uint32_t)n)) <= 0) {
		free(ctx);
		return NULL;
	}
	*len = (uint32_t)n;
	return ctx;
}

/* The RAM size and vCPU count, from the context's DOMAIN record. */
static int
shape_of(const uint8_t *ctx, uint32_t len, struct sr_domain *d)
{
	struct privcmd_ctx_rec		 r;
	struct privcmd_ctx_domain	 cd;

	if (len < sizeof(r) + sizeof(cd))
		goto bad;
	memcpy(&r, ctx, sizeof(r));
	if (r.type != PRIVCMD_CTX_DOMAIN || r.len < sizeof(cd))
		goto bad;
	memcpy(&cd, ctx + sizeof(r), sizeof(cd));
	d->max_vcpus = cd.max_vcpus;
	d->pad = 0;
	d->mem_bytes = cd.mem_bytes;
	return 0;
bad:
	errno = EPROTO;
	return -1;
}

/* Stop the domain only long enough to learn its shape. */
int
sr_peek_shape(xc_interface *xch, uint32_t dom, struct sr_domain *d)
{
	struct save	 sv = { .xch = xch, .dom = dom };
	uint8_t		*ctx;
	uint32_t	 len;
	int		 rc = -1, saved;

	if (xc_domain_pause(xch, dom) == -1)
		return -1;
	if ((ctx = get_context(&sv, &len)) != NULL)
		rc = shape_of(ctx, len, d);
	saved = errno;
	free(ctx);
	(void)xc_domain_unpause(xch, dom);
	errno = saved;
	return rc;
}

/* How many frames are dirty so far this round (log-dirty PEEK). */
static int
peek(struct save *sv, size_t words)
{
	int	 n;

	n = xc_shadow_control(sv->xch, sv->dom, XEN_DOMCTL_SHADOW_OP_PEEK,
	    sv->bitmap, (unsigned long)(words * 64), NULL, 0, NULL);
	return n < 0 ? 0 : n;
}

static uint64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Pre-copy: round 0 sends every page with data while the domain runs;
 * each later round resends what the last one left dirty.  The rounds end
 * when few pages are dirty, at the round limit, or when the round
 * callback (the toolstack's policy: downtime target, link speed) says so.
 */
static int
live_rounds(struct save *sv, struct save_callbacks *cb)
{
	struct xc_sr_round	 r = { 0, 0, 0, 0, 0 };
	uint64_t		 t0, b0;
	uint32_t		 iters = cb->max_iters ? cb->max_iters :
				    DEFAULT_ITERS;
	uint32_t		 thresh = cb->dirty_threshold ?
				    cb->dirty_threshold : DEFAULT_THRESHOLD;
	size_t			 words = (size_t)(sv->npages + 63) / 64;

	if ((sv->bitmap = calloc(words, sizeof(uint64_t))) == NULL)
		return -1;
	if (xc_shadow_control(sv->xch, sv->dom,
	    XEN_DOMCTL_SHADOW_OP_ENABLE_LOGDIRTY, NULL, 0, NULL, 0, NULL) == -1)
		return -1;
	t0 = now_ns();
	b0 = sr_bytes(sv->s);
	if (send_all(sv, &r.sent) == -1)
		return -1;
	for (;;) {
		r.dirty = (uint64_t)peek(sv, words);
		r.ns = now_ns() - t0;
		r.bytes = sr_bytes(sv->s) - b0;
		if (cb->round != NULL && cb->round(&r, cb->data) != 0)
			break;
		/* What is dirty now (the callback may have waited) decides. */
		if ((uint64_t)peek(sv, words) < thresh || ++r.round >= iters)
			break;
		t0 = now_ns();
		b0 = sr_bytes(sv->s);
		if (send_dirty(sv, &r.sent) == -1)
			return -1;
	}
	return 0;
}

int
xc_domain_save(xc_interface *xch, int io_fd, uint32_t dom, uint32_t flags,
    struct save_callbacks *cb)
{
	struct save	 sv = { .xch = xch, .dom = dom, .fd = -1 };
	struct sr_domain d = { 0, 0, 0 };
	uint8_t		*ctx = NULL;
	uint32_t	 clen = 0;
	uint64_t	 sent;
	int		 live = (flags & XCFLAGS_LIVE) != 0, rc = -1, saved;

	if (cb == NULL || cb->suspend == NULL || (flags & ~XCFLAGS_LIVE)) {
		errno = EINVAL;
		return -1;
	}
	cb->stopped_pages = 0;
	if (live) {
		if (sr_peek_shape(xch, dom, &d) == -1)
			return -1;
	} else {
		if (!cb->suspend(cb->data)) {
			errno = ECANCELED;
			return -1;
		}
		if ((ctx = get_context(&sv, &clen)) == NULL ||
		    shape_of(ctx, clen, &d) == -1)
			goto out;
	}
	sv.npages = d.mem_bytes / SR_PAGE;
	if (open_ram(&sv) == -1 ||
	    (sv.data = malloc(SR_BATCH * SR_PAGE)) == NULL ||
	    (sv.s = sr_open(io_fd, cb->io)) == NULL)
		goto out;
	if (sr_write_header(sv.s, flags) == -1 ||
	    (cb->toolstack != NULL && sr_write_rec(sv.s, SR_REC_TOOLSTACK,
	    cb->toolstack, cb->toolstack_len, NULL, 0) == -1) ||
	    sr_write_rec(sv.s, SR_REC_DOMAIN, &d, sizeof(d), NULL, 0) == -1)
		goto out;
	if (live) {
		if (live_rounds(&sv, cb) == -1)
			goto out;
		if (!cb->suspend(cb->data)) {
			errno = ECANCELED;
			goto out;
		}
		/* Stopped: the last dirty pages, then the context. */
		if (send_dirty(&sv, &sent) == -1 || send_rings(&sv) == -1 ||
		    (ctx = get_context(&sv, &clen)) == NULL)
			goto out;
	} else if (send_all(&sv, &sent) == -1)
		goto out;
	cb->stopped_pages = sent;
	if (sr_write_rec(sv.s, SR_REC_HV_CONTEXT, ctx, clen, NULL, 0) == -1 ||
	    sr_write_end(sv.s) == -1)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (sv.bitmap != NULL)
		(void)xc_shadow_control(xch, dom, XEN_DOMCTL_SHADOW_OP_OFF,
		    NULL, 0, NULL, 0, NULL);
	if (sv.fd != -1)
		close(sv.fd);
	sr_close(sv.s);
	free(sv.bitmap);
	free(sv.data);
	free(ctx);
	errno = saved;
	return rc;
}
