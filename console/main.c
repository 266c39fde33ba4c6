/* xvm-consoled: the console daemon.  Options and wiring only. */
#include <stdlib.h>

#include <event2/event.h>

#include "console/consoled.h"
#include "lib/daemon.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

static int
set_limit(void *arg, const char *s, char **cause)
{
	struct consoled	*cd = arg;
	uint64_t	 kib;

	if (str_to_u64(s, 0, 1 << 20, &kib) == -1) {
		xasprintf(cause, "-l %s: not a number from 0 to 1048576", s);
		return -1;
	}
	cd->rate = kib * 1024;
	return 0;
}

static const struct daemon_option options[] = {
	{ "limit", 'l', "KIB_PER_SEC", "console output per guest, KiB/s on "
	    "average (default 1024; 0 = none)", set_limit },
	{ NULL, 0, NULL, NULL, NULL },
};

static const struct daemon_spec spec = {
	.name = "xvm-consoled",
	.verbose = 1,
	.options = options,
};

static void
on_hup(void *arg)
{
	console_reopen_logs(arg);
}

int
main(int argc, char **argv)
{
	struct consoled	 cd = { .rate = 1024 * 1024 };
	struct daemon	 d;
	char		*cause = NULL;

	daemon_setup(&d, &spec, argc, argv, &cd);
	cd.base = daemon_loop(&d, NULL, on_hup, &cd);
	if (consoled_start(&cd, &cause) == -1)
		fatalx("%s", cause);
	daemon_serving(&d);
	event_base_dispatch(cd.base);
	consoled_stop(&cd);
	daemon_finish(&d);
	return 0;
}
