/*
 * AS numbers. Azure refuses reserved ASNs for its gateway (VPN FAQ:
 * 8074, 8075, 12076 public; 65515, 65517-65520 private; IANA 23456,
 * 64496-64511, 65535-65551, 4294967295). AWS: a VGW ASN is private
 * (64512-65534, 4200000000-4294967294, CreateVpnGateway); a CGW ASN may
 * not be 7224, 9059, 10124 or 17943 (cgw-options). The two sides differ;
 * each CGW carries the ASN of the gateway it stands for, each Azure LNG
 * the VGW's.
 */
#include "config/validate_priv.h"

struct asn_range {
	uint32_t lo, hi;
};

static bool in_ranges(uint32_t asn, const struct asn_range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (asn >= r[i].lo && asn <= r[i].hi)
			return true;
	return false;
}

static const struct asn_range azure_reserved[] = {
	{ 8074, 8075 },	  { 12076, 12076 },	{ 65515, 65515 },
	{ 65517, 65520 }, { 23456, 23456 },	{ 64496, 64511 },
	{ 65535, 65551 }, { 4294967295u, 4294967295u },
};
static const struct asn_range vgw_allowed[] = {
	{ 64512, 65534 }, { 4200000000u, 4294967294u },
};
static const struct asn_range cgw_reserved[] = {
	{ 7224, 7224 }, { 9059, 9059 }, { 10124, 10124 }, { 17943, 17943 },
};
#define N(a) (sizeof(a) / sizeof(a[0]))

static void check_azure(struct topo_vd *v)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	if (gw->asn_set && in_ranges(gw->asn, azure_reserved, N(azure_reserved)))
		topo_vd_report(v, DIAG_ERROR, &gw->asn_at, "asn.azure_reserved",
			       "pick a private ASN such as 65000",
			       "ASN %u is reserved and refused by Azure",
			       gw->asn);
	if (gw->asn == v->t->aws.vgw.asn)
		topo_vd_report(v, DIAG_ERROR, &gw->asn_at, "asn.same_as_aws",
			       "the Azure ASN must differ from the AWS one "
			       "(eBGP)",
			       "Azure gateway ASN %u equals the VGW ASN",
			       gw->asn);
}

static void check_cgw(struct topo_vd *v, size_t i)
{
	const struct topology *t = v->t;
	const struct topo_cgw *c = &t->aws.cgws[i];
	if (in_ranges(c->bgp_asn, cgw_reserved, N(cgw_reserved)))
		topo_vd_report(v, DIAG_ERROR, &c->bgp_asn_at,
			       "asn.cgw_reserved",
			       "AWS reserves 7224, 9059, 10124 and 17943",
			       "customer gateway ASN %u is reserved by AWS",
			       c->bgp_asn);
	int inst = topology_azure_instance_of(t, &c->ip_address);
	if (inst >= 0 && c->bgp_asn != t->azure.gateway.asn)
		topo_vd_report(v, DIAG_ERROR, &c->bgp_asn_at,
			       "asn.cgw_mismatch",
			       "a customer gateway carries the ASN of the "
			       "Azure gateway it stands for",
			       "customer gateway ASN %u differs from the Azure "
			       "gateway ASN %u", c->bgp_asn,
			       t->azure.gateway.asn);
	if (inst < 0 && t->onprem.present &&
	    ip_addr_eq(&c->ip_address, &t->onprem.public_ip) &&
	    c->bgp_asn != t->onprem.asn)
		topo_vd_report(v, DIAG_ERROR, &c->bgp_asn_at,
			       "asn.cgw_mismatch",
			       "a customer gateway carries the ASN of the "
			       "on-prem gateway it stands for",
			       "customer gateway ASN %u differs from the "
			       "on-prem ASN %u", c->bgp_asn, t->onprem.asn);
}

void topo_vd_asn(struct topo_vd *v)
{
	const struct topology *t = v->t;
	const struct topo_vgw *g = &t->aws.vgw;
	if (t->aws.present && !in_ranges(g->asn, vgw_allowed, N(vgw_allowed)))
		topo_vd_report(v, DIAG_ERROR, &g->asn_at, "asn.vgw_range",
			       "use 64512-65534 or 4200000000-4294967294 "
			       "(default 64512)",
			       "VGW ASN %u is not a private ASN", g->asn);
	if (t->azure.present && t->aws.present)
		check_azure(v);
	if (t->onprem.present && t->onprem.asn == g->asn)
		topo_vd_report(v, DIAG_ERROR, &t->onprem.asn_at,
			       "asn.same_as_aws",
			       "the on-prem ASN must differ from the AWS one",
			       "on-prem ASN %u equals the VGW ASN",
			       t->onprem.asn);
	for (size_t i = 0; i < t->aws.n_cgws; i++)
		check_cgw(v, i);
	for (size_t i = 0; i < t->azure.n_lngs; i++) {
		const struct topo_lng *l = &t->azure.lngs[i];
		if (l->bgp_asn_set && l->bgp_asn != g->asn)
			topo_vd_report(v, DIAG_ERROR, &l->bgp_asn_at,
				       "asn.lng_mismatch",
				       "an LNG for an AWS tunnel carries the "
				       "VGW ASN",
				       "LNG ASN %u differs from the VGW ASN %u",
				       l->bgp_asn, g->asn);
	}
}
