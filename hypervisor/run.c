/*
 * `xvm-hypervisor run`: boot one guest on this core without the daemons,
 * like `qemu-system-riscv64 -kernel`.  Console on stdout (input from
 * stdin), exit status from the guest's power-off, test device or HTIF
 * code.  Each vCPU runs on its own thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>

#include "hypervisor/cpu/cpu.h"
#include "hypervisor/machine.h"
#include "hypervisor/run.h"
#include "hypervisor/sbi.h"
#include "lib/log.h"
#include "lib/str.h"
#include "lib/xmalloc.h"

#define KERNEL_ADDR	(MACHINE_RAM_BASE + 0x200000)	/* Linux Image */
#define RUN_EXIT_REBOOT	4		/* man/xvm-hypervisor.8 */
#define FDT_MAX		0x10000
#define FW_DYN_MAGIC	0x4942534fULL			/* "OSBI" */

struct waiter {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 signaled;
};

struct hart {
	struct machine	*m;
	struct vcpu	*v;
	struct waiter	 w;
	pthread_t	 tid;
	int		 fatal;
};

/* --stats: when run started, each start-up step ended, the first instruction */
static uint64_t	 t_main, t_machine, t_kernel, t_initrd, t_fdt, cpu_main, cpu_boot;
static _Atomic uint64_t t_first;

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* CPU time of the calling thread (the start-up runs on the main thread). */
static uint64_t
thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void
console_out(void *arg, const char *buf, size_t len)
{
	ssize_t n;

	(void)arg;
	while (len > 0) {
		if ((n = write(STDOUT_FILENO, buf, len)) == -1) {
			if (errno == EINTR)
				continue;
			return;
		}
		buf += n;
		len -= (size_t)n;
	}
}

static void *
console_in(void *arg)
{
	struct machine	*m = arg;
	char		 buf[256];
	ssize_t		 n;

	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		machine_console_input(m, buf, (size_t)n);
	}
	return NULL;
}

static void
wake(struct vcpu *v, void *arg)
{
	struct waiter *w = arg;

	(void)v;
	pthread_mutex_lock(&w->mu);
	w->signaled = 1;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
}

/* Sleep until woken or until the host CLOCK_MONOTONIC time 'deadline'. */
static void
sleep_until(struct waiter *w, uint64_t deadline)
{
	struct timespec ts;

	if (deadline > mono_ns() + 100000000000ULL)
		deadline = mono_ns() + 100000000000ULL;
	ts.tv_sec = (time_t)(deadline / 1000000000ULL);
	ts.tv_nsec = (long)(deadline % 1000000000ULL);
	pthread_mutex_lock(&w->mu);
	while (!w->signaled)
		if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
			break;
	w->signaled = 0;
	pthread_mutex_unlock(&w->mu);
}

static void *
hart_main(void *arg)
{
	struct hart	*h = arg;
	uint64_t	 zero = 0;

	atomic_compare_exchange_strong(&t_first, &zero, mono_ns());
	for (;;) {
		switch (cpu_run(h->v, 4000000)) {
		case CPU_EXIT_BUDGET:
		case CPU_EXIT_KICK:
			break;
		case CPU_EXIT_WFI:
			/* wake-ups for other reasons do not end the WFI */
			while (!cpu_wfi_should_wake(h->v) &&
			    machine_shutdown_reason(h->m, NULL) ==
			    MACHINE_RUNNING)
				sleep_until(&h->w, cpu_deadline(h->v));
			break;
		case CPU_EXIT_STOPPED:
			if (cpu_hsm_state(h->v) == CPU_HSM_STOPPED)
				sleep_until(&h->w, mono_ns() + 1000000000ULL);
			break;
		case CPU_EXIT_HCALL:	/* no hook is set here */
			cpu_set_reg(h->v, 10, (uint64_t)SBI_ERR_NOT_SUPPORTED);
			break;
		case CPU_EXIT_FATAL:
			h->fatal = 1;
			machine_shutdown(h->m, MACHINE_FAIL, 1);
			return NULL;
		case CPU_EXIT_SHUTDOWN:
			return NULL;
		}
	}
}

static __attribute__((noreturn)) void
usage(void)
{
	fprintf(stderr, "usage: xvm-hypervisor run [--firmware builtin|none|"
	    "FILE] [--memory MiB] [--vcpus N]\n"
	    "           [--cpu interp|jit] [--append ARGS] [--initrd FILE] "
	    "[--stats] KERNEL\n");
	exit(2);
}

struct run_opts {
	const char	*firmware;	/* NULL = builtin, "" = none */
	const char	*kernel;
	const char	*append;
	const char	*initrd;
	uint64_t	 mem_mib;
	uint64_t	 vcpus;
	int		 stats;
	enum cpu_engine	 engine;
};

static void
parse(int argc, char **argv, struct run_opts *o)
{
	static const struct option longopts[] = {
		{ "firmware", required_argument, NULL, 'f' },
		{ "memory", required_argument, NULL, 'm' },
		{ "vcpus", required_argument, NULL, 'c' },
		{ "append", required_argument, NULL, 'a' },
		{ "initrd", required_argument, NULL, 'i' },
		{ "stats", no_argument, NULL, 's' },
		{ "cpu", required_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->mem_mib = 128;
	o->vcpus = 1;
	while ((ch = getopt_long(argc, argv, "f:m:c:a:i:sC:", longopts, NULL))
	    != -1) {
		switch (ch) {
		case 'f':
			if (strcmp(optarg, "builtin") == 0)
				o->firmware = NULL;
			else if (strcmp(optarg, "none") == 0)
				o->firmware = "";
			else
				o->firmware = optarg;
			break;
		case 'm':
			if (str_to_u64(optarg, 1, 65536, &o->mem_mib) == -1)
				fatalx("--memory %s: not a size in MiB from 1 "
				    "to 65536", optarg);
			break;
		case 'c':
			if (str_to_u64(optarg, 1, MACHINE_MAX_VCPUS,
			    &o->vcpus) == -1)
				fatalx("--vcpus %s: not a number from 1 to %d",
				    optarg, MACHINE_MAX_VCPUS);
			break;
		case 'a':
			o->append = optarg;
			break;
		case 'i':
			o->initrd = optarg;
			break;
		case 's':
			o->stats = 1;
			break;
		case 'C':
			if (cpu_engine_parse(optarg, &o->engine) == -1)
				fatalx("--cpu %s: not a CPU engine (interp or "
				    "jit)", optarg);
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	o->kernel = argv[optind];
}

/* OpenSBI's fw_dynamic_info (version 2): where the next stage starts. */
static void
write_fw_dynamic(struct machine *m, uint64_t at, uint64_t next)
{
	uint64_t *p = machine_gpa(m, at, 6 * 8);

	p[0] = FW_DYN_MAGIC;
	p[1] = 2;		/* version */
	p[2] = next;		/* next_addr */
	p[3] = 1;		/* next_mode: S */
	p[4] = 0;		/* options */
	p[5] = 0;		/* boot_hart */
}

/*
 * The initramfs, as high as it fits below 'ceiling' on a 2 MiB boundary
 * (as the libxc builder puts it), above the kernel's 'floor'.
 */
static void
load_initrd(struct machine *m, const char *path, uint64_t floor,
    uint64_t ceiling, uint64_t *start, uint64_t *end)
{
	struct stat	 st;
	uint64_t	 size;
	int		 fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &st) == -1)
		fatal("--initrd %s", path);
	if (!S_ISREG(st.st_mode))
		fatalx("--initrd %s: not a regular file", path);
	size = (uint64_t)st.st_size;
	*start = (ceiling - size) & ~((2ULL << 20) - 1);
	if (size > ceiling - floor || *start < floor)
		fatalx("--initrd %s: %llu bytes do not fit between the kernel "
		    "and the device tree: give the guest more --memory", path,
		    (unsigned long long)size);
	if (size > 0 && machine_load_file(m, fd, *start, size) == -1)
		fatal("--initrd %s: reading", path);
	close(fd);
	*end = *start + size;
}

/* Load the images and set every hart's start state. */
static void
boot(struct machine *m, const struct run_opts *o)
{
	uint64_t	 entry, end, th, fh, kentry, kend, kth, kfh;
	uint64_t	 rd_start = 0, rd_end = 0;
	uint64_t	 fdt = (MACHINE_RAM_BASE + machine_ram_size(m) - FDT_MAX) &
			    ~0xfffULL;
	char		*cause = NULL;
	unsigned	 i;
	struct vcpu	*v;

	if (o->firmware != NULL && *o->firmware != '\0') {
		if (machine_load(m, o->firmware, MACHINE_RAM_BASE, &entry, &end,
		    &th, &fh, &cause) == -1 ||
		    machine_load(m, o->kernel, KERNEL_ADDR, &kentry, &kend,
		    &kth, &kfh, &cause) == -1)
			fatalx("%s", cause);
		write_fw_dynamic(m, fdt - 64, kentry);
		end = kend > end ? kend : end;
	} else if (machine_load(m, o->kernel, KERNEL_ADDR, &entry, &end, &th,
	    &fh, &cause) == -1) {
		fatalx("%s", cause);
	}
	t_kernel = mono_ns();
	if (end > fdt - 64)
		fatalx("%s: the image reaches the device tree at 0x%llx: give "
		    "the guest more --memory", o->kernel,
		    (unsigned long long)fdt);
	if (o->initrd != NULL)
		load_initrd(m, o->initrd, (end + 0xfff) & ~0xfffULL, fdt - 64,
		    &rd_start, &rd_end);
	t_initrd = mono_ns();
	if (machine_write_fdt(m, fdt, FDT_MAX, o->append, rd_start, rd_end,
	    &cause) == -1)
		fatalx("%s", cause);
	t_fdt = mono_ns();
	cpu_boot = thread_cpu_ns() - cpu_main;
	machine_set_htif(m, th, fh);
	for (i = 0; i < machine_nvcpus(m); i++) {
		v = machine_vcpu(m, i);
		if (o->firmware == NULL) {
			/* builtin SBI: hart 0 boots, the others wait for HSM */
			if (i != 0)
				continue;
			cpu_reset(v, entry, CPU_PRIV_S);
		} else {
			cpu_reset(v, entry, CPU_PRIV_M);
			cpu_set_reg(v, 12, fdt - 64);
		}
		cpu_set_reg(v, 10, i);
		cpu_set_reg(v, 11, fdt);
		cpu_hsm_set(v, CPU_HSM_STARTED);
	}
}

/* The translator's figures (--stats with --cpu jit), summed over harts. */
static void
print_jit_stats(struct machine *m)
{
	struct cpu_jit_stats	 s, t;
	unsigned		 i;

	memset(&t, 0, sizeof(t));
	for (i = 0; i < machine_nvcpus(m); i++) {
		cpu_jit_stats(machine_vcpu(m, i), &s);
		t.blocks += s.blocks;
		t.code_bytes += s.code_bytes;
		t.guest_insns += s.guest_insns;
		t.flushes += s.flushes;
		t.translate_ns += s.translate_ns;
	}
	if (t.blocks == 0)
		return;
	fprintf(stderr, "stats: jit %llu blocks, %llu guest instructions, "
	    "%llu bytes of host code (%.1f per instruction), %llu flushes, "
	    "%.3f ms translating (%.2f us per block)\n",
	    (unsigned long long)t.blocks, (unsigned long long)t.guest_insns,
	    (unsigned long long)t.code_bytes,
	    t.guest_insns ? (double)t.code_bytes / (double)t.guest_insns : 0.0,
	    (unsigned long long)t.flushes, (double)t.translate_ns / 1e6,
	    (double)t.translate_ns / 1e3 / (double)t.blocks);
}

static int
exit_status(struct machine *m, struct hart *harts)
{
	unsigned	 i;
	int		 code;
	struct vcpu	*v;

	switch (machine_shutdown_reason(m, &code)) {
	case MACHINE_POWEROFF:
		return code;
	case MACHINE_REBOOT:
		/*
		 * A run boots its guest once: a reboot (Linux after a panic
		 * with panic=N reboots this way) means it did not finish.
		 */
		log_info("the guest asked for a reboot: a run boots its "
		    "guest once (exit status %d)", RUN_EXIT_REBOOT);
		return RUN_EXIT_REBOOT;
	default:
		for (i = 0; i < machine_nvcpus(m); i++) {
			if (!harts[i].fatal)
				continue;
			v = harts[i].v;
			log_warnx("vCPU %u: a trap with no M-mode firmware to "
			    "take it (pc 0x%llx, priv %d)", i,
			    (unsigned long long)cpu_get_pc(v), cpu_get_priv(v));
		}
		return code == 0 ? 1 : code;
	}
}

int
cmd_run(int argc, char **argv)
{
	struct machine_config	 cf;
	struct run_opts		 o;
	struct machine		*m;
	struct hart		*harts;
	pthread_condattr_t	 ca;
	pthread_t		 in;
	char			*cause = NULL;
	uint64_t		 t_end, insns = 0;
	unsigned		 i;
	int			 status;

	t_main = mono_ns();
	cpu_main = thread_cpu_ns();
	parse(argc, argv, &o);
	memset(&cf, 0, sizeof(cf));
	cf.ram_bytes = o.mem_mib << 20;
	cf.ram_fd = -1;
	cf.nvcpus = (unsigned)o.vcpus;
	cf.firmware = o.firmware == NULL;
	cf.name = o.kernel;
	cf.cpu_engine = (int)o.engine;
	if ((m = machine_new(&cf, &cause)) == NULL)
		fatalx("%s", cause);
	t_machine = mono_ns();
	machine_set_console(m, console_out, NULL);
	boot(m, &o);

	harts = xcalloc(cf.nvcpus, sizeof(*harts));
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	for (i = 0; i < cf.nvcpus; i++) {
		harts[i].m = m;
		harts[i].v = machine_vcpu(m, i);
		pthread_mutex_init(&harts[i].w.mu, NULL);
		pthread_cond_init(&harts[i].w.cv, &ca);
		cpu_set_wake(harts[i].v, wake, &harts[i].w);
	}
	/*
	 * Hart 0 runs on this thread: its first instruction does not wait
	 * for a new thread to be scheduled (on a loaded host, that wait was
	 * most of the start-up).  The other harts and console input get
	 * threads of their own.
	 */
	for (i = 1; i < cf.nvcpus; i++)
		if ((errno = pthread_create(&harts[i].tid, NULL, hart_main,
		    &harts[i])) != 0)
			fatal("pthread_create");
	if (pthread_create(&in, NULL, console_in, m) == 0)
		pthread_detach(in);
	(void)hart_main(&harts[0]);
	for (i = 1; i < cf.nvcpus; i++)
		pthread_join(harts[i].tid, NULL);
	t_end = mono_ns();

	status = exit_status(m, harts);
	if (o.stats) {
		for (i = 0; i < cf.nvcpus; i++)
			insns += cpu_instret(harts[i].v);
		fprintf(stderr, "stats: start-to-first-instruction %.3f ms, "
		    "%llu instructions in %.3f s, %.1f MIPS\n",
		    (double)(atomic_load(&t_first) - t_main) / 1e6,
		    (unsigned long long)insns,
		    (double)(t_end - t_main) / 1e9,
		    (double)insns / ((double)(t_end - atomic_load(&t_first)) /
		    1e3));
		fprintf(stderr, "stats: start-up: machine %.3f ms, kernel "
		    "%.3f ms, initrd %.3f ms, device tree %.3f ms, harts "
		    "started to the first instruction %.3f ms; CPU time to "
		    "the device tree %.3f ms\n",
		    (double)(t_machine - t_main) / 1e6,
		    (double)(t_kernel - t_machine) / 1e6,
		    (double)(t_initrd - t_kernel) / 1e6,
		    (double)(t_fdt - t_initrd) / 1e6,
		    (double)(atomic_load(&t_first) - t_fdt) / 1e6,
		    (double)cpu_boot / 1e6);
		print_jit_stats(m);
	}
	for (i = 0; i < cf.nvcpus; i++)
		cpu_set_wake(harts[i].v, NULL, NULL);
	machine_free(m);
	free(harts);
	free(cause);
	return status;
}
