/* Unit tests for lib/xvmd_client.c: escaping, and the reply shapes from a forked server on the real socket path. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/json.h"
#include "lib/paths.h"
#include "lib/sock.h"
#include "lib/xvmd_client.h"

static char	 root[64];

static void
test_uri(void **state)
{
	static const struct {
		const char	*name, *want;
	} cases[] = {
		{ "web1", "/domains/web1/start" },
		{ "a-b.c_d~e", "/domains/a-b.c_d~e/start" },
		{ "a/b", "/domains/a%2Fb/start" },
		{ "x?y#z", "/domains/x%3Fy%23z/start" },
		{ "50% off", "/domains/50%25%20off/start" },
		{ "..", "/domains/../start" },
		{ "\xc3\xa9t\xc3\xa9", "/domains/%C3%A9t%C3%A9/start" },
		{ "", "/domains//start" },
	};
	size_t	 i;
	char	*uri;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uri = xvmd_uri("/domains/", cases[i].name, "/start");
		assert_non_null(uri);
		assert_string_equal(uri, cases[i].want);
		free(uri);
	}
}

/* Answer one request on <root>/run/xvm/xvmd.sock with 'reply'. */
static pid_t
serve_once(const char *reply)
{
	char	 req[8192], *path;
	pid_t	 pid;
	int	 lfd, cfd;

	assert_non_null(path = xvm_path(XVM_RUN_DIR));
	assert_int_equal(xvm_mkdirs(path, 0755), 0);
	free(path);
	assert_non_null(path = xvm_path(XVM_XVMD_SOCK));
	lfd = sock_listen_unix(path, 0600, 4);
	free(path);
	assert_true(lfd >= 0);
	if ((pid = fork()) != 0) {
		close(lfd);
		return pid;
	}
	while ((cfd = accept(lfd, NULL, NULL)) == -1)
		;
	(void)read(cfd, req, sizeof(req));
	fd_write_all(cfd, reply, strlen(reply));
	close(cfd);
	_exit(0);
}

/* One request answered with status line 'head' and 'body'. */
static int
call(const char *head, const char *body, int *status, yajl_val *doc,
    char **cause)
{
	char	 reply[1024];
	pid_t	 pid;
	int	 ws, rc;

	snprintf(reply, sizeof(reply), "HTTP/1.1 %s\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n%s", head,
	    strlen(body), body);
	pid = serve_once(reply);

	rc = xvmd_call("POST", "/domains/x/start", "{}", 2, 5000, status, doc,
	    cause);
	waitpid(pid, &ws, 0);
	return rc;
}

static void
test_shapes(void **state)
{
	yajl_val	 doc;
	char		*cause = NULL;
	int		 status;

	(void)state;
	/* Success: the document. */
	assert_int_equal(call("200 OK", "{\"ok\":true}", &status, &doc,
	    &cause), 0);
	assert_int_equal(status, 200);
	assert_non_null(json_get(doc, "ok"));
	json_free(doc);

	/* A refusal: the error object's message, and the status. */
	assert_int_equal(call("404 Not Found", "{\"error\":{\"code\":404,"
	    "\"message\":\"no domain 'x'\"}}", &status, &doc, &cause), -1);
	assert_int_equal(status, 404);
	assert_null(doc);
	assert_string_equal(cause, "no domain 'x'");
	free(cause);

	/* A refusal without the error shape. */
	assert_int_equal(call("500 Oops", "", &status, &doc, &cause), -1);
	assert_int_equal(status, 500);
	assert_string_equal(cause, "xvmd answered 500 without an error "
	    "message");
	free(cause);

	/* A success that is not JSON. */
	assert_int_equal(call("200 OK", "{{{", &status, &doc, &cause), -1);
	assert_int_equal(status, 200);
	assert_non_null(strstr(cause, "malformed reply"));
	free(cause);
}

static void
test_not_running(void **state)
{
	yajl_val	 doc = (yajl_val)1;
	char		*cause = NULL;
	int		 status = 0;

	(void)state;
	assert_int_equal(xvmd_call("GET", "/domains", NULL, 0, 1000, &status,
	    &doc, &cause), -1);
	assert_int_equal(status, -1);
	assert_null(doc);
	assert_non_null(cause);
	free(cause);
}

static int
setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/xvmdc-XXXXXX");
	if (mkdtemp(root) == NULL || xvm_paths_init(root) == -1)
		return -1;
	return 0;
}

static int
teardown(void **state)
{
	char	*path = xvm_path(XVM_XVMD_SOCK);

	(void)state;
	if (path != NULL)
		unlink(path);
	free(path);
	path = xvm_path(XVM_RUN_DIR);
	if (path != NULL)
		rmdir(path);
	free(path);
	path = xvm_path("run");
	if (path != NULL)
		rmdir(path);
	free(path);
	rmdir(root);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uri),
		cmocka_unit_test_setup_teardown(test_not_running, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_shapes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
