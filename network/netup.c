/*
 * The network in a box (netup.h) with Debian's tools: ip (iproute2) for
 * the bridge and its address, nft (nftables) for NAT, dnsmasq for DHCP --
 * what Xen's network-bridge and network-nat scripts did with brctl,
 * iptables and dhcpd.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/buf.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/str.h"
#include "lib/xmalloc.h"
#include "network/netup.h"

#define FORWARD		"/proc/sys/net/ipv4/ip_forward"
#define NET_DIR		"var/lib/xvm/network"
#define READY_MS	15000

/*
 * Run argv (searched in $PATH) with 'in' on its stdin (NULL: /dev/null);
 * its stdout into *out when out != NULL (caller frees).  0 when it exits
 * 0, else -1 with *cause: its first line of stderr.
 */
static int
run(char *const argv[], const char *in, char **out, char **cause)
{
	int		 pin[2], pout[2], perr[2], st;
	struct buf	 o, e;
	struct pollfd	 pfd[2];
	size_t		 inlen = in != NULL ? strlen(in) : 0;
	char		*nl, *space;
	ssize_t		 n;
	pid_t		 pid;

	if (pipe2(pin, O_CLOEXEC) == -1 || pipe2(pout, O_CLOEXEC) == -1 ||
	    pipe2(perr, O_CLOEXEC) == -1)
		fatal("%s: pipe", __func__);
	if ((pid = fork()) == -1)
		fatal("%s: fork", __func__);
	if (pid == 0) {
		if (dup2(pin[0], 0) == -1 || dup2(pout[1], 1) == -1 ||
		    dup2(perr[1], 2) == -1)
			_exit(127);
		execvp(argv[0], argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pin[0]);
	close(pout[1]);
	close(perr[1]);
	if (inlen > 0 && write(pin[1], in, inlen) != (ssize_t)inlen)
		log_warn("%s: writing to %s", __func__, argv[0]);
	close(pin[1]);
	buf_init(&o, 1 << 20);
	buf_init(&e, 4096);
	pfd[0] = (struct pollfd){ pout[0], POLLIN, 0 };
	pfd[1] = (struct pollfd){ perr[0], POLLIN, 0 };
	while (pfd[0].fd != -1 || pfd[1].fd != -1) {
		if (poll(pfd, 2, -1) == -1 && errno != EINTR)
			break;
		for (int i = 0; i < 2; i++) {
			struct buf *b = i == 0 ? &o : &e;

			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if ((space = buf_space(b, 4096)) == NULL ||
			    (n = read(pfd[i].fd, space, 4096)) <= 0) {
				close(pfd[i].fd);
				pfd[i].fd = -1;
				continue;
			}
			buf_commit(b, (size_t)n);
		}
	}
	while (waitpid(pid, &st, 0) == -1 && errno == EINTR)
		;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		const char *msg = buf_cstr(&e);

		xasprintf(cause, "%s failed: %.*s", argv[0], msg != NULL ?
		    (int)((nl = strchr(msg, '\n')) != NULL ? nl - msg :
		    (long)strlen(msg)) : 1, msg != NULL ? msg : "?");
		buf_free(&o);
		buf_free(&e);
		return -1;
	}
	if (out != NULL)
		*out = xstrdup(buf_cstr(&o) != NULL ? buf_cstr(&o) : "");
	buf_free(&o);
	buf_free(&e);
	return 0;
}

/* A whole small file (caller frees), or NULL with errno. */
static char *
read_text(const char *path, size_t max)
{
	struct buf	 b;
	char		*space, *out;
	ssize_t		 n;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	buf_init(&b, max);
	while ((space = buf_space(&b, 4096)) != NULL &&
	    (n = read(fd, space, 4096)) > 0)
		buf_commit(&b, (size_t)n);
	close(fd);
	out = buf_cstr(&b) != NULL ? xstrdup(buf_cstr(&b)) : NULL;
	buf_free(&b);
	if (out == NULL)
		errno = EFBIG;
	return out;
}

int
netup_settings(struct netconf *nc, const char *file, char **cause)
{
	char	*argv[] = { "svcprop", "-p", "config", NETCONF_FMRI, NULL };
	char	*text = NULL, *path = NULL;
	int	 rc;

	netconf_defaults(nc);
	if (getenv("SMF_FMRI") != NULL) {
		if (run(argv, NULL, &text, cause) == -1)
			return -1;
		rc = netconf_load_svcprop(nc, text, cause);
		free(text);
		return rc;
	}
	if (file == NULL && (path = xvm_path("etc/xvm/network.conf")) == NULL)
		fatalx("%s: no memory", __func__);
	file = file != NULL ? file : path;
	if ((text = read_text(file, 65536)) == NULL) {
		if (errno == ENOENT) {
			log_info("%s: no %s; using the defaults", __func__,
			    file);
			rc = 0;
		} else
			rc = cause_printf(cause, "%s: %s", file,
			    strerror(errno));
		free(path);
		return rc;
	}
	rc = netconf_load_text(nc, file, text, cause);
	free(text);
	free(path);
	return rc;
}

/* ip_forward's value, or -1. */
static int
forward_get(void)
{
	char	 c = 0;
	int	 fd;

	if ((fd = open(FORWARD, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	if (read(fd, &c, 1) != 1)
		c = 0;
	close(fd);
	return c == '1' ? 1 : c == '0' ? 0 : -1;
}

static int
forward_set(int on)
{
	int	 fd, rc;

	if ((fd = open(FORWARD, O_WRONLY | O_CLOEXEC)) == -1)
		return -1;
	rc = write(fd, on ? "1\n" : "0\n", 2) == 2 ? 0 : -1;
	close(fd);
	return rc;
}

static int
bridge_up(struct netup *nu, char **cause)
{
	struct netconf *nc = &nu->nc;
	char	*add[] = { "ip", "link", "add", nc->bridge,
	    "type", "bridge", NULL };
	char	*up[] = { "ip", "link", "set", nc->bridge,
	    "up", NULL };
	char	*addr[] = { "ip", "addr", "replace",
	    nc->address, "dev",
	    nc->bridge, NULL };

	if (if_nametoindex(nc->bridge) == 0) {
		if (run(add, NULL, NULL, cause) == -1)
			return -1;
		log_info("%s: created bridge %s", __func__, nc->bridge);
	}
	if (run(up, NULL, NULL, cause) == -1 ||
	    run(addr, NULL, NULL, cause) == -1)
		return -1;
	nu->addr_set = 1;
	return 0;
}

static int
nat_up(struct netup *nu, char **cause)
{
	char	*argv[] = { "nft", "-f", "-", NULL };
	char	*rules = netconf_nft_rules(&nu->nc);
	int	 rc;

	if ((nu->fwd_old = forward_get()) == -1 || (nu->fwd_old == 0 &&
	    forward_set(1) == -1)) {
		free(rules);
		nu->fwd_old = -1;
		return cause_printf(cause, "%s: %s", FORWARD, strerror(errno));
	}
	rc = run(argv, rules, NULL, cause);
	free(rules);
	if (rc == 0)
		nu->nat_set = 1;
	return rc;
}

/* Has dnsmasq said it serves (a "started" line past 'from' in its log)? */
static int
dhcp_serving(const char *log, off_t from)
{
	char	*text = read_text(log, 1 << 22);
	int	 yes;

	yes = text != NULL && (off_t)strlen(text) > from &&
	    strstr(text + from, "started") != NULL;
	free(text);
	return yes;
}

static int
dhcp_up(struct netup *nu, char **cause)
{
	char		*dir, *leases, *log, **argv;
	struct stat	 st;
	off_t		 from;
	int		 ms, status;

	if ((dir = xvm_path(NET_DIR)) == NULL)
		fatalx("%s: no memory", __func__);
	if (xvm_mkdirs(dir, 0755) == -1) {
		cause_printf(cause, "%s: %s", dir, strerror(errno));
		free(dir);
		return -1;
	}
	xasprintf(&leases, "%s/%s.leases", dir, nu->nc.bridge);
	xasprintf(&log, "%s/dnsmasq-%s.log", dir, nu->nc.bridge);
	free(dir);
	from = stat(log, &st) == 0 ? st.st_size : 0;
	argv = netconf_dnsmasq_argv(&nu->nc, leases, log);
	if ((nu->dnsmasq = fork()) == -1)
		fatal("%s: fork", __func__);
	if (nu->dnsmasq == 0) {
		int fd = open("/dev/null", O_RDWR);

		if (fd == -1 || dup2(fd, 0) == -1)
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	netconf_argv_free(argv);
	for (ms = 0; ms < READY_MS; ms += 50) {
		if (waitpid(nu->dnsmasq, &status, WNOHANG) == nu->dnsmasq) {
			nu->dnsmasq = -1;
			cause_printf(cause, "dnsmasq did not start (exit %d): "
			    "see %s", WIFEXITED(status) ? WEXITSTATUS(status) :
			    -1, log);
			break;
		}
		if (dhcp_serving(log, from))
			break;
		nanosleep(&(struct timespec){ 0, 50 * 1000000 }, NULL);
	}
	if (nu->dnsmasq != -1 && ms >= READY_MS)
		cause_printf(cause, "dnsmasq did not say it serves within %d s: "
		    "see %s", READY_MS / 1000, log);
	free(leases);
	free(log);
	if (*cause != NULL)
		return -1;
	log_info("%s: dnsmasq (pid %d) serves DHCP on %s: %s to %s",
	    __func__, (int)nu->dnsmasq, nu->nc.bridge, nu->nc.range_first,
	    nu->nc.range_last);
	return 0;
}

int
netup_apply(struct netup *nu, const struct netconf *nc, char **cause)
{
	memset(nu, 0, sizeof(*nu));
	nu->nc = *nc;
	nu->fwd_old = -1;
	nu->dnsmasq = -1;
	nu->up = 1;
	*cause = NULL;
	if (bridge_up(nu, cause) == -1 ||
	    (nc->nat && nat_up(nu, cause) == -1) ||
	    (nc->dhcp && dhcp_up(nu, cause) == -1)) {
		netup_teardown(nu);
		return -1;
	}
	log_info("%s: %s on %s%s%s%s%s", __func__, nc->address, nc->bridge,
	    nc->nat ? ", NAT to " : "", nc->nat ? (nc->netdev[0] ?
	    nc->netdev : "any uplink") : "", nc->dhcp ? ", DHCP" : "",
	    nc->dhcp && nc->dns ? " and DNS" : "");
	return 0;
}

void
netup_teardown(struct netup *nu)
{
	char	 table[32], *why = NULL;
	char	*del[] = { "nft", "delete", "table", "ip", table, NULL };
	char	*addr[] = { "ip", "addr", "del",
	    nu->nc.address, "dev",
	    nu->nc.bridge, NULL };
	int	 st;

	if (!nu->up)
		return;
	if (nu->dnsmasq != -1) {
		kill(nu->dnsmasq, SIGTERM);
		while (waitpid(nu->dnsmasq, &st, 0) == -1 && errno == EINTR)
			;
		nu->dnsmasq = -1;
	}
	netconf_nft_table(&nu->nc, table, sizeof(table));
	if (nu->nat_set && run(del, NULL, NULL, &why) == -1)
		log_warnx("%s: %s", __func__, why);
	free(why);
	why = NULL;
	if (nu->fwd_old == 0 && forward_set(0) == -1)
		log_warn("%s: %s", __func__, FORWARD);
	if (nu->addr_set && run(addr, NULL, NULL, &why) == -1)
		log_warnx("%s: %s", __func__, why);
	free(why);
	nu->up = nu->nat_set = nu->addr_set = 0;
	nu->fwd_old = -1;
}
