/* Virtio over MMIO (virtio 1.1, section 4.2) and split virtqueues (2.6): the guest ABI. */
#ifndef XVM_VIRTIO_H
#define XVM_VIRTIO_H

#include <stdint.h>

/*
 * The xvm-riscv machine's virtio-mmio slots (DESIGN.md §4a): QEMU virt's
 * eight at 0x10001000 + i * 0x1000 with PLIC sources 1-8, then 24 more
 * (slots 8-31) with PLIC sources 32-55.  A slot with no device reads
 * DeviceID 0.  Everything here is little-endian, as virtio 1.x is.
 */
#define VIRTIO_MMIO_BASE		0x10001000ULL
#define VIRTIO_MMIO_SLOT_SIZE		0x1000ULL
#define VIRTIO_MMIO_SLOTS		32
#define VIRTIO_MMIO_SLOT_ADDR(i)	(VIRTIO_MMIO_BASE + \
	    (unsigned long long)(i) * VIRTIO_MMIO_SLOT_SIZE)
#define VIRTIO_MMIO_SLOT_IRQ(i)		((i) < 8 ? 1 + (i) : 32 + (i) - 8)

/* Register offsets (4.2.2), all 32-bit accesses. */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000	/* "virt" */
#define VIRTIO_MMIO_VERSION		0x004	/* 2 */
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID		0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL	0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL	0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_QUEUE_RESET		0x0c0
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100	/* device config space */

#define VIRTIO_MMIO_MAGIC		0x74726976u
#define VIRTIO_MMIO_VERSION_2		2u
#define VIRTIO_MMIO_VENDOR_XVM		0x4d5658u	/* "XVM" */
#define VIRTIO_MMIO_CONFIG_MAX		256u	/* bytes of config we offer */
#define VIRTIO_MMIO_SELECT_MAX		4096u	/* a select table's bytes */

/* InterruptStatus bits (4.2.2). */
#define VIRTIO_MMIO_INT_VRING		0x1u
#define VIRTIO_MMIO_INT_CONFIG		0x2u

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	0x01u
#define VIRTIO_STATUS_DRIVER		0x02u
#define VIRTIO_STATUS_DRIVER_OK		0x04u
#define VIRTIO_STATUS_FEATURES_OK	0x08u
#define VIRTIO_STATUS_NEEDS_RESET	0x40u
#define VIRTIO_STATUS_FAILED		0x80u

/* Device IDs (5). */
#define VIRTIO_ID_NET			1u
#define VIRTIO_ID_BLOCK			2u
#define VIRTIO_ID_CONSOLE		3u
#define VIRTIO_ID_RNG			4u
#define VIRTIO_ID_GPU			16u
#define VIRTIO_ID_INPUT			18u

/* Transport feature bits (6). */
#define VIRTIO_F_INDIRECT_DESC		28
#define VIRTIO_F_EVENT_IDX		29
#define VIRTIO_F_VERSION_1		32
#define VIRTIO_F_ACCESS_PLATFORM	33
#define VIRTIO_F_RING_PACKED		34
#define VIRTIO_F_IN_ORDER		35

/* Split virtqueues (2.6): the three areas' layouts. */
#define VIRTQ_DESC_F_NEXT		1u
#define VIRTQ_DESC_F_WRITE		2u
#define VIRTQ_DESC_F_INDIRECT		4u

struct virtq_desc {
	uint64_t	addr;
	uint32_t	len;
	uint16_t	flags;
	uint16_t	next;
};

#define VIRTQ_AVAIL_F_NO_INTERRUPT	1u

/* ring[num], then used_event when EVENT_IDX is negotiated. */
struct virtq_avail {
	uint16_t	flags;
	uint16_t	idx;
	uint16_t	ring[];
};

#define VIRTQ_USED_F_NO_NOTIFY		1u

struct virtq_used_elem {
	uint32_t	id;
	uint32_t	len;
};

/* ring[num], then avail_event when EVENT_IDX is negotiated. */
struct virtq_used {
	uint16_t	flags;
	uint16_t	idx;
	struct virtq_used_elem ring[];
};

#define VIRTQ_MAX_SIZE			32768u	/* a power of 2 up to this */

/* Alignment (2.6): descriptors 16, driver area 2, device area 4. */
#define VIRTQ_DESC_ALIGN		16u
#define VIRTQ_AVAIL_ALIGN		2u
#define VIRTQ_USED_ALIGN		4u

/* Sizes of the areas of a queue of 'n' entries, with the event words. */
#define VIRTQ_DESC_SIZE(n)	((unsigned long)(n) * 16u)
#define VIRTQ_AVAIL_SIZE(n)	(6u + 2u * (unsigned long)(n))
#define VIRTQ_USED_SIZE(n)	(6u + 8u * (unsigned long)(n))

/* 2.6.7.2: "notify/interrupt when new_idx passes event_idx". */
static inline int
virtq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
	return (uint16_t)(new_idx - event_idx - 1) <
	    (uint16_t)(new_idx - old_idx);
}

#endif
