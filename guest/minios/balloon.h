/* The balloon: memory/target honoured with decrease_reservation and populate_physmap. */
#ifndef MINIOS_BALLOON_H
#define MINIOS_BALLOON_H

#include <stdint.h>

/* Remembers where this guest's RAM ends (after mm_init). */
void	balloon_init(void);
/* memory/target changed (or its watch was set): read it, apply it. */
void	balloon_event(void);
/* Moves the reservation toward target_kib and prints the outcome. */
void	balloon_set(uint64_t target_kib);
/* The reservation in pages (current_reservation), or a negated XEN_E*. */
long	balloon_current(void);
/* After a resume as a new domain: give the lent frames back again. */
void	balloon_resume(void);

#endif
