/*
 * Split virtqueues from the device side (virtio 1.1, section 2.6), over
 * guest RAM mapped into the device model.
 *
 * The guest owns the rings and may rewrite them at any moment, from any
 * vCPU, maliciously.  So: the avail index is read once per request and
 * must not run more than a queue ahead; each descriptor is copied out
 * once and only the copy is used; a chain is at most as long as its table
 * (longer means a loop), an indirect table is allowed only when
 * negotiated, never nested and never chained on, and at most 32768
 * entries; every buffer must lie inside RAM and the device-readable ones
 * come first; a request has at most VIRTQ_MAX_IOV buffers.  A queue that
 * breaks a rule is marked broken and yields nothing until set up again
 * (the driver resets the device), as 2.6 lets a device do.  What we
 * write -- used entries, the used index, avail_event -- goes to the
 * areas the driver gave; if the driver made them overlap its own, it
 * only corrupts itself.
 *
 * Interrupt and notification suppression (2.6.7, 2.6.10): with EVENT_IDX
 * the device interrupts only when the used index passes the driver's
 * used_event, and publishes avail_event = the next index it will take
 * when it goes idle; without it, avail.flags NO_INTERRUPT and used.flags
 * NO_NOTIFY.  A full barrier separates "publish" from "re-check" both
 * ways, so no kick or request is lost between them.
 */
#include <string.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>

#include "dm/virtq.h"

void *
dm_mem_ptr(const struct dm_mem *m, uint64_t gpa, uint64_t len)
{
	uint64_t	off;

	if (gpa < m->gpa0)
		return NULL;
	off = gpa - m->gpa0;
	if (off > m->size || len > m->size - off)
		return NULL;
	return m->base + off;
}

static int
is_pow2(uint32_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

void
virtq_reset(struct virtq *q)
{
	memset(q, 0, sizeof(*q));
}

int
virtq_setup(struct virtq *q, const struct dm_mem *m,
    const struct privcmd_virtio_queue *qr, uint64_t features,
    const char **why)
{
	uint16_t	num = qr->num;

	virtq_reset(q);
	if (!is_pow2(num) || num > VIRTQ_MAX_SIZE) {
		*why = "queue size is not a power of 2";
		return -1;
	}
	if (qr->desc % VIRTQ_DESC_ALIGN || qr->driver % VIRTQ_AVAIL_ALIGN ||
	    qr->device % VIRTQ_USED_ALIGN) {
		*why = "queue areas are misaligned";
		return -1;
	}
	q->desc = dm_mem_ptr(m, qr->desc, VIRTQ_DESC_SIZE(num));
	q->avail = dm_mem_ptr(m, qr->driver, VIRTQ_AVAIL_SIZE(num));
	q->used = dm_mem_ptr(m, qr->device, VIRTQ_USED_SIZE(num));
	if (q->desc == NULL || q->avail == NULL || q->used == NULL) {
		virtq_reset(q);
		*why = "queue areas are outside RAM";
		return -1;
	}
	q->num = num;
	q->event_idx = (features >> VIRTIO_F_EVENT_IDX) & 1;
	q->indirect = (features >> VIRTIO_F_INDIRECT_DESC) & 1;
	q->used_idx = __atomic_load_n(&q->used->idx, __ATOMIC_ACQUIRE);
	q->last_avail = q->used_idx;
	/* Nothing used since "the last interrupt": none until we push. */
	q->signalled = q->used_idx;
	q->signal_valid = 1;
	return 0;
}

/* Read one descriptor once (the guest may be rewriting it). */
static void
read_desc(volatile const struct virtq_desc *d, struct virtq_desc *out)
{
	out->addr = d->addr;
	out->len = d->len;
	out->flags = d->flags;
	out->next = d->next;
}

static int
broken(struct virtq *q, const char **why, const char *what)
{
	q->broken = 1;
	*why = what;
	return -1;
}

int
virtq_pop(struct virtq *q, const struct dm_mem *m, struct virtq_req *r,
    const char **why)
{
	volatile const struct virtq_desc *table;
	struct virtq_desc	 d;
	uint32_t		 tsize, count = 0, i;
	uint16_t		 avail_idx, head;
	int			 nested = 0;
	void			*p;

	if (q->num == 0 || q->broken)
		return 0;
	avail_idx = __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE);
	if (avail_idx == q->last_avail)
		return 0;
	if ((uint16_t)(avail_idx - q->last_avail) > q->num)
		return broken(q, why, "the avail index ran more than a queue "
		    "ahead");
	head = q->avail->ring[q->last_avail & (q->num - 1)];
	if (head >= q->num)
		return broken(q, why, "a chain head is out of range");
	r->head = head;
	r->nout = r->nin = 0;
	r->out_len = r->in_len = 0;
	table = (volatile const struct virtq_desc *)q->desc;
	tsize = q->num;
	i = head;
	for (;;) {
		if (++count > tsize)
			return broken(q, why, "a descriptor chain loops");
		read_desc(&table[i], &d);
		if (d.flags & VIRTQ_DESC_F_INDIRECT) {
			if (!q->indirect)
				return broken(q, why, "an indirect descriptor "
				    "without VIRTIO_F_INDIRECT_DESC");
			if (nested || (d.flags & VIRTQ_DESC_F_NEXT))
				return broken(q, why, "an indirect descriptor "
				    "nested or chained");
			if (d.len == 0 || d.len % sizeof(struct virtq_desc) ||
			    d.len / sizeof(struct virtq_desc) > VIRTQ_MAX_SIZE)
				return broken(q, why, "an indirect table of a "
				    "bad length");
			if (d.addr % 8 != 0 ||
			    (p = dm_mem_ptr(m, d.addr, d.len)) == NULL)
				return broken(q, why, "an indirect table outside "
				    "RAM or misaligned");
			table = p;
			tsize = d.len / (uint32_t)sizeof(struct virtq_desc);
			nested = 1;
			count = 0;
			i = 0;
			continue;
		}
		if ((d.flags & VIRTQ_DESC_F_WRITE) == 0 && r->nin > 0)
			return broken(q, why, "a device-readable buffer after a "
			    "device-writable one");
		if (d.len > 0) {
			if ((p = dm_mem_ptr(m, d.addr, d.len)) == NULL)
				return broken(q, why, "a buffer outside RAM");
			if (r->nout + r->nin >= VIRTQ_MAX_IOV)
				return broken(q, why, "a request with too many "
				    "buffers");
			r->iov[r->nout + r->nin].iov_base = p;
			r->iov[r->nout + r->nin].iov_len = d.len;
			if (d.flags & VIRTQ_DESC_F_WRITE) {
				r->nin++;
				r->in_len += d.len;
			} else {
				r->nout++;
				r->out_len += d.len;
			}
		}
		if (!(d.flags & VIRTQ_DESC_F_NEXT))
			break;
		if (d.next >= tsize)
			return broken(q, why, "a next index is out of range");
		i = d.next;
	}
	q->last_avail++;
	return 1;
}

void
virtq_unpop(struct virtq *q, uint16_t n)
{
	q->last_avail -= n;
}

void
virtq_push(struct virtq *q, uint16_t head, uint32_t len)
{
	volatile struct virtq_used_elem	*e;

	if (q->num == 0)
		return;
	e = &q->used->ring[q->used_idx & (q->num - 1)];
	e->id = head;
	e->len = len;
	q->used_idx++;
	__atomic_store_n(&q->used->idx, q->used_idx, __ATOMIC_RELEASE);
}

int
virtq_should_interrupt(struct virtq *q)
{
	uint16_t	old = q->signalled, event;
	int		valid = q->signal_valid;

	if (q->num == 0)
		return 0;
	/* The used index is out before we look at what the driver wants. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (valid && old == q->used_idx)
		return 0;		/* nothing new since the last one */
	q->signalled = q->used_idx;
	q->signal_valid = 1;
	if (!q->event_idx)
		return !(q->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
	if (!valid)
		return 1;
	event = q->avail->ring[q->num];		/* used_event */
	return virtq_need_event(event, q->used_idx, old);
}

int
virtq_enable_notify(struct virtq *q)
{
	volatile uint16_t	*avail_event;

	if (q->num == 0 || q->broken)
		return 0;
	if (q->event_idx) {
		avail_event = (volatile uint16_t *)(volatile void *)
		    &q->used->ring[q->num];
		*avail_event = q->last_avail;
	} else
		q->used->flags = 0;
	/* Published before we look again: a request after it kicks us. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE) !=
	    q->last_avail;
}

void
virtq_disable_notify(struct virtq *q)
{
	if (q->num != 0 && !q->event_idx)
		q->used->flags = VIRTQ_USED_F_NO_NOTIFY;
}

int
virtq_pending(struct virtq *q)
{
	if (q->num == 0 || q->broken)
		return 0;
	return __atomic_load_n(&q->avail->idx, __ATOMIC_ACQUIRE) !=
	    q->last_avail;
}

size_t
iov_size(const struct iovec *iov, unsigned n)
{
	size_t		s = 0;
	unsigned	i;

	for (i = 0; i < n; i++)
		s += iov[i].iov_len;
	return s;
}

unsigned
iov_slice(const struct iovec *src, unsigned n, size_t off, size_t len,
    struct iovec *dst, unsigned max)
{
	unsigned	i, k = 0;
	size_t		take;

	for (i = 0; i < n && k < max && len > 0; i++) {
		if (off >= src[i].iov_len) {
			off -= src[i].iov_len;
			continue;
		}
		take = src[i].iov_len - off;
		if (take > len)
			take = len;
		dst[k].iov_base = (uint8_t *)src[i].iov_base + off;
		dst[k].iov_len = take;
		k++;
		len -= take;
		off = 0;
	}
	return k;
}

/* Copy between iov's bytes [off, off + len) and buf (to_iov: into iov). */
static size_t
iov_copy(const struct iovec *iov, unsigned n, size_t off, void *buf,
    size_t len, int to_iov)
{
	size_t		done = 0, take;
	unsigned	i;

	for (i = 0; i < n && done < len; i++) {
		if (off >= iov[i].iov_len) {
			off -= iov[i].iov_len;
			continue;
		}
		take = iov[i].iov_len - off;
		if (take > len - done)
			take = len - done;
		if (to_iov)
			memcpy((uint8_t *)iov[i].iov_base + off,
			    (uint8_t *)buf + done, take);
		else
			memcpy((uint8_t *)buf + done,
			    (uint8_t *)iov[i].iov_base + off, take);
		done += take;
		off = 0;
	}
	return done;
}

size_t
iov_to_buf(const struct iovec *iov, unsigned n, size_t off, void *dst,
    size_t len)
{
	return iov_copy(iov, n, off, dst, len, 0);
}

size_t
iov_from_buf(const struct iovec *iov, unsigned n, size_t off,
    const void *src, size_t len)
{
	return iov_copy(iov, n, off, (void *)(uintptr_t)src, len, 1);
}
