/*
 * Seed part 3 on the Azure side: one local network gateway and one
 * connection per AWS tunnel that ends on an Azure instance, when the file
 * lists none; then the resolved per-tunnel index and the self-check.
 *
 *   LNG        endpoint = the tunnel's AWS outside IP, BGP ASN = VGW ASN,
 *              BGP peer = AWS inside first host, address space empty.
 *   Connection BGP on, custom BGP addresses on: the tunnel's APIPA address
 *              as primary for instance 0, as secondary for instance 1; the
 *              unused field keeps the other instance's first APIPA address
 *              (what the portal shows as its default).
 */
#include <stdio.h>
#include <string.h>

#include "plan/plan_priv.h"

void plan_conn_name(const struct plan *p, size_t vpn, size_t tunnel,
		    char *buf, size_t size)
{
	int inst = topology_vpn_instance(&p->topo, vpn);
	snprintf(buf, size, "AWSTunnel%zutoAzureInstance%d", tunnel + 1,
		 inst);
}

static bool conn_name_taken(const struct topo_azure *az, const char *name)
{
	for (size_t i = 0; i < az->n_conns; i++)
		if (strcmp(az->conns[i].name, name) == 0)
			return true;
	/* The LNG "<name>-lng" is only ours to create when LNGs are planned. */
	for (size_t i = 0; !az->lngs_given && i < az->n_lngs; i++)
		if (strncmp(az->lngs[i].name, name, strlen(name)) == 0 &&
		    strcmp(az->lngs[i].name + strlen(name), "-lng") == 0)
			return true;
	return false;
}

/* The seed's name, made unique with a "-2", "-3", ... suffix. */
static void unique_conn_name(const struct plan *p, size_t v, size_t k,
			     char *buf, size_t size)
{
	char base[TOPO_NAME_MAX - 8];
	plan_conn_name(p, v, k, base, sizeof(base));
	snprintf(buf, size, "%s", base);
	for (int n = 2; conn_name_taken(&p->topo.azure, buf); n++)
		snprintf(buf, size, "%.60s-%d", base, n);
}

static int lng_by_endpoint(const struct topo_azure *az,
			   const struct ip_addr *a)
{
	for (size_t i = 0; i < az->n_lngs; i++)
		if (ip_addr_eq(&az->lngs[i].endpoint_ip, a))
			return (int)i;
	return -1;
}

static int conn_by_lng(const struct topo_azure *az, const char *lng)
{
	for (size_t i = 0; i < az->n_conns; i++)
		if (strcmp(az->conns[i].lng, lng) == 0)
			return (int)i;
	return -1;
}

static void add_lng(struct plan *p, size_t v, size_t k, const char *conn)
{
	struct topo_azure *az = &p->topo.azure;
	const struct topo_tunnel *t = &p->topo.aws.vpns[v].tunnels[k];
	size_t i = az->n_lngs++;
	struct topo_lng *l = &az->lngs[i];
	memset(l, 0, sizeof(*l));
	snprintf(l->at.path, sizeof(l->at.path),
		 "azure.local_network_gateways[%zu]", i);
	snprintf(l->name, sizeof(l->name), "%s-lng", conn);
	l->endpoint_ip = t->outside_ip;
	l->bgp_asn = p->topo.aws.vgw.asn;
	l->bgp_asn_set = true;
	l->bgp_peer_ip = topology_tunnel_aws_ip(t);
	l->bgp_peer_ip_set = true;
	p->lng_planned[i] = true;
}

static void add_conn(struct plan *p, size_t v, size_t k, const char *name,
		     const char *lng)
{
	struct topo_azure *az = &p->topo.azure;
	const struct topo_azure_gateway *gw = &az->gateway;
	const struct topo_tunnel *t = &p->topo.aws.vpns[v].tunnels[k];
	int inst = topology_vpn_instance(&p->topo, v);
	size_t i = az->n_conns++;
	struct topo_connection *c = &az->conns[i];
	memset(c, 0, sizeof(*c));
	snprintf(c->at.path, sizeof(c->at.path), "azure.connections[%zu]", i);
	snprintf(c->name, sizeof(c->name), "%s", name);
	memcpy(c->lng, lng, strlen(lng) + 1); /* both TOPO_NAME_MAX */
	memcpy(c->shared_key, t->pre_shared_key, sizeof(c->shared_key));
	snprintf(c->shared_key_at.path, sizeof(c->shared_key_at.path),
		 "azure.connections[%zu].shared_key", i);
	c->enable_bgp = true;
	c->custom_bgp_set = true;
	for (size_t j = 0; j < TOPO_MAX_INSTANCES && j < gw->n_public_ips;
	     j++) {
		if ((int)j == inst)
			c->custom_bgp[j] = topology_tunnel_peer_ip(t);
		else if (j < gw->n_apipa_lists && gw->n_apipa[j] > 0)
			c->custom_bgp[j] = gw->apipa[j][0];
		else
			continue;
		c->custom_bgp_has[j] = true;
	}
	c->mode = TOPO_CONN_DEFAULT;
	c->dpd_timeout_s = 45;
	c->policy.sa_lifetime_s = 27000;
	c->policy.sa_data_size_kb = 102400000;
	p->conn_planned[i] = true;
}

static bool plan_tunnel_objects(struct plan *p, size_t v, size_t k,
				struct diag_list *d)
{
	struct topo_azure *az = &p->topo.azure;
	const struct topo_tunnel *t = &p->topo.aws.vpns[v].tunnels[k];
	char name[TOPO_NAME_MAX - 4];
	unique_conn_name(p, v, k, name, sizeof(name));
	if (!az->lngs_given) {
		if (az->n_lngs >= TOPO_MAX_LNGS)
			goto full;
		add_lng(p, v, k, name);
	}
	int l = lng_by_endpoint(az, &t->outside_ip);
	if (az->conns_given || (l >= 0 && conn_by_lng(az, az->lngs[l].name) >= 0))
		return true;
	if (l < 0) {
		char buf[IP_ADDR_STRLEN];
		plan_report(d, &p->topo, &az->lngs_at, "plan.lng",
			    "add a local network gateway with that endpoint_ip,"
			    " or omit local_network_gateways",
			    "no local network gateway for the AWS tunnel with "
			    "outside IP %s",
			    ip_addr_fmt(&t->outside_ip, buf, sizeof(buf)));
		return false;
	}
	if (az->n_conns >= TOPO_MAX_CONNS)
		goto full;
	add_conn(p, v, k, name, az->lngs[l].name);
	return true;
full:
	plan_report(d, &p->topo, &az->at, "plan.limit", NULL,
		    "too many AWS tunnels for the Azure model (%d)",
		    TOPO_MAX_CONNS);
	return false;
}

bool plan_azure_objects(struct plan *p, struct diag_list *d)
{
	if (!p->topo.azure.present)
		return true;
	for (size_t v = 0; v < p->topo.aws.n_vpns; v++) {
		if (topology_vpn_instance(&p->topo, v) < 0)
			continue;
		for (size_t k = 0; k < p->topo.aws.vpns[v].n_tunnels; k++)
			if (!plan_tunnel_objects(p, v, k, d))
				return false;
	}
	return true;
}

static void index_tunnel(struct plan *p, size_t v, size_t k)
{
	const struct topology *t = &p->topo;
	const struct topo_tunnel *tun = &t->aws.vpns[v].tunnels[k];
	struct plan_tunnel *pt = &p->tunnels[p->n_tunnels++];
	memset(pt, 0, sizeof(*pt));
	pt->vpn = v;
	pt->tunnel = k;
	pt->instance = topology_vpn_instance(t, v);
	pt->onprem = topology_vpn_is_onprem(t, v);
	pt->inside_cidr = tun->inside_cidr;
	pt->aws_ip = topology_tunnel_aws_ip(tun);
	pt->peer_ip = topology_tunnel_peer_ip(tun);
	pt->aws_outside = tun->outside_ip;
	int cgw = topology_find_cgw(t, t->aws.vpns[v].customer_gateway);
	if (cgw >= 0)
		pt->peer_outside = t->aws.cgws[cgw].ip_address;
	pt->lng = pt->instance >= 0 ? lng_by_endpoint(&t->azure,
						      &tun->outside_ip) : -1;
	pt->conn = pt->lng >= 0 ? conn_by_lng(&t->azure,
					      t->azure.lngs[pt->lng].name) : -1;
	pt->psk = tun->pre_shared_key;
	if (pt->psk[0] == '\0' && pt->conn >= 0)
		pt->psk = t->azure.conns[pt->conn].shared_key;
}

void plan_index(struct plan *p)
{
	p->n_tunnels = 0;
	for (size_t v = 0; v < p->topo.aws.n_vpns; v++)
		for (size_t k = 0; k < p->topo.aws.vpns[v].n_tunnels; k++)
			index_tunnel(p, v, k);
}

void plan_psk_file(const struct plan *p, const struct plan_tunnel *pt,
		   char *buf, size_t size)
{
	snprintf(buf, size, "%.60s-t%zu.psk", p->topo.aws.vpns[pt->vpn].name,
		 pt->tunnel + 1);
	for (char *c = buf; *c; c++)
		if (*c == '/' || *c == ' ')
			*c = '-';
}

void plan_warn_keyless(const struct plan *p, struct diag_list *d)
{
	for (size_t i = 0; i < p->n_tunnels; i++) {
		const struct plan_tunnel *pt = &p->tunnels[i];
		if (pt->psk[0] != '\0')
			continue;
		const struct topo_tunnel *t =
			&p->topo.aws.vpns[pt->vpn].tunnels[pt->tunnel];
		char file[96];
		plan_psk_file(p, pt, file, sizeof(file));
		struct diag_pos pos = { p->topo.file, t->at.line, t->at.col };
		diag_add(d, DIAG_WARNING, &pos, t->pre_shared_key_at.path,
			 "plan.psk_unknown", "write the same key (8-64 of "
			 "A-Z a-z 0-9 . _) into that file next to each config",
			 "no pre-shared key in the topology: the configs read "
			 "it from %s", file);
	}
}

/* A PSK rule on a key the planner left empty on purpose (warned above). */
static bool keyless(const struct plan *p, const struct diag *e)
{
	if (strncmp(e->rule, "psk.", 4) != 0)
		return false;
	for (size_t i = 0; i < p->n_tunnels; i++) {
		const struct plan_tunnel *pt = &p->tunnels[i];
		const struct topo_tunnel *t =
			&p->topo.aws.vpns[pt->vpn].tunnels[pt->tunnel];
		if (pt->psk[0] == '\0' &&
		    strcmp(e->path, t->pre_shared_key_at.path) == 0)
			return true;
		if (pt->psk[0] == '\0' && pt->conn >= 0 &&
		    strcmp(e->path, p->topo.azure.conns[pt->conn]
					    .shared_key_at.path) == 0)
			return true;
	}
	return false;
}

bool plan_self_check(const struct plan *p, struct diag_list *d)
{
	struct diag_list scratch;
	diag_list_init(&scratch);
	topology_validate(&p->topo, &scratch);
	bool ok = true;
	for (size_t i = 0; i < scratch.n; i++) {
		const struct diag *e = &scratch.v[i];
		if (e->level != DIAG_ERROR || keyless(p, e))
			continue;
		struct diag_pos pos = { e->file, e->line, e->col };
		diag_add(d, DIAG_ERROR, &pos, e->path, "plan.self_check",
			 "please report this planner bug",
			 "the planned topology breaks a rule: %s", e->message);
		ok = false;
	}
	diag_list_free(&scratch);
	return ok;
}
