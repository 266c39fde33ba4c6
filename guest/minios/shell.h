/* The console shell: keys typed on the PV console, echoed, and a line of
 * them run as a command (docs/minios.md, "Console input"). */
#ifndef MINIOS_SHELL_H
#define MINIOS_SHELL_H

/* Reads what was typed and runs finished lines; boot vCPU only. */
void	shell_poll(void);

#endif
