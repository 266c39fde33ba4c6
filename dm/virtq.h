/* Split virtqueues from the device side, over guest memory the device model maps (virtio 1.1, 2.6). */
#ifndef XVM_DM_VIRTQ_H
#define XVM_DM_VIRTQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include <xvm/virtio.h>

struct privcmd_virtio_queue;

/* Guest RAM as mapped here: gpa [gpa0, gpa0 + size) at host 'base'. */
struct dm_mem {
	uint8_t		*base;
	uint64_t	 gpa0;
	uint64_t	 size;
};

/* Host pointer for guest bytes [gpa, gpa + len), or NULL if not all RAM. */
void	*dm_mem_ptr(const struct dm_mem *, uint64_t gpa, uint64_t len);

/* The most buffers one request may have (direct and indirect together). */
#define VIRTQ_MAX_IOV	1024

struct virtq {
	uint16_t		 num;		/* 0: not set up */
	int			 event_idx;	/* VIRTIO_F_EVENT_IDX negotiated */
	int			 indirect;	/* VIRTIO_F_INDIRECT_DESC */
	volatile struct virtq_desc  *desc;	/* host pointers into RAM */
	volatile struct virtq_avail *avail;
	volatile struct virtq_used  *used;
	uint16_t		 last_avail;	/* next avail entry to take */
	uint16_t		 used_idx;	/* our copy of used->idx */
	uint16_t		 signalled;	/* used_idx at the last interrupt */
	int			 signal_valid;	/* 'signalled' means something */
	int			 broken;	/* the driver broke the rules */
};

/*
 * One request: the descriptor chain at 'head' as buffers, those the
 * device reads (out) first, then those it writes (in).
 */
struct virtq_req {
	uint16_t	 head;
	unsigned	 nout, nin;
	size_t		 out_len, in_len;
	struct iovec	 iov[VIRTQ_MAX_IOV];	/* out then in */
};

/*
 * Set q up from the transport's registers: every area must lie in RAM.
 * The used index carries on from what the ring says (a model that
 * resumes a running queue); last_avail starts there too.  0, or -1 with
 * *why (a static string) when the driver gave a bad queue.
 */
int	 virtq_setup(struct virtq *, const struct dm_mem *,
	    const struct privcmd_virtio_queue *, uint64_t features,
	    const char **why);
void	 virtq_reset(struct virtq *);

/*
 * Take the next available request: 1 with *r filled, 0 when there is
 * none, -1 when the driver broke the rules (a bad index, a loop, a buffer
 * outside RAM, readable after writable, too many buffers, nested
 * indirection): q is then marked broken and gives nothing more until set
 * up again, *why says what.  Nothing the guest wrote is trusted: every
 * index is reduced or checked, every length bounded, every address
 * checked against RAM, and each descriptor is read once.
 */
int	 virtq_pop(struct virtq *, const struct dm_mem *, struct virtq_req *,
	    const char **why);
/* Give back the last 'n' requests popped and not pushed (unread). */
void	 virtq_unpop(struct virtq *, uint16_t n);
/* Return a request: 'len' bytes were written into its in-buffers. */
void	 virtq_push(struct virtq *, uint16_t head, uint32_t len);
/* Must the driver be interrupted for what was pushed (2.6.7)? */
int	 virtq_should_interrupt(struct virtq *);
/*
 * Ask for notifications again once idle; returns 1 if requests arrived
 * meanwhile (process them, then call again).
 */
int	 virtq_enable_notify(struct virtq *);
/* While busy: no notifications wanted (without EVENT_IDX). */
void	 virtq_disable_notify(struct virtq *);
/* Are requests waiting? */
int	 virtq_pending(struct virtq *);

/* Helpers over iovec arrays. */
/* Copy up to len bytes from iov (skipping 'off') into dst; bytes copied. */
size_t	 iov_to_buf(const struct iovec *, unsigned n, size_t off, void *dst,
	    size_t len);
size_t	 iov_from_buf(const struct iovec *, unsigned n, size_t off,
	    const void *src, size_t len);
/*
 * Make dst the bytes [off, off + len) of src (len = SIZE_MAX: to the
 * end); returns the count of entries (at most max).
 */
unsigned iov_slice(const struct iovec *src, unsigned n, size_t off,
	    size_t len, struct iovec *dst, unsigned max);
size_t	 iov_size(const struct iovec *, unsigned n);

#endif
