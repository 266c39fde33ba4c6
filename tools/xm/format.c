/* xm's output formats, column for column as Xen 3's xm printed them. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static const char *
str_or(yajl_val obj, const char *key, const char *dflt)
{
	const char	*s = json_get_str(obj, key);

	return s != NULL ? s : dflt;
}

static int64_t
int_or(yajl_val obj, const char *key, int64_t dflt)
{
	int64_t	 v;

	return json_get_i64(obj, key, &v) == 0 ? v : dflt;
}

static double
num_or(yajl_val obj, const char *key, double dflt)
{
	yajl_val v = json_get(obj, key);

	return v != NULL && YAJL_IS_NUMBER(v) ? YAJL_GET_DOUBLE(v) : dflt;
}

static int
flag(yajl_val state, const char *key)
{
	int	 b;

	return json_get_bool(state, key, &b) == 0 && b;
}

/* The six-letter state: r b p s c d, '-' where the flag is off. */
void
fmt_state(char out[7], yajl_val dom)
{
	static const char *const keys[6] = { "running", "blocked", "paused",
	    "shutdown", "crashed", "dying" };
	yajl_val	 state = json_get(dom, "state");
	int		 i;

	for (i = 0; i < 6; i++)
		out[i] = flag(state, keys[i]) ? "rbpscd"[i] : '-';
	out[6] = '\0';
}

static void
domid_text(char *buf, size_t size, yajl_val dom)
{
	int64_t	 id;

	/* A managed domain that is not running has no ID. */
	if (json_get_i64(dom, "domid", &id) == 0)
		snprintf(buf, size, "%" PRId64, id);
	else
		buf[0] = '\0';
}

void
fmt_list(FILE *fp, const yajl_val *doms, size_t n)
{
	char	 state[7], id[24];
	size_t	 i;

	fprintf(fp, "%-40s %5s %5s %5s %10s %9s\n", "Name", "ID", "Mem",
	    "VCPUs", "State", "Time(s)");
	for (i = 0; i < n; i++) {
		yajl_val d = doms[i];

		fmt_state(state, d);
		domid_text(id, sizeof(id), d);
		fprintf(fp, "%-40s %5s %5" PRId64 " %5" PRId64 " %10s %9.1f\n",
		    str_or(d, "name", "?"), id, int_or(d, "memory", 0),
		    int_or(d, "vcpus", 0), state, num_or(d, "cpu_time", 0));
	}
}

/* [["key", value], ...] as "key<pad>: value" (xm info). */
void
fmt_pairs(FILE *fp, yajl_val pairs, int keywidth)
{
	size_t	 i;

	if (pairs == NULL || !YAJL_IS_ARRAY(pairs))
		return;
	for (i = 0; i < pairs->u.array.len; i++) {
		yajl_val p = pairs->u.array.values[i], k, v;

		if (!YAJL_IS_ARRAY(p) || p->u.array.len != 2)
			continue;
		k = p->u.array.values[0];
		v = p->u.array.values[1];
		if (!YAJL_IS_STRING(k))
			continue;
		fprintf(fp, "%-*s: ", keywidth, k->u.string);
		if (YAJL_IS_STRING(v))
			fprintf(fp, "%s\n", v->u.string);
		else if (YAJL_IS_INTEGER(v))
			fprintf(fp, "%lld\n", YAJL_GET_INTEGER(v));
		else if (YAJL_IS_DOUBLE(v))
			fprintf(fp, "%g\n", YAJL_GET_DOUBLE(v));
		else
			fprintf(fp, "\n");
	}
}

void
fmt_vcpu_list(FILE *fp, const yajl_val *doms, size_t n)
{
	char	 id[24], cpu[24], st[4];
	size_t	 i, j;

	fprintf(fp, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU",
	    "CPU", "State", "Time(s)", "CPU Affinity");
	for (i = 0; i < n; i++) {
		yajl_val d = doms[i];
		yajl_val vs = json_get(d, "vcpu_list");

		if (vs == NULL || !YAJL_IS_ARRAY(vs))
			continue;
		domid_text(id, sizeof(id), d);
		for (j = 0; j < vs->u.array.len; j++) {
			yajl_val v = vs->u.array.values[j];
			int64_t c = int_or(v, "cpu", -1);

			if (c < 0 || !flag(v, "online"))
				snprintf(cpu, sizeof(cpu), "-");
			else
				snprintf(cpu, sizeof(cpu), "%" PRId64, c);
			/* Xen's xm: 'p' is a vCPU that is not online. */
			st[0] = flag(v, "running") ? 'r' : '-';
			st[1] = flag(v, "blocked") ? 'b' : '-';
			st[2] = flag(v, "online") ? '-' : 'p';
			st[3] = '\0';
			fprintf(fp, "%-32s %5s %5" PRId64 " %5s %5s %9.1f %s\n",
			    str_or(d, "name", "?"), id, int_or(v, "vcpu", j),
			    cpu, st, num_or(v, "cpu_time", 0),
			    str_or(v, "affinity", "any cpu"));
		}
	}
}

void
fmt_uptime(FILE *fp, const yajl_val *doms, size_t n, int short_form)
{
	char	 id[24];
	size_t	 i;

	if (!short_form)
		fprintf(fp, "%-33s %4s %s\n", "Name", "ID", "Uptime");
	for (i = 0; i < n; i++) {
		yajl_val d = doms[i];
		int64_t up = int_or(d, "uptime", -1), days;

		if (up < 0)
			continue;	/* not running */
		domid_text(id, sizeof(id), d);
		days = up / 86400;
		up %= 86400;
		if (short_form) {
			fprintf(fp, "%02" PRId64 ":%02" PRId64 ":%02" PRId64
			    " up %" PRId64 " day%s, %s (%s)\n", up / 3600,
			    up / 60 % 60, up % 60, days, days == 1 ? "" : "s",
			    str_or(d, "name", "?"), id);
			continue;
		}
		fprintf(fp, "%-33s %4s ", str_or(d, "name", "?"), id);
		if (days > 0)
			fprintf(fp, "%" PRId64 " day%s, ", days,
			    days == 1 ? "" : "s");
		fprintf(fp, "%" PRId64 ":%02" PRId64 ":%02" PRId64 "\n",
		    up / 3600, up / 60 % 60, up % 60);
	}
}

/* xm list --json: each domain's whole record, as indented JSON. */
void
fmt_json(FILE *fp, const yajl_val *doms, size_t n)
{
	struct json_w	*w;
	const char	*text;
	size_t		 i;

	for (i = 0; i < n; i++) {
		if ((w = json_w_new(1)) == NULL)
			return;
		json_w_value(w, doms[i]);
		if ((text = json_w_finish(w, NULL)) != NULL)
			fputs(text, fp);
		json_w_free(w);
	}
}
