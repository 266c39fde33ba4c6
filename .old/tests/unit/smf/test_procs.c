/* Unit tests for smf/procs.c: contracts found by SMF_FMRI and XVM_ROOT among our descendants. */
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "smf/procs.h"

/* A grandchild (its parent exits) carrying the given environment. */
static pid_t
spawn(char *const env[], int *pipefd)
{
	pid_t	 pid;
	char	 buf[16];
	int	 p[2], st;

	assert_int_equal(pipe(p), 0);
	if ((pid = fork()) == 0) {
		if (fork() == 0) {
			close(p[0]);
			/* Our pid reaches the parent through the pipe. */
			dprintf(p[1], "%d\n", (int)getpid());
			close(p[1]);
			execle("/bin/sleep", "sleep", "30", (char *)NULL, env);
			_exit(127);
		}
		_exit(0);
	}
	close(p[1]);
	waitpid(pid, &st, 0);
	memset(buf, 0, sizeof(buf));
	assert_true(read(p[0], buf, sizeof(buf) - 1) > 0);
	*pipefd = p[0];
	return (pid_t)strtol(buf, NULL, 10);
}

static void
test_scan(void **state)
{
	char *const	 env1[] = { "SMF_FMRI=svc:/t/a:default",
	    "XVM_ROOT=/tmp/r1", NULL };
	char *const	 env2[] = { "SMF_FMRI=svc:/t/a:default",
	    "XVM_ROOT=/tmp/r2", NULL };
	char *const	 env3[] = { "SMF_FMRI=svc:/t/b:default", NULL };
	struct smf_procs p;
	pid_t		 a, b, c, got[4];
	int		 fa, fb, fc, i;

	(void)state;
	/* As svc.startd: orphaned descendants stay ours. */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	a = spawn(env1, &fa);
	b = spawn(env2, &fb);
	c = spawn(env3, &fc);
	/* Let the execs finish (the scan would retry an empty environ). */
	usleep(100 * 1000);
	assert_int_equal(smf_contract_pids(getpid(), "svc:/t/a:default",
	    "/tmp/r1", got, 4), 1);
	assert_int_equal(got[0], a);
	assert_int_equal(smf_contract_pids(getpid(), "svc:/t/a:default",
	    "/tmp/r2", got, 4), 1);
	assert_int_equal(got[0], b);
	assert_int_equal(smf_contract_pids(getpid(), "svc:/t/b:default", "",
	    got, 4), 1);
	assert_int_equal(got[0], c);
	assert_int_equal(smf_contract_pids(getpid(), "svc:/t/b:default",
	    "/tmp/r1", got, 4), 0);
	assert_int_equal(smf_contract_pids(getpid(), "svc:/t/none", "", got,
	    4), 0);
	/* The all-of-/proc scan (adoption, svcs -p) finds them too. */
	assert_int_equal(smf_procs_scan(0, "/tmp/r1", &p), 0);
	assert_int_equal(smf_procs_find(&p, "svc:/t/a:default", got, 4), 1);
	assert_int_equal(got[0], a);
	for (i = 0; i < (int)p.n; i++)
		assert_non_null(p.v[i].fmri);
	smf_procs_free(&p);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	kill(c, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	close(fa);
	close(fb);
	close(fc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
