/*
 * The lab model: which namespaces, addresses and daemons a topology needs,
 * derived from the planner's output, and saved as lab.json so that later
 * commands (status, exec, fail, heal, down) know what "up" built.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "config/dconf.h"
#include "lab/lab_priv.h"
#include "lab/model.h"
#include "plan/plan.h"

struct lab_node *lab_node_find(struct lab *lab, const char *name)
{
	for (size_t i = 0; i < lab->n_nodes; i++)
		if (strcmp(lab->nodes[i].name, name) == 0)
			return &lab->nodes[i];
	return NULL;
}

static struct lab_node *add_node(struct lab *lab, const char *name, enum lab_kind kind)
{
	if (lab->n_nodes == LAB_MAX_NODES)
		return NULL;
	struct lab_node *n = &lab->nodes[lab->n_nodes++];
	memset(n, 0, sizeof(*n));
	snprintf(n->name, sizeof(n->name), "%s", name);
	snprintf(n->ns, sizeof(n->ns), LAB_NS_PREFIX "%s", name);
	n->kind = kind;
	n->instance = -1;
	char dir[200];
	snprintf(dir, sizeof(dir), "%.199s", lab->dir);
	snprintf(n->conf, sizeof(n->conf), "%s/%.24s.yaml", dir, name);
	snprintf(n->sock, sizeof(n->sock), "%s/%.24s.sock", dir, name);
	snprintf(n->log, sizeof(n->log), "%s/%.24s.log", dir, name);
	return n;
}

static void add_pub(struct lab_node *n, const struct ip_addr *a)
{
	if (!ip_addr_is_set(a))
		return;
	for (size_t i = 0; i < n->n_pub; i++)
		if (ip_addr_eq(&n->pub[i], a))
			return;
	if (n->n_pub < LAB_MAX_PUB)
		n->pub[n->n_pub++] = *a;
}

/* Host h of prefix p, with p's length: the address of an interface. */
static struct ip_prefix host_in(const struct ip_prefix *p, uint32_t h, uint8_t len)
{
	struct ip_prefix r = { .addr = ip_prefix_host(p, h), .len = len };
	return r;
}

static int instance_of(const struct topology *t, const struct dconf *c)
{
	for (size_t i = 0; i < t->azure.gateway.n_public_ips; i++)
		if (ip_addr_eq(&t->azure.gateway.public_ips[i].address, &c->outside_address))
			return (int)i;
	return -1;
}

static void add_gateway_node(struct lab *lab, const struct topology *t,
			     const struct dconf *c, struct lab_model_gw *gw)
{
	char name[24];
	int inst = -1;
	if (c->role == DCONF_ROLE_AZURE_INSTANCE) {
		inst = instance_of(t, c);
		snprintf(name, sizeof(name), "azure%d", inst < 0 ? 0 : inst);
	} else if (c->role == DCONF_ROLE_AWS_VGW) {
		snprintf(name, sizeof(name), "aws");
	} else {
		snprintf(name, sizeof(name), "onprem");
	}
	struct lab_node *n = add_node(lab, name, LAB_GATEWAY);
	if (n == NULL)
		return;
	n->instance = inst;
	n->has_daemon = true;
	snprintf(n->role, sizeof(n->role), "%s", dconf_role_name(c->role));
	add_pub(n, &c->outside_address);
	for (size_t i = 0; i < c->n_tunnels; i++)
		add_pub(n, &c->tunnels[i].local_outside);
	gw->node = n;
}

/* VNet: the FrontEnd host (.4 of the first non-gateway subnet, as Azure
 * hands out) on a bridge with the instances' GatewaySubnet addresses. */
static void add_vnet(struct lab *lab, const struct topology *t)
{
	const struct topo_vnet *v = &t->azure.vnet;
	if (!t->azure.present || v->n_spaces == 0)
		return;
	struct ip_prefix host_net = v->spaces[0], gw_net = v->spaces[0];
	for (size_t i = 0; i < v->n_subnets; i++) {
		if (strcmp(v->subnets[i].name, "GatewaySubnet") == 0)
			gw_net = v->subnets[i].prefix;
		else if (host_net.len == v->spaces[0].len)
			host_net = v->subnets[i].prefix;
	}
	char name[24];
	snprintf(name, sizeof(name), "%.20s", v->name);
	for (char *p = name; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	struct lab_node *n = add_node(lab, name, LAB_VNET);
	if (n == NULL)
		return;
	n->has_daemon = true;
	n->inner = host_in(&host_net, 4, v->spaces[0].len);
	lab->vnet_host = n->inner.addr;
	snprintf(lab->vnet_node, sizeof(lab->vnet_node), "%s", n->name);
	for (size_t i = 0; i < lab->n_nodes; i++) {
		struct lab_node *g = &lab->nodes[i];
		if (g->kind == LAB_GATEWAY && g->instance >= 0) {
			g->inner = host_in(&gw_net, 4 + (uint32_t)g->instance, v->spaces[0].len);
			snprintf(g->inner_if, sizeof(g->inner_if), "fab0");
		}
	}
}

/* VPC: a host (.10) behind the VGW's VPC-side address (.1, the VPC router). */
static void add_vpc(struct lab *lab, const struct topology *t)
{
	if (!t->aws.present)
		return;
	char name[24];
	snprintf(name, sizeof(name), "%.20s", t->aws.vpc.name);
	for (char *p = name; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	struct lab_node *n = add_node(lab, name, LAB_VPC);
	if (n == NULL)
		return;
	n->has_daemon = t->aws.vgw.route_propagation;
	n->inner = host_in(&t->aws.vpc.cidr, 10, t->aws.vpc.cidr.len);
	lab->vpc_host = n->inner.addr;
	lab->propagation = t->aws.vgw.route_propagation;
	snprintf(lab->vpc_node, sizeof(lab->vpc_node), "%s", n->name);
	struct lab_node *aws = lab_node_find(lab, "aws");
	if (aws != NULL) {
		aws->inner = host_in(&t->aws.vpc.cidr, 1, t->aws.vpc.cidr.len);
		snprintf(aws->inner_if, sizeof(aws->inner_if), "vpc0");
	}
}

static void add_tunnels(struct lab *lab, const struct plan *p)
{
	for (size_t k = 0; k < p->n_tunnels && k < LAB_MAX_TUNNELS; k++) {
		const struct plan_tunnel *pt = &p->tunnels[k];
		struct lab_tunnel *lt = &lab->tunnels[lab->n_tunnels++];
		lt->aws_outside = pt->aws_outside;
		lt->peer_outside = pt->peer_outside;
		snprintf(lt->aws_node, sizeof(lt->aws_node), "aws");
		if (pt->onprem)
			snprintf(lt->peer_node, sizeof(lt->peer_node), "onprem");
		else
			snprintf(lt->peer_node, sizeof(lt->peer_node), "azure%d", pt->instance);
		snprintf(lt->name, sizeof(lt->name), "%.60s tunnel %zu",
			 p->topo.aws.vpns[pt->vpn].name, pt->tunnel + 1);
	}
}

int lab_model_build(struct lab *lab, struct lab_model *m, const char *text, size_t len,
		    const char *name, FILE *err)
{
	struct diag_list diags;
	diag_list_init(&diags);
	struct topology *t = topology_load_string(text, len, name, &diags);
	m->plan = plan_new();
	bool ok = t != NULL && m->plan != NULL && plan_build(t, m->plan, &diags) &&
		  plan_gateways_build(m->plan, &m->gws, &diags);
	diag_list_print(&diags, err);
	diag_list_free(&diags);
	topology_free(t);
	if (!ok)
		return 2;
	lab->n_nodes = 0;
	add_node(lab, "internet", LAB_INET);
	for (size_t i = 0; i < m->gws.n; i++)
		add_gateway_node(lab, &m->plan->topo, m->gws.gw[i].conf, &m->gw[i]);
	add_vnet(lab, &m->plan->topo);
	add_vpc(lab, &m->plan->topo);
	add_tunnels(lab, m->plan);
	return 0;
}

void lab_model_free(struct lab_model *m)
{
	plan_gateways_free(&m->gws);
	plan_free(m->plan);
	memset(m, 0, sizeof(*m));
}
