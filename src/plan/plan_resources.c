/*
 * "What each side creates" part of the text plan, in the seed's order:
 * Azure (VNet, gateway, local network gateways, connections), AWS (VPC,
 * VGW, customer gateways, VPN connections with their tunnels), on-prem.
 */
#include <stdio.h>

#include "plan/plan_priv.h"

static const char *ipf(const struct ip_addr *a, char *buf)
{
	return ip_addr_fmt(a, buf, IP_PREFIX_STRLEN);
}

static const char *pfxf(const struct ip_prefix *p, char *buf)
{
	return ip_prefix_fmt(p, buf, IP_PREFIX_STRLEN);
}

static const char *mark(bool planned)
{
	return planned ? "*" : "";
}

static void prefixes(FILE *f, const struct ip_prefix *v, size_t n)
{
	char b[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? ", " : "", pfxf(&v[i], b));
	if (n == 0)
		fprintf(f, "none");
}

static const char *mode_name(enum topo_conn_mode m)
{
	switch (m) {
	case TOPO_CONN_INITIATOR_ONLY: return "InitiatorOnly";
	case TOPO_CONN_RESPONDER_ONLY: return "ResponderOnly";
	case TOPO_CONN_DEFAULT: break;
	}
	return "Default";
}

static void azure_conns(FILE *f, const struct plan *p)
{
	const struct topo_azure *az = &p->topo.azure;
	char b[IP_PREFIX_STRLEN];
	fprintf(f, "  %zu connection%s\n", az->n_conns,
		az->n_conns == 1 ? "" : "s");
	for (size_t i = 0; i < az->n_conns; i++) {
		const struct topo_connection *c = &az->conns[i];
		fprintf(f, "    %s%s -> %s\n", c->name, mark(p->conn_planned[i]),
			c->lng);
		fprintf(f, "      BGP %s", c->enable_bgp ? "on" : "off");
		for (size_t j = 0; c->custom_bgp_set && j < TOPO_MAX_INSTANCES;
		     j++)
			if (c->custom_bgp_has[j])
				fprintf(f, ", %s %s", j ? "secondary" : "primary",
					ipf(&c->custom_bgp[j], b));
		fprintf(f, "\n      mode %s, IPsec/IKE policy %s\n",
			mode_name(c->mode),
			c->policy.custom ? "custom" : "default");
	}
}

static void azure_side(FILE *f, const struct plan *p)
{
	const struct topo_azure *az = &p->topo.azure;
	const struct topo_azure_gateway *gw = &az->gateway;
	char b[IP_PREFIX_STRLEN];
	fprintf(f, "\nAzure creates (resource group %s, %s)\n",
		az->resource_group, az->location);
	fprintf(f, "  Virtual network %s: ", az->vnet.name);
	prefixes(f, az->vnet.spaces, az->vnet.n_spaces);
	fprintf(f, "\n  VPN gateway %s: %s, %s, BGP %s, ASN %u\n", gw->name,
		topo_sku_name(gw->sku),
		gw->active_active ? "active-active" : "active-standby",
		gw->bgp_enabled ? "on" : "off", (unsigned)gw->asn);
	fprintf(f, "  %zu local network gateway%s\n", az->n_lngs,
		az->n_lngs == 1 ? "" : "s");
	for (size_t i = 0; i < az->n_lngs; i++) {
		const struct topo_lng *l = &az->lngs[i];
		fprintf(f, "    %s%s\n      endpoint %s", l->name,
			mark(p->lng_planned[i]), ipf(&l->endpoint_ip, b));
		if (l->bgp_asn_set)
			fprintf(f, ", BGP ASN %u", (unsigned)l->bgp_asn);
		if (l->bgp_peer_ip_set)
			fprintf(f, ", BGP peer %s", ipf(&l->bgp_peer_ip, b));
		fputc('\n', f);
		if (l->n_spaces > 0) {
			fprintf(f, "      address space ");
			prefixes(f, l->spaces, l->n_spaces);
			fputc('\n', f);
		}
	}
	azure_conns(f, p);
}

static void aws_vpns(FILE *f, const struct plan *p)
{
	const struct topo_aws *a = &p->topo.aws;
	char b[IP_PREFIX_STRLEN], c[IP_PREFIX_STRLEN];
	fprintf(f, "  %zu Site-to-Site VPN connection%s\n", a->n_vpns,
		a->n_vpns == 1 ? "" : "s");
	for (size_t v = 0; v < a->n_vpns; v++) {
		const struct topo_vpn *vpn = &a->vpns[v];
		fprintf(f, "    %s: %s <-> %s, %s, startup %s\n", vpn->name,
			vpn->vpn_gateway, vpn->customer_gateway,
			vpn->routing == TOPO_ROUTING_DYNAMIC ? "dynamic"
							     : "static",
			vpn->startup == TOPO_STARTUP_START ? "start" : "add");
		for (size_t k = 0; k < vpn->n_tunnels; k++) {
			const struct topo_tunnel *t = &vpn->tunnels[k];
			fprintf(f, "      tunnel %zu%s: outside %s%s, inside "
				"%s%s\n", k + 1, mark(p->tunnel_added[v][k]),
				ipf(&t->outside_ip, b),
				mark(p->outside_planned[v][k]),
				pfxf(&t->inside_cidr, c),
				mark(p->inside_planned[v][k]));
		}
	}
}

static void aws_side(FILE *f, const struct plan *p)
{
	const struct topo_aws *a = &p->topo.aws;
	char b[IP_PREFIX_STRLEN];
	fprintf(f, "\nAWS creates\n");
	fprintf(f, "  VPC %s: %s\n", a->vpc.name, pfxf(&a->vpc.cidr, b));
	fprintf(f, "  Virtual private gateway %s: ASN %u, VPC %s, "
		"propagation %s\n", a->vgw.name, (unsigned)a->vgw.asn,
		a->vgw.vpc, a->vgw.route_propagation ? "on" : "off");
	fprintf(f, "  %zu customer gateway%s\n", a->n_cgws,
		a->n_cgws == 1 ? "" : "s");
	for (size_t i = 0; i < a->n_cgws; i++)
		fprintf(f, "    %s: %s, BGP ASN %u, %s\n", a->cgws[i].name,
			ipf(&a->cgws[i].ip_address, b),
			(unsigned)a->cgws[i].bgp_asn,
			a->cgws[i].routing == TOPO_ROUTING_DYNAMIC ? "dynamic"
								   : "static");
	aws_vpns(f, p);
}

void plan_print_resources(FILE *f, const struct plan *p)
{
	char b[IP_PREFIX_STRLEN];
	if (p->topo.azure.present)
		azure_side(f, p);
	if (p->topo.aws.present)
		aws_side(f, p);
	if (p->topo.onprem.present) {
		const struct topo_onprem *o = &p->topo.onprem;
		fprintf(f, "\nOn-prem vgw %s: %s, ASN %u, announces ", o->name,
			ipf(&o->public_ip, b), (unsigned)o->asn);
		prefixes(f, o->spaces, o->n_spaces);
		fputc('\n', f);
	}
}
