/*
 * Loopback sessions between speakers in one process:
 *
 *   A AS65000 127.0.0.1 ---- eBGP ---- B AS64512 127.0.0.2
 *        |
 *      iBGP
 *        |
 *   C AS65000 127.0.0.3
 *
 * Each speaker listens on its own address, same port. Checks: establish
 * (with connection collision), attributes on the wire (AS_PATH, NEXT_HOP,
 * MED, communities, LOCAL_PREF), withdraw, route refresh, max-prefix cease
 * data, admin shutdown communication, graceful shutdown, iBGP rules.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp/bgp.h"
#include "bgp/bgp_priv.h"
#include "testutil.h"

struct rec {
	int changes;
	struct ip_prefix last;
	size_t last_n;
	struct ip_addr last_nh;
};

struct world {
	struct clock clk;
	struct loop *loop;
	uint16_t port;
	struct bgp *a, *b, *c;
	struct rec ra, rb, rc;
};

static void on_route(void *arg, const struct ip_prefix *p,
		     const struct bgp_nexthop *nh, size_t n)
{
	struct rec *r = arg;
	r->changes++;
	r->last = *p;
	r->last_n = n;
	if (n > 0)
		r->last_nh = nh[0].addr;
}

static struct bgp *speaker(struct world *w, uint32_t asn, const char *addr,
			   const char *id, struct rec *r)
{
	struct bgp_config cfg = { .asn = asn, .port = w->port, .n_listen = 1 };
	cfg.router_id = tu_addr(id);
	cfg.listen[0] = tu_addr(addr);
	struct bgp_hooks h = { .route_changed = on_route };
	return bgp_new(w->loop, &cfg, &h, r);
}

static struct bgp_peer_config peer(const char *name, const char *remote,
				   const char *local, uint32_t as, uint16_t port)
{
	struct bgp_peer_config pc = { .name = name, .remote_as = as, .port = port,
				      .hold_time = 30, .idle_hold_ms = 50,
				      .connect_retry = 1, .gr_helper = true };
	pc.remote = tu_addr(remote);
	pc.local = tu_addr(local);
	return pc;
}

static int setup(void **state)
{
	static struct world w;
	memset(&w, 0, sizeof(w));
	w.clk = clock_system;
	w.loop = loop_new(&w.clk);
	w.port = tu_free_port();
	w.a = speaker(&w, 65000, "127.0.0.1", "1.1.1.1", &w.ra);
	w.b = speaker(&w, 64512, "127.0.0.2", "2.2.2.2", &w.rb);
	w.c = speaker(&w, 65000, "127.0.0.3", "3.3.3.3", &w.rc);
	if (!w.a || !w.b || !w.c)
		return -1;
	*state = &w;
	return 0;
}

static int teardown(void **state)
{
	struct world *w = *state;
	bgp_free(w->a);
	bgp_free(w->b);
	bgp_free(w->c);
	loop_free(w->loop);
	return 0;
}

struct wait_state {
	struct bgp *bgp;
	const char *peer;
	int state;
};

static bool state_is(void *arg)
{
	struct wait_state *ws = arg;
	return bgp_peer_state(ws->bgp, ws->peer) == ws->state;
}

static bool wait_state(struct world *w, struct bgp *bgp, const char *peer,
		       int st, int ms)
{
	struct wait_state ws = { bgp, peer, st };
	return tu_pump_until(w->loop, state_is, &ws, ms);
}

struct wait_route {
	struct bgp *bgp;
	struct ip_prefix p;
	bool present;
};

static bool route_is(void *arg)
{
	struct wait_route *wr = arg;
	return (bgp_rib_find(&wr->bgp->rib, &wr->p) != NULL &&
		bgp_rib_find(&wr->bgp->rib, &wr->p)->paths != NULL) == wr->present;
}

static bool wait_route(struct world *w, struct bgp *bgp, const char *pfx,
		       bool present)
{
	struct wait_route wr = { bgp, tu_prefix(pfx), present };
	return tu_pump_until(w->loop, route_is, &wr, 3000);
}

/* The first path of prefix in bgp's Loc-RIB as JSON (caller puts it). */
static struct json_object *path_of(struct bgp *bgp, const char *pfx)
{
	struct ip_prefix p = tu_prefix(pfx);
	struct bgp_route_filter f = { .prefix = &p };
	struct json_object *arr = bgp_routes_json(bgp, &f);
	assert_int_equal(json_object_array_length(arr), 1);
	struct json_object *paths = json_object_object_get(
		json_object_array_get_idx(arr, 0), "paths");
	struct json_object *p0 = json_object_get(json_object_array_get_idx(paths, 0));
	json_object_put(arr);
	return p0;
}

static const char *jstr(struct json_object *o, const char *k)
{
	return json_object_get_string(json_object_object_get(o, k));
}

static int64_t jint(struct json_object *o, const char *k)
{
	return json_object_get_int64(json_object_object_get(o, k));
}

static void establish_ab(struct world *w, struct bgp_peer_config *pa,
			 struct bgp_peer_config *pb)
{
	assert_int_equal(bgp_peer_add(w->a, pa), 0);
	assert_int_equal(bgp_peer_add(w->b, pb), 0);
	assert_true(wait_state(w, w->a, "b", BGP_ESTABLISHED, 5000));
	assert_true(wait_state(w, w->b, "a", BGP_ESTABLISHED, 5000));
}

static void test_exchange(void **state)
{
	struct world *w = *state;
	uint32_t comm[] = { (65000u << 16) | 100 };
	struct bgp_peer_config pa = peer("b", "127.0.0.2", "127.0.0.1", 64512, w->port);
	pa.export.set_med = true;
	pa.export.med = 50;
	pa.export.communities = comm;
	pa.export.n_communities = 1;
	pa.export.prepend = 1;
	struct bgp_peer_config pb = peer("a", "127.0.0.1", "127.0.0.2", 65000, w->port);
	establish_ab(w, &pa, &pb);

	struct ip_prefix p = tu_prefix("10.1.0.0/16");
	assert_int_equal(bgp_originate(w->a, &p), 0);
	assert_true(wait_route(w, w->b, "10.1.0.0/16", true));
	assert_true(ip_prefix_eq(&w->rb.last, &p));
	assert_int_equal(w->rb.last_n, 1);
	char nh[64];
	assert_string_equal(ip_addr_fmt(&w->rb.last_nh, nh, sizeof(nh)), "127.0.0.1");
	struct json_object *j = path_of(w->b, "10.1.0.0/16");
	assert_string_equal(jstr(j, "as_path"), "65000 65000");
	assert_string_equal(jstr(j, "next_hop"), "127.0.0.1");
	assert_int_equal(jint(j, "med"), 50);
	assert_string_equal(jstr(j, "peer"), "a");
	assert_string_equal(json_object_to_json_string(json_object_object_get(j, "communities")),
			    "[ \"65000:100\" ]");
	json_object_put(j);

	/* B's route back to A is suppressed (A's AS in path); B originates one */
	struct ip_prefix q = tu_prefix("10.2.0.0/16");
	assert_int_equal(bgp_originate(w->b, &q), 0);
	assert_true(wait_route(w, w->a, "10.2.0.0/16", true));
	j = path_of(w->a, "10.2.0.0/16");
	assert_string_equal(jstr(j, "as_path"), "64512");
	assert_false(json_object_object_get_ex(j, "med", NULL)); /* no MED set */
	json_object_put(j);

	/* withdraw */
	int before = w->rb.changes;
	assert_int_equal(bgp_withdraw(w->a, &p), 0);
	assert_true(wait_route(w, w->b, "10.1.0.0/16", false));
	assert_int_equal(w->rb.changes, before + 1);
	assert_int_equal(w->rb.last_n, 0);
	assert_int_equal(bgp_withdraw(w->a, &p), -ENOENT);

	/* route refresh: A resends 10.1/16 after re-origination */
	assert_int_equal(bgp_originate(w->a, &p), 0);
	assert_true(wait_route(w, w->b, "10.1.0.0/16", true));
	struct bgp_peer *ap = bgp_peer_by_name(w->a, "b");
	uint64_t rr_in = ap->st.msgs_in[BGP_MSG_ROUTE_REFRESH];
	uint64_t upd_out = ap->st.msgs_out[BGP_MSG_UPDATE];
	assert_int_equal(bgp_peer_refresh(w->b, "a"), 0);
	tu_pump(w->loop, 200);
	assert_int_equal(ap->st.msgs_in[BGP_MSG_ROUTE_REFRESH], rr_in + 1);
	assert_true(ap->st.msgs_out[BGP_MSG_UPDATE] > upd_out);

	/* introspection */
	struct json_object *peers = bgp_peers_json(w->b);
	struct json_object *pj = json_object_array_get_idx(peers, 0);
	assert_string_equal(jstr(pj, "state"), "Established");
	assert_int_equal(jint(pj, "hold_time"), 30);
	assert_int_equal(jint(pj, "keepalive"), 10);
	assert_int_equal(jint(pj, "routes_accepted"), 1);
	assert_int_equal(jint(pj, "routes_advertised"), 1);
	json_object_put(peers);

	/* admin shutdown with RFC 8203 communication: B logs and records it */
	assert_int_equal(bgp_peer_shutdown(w->a, "b", "maintenance window"), 0);
	assert_true(wait_state(w, w->b, "a", BGP_IDLE, 2000) ||
		    bgp_peer_state(w->b, "a") != BGP_ESTABLISHED);
	struct bgp_peer *bp = bgp_peer_by_name(w->b, "a");
	assert_non_null(strstr(bp->last_error,
			       "Cease/Administrative Shutdown (6/2): \"maintenance window\""));
	assert_true(wait_route(w, w->b, "10.1.0.0/16", false));
	tu_pump(w->loop, 300);
	assert_int_equal(bgp_peer_state(w->a, "b"), BGP_IDLE); /* stays down */
	assert_int_equal(bgp_peer_enable(w->a, "b"), 0);
	assert_true(wait_state(w, w->a, "b", BGP_ESTABLISHED, 5000));
	assert_true(wait_route(w, w->b, "10.1.0.0/16", true));
	assert_int_equal(bgp_peer_remove(w->a, "b"), 0);
	assert_int_equal(bgp_peer_remove(w->b, "a"), 0);
	assert_int_equal(bgp_route_count(w->a), 1);
	assert_int_equal(bgp_withdraw(w->a, &p), 0);
	assert_int_equal(bgp_withdraw(w->b, &q), 0);
	assert_int_equal(bgp_route_count(w->a), 0);
	assert_int_equal(bgp_route_count(w->b), 0);
}

static void test_max_prefix(void **state)
{
	struct world *w = *state;
	struct bgp_peer_config pa = peer("b", "127.0.0.2", "127.0.0.1", 64512, w->port);
	struct bgp_peer_config pb = peer("a", "127.0.0.1", "127.0.0.2", 65000, w->port);
	pb.max_prefix.limit = 2;
	establish_ab(w, &pa, &pb);
	const char *pfx[] = { "10.10.1.0/24", "10.10.2.0/24", "10.10.3.0/24" };
	for (int i = 0; i < 2; i++) {
		struct ip_prefix p = tu_prefix(pfx[i]);
		bgp_originate(w->a, &p);
	}
	assert_true(wait_route(w, w->b, "10.10.2.0/24", true));
	struct ip_prefix p3 = tu_prefix(pfx[2]);
	bgp_originate(w->a, &p3);
	assert_true(wait_state(w, w->a, "b", BGP_IDLE, 3000) ||
		    bgp_peer_by_name(w->a, "b")->st.notif_in > 0);
	struct bgp_peer *ap = bgp_peer_by_name(w->a, "b");
	assert_non_null(strstr(ap->last_error,
		"received Cease/Maximum Number of Prefixes Reached (6/1): afi 1 safi 1 limit 2"));
	struct bgp_peer *bp = bgp_peer_by_name(w->b, "a");
	assert_true(bp->maxpfx_down);
	tu_pump(w->loop, 300);
	assert_int_equal(bgp_peer_state(w->b, "a"), BGP_IDLE); /* no restart timer */
	assert_int_equal(bgp_route_count(w->b), 0); /* 10.10.x dropped */
	for (int i = 0; i < 3; i++) {
		struct ip_prefix p = tu_prefix(pfx[i]);
		bgp_withdraw(w->a, &p);
	}
	bgp_peer_remove(w->a, "b");
	bgp_peer_remove(w->b, "a");
}

static void test_ibgp(void **state)
{
	struct world *w = *state;
	struct bgp_peer_config pa = peer("b", "127.0.0.2", "127.0.0.1", 64512, w->port);
	struct bgp_peer_config pb = peer("a", "127.0.0.1", "127.0.0.2", 65000, w->port);
	pb.export.graceful_shutdown = true;
	establish_ab(w, &pa, &pb);
	struct bgp_peer_config pac = peer("c", "127.0.0.3", "127.0.0.1", 65000, w->port);
	struct bgp_peer_config pca = peer("a", "127.0.0.1", "127.0.0.3", 65000, w->port);
	assert_int_equal(bgp_peer_add(w->a, &pac), 0);
	assert_int_equal(bgp_peer_add(w->c, &pca), 0);
	assert_true(wait_state(w, w->a, "c", BGP_ESTABLISHED, 5000));
	assert_true(wait_state(w, w->c, "a", BGP_ESTABLISHED, 5000));
	/* B -> A (eBGP, with GRACEFUL_SHUTDOWN) -> C (iBGP) */
	struct ip_prefix q = tu_prefix("10.20.0.0/16");
	bgp_originate(w->b, &q);
	assert_true(wait_route(w, w->c, "10.20.0.0/16", true));
	struct json_object *j = path_of(w->a, "10.20.0.0/16");
	assert_int_equal(jint(j, "local_pref"), 0); /* RFC 8326 on receipt */
	assert_string_equal(json_object_to_json_string(json_object_object_get(j, "communities")),
			    "[ \"65535:0\" ]");
	json_object_put(j);
	j = path_of(w->c, "10.20.0.0/16");
	assert_string_equal(jstr(j, "as_path"), "64512");     /* no prepend on iBGP */
	assert_string_equal(jstr(j, "next_hop"), "127.0.0.2"); /* unchanged */
	assert_int_equal(jint(j, "local_pref"), 0);
	json_object_put(j);
	struct bgp_peer *cp = bgp_peer_by_name(w->c, "a");
	assert_false(cp->ebgp);
	/* C originates: A passes it to B (eBGP) but an iBGP route from C is not
	 * reflected; B sees AS path 65000 and next hop A */
	struct ip_prefix r = tu_prefix("10.30.0.0/16");
	bgp_originate(w->c, &r);
	assert_true(wait_route(w, w->b, "10.30.0.0/16", true));
	j = path_of(w->b, "10.30.0.0/16");
	assert_string_equal(jstr(j, "as_path"), "65000");
	assert_string_equal(jstr(j, "next_hop"), "127.0.0.1");
	json_object_put(j);
	j = path_of(w->a, "10.30.0.0/16");
	assert_int_equal(jint(j, "local_pref"), 100);
	json_object_put(j);
	bgp_peer_remove(w->a, "c");
	bgp_peer_remove(w->c, "a");
	bgp_peer_remove(w->a, "b");
	bgp_peer_remove(w->b, "a");
	bgp_withdraw(w->b, &q);
	bgp_withdraw(w->c, &r);
}

/* IPv6 unicast over an IPv4 session: MP_REACH_NLRI with a v4-mapped
 * next hop; policy change applied softly with ROUTE-REFRESH. */
static void test_ipv6_and_soft_policy(void **state)
{
	struct world *w = *state;
	struct bgp_peer_config pa = peer("b", "127.0.0.2", "127.0.0.1", 64512, w->port);
	struct bgp_peer_config pb = peer("a", "127.0.0.1", "127.0.0.2", 65000, w->port);
	pa.ipv6 = pb.ipv6 = true;
	pa.nexthop6 = tu_addr("2001:db8:ffff::1");
	establish_ab(w, &pa, &pb);
	struct ip_prefix v6 = tu_prefix("2001:db8::/32");
	/* B has no IPv6 next hop for this IPv4 session: announces no IPv6 */
	struct ip_prefix v6b = tu_prefix("2001:db8:b::/48");
	bgp_originate(w->b, &v6b);
	struct ip_prefix v4a = tu_prefix("10.40.0.0/16"), v4b = tu_prefix("10.41.0.0/16");
	bgp_originate(w->a, &v6);
	bgp_originate(w->a, &v4a);
	bgp_originate(w->a, &v4b);
	assert_true(wait_route(w, w->b, "2001:db8::/32", true));
	assert_true(wait_route(w, w->b, "10.41.0.0/16", true));
	struct json_object *j = path_of(w->b, "2001:db8::/32");
	assert_string_equal(jstr(j, "next_hop"), "2001:db8:ffff::1");
	assert_string_equal(jstr(j, "as_path"), "65000");
	json_object_put(j);
	assert_false(wait_route(w, w->a, "2001:db8:b::/48", true));
	bgp_withdraw(w->b, &v6b);
	/* B now refuses 10.41/16 exactly (Azure-style deny_exact): no reset */
	uint64_t est = bgp_peer_by_name(w->b, "a")->st.established_count;
	pb.import.deny_exact = &v4b;
	pb.import.n_deny_exact = 1;
	assert_int_equal(bgp_peer_update_config(w->b, &pb), 0);
	assert_true(wait_route(w, w->b, "10.41.0.0/16", false));
	assert_true(wait_route(w, w->b, "10.40.0.0/16", true));
	assert_int_equal(bgp_peer_by_name(w->b, "a")->st.established_count, est);
	/* A's export prefix list now permits only 10.40/16: 2001:db8::/32 is
	 * withdrawn from B (no rule matches IPv6) */
	struct bgp_prefix_rule r = { tu_prefix("10.40.0.0/16"), 0, 0, true };
	pa.export.rules = &r;
	pa.export.n_rules = 1;
	assert_int_equal(bgp_peer_update_config(w->a, &pa), 0);
	assert_true(wait_route(w, w->b, "2001:db8::/32", false));
	assert_true(wait_route(w, w->b, "10.40.0.0/16", true));
	/* a timer change needs a reset */
	pa.hold_time = 60;
	assert_int_equal(bgp_peer_update_config(w->a, &pa), 0);
	assert_true(wait_state(w, w->a, "b", BGP_ESTABLISHED, 5000));
	assert_int_equal(bgp_peer_by_name(w->a, "b")->hold, 30); /* min(60, 30) */
	bgp_peer_remove(w->a, "b");
	bgp_peer_remove(w->b, "a");
	bgp_withdraw(w->a, &v6);
	bgp_withdraw(w->a, &v4a);
	bgp_withdraw(w->a, &v4b);
}

/* RFC 4724 4.2: two vgw speakers advertise GR without address families
 * (they cannot preserve forwarding), so a lost session removes the routes
 * at once instead of keeping them stale; End-of-RIB still flows. */
static void test_gr_without_afs(void **state)
{
	struct world *w = *state;
	struct bgp_peer_config pa = peer("b", "127.0.0.2", "127.0.0.1", 64512, w->port);
	struct bgp_peer_config pb = peer("a", "127.0.0.1", "127.0.0.2", 65000, w->port);
	establish_ab(w, &pa, &pb);
	struct bgp_peer *ap = bgp_peer_by_name(w->a, "b");
	struct bgp_peer *bp = bgp_peer_by_name(w->b, "a");
	assert_true(ap->peer_gr);
	assert_int_equal(ap->peer_gr_afs, 0);
	struct ip_prefix keep = tu_prefix("10.50.0.0/16");
	bgp_originate(w->b, &keep);
	assert_true(wait_route(w, w->a, "10.50.0.0/16", true));
	bp->admin_down = true; /* B stays away until enabled */
	shutdown(bp->conn->fd, SHUT_RDWR);
	assert_true(wait_route(w, w->a, "10.50.0.0/16", false));
	assert_false(ap->gr_stale);
	assert_int_equal(bgp_peer_enable(w->b, "a"), 0);
	assert_true(wait_route(w, w->a, "10.50.0.0/16", true));
	bgp_peer_remove(w->a, "b");
	bgp_peer_remove(w->b, "a");
	bgp_withdraw(w->b, &keep);
}

/* IPv6 transport on ::1 (two ports, one peer each). Both ends share the
 * address, so the receiver treats the announced next hop (its own ::1) as
 * withdraw (RFC 7606 7.3); an IPv4 route has no IPv4 next hop over this
 * session and is not advertised at all. */
static void test_ipv6_transport(void **state)
{
	struct world *w = *state;
	uint16_t p1 = tu_free_port(), p2 = tu_free_port();
	struct bgp_config cfg = { .asn = 65010, .port = p1, .n_listen = 1 };
	cfg.router_id = tu_addr("10.0.0.1");
	cfg.listen[0] = tu_addr("::1");
	struct bgp *x = bgp_new(w->loop, &cfg, NULL, NULL);
	cfg.asn = 65020;
	cfg.port = p2;
	cfg.router_id = tu_addr("10.0.0.2");
	struct bgp *y = bgp_new(w->loop, &cfg, NULL, NULL);
	if (x == NULL || y == NULL) { /* no IPv6 on this host */
		bgp_free(x);
		bgp_free(y);
		skip();
	}
	struct bgp_peer_config px = peer("y", "::1", "::1", 65020, p2);
	struct bgp_peer_config py = peer("x", "::1", "::1", 65010, p1);
	px.ipv6 = py.ipv6 = true;
	assert_int_equal(bgp_peer_add(x, &px), 0);
	assert_int_equal(bgp_peer_add(y, &py), 0);
	assert_true(wait_state(w, x, "y", BGP_ESTABLISHED, 5000));
	assert_true(wait_state(w, y, "x", BGP_ESTABLISHED, 5000));
	struct bgp_peer *xp = bgp_peer_by_name(x, "y");
	assert_true(xp->v4 && xp->v6);
	tu_pump(w->loop, 50);
	struct ip_prefix v6 = tu_prefix("2001:db8:1::/48"), v4 = tu_prefix("10.70.0.0/16");
	uint64_t upd = xp->st.msgs_out[BGP_MSG_UPDATE];
	bgp_originate(x, &v4);
	tu_pump(w->loop, 50);
	assert_int_equal(xp->st.msgs_out[BGP_MSG_UPDATE], upd); /* no v4 next hop */
	bgp_originate(x, &v6);
	tu_pump(w->loop, 50);
	assert_int_equal(xp->st.msgs_out[BGP_MSG_UPDATE], upd + 1);
	assert_int_equal(xp->st.advertised, 1);
	assert_int_equal(bgp_peer_by_name(y, "x")->st.msgs_in[BGP_MSG_UPDATE],
			 xp->st.msgs_out[BGP_MSG_UPDATE]);
	bgp_free(x);
	bgp_free(y);
}

int main(void)
{
	vlog_init("test", getenv("BGP_DEBUG") ? VLOG_DEBUG : VLOG_INFO, false);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exchange),
		cmocka_unit_test(test_max_prefix),
		cmocka_unit_test(test_ibgp),
		cmocka_unit_test(test_ipv6_and_soft_policy),
		cmocka_unit_test(test_gr_without_afs),
		cmocka_unit_test(test_ipv6_transport),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
