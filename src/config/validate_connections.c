/*
 * Azure connections and AWS VPN connections: custom BGP addresses (seed
 * Part 3 table and its "Important" note), BGP switched on wherever the
 * routing is dynamic, and the connection-level options both clouds must
 * agree on.
 */
#include "config/validate_priv.h"

#include <string.h>

static const char *const slot_name[TOPO_MAX_INSTANCES] = { "primary",
							   "secondary" };

static bool in_list(const struct topo_azure_gateway *gw, size_t inst,
		    const struct ip_addr *a)
{
	for (size_t j = 0; inst < gw->n_apipa_lists && j < gw->n_apipa[inst]; j++)
		if (ip_addr_eq(&gw->apipa[inst][j], a))
			return true;
	return false;
}

/* No custom address for the instance: Azure uses its first APIPA one. */
static void custom_missing(struct topo_vd *v, const struct topo_connection *c,
			   int inst, const struct ip_addr *want)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	char s[IP_PREFIX_STRLEN], w[IP_PREFIX_STRLEN];
	const struct topo_pos *at = &c->custom_bgp_at;
	if (!gw->apipa_set || (size_t)inst >= gw->n_apipa_lists ||
	    gw->n_apipa[inst] == 0)
		return; /* planned: the planner fills both in */
	/* Each instance falls back to the first address of its own list. */
	const struct ip_addr *first = &gw->apipa[inst][0];
	topo_vd_ip(first, s);
	topo_vd_ip(want, w);
	if (ip_addr_eq(first, want))
		topo_vd_report(v, DIAG_WARNING, at, "conn.custom_bgp_missing",
			       "set custom_bgp_addresses explicitly",
			       "no %s custom BGP address: the connection "
			       "relies on the first APIPA address %s",
			       slot_name[inst], s);
	else
		topo_vd_report(v, DIAG_WARNING, at, "conn.custom_bgp_missing",
			       "set it to this tunnel's Azure address",
			       "no %s custom BGP address: the connection will "
			       "use the first APIPA address %s instead of %s "
			       "and its BGP session will not come up",
			       slot_name[inst], s, w);
}

static void custom_slot(struct topo_vd *v, const struct topo_connection *c,
			size_t slot, int inst, const struct topo_tunnel *tun)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	char s[IP_PREFIX_STRLEN], w[IP_PREFIX_STRLEN];
	const struct ip_addr *a = &c->custom_bgp[slot];
	const struct topo_pos *at = &c->custom_bgp_addr_at[slot];
	if (slot >= gw->n_public_ips) {
		topo_vd_report(v, DIAG_ERROR, at, "conn.custom_bgp_instance",
			       "remove it: the gateway has one instance",
			       "%s custom BGP address applies to instance "
			       "%zu, which does not exist",
			       slot_name[slot], slot);
		return;
	}
	struct ip_addr want = topology_tunnel_peer_ip(tun);
	if ((int)slot == inst && tun->inside_cidr_set &&
	    !ip_addr_eq(a, &want)) {
		topo_vd_report(v, DIAG_ERROR, at, "conn.custom_bgp_wrong",
			       "primary serves instance 0, secondary "
			       "instance 1; use the tunnel's Azure address",
			       "%s custom BGP address %s is not this tunnel's "
			       "Azure address %s (instance %d)",
			       slot_name[slot], topo_vd_ip(a, s),
			       topo_vd_ip(&want, w), inst);
		return;
	}
	if (gw->apipa_set && !in_list(gw, slot, a))
		topo_vd_report(v, DIAG_ERROR, at, "conn.custom_bgp_not_apipa",
			       "each custom BGP address must be one of the "
			       "instance's apipa_addresses",
			       "%s custom BGP address %s is not an APIPA "
			       "address of instance %zu",
			       slot_name[slot], topo_vd_ip(a, s), slot);
}

static void check_custom_bgp(struct topo_vd *v, size_t ci)
{
	const struct topo_connection *c = &v->t->azure.conns[ci];
	size_t vpn, k;
	if (!topo_vd_conn_tunnel(v, ci, &vpn, &k))
		return;
	int inst = topo_vd_instance(v, vpn);
	const struct topo_tunnel *tun = &v->t->aws.vpns[vpn].tunnels[k];
	if (inst < 0)
		return;
	struct ip_addr want = topology_tunnel_peer_ip(tun);
	if (!c->custom_bgp_has[inst] && tun->inside_cidr_set)
		custom_missing(v, c, inst, &want);
	for (size_t s = 0; s < TOPO_MAX_INSTANCES; s++)
		if (c->custom_bgp_has[s])
			custom_slot(v, c, s, inst, tun);
}

/* BGP on wherever the AWS side routes dynamically. */
static void check_bgp_enabled(struct topo_vd *v, size_t ci)
{
	const struct topology *t = v->t;
	const struct topo_connection *c = &t->azure.conns[ci];
	if (!c->enable_bgp)
		topo_vd_report(v, DIAG_ERROR, &c->enable_bgp_at,
			       "bgp.conn_disabled", "set enable_bgp: true",
			       "BGP is off on a connection to a dynamic "
			       "(BGP) AWS VPN connection");
	int l = v->l.conn_lng[ci];
	if (l >= 0 && (!t->azure.lngs[l].bgp_asn_set ||
		       !t->azure.lngs[l].bgp_peer_ip_set))
		topo_vd_report(v, DIAG_ERROR, &t->azure.lngs[l].name_at,
			       "bgp.lng_settings",
			       "set bgp_asn (the VGW ASN) and bgp_peer_ip",
			       "LNG '%s' has no BGP settings but the routing "
			       "is dynamic", t->azure.lngs[l].name);
	for (size_t j = 0; j < ci; j++)
		if (v->l.conn_lng[j] >= 0 && v->l.conn_lng[j] == l)
			topo_vd_report(v, DIAG_ERROR, &c->lng_at,
				       "conn.lng_reused",
				       "one connection per LNG (per AWS "
				       "tunnel)",
				       "LNG '%s' is already used by connection "
				       "'%s'", c->lng, t->azure.conns[j].name);
}

static void check_azure_conn(struct topo_vd *v, size_t ci)
{
	const struct topo_connection *c = &v->t->azure.conns[ci];
	if (c->dpd_timeout_s < 9 || c->dpd_timeout_s > 3600)
		topo_vd_report(v, DIAG_ERROR, &c->dpd_timeout_s_at,
			       "azure.dpd_timeout",
			       "Azure accepts 9..3600 s (default 45)",
			       "DPD timeout %llu s out of range",
			       (unsigned long long)c->dpd_timeout_s);
	if (c->use_policy_based_selectors && !c->policy.custom)
		topo_vd_report(v, DIAG_ERROR,
			       &c->use_policy_based_selectors_at,
			       "azure.policy_selectors",
			       "set a custom ipsec_policy, or leave it false "
			       "(AWS proposes 0.0.0.0/0)",
			       "policy-based traffic selectors need a custom "
			       "IPsec/IKE policy");
	check_bgp_enabled(v, ci);
	check_custom_bgp(v, ci);
}

static void check_vpn(struct topo_vd *v, size_t i)
{
	const struct topology *t = v->t;
	const struct topo_vpn *c = &t->aws.vpns[i];
	struct ip_prefix any = topo_vd_prefix("0.0.0.0/0");
	char s[IP_PREFIX_STRLEN];
	if (c->routing != TOPO_ROUTING_DYNAMIC)
		topo_vd_report(v, DIAG_ERROR, &c->routing_at, "aws.routing",
			       "use routing: dynamic (requires BGP)",
			       "static routing is not supported: every tunnel "
			       "runs BGP");
	int g = v->l.vpn_cgw[i];
	for (size_t j = 0; g >= 0 && j < i; j++)
		if (v->l.vpn_cgw[j] == g &&
		    strcmp(t->aws.vpns[j].vpn_gateway, c->vpn_gateway) == 0)
			topo_vd_report(v, DIAG_ERROR, &c->customer_gateway_at,
				       "aws.cgw_reused",
				       "one VPN connection per customer gateway "
				       "and VGW; give each Azure instance its "
				       "own customer gateway",
				       "customer gateway '%s' already has VPN "
				       "connection '%s' on this VGW",
				       c->customer_gateway,
				       t->aws.vpns[j].name);
	if (g >= 0 && t->aws.cgws[g].routing != c->routing)
		topo_vd_report(v, DIAG_ERROR, &t->aws.cgws[g].routing_at,
			       "aws.routing", "use routing: dynamic",
			       "customer gateway routing differs from VPN "
			       "connection '%s'", c->name);
	if (c->inside_ip_version != 4)
		topo_vd_report(v, DIAG_ERROR, &c->inside_ip_version_at,
			       "aws.inside_ip_version",
			       "IPv6 tunnels need a transit gateway",
			       "a virtual private gateway supports only IPv4 "
			       "tunnel inside addresses");
	if (!ip_prefix_eq(&c->local_cidr, &any))
		topo_vd_report(v, DIAG_WARNING, &c->local_cidr_at,
			       "aws.selectors", "keep 0.0.0.0/0",
			       "local_ipv4_network_cidr %s narrows the traffic "
			       "selectors; a route-based peer expects any",
			       topo_vd_pfx(&c->local_cidr, s));
	if (!ip_prefix_eq(&c->remote_cidr, &any))
		topo_vd_report(v, DIAG_WARNING, &c->remote_cidr_at,
			       "aws.selectors", "keep 0.0.0.0/0",
			       "remote_ipv4_network_cidr %s narrows the traffic "
			       "selectors; a route-based peer expects any",
			       topo_vd_pfx(&c->remote_cidr, s));
}

static void check_aws_misc(struct topo_vd *v)
{
	const struct topology *t = v->t;
	for (size_t g = 0; g < t->aws.n_cgws; g++) {
		bool used = false;
		for (size_t i = 0; i < t->aws.n_vpns && !used; i++)
			used = v->l.vpn_cgw[i] == (int)g;
		if (!used)
			topo_vd_report(v, DIAG_WARNING, &t->aws.cgws[g].name_at,
				       "aws.cgw_unused",
				       "add a VPN connection for it or remove "
				       "it",
				       "customer gateway '%s' is used by no "
				       "VPN connection", t->aws.cgws[g].name);
	}
	if (t->aws.present && !t->aws.vgw.route_propagation)
		topo_vd_report(v, DIAG_WARNING, &t->aws.vgw.route_propagation_at,
			       "aws.route_propagation",
			       "set route_propagation: true",
			       "VPC route tables will not learn the BGP routes "
			       "of the VPN");
	const struct topo_azure_gateway *gw = &t->azure.gateway;
	if (t->azure.present && t->aws.n_vpns > 0 && !gw->bgp_enabled)
		topo_vd_report(v, DIAG_ERROR, &gw->bgp_enabled_at,
			       "bgp.gateway_disabled", "set bgp_enabled: true",
			       "BGP is off on the Azure gateway but the AWS "
			       "routing is dynamic");
}

void topo_vd_connections(struct topo_vd *v)
{
	for (size_t i = 0; i < v->t->aws.n_vpns; i++)
		check_vpn(v, i);
	check_aws_misc(v);
	for (size_t i = 0; i < v->t->azure.n_conns; i++)
		check_azure_conn(v, i);
}
