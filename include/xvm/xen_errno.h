/* Xen's errno values: what hypercalls return negated and XS_ERROR replies name. */
#ifndef XVM_XEN_ERRNO_H
#define XVM_XEN_ERRNO_H

/*
 * Xen's public errno.h uses Linux's numbers, and so do we on both sides
 * of the guest boundary: guest code (freestanding, no <errno.h>) uses
 * these names; dom0 code and the hypervisor use <errno.h>, whose values
 * must be the same ones (XEN_ERRNO_IS_HOST_ERRNO checks).
 */
#define XEN_EPERM	1
#define XEN_ENOENT	2
#define XEN_EIO		5
#define XEN_E2BIG	7
#define XEN_EAGAIN	11
#define XEN_ENOMEM	12
#define XEN_EACCES	13
#define XEN_EFAULT	14
#define XEN_EBUSY	16
#define XEN_EEXIST	17
#define XEN_EISDIR	21
#define XEN_EINVAL	22
#define XEN_ENOSPC	28
#define XEN_EROFS	30
#define XEN_ENOSYS	38
#define XEN_ENOTEMPTY	39
#define XEN_EISCONN	106
#define XEN_ETIMEDOUT	110

/*
 * Dom0 and hypervisor code that hands host errno values across the
 * boundary (or reads them back) says XEN_ERRNO_IS_HOST_ERRNO; once, at
 * file scope, after <errno.h>.  (This header cannot include <errno.h>:
 * guests have none, and its macros would leak into every user.)
 */
#define XEN_ERRNO_IS_HOST_ERRNO						\
_Static_assert(XEN_EPERM == EPERM && XEN_ENOENT == ENOENT &&		\
    XEN_EIO == EIO && XEN_E2BIG == E2BIG && XEN_EAGAIN == EAGAIN &&	\
    XEN_ENOMEM == ENOMEM && XEN_EACCES == EACCES &&			\
    XEN_EFAULT == EFAULT && XEN_EBUSY == EBUSY && XEN_EEXIST == EEXIST &&	\
    XEN_EISDIR == EISDIR && XEN_EINVAL == EINVAL &&			\
    XEN_ENOSPC == ENOSPC && XEN_EROFS == EROFS && XEN_ENOSYS == ENOSYS &&	\
    XEN_ENOTEMPTY == ENOTEMPTY && XEN_EISCONN == EISCONN &&		\
    XEN_ETIMEDOUT == ETIMEDOUT, "Xen's errno values are the host's")

#endif
