/*
 * The decision process, RFC 4271 9.1.2.2, plus multipath selection.
 *
 * Steps in order: highest LOCAL_PREF; shortest AS_PATH; lowest ORIGIN;
 * lowest MED when both paths come from the same neighbouring AS (a missing
 * MED counts as 0); eBGP over iBGP; lowest IGP cost to the NEXT_HOP;
 * lowest BGP Identifier (ORIGINATOR_ID if present); lowest peer address.
 * Locally originated routes have LOCAL_PREF 100 and an empty path.
 *
 * Multipath: paths equal to the best up to and including the IGP cost
 * step, from different peers, up to max_paths, join the ECMP set.
 */
#include "bgp/rib.h"

#include <string.h>

#define DEFAULT_LOCAL_PREF 100

static uint32_t local_pref(const struct bgp_attrs *a)
{
	return (a->flags & BGP_A_LOCAL_PREF) ? a->local_pref : DEFAULT_LOCAL_PREF;
}

static uint32_t tie_id(const struct bgp_cand *c)
{
	if (c->attrs->flags & BGP_A_ORIGINATOR)
		return c->attrs->originator_id;
	return c->src->router_id;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b ? 1 : 0;
}

int bgp_decide_cmp(const struct bgp_cand *a, const struct bgp_cand *b,
		   enum bgp_decide_step *step)
{
	const struct bgp_attrs *x = a->attrs, *y = b->attrs;
	int c;
	*step = BGP_STEP_LOCAL_PREF;
	if ((c = cmp_u32(local_pref(y), local_pref(x))) != 0)
		return c;
	*step = BGP_STEP_AS_PATH;
	if ((c = cmp_u32(x->path_count, y->path_count)) != 0)
		return c;
	*step = BGP_STEP_ORIGIN;
	if ((c = cmp_u32(x->origin, y->origin)) != 0)
		return c;
	*step = BGP_STEP_MED;
	uint32_t nx = x->first_as ? x->first_as : a->src->as;
	uint32_t ny = y->first_as ? y->first_as : b->src->as;
	if (nx == ny) {
		uint32_t mx = (x->flags & BGP_A_MED) ? x->med : 0;
		uint32_t my = (y->flags & BGP_A_MED) ? y->med : 0;
		if ((c = cmp_u32(mx, my)) != 0)
			return c;
	}
	*step = BGP_STEP_EBGP;
	/* Locally originated counts with eBGP here (it is not iBGP-learned). */
	bool ex = a->src->ebgp || a->src->local, ey = b->src->ebgp || b->src->local;
	if (ex != ey)
		return ex ? -1 : 1;
	*step = BGP_STEP_IGP;
	if ((c = cmp_u32(a->igp_cost, b->igp_cost)) != 0)
		return c;
	*step = BGP_STEP_ROUTER_ID;
	if ((c = cmp_u32(tie_id(a), tie_id(b))) != 0)
		return c;
	*step = BGP_STEP_PEER_ADDR;
	if ((c = ip_addr_cmp(&a->src->addr, &b->src->addr)) != 0)
		return c;
	*step = BGP_STEP_NONE;
	return 0;
}

struct bgp_rpath *bgp_rnode_best(const struct bgp_rnode *rn)
{
	for (struct bgp_rpath *p = rn->paths; p; p = p->next) {
		if (p->flags & BGP_RP_BEST)
			return p;
	}
	return NULL;
}

static void make_cand(const struct bgp_rib *rib, const struct bgp_rpath *p,
		      const struct bgp_decide_cfg *cfg, struct bgp_cand *c)
{
	c->attrs = p->attrs;
	c->src = &rib->src[p->src];
	c->igp_cost = 0;
	if (cfg->igp_cost != NULL && p->attrs->nexthop.family != 0)
		c->igp_cost = cfg->igp_cost(cfg->arg, &p->attrs->nexthop);
}

/* Signature of the current result: best path + multipath members. */
struct result {
	const struct bgp_rpath *best;
	const struct bgp_attrs *best_attrs;
	uint32_t mp_srcs;
	uint32_t mp_attr_sum; /* detects a member's attribute change */
};

static struct result snapshot(const struct bgp_rnode *rn)
{
	struct result r = { 0 };
	for (const struct bgp_rpath *p = rn->paths; p; p = p->next) {
		if (p->flags & BGP_RP_BEST) {
			r.best = p;
			r.best_attrs = p->attrs;
		}
		if (p->flags & BGP_RP_MULTIPATH) {
			r.mp_srcs |= 1u << p->src;
			r.mp_attr_sum += (uint32_t)(uintptr_t)p->attrs;
		}
	}
	return r;
}

static void select_multipath(const struct bgp_rib *rib, struct bgp_rnode *rn,
			     struct bgp_rpath *best,
			     const struct bgp_cand *bc,
			     const struct bgp_decide_cfg *cfg)
{
	uint32_t max = cfg->max_paths ? cfg->max_paths : 8;
	uint32_t n = 1;
	best->flags |= BGP_RP_MULTIPATH;
	if (!cfg->multipath)
		return;
	for (struct bgp_rpath *p = rn->paths; p && n < max; p = p->next) {
		if (p == best || p->src == best->src)
			continue;
		struct bgp_cand c;
		make_cand(rib, p, cfg, &c);
		enum bgp_decide_step step;
		bgp_decide_cmp(bc, &c, &step);
		if (step == BGP_STEP_NONE || step > BGP_STEP_IGP) {
			p->flags |= BGP_RP_MULTIPATH;
			n++;
		}
	}
}

bool bgp_decide(const struct bgp_rib *rib, struct bgp_rnode *rn,
		const struct bgp_decide_cfg *cfg, bool *best_changed)
{
	struct result before = snapshot(rn);
	struct bgp_rpath *best = NULL;
	struct bgp_cand bc;
	for (struct bgp_rpath *p = rn->paths; p; p = p->next) {
		p->flags &= (uint8_t)~(BGP_RP_BEST | BGP_RP_MULTIPATH);
		if (rn->paths->next == NULL) { /* the common single-path case */
			best = p;
			make_cand(rib, p, cfg, &bc);
			break;
		}
		struct bgp_cand c;
		make_cand(rib, p, cfg, &c);
		enum bgp_decide_step step;
		if (best == NULL || bgp_decide_cmp(&c, &bc, &step) < 0) {
			best = p;
			bc = c;
		}
	}
	if (best != NULL) {
		best->flags |= BGP_RP_BEST;
		select_multipath(rib, rn, best, &bc, cfg);
	}
	struct result after = snapshot(rn);
	*best_changed = before.best != after.best ||
			before.best_attrs != after.best_attrs;
	return *best_changed || before.mp_srcs != after.mp_srcs ||
	       before.mp_attr_sum != after.mp_attr_sum;
}
