/* CONTROL requests: help, quota, quota-soft, log, memreport, check, print. */
#ifndef XSD_CTL_H
#define XSD_CTL_H

struct req;

int	 do_control(struct req *);

#endif
