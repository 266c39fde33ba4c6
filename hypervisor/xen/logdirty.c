/* Log-dirty mode: which guest pages were written, for live migration. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "lib/log.h"
#include "hypervisor/xen/domain.h"
#include "hypervisor/xen/logdirty.h"

/*
 * The CPU core writes guest RAM through host pointers it caches, so the
 * only place every write can be seen is the MMU: in log-dirty mode each
 * view of the RAM is mprotect()ed read-only, and the SIGSEGV handler,
 * finding the address in a registered view, sets the page's bit and makes
 * that page writable again, then returns so the write is retried.  One
 * fault per page per round.
 *
 * The handler runs on any thread at any time, so the table of views is
 * fixed-size.  A slot keeps its views from the first enable until its
 * domain is freed, active or not: a write can fault on a read-only page,
 * and the handler run only after log-dirty mode was switched off for it
 * (the thread was descheduled in between); that fault is the domain's,
 * and is retried, not taken for a crash.  (Taken for one, it reset the
 * handler to the default action, and the first fault of the next
 * log-dirty round killed the hypervisor: a migration that failed, then
 * another.)  A fault outside every view goes to the handler that was
 * there before (or the default action: the process dies as it would
 * have).
 *
 * The invariant that loses nothing: a page whose bit is clear is
 * read-only.  Marking (set the bit, make the page writable) and cleaning
 * (make it read-only, clear the bit) each keep it, but interleaved they
 * did not: a fault that set the bit, then a clean that protected the page
 * and cleared the bit, then the fault's late mprotect left the page
 * writable with its bit clear -- and every later write to it unseen (a
 * migrated guest came back with a page five passes old).  So the two run
 * under one spinlock per slot, taken by the handler (which touches no
 * guest memory while it holds it) and by clean, page by page.  A write
 * retried after a clean faults again and marks the page for the next
 * round.
 */

#define LD_SLOTS	64

struct ld_slot {
	_Atomic int	 active;
	_Atomic int	 busy;		/* spinlock: mark, clean, on, off */
	struct domain	*d;
	uintptr_t	 view[2];	/* the hypervisor's, the CPU's */
	size_t		 len;
	uint64_t	*bits;		/* one per page */
};

static struct ld_slot		slots[LD_SLOTS];
static pthread_mutex_t		ld_lock = PTHREAD_MUTEX_INITIALIZER;
static struct sigaction		old_segv;
static int			installed;

static void
slot_lock(struct ld_slot *s)
{
	int	 expect;

	for (;;) {
		expect = 0;
		if (atomic_compare_exchange_weak_explicit(&s->busy, &expect, 1,
		    memory_order_acquire, memory_order_relaxed))
			return;
		while (atomic_load_explicit(&s->busy, memory_order_relaxed))
#if defined(__x86_64__) || defined(__i386__)
			__builtin_ia32_pause();
#else
			;
#endif
	}
}

static void
slot_unlock(struct ld_slot *s)
{
	atomic_store_explicit(&s->busy, 0, memory_order_release);
}

static void
ld_segv(int sig, siginfo_t *si, void *uc)
{
	uintptr_t	a = (uintptr_t)si->si_addr, page;
	unsigned	i, k;

	for (i = 0; i < LD_SLOTS; i++) {
		for (k = 0; k < 2; k++) {
			if (slots[i].view[k] == 0 || a < slots[i].view[k] ||
			    a - slots[i].view[k] >= slots[i].len)
				continue;
			page = (a - slots[i].view[k]) >> MM_PAGE_SHIFT;
			slot_lock(&slots[i]);
			/*
			 * Inactive: the write faulted just before log-dirty
			 * mode was switched off and is retried now; the page
			 * is writable already (made so again, harmlessly).
			 */
			if (atomic_load_explicit(&slots[i].active,
			    memory_order_relaxed))
				__atomic_fetch_or(&slots[i].bits[page / 64],
				    1ull << (page % 64), __ATOMIC_SEQ_CST);
			mprotect((void *)(slots[i].view[k] +
			    (page << MM_PAGE_SHIFT)), MM_PAGE_SIZE,
			    PROT_READ | PROT_WRITE);
			/* The other view of the same page, too. */
			if (slots[i].view[!k] != 0)
				mprotect((void *)(slots[i].view[!k] +
				    (page << MM_PAGE_SHIFT)), MM_PAGE_SIZE,
				    PROT_READ | PROT_WRITE);
			slot_unlock(&slots[i]);
			return;
		}
	}
	/* Not ours: as if we were never here. */
	if (old_segv.sa_flags & SA_SIGINFO)
		old_segv.sa_sigaction(sig, si, uc);
	else if (old_segv.sa_handler != SIG_DFL &&
	    old_segv.sa_handler != SIG_IGN)
		old_segv.sa_handler(sig);
	else {
		sigaction(SIGSEGV, &old_segv, NULL);
		/* Returning re-executes the access: the default action. */
	}
}

static int
install(void)
{
	struct sigaction	sa;

	if (installed)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = ld_segv;
	sa.sa_flags = SA_SIGINFO | SA_RESTART | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGSEGV, &sa, &old_segv) == -1)
		return errno;
	installed = 1;
	return 0;
}

static struct ld_slot *
find(struct domain *d)
{
	unsigned	i;

	for (i = 0; i < LD_SLOTS; i++)
		if (slots[i].d == d && slots[i].active)
			return &slots[i];
	return NULL;
}

static void
protect(struct ld_slot *s, size_t off, size_t len, int prot)
{
	unsigned	k;

	for (k = 0; k < 2; k++)
		if (s->view[k] != 0 && mprotect((void *)(s->view[k] + off),
		    len, prot) == -1)
			log_warn("%s: mprotect", __func__);
}

int
logdirty_enable(struct domain *d, void *cpu_view)
{
	struct ld_slot	*s = NULL;
	unsigned	 i;
	int		 rc = 0;

	if (d->mm.base == NULL)
		return EINVAL;
	pthread_mutex_lock(&ld_lock);
	if (find(d) != NULL)
		goto out;		/* already on */
	if ((rc = install()) != 0)
		goto out;
	for (i = 0; i < LD_SLOTS && s == NULL; i++)
		if (!slots[i].active && (slots[i].d == NULL ||
		    slots[i].d == d))
			s = &slots[i];
	if (s == NULL) {
		rc = ENOSPC;
		goto out;
	}
	if (s->bits == NULL && (s->bits = calloc((mm_nr_frames(&d->mm) + 63) /
	    64, sizeof(uint64_t))) == NULL) {
		rc = ENOMEM;
		goto out;
	}
	memset(s->bits, 0, (mm_nr_frames(&d->mm) + 63) / 64 * 8);
	slot_lock(s);
	s->d = d;
	s->view[0] = (uintptr_t)d->mm.base;
	s->view[1] = (uintptr_t)cpu_view;
	s->len = d->mm.span;
	atomic_store_explicit(&s->active, 1, memory_order_release);
	protect(s, 0, s->len, PROT_READ);
	slot_unlock(s);
out:
	pthread_mutex_unlock(&ld_lock);
	return rc;
}

int
logdirty_disable(struct domain *d)
{
	struct ld_slot	*s;

	pthread_mutex_lock(&ld_lock);
	if ((s = find(d)) != NULL) {
		slot_lock(s);
		protect(s, 0, s->len, PROT_READ | PROT_WRITE);
		atomic_store_explicit(&s->active, 0, memory_order_release);
		slot_unlock(s);
	}
	pthread_mutex_unlock(&ld_lock);
	return 0;
}

int
logdirty_enabled(struct domain *d)
{
	int	on;

	pthread_mutex_lock(&ld_lock);
	on = find(d) != NULL;
	pthread_mutex_unlock(&ld_lock);
	return on;
}

int
logdirty_peek(struct domain *d, uint64_t first, uint64_t count,
    uint64_t *out, int clean)
{
	struct ld_slot	*s;
	uint64_t	 w, word, bit, page, got;
	int		 rc = 0;

	if (first % 64 != 0 || count % 64 != 0 ||
	    first > mm_nr_frames(&d->mm) ||
	    count > ((mm_nr_frames(&d->mm) + 63) & ~63ull) - first)
		return EINVAL;
	pthread_mutex_lock(&ld_lock);
	if ((s = find(d)) == NULL) {
		rc = ENOENT;
		goto out;
	}
	for (w = 0; w < count / 64; w++) {
		word = (first / 64) + w;
		if (!clean) {
			out[w] = __atomic_load_n(&s->bits[word],
			    __ATOMIC_SEQ_CST);
			continue;
		}
		got = 0;
		for (bit = 0; bit < 64; bit++) {
			if (!(__atomic_load_n(&s->bits[word], __ATOMIC_SEQ_CST) &
			    (1ull << bit)))
				continue;
			page = word * 64 + bit;
			/* Under the slot's lock: see the top of the file. */
			slot_lock(s);
			protect(s, page << MM_PAGE_SHIFT, MM_PAGE_SIZE,
			    PROT_READ);
			got |= __atomic_fetch_and(&s->bits[word],
			    ~(1ull << bit), __ATOMIC_SEQ_CST) & (1ull << bit);
			slot_unlock(s);
		}
		out[w] = got;
	}
out:
	pthread_mutex_unlock(&ld_lock);
	return rc;
}

void
logdirty_domain_gone(struct domain *d)
{
	unsigned	i;

	pthread_mutex_lock(&ld_lock);
	for (i = 0; i < LD_SLOTS; i++) {
		if (slots[i].d != d)
			continue;
		slot_lock(&slots[i]);
		if (slots[i].active)
			protect(&slots[i], 0, slots[i].len,
			    PROT_READ | PROT_WRITE);
		atomic_store_explicit(&slots[i].active, 0, memory_order_release);
		slots[i].view[0] = slots[i].view[1] = 0;
		slots[i].len = 0;
		slot_unlock(&slots[i]);
		free(slots[i].bits);
		slots[i].bits = NULL;
		slots[i].d = NULL;
	}
	pthread_mutex_unlock(&ld_lock);
}
