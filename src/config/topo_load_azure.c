/*
 * Topology loader, Azure section: resource group, VNet, VPN gateway,
 * local network gateways and connections (the seed's Parts 1 and 3).
 */
#include "config/topo_load_priv.h"

#include <string.h>

static const struct ytree_enum gw_types[] = {
	{ "vpn", TOPO_GW_VPN }, { "expressroute", TOPO_GW_EXPRESSROUTE },
	{ NULL, 0 },
};
static const struct ytree_enum vpn_types[] = {
	{ "route_based", TOPO_VPN_ROUTE_BASED },
	{ "policy_based", TOPO_VPN_POLICY_BASED },
	{ NULL, 0 },
};
static const struct ytree_enum skus[] = {
	{ "Basic", TOPO_SKU_BASIC },       { "VpnGw1", TOPO_SKU_VPNGW1 },
	{ "VpnGw2", TOPO_SKU_VPNGW2 },     { "VpnGw3", TOPO_SKU_VPNGW3 },
	{ "VpnGw4", TOPO_SKU_VPNGW4 },     { "VpnGw5", TOPO_SKU_VPNGW5 },
	{ "VpnGw1AZ", TOPO_SKU_VPNGW1AZ }, { "VpnGw2AZ", TOPO_SKU_VPNGW2AZ },
	{ "VpnGw3AZ", TOPO_SKU_VPNGW3AZ }, { "VpnGw4AZ", TOPO_SKU_VPNGW4AZ },
	{ "VpnGw5AZ", TOPO_SKU_VPNGW5AZ }, { NULL, 0 },
};
static const struct ytree_enum generations[] = {
	{ "Generation1", 1 }, { "Generation2", 2 }, { NULL, 0 },
};
static const struct ytree_enum conn_modes[] = {
	{ "Default", TOPO_CONN_DEFAULT },
	{ "InitiatorOnly", TOPO_CONN_INITIATOR_ONLY },
	{ "ResponderOnly", TOPO_CONN_RESPONDER_ONLY },
	{ NULL, 0 },
};
/* Azure IPsec/IKE policy names (New-AzIpsecPolicy parameter values). */
static const struct ytree_enum ike_encryptions[] = {
	{ "AES256", TOPO_ALG_AES256 },
	{ "AES192", TOPO_ALG_AES192 },
	{ "AES128", TOPO_ALG_AES128 },
	{ "DES3", TOPO_ALG_3DES },
	{ "DES", TOPO_ALG_DES },
	{ "GCMAES256", TOPO_ALG_AES256_GCM16 },
	{ "GCMAES128", TOPO_ALG_AES128_GCM16 },
	{ NULL, 0 },
};
static const struct ytree_enum ike_integrities[] = {
	{ "SHA384", TOPO_ALG_SHA384 },
	{ "SHA256", TOPO_ALG_SHA256 },
	{ "SHA1", TOPO_ALG_SHA1 },
	{ "MD5", TOPO_ALG_MD5 },
	{ "GCMAES256", TOPO_ALG_AES256_GCM16 },
	{ "GCMAES128", TOPO_ALG_AES128_GCM16 },
	{ NULL, 0 },
};
static const struct ytree_enum dh_groups[] = {
	{ "DHGroup24", 24 }, { "ECP384", 20 },   { "ECP256", 19 },
	{ "DHGroup14", 14 }, { "DHGroup2048", 14 }, { "DHGroup2", 2 },
	{ "DHGroup1", 1 },   { "None", 0 },      { NULL, 0 },
};
static const struct ytree_enum ipsec_encryptions[] = {
	{ "GCMAES256", TOPO_ALG_AES256_GCM16 },
	{ "GCMAES192", TOPO_ALG_AES192_GCM16 },
	{ "GCMAES128", TOPO_ALG_AES128_GCM16 },
	{ "AES256", TOPO_ALG_AES256 },
	{ "AES192", TOPO_ALG_AES192 },
	{ "AES128", TOPO_ALG_AES128 },
	{ "DES3", TOPO_ALG_3DES },
	{ "DES", TOPO_ALG_DES },
	{ "None", TOPO_ALG_NONE },
	{ NULL, 0 },
};
static const struct ytree_enum ipsec_integrities[] = {
	{ "GCMAES256", TOPO_ALG_AES256_GCM16 },
	{ "GCMAES192", TOPO_ALG_AES192_GCM16 },
	{ "GCMAES128", TOPO_ALG_AES128_GCM16 },
	{ "SHA256", TOPO_ALG_SHA256 },
	{ "SHA1", TOPO_ALG_SHA1 },
	{ "MD5", TOPO_ALG_MD5 },
	{ NULL, 0 },
};
#define PFS_MM (-1)
static const struct ytree_enum pfs_groups[] = {
	{ "PFS24", 24 }, { "ECP384", 20 }, { "ECP256", 19 },
	{ "PFS2048", 14 }, { "PFS14", 14 }, { "PFS2", 2 },
	{ "PFS1", 1 },  { "PFSMM", PFS_MM }, { "None", 0 },
	{ NULL, 0 },
};

static void ld_subnets(struct topo_ld *ld, const struct ytree_node *vnet,
		       struct topo_vnet *v)
{
	static const char *const keys[] = { "name", "prefix", NULL };
	const struct ytree_node *s = NULL;
	struct topo_pos at;
	if (topo_ld_seq(ld, vnet, "subnets", YTREE_REQUIRED, TOPO_MAX_SUBNETS,
			&s, &at) != YTREE_OK)
		return;
	for (size_t i = 0; i < s->count; i++) {
		struct topo_subnet *sn = &v->subnets[v->n_subnets++];
		if (!topo_ld_map(ld, s->items[i], keys, &sn->at))
			continue;
		topo_ld_name(ld, s->items[i], "name", YTREE_REQUIRED, sn->name,
			     &sn->name_at);
		topo_ld_prefix(ld, s->items[i], "prefix", YTREE_REQUIRED,
			       &sn->prefix, &sn->prefix_at);
	}
}

static void ld_vnet(struct topo_ld *ld, const struct ytree_node *az)
{
	static const char *const keys[] = { "name", "address_spaces",
					    "subnets", NULL };
	struct topo_vnet *v = &ld->t->azure.vnet;
	const struct ytree_node *n = NULL;
	topo_ld_key_pos(&v->at, az, "vnet");
	if (ytree_get_node(az, "vnet", YTREE_REQUIRED, YTREE_MAP, &n, ld->d) !=
		    YTREE_OK ||
	    !topo_ld_map(ld, n, keys, &v->at))
		return;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, v->name, &v->name_at);
	struct topo_pos at;
	topo_ld_prefixes(ld, n, "address_spaces", YTREE_REQUIRED, v->spaces,
			 v->spaces_at, TOPO_MAX_SPACES, &v->n_spaces, &at);
	ld_subnets(ld, n, v);
}

static void ld_public_ips(struct topo_ld *ld, const struct ytree_node *gwn,
			  struct topo_azure_gateway *gw)
{
	static const char *const keys[] = { "name", "address", NULL };
	const struct ytree_node *s = NULL;
	if (topo_ld_seq(ld, gwn, "public_ips", YTREE_REQUIRED,
			TOPO_MAX_INSTANCES, &s, &gw->public_ips_at) != YTREE_OK)
		return;
	if (s->count == 0)
		ytree_diag(ld->d, DIAG_ERROR, s, "yaml.required", NULL,
			   "at least one public IP is required");
	for (size_t i = 0; i < s->count; i++) {
		struct topo_public_ip *p = &gw->public_ips[gw->n_public_ips++];
		if (!topo_ld_map(ld, s->items[i], keys, &p->at))
			continue;
		topo_ld_name(ld, s->items[i], "name", YTREE_REQUIRED, p->name,
			     &p->name_at);
		topo_ld_ip(ld, s->items[i], "address", YTREE_REQUIRED,
			   &p->address, &p->address_at);
	}
}

/* One instance's APIPA list (a sequence of IPv4 addresses). */
static void ld_apipa_list(struct topo_ld *ld, const struct ytree_node *s,
			  struct topo_azure_gateway *gw, size_t inst)
{
	if (!ytree_expect(s, YTREE_SEQ, ld->d))
		return;
	if (s->count > TOPO_MAX_APIPA) {
		ytree_diag(ld->d, DIAG_ERROR, s->items[TOPO_MAX_APIPA],
			   "yaml.count", NULL,
			   "too many entries (%zu, at most %d)", s->count,
			   TOPO_MAX_APIPA);
		return;
	}
	for (size_t i = 0; i < s->count; i++) {
		size_t k = gw->n_apipa[inst];
		if (!ytree_node_ip(s->items[i], true, &gw->apipa[inst][k],
				   ld->d))
			continue;
		topo_ld_pos(&gw->apipa_addr_at[inst][k], s->items[i]);
		gw->n_apipa[inst]++;
	}
}

/* apipa_addresses: [[inst0...], [inst1...]] or {instance0: [...], ...}. */
static void ld_apipa(struct topo_ld *ld, const struct ytree_node *gwn,
		     struct topo_azure_gateway *gw)
{
	static const char *const keys[] = { "instance0", "instance1", NULL };
	topo_ld_key_pos(&gw->apipa_at, gwn, "apipa_addresses");
	const struct ytree_node *n = ytree_map_get(gwn, "apipa_addresses");
	if (n == NULL || ytree_is_null(n))
		return;
	gw->apipa_set = true;
	if (n->kind == YTREE_MAP) {
		if (!ytree_check_keys(n, keys, ld->d))
			return;
		for (size_t i = 0; i < TOPO_MAX_INSTANCES; i++) {
			const struct ytree_node *l = ytree_map_get(n, keys[i]);
			if (l != NULL) {
				gw->n_apipa_lists = i + 1;
				ld_apipa_list(ld, l, gw, i);
			}
		}
		return;
	}
	if (!ytree_expect(n, YTREE_SEQ, ld->d))
		return;
	if (n->count > TOPO_MAX_INSTANCES) {
		ytree_diag(ld->d, DIAG_ERROR, n->items[TOPO_MAX_INSTANCES],
			   "yaml.count", "one list per gateway instance",
			   "too many APIPA lists (%zu, at most %d)", n->count,
			   TOPO_MAX_INSTANCES);
		return;
	}
	gw->n_apipa_lists = n->count;
	for (size_t i = 0; i < n->count; i++)
		ld_apipa_list(ld, n->items[i], gw, i);
}

static void ld_gateway(struct topo_ld *ld, const struct ytree_node *az)
{
	static const char *const keys[] = {
		"name", "type", "vpn_type", "sku", "generation",
		"active_active", "bgp_enabled", "asn", "public_ips",
		"apipa_addresses", NULL
	};
	struct topo_azure_gateway *gw = &ld->t->azure.gateway;
	const struct ytree_node *n = NULL;
	topo_ld_key_pos(&gw->at, az, "gateway");
	if (ytree_get_node(az, "gateway", YTREE_REQUIRED, YTREE_MAP, &n,
			   ld->d) != YTREE_OK ||
	    !topo_ld_map(ld, n, keys, &gw->at))
		return;
	int e = 0;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, gw->name, &gw->name_at);
	if (topo_ld_enum(ld, n, "type", YTREE_OPTIONAL, gw_types, &e,
			 &gw->type_at) == YTREE_OK)
		gw->type = (enum topo_gw_type)e;
	if (topo_ld_enum(ld, n, "vpn_type", YTREE_OPTIONAL, vpn_types, &e,
			 &gw->vpn_type_at) == YTREE_OK)
		gw->vpn_type = (enum topo_vpn_type)e;
	if (topo_ld_enum(ld, n, "sku", YTREE_REQUIRED, skus, &e,
			 &gw->sku_at) == YTREE_OK)
		gw->sku = (enum topo_sku)e;
	gw->generation = 1;
	if (topo_ld_enum(ld, n, "generation", YTREE_OPTIONAL, generations, &e,
			 &gw->generation_at) == YTREE_OK)
		gw->generation = (unsigned)e;
	topo_ld_bool(ld, n, "active_active", &gw->active_active,
		     &gw->active_active_at);
	topo_ld_bool(ld, n, "bgp_enabled", &gw->bgp_enabled,
		     &gw->bgp_enabled_at);
	gw->asn = 65515;
	gw->asn_set = topo_ld_asn(ld, n, "asn", YTREE_OPTIONAL, &gw->asn,
				  &gw->asn_at) == YTREE_OK;
	ld_public_ips(ld, n, gw);
	ld_apipa(ld, n, gw);
}

static void ld_lng(struct topo_ld *ld, const struct ytree_node *n,
		   struct topo_lng *l)
{
	static const char *const keys[] = { "name", "endpoint_ip", "bgp_asn",
					    "bgp_peer_ip", "address_space",
					    NULL };
	if (!topo_ld_map(ld, n, keys, &l->at))
		return;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, l->name, &l->name_at);
	topo_ld_ip(ld, n, "endpoint_ip", YTREE_REQUIRED, &l->endpoint_ip,
		   &l->endpoint_ip_at);
	l->bgp_asn_set = topo_ld_asn(ld, n, "bgp_asn", YTREE_OPTIONAL,
				     &l->bgp_asn, &l->bgp_asn_at) == YTREE_OK;
	l->bgp_peer_ip_set = topo_ld_ip(ld, n, "bgp_peer_ip", YTREE_OPTIONAL,
					&l->bgp_peer_ip,
					&l->bgp_peer_ip_at) == YTREE_OK;
	struct topo_pos at;
	topo_ld_prefixes(ld, n, "address_space", YTREE_OPTIONAL, l->spaces,
			 l->spaces_at, TOPO_MAX_SPACES, &l->n_spaces, &at);
}

static void ld_custom_bgp(struct topo_ld *ld, const struct ytree_node *cn,
			  struct topo_connection *c)
{
	static const char *const keys[] = { "primary", "secondary", NULL };
	topo_ld_key_pos(&c->custom_bgp_at, cn, "custom_bgp_addresses");
	const struct ytree_node *n = NULL;
	if (ytree_get_node(cn, "custom_bgp_addresses", YTREE_OPTIONAL,
			   YTREE_MAP, &n, ld->d) != YTREE_OK ||
	    !topo_ld_map(ld, n, keys, &c->custom_bgp_at))
		return;
	c->custom_bgp_set = true;
	for (size_t i = 0; i < TOPO_MAX_INSTANCES; i++)
		c->custom_bgp_has[i] =
			topo_ld_ip(ld, n, keys[i], YTREE_OPTIONAL,
				   &c->custom_bgp[i],
				   &c->custom_bgp_addr_at[i]) == YTREE_OK;
}

static void ld_policy_algs(struct topo_ld *ld, const struct ytree_node *n,
			   struct topo_azure_policy *p)
{
	int e = 0;
	if (topo_ld_enum(ld, n, "ike_encryption", YTREE_REQUIRED,
			 ike_encryptions, &e, &p->ike_encryption_at) == YTREE_OK)
		p->ike_encryption = (enum topo_alg)e;
	if (topo_ld_enum(ld, n, "ike_integrity", YTREE_REQUIRED,
			 ike_integrities, &e, &p->ike_integrity_at) == YTREE_OK)
		p->ike_integrity = (enum topo_alg)e;
	if (topo_ld_enum(ld, n, "dh_group", YTREE_REQUIRED, dh_groups, &e,
			 &p->dh_group_at) == YTREE_OK)
		p->dh_group = (unsigned)e;
	if (topo_ld_enum(ld, n, "ipsec_encryption", YTREE_REQUIRED,
			 ipsec_encryptions, &e,
			 &p->ipsec_encryption_at) == YTREE_OK)
		p->ipsec_encryption = (enum topo_alg)e;
	if (topo_ld_enum(ld, n, "ipsec_integrity", YTREE_REQUIRED,
			 ipsec_integrities, &e,
			 &p->ipsec_integrity_at) == YTREE_OK)
		p->ipsec_integrity = (enum topo_alg)e;
	if (topo_ld_enum(ld, n, "pfs_group", YTREE_REQUIRED, pfs_groups, &e,
			 &p->pfs_group_at) == YTREE_OK) {
		p->pfs_mm = e == PFS_MM;
		p->pfs_group = e == PFS_MM ? 0 : (unsigned)e;
	}
}

/* ipsec_policy: "default" or a mapping with the custom combination. */
static void ld_policy(struct topo_ld *ld, const struct ytree_node *cn,
		      struct topo_azure_policy *p)
{
	static const char *const keys[] = {
		"ike_encryption", "ike_integrity", "dh_group",
		"ipsec_encryption", "ipsec_integrity", "pfs_group",
		"sa_lifetime_s", "sa_data_size_kb", NULL
	};
	p->sa_lifetime_s = 27000;
	p->sa_data_size_kb = 102400000;
	topo_ld_key_pos(&p->at, cn, "ipsec_policy");
	const struct ytree_node *n = ytree_map_get(cn, "ipsec_policy");
	if (n == NULL || ytree_is_null(n))
		return;
	if (n->kind == YTREE_SCALAR) {
		if (strcmp(n->str, "default") != 0)
			ytree_diag(ld->d, DIAG_ERROR, n, "yaml.enum",
				   "write 'default' or a mapping with the "
				   "custom policy",
				   "unknown value '%s'", n->str);
		return;
	}
	if (!topo_ld_map(ld, n, keys, &p->at))
		return;
	p->custom = true;
	ld_policy_algs(ld, n, p);
	topo_ld_uint(ld, n, "sa_lifetime_s", &p->sa_lifetime_s,
		     &p->sa_lifetime_s_at);
	topo_ld_uint(ld, n, "sa_data_size_kb", &p->sa_data_size_kb,
		     &p->sa_data_size_kb_at);
}

static void ld_connection(struct topo_ld *ld, const struct ytree_node *n,
			  struct topo_connection *c)
{
	static const char *const keys[] = {
		"name", "local_network_gateway", "shared_key", "enable_bgp",
		"custom_bgp_addresses", "connection_mode", "dpd_timeout_s",
		"ipsec_policy", "use_policy_based_selectors", NULL
	};
	if (!topo_ld_map(ld, n, keys, &c->at))
		return;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, c->name, &c->name_at);
	topo_ld_name(ld, n, "local_network_gateway", YTREE_REQUIRED, c->lng,
		     &c->lng_at);
	topo_ld_psk(ld, n, "shared_key", YTREE_REQUIRED, c->shared_key,
		    &c->shared_key_at);
	topo_ld_bool(ld, n, "enable_bgp", &c->enable_bgp, &c->enable_bgp_at);
	ld_custom_bgp(ld, n, c);
	int e = 0;
	if (topo_ld_enum(ld, n, "connection_mode", YTREE_OPTIONAL, conn_modes,
			 &e, &c->mode_at) == YTREE_OK)
		c->mode = (enum topo_conn_mode)e;
	c->dpd_timeout_s = 45;
	topo_ld_uint(ld, n, "dpd_timeout_s", &c->dpd_timeout_s,
		     &c->dpd_timeout_s_at);
	ld_policy(ld, n, &c->policy);
	topo_ld_bool(ld, n, "use_policy_based_selectors",
		     &c->use_policy_based_selectors,
		     &c->use_policy_based_selectors_at);
}

static void ld_lists(struct topo_ld *ld, const struct ytree_node *n,
		     struct topo_azure *az)
{
	const struct ytree_node *s = NULL;
	az->lngs_given = topo_ld_seq(ld, n, "local_network_gateways",
				     YTREE_OPTIONAL, TOPO_MAX_LNGS, &s,
				     &az->lngs_at) == YTREE_OK;
	for (size_t i = 0; az->lngs_given && i < s->count; i++)
		ld_lng(ld, s->items[i], &az->lngs[az->n_lngs++]);
	az->conns_given = topo_ld_seq(ld, n, "connections", YTREE_OPTIONAL,
				      TOPO_MAX_CONNS, &s,
				      &az->conns_at) == YTREE_OK;
	for (size_t i = 0; az->conns_given && i < s->count; i++)
		ld_connection(ld, s->items[i], &az->conns[az->n_conns++]);
}

void topo_ld_azure(struct topo_ld *ld, const struct ytree_node *n)
{
	static const char *const keys[] = {
		"resource_group", "location", "vnet", "gateway",
		"local_network_gateways", "connections", NULL
	};
	struct topo_azure *az = &ld->t->azure;
	az->present = true;
	if (!topo_ld_map(ld, n, keys, &az->at))
		return;
	topo_ld_name(ld, n, "resource_group", YTREE_REQUIRED,
		     az->resource_group, &az->resource_group_at);
	topo_ld_name(ld, n, "location", YTREE_REQUIRED, az->location,
		     &az->location_at);
	ld_vnet(ld, n);
	ld_gateway(ld, n);
	ld_lists(ld, n, az);
}
