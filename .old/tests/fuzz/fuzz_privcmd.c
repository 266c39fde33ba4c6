/*
 * Fuzz target: the privcmd wire.  The input is written by a client to a
 * real privcmd server (hypervisor/xen/control.c) over its Unix socket;
 * the server must answer or close, never crash, whatever the bytes.
 * Domains an input creates are destroyed after it.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "lib/log.h"
#include "lib/paths.h"
#include "lib/sock.h"
#include "hypervisor/xen/control.h"
#include "hypervisor/xen/domain.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct {
	struct hv		*hv;
	struct event_base	*base;
	struct ctl		*ctl;
	char			 sock[256];
} F;

static void
init(void)
{
	struct hv_config	 cfg = { 1, NULL, NULL };
	char			 root[] = "/tmp/xvm-fuzz-privcmd-XXXXXX";
	char			*cause = NULL;

	log_init("fuzz_privcmd", 1, 0);
	if (mkdtemp(root) == NULL || xvm_paths_init(root) == -1 ||
	    xvm_path_buf(F.sock, sizeof(F.sock), XVM_PRIVCMD_SOCK) == -1)
		abort();
	if ((F.hv = hv_new(&cfg, &cause)) == NULL ||
	    (F.base = event_base_new()) == NULL ||
	    (F.ctl = control_new(F.hv, F.base, F.sock, &cause)) == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct domain	*d;
	char		 junk[65536];
	size_t		 sent = 0;
	ssize_t		 n;
	uint32_t	 id;
	int		 fd, fds[SOCK_MAX_FDS], nfds, i, turns;

	if (F.hv == NULL)
		init();
	if ((fd = sock_connect_unix(F.sock)) == -1)
		abort();
	fd_set_nonblock(fd);
	for (turns = 0; turns < 10000; turns++) {
		if (sent < size) {
			n = send(fd, data + sent, size - sent, MSG_NOSIGNAL);
			if (n > 0)
				sent += (size_t)n;
			if (sent == size)
				shutdown(fd, SHUT_WR);
		} else if (size == 0)
			shutdown(fd, SHUT_WR);
		event_base_loop(F.base, EVLOOP_NONBLOCK);
		nfds = SOCK_MAX_FDS;
		n = sock_recv_fds(fd, junk, sizeof(junk), fds, &nfds);
		if (n > 0)
			for (i = 0; i < nfds; i++)
				close(fds[i]);
		if (n == 0 || (n == -1 && errno != EAGAIN))
			break;
		if (n == -1 && sent == size && control_nr_clients(F.ctl) == 0)
			break;
	}
	close(fd);
	/* Let the server see the close, then drop what the input made. */
	for (turns = 0; turns < 100 && control_nr_clients(F.ctl) > 0; turns++)
		event_base_loop(F.base, EVLOOP_NONBLOCK);
	for (id = 1; id < DOMID_MAX; id++)
		if ((d = domain_get(F.hv, id)) != NULL) {
			domain_destroy(d);
			domain_put(d);
		}
	return 0;
}
