/* Kernel command line parser: space-separated words, KEY or KEY=VALUE. */
#include <string.h>

#include "guest/minios/bootargs.h"
#include "guest/minios/fmt.h"

void
bootargs_defaults(struct bootargs *ba)
{
	memset(ba, 0, sizeof(*ba));
	ba->workload = WL_IDLE;
	ba->hz = 10;
	ba->tick_every = 0;	/* quiet: an idle domain takes no interrupt */
}

const char *
workload_name(enum workload wl)
{
	switch (wl) {
	case WL_IDLE:
		return "idle";
	case WL_CPU:
		return "cpu";
	case WL_DIRTY:
		return "dirty";
	}
	return "?";
}

/* Decimal in [min, max], the whole of s[0..n). */
static int
number(const char *s, size_t n, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 10)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

struct numarg {
	const char	*key;
	size_t		 off;
	uint32_t	 min, max;
};

#define NUMARG(k, field, lo, hi) { k, offsetof(struct bootargs, field), lo, hi }

/* One table, so every numeric knob gets the same range check. */
static const struct numarg numargs[] = {
	NUMARG("dirty", dirty_mib, 1, 65536),
	NUMARG("wss", wss_mib, 1, 65536),
	NUMARG("selfcheck", selfcheck_mib, 1, 65536),
	NUMARG("hz", hz, 1, 1000),
	NUMARG("ticks", tick_every, 0, 86400),
	NUMARG("poweroff", poweroff_after, 1, 86400),
	NUMARG("reboot", reboot_after, 1, 86400),
};

static int
word(struct bootargs *ba, const char *w, size_t n, char *err, size_t errlen)
{
	const char *eq = memchr(w, '=', n);
	size_t klen = eq != NULL ? (size_t)(eq - w) : n;
	const struct numarg *na;
	size_t i;

	if (eq == NULL && n == 4 && memcmp(w, "idle", 4) == 0) {
		ba->workload = WL_IDLE;
		return 0;
	}
	if (eq == NULL && n == 3 && memcmp(w, "cpu", 3) == 0) {
		ba->workload = WL_CPU;
		return 0;
	}
	if (eq == NULL && n == 9 && memcmp(w, "selfcheck", 9) == 0) {
		ba->selfcheck_boot = 1;
		return 0;
	}
	if (eq == NULL && n == 10 && memcmp(w, "dirtycheck", 10) == 0) {
		ba->dirty_check = 1;
		return 0;
	}
	if (eq == NULL && n == 8 && memcmp(w, "periodic", 8) == 0) {
		ba->periodic = 1;
		return 0;
	}
	if (eq == NULL && n == 8 && memcmp(w, "locktest", 8) == 0) {
		ba->locktest = 1;
		return 0;
	}
	if (eq == NULL && n == 5 && memcmp(w, "crash", 5) == 0) {
		ba->crash = 1;
		return 0;
	}
	if (n == 11 && memcmp(w, "console=sbi", 11) == 0) {
		ba->console_sbi = 1;
		return 0;
	}
	for (i = 0; i < sizeof(numargs) / sizeof(numargs[0]); i++) {
		na = &numargs[i];
		if (strlen(na->key) != klen || memcmp(w, na->key, klen) != 0)
			continue;
		if (eq == NULL ||
		    number(eq + 1, n - klen - 1, na->min, na->max,
		    (uint32_t *)(void *)((char *)ba + na->off)) != 0) {
			ksnprintf(err, errlen,
			    "bootargs: %.*s: want a number from %u to %u",
			    (int)n, w, na->min, na->max);
			return -1;
		}
		if (strcmp(na->key, "dirty") == 0)
			ba->workload = WL_DIRTY;
		if (strcmp(na->key, "selfcheck") == 0)
			ba->selfcheck_boot = 1;
		return 0;
	}
	return 0;
}

int
bootargs_parse(struct bootargs *ba, const char *cmdline, char *err,
    size_t errlen)
{
	struct bootargs nb = *ba;
	const char *p = cmdline, *w;

	/* Work on a copy so that a bad word changes nothing. */
	while (*p != '\0') {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		for (w = p; *p != '\0' && *p != ' ' && *p != '\t' &&
		    *p != '\n'; p++)
			;
		if (p > w && word(&nb, w, (size_t)(p - w), err, errlen) != 0)
			return -1;
	}
	*ba = nb;
	return 0;
}
