/* The shell's `xs` commands: xenbus operations typed on the console, each
 * answered with one line, so that dom0 can drive and check the guest's
 * side of the store (permissions, quotas, watches, transactions). */
#ifndef MINIOS_XSCMD_H
#define MINIOS_XSCMD_H

struct xb_event;

/* The watch token `xs watch` registers with. */
#define XSCMD_TOKEN	"xs"

/* argv[0] is "xs"; prints the outcome. */
void	xscmd_run(int argc, char **argv);
/* Prints an event of a watch set with `xs watch`. */
void	xscmd_event(const struct xb_event *ev);

#endif
