/*
 * Azure custom APIPA BGP addresses (configure-bgp; seed "选择 BGP APIPA
 * 地址"): in 169.254.21.0-169.254.22.255, unique across instances, and each
 * one the second host of the inside /30 of an AWS tunnel that reaches its
 * instance (AWS takes the first host).
 */
#include "config/validate_priv.h"

/* Does a tunnel facing instance inst have peer (second host) addr? */
static bool used_by_instance(const struct topo_vd *v, int inst,
			     const struct ip_addr *addr)
{
	const struct topo_aws *aws = &v->t->aws;
	for (size_t i = 0; i < aws->n_vpns; i++) {
		if (topo_vd_instance(v, i) != inst)
			continue;
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			const struct topo_tunnel *tun = &aws->vpns[i].tunnels[k];
			struct ip_addr peer = topology_tunnel_peer_ip(tun);
			if (tun->inside_cidr_set && ip_addr_eq(&peer, addr))
				return true;
		}
	}
	return false;
}

/* The tunnel whose AWS (first host) address is addr, if any. */
static const struct topo_tunnel *aws_side_of(const struct topo_vd *v,
					     const struct ip_addr *addr)
{
	const struct topo_aws *aws = &v->t->aws;
	for (size_t i = 0; i < aws->n_vpns; i++)
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			const struct topo_tunnel *tun = &aws->vpns[i].tunnels[k];
			struct ip_addr mine = topology_tunnel_aws_ip(tun);
			if (tun->inside_cidr_set && ip_addr_eq(&mine, addr))
				return tun;
		}
	return NULL;
}

static bool any_inside_planned(const struct topo_vd *v)
{
	const struct topo_aws *aws = &v->t->aws;
	for (size_t i = 0; i < aws->n_vpns; i++) {
		if (aws->vpns[i].n_tunnels == 0)
			return true;
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++)
			if (!aws->vpns[i].tunnels[k].inside_cidr_set)
				return true;
	}
	return false;
}

static void check_one(struct topo_vd *v, size_t inst, size_t j)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	const struct ip_addr *a = &gw->apipa[inst][j];
	const struct topo_pos *at = &gw->apipa_addr_at[inst][j];
	char s[IP_PREFIX_STRLEN], p[IP_PREFIX_STRLEN];
	topo_vd_ip(a, s);
	if (!topo_vd_in_azure_apipa(a)) {
		topo_vd_report(v, DIAG_ERROR, at, "azure.apipa.range",
			       "Azure accepts custom APIPA addresses in "
			       "169.254.21.0-169.254.22.255 only",
			       "APIPA address %s is outside "
			       "169.254.21.0-169.254.22.255", s);
		return;
	}
	for (size_t i2 = 0; i2 <= inst; i2++)
		for (size_t j2 = 0; j2 < (i2 == inst ? j : gw->n_apipa[i2]); j2++)
			if (ip_addr_eq(&gw->apipa[i2][j2], a)) {
				topo_vd_report(v, DIAG_ERROR, at,
					       "azure.apipa.duplicate",
					       "APIPA addresses may not overlap "
					       "between instances or tunnels",
					       "APIPA address %s already used "
					       "by instance %zu (line %u)", s,
					       i2, gw->apipa_addr_at[i2][j2].line);
				return;
			}
	const struct topo_tunnel *tun = aws_side_of(v, a);
	if (tun != NULL) {
		struct ip_addr peer = topology_tunnel_peer_ip(tun);
		topo_vd_report(v, DIAG_ERROR, at, "azure.apipa.aws_host",
			       "AWS takes the first host of the /30, Azure the "
			       "second",
			       "APIPA address %s is the AWS address (first host) "
			       "of inside CIDR %s; Azure's is %s", s,
			       topo_vd_pfx(&tun->inside_cidr, p),
			       topo_vd_ip(&peer, p));
		return;
	}
	if (!any_inside_planned(v) && !used_by_instance(v, (int)inst, a))
		topo_vd_report(v, DIAG_WARNING, at, "azure.apipa.unused",
			       "each APIPA address should be the second host of "
			       "the inside /30 of a tunnel to this instance",
			       "APIPA address %s of instance %zu is not used by "
			       "any AWS tunnel reaching instance %zu",
			       s, inst, inst);
}

/* Each tunnel to instance i needs its Azure address in i's list. */
static void check_tunnels(struct topo_vd *v)
{
	const struct topo_aws *aws = &v->t->aws;
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	char s[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < aws->n_vpns; i++) {
		int inst = topo_vd_instance(v, i);
		if (inst < 0 || (size_t)inst >= gw->n_apipa_lists)
			continue;
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			const struct topo_tunnel *tun = &aws->vpns[i].tunnels[k];
			struct ip_addr peer = topology_tunnel_peer_ip(tun);
			bool found = false;
			for (size_t j = 0; j < gw->n_apipa[inst] && !found; j++)
				found = ip_addr_eq(&gw->apipa[inst][j], &peer);
			if (!tun->inside_cidr_set || found ||
			    (v->t->azure.lngs_given && v->l.tunnel_lng[i][k] < 0))
				continue; /* no Azure side: warned elsewhere */
			topo_vd_report(v, DIAG_ERROR, &tun->inside_cidr_at,
				       "azure.apipa.missing",
				       "add it to the instance's "
				       "apipa_addresses list",
				       "Azure address %s of this tunnel (second "
				       "host) is not an APIPA address of "
				       "instance %d",
				       topo_vd_ip(&peer, s), inst);
		}
	}
}

void topo_vd_apipa(struct topo_vd *v)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	if (!v->t->azure.present || !gw->apipa_set)
		return;
	for (size_t i = 0; i < gw->n_apipa_lists; i++)
		for (size_t j = 0; j < gw->n_apipa[i]; j++)
			check_one(v, i, j);
	check_tunnels(v);
}
