/* xm info and xm dmesg: the host and the hypervisor's own messages. */
#include <stdio.h>
#include <unistd.h>

#include "lib/json.h"
#include "tools/xm/xm.h"

static int
exec_info(int argc, char **argv)
{
	yajl_val	 reply;

	(void)argc;
	(void)argv;
	if (xm_call("GET", "/host", NULL, &reply) != 0)
		return 1;
	fmt_pairs(stdout, json_get(reply, "info"), 23);
	json_free(reply);
	return 0;
}

static int
exec_dmesg(int argc, char **argv)
{
	yajl_val	 reply;
	const char	*text;
	int		 ch, clear = 0;

	while ((ch = getopt(argc, argv, "+c")) != -1)
		clear |= ch == 'c';
	if (xm_call("GET", clear ? "/host/dmesg?clear=1" : "/host/dmesg",
	    NULL, &reply) != 0)
		return 1;
	if ((text = json_get_str(reply, "text")) != NULL)
		fputs(text, stdout);
	json_free(reply);
	return 0;
}

const struct cmd_entry cmd_info_entry = {
	.name = "info",
	.args = "",
	.help = "Get information about the xVM host.",
	.min_args = 0,
	.max_args = 0,
	.exec = exec_info,
};

const struct cmd_entry cmd_dmesg_entry = {
	.name = "dmesg",
	.args = "[-c]",
	.help = "Read (-c: and clear) the hypervisor's message buffer.",
	.opts = "c",
	.min_args = 0,
	.max_args = 0,
	.exec = exec_dmesg,
};
