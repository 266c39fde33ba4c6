/*
 * The machine: guest RAM in a memfd, the harts, the bus of QEMU-virt
 * devices, the console queue and the power state (machine.h).
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/devices/device.h"
#include "hypervisor/machine.h"
#include "lib/xmalloc.h"

#define INBUF_SIZE	4096

static const struct device_ops *const bus_devices[] = {
	&syscon_ops, &clint_ops, &plic_ops, &uart_ops, &gpio_ops,
	&virtio_mmio_ops,
};
#define NDEV	(sizeof(bus_devices) / sizeof(bus_devices[0]))

struct machine {
	char		*name;
	uint8_t		*ram;
	uint64_t	 ram_size;
	int		 ram_fd;
	int		 own_fd;
	uint8_t		*vram;		/* at MACHINE_VRAM_BASE, or NULL */
	uint64_t	 vram_size;
	int		 firmware;
	unsigned	 nvcpus;
	struct vcpu	*vcpu[MACHINE_MAX_VCPUS];
	/*
	 * The guest clock in one word, so a reader needs one atomic load:
	 * running, the host CLOCK_MONOTONIC ns at which guest time was 0;
	 * stopped, CLK_STOPPED | the guest ns it stopped at.  Writers hold
	 * clk_lock.
	 */
	_Atomic uint64_t clk;
	pthread_mutex_t	 clk_lock;
	void		*dev[NDEV];
	void		*plic, *uart, *gpio, *virtio;

	pthread_mutex_t	 con_lock;
	machine_console_fn con_fn;
	void		*con_arg;
	char		 inbuf[INBUF_SIZE];
	size_t		 in_head, in_len;

	_Atomic int	 shutdown;
	int		 shutdown_code;
	machine_hcall_fn hcall;
	void		*hcall_arg;
	uint64_t	 tohost, fromhost;
};

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

struct machine *
machine_new(const struct machine_config *cf, char **cause)
{
	struct machine	*m;
	unsigned	 i;

	if (cf->ram_bytes < (1ULL << 20) || (cf->ram_bytes & 0xfff) != 0 ||
	    cf->ram_bytes > (1ULL << 38)) {
		xasprintf(cause, "memory size %llu: must be a multiple of 4 "
		    "KiB between 1 MiB and 256 GiB",
		    (unsigned long long)cf->ram_bytes);
		return NULL;
	}
	if (cf->nvcpus < 1 || cf->nvcpus > MACHINE_MAX_VCPUS) {
		xasprintf(cause, "%u vCPUs: must be 1 to %d", cf->nvcpus,
		    MACHINE_MAX_VCPUS);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(cf->name != NULL ? cf->name : "guest");
	m->ram_size = cf->ram_bytes;
	m->firmware = cf->firmware;
	m->nvcpus = cf->nvcpus;
	m->ram_fd = -1;
	pthread_mutex_init(&m->con_lock, NULL);
	pthread_mutex_init(&m->clk_lock, NULL);
	if (cf->ram_fd >= 0) {
		m->ram_fd = cf->ram_fd;
	} else {
		if ((m->ram_fd = memfd_create("xvm-ram", MFD_CLOEXEC)) == -1) {
			xasprintf(cause, "memfd_create: %s", strerror(errno));
			goto fail;
		}
		m->own_fd = 1;
		if (ftruncate(m->ram_fd, (off_t)m->ram_size) == -1) {
			xasprintf(cause, "RAM of %llu bytes: %s",
			    (unsigned long long)m->ram_size, strerror(errno));
			goto fail;
		}
	}
	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_NORESERVE, m->ram_fd, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		xasprintf(cause, "mapping RAM: %s", strerror(errno));
		goto fail;
	}
	if (cf->vram_bytes != 0) {
		if ((cf->vram_bytes & 0xfff) != 0 ||
		    cf->vram_bytes > MACHINE_RAM_BASE - MACHINE_VRAM_BASE) {
			xasprintf(cause, "video memory of %llu bytes: must be "
			    "whole pages below RAM",
			    (unsigned long long)cf->vram_bytes);
			goto fail;
		}
		m->vram = mmap(NULL, cf->vram_bytes, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_NORESERVE, cf->vram_fd, 0);
		if (m->vram == MAP_FAILED) {
			m->vram = NULL;
			xasprintf(cause, "mapping video memory: %s",
			    strerror(errno));
			goto fail;
		}
		m->vram_size = cf->vram_bytes;
	}
	atomic_init(&m->clk, now_ns());
	for (i = 0; i < m->nvcpus; i++) {
		if ((m->vcpu[i] = cpu_new(m, i, m->firmware)) == NULL) {
			xasprintf(cause, "vCPU %u: %s", i, strerror(errno));
			goto fail;
		}
		if (cpu_set_engine(m->vcpu[i], (enum cpu_engine)cf->cpu_engine)
		    == -1) {
			xasprintf(cause, "CPU engine %d: %s", cf->cpu_engine,
			    errno == ENOTSUP ? "no translator for this host "
			    "(not implemented)" : "unknown");
			goto fail;
		}
	}
	for (i = 0; i < NDEV; i++) {
		if ((m->dev[i] = bus_devices[i]->create(m)) == NULL) {
			xasprintf(cause, "device %s: out of memory",
			    bus_devices[i]->name);
			goto fail;
		}
		if (bus_devices[i] == &plic_ops)
			m->plic = m->dev[i];
		if (bus_devices[i] == &uart_ops)
			m->uart = m->dev[i];
		if (bus_devices[i] == &gpio_ops)
			m->gpio = m->dev[i];
		if (bus_devices[i] == &virtio_mmio_ops)
			m->virtio = m->dev[i];
	}
	return m;
fail:
	machine_free(m);
	return NULL;
}

void
machine_free(struct machine *m)
{
	unsigned i;

	if (m == NULL)
		return;
	for (i = 0; i < NDEV; i++)
		if (m->dev[i] != NULL)
			bus_devices[i]->destroy(m->dev[i]);
	for (i = 0; i < m->nvcpus; i++)
		cpu_free(m->vcpu[i]);
	if (m->ram != NULL)
		munmap(m->ram, m->ram_size);
	if (m->own_fd && m->ram_fd >= 0)
		close(m->ram_fd);
	if (m->vram != NULL)
		munmap(m->vram, m->vram_size);
	pthread_mutex_destroy(&m->con_lock);
	pthread_mutex_destroy(&m->clk_lock);
	free(m->name);
	free(m);
}

unsigned machine_nvcpus(const struct machine *m) { return m->nvcpus; }

void
machine_press_button(struct machine *m, enum machine_button b)
{
	gpio_press(m->gpio, (unsigned)b);
}

int machine_firmware(const struct machine *m) { return m->firmware; }
uint64_t machine_ram_size(const struct machine *m) { return m->ram_size; }
int machine_ram_fd(const struct machine *m) { return m->ram_fd; }

struct vcpu *
machine_vcpu(const struct machine *m, unsigned hartid)
{
	return hartid < m->nvcpus ? m->vcpu[hartid] : NULL;
}

void *
machine_vram(const struct machine *m, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - MACHINE_VRAM_BASE;

	if (gpa < MACHINE_VRAM_BASE || off >= m->vram_size ||
	    len > m->vram_size - off)
		return NULL;
	return m->vram + off;
}

void *
machine_gpa(const struct machine *m, uint64_t gpa, uint64_t len)
{
	uint64_t off = gpa - MACHINE_RAM_BASE;

	if (gpa < MACHINE_RAM_BASE || off >= m->ram_size ||
	    len > m->ram_size - off)
		return NULL;
	return m->ram + off;
}

void
machine_invalidate(struct machine *m, uint64_t gpa, uint64_t len)
{
	unsigned i;

	(void)gpa;
	(void)len;
	for (i = 0; i < m->nvcpus; i++)
		cpu_flush_code(m->vcpu[i]);
}

#define CLK_STOPPED	(1ULL << 63)
#define NS_PER_TICK	(1000000000ULL / MACHINE_TIMEBASE_HZ)

uint64_t
machine_clock_ns(const struct machine *m)
{
	uint64_t c = atomic_load_explicit(&m->clk, memory_order_acquire);

	return (c & CLK_STOPPED) ? c & ~CLK_STOPPED : now_ns() - c;
}

int
machine_clock_running(const struct machine *m)
{
	return !(atomic_load(&m->clk) & CLK_STOPPED);
}

void
machine_clock_stop(struct machine *m)
{
	uint64_t	c;

	pthread_mutex_lock(&m->clk_lock);
	c = atomic_load(&m->clk);
	if (!(c & CLK_STOPPED))
		atomic_store(&m->clk, CLK_STOPPED | (now_ns() - c));
	pthread_mutex_unlock(&m->clk_lock);
}

void
machine_clock_start(struct machine *m)
{
	uint64_t	c;

	pthread_mutex_lock(&m->clk_lock);
	c = atomic_load(&m->clk);
	if (c & CLK_STOPPED)
		atomic_store(&m->clk, now_ns() - (c & ~CLK_STOPPED));
	pthread_mutex_unlock(&m->clk_lock);
	/* Timer lines and deadlines are relative to the clock: recompute. */
	machine_clock_changed(m);
}

void
machine_clock_set_ns(struct machine *m, uint64_t ns)
{
	uint64_t	c;

	ns &= ~CLK_STOPPED;
	pthread_mutex_lock(&m->clk_lock);
	c = atomic_load(&m->clk);
	atomic_store(&m->clk, (c & CLK_STOPPED) ? CLK_STOPPED | ns :
	    now_ns() - ns);
	pthread_mutex_unlock(&m->clk_lock);
	machine_clock_changed(m);
}

void
machine_clock_changed(struct machine *m)
{
	unsigned i;

	for (i = 0; i < m->nvcpus; i++)
		cpu_timer_changed(m->vcpu[i]);
}

uint64_t
machine_mtime(const struct machine *m)
{
	return machine_clock_ns(m) / NS_PER_TICK;
}

uint64_t
machine_mtime_to_ns(const struct machine *m, uint64_t mtime)
{
	uint64_t c = atomic_load_explicit(&m->clk, memory_order_acquire);

	if ((c & CLK_STOPPED) || mtime > (UINT64_MAX - c) / NS_PER_TICK)
		return UINT64_MAX;
	return c + mtime * NS_PER_TICK;
}

int
machine_mmio(struct machine *m, struct vcpu *v, uint64_t pa, unsigned size,
    int write, uint64_t *val)
{
	const struct device_ops *d;
	unsigned i;

	for (i = 0; i < NDEV; i++) {
		d = bus_devices[i];
		if (pa >= d->base && pa - d->base < d->size &&
		    size <= d->size - (pa - d->base)) {
			if (write)
				return d->write(m->dev[i], v, pa - d->base,
				    size, *val);
			*val = 0;	/* a device that leaves it never leaks */
			return d->read(m->dev[i], v, pa - d->base, size, val);
		}
	}
	return -1;
}

struct vmmio *
machine_virtio(struct machine *m)
{
	return m->virtio;
}

void
machine_plic_set_irq(struct machine *m, unsigned src, int level)
{
	plic_set_irq(m->plic, src, level);
}

void
machine_set_console(struct machine *m, machine_console_fn fn, void *arg)
{
	pthread_mutex_lock(&m->con_lock);
	m->con_fn = fn;
	m->con_arg = arg;
	pthread_mutex_unlock(&m->con_lock);
}

void
machine_console_write(struct machine *m, const char *buf, size_t len)
{
	pthread_mutex_lock(&m->con_lock);
	if (m->con_fn != NULL)
		m->con_fn(m->con_arg, buf, len);
	pthread_mutex_unlock(&m->con_lock);
}

size_t
machine_console_input(struct machine *m, const char *buf, size_t len)
{
	size_t i;

	pthread_mutex_lock(&m->con_lock);
	for (i = 0; i < len && m->in_len < INBUF_SIZE; i++, m->in_len++)
		m->inbuf[(m->in_head + m->in_len) % INBUF_SIZE] = buf[i];
	pthread_mutex_unlock(&m->con_lock);
	uart_input_ready(m->uart);
	return i;
}

int
machine_console_getc(struct machine *m)
{
	int c = -1;

	pthread_mutex_lock(&m->con_lock);
	if (m->in_len > 0) {
		c = (unsigned char)m->inbuf[m->in_head];
		m->in_head = (m->in_head + 1) % INBUF_SIZE;
		m->in_len--;
	}
	pthread_mutex_unlock(&m->con_lock);
	return c;
}

int
machine_console_pending(struct machine *m)
{
	int n;

	pthread_mutex_lock(&m->con_lock);
	n = m->in_len > 0;
	pthread_mutex_unlock(&m->con_lock);
	return n;
}

void
machine_shutdown(struct machine *m, enum machine_shutdown why, int code)
{
	int expect = MACHINE_RUNNING;
	unsigned i;

	if (!atomic_compare_exchange_strong(&m->shutdown, &expect, (int)why))
		return;
	m->shutdown_code = code;
	for (i = 0; i < m->nvcpus; i++)
		cpu_shutdown_notify(m->vcpu[i]);
}

enum machine_shutdown
machine_shutdown_reason(const struct machine *m, int *code)
{
	enum machine_shutdown why = (enum machine_shutdown)
	    atomic_load(&((struct machine *)(uintptr_t)m)->shutdown);

	if (code != NULL)
		*code = why == MACHINE_RUNNING ? 0 : m->shutdown_code;
	return why;
}

void
machine_set_hcall_hook(struct machine *m, machine_hcall_fn fn, void *arg)
{
	m->hcall = fn;
	m->hcall_arg = arg;
}

int
machine_hcall(struct machine *m, struct vcpu *v)
{
	if (m->hcall == NULL)
		return -1;
	return m->hcall(m->hcall_arg, v);
}

int
machine_hcall_hooked(const struct machine *m)
{
	return m->hcall != NULL;
}

void
machine_set_htif(struct machine *m, uint64_t tohost, uint64_t fromhost)
{
	m->tohost = tohost;
	m->fromhost = fromhost;
}

int
machine_htif_page(const struct machine *m, uint64_t pa)
{
	return m->tohost != 0 && (pa >> 12) == (m->tohost >> 12);
}

void
machine_htif_store(struct machine *m, uint64_t pa)
{
	if (pa >= m->tohost && pa < m->tohost + 8)
		htif_store(m, m->tohost, m->fromhost);
}
