/*
 * xvm-dm with real guests (docs/virtio.md): xvm-hypervisor in a private
 * root, xvm-dm started as xvmd starts it (a SOCK_SEQPACKET control
 * socket, disk images passed as descriptors), the PV guest pv-virtio.elf
 * as the driver.  A writable disk: the guest reads what dom0 put in
 * sector 0, writes sector 1 and flushes, and the image file has it.  A
 * read-only disk refuses the write.  An entropy device fills buffers.
 * kill -9 of one domain's model leaves another domain's devices serving.
 * Bad control requests get one-line errors.
 *
 * argv: xvm-hypervisor, xvm-dm, pv-virtio.elf.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include <xvm/virtio.h>
#include <xvm/xc_virtio.h>

#include "hvtest.h"
#include "lib/sock.h"

static const char	*bin, *dmbin, *elf;
static struct hvd	 hvd;
static xc_interface	*xch;

struct model {
	pid_t	pid;
	int	fd;
};

static int
setup(void **state)
{
	(void)state;
	if (hvd_start(&hvd, bin, 2) == -1)
		return -1;
	if ((xch = xc_interface_open(NULL, NULL, 0)) == NULL)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	xc_interface_close(xch);
	hvd_stop(&hvd);
	return 0;
}

/* Wait for the guest to print text; a "virtio: FAIL" line ends it early. */
static int
says(const char *text)
{
	static char	ring[65536];
	unsigned	n;
	uint64_t	end = mono_ns() + 60000000000ull;
	char		*f;

	do {
		n = sizeof(ring) - 1;
		if (xc_readconsolering(xch, ring, &n, 0, 0, NULL) == 0) {
			ring[n] = '\0';
			if (strstr(ring, text) != NULL)
				return 1;
			if ((f = strstr(ring, "virtio: FAIL")) != NULL) {
				fprintf(stderr, "guest: %.60s\n", f);
				return 0;
			}
		}
		sleep_ms(20);
	} while (mono_ns() < end);
	return 0;
}

static void
model_start(struct model *m, uint32_t domid)
{
	char	dom[16], cfd[16];
	int	sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	m->pid = fork();
	assert_true(m->pid != -1);
	if (m->pid == 0) {
		snprintf(dom, sizeof(dom), "%u", domid);
		snprintf(cfd, sizeof(cfd), "%d", sv[1]);
		close(sv[0]);
		execl(dmbin, dmbin, "-F", "--root", hvd.root, "--domain", dom,
		    "--control", cfd, (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	m->fd = sv[0];
}

/* Send a request (with fd, or -1); the reply, skipping events. */
static char *
model_call(struct model *m, const char *req, int fd)
{
	static char	buf[65536];
	struct pollfd	pfd = { m->fd, POLLIN, 0 };
	ssize_t		n;

	assert_true(sock_send_fds(m->fd, req, strlen(req), fd == -1 ? NULL :
	    &fd, fd == -1 ? 0 : 1) > 0);
	for (;;) {
		assert_int_equal(poll(&pfd, 1, 30000), 1);
		n = recv(m->fd, buf, sizeof(buf) - 1, 0);
		assert_true(n > 0);
		buf[n] = 0;
		if (strstr(buf, "\"event\"") == NULL)
			return buf;
	}
}

static void
model_stop(struct model *m, int sig)
{
	int	st;

	if (sig == 0)
		(void)model_call(m, "{\"op\":\"quit\"}", -1);
	else
		kill(m->pid, sig);
	assert_int_equal(waitpid(m->pid, &st, 0), m->pid);
	close(m->fd);
}

/* A 1 MiB image with text in sector 0. */
static char *
image(const char *text)
{
	static int	n;
	char		*path;
	int		 fd;

	assert_true(asprintf(&path, "%s/disk%d.img", hvd.root, n++) > 0);
	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	assert_true(fd != -1);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(pwrite(fd, text, strlen(text) + 1, 0),
	    (ssize_t)strlen(text) + 1);
	close(fd);
	return path;
}

static uint32_t
domain(unsigned slot)
{
	uint32_t	domid = guest_create(xch, elf, 1, 32 * 1024);

	assert_int_not_equal(domid, 0);
	assert_int_equal(xc_hvm_param_set(xch, domid, HVM_PARAM_STORE_PFN,
	    slot), 0);
	return domid;
}

static void
plug_disk(struct model *m, unsigned slot, const char *path, const char *mode)
{
	char	req[256];
	int	fd;

	fd = open(path, strcmp(mode, "w") == 0 ? O_RDWR : O_RDONLY);
	assert_true(fd != -1);
	snprintf(req, sizeof(req), "{\"op\":\"plug\",\"slot\":%u,\"kind\":"
	    "\"vbd\",\"devid\":51712,\"mode\":\"%s\"}", slot, mode);
	assert_string_equal(model_call(m, req, fd), "{\"ok\":true}");
	close(fd);
}

static void
test_disk(void **state)
{
	struct model	 m;
	char		*path = image("hello from dom0"), got[64];
	uint32_t	 domid = domain(2);
	int		 fd;

	(void)state;
	model_start(&m, domid);
	plug_disk(&m, 2, path, "w");
	assert_int_equal(xc_domain_unpause(xch, domid), 0);
	assert_true(says("virtio-blk: read hello from dom0"));
	assert_true(says("virtio-blk: wrote"));
	assert_non_null(strstr(model_call(&m, "{\"op\":\"stats\"}", -1),
	    "\"flushes\":1"));
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, got, sizeof(got), 512), sizeof(got));
	close(fd);
	assert_string_equal(got, "written by the guest");
	model_stop(&m, 0);
	xc_domain_destroy(xch, domid);
	free(path);
}

static void
test_readonly(void **state)
{
	struct model	 m;
	char		*path = image("read-only words"), got[32];
	uint32_t	 domid = domain(0);
	int		 fd;

	(void)state;
	model_start(&m, domid);
	plug_disk(&m, 0, path, "r");
	assert_int_equal(xc_domain_unpause(xch, domid), 0);
	assert_true(says("virtio-blk: read read-only words"));
	assert_true(says("virtio-blk: ro refused"));
	fd = open(path, O_RDONLY);
	assert_int_equal(pread(fd, got, sizeof(got), 512), sizeof(got));
	close(fd);
	assert_int_equal(got[0], 0);
	model_stop(&m, 0);
	xc_domain_destroy(xch, domid);
	free(path);
}

/* Two domains, two models; kill -9 one: the other still serves. */
static void
test_kill(void **state)
{
	struct privcmd_virtio_slot	  s;
	const struct privcmd_virtio_slot *regs;
	struct model			  a, b;
	uint32_t			  da = domain(1), db = domain(1);

	(void)state;
	model_start(&a, da);
	model_start(&b, db);
	assert_string_equal(model_call(&a, "{\"op\":\"plug\",\"slot\":1,"
	    "\"kind\":\"rng\"}", -1), "{\"ok\":true}");
	assert_string_equal(model_call(&b, "{\"op\":\"plug\",\"slot\":1,"
	    "\"kind\":\"rng\"}", -1), "{\"ok\":true}");
	model_stop(&a, SIGKILL);
	regs = xc_virtio_map(xch, da);
	assert_non_null(regs);
	sleep_ms(100);
	xc_virtio_read_slot(regs, 1, &s);
	assert_true(s.status & VIRTIO_STATUS_NEEDS_RESET);
	munmap((void *)(uintptr_t)regs, PRIVCMD_VIRTIO_REGS_SIZE);
	assert_int_equal(xc_domain_unpause(xch, db), 0);
	assert_true(says("virtio-rng: "));
	assert_true(says("virtio: done slot 01"));
	model_stop(&b, 0);
	xc_domain_destroy(xch, da);
	xc_domain_destroy(xch, db);
}

static void
test_bad_requests(void **state)
{
	static const struct {
		const char *req, *error;
	} cases[] = {
		{ "not json", "\"ok\":false" },
		{ "{\"op\":\"fly\"}", "unknown op 'fly'" },
		{ "{\"slot\":1}", "a request needs an \\\"op\\\"" },
		{ "{\"op\":\"plug\",\"slot\":99,\"kind\":\"rng\"}",
		    "plug: a slot 0..31 is needed" },
		{ "{\"op\":\"plug\",\"slot\":1}", "plug: a kind is needed" },
		{ "{\"op\":\"plug\",\"slot\":1,\"kind\":\"toaster\"}",
		    "unknown device kind 'toaster'" },
		{ "{\"op\":\"plug\",\"slot\":1,\"kind\":\"vbd\"}",
		    "a disk needs its image" },
		{ "{\"op\":\"unplug\",\"slot\":5}", "slot 5 has no device" },
	};
	struct model	m;
	uint32_t	domid = domain(0);
	size_t		i;

	(void)state;
	model_start(&m, domid);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_non_null(strstr(model_call(&m, cases[i].req, -1),
		    cases[i].error));
	/* Still serving after all that. */
	assert_string_equal(model_call(&m, "{\"op\":\"plug\",\"slot\":1,"
	    "\"kind\":\"rng\"}", -1), "{\"ok\":true}");
	assert_non_null(strstr(model_call(&m, "{\"op\":\"plug\",\"slot\":1,"
	    "\"kind\":\"rng\"}", -1), "slot 1 already has rng 0"));
	model_stop(&m, 0);
	xc_domain_destroy(xch, domid);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_disk),
		cmocka_unit_test(test_readonly),
		cmocka_unit_test(test_kill),
		cmocka_unit_test(test_bad_requests),
	};

	if (argc != 4) {
		fprintf(stderr, "usage: %s xvm-hypervisor xvm-dm "
		    "pv-virtio.elf\n", argv[0]);
		return 2;
	}
	bin = argv[1];
	dmbin = argv[2];
	elf = argv[3];
	return cmocka_run_group_tests(tests, setup, teardown);
}
