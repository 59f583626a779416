/* Message codec: header checks, OPEN/NOTIFICATION/ROUTE-REFRESH round trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bgp/bgp_wire.h"
#include "testutil.h"

struct hdr_case {
	const char *name;
	const char *hex; /* 19 octets */
	enum bgp_disp_kind kind;
	uint8_t code, sub;
	uint8_t data_len;
};

#define M "ffffffffffffffffffffffffffffffff"
static const struct hdr_case hdr_cases[] = {
	{ "keepalive", M "0013 04", BGP_OK, 0, 0, 0 },
	{ "open min", M "001d 01", BGP_OK, 0, 0, 0 },
	{ "bad marker", "fffffffffffffffffffffffffffffffe 0013 04", BGP_RESET, 1, 1, 0 },
	{ "length 18", M "0012 04", BGP_RESET, 1, 2, 2 },
	{ "length 4097", M "1001 02", BGP_RESET, 1, 2, 2 },
	{ "keepalive 20", M "0014 04", BGP_RESET, 1, 2, 2 },
	{ "open too short", M "001c 01", BGP_RESET, 1, 2, 2 },
	{ "update too short", M "0016 02", BGP_RESET, 1, 2, 2 },
	{ "notification too short", M "0014 03", BGP_RESET, 1, 2, 2 },
	{ "type 0", M "0013 00", BGP_RESET, 1, 3, 1 },
	{ "type 6", M "0017 06", BGP_RESET, 1, 3, 1 },
	{ "refresh", M "0017 05", BGP_OK, 0, 0, 0 },
};

static void test_header_table(void **state)
{
	for (size_t i = 0; i < sizeof(hdr_cases) / sizeof(hdr_cases[0]); i++) {
		const struct hdr_case *c = &hdr_cases[i];
		uint8_t h[BGP_HEADER_LEN];
		assert_int_equal(tu_hex(c->hex, h, sizeof(h)), BGP_HEADER_LEN);
		uint8_t type;
		uint16_t len;
		struct bgp_disp d = bgp_header_check(h, &type, &len);
		if (d.kind != c->kind || d.code != c->code || d.sub != c->sub ||
		    d.data_len != c->data_len)
			fail_msg("%s: got %d %u/%u len %u", c->name, d.kind, d.code,
				 d.sub, d.data_len);
	}
}

static void test_open_roundtrip(void **state)
{
	struct bgp_open o = { .version = 4, .my_as = BGP_AS_TRANS, .hold_time = 90,
			      .bgp_id = 0x0a000001, .cap_as4 = true, .as4 = 4200000000u,
			      .cap_rr = true, .af_v4 = true, .af_v6 = true,
			      .cap_mp = true, .cap_gr = true, .gr_time = 120 };
	o.gr_af[0] = true;
	o.gr_af_flags[0] = 0x80;
	uint8_t buf[256];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	assert_true(bgp_open_encode(&w, &o));
	uint8_t type;
	uint16_t len;
	assert_int_equal(bgp_header_check(buf, &type, &len).kind, BGP_OK);
	assert_int_equal(type, BGP_MSG_OPEN);
	assert_int_equal(len, wr_len(&w));
	struct rd r;
	rd_init(&r, buf + BGP_HEADER_LEN, len - BGP_HEADER_LEN);
	struct bgp_open d;
	assert_int_equal(bgp_open_decode(&r, &d).kind, BGP_OK);
	assert_int_equal(d.my_as, BGP_AS_TRANS);
	assert_int_equal(d.as4, 4200000000u);
	assert_true(d.cap_as4 && d.cap_rr && d.af_v4 && d.af_v6 && d.cap_gr);
	assert_int_equal(d.gr_time, 120);
	assert_true(d.gr_af[0]);
	assert_int_equal(d.gr_af_flags[0], 0x80);
	assert_int_equal(d.hold_time, 90);
	assert_int_equal(d.bgp_id, 0x0a000001);
	assert_false(d.cap_ext_msg);
}

struct open_case {
	const char *name;
	const char *body;
	enum bgp_disp_kind kind;
	uint8_t code, sub;
};

static const struct open_case open_cases[] = {
	{ "no params", "04 fde9 005a 0a000001 00", BGP_OK, 0, 0 },
	{ "version 3", "03 fde9 005a 0a000001 00", BGP_RESET, 2, 1 },
	{ "hold 1", "04 fde9 0001 0a000001 00", BGP_RESET, 2, 6 },
	{ "hold 2", "04 fde9 0002 0a000001 00", BGP_RESET, 2, 6 },
	{ "hold 0 ok", "04 fde9 0000 0a000001 00", BGP_OK, 0, 0 },
	{ "id zero", "04 fde9 005a 00000000 00", BGP_RESET, 2, 3 },
	{ "param type 1", "04 fde9 005a 0a000001 03 01 01 00", BGP_RESET, 2, 4 },
	{ "param overrun", "04 fde9 005a 0a000001 04 02 05 0100", BGP_RESET, 2, 0 },
	{ "param len past body", "04 fde9 005a 0a000001 08 02 02 0200", BGP_RESET, 2, 0 },
	{ "cap overrun", "04 fde9 005a 0a000001 04 02 02 4104", BGP_RESET, 2, 0 },
	{ "unknown cap ignored", "04 fde9 005a 0a000001 05 02 03 990100", BGP_OK, 0, 0 },
	{ "ext msg cap noted", "04 fde9 005a 0a000001 04 02 02 0600", BGP_OK, 0, 0 },
	{ "as4 zero", "04 5ba0 005a 0a000001 08 02 06 410400000000", BGP_RESET, 2, 2 },
	{ "truncated", "04 fde9 005a 0a00", BGP_RESET, 1, 2 },
	{ "trailing junk", "04 fde9 005a 0a000001 00 00", BGP_RESET, 2, 0 },
};

static void test_open_table(void **state)
{
	for (size_t i = 0; i < sizeof(open_cases) / sizeof(open_cases[0]); i++) {
		const struct open_case *c = &open_cases[i];
		uint8_t b[128];
		size_t n = tu_hex(c->body, b, sizeof(b));
		struct rd r;
		rd_init(&r, b, n);
		struct bgp_open o;
		struct bgp_disp d = bgp_open_decode(&r, &o);
		if (d.kind != c->kind || d.code != c->code || d.sub != c->sub)
			fail_msg("%s: got %d %u/%u", c->name, d.kind, d.code, d.sub);
	}
}

static void test_open_unknown_and_mp(void **state)
{
	uint8_t b[64];
	size_t n = tu_hex("04 fde9 005a 0a000001 0c 02 0a 9900 0104 00020001 0200", b,
			  sizeof(b));
	struct rd r;
	rd_init(&r, b, n);
	struct bgp_open o;
	assert_int_equal(bgp_open_decode(&r, &o).kind, BGP_OK);
	assert_int_equal(o.n_unknown_caps, 1);
	assert_true(o.af_v6);
	assert_false(o.af_v4); /* MP present: IPv4 only if announced */
	assert_true(o.cap_rr);
}

static void test_notification(void **state)
{
	uint8_t comm[256];
	size_t cl = bgp_shutdown_comm_encode("maintenance until 18:00", comm);
	assert_int_equal(cl, 24);
	uint8_t buf[512];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	assert_true(bgp_notif_encode(&w, 6, 2, comm, cl));
	struct rd r;
	rd_init(&r, buf + BGP_HEADER_LEN, wr_len(&w) - BGP_HEADER_LEN);
	struct bgp_notif n;
	assert_true(bgp_notif_decode(&r, &n));
	char text[300];
	bgp_notif_format(&n, text, sizeof(text));
	assert_string_equal(text, "Cease/Administrative Shutdown (6/2): \"maintenance until 18:00\"");

	uint8_t mp[7] = { 0, 1, 1, 0, 0, 0, 0x64 };
	struct bgp_notif m = { 6, 1, 7, mp };
	bgp_notif_format(&m, text, sizeof(text));
	assert_string_equal(text, "Cease/Maximum Number of Prefixes Reached (6/1): afi 1 safi 1 limit 100");
	struct bgp_notif h = { 4, 0, 0, NULL };
	bgp_notif_format(&h, text, sizeof(text));
	assert_string_equal(text, "Hold Timer Expired/Unspecific (4/0)");
	uint8_t bad[3] = { 200, 'a', 'b' }; /* length beyond data: shown as hex */
	struct bgp_notif s = { 6, 2, 3, bad };
	bgp_notif_format(&s, text, sizeof(text));
	assert_string_equal(text, "Cease/Administrative Shutdown (6/2) data c86162");
	/* 300 octets of text are cut to 255 */
	char longtext[301];
	memset(longtext, 'x', 300);
	longtext[300] = 0;
	assert_int_equal(bgp_shutdown_comm_encode(longtext, comm), 256);
	assert_int_equal(comm[0], 255);
}

static void test_refresh_keepalive(void **state)
{
	uint8_t buf[64];
	struct wr w;
	wr_init(&w, buf, sizeof(buf));
	assert_true(bgp_refresh_encode(&w, 2, 1));
	assert_int_equal(wr_len(&w), 23);
	struct rd r;
	rd_init(&r, buf + 19, 4);
	uint16_t afi;
	uint8_t safi;
	assert_int_equal(bgp_refresh_decode(&r, &afi, &safi).kind, BGP_OK);
	assert_int_equal(afi, 2);
	assert_int_equal(safi, 1);
	rd_init(&r, buf + 19, 3);
	struct bgp_disp d = bgp_refresh_decode(&r, &afi, &safi);
	assert_int_equal(d.kind, BGP_RESET);
	assert_int_equal(d.code, 7);
	assert_int_equal(d.sub, 1);
	wr_init(&w, buf, sizeof(buf));
	assert_true(bgp_keepalive_encode(&w));
	assert_int_equal(wr_len(&w), 19);
}

static void test_names(void **state)
{
	assert_string_equal(bgp_msg_name(5), "ROUTE-REFRESH");
	assert_string_equal(bgp_err_name(6), "Cease");
	assert_string_equal(bgp_suberr_name(3, 11), "Malformed AS_PATH");
	assert_string_equal(bgp_suberr_name(6, 7), "Connection Collision Resolution");
	assert_string_equal(bgp_attr_name(17), "AS4_PATH");
	assert_string_equal(bgp_cap_name(65), "4-octet-as");
	assert_string_equal(bgp_suberr_name(9, 9), "Unknown Subcode");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_table),
		cmocka_unit_test(test_open_roundtrip),
		cmocka_unit_test(test_open_table),
		cmocka_unit_test(test_open_unknown_and_mp),
		cmocka_unit_test(test_notification),
		cmocka_unit_test(test_refresh_keepalive),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
