/*
 * Active-active wiring (seed Parts 1-3): two public IPs and two APIPA
 * lists; each AWS customer gateway is one Azure instance's public IP, so
 * each AWS connection's two tunnels reach one instance; each Azure LNG is
 * one AWS tunnel: its outside IP, the VGW ASN and that tunnel's AWS BGP
 * address. An active-standby gateway takes one AWS tunnel.
 */
#include "config/validate_priv.h"

static void check_counts(struct topo_vd *v)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	size_t want = gw->active_active ? 2 : 1;
	if (gw->n_public_ips != want)
		topo_vd_report(v, DIAG_ERROR, &gw->public_ips_at,
			       "aa.public_ips",
			       gw->active_active
				       ? "an active-active gateway has one "
					 "public IP per instance"
				       : "an active-standby gateway has one "
					 "public IP",
			       "%s gateway needs %zu public IP(s), found %zu",
			       gw->active_active ? "active-active"
						 : "active-standby",
			       want, gw->n_public_ips);
	if (gw->apipa_set && gw->n_apipa_lists != want)
		topo_vd_report(v, DIAG_ERROR, &gw->apipa_at, "aa.apipa_lists",
			       "one APIPA list per gateway instance",
			       "%s gateway needs %zu APIPA list(s), found %zu",
			       gw->active_active ? "active-active"
						 : "active-standby",
			       want, gw->n_apipa_lists);
	if (!gw->active_active && gw->apipa_set && gw->n_apipa[0] > 1)
		topo_vd_report(v, DIAG_WARNING, &gw->apipa_at,
			       "aa.standby_one_apipa",
			       "enable active_active to reach several AWS "
			       "tunnels",
			       "an active-standby gateway supports one custom "
			       "APIPA address for AWS, found %zu",
			       gw->n_apipa[0]);
	if (!gw->active_active && v->t->azure.n_conns > 1)
		topo_vd_report(v, DIAG_ERROR, &v->t->azure.conns_at,
			       "aa.required",
			       "set gateway.active_active: true",
			       "%zu connections to AWS tunnels need an "
			       "active-active gateway",
			       v->t->azure.n_conns);
}

static void check_cgws(struct topo_vd *v)
{
	const struct topology *t = v->t;
	char s[IP_PREFIX_STRLEN];
	bool reached[TOPO_MAX_INSTANCES] = { false, false };
	for (size_t i = 0; i < t->aws.n_cgws; i++) {
		const struct topo_cgw *c = &t->aws.cgws[i];
		int inst = topology_azure_instance_of(t, &c->ip_address);
		if (inst >= 0)
			reached[inst] = true;
		bool onprem = t->onprem.present &&
			      ip_addr_eq(&c->ip_address, &t->onprem.public_ip);
		if (inst < 0 && !onprem)
			topo_vd_report(v, DIAG_ERROR, &c->ip_address_at,
				       "aa.cgw_ip",
				       "use the public IP of an Azure gateway "
				       "instance (or of onprem)",
				       "customer gateway IP %s is not a public "
				       "IP of the Azure gateway%s",
				       topo_vd_ip(&c->ip_address, s),
				       t->onprem.present ? " nor of onprem"
							 : "");
		for (size_t j = 0; j < i; j++)
			if (ip_addr_eq(&t->aws.cgws[j].ip_address,
				       &c->ip_address))
				topo_vd_report(v, DIAG_ERROR, &c->ip_address_at,
					       "aa.cgw_duplicate_ip",
					       "one customer gateway per Azure "
					       "instance",
					       "customer gateway IP %s is also "
					       "used by '%s'", s,
					       t->aws.cgws[j].name);
	}
	const struct topo_azure_gateway *gw = &t->azure.gateway;
	for (size_t i = 0; gw->active_active && i < gw->n_public_ips; i++)
		if (!reached[i])
			topo_vd_report(v, DIAG_WARNING, &gw->public_ips[i].at,
				       "aa.instance_unreached",
				       "add a customer gateway and VPN "
				       "connection for this instance",
				       "no AWS customer gateway points at "
				       "instance %zu (%s)", i,
				       gw->public_ips[i].name);
}

static void check_lng(struct topo_vd *v, size_t i)
{
	const struct topology *t = v->t;
	const struct topo_lng *l = &t->azure.lngs[i];
	char s[IP_PREFIX_STRLEN], p[IP_PREFIX_STRLEN];
	for (size_t j = 0; j < i; j++)
		if (ip_addr_eq(&t->azure.lngs[j].endpoint_ip, &l->endpoint_ip))
			topo_vd_report(v, DIAG_ERROR, &l->endpoint_ip_at,
				       "aa.lng_duplicate_endpoint",
				       "one LNG per AWS tunnel",
				       "endpoint %s is also used by LNG '%s'",
				       topo_vd_ip(&l->endpoint_ip, s),
				       t->azure.lngs[j].name);
	if (v->l.lng_vpn[i] < 0) {
		topo_vd_report(v, DIAG_ERROR, &l->endpoint_ip_at,
			       "aa.lng_endpoint",
			       "set it to an AWS tunnel's outside_ip",
			       "endpoint %s is not the outside IP of any AWS "
			       "tunnel", topo_vd_ip(&l->endpoint_ip, s));
		return;
	}
	const struct topo_tunnel *tun =
		&t->aws.vpns[v->l.lng_vpn[i]].tunnels[v->l.lng_tunnel[i]];
	struct ip_addr aws_ip = topology_tunnel_aws_ip(tun);
	if (l->bgp_peer_ip_set && tun->inside_cidr_set &&
	    !ip_addr_eq(&aws_ip, &l->bgp_peer_ip))
		topo_vd_report(v, DIAG_ERROR, &l->bgp_peer_ip_at,
			       "aa.lng_peer_ip",
			       "the LNG's BGP peer is the AWS (first) host of "
			       "the tunnel's inside /30",
			       "BGP peer IP %s is not the AWS BGP address %s of "
			       "tunnel %s", topo_vd_ip(&l->bgp_peer_ip, s),
			       topo_vd_ip(&aws_ip, p),
			       tun->inside_cidr_at.path);
}

/* With LNGs given, every AWS tunnel toward Azure should have one. */
static void check_tunnels_covered(struct topo_vd *v)
{
	const struct topo_aws *aws = &v->t->aws;
	char s[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < aws->n_vpns; i++) {
		if (topo_vd_instance(v, i) < 0)
			continue;
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			const struct topo_tunnel *tun = &aws->vpns[i].tunnels[k];
			if (!tun->outside_ip_set || v->l.tunnel_lng[i][k] >= 0)
				continue;
			topo_vd_report(v, DIAG_WARNING, &tun->outside_ip_at,
				       "aa.tunnel_without_lng",
				       "add a local network gateway and a "
				       "connection for it",
				       "AWS tunnel %s has no Azure LNG: it "
				       "will stay down",
				       topo_vd_ip(&tun->outside_ip, s));
		}
	}
}

void topo_vd_active_active(struct topo_vd *v)
{
	check_cgws(v);
	if (!v->t->azure.present)
		return;
	check_counts(v);
	for (size_t i = 0; i < v->t->azure.n_lngs; i++)
		check_lng(v, i);
	if (v->t->azure.lngs_given)
		check_tunnels_covered(v);
}
