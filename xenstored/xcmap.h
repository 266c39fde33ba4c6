/* The guest ring transport over libxc: foreign mapping, event channels, VIRQ_DOM_EXC. */
#ifndef XSD_XCMAP_H
#define XSD_XCMAP_H

struct event_base;
struct ring_mapper;

/*
 * Fill 'm' with the libxc mapper and start listening for guests'
 * notifications and for VIRQ_DOM_EXC on 'base'.  The hypervisor need not
 * be up yet: it is reached when a ring is first mapped, or by the tick.
 */
void	 xcmap_init(struct event_base *base, struct ring_mapper *m);

/*
 * Once a second: reach the hypervisor if we could not before, and when
 * VIRQ_DOM_EXC could not be bound (another dom0 program holds it), look
 * for domains that shut down or went away.
 */
void	 xcmap_tick(void);

/* Look at every introduced domain now (domain_check() with libxc). */
void	 xcmap_check(void);

void	 xcmap_close(void);

#endif
