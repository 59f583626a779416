/* Unit tests for config/diag: exact text format, counts, JSON form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <json-c/json.h>
#include <string.h>

#include "config/diag.h"

struct fmt_case {
	enum diag_level level;
	const char *path;
	const char *hint;
	const char *expect;
};

static void test_format_table(void **state)
{
	static const struct fmt_case cases[] = {
		{ DIAG_ERROR, "azure.connections[2].shared_key", "use 8-64",
		  "t.yaml:12:7: error: azure.connections[2].shared_key: bad "
		  "(hint: use 8-64)" },
		{ DIAG_WARNING, "aws.vpc", NULL,
		  "t.yaml:12:7: warning: aws.vpc: bad" },
		{ DIAG_ERROR, "", NULL, "t.yaml:12:7: error: bad" },
		{ DIAG_ERROR, NULL, "h", "t.yaml:12:7: error: bad (hint: h)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct diag_list l;
		diag_list_init(&l);
		struct diag_pos pos = { "t.yaml", 12, 7 };
		diag_add(&l, cases[i].level, &pos, cases[i].path, "r.x",
			 cases[i].hint, "%s", "bad");
		char buf[256];
		size_t n = diag_format(&l.v[0], buf, sizeof(buf));
		assert_string_equal(buf, cases[i].expect);
		assert_int_equal(n, strlen(cases[i].expect));
		diag_list_free(&l);
	}
}

static void test_counts_and_find(void **state)
{
	(void)state;
	struct diag_list l;
	diag_list_init(&l);
	struct diag_pos pos = { "f", 3, 1 };
	diag_add(&l, DIAG_ERROR, &pos, "a.b", "rule.one", NULL, "e%d", 1);
	diag_add(&l, DIAG_WARNING, &pos, "a.c", "rule.two", NULL, "w");
	diag_add(&l, DIAG_ERROR, NULL, "a.d", NULL, NULL, "e2");
	assert_int_equal(diag_error_count(&l), 2);
	assert_int_equal(diag_warning_count(&l), 1);
	assert_true(diag_has_errors(&l));
	assert_non_null(diag_list_find(&l, "a.c", "rule.two"));
	assert_null(diag_list_find(&l, "a.c", "rule.one"));
	assert_string_equal(diag_list_find(&l, "a.b", NULL)->message, "e1");
	diag_list_clear(&l);
	assert_int_equal(l.n, 0);
	assert_false(diag_has_errors(&l));
	diag_list_free(&l);
}

static void test_bounded(void **state)
{
	(void)state;
	struct diag_list l;
	diag_list_init(&l);
	for (int i = 0; i < DIAG_MAX + 10; i++)
		diag_add(&l, DIAG_ERROR, NULL, "p", "r", NULL, "n%d", i);
	assert_int_equal(l.n, DIAG_MAX);
	assert_int_equal(l.dropped, 10);
	assert_int_equal(diag_error_count(&l), DIAG_MAX + 10);
	diag_list_free(&l);
}

static void test_sort(void **state)
{
	(void)state;
	struct diag_list l;
	diag_list_init(&l);
	struct diag_pos p1 = { "f", 9, 1 }, p2 = { "f", 2, 5 }, p3 = { "f", 2, 1 };
	diag_add(&l, DIAG_ERROR, &p1, "", "", NULL, "third");
	diag_add(&l, DIAG_ERROR, &p2, "", "", NULL, "second");
	diag_add(&l, DIAG_ERROR, &p3, "", "", NULL, "first");
	diag_list_sort(&l);
	assert_string_equal(l.v[0].message, "first");
	assert_string_equal(l.v[1].message, "second");
	assert_string_equal(l.v[2].message, "third");
	diag_list_free(&l);
}

static void test_json(void **state)
{
	(void)state;
	struct diag_list l;
	diag_list_init(&l);
	struct diag_pos pos = { "x.yaml", 4, 2 };
	diag_add(&l, DIAG_WARNING, &pos, "aws.vpc.cidr", "addr.overlap", "h",
		 "overlaps");
	diag_add(&l, DIAG_ERROR, &pos, "aws", "r", NULL, "m");
	struct json_object *j = diag_list_to_json(&l);
	assert_non_null(j);
	struct json_object *v;
	assert_true(json_object_object_get_ex(j, "errors", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(j, "warnings", &v));
	assert_int_equal(json_object_get_int(v), 1);
	assert_true(json_object_object_get_ex(j, "diagnostics", &v));
	assert_int_equal(json_object_array_length(v), 2);
	struct json_object *e0 = json_object_array_get_idx(v, 0), *f;
	assert_true(json_object_object_get_ex(e0, "level", &f));
	assert_string_equal(json_object_get_string(f), "warning");
	assert_true(json_object_object_get_ex(e0, "line", &f));
	assert_int_equal(json_object_get_int(f), 4);
	assert_true(json_object_object_get_ex(e0, "rule", &f));
	assert_string_equal(json_object_get_string(f), "addr.overlap");
	assert_true(json_object_object_get_ex(e0, "hint", &f));
	struct json_object *e1 = json_object_array_get_idx(v, 1);
	assert_false(json_object_object_get_ex(e1, "hint", &f));
	json_object_put(j);
	diag_list_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_counts_and_find),
		cmocka_unit_test(test_bounded),
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
