/*
 * Names: unique per resource kind, and every reference by name resolves
 * (VPN connection -> VGW and CGW, VGW -> VPC, connection -> LNG).
 */
#include "config/validate_priv.h"

#include <stddef.h>
#include <string.h>

/* Reports entries whose name repeats an earlier one. The names live at
 * base + i * stride (struct arrays), positions at pos_base + i * stride. */
static void dup_names(struct topo_vd *v, const char *kind, const void *base,
		      size_t n, size_t stride, size_t name_off, size_t pos_off)
{
	const char *p = base;
	for (size_t i = 0; i < n; i++) {
		const char *ni = p + i * stride + name_off;
		for (size_t j = 0; j < i; j++) {
			const char *nj = p + j * stride + name_off;
			if (ni[0] == '\0' || strcmp(ni, nj) != 0)
				continue;
			const struct topo_pos *first =
				(const void *)(p + j * stride + pos_off);
			const struct topo_pos *at =
				(const void *)(p + i * stride + pos_off);
			topo_vd_report(v, DIAG_ERROR, at, "names.duplicate",
				       "names are unique per resource kind",
				       "duplicate %s name '%s' (first at line "
				       "%u)",
				       kind, ni, first->line);
			break;
		}
	}
}

#define DUP(kind, arr, n, type)                                          \
	dup_names(v, kind, arr, n, sizeof(type), offsetof(type, name),   \
		  offsetof(type, name_at))

static void unknown_ref(struct topo_vd *v, const struct topo_pos *at,
			const char *kind, const char *name, const char *hint)
{
	topo_vd_report(v, DIAG_ERROR, at, "names.unknown_ref", hint,
		       "no %s named '%s'", kind, name);
}

static void check_refs(struct topo_vd *v)
{
	const struct topology *t = v->t;
	const struct topo_aws *aws = &t->aws;
	if (aws->present && strcmp(aws->vgw.vpc, aws->vpc.name) != 0)
		unknown_ref(v, &aws->vgw.vpc_at, "VPC", aws->vgw.vpc,
			    "attach the VGW to aws.vpc.name");
	for (size_t i = 0; i < aws->n_vpns; i++) {
		const struct topo_vpn *c = &aws->vpns[i];
		if (strcmp(c->vpn_gateway, aws->vgw.name) != 0)
			unknown_ref(v, &c->vpn_gateway_at,
				    "virtual private gateway", c->vpn_gateway,
				    "use aws.vpn_gateway.name");
		if (v->l.vpn_cgw[i] < 0)
			unknown_ref(v, &c->customer_gateway_at,
				    "customer gateway", c->customer_gateway,
				    "use a name from aws.customer_gateways");
	}
	for (size_t i = 0; i < t->azure.n_conns; i++)
		if (v->l.conn_lng[i] < 0)
			unknown_ref(v, &t->azure.conns[i].lng_at,
				    "local network gateway",
				    t->azure.conns[i].lng,
				    "use a name from "
				    "azure.local_network_gateways");
}

void topo_vd_names(struct topo_vd *v)
{
	const struct topology *t = v->t;
	const struct topo_azure *az = &t->azure;
	DUP("subnet", az->vnet.subnets, az->vnet.n_subnets, struct topo_subnet);
	DUP("public IP", az->gateway.public_ips, az->gateway.n_public_ips,
	    struct topo_public_ip);
	DUP("local network gateway", az->lngs, az->n_lngs, struct topo_lng);
	DUP("connection", az->conns, az->n_conns, struct topo_connection);
	DUP("customer gateway", t->aws.cgws, t->aws.n_cgws, struct topo_cgw);
	DUP("VPN connection", t->aws.vpns, t->aws.n_vpns, struct topo_vpn);
	check_refs(v);
}
