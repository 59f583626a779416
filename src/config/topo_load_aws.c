/*
 * Topology loader, AWS section: VPC, virtual private gateway, customer
 * gateways and Site-to-Site VPN connections with their two tunnels (the
 * seed's Part 2). Tunnel option defaults are AWS's (VPNTunnels.html).
 */
#include "config/topo_load_priv.h"

#include <string.h>

static const struct ytree_enum routings[] = {
	{ "dynamic", TOPO_ROUTING_DYNAMIC }, { "static", TOPO_ROUTING_STATIC },
	{ NULL, 0 },
};
static const struct ytree_enum startups[] = {
	{ "add", TOPO_STARTUP_ADD }, { "start", TOPO_STARTUP_START },
	{ NULL, 0 },
};
static const struct ytree_enum ip_versions[] = {
	{ "ipv4", 4 }, { "ipv6", 6 }, { NULL, 0 },
};
static const struct ytree_enum dpd_actions[] = {
	{ "clear", TOPO_DPD_CLEAR }, { "none", TOPO_DPD_NONE },
	{ "restart", TOPO_DPD_RESTART }, { NULL, 0 },
};
static const struct ytree_enum ike_versions[] = {
	{ "ikev1", 0 }, { "ikev2", 1 }, { NULL, 0 }, /* bit positions */
};
static const struct ytree_enum aws_encryptions[] = {
	{ "AES128", TOPO_ALG_AES128 },
	{ "AES256", TOPO_ALG_AES256 },
	{ "AES128-GCM-16", TOPO_ALG_AES128_GCM16 },
	{ "AES256-GCM-16", TOPO_ALG_AES256_GCM16 },
	{ NULL, 0 },
};
static const struct ytree_enum aws_integrities[] = {
	{ "SHA1", TOPO_ALG_SHA1 },
	{ "SHA2-256", TOPO_ALG_SHA256 },
	{ "SHA2-384", TOPO_ALG_SHA384 },
	{ "SHA2-512", TOPO_ALG_SHA512 },
	{ NULL, 0 },
};

#define BIT(n) (1u << (n))
#define AWS_ENC_ALL                                                      \
	(BIT(TOPO_ALG_AES128) | BIT(TOPO_ALG_AES256) |                   \
	 BIT(TOPO_ALG_AES128_GCM16) | BIT(TOPO_ALG_AES256_GCM16))
#define AWS_INTEG_ALL                                                    \
	(BIT(TOPO_ALG_SHA1) | BIT(TOPO_ALG_SHA256) | BIT(TOPO_ALG_SHA384) | \
	 BIT(TOPO_ALG_SHA512))
/* Phase 1: 2, 14-24; phase 2 also 5. */
#define AWS_DH_P1 (BIT(2) | 0x1ffc000u)
#define AWS_DH_P2 (AWS_DH_P1 | BIT(5))

static void ld_vpc(struct topo_ld *ld, const struct ytree_node *aws)
{
	static const char *const keys[] = { "name", "cidr", NULL };
	struct topo_vpc *v = &ld->t->aws.vpc;
	const struct ytree_node *n = NULL;
	topo_ld_key_pos(&v->at, aws, "vpc");
	if (ytree_get_node(aws, "vpc", YTREE_REQUIRED, YTREE_MAP, &n, ld->d) !=
		    YTREE_OK ||
	    !topo_ld_map(ld, n, keys, &v->at))
		return;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, v->name, &v->name_at);
	topo_ld_prefix(ld, n, "cidr", YTREE_REQUIRED, &v->cidr, &v->cidr_at);
}

static void ld_vgw(struct topo_ld *ld, const struct ytree_node *aws)
{
	static const char *const keys[] = { "name", "asn", "vpc",
					    "route_propagation", NULL };
	struct topo_vgw *g = &ld->t->aws.vgw;
	const struct ytree_node *n = NULL;
	topo_ld_key_pos(&g->at, aws, "vpn_gateway");
	g->asn = 64512;
	if (ytree_get_node(aws, "vpn_gateway", YTREE_REQUIRED, YTREE_MAP, &n,
			   ld->d) != YTREE_OK ||
	    !topo_ld_map(ld, n, keys, &g->at))
		return;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, g->name, &g->name_at);
	topo_ld_asn(ld, n, "asn", YTREE_OPTIONAL, &g->asn, &g->asn_at);
	topo_ld_name(ld, n, "vpc", YTREE_REQUIRED, g->vpc, &g->vpc_at);
	topo_ld_bool(ld, n, "route_propagation", &g->route_propagation,
		     &g->route_propagation_at);
}

static void ld_cgw(struct topo_ld *ld, const struct ytree_node *n,
		   struct topo_cgw *c)
{
	static const char *const keys[] = { "name", "routing", "bgp_asn",
					    "ip_address", NULL };
	if (!topo_ld_map(ld, n, keys, &c->at))
		return;
	int e = 0;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, c->name, &c->name_at);
	if (topo_ld_enum(ld, n, "routing", YTREE_OPTIONAL, routings, &e,
			 &c->routing_at) == YTREE_OK)
		c->routing = (enum topo_routing)e;
	topo_ld_asn(ld, n, "bgp_asn", YTREE_REQUIRED, &c->bgp_asn,
		    &c->bgp_asn_at);
	topo_ld_ip(ld, n, "ip_address", YTREE_REQUIRED, &c->ip_address,
		   &c->ip_address_at);
}

/* A list of names from tab, as a bit set of their values. */
static void ld_algset(struct topo_ld *ld, const struct ytree_node *map,
		      const char *key, const struct ytree_enum *tab,
		      uint32_t *out, struct topo_pos *at)
{
	const struct ytree_node *s = NULL;
	if (topo_ld_seq(ld, map, key, YTREE_OPTIONAL, 32, &s, at) != YTREE_OK)
		return;
	uint32_t set = 0;
	for (size_t i = 0; i < s->count; i++) {
		int v = 0;
		if (ytree_node_enum(s->items[i], tab, &v, ld->d))
			set |= BIT(v);
	}
	*out = set;
}

static void ld_dhset(struct topo_ld *ld, const struct ytree_node *map,
		     const char *key, topo_dhset *out, struct topo_pos *at)
{
	const struct ytree_node *s = NULL;
	if (topo_ld_seq(ld, map, key, YTREE_OPTIONAL, 32, &s, at) != YTREE_OK)
		return;
	topo_dhset set = 0;
	for (size_t i = 0; i < s->count; i++) {
		uint64_t v = 0;
		if (ytree_node_uint(s->items[i], 1, 31, &v, ld->d))
			set |= BIT(v);
	}
	*out = set;
}

static void options_defaults(struct topo_tunnel_options *o)
{
	o->dpd_timeout_s = 30;
	o->dpd_timeout_action = TOPO_DPD_CLEAR;
	o->ike_versions = TOPO_IKEV1 | TOPO_IKEV2;
	o->phase1_encryption = o->phase2_encryption = AWS_ENC_ALL;
	o->phase1_integrity = o->phase2_integrity = AWS_INTEG_ALL;
	o->phase1_dh_groups = AWS_DH_P1;
	o->phase2_dh_groups = AWS_DH_P2;
	o->phase1_lifetime_s = 28800;
	o->phase2_lifetime_s = 3600;
	o->rekey_margin_s = 540;
	o->rekey_fuzz_pct = 100;
	o->replay_window = 1024;
}

static void ld_options(struct topo_ld *ld, const struct ytree_node *tn,
		       struct topo_tunnel_options *o)
{
	static const char *const keys[] = {
		"dpd_timeout_s", "dpd_timeout_action", "ike_versions",
		"phase1_encryption_algorithms", "phase1_integrity_algorithms",
		"phase1_dh_group_numbers", "phase2_encryption_algorithms",
		"phase2_integrity_algorithms", "phase2_dh_group_numbers",
		"phase1_lifetime_s", "phase2_lifetime_s", "rekey_margin_s",
		"rekey_fuzz_pct", "replay_window", NULL
	};
	options_defaults(o);
	topo_ld_key_pos(&o->at, tn, "options");
	const struct ytree_node *n = NULL;
	if (ytree_get_node(tn, "options", YTREE_OPTIONAL, YTREE_MAP, &n,
			   ld->d) != YTREE_OK ||
	    !topo_ld_map(ld, n, keys, &o->at))
		return;
	int e = 0;
	topo_ld_uint(ld, n, "dpd_timeout_s", &o->dpd_timeout_s,
		     &o->dpd_timeout_s_at);
	if (topo_ld_enum(ld, n, "dpd_timeout_action", YTREE_OPTIONAL,
			 dpd_actions, &e, &o->dpd_timeout_action_at) == YTREE_OK)
		o->dpd_timeout_action = (enum topo_dpd_action)e;
	ld_algset(ld, n, "ike_versions", ike_versions, &o->ike_versions,
		  &o->ike_versions_at);
	ld_algset(ld, n, "phase1_encryption_algorithms", aws_encryptions,
		  &o->phase1_encryption, &o->phase1_encryption_at);
	ld_algset(ld, n, "phase1_integrity_algorithms", aws_integrities,
		  &o->phase1_integrity, &o->phase1_integrity_at);
	ld_dhset(ld, n, "phase1_dh_group_numbers", &o->phase1_dh_groups,
		 &o->phase1_dh_groups_at);
	ld_algset(ld, n, "phase2_encryption_algorithms", aws_encryptions,
		  &o->phase2_encryption, &o->phase2_encryption_at);
	ld_algset(ld, n, "phase2_integrity_algorithms", aws_integrities,
		  &o->phase2_integrity, &o->phase2_integrity_at);
	ld_dhset(ld, n, "phase2_dh_group_numbers", &o->phase2_dh_groups,
		 &o->phase2_dh_groups_at);
	topo_ld_uint(ld, n, "phase1_lifetime_s", &o->phase1_lifetime_s,
		     &o->phase1_lifetime_s_at);
	topo_ld_uint(ld, n, "phase2_lifetime_s", &o->phase2_lifetime_s,
		     &o->phase2_lifetime_s_at);
	topo_ld_uint(ld, n, "rekey_margin_s", &o->rekey_margin_s,
		     &o->rekey_margin_s_at);
	topo_ld_uint(ld, n, "rekey_fuzz_pct", &o->rekey_fuzz_pct,
		     &o->rekey_fuzz_pct_at);
	topo_ld_uint(ld, n, "replay_window", &o->replay_window,
		     &o->replay_window_at);
}

static void ld_tunnel(struct topo_ld *ld, const struct ytree_node *n,
		      struct topo_tunnel *tun)
{
	static const char *const keys[] = { "inside_cidr", "pre_shared_key",
					    "outside_ip", "bgp_passive",
					    "options", NULL };
	options_defaults(&tun->options);
	if (!topo_ld_map(ld, n, keys, &tun->at))
		return;
	tun->inside_cidr_set = topo_ld_prefix(ld, n, "inside_cidr",
					      YTREE_OPTIONAL, &tun->inside_cidr,
					      &tun->inside_cidr_at) == YTREE_OK;
	topo_ld_psk(ld, n, "pre_shared_key", YTREE_REQUIRED,
		    tun->pre_shared_key, &tun->pre_shared_key_at);
	tun->outside_ip_set = topo_ld_ip(ld, n, "outside_ip", YTREE_OPTIONAL,
					 &tun->outside_ip,
					 &tun->outside_ip_at) == YTREE_OK;
	topo_ld_bool(ld, n, "bgp_passive", &tun->bgp_passive,
		     &tun->bgp_passive_at);
	ld_options(ld, n, &tun->options);
}

static void ld_tunnels(struct topo_ld *ld, const struct ytree_node *n,
		       struct topo_vpn *v)
{
	const struct ytree_node *s = NULL;
	if (topo_ld_seq(ld, n, "tunnels", YTREE_OPTIONAL, TOPO_TUNNELS, &s,
			&v->tunnels_at) != YTREE_OK)
		return;
	if (s->count != TOPO_TUNNELS) {
		ytree_diag(ld->d, DIAG_ERROR, s, "yaml.count",
			   "list both tunnels, or omit 'tunnels' to plan them",
			   "an AWS VPN connection has exactly 2 tunnels, "
			   "found %zu", s->count);
		return;
	}
	for (size_t i = 0; i < s->count; i++)
		ld_tunnel(ld, s->items[i], &v->tunnels[v->n_tunnels++]);
}

static void ld_vpn(struct topo_ld *ld, const struct ytree_node *n,
		   struct topo_vpn *v)
{
	static const char *const keys[] = {
		"name", "vpn_gateway", "customer_gateway", "routing",
		"local_ipv4_network_cidr", "remote_ipv4_network_cidr",
		"tunnel_inside_ip_version", "startup_action", "tunnels", NULL
	};
	v->inside_ip_version = 4;
	ip_prefix_parse("0.0.0.0/0", &v->local_cidr, true);
	v->remote_cidr = v->local_cidr;
	if (!topo_ld_map(ld, n, keys, &v->at))
		return;
	int e = 0;
	topo_ld_name(ld, n, "name", YTREE_REQUIRED, v->name, &v->name_at);
	topo_ld_name(ld, n, "vpn_gateway", YTREE_REQUIRED, v->vpn_gateway,
		     &v->vpn_gateway_at);
	topo_ld_name(ld, n, "customer_gateway", YTREE_REQUIRED,
		     v->customer_gateway, &v->customer_gateway_at);
	if (topo_ld_enum(ld, n, "routing", YTREE_OPTIONAL, routings, &e,
			 &v->routing_at) == YTREE_OK)
		v->routing = (enum topo_routing)e;
	topo_ld_prefix(ld, n, "local_ipv4_network_cidr", YTREE_OPTIONAL,
		       &v->local_cidr, &v->local_cidr_at);
	topo_ld_prefix(ld, n, "remote_ipv4_network_cidr", YTREE_OPTIONAL,
		       &v->remote_cidr, &v->remote_cidr_at);
	if (topo_ld_enum(ld, n, "tunnel_inside_ip_version", YTREE_OPTIONAL,
			 ip_versions, &e, &v->inside_ip_version_at) == YTREE_OK)
		v->inside_ip_version = (unsigned)e;
	if (topo_ld_enum(ld, n, "startup_action", YTREE_OPTIONAL, startups, &e,
			 &v->startup_at) == YTREE_OK)
		v->startup = (enum topo_startup)e;
	ld_tunnels(ld, n, v);
}

void topo_ld_aws(struct topo_ld *ld, const struct ytree_node *n)
{
	static const char *const keys[] = { "vpc", "vpn_gateway",
					    "customer_gateways",
					    "vpn_connections", NULL };
	struct topo_aws *aws = &ld->t->aws;
	aws->present = true;
	if (!topo_ld_map(ld, n, keys, &aws->at))
		return;
	ld_vpc(ld, n);
	ld_vgw(ld, n);
	const struct ytree_node *s = NULL;
	struct topo_pos at;
	if (topo_ld_seq(ld, n, "customer_gateways", YTREE_REQUIRED,
			TOPO_MAX_CGWS, &s, &at) == YTREE_OK)
		for (size_t i = 0; i < s->count; i++)
			ld_cgw(ld, s->items[i], &aws->cgws[aws->n_cgws++]);
	if (topo_ld_seq(ld, n, "vpn_connections", YTREE_REQUIRED,
			TOPO_MAX_VPNS, &s, &at) == YTREE_OK)
		for (size_t i = 0; i < s->count; i++)
			ld_vpn(ld, s->items[i], &aws->vpns[aws->n_vpns++]);
}
