/* Unit tests for console/hub.c: a console's output, names and logs, and the feed (drain) loop under the rate limit. */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>
#include <cmocka.h>

#include <event2/event.h>

#include <xvm/xencons.h>

#include "console/consoled.h"

struct fixture {
	struct consoled	 cd;
	char		 dir[64];
};

static int
setup(void **state)
{
	struct fixture	*f = calloc(1, sizeof(*f));

	if (f == NULL)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/hub-XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	TAILQ_INIT(&f->cd.consoles);
	TAILQ_INIT(&f->cd.pending);
	f->cd.logdir = f->dir;
	f->cd.rate = 1024 * 1024;
	if ((f->cd.base = event_base_new()) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture	*f = *state;
	struct console	*con;
	char		 cmd[128];

	while ((con = TAILQ_FIRST(&f->cd.consoles)) != NULL)
		console_free(con);
	event_base_free(f->cd.base);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* The whole of file, into buf (NUL-terminated); its length or -1. */
static ssize_t
slurp(const char *dir, const char *name, char *buf, size_t size)
{
	char	 path[PATH_MAX];
	FILE	*fp;
	size_t	 n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	n = fread(buf, 1, size - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	return (ssize_t)n;
}

static void
test_output_and_names(void **state)
{
	struct fixture	*f = *state;
	struct console	*con;
	char		 buf[SCROLLBACK_SIZE];

	con = console_new(&f->cd, 7, "domain-7");
	assert_non_null(con);
	assert_ptr_equal(console_find(&f->cd, "domain-7"), con);
	assert_ptr_equal(console_find(&f->cd, "7"), con);
	assert_null(console_find(&f->cd, "8"));

	/* Every byte: scrollback, log, counters. */
	console_output(con, "early\n", 6);
	assert_int_equal(con->bytes_out, 6);
	assert_int_equal(scrollback_get(con->sb, buf), 6);
	assert_memory_equal(buf, "early\n", 6);
	assert_int_equal(slurp(f->dir, "guest-domain-7.log", buf,
	    sizeof(buf)), 6);

	/* Named later: the log follows the name, with what came before. */
	console_rename(con, "web");
	assert_true(con->named);
	assert_ptr_equal(console_find(&f->cd, "web"), con);
	console_output(con, "late\n", 5);
	assert_int_equal(slurp(f->dir, "guest-web.log", buf, sizeof(buf)),
	    11);
	assert_string_equal(buf, "early\nlate\n");
	assert_int_equal(slurp(f->dir, "guest-domain-7.log", buf,
	    sizeof(buf)), -1);
	assert_int_equal(scrollback_get(con->sb, buf), 11);
}

/* A source the feed drains: 'left' bytes of 'x', or gone. */
static struct {
	size_t	 left;
	uint64_t lose;		/* reported lost on the next read */
	int	 gone;
	int	 reads;
	int	 consumed;
} src;

static ssize_t
src_read(struct console *con, char *buf, size_t max, uint64_t *lost)
{
	size_t	 n = max < src.left ? max : src.left;

	(void)con;
	src.reads++;
	if (src.gone)
		return -1;
	*lost += src.lose;
	src.lose = 0;
	memset(buf, 'x', n);
	src.left -= n;
	return (ssize_t)n;
}

static void
src_consumed(struct console *con)
{
	(void)con;
	src.consumed++;
}

static void
test_feed(void **state)
{
	struct fixture		*f = *state;
	struct console		*con;
	struct console_feed	 feed;
	uint64_t		 end;

	f->cd.rate = 4000;		/* bytes/s: a full second to start */
	con = console_new(&f->cd, 3, "slow");
	memset(&src, 0, sizeof(src));
	feed = (struct console_feed){ .con = con, .read = src_read,
	    .consumed = src_consumed };

	/* Within the burst: all of it at once, and the guest told. */
	src.left = 1000;
	src.lose = 5;
	console_feed_drain(&feed);
	assert_int_equal(con->bytes_out, 1000);
	assert_int_equal(con->bytes_dropped, 5);
	assert_true(src.consumed >= 1);
	assert_null(feed.retry);

	/* Past the tokens: what they allow now, the rest on a timer. */
	src.left = 10000;
	console_feed_drain(&feed);
	assert_true(con->bytes_out < 1000 + 10000);
	assert_non_null(feed.retry);
	assert_true(evtimer_pending(feed.retry, NULL));
	/* ~2.5 s of tokens; a minute for a loaded host. */
	end = console_now_ns() + 60ULL * 1000000000;
	while (src.left > 0 && console_now_ns() < end)
		event_base_loop(f->cd.base, EVLOOP_ONCE);
	assert_int_equal(src.left, 0);
	assert_int_equal(con->bytes_out, 11000);

	/* A source that is gone: nothing taken, the tokens kept. */
	con->rl.tokens = 100;
	src.gone = 1;
	console_feed_drain(&feed);
	assert_int_equal(con->bytes_out, 11000);
	assert_true(con->rl.tokens >= 100);
	console_feed_stop(&feed);
	assert_null(feed.retry);

	/* A feed never attached does nothing. */
	memset(&feed, 0, sizeof(feed));
	console_feed_drain(&feed);
}

/*
 * Input goes to the console the guest reads: its PV ring only once it has
 * used it, else the emulated console (none here: dropped).
 */
static void
test_input_routing(void **state)
{
	struct fixture			*f = *state;
	struct console			*con;
	struct xencons_interface	*ring;

	con = console_new(&f->cd, 4, "route");
	ring = calloc(1, sizeof(*ring));
	assert_non_null(ring);
	con->intf = ring;
	con->local_port = -1;

	/* A ring the guest never touched (a stock Linux): not there. */
	console_input(con, "ls\n", 3);
	assert_int_equal(ring->in_prod, 0);

	/* The guest wrote to it: input goes there from now on. */
	ring->out_prod = 1;
	ring->out_cons = 1;
	console_input(con, "ls\n", 3);
	assert_int_equal(ring->in_prod, 3);
	assert_memory_equal((const char *)ring->in, "ls\n", 3);

	/* Or read from it. */
	ring->out_prod = ring->out_cons = 0;
	ring->in_cons = 3;
	console_input(con, "x", 1);
	assert_int_equal(ring->in_prod, 4);

	con->intf = NULL;
	free(ring);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_output_and_names, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_feed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_input_routing, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
