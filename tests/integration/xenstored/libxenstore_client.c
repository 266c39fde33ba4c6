/* Drives libxenstore (include/xvm/xenstore.h) against a running xenstored. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xvm/xenstore.h>

static int	 failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "FAIL line %d: ", __LINE__);		\
		fprintf(stderr, __VA_ARGS__);				\
		fprintf(stderr, " (errno %s)\n", strerror(errno));	\
		failures++;						\
	}								\
} while (0)

int
main(void)
{
	struct xs_handle	*h, *h2;
	struct xs_permissions	 perms[2] = { { 0, XS_PERM_NONE },
				    { 5, XS_PERM_READ } }, *gp;
	struct pollfd		 pfd;
	xs_transaction_t	 t;
	char			*v, **dir, **ev;
	unsigned int		 len, num;
	int			 i;

	h = xs_open(0);
	CHECK(h != NULL, "xs_open");
	if (h == NULL)
		return 1;
	h2 = xs_open(0);
	CHECK(h2 != NULL, "second xs_open");

	CHECK(xs_write(h, XBT_NULL, "/lib/a", "hello", 5), "write");
	v = xs_read(h, XBT_NULL, "/lib/a", &len);
	CHECK(v && len == 5 && strcmp(v, "hello") == 0, "read back");
	free(v);
	errno = 0;
	CHECK(xs_read(h, XBT_NULL, "/lib/missing", &len) == NULL &&
	    errno == ENOENT, "missing node gives ENOENT");
	CHECK(xs_mkdir(h, XBT_NULL, "/lib/d"), "mkdir");
	dir = xs_directory(h, XBT_NULL, "/lib", &num);
	CHECK(dir && num == 2 && strcmp(dir[0], "a") == 0 &&
	    strcmp(dir[1], "d") == 0, "directory");
	free(dir);
	CHECK(xs_set_permissions(h, XBT_NULL, "/lib/a", perms, 2), "set perms");
	gp = xs_get_permissions(h, XBT_NULL, "/lib/a", &num);
	CHECK(gp && num == 2 && gp[1].id == 5 && gp[1].perms == XS_PERM_READ,
	    "get perms");
	free(gp);

	/* Transactions: commit, abort, conflict. */
	t = xs_transaction_start(h);
	CHECK(t != XBT_NULL, "transaction start");
	CHECK(xs_write(h, t, "/lib/t", "1", 1), "write in tx");
	errno = 0;
	CHECK(xs_read(h2, XBT_NULL, "/lib/t", &len) == NULL && errno == ENOENT,
	    "tx write invisible outside");
	CHECK(xs_transaction_end(h, t, false), "commit");
	v = xs_read(h2, XBT_NULL, "/lib/t", &len);
	CHECK(v && strcmp(v, "1") == 0, "committed write visible");
	free(v);
	t = xs_transaction_start(h);
	free(xs_read(h, t, "/lib/t", &len));
	CHECK(xs_write(h2, XBT_NULL, "/lib/t", "2", 1), "outside write");
	CHECK(xs_write(h, t, "/lib/t", "3", 1), "tx write");
	errno = 0;
	CHECK(!xs_transaction_end(h, t, false) && errno == EAGAIN,
	    "conflict gives EAGAIN");
	t = xs_transaction_start(h);
	CHECK(xs_write(h, t, "/lib/t", "4", 1), "tx write");
	CHECK(xs_transaction_end(h, t, true), "abort");
	v = xs_read(h, XBT_NULL, "/lib/t", &len);
	CHECK(v && strcmp(v, "2") == 0, "abort discarded");
	free(v);

	/* Watches: the fd, the initial event, a child event, token. */
	CHECK(xs_watch(h, "/lib/w", "tok"), "watch");
	pfd.fd = xs_fileno(h);
	pfd.events = POLLIN;
	CHECK(pfd.fd >= 0, "xs_fileno");
	CHECK(poll(&pfd, 1, 5000) == 1, "initial event makes fd readable");
	ev = xs_read_watch(h, &num);
	CHECK(ev && num == 2 && strcmp(ev[XS_WATCH_PATH], "/lib/w") == 0 &&
	    strcmp(ev[XS_WATCH_TOKEN], "tok") == 0, "initial event");
	free(ev);
	CHECK(xs_write(h2, XBT_NULL, "/lib/w/x", "", 0), "write under watch");
	ev = xs_read_watch(h, &num);
	CHECK(ev && strcmp(ev[XS_WATCH_PATH], "/lib/w/x") == 0, "child event");
	free(ev);
	errno = 0;
	CHECK(!xs_watch(h, "/lib/w", "tok") && errno == EEXIST, "EEXIST");
	CHECK(xs_unwatch(h, "/lib/w", "tok"), "unwatch");
	/* Requests still work with the reader thread running. */
	for (i = 0; i < 100; i++)
		CHECK(xs_write(h, XBT_NULL, "/lib/many", "x", 1), "write %d", i);

	v = xs_get_domain_path(h, 7);
	CHECK(v && strcmp(v, "/local/domain/7") == 0, "domain path");
	free(v);
	CHECK(xs_is_domain_introduced(h, 0), "dom0 introduced");
	CHECK(!xs_is_domain_introduced(h, 9), "dom9 not introduced");
	errno = 0;
	/* No hypervisor here, so no domain 9 whose ring could be mapped. */
	CHECK(!xs_introduce_domain(h, 9, 1234, 5) && errno != 0 &&
	    errno != ENOSYS, "INTRODUCE of a domain that is not there fails");
	errno = 0;
	CHECK(!xs_release_domain(h, 9) && errno == ENOENT, "release unknown");
	v = xs_control_command(h, "check", NULL, 0);
	CHECK(v && strcmp(v, "OK") == 0, "control check");
	free(v);
	CHECK(xs_rm(h, XBT_NULL, "/lib"), "rm");
	xs_close(h);
	xs_close(h2);
	if (failures == 0)
		printf("libxenstore ok\n");
	return failures ? 1 : 0;
}
