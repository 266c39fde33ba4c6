/* Unit tests for xenstored/tree.c: paths, lookup, creation order, deletion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <cmocka.h>

#include "xenstored/tree.h"

static const struct xs_perm	 p0 = { 0, PERM_NONE };
static int			 owner_count[8];

static void
owner_add(uint32_t domid, int delta, void *arg)
{
	(void)arg;
	if (domid < 8)
		owner_count[domid] += delta;
}

static void
test_path_rules(void **state)
{
	(void)state;
	assert_true(path_valid("/"));
	assert_true(path_valid("/a/b-c_d@e/F9"));
	assert_false(path_valid(""));
	assert_false(path_valid("a"));
	assert_false(path_valid("/a/"));
	assert_false(path_valid("/a//b"));
	assert_false(path_valid("/a b"));
	assert_false(path_valid("/a/b!"));
	assert_true(path_is_child("/a/b", "/a"));
	assert_true(path_is_child("/a", "/a"));
	assert_true(path_is_child("/a", "/"));
	assert_false(path_is_child("/ab", "/a"));
	assert_false(path_is_child("/a", "/a/b"));
}

static void
test_create_lookup_delete(void **state)
{
	struct tree_hooks	 h = { owner_add, NULL };
	struct node		*a, *n, *c;
	struct xs_perm		 p5 = { 5, PERM_READ };
	uint64_t		 g;
	char			 path[32];
	int			 i;

	(void)state;
	tree_init(&h);
	assert_int_equal(tree_count(), 1);
	a = tree_create("/a", "x", 1, &p0, 1);
	g = a->gen;
	tree_create("/a/z", NULL, 0, &p5, 1);
	tree_create("/a/b", "v", 1, &p0, 1);
	assert_true(a->gen > g);		/* child list changed */
	assert_ptr_equal(tree_lookup("/a/b")->parent, a);
	assert_null(tree_lookup("/a/c"));
	/* Creation order, not name order. */
	assert_string_equal(a->child_first->name, "z");
	assert_string_equal(a->child_last->name, "b");
	assert_int_equal(a->childlen, 4);
	assert_int_equal(owner_count[5], 1);
	/* Many nodes: the table grows and everything is still found. */
	for (i = 0; i < 5000; i++) {
		snprintf(path, sizeof(path), "/a/b/n%d", i);
		tree_create(path, NULL, 0, &p0, 1);
	}
	for (i = 0; i < 5000; i += 97) {
		snprintf(path, sizeof(path), "/a/b/n%d", i);
		assert_non_null(n = tree_lookup(path));
		assert_string_equal(n->path, path);
	}
	g = tree_lookup("/a/z")->gen;
	tree_set_value(tree_lookup("/a/z"), "new", 3);
	assert_true(tree_lookup("/a/z")->gen > g);
	tree_set_perms(tree_lookup("/a/z"), &p0, 1);
	assert_int_equal(owner_count[5], 0);
	c = tree_lookup("/a/b");
	tree_delete(c);
	assert_null(tree_lookup("/a/b/n17"));
	assert_null(tree_lookup("/a/b"));
	assert_int_equal(tree_count(), 3);
	assert_int_equal(a->nchildren, 1);
	assert_int_equal(a->childlen, 2);
	tree_delete(tree_root());		/* the root stays */
	assert_int_equal(tree_count(), 3);
	tree_free();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test(test_create_lookup_delete),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
