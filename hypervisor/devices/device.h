/* The device model: one ops table per device file, mapped on the machine's bus. */
#ifndef XVM_HYPERVISOR_DEVICES_DEVICE_H
#define XVM_HYPERVISOR_DEVICES_DEVICE_H

#include <stdint.h>

struct machine;
struct vcpu;

/*
 * A bus device.  create() returns the device's state (owned by the
 * machine, released with destroy()); read/write get an offset into the
 * device's window and the accessing hart, and return 0 or -1 (the
 * hart then takes an access fault).  Each device locks its own state:
 * harts on several threads may call it at once.
 */
struct device_ops {
	const char	*name;
	uint64_t	 base;
	uint64_t	 size;
	void		*(*create)(struct machine *);
	void		 (*destroy)(void *);
	int		 (*read)(void *, struct vcpu *, uint64_t off,
			    unsigned size, uint64_t *val);
	int		 (*write)(void *, struct vcpu *, uint64_t off,
			    unsigned size, uint64_t val);
};

extern const struct device_ops clint_ops;	/* devices/clint.c */
extern const struct device_ops plic_ops;	/* devices/plic.c */
extern const struct device_ops uart_ops;	/* devices/uart.c */
extern const struct device_ops syscon_ops;	/* devices/syscon.c */
extern const struct device_ops gpio_ops;	/* devices/gpio.c */
extern const struct device_ops virtio_mmio_ops;	/* devices/virtio_mmio.c */

/* Side doors the machine uses. */
void	plic_set_irq(void *plic, unsigned src, int level);
void	uart_input_ready(void *uart);
void	gpio_press(void *gpio, unsigned line);

/* HTIF (devices/htif.c): not on the bus; RAM words watched by the MMU. */
void	htif_store(struct machine *, uint64_t tohost, uint64_t fromhost);

#endif
