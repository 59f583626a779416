/*
 * Address plan: VNet / VPC / on-prem spaces, Azure subnets and the
 * GatewaySubnet, and the AWS tunnel inside CIDRs.
 *
 * Ranges Azure refuses in a VNet (Azure Virtual Network FAQ, "What address
 * ranges can I use in my virtual networks?"): 224.0.0.0/4 (multicast),
 * 255.255.255.255/32 (broadcast), 127.0.0.0/8 (loopback),
 * 169.254.0.0/16 (link-local) and 168.63.129.16/32 (internal DNS/health).
 * Link-local is also where both clouds put the tunnel inside addresses.
 */
#include "config/validate_priv.h"

#include <string.h>
#include <strings.h>

static const char *const forbidden[] = {
	"169.254.0.0/16", "224.0.0.0/4", "255.255.255.255/32", "127.0.0.0/8",
	"168.63.129.16/32",
};
#define N_FORBIDDEN (sizeof(forbidden) / sizeof(forbidden[0]))

/* AWS reserved inside /30s (API_VpnTunnelOptionsSpecification). */
static const char *const aws_reserved[] = {
	"169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30",
	"169.254.3.0/30", "169.254.4.0/30", "169.254.5.0/30",
	"169.254.169.252/30",
};
#define N_AWS_RESERVED (sizeof(aws_reserved) / sizeof(aws_reserved[0]))

static void check_forbidden(struct topo_vd *v, const struct ip_prefix *p,
			    const struct topo_pos *at, const char *what)
{
	char a[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < N_FORBIDDEN; i++) {
		struct ip_prefix f = topo_vd_prefix(forbidden[i]);
		if (!ip_prefix_overlaps(p, &f))
			continue;
		topo_vd_report(v, DIAG_ERROR, at, "addr.forbidden",
			       "use private space (RFC 1918) outside the "
			       "ranges Azure reserves",
			       "%s %s overlaps reserved range %s", what,
			       topo_vd_pfx(p, a), forbidden[i]);
	}
}

struct space {
	const struct ip_prefix *p;
	const struct topo_pos *at;
	const char *what;
};

/* Every VNet, VPC and on-prem space, for the pairwise overlap check. */
static size_t collect_spaces(const struct topology *t, struct space *s,
			     size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < t->azure.vnet.n_spaces && n < max; i++)
		s[n++] = (struct space){ &t->azure.vnet.spaces[i],
					 &t->azure.vnet.spaces_at[i],
					 "VNet address space" };
	if (t->aws.present && n < max)
		s[n++] = (struct space){ &t->aws.vpc.cidr, &t->aws.vpc.cidr_at,
					 "VPC CIDR" };
	for (size_t i = 0; i < t->onprem.n_spaces && n < max; i++)
		s[n++] = (struct space){ &t->onprem.spaces[i],
					 &t->onprem.spaces_at[i],
					 "on-prem address space" };
	return n;
}

static void check_spaces(struct topo_vd *v)
{
	struct space s[2 * TOPO_MAX_SPACES + 1];
	size_t n = collect_spaces(v->t, s, sizeof(s) / sizeof(s[0]));
	char a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < n; i++) {
		check_forbidden(v, s[i].p, s[i].at, s[i].what);
		for (size_t j = 0; j < i; j++) {
			if (!ip_prefix_overlaps(s[i].p, s[j].p))
				continue;
			topo_vd_report(v, DIAG_ERROR, s[i].at, "addr.overlap",
				       "networks joined by the VPN must not "
				       "overlap",
				       "%s %s overlaps %s %s (line %u)",
				       s[i].what, topo_vd_pfx(s[i].p, a),
				       s[j].what, topo_vd_pfx(s[j].p, b),
				       s[j].at->line);
		}
	}
}

static void check_subnets(struct topo_vd *v)
{
	const struct topo_vnet *vn = &v->t->azure.vnet;
	char a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < vn->n_subnets; i++) {
		const struct topo_subnet *s = &vn->subnets[i];
		bool inside = false;
		for (size_t k = 0; k < vn->n_spaces && !inside; k++)
			inside = ip_prefix_contains(&vn->spaces[k], &s->prefix);
		if (!inside)
			topo_vd_report(v, DIAG_ERROR, &s->prefix_at,
				       "azure.subnet.outside",
				       "a subnet must lie inside one of the "
				       "VNet's address_spaces",
				       "subnet %s is not inside VNet %s",
				       topo_vd_pfx(&s->prefix, a), vn->name);
		for (size_t j = 0; j < i; j++)
			if (ip_prefix_overlaps(&s->prefix,
					       &vn->subnets[j].prefix))
				topo_vd_report(v, DIAG_ERROR, &s->prefix_at,
					       "azure.subnet.overlap",
					       "subnets of a VNet are disjoint",
					       "subnet %s overlaps subnet "
					       "'%s' (%s)",
					       topo_vd_pfx(&s->prefix, a),
					       vn->subnets[j].name,
					       topo_vd_pfx(&vn->subnets[j].prefix,
							   b));
	}
}

/* GatewaySubnet: named exactly, /29 minimum, /27 recommended (VPN FAQ). */
static void check_gateway_subnet(struct topo_vd *v)
{
	const struct topo_vnet *vn = &v->t->azure.vnet;
	for (size_t i = 0; i < vn->n_subnets; i++) {
		const struct topo_subnet *s = &vn->subnets[i];
		if (strcmp(s->name, "GatewaySubnet") == 0) {
			if (s->prefix.len > 29)
				topo_vd_report(v, DIAG_ERROR, &s->prefix_at,
					       "azure.gateway_subnet.size",
					       "use a /27 or larger",
					       "GatewaySubnet is a /%u, the "
					       "minimum is /29",
					       s->prefix.len);
			else if (s->prefix.len > 27)
				topo_vd_report(v, DIAG_WARNING, &s->prefix_at,
					       "azure.gateway_subnet.size",
					       "use a /27 or larger",
					       "GatewaySubnet is a /%u, /27 "
					       "or larger is recommended",
					       s->prefix.len);
			return;
		}
		if (strcasecmp(s->name, "GatewaySubnet") == 0) {
			topo_vd_report(v, DIAG_ERROR, &s->name_at,
				       "azure.gateway_subnet.name",
				       "the name is case-sensitive",
				       "subnet '%s' must be named exactly "
				       "'GatewaySubnet'",
				       s->name);
			return;
		}
	}
	topo_vd_report(v, DIAG_ERROR, &vn->at, "azure.gateway_subnet.missing",
		       "add a subnet named GatewaySubnet, /27 or larger",
		       "VNet %s has no GatewaySubnet for the VPN gateway",
		       vn->name);
}

static void check_inside_one(struct topo_vd *v, size_t i, size_t k)
{
	const struct topo_tunnel *tun = &v->t->aws.vpns[i].tunnels[k];
	const struct topo_pos *at = &tun->inside_cidr_at;
	struct ip_prefix ll = topo_vd_prefix("169.254.0.0/16");
	char a[IP_PREFIX_STRLEN];
	topo_vd_pfx(&tun->inside_cidr, a);
	if (tun->inside_cidr.len != 30)
		topo_vd_report(v, DIAG_ERROR, at, "aws.inside_cidr.size",
			       "AWS takes the first host of a /30, the peer "
			       "the second",
			       "inside CIDR %s is a /%u, AWS needs a /30", a,
			       tun->inside_cidr.len);
	if (!ip_prefix_contains(&ll, &tun->inside_cidr))
		topo_vd_report(v, DIAG_ERROR, at, "aws.inside_cidr.range",
			       "pick a /30 in 169.254.21.0-169.254.22.255",
			       "inside CIDR %s is not inside 169.254.0.0/16",
			       a);
	for (size_t r = 0; r < N_AWS_RESERVED; r++) {
		struct ip_prefix res = topo_vd_prefix(aws_reserved[r]);
		if (ip_prefix_overlaps(&res, &tun->inside_cidr))
			topo_vd_report(v, DIAG_ERROR, at,
				       "aws.inside_cidr.reserved",
				       "AWS reserves 169.254.0.0/30 .. "
				       "169.254.5.0/30 and 169.254.169.252/30",
				       "inside CIDR %s is reserved by AWS (%s)",
				       a, aws_reserved[r]);
	}
}

/* Inside CIDRs unique per VGW (all connections here share aws.vpn_gateway
 * unless a reference is broken; those are reported by names). */
static void check_inside_unique(struct topo_vd *v, size_t i, size_t k)
{
	const struct topo_aws *aws = &v->t->aws;
	const struct topo_tunnel *tun = &aws->vpns[i].tunnels[k];
	char a[IP_PREFIX_STRLEN];
	for (size_t j = 0; j <= i; j++) {
		size_t kmax = j == i ? k : aws->vpns[j].n_tunnels;
		for (size_t m = 0; m < kmax; m++) {
			const struct topo_tunnel *o = &aws->vpns[j].tunnels[m];
			if (!o->inside_cidr_set ||
			    !ip_prefix_overlaps(&o->inside_cidr,
						&tun->inside_cidr))
				continue;
			topo_vd_report(v, DIAG_ERROR, &tun->inside_cidr_at,
				       "aws.inside_cidr.duplicate",
				       "each tunnel on a VGW needs its own /30",
				       "inside CIDR %s overlaps tunnel %zu of "
				       "'%s' (line %u)",
				       topo_vd_pfx(&tun->inside_cidr, a), m + 1,
				       aws->vpns[j].name, o->inside_cidr_at.line);
			return;
		}
	}
}

/* Azure uses the second host as its APIPA address, which must lie in
 * 169.254.21.0-169.254.22.255 (configure-bgp). */
static void check_inside_azure(struct topo_vd *v, size_t i, size_t k)
{
	const struct topo_tunnel *tun = &v->t->aws.vpns[i].tunnels[k];
	char a[IP_PREFIX_STRLEN];
	if (topo_vd_instance(v, i) < 0 ||
	    topo_vd_prefix_in_azure_apipa(&tun->inside_cidr))
		return;
	topo_vd_report(v, DIAG_ERROR, &tun->inside_cidr_at,
		       "azure.apipa.range",
		       "Azure accepts custom APIPA addresses in "
		       "169.254.21.0-169.254.22.255 only",
		       "inside CIDR %s gives Azure an address outside its "
		       "APIPA range",
		       topo_vd_pfx(&tun->inside_cidr, a));
}

/* An LNG's address space is on-premises (here: AWS) space: Azure refuses
 * one that overlaps the VNet it connects to. */
static void check_lng_spaces(struct topo_vd *v)
{
	const struct topo_azure *az = &v->t->azure;
	char a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < az->n_lngs; i++) {
		const struct topo_lng *l = &az->lngs[i];
		for (size_t k = 0; k < l->n_spaces; k++)
			for (size_t j = 0; j < az->vnet.n_spaces; j++) {
				if (!ip_prefix_overlaps(&l->spaces[k],
							&az->vnet.spaces[j]))
					continue;
				topo_vd_report(v, DIAG_ERROR, &l->spaces_at[k],
					       "azure.lng_overlap",
					       "with BGP the LNG address space "
					       "may stay empty (as in the seed)",
					       "LNG address space %s overlaps "
					       "VNet address space %s",
					       topo_vd_pfx(&l->spaces[k], a),
					       topo_vd_pfx(&az->vnet.spaces[j],
							   b));
			}
	}
}

void topo_vd_addressing(struct topo_vd *v)
{
	const struct topo_aws *aws = &v->t->aws;
	check_spaces(v);
	if (v->t->azure.present) {
		check_subnets(v);
		check_gateway_subnet(v);
		check_lng_spaces(v);
	}
	for (size_t i = 0; i < aws->n_vpns; i++) {
		for (size_t k = 0; k < aws->vpns[i].n_tunnels; k++) {
			if (!aws->vpns[i].tunnels[k].inside_cidr_set)
				continue;
			check_inside_one(v, i, k);
			check_inside_unique(v, i, k);
			check_inside_azure(v, i, k);
		}
	}
}
