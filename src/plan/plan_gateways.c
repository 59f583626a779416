/*
 * Plan -> one daemon config per gateway instance (docs/plan.md):
 *   <azure gateway>-instance0/1  role azure-instance: one tunnel per Azure
 *       connection on that instance, passive BGP on the APIPA address
 *       (Azure never opens BGP from APIPA), VNet prefixes announced;
 *   <vgw>                        role aws-vgw: every AWS tunnel, active
 *       BGP, VPC CIDR announced, tunnel options as in the topology;
 *   <onprem>                     role generic: the customer-gateway end of
 *       the VPN connections whose CGW is the on-prem vgw.
 * Pre-shared keys come from the topology. A tunnel whose key the topology
 * does not hold gets "psk_file: <tunnel>.psk" next to the config.
 */
#include <stdio.h>
#include <string.h>

#include "plan/plan_priv.h"

/* dconf names: start alphanumeric, then [A-Za-z0-9._:-]. */
static void clean_name(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
	for (char *c = dst; *c; c++) {
		bool ok = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			  (*c >= '0' && *c <= '9') || *c == '.' || *c == '_' ||
			  *c == '-';
		if (!ok)
			*c = '-';
	}
	if (!((dst[0] >= 'a' && dst[0] <= 'z') || (dst[0] >= 'A' && dst[0] <= 'Z')
	      || (dst[0] >= '0' && dst[0] <= '9')))
		dst[0] = 'g';
}

/* Adds a tunnel named after raw, made unique within c ("-2", ...). */
static struct dconf_tunnel *add_tunnel(struct dconf *c, const char *raw)
{
	char base[DCONF_NAME_MAX], name[DCONF_NAME_MAX];
	clean_name(base, sizeof(base), raw);
	base[50] = '\0';
	snprintf(name, sizeof(name), "%s", base);
	for (int n = 2; dconf_find_tunnel(c, name) != NULL; n++)
		snprintf(name, sizeof(name), "%.50s-%d", base, n);
	return dconf_add_tunnel(c, name);
}

/* A second session to the same peer address cannot be configured. */
static bool neighbor_exists(const struct dconf *c, const struct ip_addr *a)
{
	for (size_t i = 0; i < c->bgp.n_neighbors; i++)
		if (ip_addr_eq(&c->bgp.neighbors[i].address, a))
			return true;
	return false;
}

/* A tunnel end's inside address with the length of its inside CIDR. */
static struct dconf_ifaddr ifaddr(const struct plan_tunnel *pt,
				  const struct ip_addr *a)
{
	struct dconf_ifaddr r = { *a, pt->inside_cidr.len };
	return r;
}

static void set_psk(const struct plan *p, const struct plan_tunnel *pt,
		    struct dconf_tunnel *dt)
{
	if (pt->psk[0] != '\0')
		dconf_tunnel_set_psk(dt, pt->psk);
	else
		plan_psk_file(p, pt, dt->psk_file, sizeof(dt->psk_file));
}

static enum dconf_initiation azure_mode(enum topo_conn_mode m)
{
	switch (m) {
	case TOPO_CONN_INITIATOR_ONLY: return DCONF_INIT_INITIATOR_ONLY;
	case TOPO_CONN_RESPONDER_ONLY: return DCONF_INIT_ADD;
	case TOPO_CONN_DEFAULT: break;
	}
	return DCONF_INIT_START;
}

static enum dconf_dpd_action aws_dpd(enum topo_dpd_action a)
{
	switch (a) {
	case TOPO_DPD_NONE: return DCONF_DPD_NONE;
	case TOPO_DPD_RESTART: return DCONF_DPD_RESTART;
	case TOPO_DPD_CLEAR: break;
	}
	return DCONF_DPD_CLEAR;
}

static bool azure_tunnel(const struct plan *p, const struct plan_tunnel *pt,
			 struct dconf *c, size_t j, struct diag_list *d)
{
	const struct topo_connection *conn = &p->topo.azure.conns[pt->conn];
	struct dconf_tunnel *t = add_tunnel(c, conn->name);
	if (t == NULL)
		return false;
	snprintf(t->ifname, sizeof(t->ifname), "az%dt%zu", pt->instance, j);
	t->local_outside = pt->peer_outside;
	t->remote_outside = pt->aws_outside;
	t->inside_address = ifaddr(pt, &pt->peer_ip);
	t->inside_peer = pt->aws_ip;
	set_psk(p, pt, t);
	const char *bad = NULL;
	if (conn->policy.custom && !plan_azure_policy(&conn->policy, t, &bad)) {
		plan_report(d, &p->topo, &conn->policy.at, "plan.algorithm",
			    "choose AES/AES-GCM, SHA1/SHA2 and DH 2, 14-16, "
			    "19-21, 24", "vgw does not implement this %s", bad);
		return false;
	}
	if (conn->policy.custom) {
		t->child_lifetime_s = (uint32_t)conn->policy.sa_lifetime_s;
		t->child_lifetime_kb = conn->policy.sa_data_size_kb;
	}
	t->dpd_timeout_s = (uint32_t)conn->dpd_timeout_s;
	t->dpd_interval_s = t->dpd_timeout_s >= 3 ? t->dpd_timeout_s / 3 : 1;
	t->initiation = azure_mode(conn->mode);
	return true;
}

static void azure_neighbor(const struct plan *p, const struct plan_tunnel *pt,
			   struct dconf *c, struct diag_list *d)
{
	const struct topo_azure *az = &p->topo.azure;
	const struct topo_connection *conn = &az->conns[pt->conn];
	const struct topo_lng *lng = &az->lngs[pt->lng];
	struct ip_addr peer = lng->bgp_peer_ip_set ? lng->bgp_peer_ip
						   : pt->aws_ip;
	if (!conn->enable_bgp)
		return;
	if (neighbor_exists(c, &peer)) {
		char buf[IP_ADDR_STRLEN];
		struct diag_pos pos = { p->topo.file, conn->at.line,
					conn->at.col };
		diag_add(d, DIAG_WARNING, &pos, conn->at.path, "plan.bgp_peer",
			 "give each local network gateway its own BGP peer",
			 "instance %d already has a BGP session to %s: no "
			 "second one for this connection", pt->instance,
			 ip_addr_fmt(&peer, buf, sizeof(buf)));
		return;
	}
	struct dconf_neighbor *n = dconf_add_neighbor(c, NULL);
	if (n == NULL)
		return;
	const struct dconf_tunnel *t = &c->tunnels[c->n_tunnels - 1];
	snprintf(n->name, sizeof(n->name), "%s", t->name);
	snprintf(n->tunnel, sizeof(n->tunnel), "%s", t->name);
	n->address = peer;
	n->remote_as = lng->bgp_asn_set ? lng->bgp_asn : p->topo.aws.vgw.asn;
	/* Azure binds the connection's custom address for this instance,
	 * else the instance's first APIPA address (cloud-rules 1.1). */
	int i = pt->instance;
	const struct topo_azure_gateway *gw = &az->gateway;
	if (conn->custom_bgp_set && conn->custom_bgp_has[i])
		n->local_address = conn->custom_bgp[i];
	else if ((size_t)i < gw->n_apipa_lists && gw->n_apipa[i] > 0)
		n->local_address = gw->apipa[i][0];
}

static struct dconf *azure_instance(const struct plan *p, int inst,
				    struct diag_list *d)
{
	const struct topo_azure *az = &p->topo.azure;
	char name[DCONF_NAME_MAX], raw[DCONF_NAME_MAX];
	snprintf(raw, sizeof(raw), "%.40s-instance%d", az->gateway.name, inst);
	clean_name(name, sizeof(name), raw);
	struct dconf *c = dconf_new(DCONF_ROLE_AZURE_INSTANCE, name);
	if (c == NULL)
		return NULL;
	c->outside_address = az->gateway.public_ips[inst].address;
	c->bgp.enabled = az->gateway.bgp_enabled;
	c->bgp.asn = az->gateway.asn;
	for (size_t i = 0; i < az->vnet.n_spaces; i++)
		dconf_prefix_list_add(&c->bgp.announce, &az->vnet.spaces[i]);
	size_t j = 0;
	for (size_t k = 0; k < p->n_tunnels; k++) {
		const struct plan_tunnel *pt = &p->tunnels[k];
		if (pt->instance != inst || pt->conn < 0)
			continue;
		if (!azure_tunnel(p, pt, c, j++, d)) {
			dconf_free(c);
			return NULL;
		}
		if (az->gateway.bgp_enabled)
			azure_neighbor(p, pt, c, d);
	}
	return c;
}

static bool aws_tunnel_common(const struct plan *p,
			      const struct topo_tunnel *tun,
			      struct dconf_tunnel *t, struct diag_list *d)
{
	const struct topo_tunnel_options *o = &tun->options;
	if (!plan_aws_options(o, t)) {
		plan_report(d, &p->topo, &o->at, "plan.algorithm",
			    "allow AES/AES-GCM, SHA1/SHA2 and DH 2, 14-16, "
			    "19-21 or 24 in both phases",
			    "vgw implements none of the algorithms these "
			    "tunnel options allow");
		return false;
	}
	t->ike_lifetime_s = (uint32_t)o->phase1_lifetime_s;
	t->child_lifetime_s = (uint32_t)o->phase2_lifetime_s;
	t->rekey_margin_s = (uint32_t)o->rekey_margin_s;
	t->rekey_fuzz_pct = (uint32_t)o->rekey_fuzz_pct;
	t->replay_window = (uint32_t)o->replay_window;
	t->dpd_timeout_s = (uint32_t)o->dpd_timeout_s;
	t->dpd_interval_s = t->dpd_timeout_s < 10 ? t->dpd_timeout_s : 10;
	return true;
}

/* One end of an AWS tunnel: the VGW side (aws) or the on-prem CGW side. */
static bool aws_side_tunnel(const struct plan *p, const struct plan_tunnel *pt,
			    struct dconf *c, bool aws, struct diag_list *d)
{
	const struct topo_vpn *vpn = &p->topo.aws.vpns[pt->vpn];
	const struct topo_tunnel *tun = &vpn->tunnels[pt->tunnel];
	char raw[DCONF_NAME_MAX];
	snprintf(raw, sizeof(raw), "%.50s-t%zu", vpn->name, pt->tunnel + 1);
	struct dconf_tunnel *t = add_tunnel(c, raw);
	if (t == NULL)
		return false;
	snprintf(t->ifname, sizeof(t->ifname), "%s%zut%zu", aws ? "aws" : "cgw",
		 pt->vpn, pt->tunnel + 1);
	t->local_outside = aws ? pt->aws_outside : pt->peer_outside;
	t->remote_outside = aws ? pt->peer_outside : pt->aws_outside;
	t->inside_address = ifaddr(pt, aws ? &pt->aws_ip : &pt->peer_ip);
	t->inside_peer = aws ? pt->peer_ip : pt->aws_ip;
	set_psk(p, pt, t);
	if (!aws_tunnel_common(p, tun, t, d))
		return false;
	if (aws) {
		t->dpd_action = aws_dpd(tun->options.dpd_timeout_action);
		t->initiation = vpn->startup == TOPO_STARTUP_START
					? DCONF_INIT_START : DCONF_INIT_ADD;
	}
	if (vpn->routing != TOPO_ROUTING_DYNAMIC)
		return true;
	struct dconf_neighbor *n = dconf_add_neighbor(c, t->name);
	if (n == NULL)
		return false;
	snprintf(n->tunnel, sizeof(n->tunnel), "%s", t->name);
	n->address = t->inside_peer;
	n->local_address = t->inside_address.addr;
	int cgw = topology_find_cgw(&p->topo, vpn->customer_gateway);
	n->remote_as = aws ? (cgw >= 0 ? p->topo.aws.cgws[cgw].bgp_asn : 0)
			   : p->topo.aws.vgw.asn;
	n->passive = aws ? tun->bgp_passive : false;
	if (!aws) { /* match the VGW's 10/30 timers */
		n->hold_time = 30;
		n->keepalive = 10;
	}
	return true;
}

static struct dconf *aws_vgw(const struct plan *p, struct diag_list *d)
{
	const struct topo_aws *a = &p->topo.aws;
	char name[DCONF_NAME_MAX];
	clean_name(name, sizeof(name), a->vgw.name);
	struct dconf *c = dconf_new(DCONF_ROLE_AWS_VGW, name);
	if (c == NULL)
		return NULL;
	c->outside_address = p->tunnels[0].aws_outside;
	c->bgp.enabled = true;
	c->bgp.asn = a->vgw.asn;
	dconf_prefix_list_add(&c->bgp.announce, &a->vpc.cidr);
	for (size_t k = 0; k < p->n_tunnels; k++)
		if (!aws_side_tunnel(p, &p->tunnels[k], c, true, d)) {
			dconf_free(c);
			return NULL;
		}
	return c;
}

static struct dconf *onprem_cgw(const struct plan *p, struct diag_list *d)
{
	const struct topo_onprem *o = &p->topo.onprem;
	char name[DCONF_NAME_MAX];
	clean_name(name, sizeof(name), o->name);
	struct dconf *c = dconf_new(DCONF_ROLE_GENERIC, name);
	if (c == NULL)
		return NULL;
	c->outside_address = o->public_ip;
	c->bgp.enabled = true;
	c->bgp.asn = o->asn;
	for (size_t i = 0; i < o->n_spaces; i++)
		dconf_prefix_list_add(&c->bgp.announce, &o->spaces[i]);
	for (size_t k = 0; k < p->n_tunnels; k++)
		if (p->tunnels[k].onprem &&
		    !aws_side_tunnel(p, &p->tunnels[k], c, false, d)) {
			dconf_free(c);
			return NULL;
		}
	return c;
}

static bool name_taken(const struct plan_gateways *g, const char *name)
{
	for (size_t i = 0; i < g->n; i++)
		if (strcmp(g->gw[i].conf->name, name) == 0)
			return true;
	return false;
}

static bool add_gw(struct plan_gateways *g, struct dconf *c,
		   struct diag_list *d)
{
	if (c == NULL)
		return false;
	/* Distinct names, so files and control sockets never collide. */
	char base[DCONF_NAME_MAX];
	snprintf(base, sizeof(base), "%.50s", c->name);
	for (int n = 2; name_taken(g, c->name); n++)
		snprintf(c->name, sizeof(c->name), "%.50s-%d", base, n);
	struct plan_gateway *gw = &g->gw[g->n++];
	gw->conf = c;
	snprintf(gw->file, sizeof(gw->file), "%s.yaml", c->name);
	/* Diagnostics from finalize name the config being generated. */
	snprintf(c->source, sizeof(c->source), "%s", gw->file);
	return dconf_finalize(c, d);
}

static bool any_onprem(const struct plan *p)
{
	for (size_t k = 0; k < p->n_tunnels; k++)
		if (p->tunnels[k].onprem)
			return true;
	return false;
}

bool plan_gateways_build(const struct plan *p, struct plan_gateways *g,
			 struct diag_list *d)
{
	memset(g, 0, sizeof(*g));
	bool ok = true;
	const struct topo_azure *az = &p->topo.azure;
	for (size_t i = 0; az->present && i < az->gateway.n_public_ips && ok;
	     i++)
		ok = add_gw(g, azure_instance(p, (int)i, d), d);
	if (ok && p->topo.aws.present && p->n_tunnels > 0)
		ok = add_gw(g, aws_vgw(p, d), d);
	if (ok && p->topo.onprem.present && any_onprem(p))
		ok = add_gw(g, onprem_cgw(p, d), d);
	if (!ok)
		plan_gateways_free(g);
	return ok;
}

void plan_gateways_free(struct plan_gateways *g)
{
	for (size_t i = 0; i < g->n; i++)
		dconf_free(g->gw[i].conf);
	memset(g, 0, sizeof(*g));
}
