/*
 * Per-neighbour policy: prefix lists, refused exact prefixes, and the
 * attribute transforms applied on import (local-pref, MED, communities,
 * GRACEFUL_SHUTDOWN receipt) and on export (eBGP/iBGP rules, next hop
 * self, AS prepend, MED, communities, GRACEFUL_SHUTDOWN).
 *
 * Transforms depend only on the attribute set, never on the prefix, so the
 * result is computed once per (peer, attribute set) and cached.
 */
#include "bgp/bgp_priv.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_LOCAL_PREF 100

static bool rule_match(const struct bgp_prefix_rule *r,
		       const struct ip_prefix *p)
{
	if (!ip_prefix_contains(&r->prefix, p))
		return false;
	uint8_t ge = r->ge ? r->ge : r->prefix.len;
	uint8_t le = r->le ? r->le : (r->ge ? (p->addr.family == AF_INET ? 32 : 128)
					    : r->prefix.len);
	return p->len >= ge && p->len <= le;
}

bool bgp_policy_prefix_ok(const struct bgp_policy *pol,
			  const struct ip_prefix *p)
{
	for (size_t i = 0; i < pol->n_deny_exact; i++) {
		if (ip_prefix_eq(&pol->deny_exact[i], p))
			return false;
	}
	if (pol->n_rules == 0)
		return true;
	for (size_t i = 0; i < pol->n_rules; i++) {
		if (rule_match(&pol->rules[i], p))
			return pol->rules[i].permit;
	}
	return false;
}

static void *dup_array(const void *src, size_t n, size_t size)
{
	if (n == 0 || src == NULL)
		return NULL;
	void *d = malloc(n * size);
	if (d != NULL)
		memcpy(d, src, n * size);
	return d;
}

bool bgp_policy_copy(struct bgp_policy *dst, struct bgp_policy_store *store,
		     const struct bgp_policy *src)
{
	memset(store, 0, sizeof(*store));
	*dst = *src;
	store->rules = dup_array(src->rules, src->n_rules, sizeof(*src->rules));
	store->deny_exact = dup_array(src->deny_exact, src->n_deny_exact,
				      sizeof(*src->deny_exact));
	store->communities = dup_array(src->communities, src->n_communities,
				       sizeof(*src->communities));
	if ((src->n_rules && !store->rules) ||
	    (src->n_deny_exact && !store->deny_exact) ||
	    (src->n_communities && !store->communities)) {
		bgp_policy_store_free(store);
		return false;
	}
	dst->rules = store->rules;
	dst->deny_exact = store->deny_exact;
	dst->communities = store->communities;
	return true;
}

void bgp_policy_store_free(struct bgp_policy_store *s)
{
	free(s->rules);
	free(s->deny_exact);
	free(s->communities);
	memset(s, 0, sizeof(*s));
}

static bool has_comm(const uint32_t *c, size_t n, uint32_t v)
{
	for (size_t i = 0; i < n; i++) {
		if (c[i] == v)
			return true;
	}
	return false;
}

/* Copies a's communities into buf and adds extra ones (deduplicated). */
static void comm_merge(struct bgp_attrs *a, uint32_t *buf, size_t cap,
		       const uint32_t *extra, size_t n_extra, bool gshut)
{
	if (n_extra == 0 && !gshut)
		return;
	size_t n = a->n_comm < cap ? a->n_comm : cap;
	if (a->comm != buf && n > 0)
		memmove(buf, a->comm, n * 4);
	for (size_t i = 0; i < n_extra && n < cap; i++) {
		if (!has_comm(buf, n, extra[i]))
			buf[n++] = extra[i];
	}
	if (gshut && n < cap && !has_comm(buf, n, BGP_COMM_GSHUT))
		buf[n++] = BGP_COMM_GSHUT;
	a->comm = buf;
	a->n_comm = (uint16_t)n;
}

void bgp_policy_import(const struct bgp_peer *p, struct bgp_attrs *a,
		       uint32_t *comm_buf, size_t comm_cap)
{
	const struct bgp_policy *pol = &p->cfg.import;
	if (pol->set_local_pref) {
		a->local_pref = pol->local_pref;
		a->flags |= BGP_A_LOCAL_PREF;
	} else if (p->ebgp) {
		a->local_pref = DEFAULT_LOCAL_PREF;
		a->flags |= BGP_A_LOCAL_PREF;
	}
	if (pol->set_med) {
		a->med = pol->med;
		a->flags |= BGP_A_MED;
	}
	comm_merge(a, comm_buf, comm_cap, pol->communities, pol->n_communities,
		   false);
	/* RFC 8326 4.2: a path carrying GRACEFUL_SHUTDOWN gets LOCAL_PREF 0. */
	if (has_comm(a->comm, a->n_comm, BGP_COMM_GSHUT)) {
		a->local_pref = 0;
		a->flags |= BGP_A_LOCAL_PREF;
	}
}

/* The session's local address in the family of the route's next hop, or
 * the configured next hop for the other family (unset if none). */
static struct ip_addr self_nexthop(const struct bgp_peer *p, uint8_t family)
{
	struct ip_addr l = p->conn ? p->conn->local : p->cfg.local;
	if (l.family == family)
		return l;
	/* An IPv4-mapped address would be read as IPv4 by BIRD and cannot be
	 * a kernel IPv6 gateway: use the configured one instead. */
	return family == AF_INET6 ? p->cfg.nexthop6 : p->cfg.nexthop4;
}

static bool export_aspath(const struct bgp_peer *p, struct bgp_attrs *o,
			  struct bgp_attr_buf *buf)
{
	unsigned n = p->cfg.export.prepend + (p->ebgp ? 1u : 0u);
	if (n == 0)
		return true;
	size_t len = bgp_aspath_prepend(o, p->bgp->cfg.asn, n, buf->aspath,
					sizeof(buf->aspath));
	if (len == 0)
		return false;
	o->aspath = buf->aspath;
	o->aspath_len = (uint16_t)len;
	return true;
}

bool bgp_policy_export(const struct bgp_peer *p, const struct bgp_attrs *src,
		       const struct bgp_src *from, struct bgp_attrs *out,
		       struct bgp_attr_buf *buf)
{
	const struct bgp_policy *pol = &p->cfg.export;
	*out = *src;
	out->refcnt = 0;
	out->hnext = NULL;
	out->flags &= (uint8_t)~BGP_A_ORIGINATOR;
	if (!export_aspath(p, out, buf))
		return false;
	uint8_t fam = src->nexthop.family; /* local sets carry the family too */
	bool local = from->local;
	if (p->ebgp || p->cfg.next_hop_self || local) {
		out->nexthop = self_nexthop(p, fam);
		memset(&out->nexthop_ll, 0, sizeof(out->nexthop_ll));
		/* A route needs a next hop of its own family (no RFC 8950). */
		if (out->nexthop.family != fam)
			return false;
	}
	if (p->ebgp) {
		out->flags &= (uint8_t)~BGP_A_LOCAL_PREF;
		/* RFC 4271 5.1.4: MED is not passed to another AS. */
		if (!local)
			out->flags &= (uint8_t)~BGP_A_MED;
	} else if (!(out->flags & BGP_A_LOCAL_PREF)) {
		out->local_pref = DEFAULT_LOCAL_PREF;
		out->flags |= BGP_A_LOCAL_PREF;
	}
	if (pol->set_med) {
		out->med = pol->med;
		out->flags |= BGP_A_MED;
	}
	comm_merge(out, buf->comm, BGP_SCRATCH_COMM, pol->communities,
		   pol->n_communities, pol->graceful_shutdown);
	/* RFC 8326 4.1: toward iBGP also lower LOCAL_PREF when draining. */
	if (pol->graceful_shutdown && !p->ebgp)
		out->local_pref = 0;
	bgp_aspath_derive(out);
	return true;
}
