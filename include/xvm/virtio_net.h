/* The virtio network device (virtio 1.1, section 5.1): features, config space, packet header. */
#ifndef XVM_VIRTIO_NET_H
#define XVM_VIRTIO_NET_H

#include <stdint.h>

/* Feature bits (5.1.3). */
#define VIRTIO_NET_F_CSUM		0
#define VIRTIO_NET_F_GUEST_CSUM		1
#define VIRTIO_NET_F_CTRL_GUEST_OFFLOADS 2
#define VIRTIO_NET_F_MTU		3
#define VIRTIO_NET_F_MAC		5
#define VIRTIO_NET_F_GUEST_TSO4		7
#define VIRTIO_NET_F_GUEST_TSO6		8
#define VIRTIO_NET_F_GUEST_ECN		9
#define VIRTIO_NET_F_GUEST_UFO		10
#define VIRTIO_NET_F_HOST_TSO4		11
#define VIRTIO_NET_F_HOST_TSO6		12
#define VIRTIO_NET_F_HOST_ECN		13
#define VIRTIO_NET_F_HOST_UFO		14
#define VIRTIO_NET_F_MRG_RXBUF		15
#define VIRTIO_NET_F_STATUS		16
#define VIRTIO_NET_F_CTRL_VQ		17

/* Config space (5.1.4). */
#define VIRTIO_NET_S_LINK_UP		1u
#define VIRTIO_NET_S_ANNOUNCE		2u

struct virtio_net_config {
	uint8_t		mac[6];
	uint16_t	status;
	uint16_t	max_virtqueue_pairs;
	uint16_t	mtu;
};
_Static_assert(sizeof(struct virtio_net_config) == 12,
    "virtio 1.1 5.1.4 layout");

/* Queues (5.1.2): receiveq1, transmitq1. */
#define VIRTIO_NET_Q_RX			0u
#define VIRTIO_NET_Q_TX			1u

/* The header before every packet (5.1.6); 12 bytes with VERSION_1. */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM	1u
#define VIRTIO_NET_HDR_F_DATA_VALID	2u
#define VIRTIO_NET_HDR_GSO_NONE		0u
#define VIRTIO_NET_HDR_GSO_TCPV4	1u
#define VIRTIO_NET_HDR_GSO_UDP		3u
#define VIRTIO_NET_HDR_GSO_TCPV6	4u
#define VIRTIO_NET_HDR_GSO_ECN		0x80u

struct virtio_net_hdr {
	uint8_t		flags;
	uint8_t		gso_type;
	uint16_t	hdr_len;
	uint16_t	gso_size;
	uint16_t	csum_start;
	uint16_t	csum_offset;
	uint16_t	num_buffers;
};
_Static_assert(sizeof(struct virtio_net_hdr) == 12,
    "virtio 1.1 5.1.6 layout");

#endif
