/*
 * `xs` commands typed on the console.  Each prints one line starting
 * "xs: <op> <path>", then ": ok", " = \"value\"", or ": <ERRNO>" with the
 * store's error name, which is what the integration tests match:
 *
 *	xs read P | write P V | mkdir P | rm P | ls P
 *	xs watch P | unwatch P		events print "xs: event <path>"
 *	xs fill P N			write P/0 .. P/N-1, stop at an error
 *	xs tx P [wait]			P += 1 in a transaction, retried on
 *					EAGAIN; "wait" holds the first attempt
 *					open until P changes outside it
 *	xs big P N			write an N-byte value (a request
 *					bigger than the ring) and count the
 *					waits the store did not end with a kick
 *	xs size P			read P whole (up to 4096 bytes) and
 *					print its length
 *	xs bench N			N reads of "domid": the round trip
 *	xs reconnect			the ring's reconnection handshake
 */
#include <string.h>

#include "guest/minios/arch.h"
#include "guest/minios/console.h"
#include "guest/minios/control.h"
#include "guest/minios/fmt.h"
#include "guest/minios/kernel.h"
#include "guest/minios/xenbus.h"
#include "guest/minios/xscmd.h"

#define TX_TRIES	10

static void
result(const char *op, const char *path, int r)
{
	if (r == 0)
		kprintf("xs: %s %s: ok", op, path);
	else
		kprintf("xs: %s %s: %s", op, path, xenbus_strerror(r));
}

/* Decimal, at most 9 digits; 0 for anything else (an empty node). */
static unsigned long
number(const char *s)
{
	unsigned long v = 0;
	int n = 0;

	for (; *s >= '0' && *s <= '9' && n < 9; s++, n++)
		v = v * 10 + (unsigned long)(*s - '0');
	return *s == '\0' ? v : 0;
}

static void
cmd_ls(struct xenbus *xb, const char *path)
{
	char list[512], out[200];
	unsigned n, i;
	size_t at = 0;
	const char *p;
	int r = xenbus_directory(xb, 0, path, list, sizeof(list), &n);

	if (r != 0) {
		result("ls", path, r);
		return;
	}
	out[0] = '\0';
	for (p = list, i = 0; i < n; i++, p += strlen(p) + 1)
		at += ksnprintf(out + at, at < sizeof(out) ?
		    sizeof(out) - at : 0, " %s", p);
	kprintf("xs: ls %s:%s", path, out);
}

static void
cmd_fill(const char *path, const char *count)
{
	unsigned long n = number(count), i;
	char node[128];
	int r = 0;

	if (n == 0 || n > 10000) {
		kprintf("xs: fill %s: want a count from 1 to 10000", path);
		return;
	}
	for (i = 0; i < n; i++) {
		ksnprintf(node, sizeof(node), "%s/%lu", path, i);
		if ((r = xenbus_write(control_bus(), 0, node, "x")) != 0)
			break;
	}
	if (r == 0)
		kprintf("xs: fill %s: %lu of %lu created", path, i, n);
	else
		kprintf("xs: fill %s: %lu of %lu created, then %s", path, i,
		    n, xenbus_strerror(r));
}

static void
cmd_big(const char *path, const char *count)
{
	static char value[XENSTORE_PAYLOAD_MAX];
	unsigned long n = number(count);
	uint64_t before = control_stalls();
	int r;

	if (n == 0 || n + strlen(path) + 1 > XENSTORE_PAYLOAD_MAX) {
		kprintf("xs: big %s: want a size from 1 to %lu", path,
		    (unsigned long)(XENSTORE_PAYLOAD_MAX - strlen(path) - 1));
		return;
	}
	memset(value, 'b', n);
	value[n] = '\0';
	r = xenbus_write(control_bus(), 0, path, value);
	if (r != 0)
		result("big", path, r);
	else
		kprintf("xs: big %s %lu: ok, %lu stalls", path, n,
		    (unsigned long)(control_stalls() - before));
}

static void
cmd_size(const char *path)
{
	static char value[XENSTORE_PAYLOAD_MAX + 1];
	int r = xenbus_read(control_bus(), 0, path, value, sizeof(value));

	if (r != 0)
		result("size", path, r);
	else
		kprintf("xs: size %s = %lu bytes", path,
		    (unsigned long)strlen(value));
}

static void
cmd_bench(const char *count)
{
	unsigned long n = number(count), i;
	uint64_t t0, ticks;
	char v[16];
	int r = 0;

	if (n == 0 || n > 100000) {
		kprintf("xs: bench: want a count from 1 to 100000");
		return;
	}
	t0 = rdtime();
	for (i = 0; i < n && r == 0; i++)
		r = xenbus_read(control_bus(), 0, "domid", v, sizeof(v));
	ticks = rdtime() - t0;
	if (r != 0) {
		result("bench", "domid", r);
		return;
	}
	kprintf("xs: bench %lu reads: %lu us, %lu ns/read", n,
	    (unsigned long)(ticks * 1000000 / timebase_hz),
	    (unsigned long)(ticks * 1000000000 / timebase_hz / n));
}

/* Waits (outside the transaction) until path no longer reads as was. */
static int
wait_change(const char *path, const char *was)
{
	char now[64];
	int i, r;

	for (i = 0; i < 3000; i++) {
		r = xenbus_read(control_bus(), 0, path, now, sizeof(now));
		if (r != 0 && r != XEN_ENOENT)
			return r;
		if (r == 0 ? strcmp(now, was) != 0 : was[0] != '\0')
			return 0;
		control_sleep_ms(10);
	}
	return XEN_ETIMEDOUT;
}

static void
cmd_tx(const char *path, int hold)
{
	char val[64], next[24];
	uint32_t tx;
	int r, attempt;

	for (attempt = 1; attempt <= TX_TRIES; attempt++) {
		if ((r = xenbus_transaction_start(control_bus(), &tx)) != 0)
			break;
		r = xenbus_read(control_bus(), tx, path, val, sizeof(val));
		if (r == XEN_ENOENT) {
			val[0] = '\0';
			r = 0;
		}
		if (r == 0 && hold && attempt == 1) {
			kprintf("xs: tx %s: attempt 1 read \"%s\"; waiting for "
			    "a change", path, val);
			r = wait_change(path, val);
		}
		if (r == 0) {
			ksnprintf(next, sizeof(next), "%lu", number(val) + 1);
			r = xenbus_write(control_bus(), tx, path, next);
		}
		if (r != 0) {
			(void)xenbus_transaction_end(control_bus(), tx, 1);
			break;
		}
		r = xenbus_transaction_end(control_bus(), tx, 0);
		if (r == 0) {
			kprintf("xs: tx %s: committed \"%s\" after %d attempt%s",
			    path, next, attempt, attempt == 1 ? "" : "s");
			return;
		}
		if (r != XEN_EAGAIN)
			break;
		kprintf("xs: tx %s: attempt %d: EAGAIN; retrying", path,
		    attempt);
	}
	result("tx", path, r);
}

void
xscmd_run(int argc, char **argv)
{
	struct xenbus *xb = control_bus();
	const char *op = argc > 1 ? argv[1] : "", *path = argc > 2 ?
	    argv[2] : "";
	char val[200];
	int r;

	if (xb == NULL) {
		kprintf("xs: no xenbus connection");
		return;
	}
	if (argc == 3 && strcmp(op, "read") == 0) {
		if ((r = xenbus_read(xb, 0, path, val, sizeof(val))) == 0)
			kprintf("xs: read %s = \"%s\"", path, val);
		else
			result(op, path, r);
	} else if (argc == 4 && strcmp(op, "write") == 0) {
		result(op, path, xenbus_write(xb, 0, path, argv[3]));
	} else if (argc == 3 && strcmp(op, "mkdir") == 0) {
		result(op, path, xenbus_mkdir(xb, 0, path));
	} else if (argc == 3 && strcmp(op, "rm") == 0) {
		result(op, path, xenbus_rm(xb, 0, path));
	} else if (argc == 3 && strcmp(op, "ls") == 0) {
		cmd_ls(xb, path);
	} else if (argc == 3 && strcmp(op, "watch") == 0) {
		result(op, path, xenbus_watch(xb, path, XSCMD_TOKEN));
	} else if (argc == 3 && strcmp(op, "unwatch") == 0) {
		result(op, path, xenbus_unwatch(xb, path, XSCMD_TOKEN));
	} else if (argc == 4 && strcmp(op, "fill") == 0) {
		cmd_fill(path, argv[3]);
	} else if ((argc == 3 || (argc == 4 && strcmp(argv[3], "wait") == 0))
	    && strcmp(op, "tx") == 0) {
		cmd_tx(path, argc == 4);
	} else if (argc == 4 && strcmp(op, "big") == 0) {
		cmd_big(path, argv[3]);
	} else if (argc == 3 && strcmp(op, "size") == 0) {
		cmd_size(path);
	} else if (argc == 3 && strcmp(op, "bench") == 0) {
		cmd_bench(path);
	} else if (argc == 2 && strcmp(op, "reconnect") == 0) {
		r = control_reconnect();
		if (r == 0)
			kprintf("xs: reconnect: ok");
		else
			kprintf("xs: reconnect: %s", xenbus_strerror(r));
	} else {
		kprintf("xs: usage: xs read|size|mkdir|rm|ls|watch|unwatch|tx PATH, "
		    "xs write PATH VALUE, xs fill|big PATH N, xs tx PATH wait, "
		    "xs bench N, "
		    "xs reconnect");
	}
}

void
xscmd_event(const struct xb_event *ev)
{
	kprintf("xs: event %s", ev->path);
}
