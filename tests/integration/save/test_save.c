/*
 * libxc save and restore against xvm-hypervisor in a private --root, with
 * the pvecho guest mid-conversation: to a file and back, live through a
 * pipe while the guest works, and streams that are corrupt, truncated or
 * not ours.  argv: the daemon binary, then pvecho's ELF.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include <xvm/xc_sr.h>
#include <xvm/xenevtchn.h>

#include "hvtest.h"

#define ROUNDS	40		/* pvecho powers off after this many */
#define MEM_KB	8192

static struct {
	const char	*bin, *pvecho;
	struct hvd	 hvd;
	xc_interface	*xch;
	char		 file[128], bad[136];
} T;

/* A conversation with pvecho over its console channel. */
struct talk {
	xenevtchn_handle	*xce;
	int			 port;
};

static int
talk_open(struct talk *t, uint32_t dom)
{
	uint64_t	 gport;

	if (xc_hvm_param_get(T.xch, dom, HVM_PARAM_CONSOLE_EVTCHN,
	    &gport) == -1 || gport == 0 ||
	    (t->xce = xenevtchn_open(NULL, 0)) == NULL ||
	    (t->port = xenevtchn_bind_interdomain(t->xce, dom,
	    (uint32_t)gport)) < 0 ||
	    xenevtchn_pending(t->xce) != t->port ||	/* the bind */
	    xenevtchn_unmask(t->xce, (uint32_t)t->port) == -1)
		return -1;
	return 0;
}

/* n events there and back; -1 if the guest stops answering. */
static int
talk(struct talk *t, int n)
{
	struct pollfd	 pfd = { xenevtchn_fd(t->xce), POLLIN, 0 };

	while (n-- > 0)
		if (xenevtchn_notify(t->xce, (uint32_t)t->port) == -1 ||
		    poll(&pfd, 1, 5000) != 1 ||
		    xenevtchn_pending(t->xce) != t->port ||
		    xenevtchn_unmask(t->xce, (uint32_t)t->port) == -1)
			return -1;
	return 0;
}

/* pvecho, paused, with its channel for dom0 and ROUNDS to go. */
static uint32_t
start_echo(struct talk *t)
{
	uint32_t	 id;
	int		 gport;

	id = guest_create(T.xch, T.pvecho, 1, MEM_KB);
	assert_int_not_equal(id, 0);
	assert_int_equal(xc_hvm_param_set(T.xch, id, HVM_PARAM_STORE_PFN,
	    ROUNDS), 0);
	gport = xc_evtchn_alloc_unbound(T.xch, id, 0);
	assert_true(gport > 0);
	assert_int_equal(xc_hvm_param_set(T.xch, id, HVM_PARAM_CONSOLE_EVTCHN,
	    (uint64_t)gport), 0);
	assert_int_equal(talk_open(t, id), 0);
	assert_int_equal(xc_domain_unpause(T.xch, id), 0);
	return id;
}

/* The restored guest finishes its rounds and powers off. */
static void
finish_echo(uint32_t id, int left)
{
	struct talk	 t;
	xc_domaininfo_t	 i;
	uint64_t	 end = mono_ns() + 5000000000ull;

	assert_int_equal(talk_open(&t, id), 0);
	assert_int_equal(xc_domain_unpause(T.xch, id), 0);
	assert_int_equal(talk(&t, left), 0);
	do {
		assert_int_equal(guest_info(T.xch, id, &i), 0);
		if (i.flags & XEN_DOMINF_shutdown)
			break;
		sleep_ms(10);
	} while (mono_ns() < end);
	assert_true(i.flags & XEN_DOMINF_shutdown);
	assert_int_equal((i.flags >> XEN_DOMINF_shutdownshift) & 0xff,
	    SHUTDOWN_poweroff);
	xenevtchn_close(t.xce);
	assert_int_equal(xc_domain_destroy(T.xch, id), 0);
}

static int
pause_cb(void *data)
{
	return xc_domain_pause(T.xch, *(uint32_t *)data) == 0;
}

static int	 seen_ts;

static int
check_ts(const void *buf, uint32_t len, const struct xc_sr_shape *sh,
    void *data)
{
	(void)data;
	if (len != 9 || memcmp(buf, "name=echo", 9) != 0 ||
	    sh->max_vcpus != 1 || sh->mem_bytes != MEM_KB * 1024ull) {
		errno = EINVAL;
		return -1;
	}
	seen_ts = 1;
	return 0;
}

static int
ndomains(void)
{
	xc_domaininfo_t	 info[64];

	return xc_domain_getinfolist(T.xch, 1, 64, info);
}

/* Save a paused guest to a file, destroy it, restore it: it talks on. */
static void
test_file(void **state)
{
	struct save_callbacks	 scb = { .suspend = pause_cb,
				    .toolstack = "name=echo",
				    .toolstack_len = 9 };
	struct restore_callbacks rcb = { .toolstack = check_ts };
	struct talk		 t;
	uint32_t		 a, b;
	int			 fd;

	(void)state;
	a = start_echo(&t);
	assert_int_equal(talk(&t, 10), 0);
	scb.data = &a;
	fd = open(T.file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(xc_domain_save(T.xch, fd, a, 0, &scb), 0);
	close(fd);
	xenevtchn_close(t.xce);
	assert_int_equal(xc_domain_destroy(T.xch, a), 0);

	fd = open(T.file, O_RDONLY);
	assert_int_equal(xc_domain_restore(T.xch, fd, &b, &rcb), 0);
	close(fd);
	assert_true(seen_ts);
	assert_int_not_equal(a, b);
	finish_echo(b, ROUNDS - 10);
}

struct migrate {
	int		 fd;
	uint32_t	 dom;
	int		 rc, err;
};

static void *
receiver(void *arg)
{
	struct migrate	*m = arg;

	m->rc = xc_domain_restore(T.xch, m->fd, &m->dom, NULL);
	m->err = errno;
	return NULL;
}

/* Between rounds the guest works, so there is something to resend. */
static int	 live_talks, live_rounds;

static int
round_cb(const struct xc_sr_round *r, void *data)
{
	struct talk	*t = data;

	live_rounds = (int)r->round + 1;
	if (r->round > 0)
		assert_true(r->sent > 0);	/* what the last talk dirtied */
	assert_int_equal(talk(t, 2), 0);
	live_talks += 2;
	return 0;
}

static struct talk	 live_talk;
static uint32_t		 live_dom;

static int
live_pause(void *data)
{
	(void)data;
	return xc_domain_pause(T.xch, live_dom) == 0;
}

/* Live through a pipe to a concurrent restore, as a migration does. */
static void
test_live(void **state)
{
	struct save_callbacks	 scb = { .suspend = live_pause,
				    .round = round_cb, .data = &live_talk,
				    .max_iters = 3, .dirty_threshold = 1 };
	struct migrate		 m = { 0 };
	pthread_t		 th;
	int			 p[2];

	(void)state;
	live_dom = start_echo(&live_talk);
	assert_int_equal(talk(&live_talk, 5), 0);
	assert_int_equal(pipe(p), 0);
	m.fd = p[0];
	assert_int_equal(pthread_create(&th, NULL, receiver, &m), 0);
	assert_int_equal(xc_domain_save(T.xch, p[1], live_dom, XCFLAGS_LIVE,
	    &scb), 0);
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
	assert_int_equal(m.rc, 0);
	xenevtchn_close(live_talk.xce);
	assert_int_equal(xc_domain_destroy(T.xch, live_dom), 0);
	assert_int_equal(live_rounds, 3);
	finish_echo(m.dom, ROUNDS - 5 - live_talks);
}

/* Restoring file 'path' fails with 'err' and leaves no domain behind. */
static void
refuse(const char *path, int err)
{
	uint32_t	 b = 0;
	int		 fd, before = ndomains();

	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	errno = 0;
	assert_int_equal(xc_domain_restore(T.xch, fd, &b, NULL), -1);
	assert_int_equal(errno, err);
	close(fd);
	assert_int_equal(ndomains(), before);
}

/* T.bad: a copy of T.file with one byte at 'at' changed (at < 0: none),
 * cut to 'len' bytes (len < 0: not cut). */
static void
make_bad(off_t at, off_t len)
{
	char	 buf[65536];
	ssize_t	 n;
	int	 in, out;

	in = open(T.file, O_RDONLY);
	out = open(T.bad, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(in >= 0 && out >= 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		assert_int_equal(write(out, buf, (size_t)n), n);
	if (at >= 0) {
		assert_int_equal(pread(out, buf, 1, at), 1);
		buf[0] ^= 0x5a;
		assert_int_equal(pwrite(out, buf, 1, at), 1);
	}
	if (len >= 0)
		assert_int_equal(ftruncate(out, len), 0);
	close(in);
	close(out);
}

static void
test_bad_streams(void **state)
{
	struct save_callbacks	 scb = { .suspend = pause_cb };
	struct talk		 t;
	struct stat		 st;
	uint32_t		 a, count = 0;
	int			 fd;

	(void)state;
	a = start_echo(&t);
	scb.data = &a;
	fd = open(T.file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_int_equal(xc_domain_save(T.xch, fd, a, 0, &scb), 0);
	close(fd);
	xenevtchn_close(t.xce);
	assert_int_equal(xc_domain_destroy(T.xch, a), 0);
	assert_int_equal(stat(T.file, &st), 0);
	/*
	 * One byte of guest memory changed: the digest catches it.  The
	 * first page batch follows the header (16) and the domain record
	 * (24): its header (8), count (8), count frame numbers, the data.
	 */
	fd = open(T.file, O_RDONLY);
	assert_int_equal(pread(fd, &count, 4, 48), 4);
	close(fd);
	assert_true(count > 0 && count <= 512);
	make_bad(56 + count * 8 + 100, -1);
	refuse(T.bad, EBADMSG);
	make_bad(st.st_size - 10, -1);		/* the digest itself */
	refuse(T.bad, EBADMSG);
	make_bad(-1, st.st_size - 100);		/* cut short */
	refuse(T.bad, ENODATA);
	make_bad(0, -1);			/* not a save stream */
	refuse(T.bad, EILSEQ);
	/* Anything after END, even zeros that look like padding. */
	make_bad(-1, st.st_size + 8);
	refuse(T.bad, EBADMSG);
	make_bad(-1, -1);
	fd = open(T.bad, O_WRONLY | O_APPEND);
	assert_int_equal(write(fd, "xVMsave\n", 8), 8);
	close(fd);
	refuse(T.bad, EBADMSG);
	unlink(T.bad);
}

/* Only a suspended domain resumes in place, and only cooperatively. */
static void
test_resume_errors(void **state)
{
	struct talk	 t;
	uint32_t	 a;

	(void)state;
	a = start_echo(&t);
	assert_int_equal(xc_domain_resume(T.xch, a, 0), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(xc_domain_pause(T.xch, a), 0);
	assert_int_equal(xc_domain_resume(T.xch, a, 1), -1);
	assert_int_equal(errno, EINVAL);	/* paused, not suspended */
	xenevtchn_close(t.xce);
	assert_int_equal(xc_domain_destroy(T.xch, a), 0);
}

static int
setup(void **state)
{
	(void)state;
	if (hvd_start(&T.hvd, T.bin, 2) == -1 ||
	    (T.xch = xc_interface_open(NULL, NULL, 0)) == NULL) {
		hvd_stop(&T.hvd);
		return -1;
	}
	snprintf(T.file, sizeof(T.file), "%s/echo.save", T.hvd.root);
	snprintf(T.bad, sizeof(T.bad), "%s.bad", T.file);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xc_interface_close(T.xch);
	hvd_stop(&T.hvd);
	return 0;
}

int
main(int argc, char *argv[])
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_live),
		cmocka_unit_test(test_bad_streams),
		cmocka_unit_test(test_resume_errors),
	};

	if (argc != 3) {
		fprintf(stderr, "usage: test_save xvm-hypervisor pvecho.elf\n");
		return 2;
	}
	T.bin = argv[1];
	T.pvecho = argv[2];
	return cmocka_run_group_tests(tests, setup, teardown);
}
