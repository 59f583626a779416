/* UPDATE decoding: RFC 7606 dispositions table, AS4 handling, encode/decode
 * round trips of every attribute. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/attr.h"
#include "testutil.h"

/* Attribute snippets (AS 65001 = 0000fde9 in 4-octet form). */
#define ORIGIN "40010100"
#define ASPATH "4002060201 0000fde9"
#define NH "4003040a000001"
#define NLRI "180a0102"

struct upd_case {
	const char *name;
	const char *attrs;  /* attribute bytes, hex */
	const char *nlri;   /* NLRI, hex */
	const char *raw;    /* whole body instead, if set */
	bool as4, ebgp;
	enum bgp_disp_kind kind;
	uint8_t sub;        /* checked for RESET and TREAT_AS_WITHDRAW */
};

static const struct upd_case cases[] = {
	{ "valid", ORIGIN ASPATH NH, NLRI, NULL, true, true, BGP_OK, 0 },
	{ "origin value 3", "40010103" ASPATH NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 6 },
	{ "origin length 2", "4001020000" ASPATH NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 6 },
	{ "origin flags optional", "c0010100" ASPATH NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 6 },
	{ "as_path bad segment type", ORIGIN "4002060501 0000fde9" NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 11 },
	{ "as_path zero segment", ORIGIN "4002020200" NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 11 },
	{ "as_path overrun", ORIGIN "4002060202 0000fde9" NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 11 },
	{ "as_path first as not peer", ORIGIN "4002060201 0000fdea" NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 11 },
	{ "as_path empty ebgp", ORIGIN "400200" NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 11 },
	{ "as_path empty ibgp", ORIGIN "400200" NH "400504 00000064", NLRI, NULL, true, false, BGP_OK, 0 },
	{ "next_hop length 5", ORIGIN ASPATH "4003050a00000100", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 8 },
	{ "next_hop zero", ORIGIN ASPATH "40030400000000", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 8 },
	{ "next_hop multicast", ORIGIN ASPATH "400304e0000001", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 8 },
	{ "missing next_hop", ORIGIN ASPATH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 3 },
	{ "missing origin", ASPATH NH, NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 3 },
	{ "missing local_pref ibgp", ORIGIN "400200" NH, NLRI, NULL, true, false, BGP_TREAT_AS_WITHDRAW, 3 },
	{ "med length 3", ORIGIN ASPATH NH "800403000000", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 5 },
	{ "local_pref from ebgp", ORIGIN ASPATH NH "40050400000064", NLRI, NULL, true, true, BGP_DISCARD_ATTR, 0 },
	{ "local_pref length 2 ibgp", ORIGIN "400200" NH "4005020064", NLRI, NULL, true, false, BGP_TREAT_AS_WITHDRAW, 5 },
	{ "atomic length 1", ORIGIN ASPATH NH "40060100", NLRI, NULL, true, true, BGP_DISCARD_ATTR, 0 },
	{ "aggregator length 7", ORIGIN ASPATH NH "c00707 0000fde9 0a0000", NLRI, NULL, true, true, BGP_DISCARD_ATTR, 0 },
	{ "aggregator 2-octet ok", ORIGIN "40020402 01fde9" NH "c00706 fde9 0a000001", NLRI, NULL, false, true, BGP_OK, 0 },
	{ "communities length 3", ORIGIN ASPATH NH "c00803000000", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 9 },
	{ "communities length 0", ORIGIN ASPATH NH "c00800", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 9 },
	{ "originator length 3", ORIGIN ASPATH NH "800903000000", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 9 },
	{ "cluster_list length 5", ORIGIN ASPATH NH "800a050000000000", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 9 },
	{ "duplicate origin", ORIGIN ORIGIN ASPATH NH, NLRI, NULL, true, true, BGP_DISCARD_ATTR, 0 },
	{ "duplicate mp_reach", ORIGIN ASPATH "800e15 0002 01 10 20010db8000000000000000000000001 00" "800e15 0002 01 10 20010db8000000000000000000000001 00", "", NULL, true, true, BGP_RESET, 1 },
	{ "unknown well-known", ORIGIN ASPATH NH "40630100", NLRI, NULL, true, true, BGP_RESET, 2 },
	{ "unknown optional transitive", ORIGIN ASPATH NH "c0630100", NLRI, NULL, true, true, BGP_OK, 0 },
	{ "unknown optional non-transitive", ORIGIN ASPATH NH "80630100", NLRI, NULL, true, true, BGP_OK, 0 },
	{ "attribute overruns", ORIGIN ASPATH NH "c00810", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 5 },
	{ "attribute header cut", ORIGIN ASPATH NH "c0", NLRI, NULL, true, true, BGP_TREAT_AS_WITHDRAW, 5 },
	{ "mp_reach bad nh len", ORIGIN ASPATH "800e0a 0002 01 05 0000000000 00", "", NULL, true, true, BGP_RESET, 9 },
	{ "mp_reach truncated", ORIGIN ASPATH "800e02 0002", "", NULL, true, true, BGP_RESET, 9 },
	{ "mp_reach bad nlri", ORIGIN ASPATH "800e16 0002 01 10 20010db8000000000000000000000001 00 81", "", NULL, true, true, BGP_RESET, 9 },
	{ "mp_reach flags", ORIGIN ASPATH "c00e16 0002 01 10 20010db8000000000000000000000001 00 20", "", NULL, true, true, BGP_RESET, 9 },
	{ "mp_reach v6 ok", ORIGIN ASPATH "800e1a 0002 01 10 20010db8000000000000000000000001 00 20 20010db8", "", NULL, true, true, BGP_OK, 0 },
	{ "mp_unreach v6 ok", "800f0c 0002 01 40 20010db800000001", "", NULL, true, true, BGP_OK, 0 },
	{ "mp_unreach bad nlri", "800f08 0002 01 90 2001 0db8", "", NULL, true, true, BGP_RESET, 9 },
	{ "as4_path from new speaker", ORIGIN ASPATH NH "c01106 0201 fa56ea00", NLRI, NULL, true, true, BGP_DISCARD_ATTR, 0 },
	{ "as4_path malformed", ORIGIN "40020402 01fde9" NH "c01105 0201 fa56ea", NLRI, NULL, false, true, BGP_DISCARD_ATTR, 0 },
	{ "as4_aggregator malformed", ORIGIN "40020402 01fde9" NH "c01206 0000fde9 0a00", NLRI, NULL, false, true, BGP_DISCARD_ATTR, 0 },
	{ "withdrawn overruns", NULL, NULL, "0010 0a 0000", true, true, BGP_RESET, 1 },
	{ "path attr length overruns", NULL, NULL, "0000 0020 40010100", true, true, BGP_RESET, 1 },
	{ "nlri length 33", ORIGIN ASPATH NH, "210a010203ff", NULL, true, true, BGP_RESET, 10 },
	{ "nlri truncated", ORIGIN ASPATH NH, "180a01", NULL, true, true, BGP_RESET, 10 },
	{ "withdrawn bad prefix", NULL, NULL, "0002 2100 0000", true, true, BGP_RESET, 10 },
	{ "attrs without nlri, bad origin", "40010109", "", NULL, true, true, BGP_TREAT_AS_WITHDRAW, 6 },
	{ "end-of-rib", NULL, NULL, "0000 0000", true, true, BGP_OK, 0 },
};

static size_t build(const struct upd_case *c, uint8_t *b, size_t cap)
{
	if (c->raw != NULL)
		return tu_hex(c->raw, b, cap);
	uint8_t a[2048], n[256];
	size_t al = tu_hex(c->attrs, a, sizeof(a));
	size_t nl = tu_hex(c->nlri, n, sizeof(n));
	b[0] = b[1] = 0;
	b[2] = (uint8_t)(al >> 8);
	b[3] = (uint8_t)al;
	memcpy(b + 4, a, al);
	memcpy(b + 4 + al, n, nl);
	return 4 + al + nl;
}

static struct bgp_attr_buf scratch;

static void test_dispositions(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct upd_case *c = &cases[i];
		uint8_t b[4096];
		size_t n = build(c, b, sizeof(b));
		struct rd r;
		rd_init(&r, b, n);
		struct bgp_decode_ctx ctx = { .as4 = c->as4, .ebgp = c->ebgp,
					      .peer_as = 65001, .v6 = true };
		struct bgp_update u;
		bgp_update_decode(&r, &ctx, &scratch, &u);
		bool sub_ok = (c->kind != BGP_RESET && c->kind != BGP_TREAT_AS_WITHDRAW) ||
			      u.disp.sub == c->sub;
		if (u.disp.kind != c->kind || !sub_ok)
			fail_msg("case '%s': got kind %d sub %u, want %d sub %u",
				 c->name, u.disp.kind, u.disp.sub, c->kind, c->sub);
		if (c->kind == BGP_RESET && u.disp.code != 3)
			fail_msg("case '%s': code %u", c->name, u.disp.code);
	}
}

static void decode_ok(const char *attrs, const char *nlri, bool as4,
		      struct bgp_update *u, uint8_t *b)
{
	struct upd_case c = { "x", attrs, nlri, NULL, as4, true, BGP_OK, 0 };
	size_t n = build(&c, b, 4096);
	struct rd r;
	rd_init(&r, b, n);
	struct bgp_decode_ctx ctx = { .as4 = as4, .ebgp = true, .peer_as = 65001,
				      .v6 = true };
	bgp_update_decode(&r, &ctx, &scratch, u);
}

static void test_unknown_kept_partial(void **state)
{
	uint8_t b[4096];
	struct bgp_update u;
	decode_ok(ORIGIN ASPATH NH "c063020102", NLRI, true, &u, b);
	assert_int_equal(u.disp.kind, BGP_OK);
	assert_int_equal(u.attrs.unknown_len, 6);
	assert_int_equal(u.attrs.unknown[0], 0xc0 | 0x20 | 0x10);
	assert_int_equal(u.attrs.unknown[1], 0x63);
}

static void test_eor(void **state)
{
	uint8_t b[64];
	size_t n = tu_hex("0000 0000", b, sizeof(b));
	struct rd r;
	rd_init(&r, b, n);
	struct bgp_decode_ctx ctx = { .as4 = true, .ebgp = true, .peer_as = 1 };
	struct bgp_update u;
	bgp_update_decode(&r, &ctx, &scratch, &u);
	uint16_t afi = 0;
	assert_true(bgp_update_is_eor(&u, &afi));
	assert_int_equal(afi, 1);
	n = tu_hex("0000 0006 800f03000201", b, sizeof(b));
	rd_init(&r, b, n);
	bgp_update_decode(&r, &ctx, &scratch, &u);
	assert_true(bgp_update_is_eor(&u, &afi));
	assert_int_equal(afi, 2);
}

/* 2-octet peer: AS_PATH [65001 23456], AS4_PATH [4200000000] -> merged. */
static void test_as4_merge(void **state)
{
	uint8_t b[4096];
	struct bgp_update u;
	decode_ok(ORIGIN "40020602 02fde9 5ba0" NH "c01106 0201 fa56ea00"
		  "c00706 5ba0 0a000001 c01208 fa56ea00 0a000001", NLRI, false, &u, b);
	assert_int_equal(u.disp.kind, BGP_OK);
	char text[128];
	bgp_aspath_format(&u.attrs, text, sizeof(text));
	assert_string_equal(text, "65001 4200000000");
	assert_int_equal(u.attrs.path_count, 2);
	assert_int_equal(u.attrs.aggr_as, 4200000000u);
	/* AS4_PATH longer than AS_PATH: ignored (RFC 6793 4.2.3) */
	decode_ok(ORIGIN "40020402 01fde9" NH "c0110a 0202 fa56ea00 fa56ea01", NLRI,
		  false, &u, b);
	bgp_aspath_format(&u.attrs, text, sizeof(text));
	assert_string_equal(text, "65001");
}

static void roundtrip(const struct bgp_attrs *a, bool as4)
{
	uint8_t attrs[2048];
	struct wr w;
	wr_init(&w, attrs, sizeof(attrs));
	assert_true(bgp_attrs_encode(&w, a, as4));
	uint8_t body[4096];
	size_t al = wr_len(&w);
	body[0] = body[1] = 0;
	body[2] = (uint8_t)(al >> 8);
	body[3] = (uint8_t)al;
	memcpy(body + 4, attrs, al);
	uint8_t nlri[4] = { 24, 10, 1, 2 };
	memcpy(body + 4 + al, nlri, 4);
	struct rd r;
	rd_init(&r, body, 8 + al);
	struct bgp_decode_ctx ctx = { .as4 = as4, .ebgp = false, .peer_as = 65001 };
	struct bgp_update u;
	bgp_update_decode(&r, &ctx, &scratch, &u);
	assert_int_equal(u.disp.kind, BGP_OK);
	if (!bgp_attrs_equal(&u.attrs, a)) {
		print_message("o %u/%u f %x/%x med %u/%u lp %u/%u ag %u/%u %x/%x nc %u/%u ul %u/%u al %u/%u\n",
			      u.attrs.origin, a->origin, u.attrs.flags, a->flags,
			      u.attrs.med, a->med, u.attrs.local_pref, a->local_pref,
			      u.attrs.aggr_as, a->aggr_as, u.attrs.aggr_id, a->aggr_id,
			      u.attrs.n_comm, a->n_comm, u.attrs.unknown_len, a->unknown_len,
			      u.attrs.aspath_len, a->aspath_len);
		char x[256], y[256];
		bgp_aspath_format(a, x, sizeof(x));
		bgp_aspath_format(&u.attrs, y, sizeof(y));
		fail_msg("round trip differs (as4=%d): '%s' vs '%s'", as4, x, y);
	}
}

static void test_roundtrip_all_attrs(void **state)
{
	uint8_t path[] = { 2, 3, 0, 0, 0xfd, 0xe9, 0xfa, 0x56, 0xea, 0, 0, 0, 0xfd, 0xe8,
			   1, 2, 0, 0, 0, 1, 0, 0, 0, 2 };
	uint32_t comm[] = { 0xfde90064, BGP_COMM_GSHUT };
	uint8_t unknown[] = { 0xf0, 0x20, 0x00, 0x0c, 0, 0, 0xfd, 0xe9, 0, 0, 0, 1, 0, 0, 0, 2 };
	struct bgp_attrs a = { .origin = BGP_ORIGIN_EGP,
			       .flags = BGP_A_MED | BGP_A_LOCAL_PREF | BGP_A_ATOMIC |
					BGP_A_AGGREGATOR | BGP_A_ORIGINATOR,
			       .med = 50, .local_pref = 200, .aggr_as = 4200000000u,
			       .aggr_id = 0x0a000005, .originator_id = 0x01020304,
			       .aspath = path, .aspath_len = sizeof(path),
			       .comm = comm, .n_comm = 2,
			       .unknown = unknown, .unknown_len = sizeof(unknown) };
	a.nexthop = tu_addr("192.0.2.1");
	a.flags &= (uint8_t)~BGP_A_ORIGINATOR; /* not encoded: we do not reflect */
	a.originator_id = 0;
	roundtrip(&a, true);
	roundtrip(&a, false); /* via AS_TRANS + AS4_PATH + AS4_AGGREGATOR */
}

static void test_as_trans_on_wire(void **state)
{
	uint8_t path[] = { 2, 1, 0xfa, 0x56, 0xea, 0x00 };
	struct bgp_attrs a = { .aspath = path, .aspath_len = sizeof(path) };
	a.nexthop = tu_addr("192.0.2.1");
	uint8_t out[256];
	struct wr w;
	wr_init(&w, out, sizeof(out));
	assert_true(bgp_attrs_encode(&w, &a, false));
	uint8_t want[64];
	size_t wl = tu_hex("40010100 40020402 015ba0 4003 04c0000201 c01106 0201 fa56ea00",
			   want, sizeof(want));
	assert_int_equal(wr_len(&w), wl);
	assert_memory_equal(out, want, wl);
}

static void test_intern(void **state)
{
	struct bgp_attr_table t;
	bgp_attr_table_init(&t);
	uint8_t path[] = { 2, 1, 0, 0, 0xfd, 0xe9 };
	struct bgp_attrs a = { .aspath = path, .aspath_len = 6 };
	a.nexthop = tu_addr("10.0.0.1");
	struct bgp_attrs *x[600];
	for (int i = 0; i < 600; i++) {
		a.med = (uint32_t)(i % 300);
		x[i] = bgp_attrs_intern(&t, &a);
		assert_non_null(x[i]);
	}
	assert_int_equal(t.count, 300);
	assert_ptr_equal(x[0], x[300]);
	assert_int_equal(x[0]->refcnt, 2);
	assert_int_equal(x[0]->first_as, 65001);
	for (int i = 0; i < 600; i++)
		bgp_attrs_unref(&t, x[i]);
	assert_int_equal(t.count, 0);
	bgp_attr_table_free(&t);
}

static void test_nlri(void **state)
{
	uint8_t b[32];
	struct wr w;
	wr_init(&w, b, sizeof(b));
	struct ip_prefix in[3] = { tu_prefix("0.0.0.0/0"), tu_prefix("10.1.0.0/16"),
				   tu_prefix("2001:db8::/33") };
	bgp_nlri_put(&w, &in[0]);
	bgp_nlri_put(&w, &in[1]);
	assert_int_equal(wr_len(&w), 1 + 3);
	struct rd r;
	rd_init(&r, b, wr_len(&w));
	struct ip_prefix p;
	assert_true(bgp_nlri_next(&r, AF_INET, &p));
	assert_true(ip_prefix_eq(&p, &in[0]));
	assert_true(bgp_nlri_next(&r, AF_INET, &p));
	assert_true(ip_prefix_eq(&p, &in[1]));
	assert_false(bgp_nlri_next(&r, AF_INET, &p));
	wr_init(&w, b, sizeof(b));
	bgp_nlri_put(&w, &in[2]);
	rd_init(&r, b, wr_len(&w));
	assert_true(bgp_nlri_next(&r, AF_INET6, &p));
	assert_true(ip_prefix_eq(&p, &in[2]));
	/* host bits are cleared */
	uint8_t hb[] = { 23, 10, 1, 3 };
	rd_init(&r, hb, 4);
	assert_true(bgp_nlri_next(&r, AF_INET, &p));
	assert_int_equal(p.addr.a[2], 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispositions),
		cmocka_unit_test(test_unknown_kept_partial),
		cmocka_unit_test(test_eor),
		cmocka_unit_test(test_as4_merge),
		cmocka_unit_test(test_roundtrip_all_attrs),
		cmocka_unit_test(test_as_trans_on_wire),
		cmocka_unit_test(test_intern),
		cmocka_unit_test(test_nlri),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
