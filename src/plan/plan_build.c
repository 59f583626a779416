/*
 * plan_build(): validate the topology, copy it, and fill in what it leaves
 * out (plan.h lists what and how). Each step reads only the topology and
 * the steps before it, in file order, so the result is deterministic.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"
#include "plan/plan_priv.h"

struct plan *plan_new(void)
{
	return calloc(1, sizeof(struct plan));
}

void plan_free(struct plan *p)
{
	if (p == NULL)
		return;
	secret_cleanse(p, sizeof(*p)); /* the topology copy holds PSKs */
	free(p);
}

static void set_path(struct topo_pos *at, const char *fmt, size_t a, size_t b)
{
	memset(at, 0, sizeof(*at));
	snprintf(at->path, sizeof(at->path), fmt, a, b);
}

/* AWS defaults for a tunnel the planner adds (AWS "Tunnel options"). */
static void aws_default_options(struct topo_tunnel_options *o)
{
	const topo_dhset p1 = 1u << 2 | 0x1FFu << 14;  /* 2, 14..22 */
	memset(o, 0, sizeof(*o));
	o->dpd_timeout_s = 30;
	o->dpd_timeout_action = TOPO_DPD_CLEAR;
	o->ike_versions = TOPO_IKEV1 | TOPO_IKEV2;
	o->phase1_encryption = o->phase2_encryption =
		1u << TOPO_ALG_AES128 | 1u << TOPO_ALG_AES256 |
		1u << TOPO_ALG_AES128_GCM16 | 1u << TOPO_ALG_AES256_GCM16;
	o->phase1_integrity = o->phase2_integrity =
		1u << TOPO_ALG_SHA1 | 1u << TOPO_ALG_SHA256 |
		1u << TOPO_ALG_SHA384 | 1u << TOPO_ALG_SHA512;
	o->phase1_dh_groups = p1 | 1u << 23 | 1u << 24;
	o->phase2_dh_groups = o->phase1_dh_groups | 1u << 5;
	o->phase1_lifetime_s = 28800;
	o->phase2_lifetime_s = 3600;
	o->rekey_margin_s = 540;
	o->rekey_fuzz_pct = 100;
	o->replay_window = 1024;
}

/* Step 1: a VPN connection without tunnels gets its two. */
static void add_tunnels(struct plan *p)
{
	for (size_t v = 0; v < p->topo.aws.n_vpns; v++) {
		struct topo_vpn *vpn = &p->topo.aws.vpns[v];
		if (vpn->n_tunnels != 0)
			continue;
		vpn->n_tunnels = TOPO_TUNNELS;
		for (size_t k = 0; k < TOPO_TUNNELS; k++) {
			struct topo_tunnel *t = &vpn->tunnels[k];
			memset(t, 0, sizeof(*t));
			set_path(&t->at, "aws.vpn_connections[%zu].tunnels[%zu]",
				 v, k);
			aws_default_options(&t->options);
			set_path(&t->pre_shared_key_at, "aws.vpn_connections"
				 "[%zu].tunnels[%zu].pre_shared_key", v, k);
			/* Point diagnostics at the VPN connection. */
			t->at.line = t->pre_shared_key_at.line = vpn->at.line;
			t->at.col = t->pre_shared_key_at.col = vpn->at.col;
			p->tunnel_added[v][k] = true;
		}
	}
}

/* Step 2: outside IPs, stand-ins for what AWS assigns: 198.51.100.x. */
static bool plan_outside(struct plan *p, struct diag_list *d)
{
	for (size_t v = 0; v < p->topo.aws.n_vpns; v++) {
		struct topo_vpn *vpn = &p->topo.aws.vpns[v];
		for (size_t k = 0; k < vpn->n_tunnels; k++) {
			struct topo_tunnel *t = &vpn->tunnels[k];
			if (t->outside_ip_set)
				continue;
			uint32_t host = 10 * (uint32_t)(v + 1) + (uint32_t)k;
			for (; host < 255; host++) {
				struct ip_addr a = ip_addr_v4(0xC6336400u + host);
				if (!plan_addr_used(p, &a)) {
					t->outside_ip = a;
					break;
				}
			}
			if (host >= 255) {
				plan_report(d, &p->topo, &t->at, "plan.outside",
					    "give outside_ip explicitly",
					    "no free outside address in "
					    "198.51.100.0/24");
				return false;
			}
			t->outside_ip_set = true;
			p->outside_planned[v][k] = true;
		}
	}
	return true;
}

/* Number of tunnels of earlier VPNs (and earlier tunnels) on instance i. */
static size_t instance_ordinal(const struct plan *p, size_t v, size_t k)
{
	int inst = topology_vpn_instance(&p->topo, v);
	size_t n = 0;
	for (size_t w = 0; w < p->topo.aws.n_vpns; w++)
		for (size_t j = 0; j < p->topo.aws.vpns[w].n_tunnels; j++) {
			if (w == v && j == k)
				return n;
			if (topology_vpn_instance(&p->topo, w) == inst)
				n++;
		}
	return n;
}

/* Inside CIDR from the instance's given APIPA list, if it has one. */
static bool inside_from_apipa(struct plan *p, size_t v, size_t k)
{
	const struct topo_azure_gateway *gw = &p->topo.azure.gateway;
	int inst = topology_vpn_instance(&p->topo, v);
	if (!p->topo.azure.present || !gw->apipa_set || inst < 0 ||
	    (size_t)inst >= gw->n_apipa_lists)
		return false;
	size_t j = instance_ordinal(p, v, k);
	if (j >= gw->n_apipa[inst])
		return false;
	struct topo_tunnel *t = &p->topo.aws.vpns[v].tunnels[k];
	t->inside_cidr.addr = gw->apipa[inst][j];
	t->inside_cidr.len = 30;
	ip_prefix_canonicalize(&t->inside_cidr);
	return true;
}

/*
 * A free /30 in 169.254.(21+k).0/24, first try at slot `slot`, then the
 * following slots, then the other /24: its second host is inside Azure's
 * APIPA range 169.254.21.0-169.254.22.255, and AWS's reserved /30s lie
 * elsewhere (169.254.0-5.x, 169.254.169.252/30).
 */
static bool alloc_inside(const struct plan *p, size_t k, size_t slot,
			 struct ip_prefix *out)
{
	for (size_t r = 0; r < 2; r++) {
		uint32_t base = 0xA9FE1500u + (uint32_t)(((k + r) % 2) << 8);
		for (size_t s = r ? 0 : slot; s < 64; s++) {
			struct ip_prefix c = { ip_addr_v4(base + 4 * (uint32_t)s),
					       30 };
			if (!plan_prefix_used(p, &c)) {
				*out = c;
				return true;
			}
		}
	}
	return false;
}

static bool plan_inside_vpn(struct plan *p, size_t v, struct diag_list *d)
{
	struct topo_vpn *vpn = &p->topo.aws.vpns[v];
	int inst = topology_vpn_instance(&p->topo, v);
	for (size_t k = 0; k < vpn->n_tunnels; k++) {
		struct topo_tunnel *t = &vpn->tunnels[k];
		if (t->inside_cidr_set)
			continue;
		if (!inside_from_apipa(p, v, k) &&
		    !alloc_inside(p, k, inst > 0 ? (size_t)inst : 0,
				  &t->inside_cidr)) {
			plan_report(d, &p->topo, &t->at, "plan.inside",
				    "give inside_cidr explicitly",
				    "no free /30 left in 169.254.21.0/24 and "
				    "169.254.22.0/24");
			return false;
		}
		t->inside_cidr_set = true;
		p->inside_planned[v][k] = true;
	}
	return true;
}

/* Step 3: inside CIDRs; Azure-bound VPNs first so they get the seed's
 * slots (instance 0 -> .0/30, instance 1 -> .4/30). */
static bool plan_inside(struct plan *p, struct diag_list *d)
{
	for (int pass = 0; pass < 2; pass++)
		for (size_t v = 0; v < p->topo.aws.n_vpns; v++) {
			bool azure = topology_vpn_instance(&p->topo, v) >= 0;
			if (azure == (pass == 0) && !plan_inside_vpn(p, v, d))
				return false;
		}
	return true;
}

/* Step 4: APIPA lists per instance from the tunnels' second hosts. */
static void plan_apipa(struct plan *p)
{
	struct topo_azure_gateway *gw = &p->topo.azure.gateway;
	if (!p->topo.azure.present || gw->apipa_set)
		return;
	gw->n_apipa_lists = gw->n_public_ips;
	for (size_t v = 0; v < p->topo.aws.n_vpns; v++) {
		int inst = topology_vpn_instance(&p->topo, v);
		const struct topo_vpn *vpn = &p->topo.aws.vpns[v];
		for (size_t k = 0; inst >= 0 && k < vpn->n_tunnels; k++) {
			size_t n = gw->n_apipa[inst];
			if (n >= TOPO_MAX_APIPA)
				continue;
			gw->apipa[inst][n] =
				topology_tunnel_peer_ip(&vpn->tunnels[k]);
			set_path(&gw->apipa_addr_at[inst][n],
				 "azure.gateway.apipa_addresses[%zu][%zu]",
				 (size_t)inst, n);
			gw->n_apipa[inst]++;
		}
	}
	gw->apipa_set = gw->n_apipa_lists > 0;
	p->apipa_planned = gw->apipa_set;
}

/*
 * Every AWS tunnel is its own endpoint: two tunnels with one outside IP
 * cannot both be reached (and one vgw config could not tell them apart).
 */
static bool check_outside_unique(const struct plan *p, struct diag_list *d)
{
	bool ok = true;
	for (size_t i = 0; i < p->n_tunnels; i++)
		for (size_t j = 0; j < i; j++) {
			const struct plan_tunnel *a = &p->tunnels[j];
			const struct plan_tunnel *b = &p->tunnels[i];
			if (!ip_addr_eq(&a->aws_outside, &b->aws_outside))
				continue;
			const struct topo_tunnel *t =
				&p->topo.aws.vpns[b->vpn].tunnels[b->tunnel];
			char buf[IP_ADDR_STRLEN];
			plan_report(d, &p->topo, &t->outside_ip_at,
				    "plan.outside_unique",
				    "give every AWS tunnel its own outside_ip",
				    "outside IP %s is already used by tunnel "
				    "%zu of '%s'",
				    ip_addr_fmt(&b->aws_outside, buf,
						sizeof(buf)), a->tunnel + 1,
				    p->topo.aws.vpns[a->vpn].name);
			ok = false;
		}
	return ok;
}

bool plan_build(const struct topology *t, struct plan *p,
		struct diag_list *d)
{
	memset(p, 0, sizeof(*p));
	if (!topology_validate(t, d))
		return false;
	memcpy(&p->topo, t, sizeof(*t));
	add_tunnels(p);
	if (!plan_outside(p, d) || !plan_inside(p, d))
		return false;
	plan_apipa(p);
	if (!plan_azure_objects(p, d))
		return false;
	plan_index(p);
	if (!check_outside_unique(p, d))
		return false;
	plan_warn_keyless(p, d);
	return plan_self_check(p, d);
}
