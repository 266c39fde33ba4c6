/*
 * Virtio over MMIO, register layout version 2 (virtio 1.1, section 4.2.2
 * and 4.2.3): the transport of the machine's 32 slots at 0x10001000
 * (<xvm/virtio.h>).  Only the transport lives here -- feature
 * negotiation, queue addresses, status, config space, interrupt status --
 * and a device model in dom0 does the data path (DESIGN.md §4a): it reads
 * the register file this keeps (virtio_mmio.h) and is kicked through the
 * hook when the guest notifies a queue or changes state.
 *
 * Checks made here, for the guest's sake: FEATURES_OK stays clear unless
 * the driver accepted only offered features, VERSION_1 among them (3.1.1
 * step 6: the driver reads it back); QueueReady is refused for a size
 * that is not a power of 2 within QueueNumMax or for misaligned areas
 * (2.6); queue registers are frozen while the queue is ready and the
 * feature words once FEATURES_OK is set.  A model still checks every
 * address against guest memory: the guest may write anything.
 *
 * The select scheme (virtio-input, 5.8.4): the driver writes select and
 * subsel, then at once reads size and the answer, with nothing to wait
 * on -- too soon for a device model in another process.  So a model may
 * hand the transport its whole table of answers at plug time (a "select
 * table": records of select, subsel, size, size bytes) and the transport
 * answers the write itself, under the same lock as the read that follows.
 * Example: after a write of select = 0x11 (EV_BITS), subsel = 1 (EV_KEY),
 * config[2] reads the bitmap's length and config[8..] the bitmap; an
 * unknown pair reads size 0.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xvm/privcmd.h>
#include <xvm/virtio.h>

#include "hypervisor/devices/device.h"
#include "hypervisor/devices/virtio_mmio.h"
#include "hypervisor/machine.h"

_Static_assert(PRIVCMD_VIRTIO_SLOTS == VIRTIO_MMIO_SLOTS,
    "the register file has a slot per virtio-mmio slot");
_Static_assert(PRIVCMD_VIRTIO_CONFIG_MAX == VIRTIO_MMIO_CONFIG_MAX,
    "config space size");

struct vmmio {
	pthread_mutex_t			 lock;
	struct machine			*m;
	int				 fd;
	struct privcmd_virtio_slot	*regs;	/* NULL: every slot empty */
	vmmio_kick_fn			 kick;
	void				*kick_arg;
	uint8_t				*sel[VIRTIO_MMIO_SLOTS];
	uint32_t			 sel_len[VIRTIO_MMIO_SLOTS];
};

/* Config layout of the select scheme (struct virtio_input_config). */
#define SEL_SELECT	0
#define SEL_SUBSEL	1
#define SEL_SIZE	2
#define SEL_DATA	8
#define SEL_DATA_MAX	128
#define SEL_CONFIG_LEN	(SEL_DATA + SEL_DATA_MAX)

static void *
vmmio_create(struct machine *m)
{
	struct vmmio	*t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->m = m;
	t->fd = -1;
	return t;
}

static void
vmmio_destroy(void *st)
{
	struct vmmio	*t = st;

	if (t == NULL)
		return;
	if (t->regs != NULL)
		munmap(t->regs, PRIVCMD_VIRTIO_REGS_SIZE);
	if (t->fd != -1)
		close(t->fd);
	for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++)
		free(t->sel[i]);
	pthread_mutex_destroy(&t->lock);
	free(t);
}

/* Seqlock writer side: the model sees a slot either before or after. */
static void
wbegin(struct privcmd_virtio_slot *s)
{
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
}

static void
wend(struct privcmd_virtio_slot *s)
{
	__atomic_thread_fence(__ATOMIC_RELEASE);
	__atomic_store_n(&s->seq, s->seq + 1, __ATOMIC_RELAXED);
}

/* The register file, created on first use (lock held); NULL + errno. */
static struct privcmd_virtio_slot *
regs(struct vmmio *t)
{
	void	*p;
	int	 fd;

	if (t->regs != NULL)
		return t->regs;
	if ((fd = memfd_create("xvm-virtio", MFD_CLOEXEC)) == -1)
		return NULL;
	if (ftruncate(fd, PRIVCMD_VIRTIO_REGS_SIZE) == -1) {
		close(fd);
		return NULL;
	}
	p = mmap(NULL, PRIVCMD_VIRTIO_REGS_SIZE, PROT_READ | PROT_WRITE,
	    MAP_SHARED, fd, 0);
	if (p == MAP_FAILED) {
		close(fd);
		return NULL;
	}
	t->fd = fd;
	t->regs = p;
	return t->regs;
}

/* The slot's PLIC line follows InterruptStatus (lock held). */
static void
update_line(struct vmmio *t, unsigned slot)
{
	machine_plic_set_irq(t->m, VIRTIO_MMIO_SLOT_IRQ(slot),
	    t->regs[slot].interrupt_status != 0);
}

/* 4.2.3.1 device reset, inside wbegin/wend (lock held). */
static void
reset(struct privcmd_virtio_slot *s)
{
	unsigned	q;

	s->status = 0;
	s->driver_features = 0;
	s->device_features_sel = s->driver_features_sel = s->queue_sel = 0;
	s->interrupt_status = 0;
	s->resets++;
	for (q = 0; q < PRIVCMD_VIRTIO_QUEUES; q++) {
		s->queue[q].ready = 0;
		s->queue[q].desc = s->queue[q].driver = s->queue[q].device = 0;
		s->queue[q].num = s->queue[q].num_max;
	}
}

static struct privcmd_virtio_queue *
selected(struct privcmd_virtio_slot *s)
{
	return s->queue_sel < s->nqueues ? &s->queue[s->queue_sel] : NULL;
}

static uint32_t
reg_read(const struct privcmd_virtio_slot *s, uint64_t reg)
{
	const struct privcmd_virtio_queue *q =
	    s->queue_sel < s->nqueues ? &s->queue[s->queue_sel] : NULL;

	switch (reg) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		return VIRTIO_MMIO_MAGIC;
	case VIRTIO_MMIO_VERSION:
		return VIRTIO_MMIO_VERSION_2;
	case VIRTIO_MMIO_DEVICE_ID:
		return s->device_id;
	case VIRTIO_MMIO_VENDOR_ID:
		return VIRTIO_MMIO_VENDOR_XVM;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		return s->device_features_sel < 2 ? (uint32_t)(s->device_features
		    >> (32 * s->device_features_sel)) : 0;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		return q != NULL ? q->num_max : 0;
	case VIRTIO_MMIO_QUEUE_READY:
		return q != NULL ? q->ready : 0;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		return s->interrupt_status;
	case VIRTIO_MMIO_STATUS:
		return s->status;
	case VIRTIO_MMIO_CONFIG_GENERATION:
		return s->config_generation;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
		return UINT32_MAX;	/* no shared memory regions */
	default:
		return 0;
	}
}

static int
vmmio_read(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t *val)
{
	struct vmmio			*t = st;
	struct privcmd_virtio_slot	*s;
	unsigned			 slot = (unsigned)(off / VIRTIO_MMIO_SLOT_SIZE);
	uint64_t			 reg = off % VIRTIO_MMIO_SLOT_SIZE, c;

	(void)v;
	*val = 0;
	pthread_mutex_lock(&t->lock);
	s = t->regs != NULL ? &t->regs[slot] : NULL;
	if (reg >= VIRTIO_MMIO_CONFIG) {
		reg -= VIRTIO_MMIO_CONFIG;
		if (s != NULL && s->device_id != 0 && reg + size <= s->config_len) {
			c = 0;
			memcpy(&c, s->config + reg, size);
			*val = c;
		}
	} else if (size == 4 && (reg & 3) == 0) {
		if (s != NULL && s->device_id != 0)
			*val = reg_read(s, reg);
		else if (reg == VIRTIO_MMIO_MAGIC_VALUE)
			*val = VIRTIO_MMIO_MAGIC;
		else if (reg == VIRTIO_MMIO_VERSION)
			*val = VIRTIO_MMIO_VERSION_2;
	}
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int
is_pow2(uint32_t n)
{
	return n != 0 && (n & (n - 1)) == 0;
}

/* QueueReady = 1: accepted only for a well-formed queue (2.6). */
static int
queue_ok(const struct privcmd_virtio_queue *q)
{
	return is_pow2(q->num) && q->num <= q->num_max &&
	    q->desc % VIRTQ_DESC_ALIGN == 0 &&
	    q->driver % VIRTQ_AVAIL_ALIGN == 0 &&
	    q->device % VIRTQ_USED_ALIGN == 0;
}

static void
set_half(uint64_t *field, int high, uint32_t v)
{
	if (high)
		*field = (*field & 0xffffffffULL) | (uint64_t)v << 32;
	else
		*field = (*field & ~0xffffffffULL) | v;
}

/* A status write (3.1.1, 4.2.3.1), inside wbegin/wend (lock held). */
static void
status_write(struct vmmio *t, unsigned slot, uint32_t v)
{
	struct privcmd_virtio_slot	*s = &t->regs[slot];
	uint64_t			 drv = s->driver_features;

	if (v == 0) {
		reset(s);
		update_line(t, slot);
		return;
	}
	if ((v & VIRTIO_STATUS_FEATURES_OK) &&
	    !(s->status & VIRTIO_STATUS_FEATURES_OK) &&
	    ((drv & ~s->device_features) != 0 ||
	    !(drv & (1ULL << VIRTIO_F_VERSION_1))))
		v &= ~VIRTIO_STATUS_FEATURES_OK;
	s->status = (v & 0xffu & ~VIRTIO_STATUS_NEEDS_RESET) |
	    (s->status & VIRTIO_STATUS_NEEDS_RESET);
}

/* One register write (lock held, inside wbegin/wend); 1: kick the model. */
static int
reg_write(struct vmmio *t, unsigned slot, uint64_t reg, uint32_t v)
{
	struct privcmd_virtio_slot	*s = &t->regs[slot];
	struct privcmd_virtio_queue	*q = selected(s);
	int				 frozen = q == NULL || q->ready;

	switch (reg) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		s->device_features_sel = v;
		return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		if (s->driver_features_sel < 2 &&
		    !(s->status & VIRTIO_STATUS_FEATURES_OK))
			set_half(&s->driver_features, s->driver_features_sel == 1,
			    v);
		return 0;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		s->driver_features_sel = v;
		return 0;
	case VIRTIO_MMIO_QUEUE_SEL:
		s->queue_sel = v;
		return 0;
	case VIRTIO_MMIO_QUEUE_NUM:
		if (!frozen)
			q->num = v > UINT16_MAX ? 0 : (uint16_t)v;
		return 0;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q == NULL || (v != 0) == q->ready)
			return 0;
		if (v != 0 && !queue_ok(q))
			return 0;
		q->ready = v != 0;
		return 1;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		return 1;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		s->interrupt_status &= ~v;
		update_line(t, slot);
		return 0;
	case VIRTIO_MMIO_STATUS:
		status_write(t, slot, v);
		return 1;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		if (!frozen)
			set_half(&q->desc, reg == VIRTIO_MMIO_QUEUE_DESC_HIGH, v);
		return 0;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		if (!frozen)
			set_half(&q->driver, reg == VIRTIO_MMIO_QUEUE_DRIVER_HIGH,
			    v);
		return 0;
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		if (!frozen)
			set_half(&q->device, reg == VIRTIO_MMIO_QUEUE_DEVICE_HIGH,
			    v);
		return 0;
	default:
		return 0;	/* read-only or unknown: ignored */
	}
}

/* Is the select table well formed: whole records of <= 128 bytes? */
static int
sel_ok(const uint8_t *tab, uint32_t len)
{
	uint32_t	off = 0;

	while (off < len) {
		if (len - off < 3 || tab[off + 2] > SEL_DATA_MAX ||
		    len - off - 3 < tab[off + 2])
			return 0;
		off += 3u + tab[off + 2];
	}
	return 1;
}

/* The driver wrote select or subsel: answer from the table (lock held). */
static void
sel_answer(struct vmmio *t, unsigned slot, struct privcmd_virtio_slot *s)
{
	const uint8_t	*tab = t->sel[slot];
	uint32_t	 off = 0, len = t->sel_len[slot];

	memset(s->config + SEL_SIZE, 0, SEL_CONFIG_LEN - SEL_SIZE);
	while (off < len) {
		if (tab[off] == s->config[SEL_SELECT] &&
		    tab[off + 1] == s->config[SEL_SUBSEL]) {
			s->config[SEL_SIZE] = tab[off + 2];
			memcpy(s->config + SEL_DATA, tab + off + 3, tab[off + 2]);
			return;
		}
		off += 3u + tab[off + 2];
	}
}

static int
vmmio_write(void *st, struct vcpu *v, uint64_t off, unsigned size,
    uint64_t val)
{
	struct vmmio			*t = st;
	struct privcmd_virtio_slot	*s;
	unsigned			 slot = (unsigned)(off / VIRTIO_MMIO_SLOT_SIZE);
	uint64_t			 reg = off % VIRTIO_MMIO_SLOT_SIZE;
	int				 kick = 0;

	(void)v;
	pthread_mutex_lock(&t->lock);
	s = t->regs != NULL ? &t->regs[slot] : NULL;
	if (s == NULL || s->device_id == 0) {
		pthread_mutex_unlock(&t->lock);
		return 0;
	}
	wbegin(s);
	if (reg >= VIRTIO_MMIO_CONFIG) {
		reg -= VIRTIO_MMIO_CONFIG;
		if (reg + size <= s->config_len) {
			memcpy(s->config + reg, &val, size);
			if (t->sel[slot] != NULL && reg <= SEL_SUBSEL)
				sel_answer(t, slot, s);
			kick = 1;
		}
	} else if (size == 4 && (reg & 3) == 0)
		kick = reg_write(t, slot, reg, (uint32_t)val);
	wend(s);
	pthread_mutex_unlock(&t->lock);
	if (kick && t->kick != NULL)
		t->kick(t->kick_arg, slot);
	return 0;
}

void
vmmio_set_kick(struct vmmio *t, vmmio_kick_fn fn, void *arg)
{
	pthread_mutex_lock(&t->lock);
	t->kick = fn;
	t->kick_arg = arg;
	pthread_mutex_unlock(&t->lock);
}

int
vmmio_regs_fd(struct vmmio *t)
{
	int	fd;

	pthread_mutex_lock(&t->lock);
	fd = regs(t) != NULL ? t->fd : -1;
	pthread_mutex_unlock(&t->lock);
	return fd;
}

static int
dev_ok(const struct vmmio_dev *d)
{
	return d->device_id != 0 && d->nqueues >= 1 &&
	    d->nqueues <= PRIVCMD_VIRTIO_QUEUES && is_pow2(d->queue_max) &&
	    d->queue_max <= VIRTQ_MAX_SIZE &&
	    d->config_len <= VIRTIO_MMIO_CONFIG_MAX &&
	    (d->config_len == 0 || d->config != NULL) &&
	    (d->select_len == 0 || (d->config_len >= SEL_CONFIG_LEN &&
	    d->select_len <= VIRTIO_MMIO_SELECT_MAX && d->select != NULL &&
	    sel_ok(d->select, d->select_len))) &&
	    (d->features & (1ULL << VIRTIO_F_VERSION_1));
}

int
vmmio_plug(struct vmmio *t, unsigned slot, const struct vmmio_dev *d,
    int resume)
{
	struct privcmd_virtio_slot	*s;
	unsigned			 q;
	int				 rc = 0;

	if (slot >= VIRTIO_MMIO_SLOTS || !dev_ok(d))
		return EINVAL;
	pthread_mutex_lock(&t->lock);
	if (regs(t) == NULL) {
		rc = errno;
		goto out;
	}
	s = &t->regs[slot];
	if (resume ? s->device_id != d->device_id : s->device_id != 0) {
		rc = resume ? ENODEV : EEXIST;
		goto out;
	}
	wbegin(s);
	if (!resume) {
		memset((char *)s + sizeof(s->seq), 0, sizeof(*s) - sizeof(s->seq));
		s->device_id = d->device_id;
		s->nqueues = d->nqueues;
		s->device_features = d->features;
		for (q = 0; q < d->nqueues; q++)
			s->queue[q].num = s->queue[q].num_max = d->queue_max;
	}
	s->status &= ~VIRTIO_STATUS_NEEDS_RESET;
	s->config_len = d->config_len;
	if (d->config_len > 0)
		memcpy(s->config, d->config, d->config_len);
	free(t->sel[slot]);
	t->sel[slot] = NULL;
	t->sel_len[slot] = 0;
	if (d->select_len > 0) {
		if ((t->sel[slot] = malloc(d->select_len)) == NULL) {
			rc = ENOMEM;
			wend(s);
			goto out;
		}
		memcpy(t->sel[slot], d->select, d->select_len);
		t->sel_len[slot] = d->select_len;
		sel_answer(t, slot, s);
	}
	wend(s);
	update_line(t, slot);
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

void
vmmio_unplug(struct vmmio *t, unsigned slot)
{
	struct privcmd_virtio_slot	*s;

	if (slot >= VIRTIO_MMIO_SLOTS)
		return;
	pthread_mutex_lock(&t->lock);
	if (t->regs != NULL && t->regs[slot].device_id != 0) {
		s = &t->regs[slot];
		wbegin(s);
		memset((char *)s + sizeof(s->seq), 0, sizeof(*s) - sizeof(s->seq));
		wend(s);
		update_line(t, slot);
	}
	free(t->sel[slot]);
	t->sel[slot] = NULL;
	t->sel_len[slot] = 0;
	pthread_mutex_unlock(&t->lock);
}

int
vmmio_present(struct vmmio *t, unsigned slot)
{
	int	p;

	if (slot >= VIRTIO_MMIO_SLOTS)
		return 0;
	pthread_mutex_lock(&t->lock);
	p = t->regs != NULL && t->regs[slot].device_id != 0;
	pthread_mutex_unlock(&t->lock);
	return p;
}

int
vmmio_set_config(struct vmmio *t, unsigned slot, uint32_t off,
    const void *buf, uint32_t len, int notify)
{
	struct privcmd_virtio_slot	*s;
	int				 rc = 0;

	if (slot >= VIRTIO_MMIO_SLOTS)
		return EINVAL;
	pthread_mutex_lock(&t->lock);
	if (t->regs == NULL || t->regs[slot].device_id == 0) {
		rc = ENODEV;
		goto out;
	}
	s = &t->regs[slot];
	if (off > s->config_len || len > s->config_len - off) {
		rc = EINVAL;
		goto out;
	}
	wbegin(s);
	memcpy(s->config + off, buf, len);
	if (notify) {
		s->config_generation++;
		s->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
	}
	wend(s);
	update_line(t, slot);
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

void
vmmio_interrupt(struct vmmio *t, unsigned slot, uint32_t bits)
{
	struct privcmd_virtio_slot	*s;

	if (slot >= VIRTIO_MMIO_SLOTS)
		return;
	pthread_mutex_lock(&t->lock);
	if (t->regs != NULL && t->regs[slot].device_id != 0) {
		s = &t->regs[slot];
		if ((s->interrupt_status & bits) != bits) {
			wbegin(s);
			s->interrupt_status |= bits;
			wend(s);
			update_line(t, slot);
		}
	}
	pthread_mutex_unlock(&t->lock);
}

void
vmmio_orphan(struct vmmio *t, unsigned slot)
{
	struct privcmd_virtio_slot	*s;

	if (slot >= VIRTIO_MMIO_SLOTS)
		return;
	pthread_mutex_lock(&t->lock);
	if (t->regs != NULL && t->regs[slot].device_id != 0) {
		s = &t->regs[slot];
		wbegin(s);
		/*
		 * 2.1.2: the device sets DEVICE_NEEDS_RESET and, once the
		 * driver is running, says so with a config interrupt.
		 */
		s->status |= VIRTIO_STATUS_NEEDS_RESET;
		s->config_generation++;
		if (s->status & VIRTIO_STATUS_DRIVER_OK)
			s->interrupt_status |= VIRTIO_MMIO_INT_CONFIG;
		wend(s);
		update_line(t, slot);
	}
	pthread_mutex_unlock(&t->lock);
}

void
vmmio_save(struct vmmio *t, unsigned slot, struct privcmd_virtio_slot *out)
{
	memset(out, 0, sizeof(*out));
	if (slot >= VIRTIO_MMIO_SLOTS)
		return;
	pthread_mutex_lock(&t->lock);
	if (t->regs != NULL)
		memcpy(out, &t->regs[slot], sizeof(*out));
	pthread_mutex_unlock(&t->lock);
	out->seq = 0;
}

int
vmmio_load(struct vmmio *t, unsigned slot,
    const struct privcmd_virtio_slot *in)
{
	struct privcmd_virtio_slot	*s;
	unsigned			 q;
	int				 rc = 0;

	if (slot >= VIRTIO_MMIO_SLOTS || in->device_id == 0 ||
	    in->nqueues < 1 || in->nqueues > PRIVCMD_VIRTIO_QUEUES ||
	    in->config_len > VIRTIO_MMIO_CONFIG_MAX)
		return EINVAL;
	for (q = 0; q < in->nqueues; q++)
		if (!is_pow2(in->queue[q].num_max) ||
		    in->queue[q].num_max > VIRTQ_MAX_SIZE ||
		    (in->queue[q].ready && !queue_ok(&in->queue[q])))
			return EINVAL;
	pthread_mutex_lock(&t->lock);
	if (regs(t) == NULL) {
		rc = errno;
		goto out;
	}
	s = &t->regs[slot];
	wbegin(s);
	memcpy((char *)s + sizeof(s->seq), (const char *)in + sizeof(in->seq),
	    sizeof(*s) - sizeof(s->seq));
	wend(s);
	update_line(t, slot);
out:
	pthread_mutex_unlock(&t->lock);
	return rc;
}

const struct device_ops virtio_mmio_ops = {
	.name = "virtio-mmio",
	.base = VIRTIO_MMIO_BASE,
	.size = VIRTIO_MMIO_SLOTS * VIRTIO_MMIO_SLOT_SIZE,
	.create = vmmio_create,
	.destroy = vmmio_destroy,
	.read = vmmio_read,
	.write = vmmio_write,
};
