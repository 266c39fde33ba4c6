/* State of the xvmd daemon shared by its modules. */
#ifndef XVM_XVMD_XVMD_H
#define XVM_XVMD_XVMD_H

#include <time.h>

#include "xvmd/xendconf.h"

struct event_base;
struct evhttp;

struct xvmd {
	struct event_base	*base;
	struct evhttp		*http;
	struct xendconf		 conf;
	time_t			 started;
	unsigned long		 requests;	/* served since start */
};

#endif
