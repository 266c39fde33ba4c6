/*
 * libxc: xc_domain_dumpcore, a domain as an ELF core file that a debugger
 * reads (docs/dump-core.md): one NT_PRSTATUS note per vCPU in the layout
 * of a Linux/RISC-V process core -- what gdb (gdb-multiarch) knows -- and
 * the RAM as one PT_LOAD at its guest-physical address, written sparse:
 * only the pages that hold data take room on disk.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xvm/xenctrl.h>
#include "libxc/xc_private.h"
#include "libxc/xc_sr.h"

#ifndef EM_RISCV
#define EM_RISCV		243
#endif
#define PRSTATUS_SIZE		376	/* struct elf_prstatus, Linux rv64 */
#define PRSTATUS_PID		32
#define PRSTATUS_REG		112
#define NOTE_ALIGN(n)		(((n) + 3) & ~(size_t)3)
#define RAM_ADDR		0x80000000ull
#define CHUNK			(1u << 20)

struct notes {
	uint8_t	*p;
	size_t	 len, size;
};

static int
note(struct notes *n, const char *name, uint32_t type, const void *desc,
    size_t dlen)
{
	Elf64_Nhdr	 h;
	size_t		 nlen = strlen(name) + 1;
	size_t		 need = sizeof(h) + NOTE_ALIGN(nlen) + NOTE_ALIGN(dlen);
	uint8_t		*p;

	if (n->len + need > n->size) {
		if ((p = realloc(n->p, n->len + need + 4096)) == NULL)
			return -1;
		n->p = p;
		n->size = n->len + need + 4096;
	}
	p = n->p + n->len;
	memset(p, 0, need);
	h.n_namesz = (Elf64_Word)nlen;
	h.n_descsz = (Elf64_Word)dlen;
	h.n_type = type;
	memcpy(p, &h, sizeof(h));
	memcpy(p + sizeof(h), name, nlen);
	memcpy(p + sizeof(h) + NOTE_ALIGN(nlen), desc, dlen);
	n->len += need;
	return 0;
}

/*
 * A vCPU as a thread of the core: pid = vCPU + 1, pr_reg = pc, x1..x31
 * (Linux's elf_gregset_t on RISC-V: pc in the slot of x0).
 */
static int
prstatus(struct notes *n, uint32_t vcpu, const vcpu_guest_context_t *c)
{
	uint8_t		 st[PRSTATUS_SIZE];
	uint64_t	 reg[32];
	int32_t		 pid = (int32_t)vcpu + 1;
	int		 i;

	memset(st, 0, sizeof(st));
	memcpy(st + PRSTATUS_PID, &pid, sizeof(pid));
	reg[0] = c->pc;
	for (i = 1; i < 32; i++)
		reg[i] = c->x[i];
	memcpy(st + PRSTATUS_REG, reg, sizeof(reg));
	return note(n, "CORE", NT_PRSTATUS, st, sizeof(st));
}

/* Every vCPU's registers; the domain paused for them if it runs. */
static int
registers(xc_interface *xch, uint32_t dom, uint32_t nvcpus, struct notes *n)
{
	vcpu_guest_context_t	 c;
	xc_domaininfo_t		 info;
	uint32_t		 v;
	int			 paused = 0, rc = -1, saved;

	if (xc_domain_getinfolist(xch, dom, 1, &info) != 1 ||
	    info.domain != dom) {
		errno = ESRCH;
		return -1;
	}
	if (!(info.flags & (XEN_DOMINF_paused | XEN_DOMINF_shutdown))) {
		if (xc_domain_pause(xch, dom) == -1)
			return -1;
		paused = 1;
	}
	for (v = 0; v < nvcpus; v++) {
		if (xc_vcpu_getcontext(xch, dom, v, &c) == -1)
			goto out;
		if ((v == 0 || c.up) && prstatus(n, v, &c) == -1)
			goto out;
	}
	rc = 0;
out:
	saved = errno;
	if (paused)
		(void)xc_domain_unpause(xch, dom);
	errno = saved;
	return rc;
}

/* The RAM's data extents into fd at 'at' (holes stay holes). */
static int
copy_ram(int ram, off_t base, uint64_t len, int fd, off_t at)
{
	off_t	 a, b = base, end = base + (off_t)len;
	ssize_t	 r;
	size_t	 k;
	char	*buf;
	int	 rc = -1;

	if ((buf = malloc(CHUNK)) == NULL)
		return -1;
	while (b < end) {
		if ((a = lseek(ram, b, SEEK_DATA)) == -1) {
			if (errno == ENXIO)
				break;
			goto out;
		}
		if (a >= end)
			break;
		if ((b = lseek(ram, a, SEEK_HOLE)) == -1)
			goto out;
		if (b > end)
			b = end;
		for (; a < b; a += (off_t)r) {
			k = (size_t)(b - a) < CHUNK ? (size_t)(b - a) : CHUNK;
			if ((r = pread(ram, buf, k, a)) <= 0) {
				if (r == 0)
					errno = EIO;
				goto out;
			}
			if (pwrite(fd, buf, (size_t)r, at + (a - base)) != r)
				goto out;
		}
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

int
xc_domain_dumpcore(xc_interface *xch, uint32_t dom, const char *corename)
{
	struct sr_domain	 d;
	struct notes		 n = { NULL, 0, 0 };
	Elf64_Ehdr		 eh;
	Elf64_Phdr		 ph[2];
	struct stat		 st;
	off_t			 base, ram_at;
	int			 fd = -1, ram = -1, rc = -1, saved;

	if (sr_peek_shape(xch, dom, &d) == -1 ||
	    registers(xch, dom, d.max_vcpus, &n) == -1 ||
	    sr_open_ram(xch, dom, d.mem_bytes / SR_PAGE, &ram, &base) == -1)
		goto out;
	/* Not blocking on a FIFO: a regular file, or nothing. */
	if (stat(corename, &st) == 0 && !S_ISREG(st.st_mode)) {
		errno = EINVAL;
		goto out;
	}
	if ((fd = open(corename, O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK,
	    0600)) == -1)
		goto out;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		fd = -1;
		errno = EINVAL;
		goto out;
	}
	if (fcntl(fd, F_SETFL, 0) == -1 || ftruncate(fd, 0) == -1)
		goto out;
	memset(&eh, 0, sizeof(eh));
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_ident[EI_OSABI] = ELFOSABI_NONE;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_RISCV;
	eh.e_version = EV_CURRENT;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = 2;
	memset(ph, 0, sizeof(ph));
	ph[0].p_type = PT_NOTE;
	ph[0].p_offset = sizeof(eh) + sizeof(ph);
	ph[0].p_filesz = n.len;
	ph[0].p_align = 4;
	ram_at = (off_t)((ph[0].p_offset + n.len + SR_PAGE - 1) &
	    ~(uint64_t)(SR_PAGE - 1));
	ph[1].p_type = PT_LOAD;
	ph[1].p_flags = PF_R | PF_W | PF_X;
	ph[1].p_offset = (uint64_t)ram_at;
	ph[1].p_vaddr = ph[1].p_paddr = RAM_ADDR;
	ph[1].p_filesz = ph[1].p_memsz = d.mem_bytes;
	ph[1].p_align = SR_PAGE;
	if (pwrite(fd, &eh, sizeof(eh), 0) != (ssize_t)sizeof(eh) ||
	    pwrite(fd, ph, sizeof(ph), sizeof(eh)) != (ssize_t)sizeof(ph) ||
	    pwrite(fd, n.p, n.len, (off_t)ph[0].p_offset) != (ssize_t)n.len ||
	    ftruncate(fd, ram_at + (off_t)d.mem_bytes) == -1 ||
	    copy_ram(ram, base, d.mem_bytes, fd, ram_at) == -1 ||
	    fsync(fd) == -1)
		goto out;
	rc = 0;
out:
	saved = errno;
	if (fd != -1) {
		close(fd);
		if (rc == -1)
			unlink(corename);
	}
	if (ram != -1)
		close(ram);
	free(n.p);
	errno = saved;
	return rc;
}
