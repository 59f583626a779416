/*
 * Azure gateway kind: BGP and active-active need a route-based VPN
 * gateway, BGP is not available on Basic (VPN FAQ), Generation2 exists
 * for VpnGw2..5(AZ) only and Generation1 stops at VpnGw3(AZ).
 */
#include "config/validate_priv.h"

static bool sku_gen_ok(enum topo_sku s, unsigned gen)
{
	switch (s) {
	case TOPO_SKU_BASIC:
	case TOPO_SKU_VPNGW1:
	case TOPO_SKU_VPNGW1AZ:
		return gen == 1;
	case TOPO_SKU_VPNGW4:
	case TOPO_SKU_VPNGW5:
	case TOPO_SKU_VPNGW4AZ:
	case TOPO_SKU_VPNGW5AZ:
		return gen == 2;
	default:
		return true;
	}
}

void topo_vd_gateway(struct topo_vd *v)
{
	const struct topo_azure_gateway *gw = &v->t->azure.gateway;
	if (!v->t->azure.present)
		return;
	if (gw->type != TOPO_GW_VPN)
		topo_vd_report(v, DIAG_ERROR, &gw->type_at, "gw.type",
			       "site-to-site IPsec needs type: vpn",
			       "gateway type must be vpn");
	if (gw->vpn_type != TOPO_VPN_ROUTE_BASED &&
	    (gw->bgp_enabled || gw->active_active))
		topo_vd_report(v, DIAG_ERROR, &gw->vpn_type_at,
			       "gw.route_based", "set vpn_type: route_based",
			       "BGP and active-active need a route-based "
			       "gateway");
	if (gw->sku == TOPO_SKU_BASIC && (gw->bgp_enabled || gw->active_active))
		topo_vd_report(v, DIAG_ERROR, &gw->sku_at, "gw.sku_basic",
			       "use VpnGw1 or larger (the tutorial uses "
			       "VpnGw2AZ)",
			       "SKU Basic supports neither BGP nor "
			       "active-active");
	if (!sku_gen_ok(gw->sku, gw->generation))
		topo_vd_report(v, DIAG_ERROR, &gw->generation_at,
			       "gw.generation",
			       "Generation2: VpnGw2..5(AZ); Generation1: "
			       "Basic, VpnGw1..3(AZ)",
			       "SKU %s is not offered in Generation%u",
			       topo_sku_name(gw->sku), gw->generation);
	if (gw->bgp_enabled && !gw->asn_set)
		topo_vd_report(v, DIAG_WARNING, &gw->asn_at, "gw.asn_default",
			       "set asn (the tutorial uses 65000)",
			       "no ASN given: Azure uses its default 65515");
}
