/* Prefix table, slab and path lists; prefix-list policy matching. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bgp/bgp_priv.h"
#include "testutil.h"

static struct ip_prefix v4(uint32_t host, uint8_t len)
{
	struct ip_prefix p = { .addr = ip_addr_v4(host), .len = len };
	ip_prefix_canonicalize(&p);
	return p;
}

static void test_table_insert_delete(void **state)
{
	struct bgp_rib rib;
	bgp_rib_init(&rib);
	struct bgp_attrs a = { 0 };
	a.nexthop = tu_addr("10.0.0.1");
	struct bgp_attrs *in = bgp_attrs_intern(&rib.attrs, &a);
	enum { N = 50000 };
	for (uint32_t i = 0; i < N; i++) {
		struct ip_prefix p = v4(0x0a000000 + (i << 8), 24);
		struct bgp_rnode *rn = bgp_rib_get(&rib, &p);
		assert_non_null(rn);
		assert_int_equal(bgp_rib_set_path(&rib, rn, 1, bgp_attrs_ref(in)), 1);
	}
	assert_int_equal(rib.n_routes, N);
	assert_int_equal(in->refcnt, N + 1);
	/* same prefix, other length: distinct */
	struct ip_prefix p16 = v4(0x0a000000, 16);
	assert_null(bgp_rib_find(&rib, &p16));
	/* delete every other, the rest must still be found */
	for (uint32_t i = 0; i < N; i += 2) {
		struct ip_prefix p = v4(0x0a000000 + (i << 8), 24);
		struct bgp_rnode *rn = bgp_rib_find(&rib, &p);
		assert_non_null(rn);
		assert_true(bgp_rib_del_path(&rib, rn, 1));
		bgp_rib_maybe_drop(&rib, rn);
	}
	assert_int_equal(rib.count, N / 2);
	for (uint32_t i = 0; i < N; i++) {
		struct ip_prefix p = v4(0x0a000000 + (i << 8), 24);
		struct bgp_rnode *rn = bgp_rib_find(&rib, &p);
		if (i % 2)
			assert_non_null(rn);
		else
			assert_null(rn);
	}
	size_t pos = 0, n = 0;
	while (bgp_rib_next(&rib, &pos) != NULL)
		n++;
	assert_int_equal(n, N / 2);
	assert_int_equal(rib.nodes.in_use, N / 2);
	bgp_attrs_unref(&rib.attrs, in);
	bgp_rib_free(&rib);
}

static void test_v6_keys(void **state)
{
	struct bgp_rib rib;
	bgp_rib_init(&rib);
	struct ip_prefix a = tu_prefix("2001:db8::/32"), b = tu_prefix("2001:db8::/48");
	struct ip_prefix c = tu_prefix("32.1.13.184/32"); /* same leading bytes */
	assert_ptr_not_equal(bgp_rib_get(&rib, &a), bgp_rib_get(&rib, &b));
	assert_ptr_not_equal(bgp_rib_get(&rib, &a), bgp_rib_get(&rib, &c));
	assert_ptr_equal(bgp_rib_get(&rib, &a), bgp_rib_find(&rib, &a));
	struct ip_prefix back;
	bgp_rnode_prefix(bgp_rib_find(&rib, &b), &back);
	assert_true(ip_prefix_eq(&back, &b));
	bgp_rib_free(&rib);
}

struct pl_case {
	const char *prefix;
	bool permit;
};

static void test_prefix_list(void **state)
{
	struct bgp_prefix_rule rules[] = {
		{ tu_prefix("10.0.0.0/8"), 0, 0, false },   /* exact deny */
		{ tu_prefix("10.0.0.0/8"), 16, 24, true },  /* ge 16 le 24 */
		{ tu_prefix("192.168.0.0/16"), 0, 32, true }, /* le 32 */
		{ tu_prefix("0.0.0.0/0"), 0, 0, true },     /* default only */
	};
	struct ip_prefix deny[] = { tu_prefix("10.1.0.0/16") };
	struct bgp_policy pol = { .rules = rules, .n_rules = 4,
				  .deny_exact = deny, .n_deny_exact = 1 };
	static const struct pl_case cases[] = {
		{ "10.0.0.0/8", false }, { "10.2.0.0/16", true }, { "10.2.3.0/24", true },
		{ "10.2.3.128/25", false }, { "10.1.0.0/16", false }, { "10.1.1.0/24", true },
		{ "192.168.1.1/32", true }, { "192.168.0.0/16", true }, { "0.0.0.0/0", true },
		{ "172.16.0.0/12", false },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ip_prefix p = tu_prefix(cases[i].prefix);
		if (bgp_policy_prefix_ok(&pol, &p) != cases[i].permit)
			fail_msg("%s", cases[i].prefix);
	}
	struct bgp_policy empty = { 0 };
	struct ip_prefix any = tu_prefix("172.16.0.0/12");
	assert_true(bgp_policy_prefix_ok(&empty, &any));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_insert_delete),
		cmocka_unit_test(test_v6_keys),
		cmocka_unit_test(test_prefix_list),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
