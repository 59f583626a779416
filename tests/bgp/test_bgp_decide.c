/* Decision process table (RFC 4271 9.1.2.2) and multipath selection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "bgp/rib.h"
#include "testutil.h"

struct pathdef {
	uint32_t lp;       /* 0 = no LOCAL_PREF (default 100) */
	uint8_t aslen;     /* AS_SEQUENCE length, first AS = nbr */
	uint32_t nbr;
	uint8_t origin;
	int32_t med;       /* -1 = none */
	bool ebgp;
	uint32_t igp;
	uint32_t id;
	const char *addr;
};

struct dcase {
	const char *name;
	struct pathdef a, b;
	int winner;        /* -1: a, 1: b */
	enum bgp_decide_step step;
};

#define P(lp, len, nbr, org, med, ebgp, igp, id, addr) \
	{ lp, len, nbr, org, med, ebgp, igp, id, addr }
static const struct dcase cases[] = {
	{ "local pref", P(200, 3, 1, 0, -1, 1, 0, 1, "10.0.0.1"), P(100, 1, 1, 0, -1, 1, 0, 1, "10.0.0.2"), -1, BGP_STEP_LOCAL_PREF },
	{ "default lp 100 vs 90", P(0, 1, 1, 0, -1, 1, 0, 1, "10.0.0.1"), P(90, 1, 1, 0, -1, 1, 0, 1, "10.0.0.2"), -1, BGP_STEP_LOCAL_PREF },
	{ "as path length", P(100, 2, 1, 0, -1, 1, 0, 1, "10.0.0.1"), P(100, 1, 2, 0, -1, 1, 0, 2, "10.0.0.2"), 1, BGP_STEP_AS_PATH },
	{ "origin igp over incomplete", P(100, 1, 1, 2, -1, 1, 0, 1, "10.0.0.1"), P(100, 1, 2, 0, -1, 1, 0, 2, "10.0.0.2"), 1, BGP_STEP_ORIGIN },
	{ "med same neighbour", P(100, 1, 7, 0, 10, 1, 0, 1, "10.0.0.1"), P(100, 1, 7, 0, 5, 1, 0, 2, "10.0.0.2"), 1, BGP_STEP_MED },
	{ "missing med is 0", P(100, 1, 7, 0, -1, 1, 0, 2, "10.0.0.1"), P(100, 1, 7, 0, 5, 1, 0, 1, "10.0.0.2"), -1, BGP_STEP_MED },
	{ "med ignored other AS", P(100, 1, 7, 0, 10, 1, 0, 1, "10.0.0.1"), P(100, 1, 8, 0, 5, 1, 0, 2, "10.0.0.2"), -1, BGP_STEP_ROUTER_ID },
	{ "ebgp over ibgp", P(100, 1, 7, 0, -1, 0, 0, 1, "10.0.0.1"), P(100, 1, 7, 0, -1, 1, 0, 2, "10.0.0.2"), 1, BGP_STEP_EBGP },
	{ "igp cost", P(100, 1, 7, 0, -1, 0, 20, 1, "10.0.0.1"), P(100, 1, 7, 0, -1, 0, 10, 2, "10.0.0.2"), 1, BGP_STEP_IGP },
	{ "router id", P(100, 1, 7, 0, -1, 1, 0, 9, "10.0.0.1"), P(100, 1, 8, 0, -1, 1, 0, 3, "10.0.0.2"), 1, BGP_STEP_ROUTER_ID },
	{ "peer address", P(100, 1, 7, 0, -1, 1, 0, 3, "10.0.0.9"), P(100, 1, 8, 0, -1, 1, 0, 3, "10.0.0.2"), 1, BGP_STEP_PEER_ADDR },
	{ "gshut lp 0 loses", P(0, 1, 7, 0, -1, 1, 0, 1, "10.0.0.1"), P(0, 3, 8, 0, -1, 1, 0, 2, "10.0.0.2"), -1, BGP_STEP_AS_PATH },
};

struct built {
	struct bgp_attrs a;
	uint8_t path[64];
	struct bgp_src s;
};

static void build(const struct pathdef *d, struct built *b)
{
	memset(b, 0, sizeof(*b));
	size_t n = 0;
	b->path[n++] = BGP_AS_SEQUENCE;
	b->path[n++] = d->aslen;
	for (int i = 0; i < d->aslen; i++) {
		uint32_t as = i == 0 ? d->nbr : 64600 + (uint32_t)i;
		b->path[n++] = (uint8_t)(as >> 24);
		b->path[n++] = (uint8_t)(as >> 16);
		b->path[n++] = (uint8_t)(as >> 8);
		b->path[n++] = (uint8_t)as;
	}
	b->a.aspath = b->path;
	b->a.aspath_len = (uint16_t)n;
	b->a.origin = d->origin;
	if (d->lp) {
		b->a.flags |= BGP_A_LOCAL_PREF;
		b->a.local_pref = d->lp;
	}
	if (d->med >= 0) {
		b->a.flags |= BGP_A_MED;
		b->a.med = (uint32_t)d->med;
	}
	bgp_aspath_derive(&b->a);
	b->s.ebgp = d->ebgp;
	b->s.router_id = d->id;
	b->s.addr = tu_addr(d->addr);
	b->s.as = d->nbr;
}

static void test_pairs(void **state)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct dcase *c = &cases[i];
		struct built x, y;
		build(&c->a, &x);
		build(&c->b, &y);
		struct bgp_cand ca = { &x.a, &x.s, c->a.igp };
		struct bgp_cand cb = { &y.a, &y.s, c->b.igp };
		enum bgp_decide_step step;
		int r = bgp_decide_cmp(&ca, &cb, &step);
		int w = r < 0 ? -1 : r > 0 ? 1 : 0;
		if (w != c->winner || step != c->step)
			fail_msg("%s: winner %d step %d", c->name, w, step);
		/* antisymmetric */
		r = bgp_decide_cmp(&cb, &ca, &step);
		if ((r < 0 ? -1 : 1) != -c->winner)
			fail_msg("%s: not antisymmetric", c->name);
	}
}

/* Three paths in a RIB node: two equal eBGP (ECMP), one longer. */
static void test_multipath(void **state)
{
	struct bgp_rib rib;
	bgp_rib_init(&rib);
	struct pathdef defs[3] = {
		P(100, 1, 64512, 0, -1, 1, 0, 1, "169.254.21.1"),
		P(100, 1, 64512, 0, -1, 1, 0, 2, "169.254.22.1"),
		P(100, 2, 64512, 0, -1, 1, 0, 3, "169.254.21.5"),
	};
	struct ip_prefix pfx = tu_prefix("10.2.0.0/16");
	struct bgp_rnode *rn = bgp_rib_get(&rib, &pfx);
	for (int i = 0; i < 3; i++) {
		struct built b;
		build(&defs[i], &b);
		b.a.nexthop = b.s.addr;
		rib.src[i + 1] = b.s;
		rib.src[i + 1].used = true;
		assert_int_equal(bgp_rib_set_path(&rib, rn, (uint8_t)(i + 1),
						  bgp_attrs_intern(&rib.attrs, &b.a)), 1);
	}
	struct bgp_decide_cfg cfg = { .multipath = false };
	bool bc;
	assert_true(bgp_decide(&rib, rn, &cfg, &bc));
	assert_true(bc);
	struct bgp_rpath *best = bgp_rnode_best(rn);
	assert_int_equal(best->src, 1); /* lowest router id among equals */
	int mp = 0;
	for (struct bgp_rpath *p = rn->paths; p; p = p->next)
		mp += (p->flags & BGP_RP_MULTIPATH) != 0;
	assert_int_equal(mp, 1);
	cfg.multipath = true;
	assert_true(bgp_decide(&rib, rn, &cfg, &bc));
	assert_false(bc); /* same best, bigger set */
	mp = 0;
	for (struct bgp_rpath *p = rn->paths; p; p = p->next)
		mp += (p->flags & BGP_RP_MULTIPATH) != 0;
	assert_int_equal(mp, 2);
	cfg.max_paths = 1;
	assert_true(bgp_decide(&rib, rn, &cfg, &bc));
	assert_false(bgp_decide(&rib, rn, &cfg, &bc)); /* stable: no change */
	assert_true(bgp_rib_del_path(&rib, rn, 1));
	assert_true(bgp_decide(&rib, rn, &cfg, &bc));
	assert_true(bc);
	assert_int_equal(bgp_rnode_best(rn)->src, 2);
	bgp_rib_free(&rib);
}

static uint32_t igp_fn(void *arg, const struct ip_addr *nh)
{
	return nh->a[2] == 21 ? 10 : 20;
}

static void test_multipath_igp(void **state)
{
	struct bgp_rib rib;
	bgp_rib_init(&rib);
	struct ip_prefix pfx = tu_prefix("10.2.0.0/16");
	struct bgp_rnode *rn = bgp_rib_get(&rib, &pfx);
	const char *addrs[2] = { "169.254.22.1", "169.254.21.1" };
	for (int i = 0; i < 2; i++) {
		struct pathdef d = P(100, 1, 64512, 0, -1, 0, 0, (uint32_t)i + 1, addrs[i]);
		struct built b;
		build(&d, &b);
		b.a.nexthop = b.s.addr;
		rib.src[i + 1] = b.s;
		bgp_rib_set_path(&rib, rn, (uint8_t)(i + 1), bgp_attrs_intern(&rib.attrs, &b.a));
	}
	struct bgp_decide_cfg cfg = { .multipath = true, .igp_cost = igp_fn };
	bool bc;
	bgp_decide(&rib, rn, &cfg, &bc);
	assert_int_equal(bgp_rnode_best(rn)->src, 2); /* lower IGP cost */
	int mp = 0;
	for (struct bgp_rpath *p = rn->paths; p; p = p->next)
		mp += (p->flags & BGP_RP_MULTIPATH) != 0;
	assert_int_equal(mp, 1); /* IGP cost differs: no ECMP */
	bgp_rib_free(&rib);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pairs),
		cmocka_unit_test(test_multipath),
		cmocka_unit_test(test_multipath_igp),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
