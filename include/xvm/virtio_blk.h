/* The virtio block device (virtio 1.1, section 5.2): features, config space, requests. */
#ifndef XVM_VIRTIO_BLK_H
#define XVM_VIRTIO_BLK_H

#include <stddef.h>
#include <stdint.h>

/* Feature bits (5.2.3). */
#define VIRTIO_BLK_F_SIZE_MAX		1
#define VIRTIO_BLK_F_SEG_MAX		2
#define VIRTIO_BLK_F_GEOMETRY		4
#define VIRTIO_BLK_F_RO			5
#define VIRTIO_BLK_F_BLK_SIZE		6
#define VIRTIO_BLK_F_FLUSH		9
#define VIRTIO_BLK_F_TOPOLOGY		10
#define VIRTIO_BLK_F_CONFIG_WCE		11
#define VIRTIO_BLK_F_MQ			12
#define VIRTIO_BLK_F_DISCARD		13
#define VIRTIO_BLK_F_WRITE_ZEROES	14

#define VIRTIO_BLK_SECTOR_SIZE		512u
#define VIRTIO_BLK_ID_BYTES		20u	/* GET_ID's answer */

/* Config space (5.2.4), 60 bytes as laid out here. */
struct virtio_blk_config {
	uint64_t	capacity;		/* in 512-byte sectors */
	uint32_t	size_max;
	uint32_t	seg_max;
	uint16_t	cylinders;		/* geometry */
	uint8_t		heads;
	uint8_t		sectors;
	uint32_t	blk_size;
	uint8_t		physical_block_exp;	/* topology */
	uint8_t		alignment_offset;
	uint16_t	min_io_size;
	uint32_t	opt_io_size;
	uint8_t		writeback;
	uint8_t		unused0[3];
	uint32_t	max_discard_sectors;
	uint32_t	max_discard_seg;
	uint32_t	discard_sector_alignment;
	uint32_t	max_write_zeroes_sectors;
	uint32_t	max_write_zeroes_seg;
	uint8_t		write_zeroes_may_unmap;
	uint8_t		unused1[3];
};
/* The bytes a device offers (the struct's tail padding is not config). */
#define VIRTIO_BLK_CONFIG_SIZE	60u
_Static_assert(offsetof(struct virtio_blk_config, unused1) + 3 ==
    VIRTIO_BLK_CONFIG_SIZE, "virtio 1.1 5.2.4 layout");

/* Request types (5.2.6). */
#define VIRTIO_BLK_T_IN			0u
#define VIRTIO_BLK_T_OUT		1u
#define VIRTIO_BLK_T_FLUSH		4u
#define VIRTIO_BLK_T_GET_ID		8u
#define VIRTIO_BLK_T_DISCARD		11u
#define VIRTIO_BLK_T_WRITE_ZEROES	13u

/* Status byte, the last byte the device writes. */
#define VIRTIO_BLK_S_OK			0u
#define VIRTIO_BLK_S_IOERR		1u
#define VIRTIO_BLK_S_UNSUPP		2u

/* A request: this header, the data, then the status byte. */
struct virtio_blk_req_hdr {
	uint32_t	type;
	uint32_t	reserved;
	uint64_t	sector;
};

/* The data of DISCARD and WRITE_ZEROES: one or more of these. */
#define VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP	1u
struct virtio_blk_discard_write_zeroes {
	uint64_t	sector;
	uint32_t	num_sectors;
	uint32_t	flags;
};

#endif
