/*
 * src/route against the real kernel, inside the private namespace that
 * route_interop.sh builds (see the diagram there): va0 192.0.2.1/24 and
 * va1 198.51.100.1/24 (+ fd00:0::1/64, fd00:1::1/64), gateways .2 / ::2.
 *
 * Checks every result twice where it matters: through route_fib_dump and
 * through "ip route show" text, so a codec bug cannot hide behind a
 * matching decoder bug.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "base/clock.h"
#include "base/loop.h"
#include "route/route.h"

static int if_va0, if_va1;

static char *sh(const char *cmd)
{
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	size_t cap = 1 << 16, len = 0;
	char *out = malloc(cap);
	size_t n;
	while ((n = fread(out + len, 1, cap - len - 1, f)) > 0) {
		len += n;
		if (len + 1 == cap)
			out = realloc(out, cap *= 2);
	}
	out[len] = '\0';
	pclose(f);
	return out;
}

static void assert_sh_contains(const char *cmd, const char *want, bool present)
{
	char *out = sh(cmd);
	if ((strstr(out, want) != NULL) != present)
		fail_msg("%s: expected %s\"%s\" in:\n%s", cmd,
			 present ? "" : "no ", want, out);
	free(out);
}

static struct ip_prefix pfx(const char *s)
{
	struct ip_prefix p;
	assert_true(ip_prefix_parse(s, &p, true));
	return p;
}

static struct route_nexthop nhop(const char *gw, int ifindex, uint16_t w)
{
	struct route_nexthop h = { .ifindex = ifindex, .weight = w };
	if (gw)
		assert_true(ip_addr_parse(gw, &h.gateway));
	return h;
}

struct find {
	struct ip_prefix want;
	bool found;
	long count;
	struct route_entry e;
};

static int find_cb(void *arg, const struct route_entry *e)
{
	struct find *f = arg;
	f->count++;
	if (ip_prefix_eq(&e->prefix, &f->want)) {
		f->found = true;
		f->e = *e;
	}
	return 0;
}

static struct find *dump_find(struct route_fib *fib, const char *prefix)
{
	struct find *f = calloc(1, sizeof(*f));
	f->want = pfx(prefix);
	long n = route_fib_dump(fib, find_cb, f);
	assert_true(n >= 0);
	assert_int_equal(n, f->count);
	return f;
}

static struct route_fib *fib_open(uint32_t batch)
{
	struct route_fib_config cfg = { .batch_size = batch };
	struct route_fib *fib = route_fib_new(NULL, &cfg);
	assert_non_null(fib);
	return fib;
}

static void assert_counters(struct route_fib *fib, uint64_t inst, uint64_t del,
			    uint64_t failed)
{
	struct route_fib_counters c;
	route_fib_counters(fib, &c);
	assert_int_equal(c.installed, inst);
	assert_int_equal(c.deleted, del);
	assert_int_equal(c.failed, failed);
	assert_int_equal(c.pending, 0);
	assert_int_equal(c.lost, 0);
}

static void test_link_helpers(void **state)
{
	if_va0 = route_link_index("va0");
	if_va1 = route_link_index("va1");
	assert_true(if_va0 > 0 && if_va1 > 0);
	assert_int_equal(route_link_index("nosuchdev0"), -ENODEV);
	assert_int_equal(route_link_index(""), -EINVAL);

	assert_int_equal(route_link_set_up(if_va1, 1400), 0);
	assert_sh_contains("ip -o link show dev va1", "mtu 1400", true);
	assert_int_equal(route_link_set_up(9999, 0), -ENODEV);

	struct ip_prefix local = pfx("169.254.21.0/30");
	struct ip_addr peer = ip_prefix_host(&local, 1);
	local.addr = ip_prefix_host(&local, 2);
	assert_int_equal(route_addr_add(if_va1, &local, &peer), 0);
	assert_sh_contains("ip -o -4 addr show dev va1",
			   "169.254.21.2 peer 169.254.21.1/30", true);
	assert_int_equal(route_addr_add(if_va1, &local, &peer), 0); /* replace */
	assert_int_equal(route_addr_del(if_va1, &local, &peer), 0);
	assert_sh_contains("ip -o -4 addr show dev va1", "169.254.21.2", false);
	assert_int_equal(route_addr_del(if_va1, &local, &peer), -EADDRNOTAVAIL);

	struct ip_prefix l6 = pfx("fd00:99::/64");
	l6.addr.a[15] = 1;
	assert_int_equal(route_addr_add(if_va1, &l6, NULL), 0);
	assert_sh_contains("ip -o -6 addr show dev va1", "fd00:99::1/64", true);
	assert_int_equal(route_addr_del(if_va1, &l6, NULL), 0);
}

static void test_v4_single_ecmp_replace_delete(void **state)
{
	struct route_fib *fib = fib_open(0);
	struct ip_prefix p = pfx("10.2.0.0/16");
	struct route_nexthop one = nhop("192.0.2.2", if_va0, 0);
	assert_int_equal(route_fib_replace(fib, &p, &one, 1), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	assert_sh_contains("ip route show proto 201",
			   "10.2.0.0/16 via 192.0.2.2 dev va0", true);
	struct find *f = dump_find(fib, "10.2.0.0/16");
	assert_true(f->found);
	assert_int_equal(f->e.n_nexthops, 1);
	assert_int_equal(f->e.nexthops[0].ifindex, if_va0);
	assert_int_equal(f->e.protocol, ROUTE_PROTO_VGW);
	assert_int_equal(f->e.table, ROUTE_TABLE_MAIN);
	free(f);

	/* Replace by an ECMP set over both tunnels, unequal weights. */
	struct route_nexthop two[2] = { nhop("192.0.2.2", if_va0, 1),
					nhop("198.51.100.2", if_va1, 3) };
	assert_int_equal(route_fib_replace(fib, &p, two, 2), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	assert_sh_contains("ip route show proto 201",
			   "nexthop via 198.51.100.2 dev va1 weight 3", true);
	f = dump_find(fib, "10.2.0.0/16");
	assert_int_equal(f->count, 1); /* replaced, not added */
	assert_int_equal(f->e.n_nexthops, 2);
	assert_int_equal(f->e.nexthops[0].weight, 1);
	assert_int_equal(f->e.nexthops[1].weight, 3);
	assert_int_equal(f->e.nexthops[1].ifindex, if_va1);
	free(f);

	/* One tunnel down: back to a single path; then a device-only route. */
	assert_int_equal(route_fib_replace(fib, &p, &two[1], 1), 0);
	struct route_nexthop p2p = nhop(NULL, if_va1, 0);
	struct ip_prefix q = pfx("10.3.0.0/16");
	assert_int_equal(route_fib_replace(fib, &q, &p2p, 1), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	assert_sh_contains("ip route show proto 201",
			   "10.2.0.0/16 via 198.51.100.2 dev va1", true);
	assert_sh_contains("ip route show proto 201",
			   "10.3.0.0/16 dev va1 scope link", true);

	assert_int_equal(route_fib_delete(fib, &p), 0);
	assert_int_equal(route_fib_replace(fib, &q, NULL, 0), 0);
	assert_int_equal(route_fib_delete(fib, &q), 0); /* already absent */
	assert_int_equal(route_fib_sync(fib), 0);
	assert_sh_contains("ip route show proto 201", "10.", false);
	assert_counters(fib, 4, 3, 0);
	route_fib_free(fib, false);
}

static void test_v6_ecmp(void **state)
{
	struct route_fib *fib = fib_open(0);
	struct ip_prefix p = pfx("2001:db8:10::/48");
	struct route_nexthop two[2] = { nhop("fd00::2", if_va0, 1),
					nhop("fd00:1::2", if_va1, 2) };
	assert_int_equal(route_fib_replace(fib, &p, two, 2), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	assert_sh_contains("ip -6 route show proto 201",
			   "nexthop via fd00:1::2 dev va1 weight 2", true);
	struct find *f = dump_find(fib, "2001:db8:10::/48");
	assert_true(f->found);
	assert_int_equal(f->e.n_nexthops, 2);
	free(f);

	assert_int_equal(route_fib_replace(fib, &p, &two[0], 1), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	f = dump_find(fib, "2001:db8:10::/48");
	assert_int_equal(f->count, 1);
	assert_int_equal(f->e.n_nexthops, 1);
	assert_int_equal(f->e.nexthops[0].ifindex, if_va0);
	free(f);
	assert_sh_contains("ip -6 route show proto 201", "nexthop", false);

	/* Back to ECMP, then one delete removes every member. */
	assert_int_equal(route_fib_replace(fib, &p, two, 2), 0);
	assert_int_equal(route_fib_delete(fib, &p), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	assert_sh_contains("ip -6 route show proto 201", "2001:db8:10::", false);
	assert_counters(fib, 3, 1, 0);
	route_fib_free(fib, false);
}

struct fail_log {
	int n;
	struct ip_prefix p[8];
	int err[8];
	enum route_op op[8];
};

static void on_fail(void *arg, enum route_op op, const struct ip_prefix *p,
		    int err)
{
	struct fail_log *l = arg;
	if (l->n < 8) {
		l->p[l->n] = *p;
		l->err[l->n] = err;
		l->op[l->n] = op;
	}
	l->n++;
}

/* Two bad routes inside one batch of ten: exactly they are reported. */
static void test_failure_mapping(void **state)
{
	struct route_fib *fib = fib_open(0);
	struct fail_log log = { 0 };
	route_fib_set_fail_cb(fib, on_fail, &log);
	struct route_nexthop good = nhop("192.0.2.2", if_va0, 0);
	struct route_nexthop offlink = nhop("203.0.113.9", if_va0, 0);
	for (int i = 0; i < 10; i++) {
		char s[32];
		snprintf(s, sizeof(s), "10.50.%d.0/24", i);
		struct ip_prefix p = pfx(s);
		bool bad = i == 3 || i == 7;
		assert_int_equal(route_fib_replace(fib, &p, bad ? &offlink : &good, 1), 0);
	}
	assert_int_equal(route_fib_sync(fib), 0);
	assert_int_equal(log.n, 2);
	char a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN];
	assert_string_equal(ip_prefix_fmt(&log.p[0], a, sizeof(a)), "10.50.3.0/24");
	assert_string_equal(ip_prefix_fmt(&log.p[1], b, sizeof(b)), "10.50.7.0/24");
	assert_int_equal(log.err[0], ENETUNREACH);
	assert_int_equal(log.op[1], ROUTE_OP_REPLACE);
	assert_counters(fib, 8, 0, 2);

	struct json_object *j = route_fib_stats_json(fib);
	struct json_object *errs, *cnt;
	assert_true(json_object_object_get_ex(j, "errors", &errs));
	assert_true(json_object_object_get_ex(errs, "ENETUNREACH", &cnt));
	assert_int_equal(json_object_get_int64(cnt), 2);
	assert_true(json_object_object_get_ex(j, "installed", &cnt));
	assert_int_equal(json_object_get_int64(cnt), 8);
	json_object_put(j);
	route_fib_free(fib, true);
	assert_sh_contains("ip route show proto 201", "10.50.", false);
}

struct retry_ctx {
	struct route_fib *fib;
	struct route_nexthop good;
	int calls, busy;
};

/* Retries a rejected route with a good nexthop from inside the callback. */
static void retry_fail(void *arg, enum route_op op, const struct ip_prefix *p,
		       int err)
{
	struct retry_ctx *r = arg;
	r->calls++;
	assert_int_equal(route_fib_replace(r->fib, p, &r->good, 1), 0);
	if (route_fib_flush(r->fib) == -EBUSY)
		r->busy++;
}

static void test_failure_retry_from_callback(void **state)
{
	struct retry_ctx r = { .fib = fib_open(0) };
	r.good = nhop("198.51.100.2", if_va1, 0);
	route_fib_set_fail_cb(r.fib, retry_fail, &r);
	struct route_nexthop offlink = nhop("203.0.113.9", if_va0, 0);
	struct ip_prefix p = pfx("10.51.0.0/16");
	assert_int_equal(route_fib_replace(r.fib, &p, &offlink, 1), 0);
	assert_int_equal(route_fib_sync(r.fib), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(r.busy, 1);
	assert_int_equal(route_fib_sync(r.fib), 0); /* sends the retry */
	assert_sh_contains("ip route show proto 201",
			   "10.51.0.0/16 via 198.51.100.2 dev va1", true);
	assert_counters(r.fib, 1, 0, 1);
	route_fib_free(r.fib, true);
}

static void count_fail(void *arg, enum route_op op, const struct ip_prefix *p,
		       int err)
{
	(*(long *)arg)++;
}

/*
 * 20,000 rejected routes with an oversized batch_size: the batch is capped
 * so that every error reply fits in the receive buffer; none may be lost.
 */
static void test_failures_at_scale(void **state)
{
	enum { N = 20000 };
	struct route_fib *fib = fib_open(1u << 20);
	long fails = 0;
	route_fib_set_fail_cb(fib, count_fail, &fails);
	struct route_nexthop offlink = nhop("203.0.113.9", if_va0, 0);
	for (uint32_t i = 0; i < N; i++) {
		struct ip_prefix p = { ip_addr_v4(0x0c000000u + (i << 8)), 24 };
		assert_int_equal(route_fib_replace(fib, &p, &offlink, 1), 0);
	}
	assert_int_equal(route_fib_sync(fib), 0);
	assert_int_equal(fails, N);
	assert_counters(fib, 0, 0, N);
	route_fib_free(fib, false);
}

/* Routes left by a "crashed" daemon are removed; others' routes are not. */
static void test_sweep_stale(void **state)
{
	char *out = sh("ip route add 10.77.0.0/16 via 192.0.2.2 proto 201 metric 7 && "
		       "ip route add 10.78.0.0/16 via 192.0.2.2 proto static && "
		       "ip -6 route add 2001:db8:77::/48 via fd00::2 proto 201 && "
		       "ip route add 10.79.0.0/16 via 192.0.2.2 proto 201 table 100 && "
		       "echo ok");
	assert_string_equal(out, "ok\n");
	free(out);
	struct route_fib *fib = fib_open(0);
	assert_int_equal(route_fib_sweep_stale(fib), 2);
	assert_sh_contains("ip route show proto 201", "10.77.", false);
	assert_sh_contains("ip -6 route show proto 201", "2001:db8:77::", false);
	assert_sh_contains("ip route show", "10.78.0.0/16", true);
	assert_sh_contains("ip route show table 100", "10.79.0.0/16", true);
	assert_int_equal(route_fib_sweep_stale(fib), 0);
	route_fib_free(fib, false);
	free(sh("ip route del 10.78.0.0/16; ip route flush table 100"));
}

/* A tunnel (va0) goes down: every route loses it at once. */
static void test_withdraw_classic(void **state)
{
	struct route_fib *fib = fib_open(0);
	struct route_nexthop two[2] = { nhop("192.0.2.2", if_va0, 1),
					nhop("198.51.100.2", if_va1, 1) };
	struct ip_prefix a = pfx("10.60.0.0/16"), b = pfx("10.61.0.0/16"),
			 c = pfx("10.62.0.0/16");
	assert_int_equal(route_fib_replace(fib, &a, two, 2), 0);
	assert_int_equal(route_fib_replace(fib, &b, &two[0], 1), 0);
	assert_int_equal(route_fib_replace(fib, &c, &two[1], 1), 0);
	assert_int_equal(route_fib_withdraw_ifindex(fib, if_va0), 2);
	assert_sh_contains("ip route show proto 201",
			   "10.60.0.0/16 via 198.51.100.2 dev va1", true);
	assert_sh_contains("ip route show proto 201", "10.61.", false);
	assert_sh_contains("ip route show proto 201",
			   "10.62.0.0/16 via 198.51.100.2 dev va1", true);
	assert_sh_contains("ip route show proto 201", "va0", false);
	assert_int_equal(route_fib_withdraw_ifindex(fib, if_va0), 0);
	assert_int_equal(route_fib_withdraw_ifindex(fib, 0), -EINVAL);
	route_fib_free(fib, true);
	assert_sh_contains("ip route show proto 201", "10.6", false);
}

static struct route_fib *fib_open_nh(void)
{
	struct route_fib_config cfg = { .nexthop_objects = true };
	struct route_fib *fib = route_fib_new(NULL, &cfg);
	assert_non_null(fib);
	return fib;
}

/* Kernel nexthop objects: shared objects, dump expansion, withdraw, sweep. */
static void test_nexthop_objects(void **state)
{
	struct route_fib *fib = fib_open_nh();
	struct route_nexthop two[2] = { nhop("192.0.2.2", if_va0, 1),
					nhop("198.51.100.2", if_va1, 2) };
	struct route_nexthop six[2] = { nhop("fd00::2", if_va0, 1),
					nhop("fd00:1::2", if_va1, 1) };
	for (int i = 0; i < 50; i++) {
		struct ip_prefix p = { ip_addr_v4(0x0a460000u + ((uint32_t)i << 8)), 24 };
		assert_int_equal(route_fib_replace(fib, &p, two, 2), 0);
	}
	struct ip_prefix single = pfx("10.71.0.0/16"), v6 = pfx("2001:db8:71::/48");
	assert_int_equal(route_fib_replace(fib, &single, &two[0], 1), 0);
	assert_int_equal(route_fib_replace(fib, &v6, six, 2), 0);
	assert_int_equal(route_fib_sync(fib), 0);
	/* 2 v4 + 2 v6 singles, 1 v4 group, 1 v6 group: shared by all routes. */
	char *out = sh("ip nexthop show protocol 201 | wc -l");
	assert_string_equal(out, "6\n");
	free(out);
	assert_sh_contains("ip route show proto 201", "10.70.3.0/24 nhid", true);

	struct find *f = dump_find(fib, "10.70.3.0/24");
	assert_true(f->found);
	assert_true(f->e.nh_id != 0);
	assert_int_equal(f->e.n_nexthops, 2);
	assert_int_equal(f->count, 52);
	free(f);

	struct json_object *j = route_fib_stats_json(fib), *v;
	assert_true(json_object_object_get_ex(j, "nexthop_objects_known", &v));
	assert_int_equal(json_object_get_int64(v), 6);
	json_object_put(j);

	/* Tunnel va0 down: groups shrink, the single-path route goes. */
	assert_int_equal(route_fib_withdraw_ifindex(fib, if_va0), 2);
	assert_sh_contains("ip route show proto 201", "10.71.", false);
	f = dump_find(fib, "10.70.49.0/24");
	assert_true(f->found);
	assert_int_equal(f->e.n_nexthops, 1);
	assert_int_equal(f->e.nexthops[0].ifindex, if_va1);
	assert_int_equal(f->count, 51);
	free(f);
	f = dump_find(fib, "2001:db8:71::/48");
	assert_int_equal(f->e.n_nexthops, 1);
	free(f);

	/* The same nexthop twice: one member (the kernel refuses duplicates). */
	struct route_nexthop dup[2] = { two[1], two[1] };
	struct ip_prefix pd = pfx("10.76.0.0/16");
	assert_int_equal(route_fib_replace(fib, &pd, dup, 2), 0);
	f = dump_find(fib, "10.76.0.0/16");
	assert_true(f->found);
	assert_int_equal(f->e.n_nexthops, 1);
	free(f);
	assert_int_equal(route_fib_delete(fib, &pd), 0);

	/* Re-announce after the tunnel is back: a new group, same routes. */
	struct ip_prefix p0 = pfx("10.70.0.0/24");
	assert_int_equal(route_fib_replace(fib, &p0, two, 2), 0);
	f = dump_find(fib, "10.70.0.0/24");
	assert_int_equal(f->e.n_nexthops, 2);
	free(f);

	assert_int_equal(route_fib_sweep_stale(fib), 51);
	assert_sh_contains("ip nexthop show protocol 201", "id", false);
	assert_sh_contains("ip route show proto 201", "10.70.", false);
	route_fib_free(fib, false);
}

/* Objects left by a crashed vgwd (and a foreign one) at startup. */
static void test_nexthop_stale(void **state)
{
	char *out = sh("ip nexthop add id 1987654 via 192.0.2.2 dev va0 proto 201 && "
		       "ip route add 10.72.0.0/16 nhid 1987654 proto 201 && "
		       "ip nexthop add id 1987655 via 192.0.2.2 dev va0 proto static && "
		       "echo ok");
	assert_string_equal(out, "ok\n");
	free(out);
	struct route_fib *fib = fib_open_nh();
	assert_int_equal(route_fib_sweep_stale(fib), 1);
	assert_sh_contains("ip nexthop show", "id 1987654", false);
	assert_sh_contains("ip nexthop show", "id 1987655", true);
	/* A bad ifindex fails synchronously when the object is created
	 * (the kernel says EINVAL or ENODEV depending on version). */
	struct ip_prefix p = pfx("10.73.0.0/16");
	struct route_nexthop bad = nhop("192.0.2.2", 9999, 0);
	int rc = route_fib_replace(fib, &p, &bad, 1);
	assert_true(rc == -EINVAL || rc == -ENODEV);
	struct route_fib_counters c;
	route_fib_counters(fib, &c);
	assert_int_equal(c.pending, 0);
	route_fib_free(fib, true);
	free(sh("ip nexthop del id 1987655"));
}

/*
 * The kernel deletes nexthop objects (and their routes) when their device
 * goes down. The next route using the forgotten object fails once; its
 * retry from the failure callback revalidates the registry and recreates it.
 */
static void test_nexthop_objects_link_flap(void **state)
{
	struct retry_ctx r = { .fib = fib_open_nh() };
	r.good = nhop("192.0.2.2", if_va0, 0);
	route_fib_set_fail_cb(r.fib, retry_fail, &r);
	struct ip_prefix p = pfx("10.74.0.0/16"), q = pfx("10.75.0.0/16");
	assert_int_equal(route_fib_replace(r.fib, &p, &r.good, 1), 0);
	assert_int_equal(route_fib_sync(r.fib), 0);
	free(sh("ip link set va0 down; ip link set va0 up"));
	assert_sh_contains("ip nexthop show protocol 201", "va0", false);
	assert_sh_contains("ip route show proto 201", "10.74.", false);
	assert_int_equal(route_fib_replace(r.fib, &q, &r.good, 1), 0);
	assert_int_equal(route_fib_sync(r.fib), 0);
	assert_int_equal(r.calls, 1);
	assert_int_equal(route_fib_sync(r.fib), 0); /* the retry */
	assert_sh_contains("ip route show proto 201", "10.75.0.0/16 nhid", true);
	assert_counters(r.fib, 2, 0, 1);
	route_fib_free(r.fib, true);
}

/* With a loop: replace() only queues; the loop flushes and reads the ACK. */
static void test_loop_async(void **state)
{
	struct loop *loop = loop_new(&clock_system);
	assert_non_null(loop);
	struct route_fib *fib = route_fib_new(loop, NULL);
	assert_non_null(fib);
	struct route_nexthop good = nhop("192.0.2.2", if_va0, 0);
	for (int i = 0; i < 100; i++) {
		struct ip_prefix p = { ip_addr_v4(0x0a600000u + ((uint32_t)i << 8)), 24 };
		assert_int_equal(route_fib_replace(fib, &p, &good, 1), 0);
	}
	struct route_fib_counters c;
	route_fib_counters(fib, &c);
	assert_int_equal(c.pending, 100);
	assert_int_equal(c.batches, 0);
	for (int i = 0; i < 10 && (route_fib_counters(fib, &c), c.pending); i++)
		assert_true(loop_run_once(loop, 100) >= 0);
	assert_int_equal(c.pending, 0);
	assert_int_equal(c.installed, 100);
	assert_int_equal(c.batches, 1);
	route_fib_free(fib, true);
	assert_sh_contains("ip route show proto 201", "10.96.", false);
	loop_free(loop);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int count_cb(void *arg, const struct route_entry *e)
{
	(*(long *)arg)++;
	return 0;
}

static void test_bulk_100k(void **state)
{
	enum { N = 100000 };
	struct route_fib *fib = fib_open(0);
	struct route_nexthop two[2] = { nhop("192.0.2.2", if_va0, 1),
					nhop("198.51.100.2", if_va1, 1) };
	double t0 = now_s();
	for (uint32_t i = 0; i < N; i++) {
		struct ip_prefix p = { ip_addr_v4(0x0b000000u + i), 32 };
		assert_int_equal(route_fib_replace(fib, &p, &two[i % 2], 1), 0);
	}
	assert_int_equal(route_fib_sync(fib), 0);
	double t1 = now_s();
	long seen = 0;
	assert_int_equal(route_fib_dump(fib, count_cb, &seen), N);
	double t2 = now_s();
	assert_int_equal(route_fib_sweep_stale(fib), N);
	double t3 = now_s();
	struct route_fib_counters c;
	route_fib_counters(fib, &c);
	assert_int_equal(c.installed, N);
	assert_int_equal(c.failed, 0);
	printf("route bulk: install %d routes %.3f s (%.0f routes/s, %llu batches); "
	       "dump %.3f s; sweep %.3f s (%.0f routes/s)\n",
	       N, t1 - t0, N / (t1 - t0), (unsigned long long)c.batches,
	       t2 - t1, t3 - t2, N / (t3 - t2));
	route_fib_free(fib, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_helpers),
		cmocka_unit_test(test_v4_single_ecmp_replace_delete),
		cmocka_unit_test(test_v6_ecmp),
		cmocka_unit_test(test_failure_mapping),
		cmocka_unit_test(test_failure_retry_from_callback),
		cmocka_unit_test(test_failures_at_scale),
		cmocka_unit_test(test_sweep_stale),
		cmocka_unit_test(test_withdraw_classic),
		cmocka_unit_test(test_nexthop_objects),
		cmocka_unit_test(test_nexthop_stale),
		cmocka_unit_test(test_nexthop_objects_link_flap),
		cmocka_unit_test(test_loop_async),
		cmocka_unit_test(test_bulk_100k),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
