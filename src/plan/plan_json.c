/*
 * JSON form of a plan (json-c): the same content as the text form, keys in
 * a fixed order, slashes not escaped, no secrets. Schema: docs/plan.md.
 */
#include <json-c/json.h>
#include <stdio.h>

#include "plan/plan_priv.h"

static void put_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void put_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void put_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static void put_ip(struct json_object *o, const char *k,
		   const struct ip_addr *a)
{
	char b[IP_ADDR_STRLEN];
	put_str(o, k, ip_addr_fmt(a, b, sizeof(b)));
}

static struct json_object *prefix_array(const struct ip_prefix *v, size_t n)
{
	struct json_object *a = json_object_new_array();
	char b[IP_PREFIX_STRLEN];
	for (size_t i = 0; i < n; i++)
		json_object_array_add(a, json_object_new_string(
						 ip_prefix_fmt(&v[i], b,
							       sizeof(b))));
	return a;
}

static struct json_object *tunnel_json(const struct plan *p,
				       const struct plan_tunnel *pt)
{
	struct json_object *o = json_object_new_object();
	char b[IP_PREFIX_STRLEN];
	put_str(o, "vpn_connection", p->topo.aws.vpns[pt->vpn].name);
	put_int(o, "tunnel", (int64_t)pt->tunnel + 1);
	if (pt->instance >= 0)
		put_int(o, "azure_instance", pt->instance);
	else
		json_object_object_add(o, "azure_instance", NULL);
	put_bool(o, "onprem", pt->onprem);
	put_str(o, "inside_cidr", ip_prefix_fmt(&pt->inside_cidr, b, sizeof(b)));
	put_ip(o, "aws_bgp_ip", &pt->aws_ip);
	put_ip(o, "peer_bgp_ip", &pt->peer_ip);
	put_ip(o, "aws_outside_ip", &pt->aws_outside);
	put_ip(o, "peer_outside_ip", &pt->peer_outside);
	put_str(o, "azure_connection",
		pt->conn >= 0 ? p->topo.azure.conns[pt->conn].name : "");
	put_bool(o, "psk_known", pt->psk[0] != '\0');
	struct json_object *pl = json_object_new_object();
	put_bool(pl, "tunnel", p->tunnel_added[pt->vpn][pt->tunnel]);
	put_bool(pl, "inside_cidr", p->inside_planned[pt->vpn][pt->tunnel]);
	put_bool(pl, "outside_ip", p->outside_planned[pt->vpn][pt->tunnel]);
	json_object_object_add(o, "planned", pl);
	return o;
}

static struct json_object *conn_json(const struct plan *p, size_t i)
{
	const struct topo_connection *c = &p->topo.azure.conns[i];
	struct json_object *o = json_object_new_object();
	put_str(o, "name", c->name);
	put_str(o, "local_network_gateway", c->lng);
	put_bool(o, "enable_bgp", c->enable_bgp);
	const char *keys[TOPO_MAX_INSTANCES] = { "primary", "secondary" };
	struct json_object *cb = json_object_new_object();
	for (size_t j = 0; j < TOPO_MAX_INSTANCES; j++) {
		if (c->custom_bgp_set && c->custom_bgp_has[j])
			put_ip(cb, keys[j], &c->custom_bgp[j]);
		else
			json_object_object_add(cb, keys[j], NULL);
	}
	json_object_object_add(o, "custom_bgp_addresses", cb);
	put_bool(o, "planned", p->conn_planned[i]);
	return o;
}

static struct json_object *lng_json(const struct plan *p, size_t i)
{
	const struct topo_lng *l = &p->topo.azure.lngs[i];
	struct json_object *o = json_object_new_object();
	put_str(o, "name", l->name);
	put_ip(o, "endpoint_ip", &l->endpoint_ip);
	if (l->bgp_asn_set)
		put_int(o, "bgp_asn", l->bgp_asn);
	if (l->bgp_peer_ip_set)
		put_ip(o, "bgp_peer_ip", &l->bgp_peer_ip);
	json_object_object_add(o, "address_space",
			       prefix_array(l->spaces, l->n_spaces));
	put_bool(o, "planned", p->lng_planned[i]);
	return o;
}

static struct json_object *azure_json(const struct plan *p)
{
	const struct topo_azure *az = &p->topo.azure;
	const struct topo_azure_gateway *gw = &az->gateway;
	struct json_object *o = json_object_new_object();
	put_str(o, "vnet", az->vnet.name);
	json_object_object_add(o, "address_spaces",
			       prefix_array(az->vnet.spaces, az->vnet.n_spaces));
	put_str(o, "gateway", gw->name);
	put_int(o, "asn", gw->asn);
	struct json_object *inst = json_object_new_array();
	for (size_t i = 0; i < gw->n_public_ips; i++) {
		struct json_object *e = json_object_new_object();
		put_int(e, "instance", (int64_t)i);
		put_ip(e, "public_ip", &gw->public_ips[i].address);
		struct json_object *ap = json_object_new_array();
		for (size_t j = 0; i < gw->n_apipa_lists && j < gw->n_apipa[i];
		     j++) {
			char b[IP_ADDR_STRLEN];
			json_object_array_add(ap, json_object_new_string(
				ip_addr_fmt(&gw->apipa[i][j], b, sizeof(b))));
		}
		json_object_object_add(e, "apipa_addresses", ap);
		json_object_array_add(inst, e);
	}
	json_object_object_add(o, "instances", inst);
	put_bool(o, "apipa_planned", p->apipa_planned);
	struct json_object *lngs = json_object_new_array();
	for (size_t i = 0; i < az->n_lngs; i++)
		json_object_array_add(lngs, lng_json(p, i));
	json_object_object_add(o, "local_network_gateways", lngs);
	struct json_object *conns = json_object_new_array();
	for (size_t i = 0; i < az->n_conns; i++)
		json_object_array_add(conns, conn_json(p, i));
	json_object_object_add(o, "connections", conns);
	return o;
}

static struct json_object *aws_json(const struct plan *p)
{
	const struct topo_aws *a = &p->topo.aws;
	struct json_object *o = json_object_new_object();
	char b[IP_PREFIX_STRLEN];
	put_str(o, "vpc", a->vpc.name);
	put_str(o, "vpc_cidr", ip_prefix_fmt(&a->vpc.cidr, b, sizeof(b)));
	put_str(o, "vpn_gateway", a->vgw.name);
	put_int(o, "asn", a->vgw.asn);
	struct json_object *cgws = json_object_new_array();
	for (size_t i = 0; i < a->n_cgws; i++) {
		struct json_object *e = json_object_new_object();
		put_str(e, "name", a->cgws[i].name);
		put_ip(e, "ip_address", &a->cgws[i].ip_address);
		put_int(e, "bgp_asn", a->cgws[i].bgp_asn);
		json_object_array_add(cgws, e);
	}
	json_object_object_add(o, "customer_gateways", cgws);
	struct json_object *vpns = json_object_new_array();
	for (size_t v = 0; v < a->n_vpns; v++) {
		struct json_object *e = json_object_new_object();
		put_str(e, "name", a->vpns[v].name);
		put_str(e, "customer_gateway", a->vpns[v].customer_gateway);
		put_str(e, "startup_action", a->vpns[v].startup ==
			TOPO_STARTUP_START ? "start" : "add");
		json_object_array_add(vpns, e);
	}
	json_object_object_add(o, "vpn_connections", vpns);
	return o;
}

static struct json_object *gateways_json(const struct plan *p)
{
	struct json_object *a = json_object_new_array();
	struct plan_gateways g;
	struct diag_list d;
	diag_list_init(&d);
	if (plan_gateways_build(p, &g, &d)) {
		for (size_t i = 0; i < g.n; i++) {
			const struct dconf *c = g.gw[i].conf;
			struct json_object *e = json_object_new_object();
			put_str(e, "file", g.gw[i].file);
			put_str(e, "name", c->name);
			put_str(e, "role", dconf_role_name(c->role));
			put_ip(e, "outside_address", &c->outside_address);
			put_int(e, "tunnels", (int64_t)c->n_tunnels);
			put_int(e, "bgp_neighbors", (int64_t)c->bgp.n_neighbors);
			json_object_array_add(a, e);
		}
		plan_gateways_free(&g);
	}
	diag_list_free(&d);
	return a;
}

int plan_print_json(FILE *f, const struct plan *p)
{
	struct json_object *o = json_object_new_object();
	put_int(o, "version", 1);
	put_str(o, "source", p->topo.file);
	put_str(o, "description", p->topo.description);
	struct json_object *tun = json_object_new_array();
	for (size_t i = 0; i < p->n_tunnels; i++)
		json_object_array_add(tun, tunnel_json(p, &p->tunnels[i]));
	json_object_object_add(o, "tunnels", tun);
	if (p->topo.azure.present)
		json_object_object_add(o, "azure", azure_json(p));
	if (p->topo.aws.present)
		json_object_object_add(o, "aws", aws_json(p));
	json_object_object_add(o, "gateways", gateways_json(p));
	fprintf(f, "%s\n", json_object_to_json_string_ext(
				   o, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return ferror(f) ? -1 : 0;
}
