/* The virtio console device (virtio 1.1, section 5.3), single-port: features and config space. */
#ifndef XVM_VIRTIO_CONSOLE_H
#define XVM_VIRTIO_CONSOLE_H

#include <stdint.h>

#define VIRTIO_CONSOLE_F_SIZE		0
#define VIRTIO_CONSOLE_F_MULTIPORT	1
#define VIRTIO_CONSOLE_F_EMERG_WRITE	2

/* Queues without MULTIPORT: port 0's receiveq and transmitq. */
#define VIRTIO_CONSOLE_Q_RX		0u
#define VIRTIO_CONSOLE_Q_TX		1u

struct virtio_console_config {
	uint16_t	cols;
	uint16_t	rows;
	uint32_t	max_nr_ports;
	uint32_t	emerg_wr;
};
_Static_assert(sizeof(struct virtio_console_config) == 12,
    "virtio 1.1 5.3.4 layout");

#endif
