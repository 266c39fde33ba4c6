/*
 * xm top's rows, in xentop's columns (its batch mode prints exactly
 * these).  Counters the stack does not keep (network and block I/O, SSID)
 * show "-" rather than a made-up 0.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

void
top_header(FILE *fp)
{
	fprintf(fp, "%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s "
	    "%4s %8s %8s %8s %10s %10s %4s\n", "NAME", "STATE", "CPU(sec)",
	    "CPU(%)", "MEM(k)", "MEM(%)", "MAXMEM(k)", "MAXMEM(%)", "VCPUS",
	    "NETS", "NETTX(k)", "NETRX(k)", "VBDS", "VBD_OO", "VBD_RD",
	    "VBD_WR", "VBD_RSECT", "VBD_WSECT", "SSID");
}

/* xentop's state letters and order: d s b c p r. */
void
top_state(char out[7], yajl_val dom)
{
	static const char *const keys[6] = { "dying", "shutdown", "blocked",
	    "crashed", "paused", "running" };
	yajl_val	 st = json_get(dom, "state");
	size_t		 i;
	int		 b;

	for (i = 0; i < 6; i++)
		out[i] = json_get_bool(st, keys[i], &b) == 0 && b ?
		    "dsbcpr"[i] : '-';
	out[6] = '\0';
}

static size_t
count(yajl_val cfg, const char *key)
{
	yajl_val	 a = json_get(cfg, key);

	return a != NULL && YAJL_IS_ARRAY(a) ? a->u.array.len : 0;
}

void
top_row(FILE *fp, yajl_val dom, double cpu_pct, int64_t host_kib)
{
	yajl_val	 cfg = json_get(dom, "config"), v;
	char		 state[7], maxk[24], maxp[24];
	int64_t		 mem_kib, max_mib, pages, domid = -1, vcpus = 0;
	double		 cpu = 0;
	const char	*name = json_get_str(dom, "name");

	top_state(state, dom);
	(void)json_get_i64(dom, "domid", &domid);
	if ((v = json_get(dom, "cpu_time")) != NULL && YAJL_IS_NUMBER(v))
		cpu = YAJL_GET_DOUBLE(v);
	/* Memory the domain holds: its pages when it runs. */
	if (json_get_i64(dom, "pages", &pages) == 0)
		mem_kib = pages * 4;
	else if (json_get_i64(dom, "memory", &mem_kib) == 0)
		mem_kib *= 1024;
	else
		mem_kib = 0;
	if (domid != 0 && json_get_i64(dom, "maxmem", &max_mib) == 0 &&
	    max_mib > 0) {
		snprintf(maxk, sizeof(maxk), "%" PRId64, max_mib * 1024);
		snprintf(maxp, sizeof(maxp), "%.1f", host_kib > 0 ?
		    100.0 * (double)max_mib * 1024 / (double)host_kib : 0.0);
	} else {
		snprintf(maxk, sizeof(maxk), "no limit");
		snprintf(maxp, sizeof(maxp), "n/a");
	}
	(void)json_get_i64(dom, "vcpus", &vcpus);
	fprintf(fp, "%10s %6s %10" PRId64 " %6.1f %10" PRId64 " %6.1f %10s "
	    "%9s %5" PRId64 " %4zu %8s %8s %4zu %8s %8s %8s %10s %10s %4s\n",
	    name != NULL ? name : "?", state, (int64_t)cpu, cpu_pct, mem_kib,
	    host_kib > 0 ? 100.0 * (double)mem_kib / (double)host_kib : 0.0,
	    maxk, maxp, vcpus, count(cfg, "vif"), "-", "-",
	    count(cfg, "disk"), "-", "-", "-", "-", "-", "-");
}
