/* What the minios_store cases share (test_store.c has main and most
 * cases; test_store_power.c the shutdown, suspend and restore ones). */
#ifndef MINIOS_STORECASE_H
#define MINIOS_STORECASE_H

struct sguest;

#define BOOT_MS		60000	/* the machine is shared: be patient */
#define NAME		"minios-store"

extern const char *elf;

/* Boots a guest and waits for its xenbus identity and workload lines. */
struct sguest *boot(unsigned vcpus, const char *args);
void	done(struct sguest *);
/* Fails the case unless text appears on the console after the mark. */
void	expect(struct sguest *, const char *text);
/* Types a command line and waits for the line it must print. */
void	cmd(struct sguest *, const char *line, const char *want);
void	assert_node(struct sguest *, const char *path, const char *want);
void	assert_no_node(struct sguest *, const char *path);

void	test_shutdown(void **);
void	test_suspend_destroy(void **);
void	test_save_restore(void **);
void	test_suspend_cancel(void **);

#endif
