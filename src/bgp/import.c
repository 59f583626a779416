/*
 * Import: a decoded UPDATE into the Adj-RIB-In / Loc-RIB, and the change
 * propagation every RIB change goes through (decision, hook, export queue).
 *
 * Hot path for a full table: the attribute set of an UPDATE is transformed
 * by import policy and interned once; each prefix then costs a hash lookup,
 * a slab allocation, a trivial decision and a queue append. No per-prefix
 * logging and no per-prefix malloc.
 */
#include "bgp/bgp_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NH 32

static void report(struct bgp *bgp, struct bgp_rnode *rn)
{
	struct bgp_nexthop nh[MAX_NH];
	size_t n = 0;
	for (struct bgp_rpath *p = rn->paths; p && n < MAX_NH; p = p->next) {
		if (!(p->flags & BGP_RP_MULTIPATH))
			continue;
		const struct bgp_src *s = &bgp->rib.src[p->src];
		nh[n].addr = p->attrs->nexthop;
		nh[n].peer = s->local ? NULL : s->name;
		nh[n].peer_as = s->as;
		/* best first */
		if ((p->flags & BGP_RP_BEST) && n > 0) {
			struct bgp_nexthop t = nh[0];
			nh[0] = nh[n];
			nh[n] = t;
		}
		n++;
	}
	struct ip_prefix pfx;
	bgp_rnode_prefix(rn, &pfx);
	bgp->hooks.route_changed(bgp->arg, &pfx, nh, n);
}

static void gc_add(struct bgp *bgp, struct bgp_rnode *rn)
{
	if (rn->flags & BGP_RN_GC)
		return;
	if (bgp->gc_len == bgp->gc_cap) {
		size_t nc = bgp->gc_cap ? bgp->gc_cap * 2 : 1024;
		struct bgp_rnode **n = realloc(bgp->gc, nc * sizeof(*n));
		if (n == NULL)
			return; /* stays in the table, harmless */
		bgp->gc = n;
		bgp->gc_cap = nc;
	}
	rn->flags |= BGP_RN_GC;
	bgp->gc[bgp->gc_len++] = rn;
}

void bgp_gc_run(struct bgp *bgp)
{
	for (int i = 1; i < BGP_NSRC; i++) {
		struct bgp_peer *p = bgp->peers[i];
		if (p != NULL && p->qlen > p->qhead)
			return; /* queued rnode pointers must stay valid */
	}
	for (size_t i = 0; i < bgp->gc_len; i++) {
		struct bgp_rnode *rn = bgp->gc[i];
		rn->flags &= (uint8_t)~BGP_RN_GC;
		bgp_rib_maybe_drop(&bgp->rib, rn);
	}
	bgp->gc_len = 0;
}

void bgp_rib_changed(struct bgp *bgp, struct bgp_rnode *rn, bool path_changed,
		     uint8_t old_flags)
{
	bool best_changed;
	bool changed = bgp_decide(&bgp->rib, rn, &bgp->dcfg, &best_changed);
	if (path_changed && (old_flags & BGP_RP_MULTIPATH))
		changed = true;
	if (path_changed && (old_flags & BGP_RP_BEST))
		best_changed = true;
	if (changed) {
		bgp->route_changes++;
		if (bgp->hooks.route_changed != NULL)
			report(bgp, rn);
	}
	if (best_changed) {
		struct bgp_rpath *b = bgp_rnode_best(rn);
		bgp_export_queue(bgp, rn, b ? b->src : BGP_SRC_LOCAL);
	}
	if (rn->paths == NULL)
		gc_add(bgp, rn);
}

static void withdraw_one(struct bgp_peer *p, const struct ip_prefix *pfx)
{
	struct bgp *bgp = p->bgp;
	struct bgp_rnode *rn = bgp_rib_find(&bgp->rib, pfx);
	if (rn == NULL)
		return;
	struct bgp_rpath *path = bgp_rnode_path(rn, p->slot);
	if (path == NULL)
		return;
	uint8_t flags = path->flags;
	bgp_rib_del_path(&bgp->rib, rn, p->slot);
	bgp_rib_changed(bgp, rn, (flags & BGP_RP_MULTIPATH) != 0, flags);
}

static void withdraw_field(struct bgp_peer *p, struct rd *field, uint8_t af)
{
	struct rd r = *field;
	struct ip_prefix pfx;
	while (bgp_nlri_next(&r, af, &pfx)) {
		p->st.withdraws_received++;
		withdraw_one(p, &pfx);
	}
}

/* Max-prefix (RFC 4486 4): false if the prefix must not be added. */
static bool max_prefix_ok(struct bgp_peer *p, const struct ip_prefix *pfx)
{
	uint32_t limit = p->cfg.max_prefix.limit;
	if (limit == 0 || p->bgp->rib.src[p->slot].n_paths < limit)
		return true;
	if (p->cfg.max_prefix.action == BGP_MAXPFX_WARN) {
		if (!p->maxpfx_warned)
			vlog(VLOG_WARN, "bgp", p->ctx,
			     "maximum prefix limit %u reached: dropping more",
			     limit);
		p->maxpfx_warned = true;
		return false;
	}
	/* Data: AFI (2), SAFI (1), limit (4): AWS sends 00 01 01 00 00 00 64. */
	uint16_t afi = pfx->addr.family == AF_INET6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4;
	uint8_t data[7] = { (uint8_t)(afi >> 8), (uint8_t)afi, BGP_SAFI_UNICAST,
			    (uint8_t)(limit >> 24), (uint8_t)(limit >> 16),
			    (uint8_t)(limit >> 8), (uint8_t)limit };
	p->maxpfx_down = true;
	bgp_session_stop(p, BGP_ERR_CEASE, BGP_SUB_CEASE_MAX_PREFIX, data,
			 sizeof(data), "maximum prefix limit exceeded");
	return false;
}

/* Adds one prefix with attrs; false if the session was closed. */
static bool announce_one(struct bgp_peer *p, const struct ip_prefix *pfx,
			 struct bgp_attrs *attrs)
{
	struct bgp *bgp = p->bgp;
	p->st.prefixes_received++;
	if (!bgp_policy_prefix_ok(&p->cfg.import, pfx)) {
		p->st.prefixes_denied++;
		withdraw_one(p, pfx);
		return true;
	}
	struct bgp_rnode *rn = bgp_rib_get(&bgp->rib, pfx);
	if (rn == NULL)
		return true;
	struct bgp_rpath *old = bgp_rnode_path(rn, p->slot);
	if (old == NULL && !max_prefix_ok(p, pfx)) {
		if (rn->paths == NULL)
			gc_add(bgp, rn);
		return p->state == BGP_ESTABLISHED;
	}
	uint8_t old_flags = old ? old->flags : 0;
	int rc = bgp_rib_set_path(&bgp->rib, rn, p->slot, bgp_attrs_ref(attrs));
	if (rc != 0 || (old_flags & BGP_RP_STALE))
		bgp_rib_changed(bgp, rn, rc == 1 && old != NULL, old_flags);
	return true;
}

/*
 * Returns false if the session was closed (max-prefix). Prefixes go in
 * batches: parse and prefetch the table slots of 32, then insert them, so
 * the table's cache misses overlap.
 */
#define BATCH 32
static bool announce_field(struct bgp_peer *p, struct rd *field, uint8_t af,
			   struct bgp_attrs *attrs)
{
	struct rd r = *field;
	struct ip_prefix pfx[BATCH];
	size_t n;
	do {
		n = 0;
		while (n < BATCH && bgp_nlri_next(&r, af, &pfx[n])) {
			bgp_rib_prefetch(&p->bgp->rib, &pfx[n]);
			n++;
		}
		for (size_t i = 0; i < n; i++) {
			if (!announce_one(p, &pfx[i], attrs))
				return false;
		}
	} while (n == BATCH);
	return true;
}

static void log_disp(struct bgp_peer *p, const struct bgp_update *u)
{
	const char *what = u->disp.kind == BGP_TREAT_AS_WITHDRAW ?
				   "treat-as-withdraw" : "attribute discarded";
	if (u->disp.kind == BGP_TREAT_AS_WITHDRAW)
		p->st.treat_as_withdraw++;
	p->st.attr_discarded += u->n_discarded;
	int64_t now = loop_now(p->bgp->loop).ns / 1000000000LL;
	if (log_limit_allow(&p->lim, now))
		vlog(VLOG_WARN, "bgp", p->ctx, "malformed UPDATE (%s%s%s): %s",
		     bgp_suberr_name(BGP_ERR_UPDATE, u->disp.sub),
		     u->disp.attr ? ", " : "",
		     u->disp.attr ? bgp_attr_name(u->disp.attr) : "", what);
}

/* Semantic checks needing session context: loops, our own next hop. */
static bool attrs_acceptable(struct bgp_peer *p, const struct bgp_attrs *a)
{
	if (bgp_aspath_contains(a, p->bgp->cfg.asn))
		return false; /* RFC 4271 9.1.2: AS_PATH loop */
	return true;
}

static void eor_received(struct bgp_peer *p, uint16_t afi)
{
	vlog(VLOG_INFO, "bgp", p->ctx, "End-of-RIB received for %s",
	     afi == BGP_AFI_IPV6 ? "IPv6" : "IPv4");
	if (p->gr_stale)
		bgp_import_drop_stale(p, afi == BGP_AFI_IPV6 ? AF_INET6 : AF_INET);
}

/* One reachable NLRI field with its family and next hop. */
struct reach {
	struct rd nlri;
	uint8_t af;
	struct ip_addr nh, nh_ll;
};

static size_t reach_fields(const struct bgp_peer *p, const struct bgp_update *u,
			   struct reach out[2])
{
	size_t n = 0;
	if (!rd_done(&u->nlri))
		out[n++] = (struct reach){ u->nlri, AF_INET, u->attrs.nexthop, { 0 } };
	if (u->mp_reach && u->reach_safi == BGP_SAFI_UNICAST &&
	    !rd_done(&u->reach_nlri)) {
		if (u->reach_afi == BGP_AFI_IPV6 && p->v6)
			out[n++] = (struct reach){ u->reach_nlri, AF_INET6,
						   u->mp_nh, u->mp_nh_ll };
		else if (u->reach_afi == BGP_AFI_IPV4 && p->v4)
			out[n++] = (struct reach){ u->reach_nlri, AF_INET,
						   u->mp_nh, { 0 } };
	}
	return n;
}

static void import_reach(struct bgp_peer *p, struct bgp_update *u, bool usable)
{
	struct bgp *bgp = p->bgp;
	struct reach f[2];
	size_t n = reach_fields(p, u, f);
	if (n == 0)
		return;
	struct bgp_attrs a = u->attrs;
	if (usable)
		bgp_policy_import(p, &a, bgp->scratch.comm, BGP_SCRATCH_COMM);
	for (size_t i = 0; i < n; i++) {
		if (!usable) {
			withdraw_field(p, &f[i].nlri, f[i].af);
			continue;
		}
		a.nexthop = f[i].nh;
		a.nexthop_ll = f[i].nh_ll;
		if (p->conn && ip_addr_eq(&a.nexthop, &p->conn->local)) {
			withdraw_field(p, &f[i].nlri, f[i].af); /* RFC 7606 7.3 */
			continue;
		}
		struct bgp_attrs *in = bgp_attrs_intern(&bgp->rib.attrs, &a);
		if (in == NULL)
			continue;
		bool alive = announce_field(p, &f[i].nlri, f[i].af, in);
		bgp_attrs_unref(&bgp->rib.attrs, in);
		if (!alive)
			return;
	}
}

void bgp_import_update(struct bgp_peer *p, struct rd *body)
{
	struct bgp *bgp = p->bgp;
	struct bgp_decode_ctx ctx = { .as4 = p->as4, .ebgp = p->ebgp,
				      .peer_as = p->cfg.remote_as, .v6 = p->v6 };
	struct bgp_update u;
	bgp_update_decode(body, &ctx, &bgp->scratch, &u);
	bgp->updates_in++;
	if (u.disp.kind == BGP_RESET) {
		bgp_session_stop(p, u.disp.code, u.disp.sub, u.disp.data,
				 u.disp.data_len, "malformed UPDATE");
		return;
	}
	if (u.disp.kind != BGP_OK)
		log_disp(p, &u);
	uint16_t afi;
	if (bgp_update_is_eor(&u, &afi)) {
		eor_received(p, afi);
		return;
	}
	withdraw_field(p, &u.withdrawn, AF_INET);
	if (u.mp_unreach && u.unreach_safi == BGP_SAFI_UNICAST &&
	    u.unreach_afi == BGP_AFI_IPV6 && p->v6)
		withdraw_field(p, &u.unreach_nlri, AF_INET6);
	bool usable = u.disp.kind != BGP_TREAT_AS_WITHDRAW &&
		      attrs_acceptable(p, &u.attrs);
	import_reach(p, &u, usable);
}

/* ---- peer-wide operations ---- */

void bgp_import_flush_peer(struct bgp_peer *p, uint8_t stale_afs)
{
	struct bgp *bgp = p->bgp;
	size_t pos = 0;
	struct bgp_rnode *rn;
	if (bgp->rib.src[p->slot].n_paths == 0)
		pos = SIZE_MAX; /* nothing to walk */
	while ((rn = bgp_rib_next(&bgp->rib, &pos)) != NULL) {
		struct bgp_rpath *path = bgp_rnode_path(rn, p->slot);
		if (path == NULL)
			continue;
		if (stale_afs & (rn->af == AF_INET6 ? 2 : 1)) {
			path->flags |= BGP_RP_STALE;
			continue;
		}
		uint8_t flags = path->flags;
		bgp_rib_del_path(&bgp->rib, rn, p->slot);
		bgp_rib_changed(bgp, rn, (flags & BGP_RP_MULTIPATH) != 0, flags);
	}
	if (stale_afs == 0)
		p->gr_stale = false;
	bgp_export_flush_all(bgp);
}

void bgp_import_drop_stale(struct bgp_peer *p, int family)
{
	struct bgp *bgp = p->bgp;
	size_t pos = 0, dropped = 0;
	struct bgp_rnode *rn;
	while ((rn = bgp_rib_next(&bgp->rib, &pos)) != NULL) {
		if (family != 0 && rn->af != family)
			continue;
		struct bgp_rpath *path = bgp_rnode_path(rn, p->slot);
		if (path == NULL || !(path->flags & BGP_RP_STALE))
			continue;
		uint8_t flags = path->flags;
		bgp_rib_del_path(&bgp->rib, rn, p->slot);
		bgp_rib_changed(bgp, rn, (flags & BGP_RP_MULTIPATH) != 0, flags);
		dropped++;
	}
	if (family == 0 || !p->v6 || family == AF_INET6) {
		p->gr_stale = false;
		loop_timer_cancel(bgp->loop, &p->t_gr);
	}
	if (dropped > 0)
		vlog(VLOG_INFO, "bgp", p->ctx, "dropped %zu stale routes", dropped);
	bgp_export_flush_all(bgp);
}
