/* Unit tests for config/yaml_tree: structure, positions, paths, getters. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "config/yaml_tree.h"

static void first_diag(const struct diag_list *l, char *buf, size_t size)
{
	buf[0] = '\0';
	if (l->n > 0)
		diag_format(&l->v[0], buf, size);
}

static void test_structure_and_positions(void **state)
{
	(void)state;
	static const char text[] = "a: 1\n"
				   "b:\n"
				   "  - x: \"q\"\n"
				   "    y: [1, 2]\n"
				   "  - z\n"
				   "c: ~\n";
	struct diag_list d;
	diag_list_init(&d);
	struct ytree_doc *doc = ytree_load_string(text, strlen(text), "t.yaml", &d);
	assert_non_null(doc);
	assert_int_equal(d.n, 0);
	const struct ytree_node *root = ytree_root(doc);
	assert_int_equal(root->kind, YTREE_MAP);
	assert_int_equal(root->count, 3);
	assert_string_equal(root->pairs[0].key->str, "a");
	assert_string_equal(root->pairs[1].key->str, "b");
	const struct ytree_node *b = ytree_map_get(root, "b");
	assert_int_equal(b->kind, YTREE_SEQ);
	assert_int_equal(b->count, 2);
	assert_int_equal(b->line, 3);
	assert_int_equal(b->col, 3);
	const struct ytree_node *x = ytree_map_get(b->items[0], "x");
	assert_string_equal(x->path, "b[0].x");
	assert_false(x->plain);
	assert_int_equal(x->line, 3);
	assert_int_equal(x->col, 8);
	const struct ytree_node *y1 = ytree_map_get(b->items[0], "y")->items[1];
	assert_string_equal(y1->path, "b[0].y[1]");
	assert_string_equal(y1->str, "2");
	assert_int_equal(y1->line, 4);
	assert_int_equal(y1->col, 12);
	assert_true(ytree_is_null(ytree_map_get(root, "c")));
	assert_string_equal(b->items[1]->path, "b[1]");
	ytree_free(doc);
	diag_list_free(&d);
}

struct load_case {
	const char *text;
	const char *expect; /* first diagnostic, or NULL for success */
};

static void test_load_errors(void **state)
{
	static const struct load_case cases[] = {
		{ "a: 1\nb: 2\na: 3\n",
		  "t.yaml:3:1: error: a: duplicate key 'a' (first at line 1, "
		  "column 1) (hint: each key may appear once per mapping)" },
		{ "a: &x 1\nb: *x\n",
		  "t.yaml:2:4: error: b: YAML aliases are not supported (hint: "
		  "write the value out instead of '*alias')" },
		{ "a: [1, 2\n", NULL /* syntax error, checked by prefix */ },
		{ "? [1]\n: 2\n",
		  "t.yaml:1:3: error: mapping keys must be scalars" },
		{ "a: 1\n---\nb: 2\n",
		  "t.yaml:2:1: error: only one YAML document is allowed per file" },
		{ "", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag_list d;
		diag_list_init(&d);
		struct ytree_doc *doc = ytree_load_string(
			cases[i].text, strlen(cases[i].text), "t.yaml", &d);
		char buf[512];
		first_diag(&d, buf, sizeof(buf));
		if (cases[i].expect == NULL) {
			assert_null(doc);
			assert_non_null(strstr(buf, "error: YAML syntax error"));
		} else if (cases[i].expect[0] == '\0') {
			assert_non_null(doc); /* empty file: NULL root */
			assert_null(ytree_root(doc));
			assert_int_equal(d.n, 0);
		} else {
			assert_null(doc);
			assert_string_equal(buf, cases[i].expect);
		}
		ytree_free(doc);
		diag_list_free(&d);
	}
}

static void test_depth_limit(void **state)
{
	(void)state;
	char text[400];
	size_t n = 0;
	for (int i = 0; i < 100; i++)
		text[n++] = '[';
	for (int i = 0; i < 100; i++)
		text[n++] = ']';
	struct diag_list d;
	diag_list_init(&d);
	struct ytree_doc *doc = ytree_load_string(text, n, "t", &d);
	assert_null(doc);
	assert_non_null(strstr(d.v[0].message, "nesting deeper"));
	diag_list_free(&d);
}

struct get_case {
	const char *text; /* value of key "k" */
	int kind;         /* 0 str, 1 uint(1..100), 2 bool, 3 enum, 4 ip, 5 prefix */
	enum ytree_get want;
	const char *msg;  /* substring of the diagnostic (want == YTREE_ERR) */
};

static const struct ytree_enum modes[] = {
	{ "Default", 0 }, { "ResponderOnly", 1 }, { NULL, 0 },
};

static enum ytree_get run_getter(const struct ytree_node *root, int kind,
				 struct diag_list *d)
{
	const char *s;
	uint64_t u;
	bool b;
	int e;
	struct ip_addr a;
	struct ip_prefix p;
	switch (kind) {
	case 0:
		return ytree_get_str(root, "k", YTREE_REQUIRED, &s, d);
	case 1:
		return ytree_get_uint(root, "k", YTREE_OPTIONAL, 1, 100, &u, d);
	case 2:
		return ytree_get_bool(root, "k", YTREE_OPTIONAL, &b, d);
	case 3:
		return ytree_get_enum(root, "k", YTREE_OPTIONAL, modes, &e, d);
	case 4:
		return ytree_get_ip(root, "k", YTREE_OPTIONAL, true, &a, d);
	default:
		return ytree_get_prefix(root, "k", YTREE_OPTIONAL, true, &p, d);
	}
}

static void test_getters(void **state)
{
	static const struct get_case cases[] = {
		{ "k: hello", 0, YTREE_OK, NULL },
		{ "x: 1", 0, YTREE_ERR, "missing required key 'k'" },
		{ "k: ~", 0, YTREE_ERR, "required key 'k' has an empty value" },
		{ "k: [a]", 0, YTREE_ERR, "expected a string, found a sequence" },
		{ "k: \"a\\0b\"", 0, YTREE_ERR, "NUL byte" },
		{ "k: 42", 1, YTREE_OK, NULL },
		{ "x: 1", 1, YTREE_ABSENT, NULL },
		{ "k: 101", 1, YTREE_ERR, "value 101 out of range 1..100" },
		{ "k: -1", 1, YTREE_ERR, "expected an unsigned integer" },
		{ "k: 0x10", 1, YTREE_ERR, "expected an unsigned integer" },
		{ "k: 99999999999999999999999", 1, YTREE_ERR, "unsigned" },
		{ "k: true", 2, YTREE_OK, NULL },
		{ "k: yes", 2, YTREE_ERR, "expected a boolean, found 'yes'" },
		{ "k: ResponderOnly", 3, YTREE_OK, NULL },
		{ "k: responderonly", 3, YTREE_ERR, "unknown value" },
		{ "k: 169.254.21.1", 4, YTREE_OK, NULL },
		{ "k: 169.254.21", 4, YTREE_ERR, "not a valid IPv4 address" },
		{ "k: \"::1\"", 4, YTREE_ERR, "not a valid IPv4 address" },
		{ "k: 10.1.0.0/16", 5, YTREE_OK, NULL },
		{ "k: 10.1.0.1/16", 5, YTREE_ERR, "host bits set" },
		{ "k: 10.1.0.0", 5, YTREE_ERR, "not a valid IPv4 prefix" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag_list d;
		diag_list_init(&d);
		struct ytree_doc *doc = ytree_load_string(
			cases[i].text, strlen(cases[i].text), "g", &d);
		assert_non_null(doc);
		enum ytree_get r = run_getter(ytree_root(doc), cases[i].kind, &d);
		if (r != cases[i].want)
			fail_msg("case %zu (%s): got %d", i, cases[i].text, r);
		if (cases[i].msg != NULL) {
			assert_int_equal(d.n, 1);
			if (strstr(d.v[0].message, cases[i].msg) == NULL)
				fail_msg("case %zu: message '%s'", i,
					 d.v[0].message);
		} else {
			assert_int_equal(d.n, 0);
		}
		ytree_free(doc);
		diag_list_free(&d);
	}
}

static void test_check_keys(void **state)
{
	(void)state;
	static const char text[] = "name: a\nshared_kye: b\nzzz: 1\n";
	static const char *const allowed[] = { "name", "shared_key", NULL };
	struct diag_list d;
	diag_list_init(&d);
	struct ytree_doc *doc = ytree_load_string(text, strlen(text), "k.yaml", &d);
	assert_false(ytree_check_keys(ytree_root(doc), allowed, &d));
	assert_int_equal(d.n, 2);
	char buf[512];
	diag_format(&d.v[0], buf, sizeof(buf));
	assert_string_equal(buf, "k.yaml:2:1: error: shared_kye: unknown key "
				 "'shared_kye' (hint: did you mean "
				 "'shared_key'?)");
	diag_format(&d.v[1], buf, sizeof(buf));
	assert_string_equal(buf, "k.yaml:3:1: error: zzz: unknown key 'zzz' "
				 "(hint: allowed keys: name, shared_key)");
	ytree_free(doc);
	diag_list_free(&d);
}

static void test_missing_file(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	assert_null(ytree_load_file("/nonexistent/x.yaml", &d));
	assert_int_equal(d.errors, 1);
	assert_non_null(strstr(d.v[0].message, "cannot open"));
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure_and_positions),
		cmocka_unit_test(test_load_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_getters),
		cmocka_unit_test(test_check_keys),
		cmocka_unit_test(test_missing_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
