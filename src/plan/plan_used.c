/*
 * What the topology already uses, so planned addresses never collide with
 * anything in the file: every address and prefix of both clouds and the
 * on-prem site, plus whatever earlier planning steps filled in.
 */
#include <stdarg.h>
#include <stdio.h>

#include "plan/plan_priv.h"

void plan_report(struct diag_list *d, const struct topology *t,
		 const struct topo_pos *at, const char *rule, const char *hint,
		 const char *fmt, ...)
{
	struct diag_pos pos = { t->file, at->line, at->col };
	va_list ap;
	va_start(ap, fmt);
	diag_addv(d, DIAG_ERROR, &pos, at->path, rule, hint, fmt, ap);
	va_end(ap);
}

/* Calls fn on every address of the topology until it returns true. */
static bool any_addr(const struct topology *t,
		     bool (*fn)(const struct ip_addr *a, const void *arg),
		     const void *arg)
{
	const struct topo_azure_gateway *gw = &t->azure.gateway;
	for (size_t i = 0; t->azure.present && i < gw->n_public_ips; i++)
		if (fn(&gw->public_ips[i].address, arg))
			return true;
	for (size_t i = 0; t->azure.present && i < gw->n_apipa_lists; i++)
		for (size_t j = 0; j < gw->n_apipa[i]; j++)
			if (fn(&gw->apipa[i][j], arg))
				return true;
	for (size_t i = 0; i < t->azure.n_lngs; i++) {
		const struct topo_lng *l = &t->azure.lngs[i];
		if (fn(&l->endpoint_ip, arg) ||
		    (l->bgp_peer_ip_set && fn(&l->bgp_peer_ip, arg)))
			return true;
	}
	for (size_t i = 0; i < t->azure.n_conns; i++)
		for (size_t j = 0; j < TOPO_MAX_INSTANCES; j++)
			if (t->azure.conns[i].custom_bgp_has[j] &&
			    fn(&t->azure.conns[i].custom_bgp[j], arg))
				return true;
	for (size_t i = 0; i < t->aws.n_cgws; i++)
		if (fn(&t->aws.cgws[i].ip_address, arg))
			return true;
	for (size_t v = 0; v < t->aws.n_vpns; v++)
		for (size_t k = 0; k < t->aws.vpns[v].n_tunnels; k++) {
			const struct topo_tunnel *tun = &t->aws.vpns[v].tunnels[k];
			if (tun->outside_ip_set && fn(&tun->outside_ip, arg))
				return true;
		}
	return t->onprem.present && fn(&t->onprem.public_ip, arg);
}

/* Calls fn on every prefix of the topology until it returns true. */
static bool any_prefix(const struct topology *t,
		       bool (*fn)(const struct ip_prefix *p, const void *arg),
		       const void *arg)
{
	const struct topo_vnet *vn = &t->azure.vnet;
	for (size_t i = 0; t->azure.present && i < vn->n_spaces; i++)
		if (fn(&vn->spaces[i], arg))
			return true;
	for (size_t i = 0; t->azure.present && i < vn->n_subnets; i++)
		if (fn(&vn->subnets[i].prefix, arg))
			return true;
	for (size_t i = 0; i < t->azure.n_lngs; i++)
		for (size_t j = 0; j < t->azure.lngs[i].n_spaces; j++)
			if (fn(&t->azure.lngs[i].spaces[j], arg))
				return true;
	if (t->aws.present && fn(&t->aws.vpc.cidr, arg))
		return true;
	for (size_t v = 0; v < t->aws.n_vpns; v++)
		for (size_t k = 0; k < t->aws.vpns[v].n_tunnels; k++) {
			const struct topo_tunnel *tun = &t->aws.vpns[v].tunnels[k];
			if (tun->inside_cidr_set && fn(&tun->inside_cidr, arg))
				return true;
		}
	for (size_t i = 0; t->onprem.present && i < t->onprem.n_spaces; i++)
		if (fn(&t->onprem.spaces[i], arg))
			return true;
	return false;
}

static bool addr_eq(const struct ip_addr *a, const void *arg)
{
	return ip_addr_eq(a, arg);
}

static bool prefix_has_addr(const struct ip_prefix *p, const void *arg)
{
	return ip_prefix_contains_addr(p, arg);
}

static bool addr_in(const struct ip_addr *a, const void *arg)
{
	return ip_prefix_contains_addr(arg, a);
}

static bool prefix_overlaps(const struct ip_prefix *p, const void *arg)
{
	return ip_prefix_overlaps(p, arg);
}

bool plan_addr_used(const struct plan *p, const struct ip_addr *a)
{
	return any_addr(&p->topo, addr_eq, a) ||
	       any_prefix(&p->topo, prefix_has_addr, a);
}

bool plan_prefix_used(const struct plan *p, const struct ip_prefix *c)
{
	return any_addr(&p->topo, addr_in, c) ||
	       any_prefix(&p->topo, prefix_overlaps, c);
}
