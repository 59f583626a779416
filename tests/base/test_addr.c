#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "base/addr.h"

struct prefix_case {
	const char *text;
	bool strict;
	bool ok;
	const char *canonical;
};

static const struct prefix_case prefix_cases[] = {
	{ "10.1.0.0/16", true, true, "10.1.0.0/16" },
	{ "10.1.0.1/16", true, false, NULL },
	{ "10.1.0.1/16", false, true, "10.1.0.0/16" },
	{ "169.254.21.0/30", true, true, "169.254.21.0/30" },
	{ "0.0.0.0/0", true, true, "0.0.0.0/0" },
	{ "10.0.0.0/33", false, false, NULL },
	{ "10.0.0.0/", false, false, NULL },
	{ "10.0.0.0/08", false, false, NULL },
	{ "10.0.0.0/-1", false, false, NULL },
	{ "10.0.0.0", false, false, NULL },
	{ "/8", false, false, NULL },
	{ "2001:db8::/32", true, true, "2001:db8::/32" },
	{ "2001:db8::1/129", false, false, NULL },
	{ "300.1.1.1/8", false, false, NULL },
};

static void test_prefix_parse_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(prefix_cases) / sizeof(prefix_cases[0]); i++) {
		const struct prefix_case *c = &prefix_cases[i];
		struct ip_prefix p;
		bool ok = ip_prefix_parse(c->text, &p, c->strict);
		if (ok != c->ok)
			fail_msg("case %zu (%s): got %d", i, c->text, ok);
		if (ok) {
			char buf[IP_PREFIX_STRLEN];
			assert_string_equal(ip_prefix_fmt(&p, buf, sizeof(buf)),
					    c->canonical);
		}
	}
}

static void test_contains_and_overlap(void **state)
{
	(void)state;
	struct ip_prefix vnet, sub, other, apipa;
	assert_true(ip_prefix_parse("10.1.0.0/16", &vnet, true));
	assert_true(ip_prefix_parse("10.1.1.0/24", &sub, true));
	assert_true(ip_prefix_parse("10.2.0.0/16", &other, true));
	assert_true(ip_prefix_parse("169.254.0.0/16", &apipa, true));
	assert_true(ip_prefix_contains(&vnet, &sub));
	assert_false(ip_prefix_contains(&sub, &vnet));
	assert_true(ip_prefix_overlaps(&sub, &vnet));
	assert_false(ip_prefix_overlaps(&vnet, &other));
	struct ip_addr a;
	assert_true(ip_addr_parse("169.254.21.2", &a));
	assert_true(ip_prefix_contains_addr(&apipa, &a));
	assert_false(ip_prefix_contains_addr(&vnet, &a));
}

static void test_host_offsets(void **state)
{
	(void)state;
	struct ip_prefix p;
	assert_true(ip_prefix_parse("169.254.21.4/30", &p, true));
	struct ip_addr h1 = ip_prefix_host(&p, 1), h2 = ip_prefix_host(&p, 2);
	char buf[IP_ADDR_STRLEN];
	assert_string_equal(ip_addr_fmt(&h1, buf, sizeof(buf)), "169.254.21.5");
	assert_string_equal(ip_addr_fmt(&h2, buf, sizeof(buf)), "169.254.21.6");
	assert_true(ip_prefix_parse("10.0.0.0/8", &p, true));
	struct ip_addr far = ip_prefix_host(&p, 0x10203);
	assert_string_equal(ip_addr_fmt(&far, buf, sizeof(buf)), "10.1.2.3");
	assert_int_equal(ip_addr_v4_host(&far), 0x0a010203);
	struct ip_addr v4 = ip_addr_v4(0xc0000201);
	assert_string_equal(ip_addr_fmt(&v4, buf, sizeof(buf)), "192.0.2.1");
}

static void test_addr_parse_cmp(void **state)
{
	(void)state;
	struct ip_addr a, b, c;
	assert_true(ip_addr_parse("192.0.2.1", &a));
	assert_true(ip_addr_parse("192.0.2.2", &b));
	assert_true(ip_addr_parse("::1", &c));
	assert_true(ip_addr_cmp(&a, &b) < 0);
	assert_true(ip_addr_cmp(&a, &c) != 0);
	assert_false(ip_addr_eq(&a, &b));
	assert_false(ip_addr_parse("192.0.2", &a));
	assert_false(ip_addr_is_set(&a));
	assert_false(ip_addr_parse("", &a));
	assert_false(ip_addr_parse(NULL, &a));
	char buf[IP_ADDR_STRLEN];
	assert_string_equal(ip_addr_fmt(&a, buf, sizeof(buf)), "-");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefix_parse_table),
		cmocka_unit_test(test_contains_and_overlap),
		cmocka_unit_test(test_host_offsets),
		cmocka_unit_test(test_addr_parse_cmp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
