/* The SBI numbers every guest and the hypervisor agree on (RISC-V SBI specification v2.0). */
#ifndef XVM_SBI_H
#define XVM_SBI_H

/*
 * Extension IDs (chapter 3 binary encoding, chapters 4-12), error codes
 * and the function arguments that are numbers.  The PV hypercall ID, in
 * the firmware-specific range, is in xen.h.  Freestanding.
 */

#define SBI_EXT_LEGACY_SET_TIMER	0x00
#define SBI_EXT_LEGACY_PUTCHAR		0x01
#define SBI_EXT_LEGACY_GETCHAR		0x02
#define SBI_EXT_BASE		0x10
#define SBI_EXT_TIME		0x54494d45
#define SBI_EXT_IPI		0x735049
#define SBI_EXT_RFENCE		0x52464e43
#define SBI_EXT_HSM		0x48534d
#define SBI_EXT_SRST		0x53525354
#define SBI_EXT_DBCN		0x4442434e
#define SBI_EXT_FIRMWARE_FIRST	0x0a000000
#define SBI_EXT_FIRMWARE_LAST	0x0affffff

#define SBI_SUCCESS		0
#define SBI_ERR_FAILED		(-1)
#define SBI_ERR_NOT_SUPPORTED	(-2)
#define SBI_ERR_INVALID_PARAM	(-3)
#define SBI_ERR_DENIED		(-4)
#define SBI_ERR_INVALID_ADDRESS	(-5)
#define SBI_ERR_ALREADY_AVAILABLE (-6)

/* HSM hart_get_status */
#define SBI_HSM_STARTED		0
#define SBI_HSM_STOPPED		1

/* SRST system_reset(type, reason) */
#define SBI_SRST_SHUTDOWN	0
#define SBI_SRST_COLD_REBOOT	1
#define SBI_SRST_WARM_REBOOT	2
#define SBI_SRST_REASON_NONE	0
#define SBI_SRST_REASON_FAILURE	1

#endif
