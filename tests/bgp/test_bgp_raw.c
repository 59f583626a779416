/*
 * Raw BGP bytes at a speaker over loopback TCP:
 *
 *   raw client 127.0.0.4 (AS65001)  --->  speaker 127.0.0.1 AS65000 (passive peer)
 *   raw client 127.0.0.5 (AS65001, no 4-octet AS) ---> speaker2 127.0.0.6 AS4200000001
 *   raw client 127.0.0.7 (AS65001) ---> speaker 127.0.0.1, max-prefix 100 (cease)
 *
 * Each malformed case asserts the exact NOTIFICATION (code, subcode, data)
 * and then that the speaker lives on and accepts the next session.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/bgp_priv.h"
#include "testutil.h"

#define CAPS_AS4 "0104 00010001 0200 4104 0000fde9"
#define CAPS_2OCTET "0104 00010001 0200"

struct world {
	struct clock clk;
	struct loop *loop;
	uint16_t port;
	struct bgp *s, *s4;
};

static int setup(void **state)
{
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.clk = clock_system;
	w.loop = loop_new(&w.clk);
	w.port = tu_free_port();
	struct bgp_config cfg = { .asn = 65000, .port = w.port, .n_listen = 1 };
	cfg.router_id = tu_addr("1.1.1.1");
	cfg.listen[0] = tu_addr("127.0.0.1");
	w.s = bgp_new(w.loop, &cfg, NULL, NULL);
	cfg.asn = 4200000001u;
	cfg.router_id = tu_addr("6.6.6.6");
	cfg.listen[0] = tu_addr("127.0.0.6");
	w.s4 = bgp_new(w.loop, &cfg, NULL, NULL);
	struct bgp_peer_config pc = { .name = "raw", .remote_as = 65001,
				      .hold_time = 30, .passive = true,
				      .idle_hold_ms = 10, .gr_helper = true };
	pc.remote = tu_addr("127.0.0.4");
	assert_int_equal(bgp_peer_add(w.s, &pc), 0);
	pc.name = "maxpfx";
	pc.remote = tu_addr("127.0.0.7");
	pc.max_prefix.limit = 100;
	pc.max_prefix.restart_s = 0;
	assert_int_equal(bgp_peer_add(w.s, &pc), 0);
	pc.name = "old";
	pc.remote = tu_addr("127.0.0.5");
	pc.max_prefix.limit = 0;
	assert_int_equal(bgp_peer_add(w.s4, &pc), 0);
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	bgp_free(w->s);
	bgp_free(w->s4);
	loop_free(w->loop);
	return 0;
}

/* Connects and reads the speaker's OPEN. */
static int raw_connect(struct world *w, const char *src, const char *dst)
{
	int fd = -1;
	for (int i = 0; i < 50 && fd < 0; i++) {
		fd = tu_connect(w->loop, src, dst, w->port);
		if (fd < 0)
			tu_pump(w->loop, 20);
	}
	assert_true(fd >= 0);
	uint8_t buf[4096];
	int n = tu_read_msg(w->loop, fd, buf, sizeof(buf), 2000);
	if (n <= 0 || buf[18] != BGP_MSG_OPEN) {
		/* the speaker may still be in idle hold: retry once */
		close(fd);
		tu_pump(w->loop, 100);
		fd = tu_connect(w->loop, src, dst, w->port);
		n = tu_read_msg(w->loop, fd, buf, sizeof(buf), 2000);
	}
	assert_true(n > 0);
	assert_int_equal(buf[18], BGP_MSG_OPEN);
	return fd;
}

static int establish(struct world *w, const char *src, const char *dst,
		     const char *caps)
{
	int fd = raw_connect(w, src, dst);
	uint8_t m[512];
	size_t n = tu_open(m, 65001, 30, 0x04040404, caps);
	assert_true(tu_send(fd, m, n));
	n = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, m);
	assert_true(tu_send(fd, m, n));
	uint8_t buf[4096];
	assert_true(tu_wait_type(w->loop, fd, BGP_MSG_KEEPALIVE, buf, sizeof(buf), 2000) > 0);
	tu_pump(w->loop, 20);
	return fd;
}

/* Reads until a NOTIFICATION; checks code/sub/data and that the speaker
 * then closes the connection. */
static void expect_notification(struct world *w, int fd, const char *name,
				uint8_t code, uint8_t sub, const char *data_hex)
{
	uint8_t buf[4096];
	int n = tu_wait_type(w->loop, fd, BGP_MSG_NOTIFICATION, buf, sizeof(buf), 3000);
	if (n <= 0)
		fail_msg("%s: no NOTIFICATION (%d)", name, n);
	if (buf[19] != code || buf[20] != sub)
		fail_msg("%s: got %u/%u, want %u/%u", name, buf[19], buf[20], code, sub);
	if (data_hex != NULL) {
		uint8_t want[64];
		size_t wl = tu_hex(data_hex, want, sizeof(want));
		if ((size_t)n - 21 != wl || memcmp(buf + 21, want, wl) != 0)
			fail_msg("%s: data differs (len %d)", name, n - 21);
	}
	assert_int_equal(tu_read_msg(w->loop, fd, buf, sizeof(buf), 2000), 0);
	close(fd);
}

struct raw_case {
	const char *name;
	bool established; /* send after the session is up, else instead of OPEN */
	const char *msg;  /* complete message, hex */
	uint8_t code, sub;
	const char *data;  /* expected data, NULL = not checked */
	bool fix;          /* patch the header length to the real size */
};

#define MK "ffffffffffffffffffffffffffffffff"
static const struct raw_case cases[] = {
	{ "bad marker", false, "ffffffffffffffffffffffffffffff00 0013 04", 1, 1, "", false },
	{ "length 18", false, MK "0012 04", 1, 2, "0012", false },
	{ "length 5000", false, MK "1388 02", 1, 2, "1388", false },
	{ "type 9", false, MK "0013 09", 1, 3, "09", false },
	{ "truncated OPEN", false, MK "0019 01 04fde9001e04040404", 1, 2, "0019", false },
	{ "version 3", false, MK "001d 01 03fde9001e0404040400", 2, 1, "0004", false },
	{ "bad peer AS", false, MK "001d 01 04fdea001e0404040400", 2, 2, "", false },
	{ "hold time 2", false, MK "001d 01 04fde900020404040400", 2, 6, "", false },
	{ "bgp id 0", false, MK "001d 01 04fde9001e0000000000", 2, 3, "", false },
	{ "opt param type 1", false, MK "0020 01 04fde9001e0404040403 010100", 2, 4, "", false },
	{ "opt param overrun", false, MK "0021 01 04fde9001e0404040404 0205 0100", 2, 0, "", false },
	{ "cap overrun", false, MK "0021 01 04fde9001e0404040404 0202 4104", 2, 0, "", false },
	{ "4-octet AS mismatch", false, MK "0025 01 04fde9001e0404040408 0206 41040000fdea", 2, 2, "", false },
	{ "KEEPALIVE in OpenSent", false, MK "0013 04", 5, 1, "04", false },
	{ "UPDATE in OpenSent", false, MK "0017 02 00000000", 5, 1, "02", false },
	{ "withdrawn overrun", true, MK "0017 02 00100000", 3, 1, "" , true },
	{ "attr length overrun", true, MK "001b 02 0000 0020 40010100", 3, 1, "" , true },
	{ "unknown well-known", true, MK "0028 02 0000 0011 40010100 4002060201 0000fde9 40630100 180a0102", 3, 2, "40630100" , true },
	{ "bad NLRI", true, MK "0033 02 0000 0014 40010100 4002060201 0000fde9 4003040a000001 210a0102ff", 3, 10, "" , true },
	{ "duplicate MP_REACH", true, MK "0047 02 0000 0030 800e15 0002 01 10 20010db8000000000000000000000001 00 800e15 0002 01 10 20010db8000000000000000000000001 00", 3, 1, "" , true },
	{ "OPEN in Established", true, MK "001d 01 04fde9001e0404040400", 5, 3, "01" , true },
	{ "ROUTE-REFRESH length 24", true, MK "0018 05 0001000100", 7, 1, MK "0018 05 0001000100", false },
	{ "KEEPALIVE length 20", true, MK "0014 04 00", 1, 2, "0014", false },
};

static void test_malformed_table(void **state)
{
	struct world *w = *state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct raw_case *c = &cases[i];
		int fd = c->established ? establish(w, "127.0.0.4", "127.0.0.1", CAPS_AS4)
					: raw_connect(w, "127.0.0.4", "127.0.0.1");
		uint8_t m[512];
		size_t n = tu_hex(c->msg, m, sizeof(m));
		if (c->fix) {
			m[16] = (uint8_t)(n >> 8);
			m[17] = (uint8_t)n;
		}
		assert_true(tu_send(fd, m, n));
		expect_notification(w, fd, c->name, c->code, c->sub, c->data);
	}
	/* and the speaker still accepts a good session */
	int fd = establish(w, "127.0.0.4", "127.0.0.1", CAPS_AS4);
	assert_int_equal(bgp_peer_state(w->s, "raw"), BGP_ESTABLISHED);
	close(fd);
	tu_pump(w->loop, 50);
}

struct wait_pfx {
	struct bgp *bgp;
	struct ip_prefix p;
};

static bool has_pfx(void *arg)
{
	struct wait_pfx *wp = arg;
	struct bgp_rnode *rn = bgp_rib_find(&wp->bgp->rib, &wp->p);
	return rn != NULL && rn->paths != NULL;
}

static bool present(struct world *w, struct bgp *b, const char *pfx, int ms)
{
	struct wait_pfx wp = { b, tu_prefix(pfx) };
	return tu_pump_until(w->loop, has_pfx, &wp, ms);
}

static void send_hex(int fd, const char *hex)
{
	uint8_t m[4096];
	size_t n = tu_hex(hex, m, sizeof(m));
	assert_true(tu_send(fd, m, n));
}

/* UPDATE with the given attributes and NLRI; lengths computed. */
static void send_update(int fd, const char *attrs, const char *nlri)
{
	uint8_t a[2048], nl[2048], body[4096], m[4096];
	size_t al = tu_hex(attrs, a, sizeof(a));
	size_t nn = tu_hex(nlri, nl, sizeof(nl));
	body[0] = body[1] = 0;
	body[2] = (uint8_t)(al >> 8);
	body[3] = (uint8_t)al;
	memcpy(body + 4, a, al);
	memcpy(body + 4 + al, nl, nn);
	size_t n = tu_msg(BGP_MSG_UPDATE, body, 4 + al + nn, m);
	assert_true(tu_send(fd, m, n));
}

/* Non-fatal errors: the session stays up. */
static void test_rfc7606_session_survives(void **state)
{
	struct world *w = *state;
	/* unknown capability 0x99 is ignored */
	int fd = establish(w, "127.0.0.4", "127.0.0.1", CAPS_AS4 " 9902abcd");
	struct bgp_peer *p = bgp_peer_by_name(w->s, "raw");
	/* valid route with a bad ATOMIC_AGGREGATE: attribute discarded */
	send_update(fd, "40010100 4002060201 0000fde9 4003040a000001 40060100", "180a0102");
	assert_true(present(w, w->s, "10.1.2.0/24", 2000));
	assert_int_equal(p->st.attr_discarded, 1);
	/* same prefix with ORIGIN 3: treat-as-withdraw removes it */
	send_update(fd, "40010103 4002060201 0000fde9 4003040a000001", "180a0102");
	tu_pump(w->loop, 100);
	assert_false(present(w, w->s, "10.1.2.0/24", 10));
	assert_int_equal(p->st.treat_as_withdraw, 1);
	/* AS_PATH loop (own AS 65000) is dropped silently */
	send_update(fd, "40010100 40020a0202 0000fde9 0000fde8 4003040a000001", "180a0103");
	tu_pump(w->loop, 100);
	assert_false(present(w, w->s, "10.1.3.0/24", 10));
	assert_int_equal(bgp_peer_state(w->s, "raw"), BGP_ESTABLISHED);
	/* End-of-RIB is understood, session stays up */
	send_hex(fd, MK "0017 02 00000000");
	tu_pump(w->loop, 50);
	assert_int_equal(bgp_peer_state(w->s, "raw"), BGP_ESTABLISHED);
	close(fd);
	tu_pump(w->loop, 50);
}

/* RFC 4486: past 100 prefixes: Cease/1 with AFI 1 SAFI 1 limit 100. */
static void test_max_prefix_data(void **state)
{
	struct world *w = *state;
	int fd = establish(w, "127.0.0.7", "127.0.0.1", CAPS_AS4);
	char hex[4096];
	int k = snprintf(hex, sizeof(hex), MK "%04x 02 0000 0014 40010100 4002060201 0000fde9 4003040a000001",
			 19 + 4 + 20 + 101 * 4);
	for (int i = 0; i < 101; i++)
		k += snprintf(hex + k, sizeof(hex) - (size_t)k, " 180a%02x%02x", i / 256, i % 256);
	send_hex(fd, hex);
	expect_notification(w, fd, "max-prefix", 6, 1, "0001 01 00000064");
	assert_int_equal(bgp_peer_state(w->s, "maxpfx"), BGP_IDLE);
	struct bgp_peer *p = bgp_peer_by_name(w->s, "maxpfx");
	assert_true(p->maxpfx_down);
	assert_int_equal(w->s->rib.src[p->slot].n_paths, 0);
}

/* 4-octet speaker and a 2-octet raw peer: AS_TRANS + AS4_PATH both ways. */
static void test_as_trans(void **state)
{
	struct world *w = *state;
	int fd = raw_connect(w, "127.0.0.5", "127.0.0.6");
	/* speaker OPEN said My AS = AS_TRANS (checked via a fresh read below) */
	uint8_t m[512];
	size_t n = tu_open(m, 65001, 30, 0x05050505, CAPS_2OCTET);
	assert_true(tu_send(fd, m, n));
	n = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, m);
	assert_true(tu_send(fd, m, n));
	uint8_t buf[4096];
	assert_true(tu_wait_type(w->loop, fd, BGP_MSG_KEEPALIVE, buf, sizeof(buf), 2000) > 0);
	struct ip_prefix p = tu_prefix("10.9.0.0/16");
	assert_int_equal(bgp_originate(w->s4, &p), 0);
	int len = tu_wait_type(w->loop, fd, BGP_MSG_UPDATE, buf, sizeof(buf), 2000);
	assert_true(len > 23);
	uint8_t want[64];
	size_t wl = tu_hex("40020402015ba0", want, sizeof(want)); /* AS_PATH [23456] */
	assert_non_null(memmem(buf, (size_t)len, want, wl));
	wl = tu_hex("c011060201fa56ea01", want, sizeof(want)); /* AS4_PATH [4200000001] */
	assert_non_null(memmem(buf, (size_t)len, want, wl));
	/* peer -> speaker: AS_PATH [65001 23456] + AS4_PATH [4200000002] */
	send_update(fd, "40010100 40020602 02fde9 5ba0 400304 7f000005 c01106 0201 fa56ea02", "100b0c");
	assert_true(present(w, w->s4, "11.12.0.0/16", 2000));
	struct ip_prefix q = tu_prefix("11.12.0.0/16");
	struct bgp_rnode *rn = bgp_rib_find(&w->s4->rib, &q);
	char text[128];
	bgp_aspath_format(rn->paths->attrs, text, sizeof(text));
	assert_string_equal(text, "65001 4200000002");
	close(fd);
	tu_pump(w->loop, 50);
}

/* RFC 4724 helper with a peer that preserves IPv4 forwarding (GR
 * capability lists AFI 1/SAFI 1 with the F bit): a TCP loss keeps its
 * routes stale; after it is back, End-of-RIB removes what it did not
 * re-advertise. */
#define CAPS_GR CAPS_AS4 " 4006 0078 0001 01 80"
static void test_graceful_restart_helper(void **state)
{
	struct world *w = *state;
	int fd = establish(w, "127.0.0.4", "127.0.0.1", CAPS_GR);
	struct bgp_peer *p = bgp_peer_by_name(w->s, "raw");
	assert_int_equal(p->peer_gr_afs, 1);
	send_update(fd, "40010100 4002060201 0000fde9 4003040a000001", "180a0102 180a0103");
	assert_true(present(w, w->s, "10.1.3.0/24", 2000));
	close(fd); /* no NOTIFICATION: a restart */
	tu_pump(w->loop, 50);
	assert_true(p->gr_stale);
	assert_true(present(w, w->s, "10.1.2.0/24", 10));
	assert_true(present(w, w->s, "10.1.3.0/24", 10));
	struct ip_prefix x = tu_prefix("10.1.2.0/24");
	assert_true(bgp_rib_find(&w->s->rib, &x)->paths->flags & BGP_RP_STALE);
	fd = establish(w, "127.0.0.4", "127.0.0.1", CAPS_GR);
	assert_true(p->gr_stale); /* until End-of-RIB */
	send_update(fd, "40010100 4002060201 0000fde9 4003040a000001", "180a0102");
	send_hex(fd, MK "0017 02 00000000");
	tu_pump(w->loop, 100);
	assert_false(p->gr_stale);
	assert_true(present(w, w->s, "10.1.2.0/24", 10));
	assert_false(present(w, w->s, "10.1.3.0/24", 10));
	assert_false(bgp_rib_find(&w->s->rib, &x)->paths->flags & BGP_RP_STALE);
	/* a NOTIFICATION ends it without retention */
	send_hex(fd, MK "0015 03 0602");
	tu_pump(w->loop, 100);
	assert_false(present(w, w->s, "10.1.2.0/24", 10));
	close(fd);
	tu_pump(w->loop, 50);
}

int main(void)
{
	vlog_init("test", getenv("BGP_DEBUG") ? VLOG_DEBUG : VLOG_WARN, false);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_rfc7606_session_survives),
		cmocka_unit_test(test_max_prefix_data),
		cmocka_unit_test(test_as_trans),
		cmocka_unit_test(test_graceful_restart_helper),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
