/*
 * FSM and timers with the fake clock (real loopback sockets, hand-stepped
 * time): hold timer expiry, keepalive schedule, OpenSent hold, connection
 * collision resolution in both directions.
 *
 *   raw client 127.0.0.8 ---> speaker 127.0.0.1 AS65000 (passive peer "p")
 *   speaker ---> raw listener 127.0.0.9:port2 (active peer "c"), and
 *   raw 127.0.0.9 ---> speaker: two connections, one collision.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/bgp.h"
#include "bgp/bgp_priv.h"
#include "testutil.h"

#define CAPS "0104 00010001 0200 4104 0000fde9"

struct world {
	struct clock clk;
	struct loop *loop;
	uint16_t port;
	struct bgp *s;
};

static int setup(void **state)
{
	static struct world w;
	memset(&w, 0, sizeof(w));
	clock_fake_init(&w.clk, 1000 * VTIME_NS_PER_S);
	w.loop = loop_new(&w.clk);
	w.port = tu_free_port();
	struct bgp_config cfg = { .asn = 65000, .port = w.port, .n_listen = 1 };
	cfg.router_id = tu_addr("1.1.1.1");
	cfg.listen[0] = tu_addr("127.0.0.1");
	w.s = bgp_new(w.loop, &cfg, NULL, NULL);
	assert_non_null(w.s);
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	bgp_free(w->s);
	loop_free(w->loop);
	return 0;
}

static void add_passive(struct world *w, const char *name, uint16_t hold,
			uint16_t keepalive)
{
	struct bgp_peer_config pc = { .name = name, .remote_as = 65001,
				      .hold_time = hold, .keepalive = keepalive,
				      .passive = true, .idle_hold_ms = 10 };
	pc.remote = tu_addr("127.0.0.8");
	assert_int_equal(bgp_peer_add(w->s, &pc), 0);
}

static void advance(struct world *w, int64_t ms)
{
	/* step in 100 ms slices so timers fire in order */
	for (int64_t t = 0; t < ms; t += 100) {
		clock_fake_advance(&w->clk, 100 * VTIME_NS_PER_MS);
		loop_run_once(w->loop, 0);
	}
	tu_pump(w->loop, 10);
}

static int open_session(struct world *w, uint16_t hold)
{
	int fd = tu_connect(w->loop, "127.0.0.8", "127.0.0.1", w->port);
	assert_true(fd >= 0);
	uint8_t buf[4096];
	assert_int_equal(tu_wait_type(w->loop, fd, BGP_MSG_OPEN, buf, sizeof(buf), 2000) > 0, 1);
	uint8_t m[256];
	size_t n = tu_open(m, 65001, hold, 0x08080808, CAPS);
	tu_send(fd, m, n);
	n = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, m);
	tu_send(fd, m, n);
	assert_true(tu_wait_type(w->loop, fd, BGP_MSG_KEEPALIVE, buf, sizeof(buf), 2000) > 0);
	tu_pump(w->loop, 20);
	return fd;
}

/* Counts messages of type available now (non-blocking drain). */
static int count_type(struct world *w, int fd, uint8_t type)
{
	uint8_t buf[4096];
	int n = 0, len;
	while ((len = tu_read_msg(w->loop, fd, buf, sizeof(buf), 50)) > 0) {
		if (buf[18] == type)
			n++;
	}
	return n;
}

static void test_hold_expiry_and_keepalives(void **state)
{
	struct world *w = *state;
	add_passive(w, "p", 30, 0);
	int fd = open_session(w, 9);
	struct bgp_peer *p = bgp_peer_by_name(w->s, "p");
	assert_int_equal(p->state, BGP_ESTABLISHED);
	assert_int_equal(p->hold, 9);      /* min(30, 9) */
	assert_int_equal(p->keepalive, 3); /* hold / 3 */
	count_type(w, fd, BGP_MSG_KEEPALIVE);
	advance(w, 3000);
	assert_int_equal(count_type(w, fd, BGP_MSG_KEEPALIVE), 1);
	advance(w, 3000);
	assert_int_equal(count_type(w, fd, BGP_MSG_KEEPALIVE), 1);
	/* nothing from us for 9 s: Hold Timer Expired */
	advance(w, 3100);
	uint8_t buf[4096];
	int n = tu_wait_type(w->loop, fd, BGP_MSG_NOTIFICATION, buf, sizeof(buf), 1000);
	assert_true(n >= 21);
	assert_int_equal(buf[19], BGP_ERR_HOLD);
	assert_int_equal(buf[20], 0);
	assert_int_not_equal(p->state, BGP_ESTABLISHED); /* Idle, then Active */
	close(fd);
	bgp_peer_remove(w->s, "p");
}

static void test_keepalive_configured(void **state)
{
	struct world *w = *state;
	add_passive(w, "p", 30, 5);
	int fd = open_session(w, 90);
	struct bgp_peer *p = bgp_peer_by_name(w->s, "p");
	assert_int_equal(p->hold, 30);
	assert_int_equal(p->keepalive, 5);
	count_type(w, fd, BGP_MSG_KEEPALIVE);
	uint8_t ka[19];
	size_t kl = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, ka);
	int total = 0;
	for (int i = 0; i < 4; i++) {
		advance(w, 5000);
		tu_send(fd, ka, kl); /* keep our side alive */
		total += count_type(w, fd, BGP_MSG_KEEPALIVE);
	}
	assert_int_equal(total, 4);
	assert_int_equal(p->state, BGP_ESTABLISHED);
	close(fd);
	bgp_peer_remove(w->s, "p");
}

static void test_keepalive_capped(void **state)
{
	struct world *w = *state;
	add_passive(w, "p", 30, 20); /* 20 > 30/3: capped at 10 */
	int fd = open_session(w, 30);
	assert_int_equal(bgp_peer_by_name(w->s, "p")->keepalive, 10);
	close(fd);
	tu_pump(w->loop, 20);
	bgp_peer_remove(w->s, "p");
}

static void test_hold_zero(void **state)
{
	struct world *w = *state;
	add_passive(w, "p", 30, 0);
	int fd = open_session(w, 0);
	struct bgp_peer *p = bgp_peer_by_name(w->s, "p");
	assert_int_equal(p->hold, 0);
	count_type(w, fd, BGP_MSG_KEEPALIVE);
	advance(w, 600000);
	assert_int_equal(count_type(w, fd, BGP_MSG_KEEPALIVE), 0);
	assert_int_equal(p->state, BGP_ESTABLISHED);
	close(fd);
	tu_pump(w->loop, 20);
	bgp_peer_remove(w->s, "p");
}

static void test_opensent_hold(void **state)
{
	struct world *w = *state;
	add_passive(w, "p", 30, 0);
	int fd = tu_connect(w->loop, "127.0.0.8", "127.0.0.1", w->port);
	uint8_t buf[4096];
	assert_true(tu_wait_type(w->loop, fd, BGP_MSG_OPEN, buf, sizeof(buf), 2000) > 0);
	advance(w, 239000);
	assert_int_equal(bgp_peer_state(w->s, "p"), BGP_OPENSENT);
	advance(w, 1100);
	int n = tu_wait_type(w->loop, fd, BGP_MSG_NOTIFICATION, buf, sizeof(buf), 1000);
	assert_true(n >= 21);
	assert_int_equal(buf[19], BGP_ERR_HOLD);
	close(fd);
	bgp_peer_remove(w->s, "p");
}

static int listen_on(const char *addr, uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	inet_pton(AF_INET, addr, &sa.sin_addr);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	listen(fd, 4);
	socklen_t sl = sizeof(sa);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

/* Speaker connects out and we connect in: two connections. The survivor
 * is the one initiated by the higher BGP Identifier (RFC 4271 6.8). */
static void collision(struct world *w, uint32_t raw_id, bool expect_incoming_kept)
{
	uint16_t lport;
	int lfd = listen_on("127.0.0.9", &lport);
	struct bgp_peer_config pc = { .name = "c", .remote_as = 65001, .hold_time = 30,
				      .port = lport, .idle_hold_ms = 10 };
	pc.remote = tu_addr("127.0.0.9");
	assert_int_equal(bgp_peer_add(w->s, &pc), 0);
	int out = -1;
	for (int i = 0; i < 200 && out < 0; i++) {
		loop_run_once(w->loop, 5);
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		out = accept4(lfd, (struct sockaddr *)&sa, &sl, SOCK_NONBLOCK);
	}
	assert_true(out >= 0); /* speaker-initiated connection */
	uint8_t buf[4096];
	assert_true(tu_wait_type(w->loop, out, BGP_MSG_OPEN, buf, sizeof(buf), 2000) > 0);
	int in = tu_connect(w->loop, "127.0.0.9", "127.0.0.1", w->port);
	assert_true(in >= 0); /* our connection to the speaker */
	assert_true(tu_wait_type(w->loop, in, BGP_MSG_OPEN, buf, sizeof(buf), 2000) > 0);
	uint8_t m[256];
	size_t n = tu_open(m, 65001, 30, raw_id, CAPS);
	tu_send(out, m, n);
	tu_send(in, m, n);
	int keep = expect_incoming_kept ? in : out;
	int lose = expect_incoming_kept ? out : in;
	int k = tu_wait_type(w->loop, lose, BGP_MSG_NOTIFICATION, buf, sizeof(buf), 2000);
	assert_true(k >= 21);
	assert_int_equal(buf[19], BGP_ERR_CEASE);
	assert_int_equal(buf[20], BGP_SUB_CEASE_COLLISION);
	assert_true(tu_wait_type(w->loop, keep, BGP_MSG_KEEPALIVE, buf, sizeof(buf), 2000) > 0);
	n = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, m);
	tu_send(keep, m, n);
	tu_pump(w->loop, 50);
	assert_int_equal(bgp_peer_state(w->s, "c"), BGP_ESTABLISHED);
	close(in);
	close(out);
	close(lfd);
	tu_pump(w->loop, 20);
	bgp_peer_remove(w->s, "c");
}

static void test_collision_remote_higher(void **state)
{
	collision(*state, 0x09090909, true);
}

static void test_collision_local_higher(void **state)
{
	collision(*state, 0x00000001, false);
}

/* MRAI: after an UPDATE burst, the next waits for the interval. */
static void test_mrai(void **state)
{
	struct world *w = *state;
	uint16_t port = tu_free_port();
	struct bgp_config cfg = { .asn = 65000, .port = port, .n_listen = 1,
				  .mrai_ms = 5000 };
	cfg.router_id = tu_addr("1.1.1.2");
	cfg.listen[0] = tu_addr("127.0.0.12");
	struct bgp *s2 = bgp_new(w->loop, &cfg, NULL, NULL);
	assert_non_null(s2);
	struct bgp_peer_config pc = { .name = "m", .remote_as = 65001, .hold_time = 90,
				      .passive = true };
	pc.remote = tu_addr("127.0.0.13");
	assert_int_equal(bgp_peer_add(s2, &pc), 0);
	int fd = tu_connect(w->loop, "127.0.0.13", "127.0.0.12", port);
	uint8_t buf[4096], m[256];
	assert_true(tu_wait_type(w->loop, fd, BGP_MSG_OPEN, buf, sizeof(buf), 2000) > 0);
	size_t n = tu_open(m, 65001, 90, 0x0d0d0d0d, CAPS);
	tu_send(fd, m, n);
	n = tu_msg(BGP_MSG_KEEPALIVE, NULL, 0, m);
	tu_send(fd, m, n);
	assert_true(tu_wait_type(w->loop, fd, BGP_MSG_KEEPALIVE, buf, sizeof(buf), 2000) > 0);
	tu_pump(w->loop, 20);
	advance(w, 6000); /* let the MRAI of the (empty) initial dump pass */
	count_type(w, fd, BGP_MSG_UPDATE);
	struct ip_prefix p1 = tu_prefix("10.60.0.0/16"), p2 = tu_prefix("10.61.0.0/16");
	bgp_originate(s2, &p1);
	assert_int_equal(count_type(w, fd, BGP_MSG_UPDATE), 1);
	bgp_originate(s2, &p2);
	assert_int_equal(count_type(w, fd, BGP_MSG_UPDATE), 0); /* held back */
	advance(w, 5100);
	assert_int_equal(count_type(w, fd, BGP_MSG_UPDATE), 1);
	close(fd);
	bgp_free(s2);
}

/* Max-prefix cease with a restart timer: refused while down, back after. */
static void test_max_prefix_restart(void **state)
{
	struct world *w = *state;
	struct bgp_peer_config pc = { .name = "p", .remote_as = 65001, .hold_time = 90,
				      .passive = true, .idle_hold_ms = 10 };
	pc.remote = tu_addr("127.0.0.8");
	pc.max_prefix.limit = 1;
	pc.max_prefix.restart_s = 60;
	assert_int_equal(bgp_peer_add(w->s, &pc), 0);
	int fd = open_session(w, 90);
	uint8_t m[128], b[64];
	size_t bl = tu_hex("0000 0014 40010100 4002060201 0000fde9 4003040a000001 180a0102 180a0103",
			   b, sizeof(b));
	size_t n = tu_msg(BGP_MSG_UPDATE, b, bl, m);
	tu_send(fd, m, n);
	uint8_t buf[4096];
	int k = tu_wait_type(w->loop, fd, BGP_MSG_NOTIFICATION, buf, sizeof(buf), 2000);
	assert_true(k == 28);
	assert_int_equal(buf[20], BGP_SUB_CEASE_MAX_PREFIX);
	close(fd);
	advance(w, 59000);
	assert_int_equal(bgp_peer_state(w->s, "p"), BGP_IDLE);
	fd = tu_connect(w->loop, "127.0.0.8", "127.0.0.1", w->port);
	assert_int_equal(tu_read_msg(w->loop, fd, buf, sizeof(buf), 200), 0); /* refused */
	close(fd);
	advance(w, 1100);
	assert_int_equal(bgp_peer_state(w->s, "p"), BGP_ACTIVE);
	fd = open_session(w, 90);
	assert_int_equal(bgp_peer_state(w->s, "p"), BGP_ESTABLISHED);
	close(fd);
	tu_pump(w->loop, 20);
}

static int remove_peers(void **state)
{
	struct world *w = *state;
	bgp_peer_remove(w->s, "p");
	bgp_peer_remove(w->s, "c");
	return 0;
}

int main(void)
{
	vlog_init("test", getenv("BGP_DEBUG") ? VLOG_DEBUG : VLOG_WARN, false);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_hold_expiry_and_keepalives, remove_peers),
		cmocka_unit_test_teardown(test_keepalive_configured, remove_peers),
		cmocka_unit_test_teardown(test_keepalive_capped, remove_peers),
		cmocka_unit_test_teardown(test_hold_zero, remove_peers),
		cmocka_unit_test_teardown(test_opensent_hold, remove_peers),
		cmocka_unit_test_teardown(test_collision_remote_higher, remove_peers),
		cmocka_unit_test_teardown(test_collision_local_higher, remove_peers),
		cmocka_unit_test_teardown(test_mrai, remove_peers),
		cmocka_unit_test_teardown(test_max_prefix_restart, remove_peers),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
