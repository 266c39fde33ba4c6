/*
 * The console shell.  Bytes typed on the PV console are echoed as they
 * arrive (backspace rubs out, Ctrl-C drops the line, other control bytes
 * are ignored) and a CR or LF runs the line:
 *
 *	s		the memory self-check
 *	t, m		the sysrq reports (vCPUs and counters, memory)
 *	xs ...		xenbus operations (xscmd.c)
 *	help
 *
 * It runs on the boot vCPU from kernel_poll(), never in the upcall, so a
 * command may wait for the store.
 */
#include <string.h>

#include "guest/minios/console.h"
#include "guest/minios/control.h"
#include "guest/minios/kernel.h"
#include "guest/minios/pvcons.h"
#include "guest/minios/shell.h"
#include "guest/minios/xscmd.h"

#define SHELL_LINE	200
#define SHELL_ARGS	8

static char line[SHELL_LINE];
static size_t len;
static int after_cr;

static void
help(void)
{
	kprintf("shell: s self-check, t vCPUs, m memory, xs read|write|"
	    "size|mkdir|rm|ls|watch|unwatch|fill|big|tx|bench|reconnect ..., "
	    "help");
}

static void
run(void)
{
	char *argv[SHELL_ARGS], *p = line;
	int argc = 0;

	line[len] = '\0';
	/* Words split on blanks; an `xs write` value is the rest of the line. */
	while (*p != '\0' && argc < SHELL_ARGS) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		if (argc == 4 && strcmp(argv[0], "xs") == 0 &&
		    strcmp(argv[1], "write") == 0)
			break;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
	}
	if (argc == 0)
		return;
	if (strcmp(argv[0], "s") == 0 && argc == 1)
		selfcheck_report("console", NULL, 0);
	else if ((strcmp(argv[0], "t") == 0 || strcmp(argv[0], "m") == 0) &&
	    argc == 1)
		control_sysrq(argv[0][0]);
	else if (strcmp(argv[0], "xs") == 0)
		xscmd_run(argc, argv);
	else if (strcmp(argv[0], "help") == 0)
		help();
	else
		kprintf("shell: %s: unknown command (help lists them)",
		    argv[0]);
}

static void
key(char c)
{
	static const char rubout[] = "\b \b";

	if (c == '\n' && after_cr) {	/* CR LF is one end of line */
		after_cr = 0;
		return;
	}
	after_cr = c == '\r';
	if (c == '\r' || c == '\n') {
		console_write("\n", 1);
		run();
		len = 0;
	} else if (c == 0x7f || c == '\b') {
		if (len > 0) {
			len--;
			console_write(rubout, sizeof(rubout) - 1);
		}
	} else if (c == 0x03) {
		console_write("^C\n", 3);
		len = 0;
	} else if (c >= 0x20 && c < 0x7f && len < SHELL_LINE - 1) {
		line[len++] = c;
		console_write(&c, 1);
	}
}

void
shell_poll(void)
{
	char buf[64];
	long n, i;

	while ((n = pvcons_read(buf, sizeof(buf))) > 0)
		for (i = 0; i < n; i++)
			key(buf[i]);
}
