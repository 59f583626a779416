/*
 * lab fail / heal: the failures the seed's design must survive.
 *   tunnel N    both directions of AWS tunnel N are black-holed on the
 *               path (the endpoints stay up, as when a path or an AWS
 *               endpoint dies): DPD and BGP must notice.
 *   instance N  Azure gateway instance N dies: its vgwd is killed and its
 *               links go down; AWS and the VNet fabric must notice.
 * heal undoes every failure and restarts dead daemons.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lab/lab_priv.h"

static void tunnel_cut(const struct lab *lab, const struct lab_tunnel *t, bool cut)
{
	char aws_ns[48], peer_ns[48], a[IP_ADDR_STRLEN + 4], p[IP_ADDR_STRLEN + 4];
	char ab[IP_ADDR_STRLEN], pb[IP_ADDR_STRLEN];
	(void)lab;
	snprintf(aws_ns, sizeof(aws_ns), LAB_NS_PREFIX "%s", t->aws_node);
	snprintf(peer_ns, sizeof(peer_ns), LAB_NS_PREFIX "%s", t->peer_node);
	snprintf(a, sizeof(a), "%s/32", ip_addr_fmt(&t->aws_outside, ab, sizeof(ab)));
	snprintf(p, sizeof(p), "%s/32", ip_addr_fmt(&t->peer_outside, pb, sizeof(pb)));
	if (cut) {
		lab_ip(peer_ns, "route", "replace", "blackhole", a, NULL);
		lab_ip(aws_ns, "rule", "add", "from", ab, "to", pb, "blackhole", "priority", "100", NULL);
	} else {
		lab_ip(peer_ns, "route", "replace", a, "dev", "pub0", NULL);
		while (lab_ip(aws_ns, "rule", "del", "from", ab, "to", pb, "blackhole", NULL) == 0)
			;
	}
}

static void instance_links(const struct lab_node *n, const char *state)
{
	lab_ip(n->ns, "link", "set", "pub0", state, NULL);
	if (n->inner_if[0])
		lab_ip(n->ns, "link", "set", n->inner_if, state, NULL);
}

static struct lab_node *find_instance(struct lab *lab, int inst)
{
	for (size_t i = 0; i < lab->n_nodes; i++)
		if (lab->nodes[i].kind == LAB_GATEWAY && lab->nodes[i].instance == inst)
			return &lab->nodes[i];
	return NULL;
}

int lab_fail(const struct lab_opts *o, const char *what, int n)
{
	struct lab lab;
	int rc = lab_state_load(&lab, o->dir ? o->dir : LAB_DEFAULT_DIR, o->err);
	if (rc != 0)
		return rc;
	if (strcmp(what, "tunnel") == 0) {
		if (n < 1 || (size_t)n > lab.n_tunnels) {
			fprintf(o->err, "vgwctl: lab fail tunnel N: N is 1..%zu\n", lab.n_tunnels);
			return 2;
		}
		const struct lab_tunnel *t = &lab.tunnels[n - 1];
		tunnel_cut(&lab, t, true);
		fprintf(o->out, "tunnel %d (%s, %s <-> %s) black-holed\n", n, t->name, t->aws_node,
			t->peer_node);
		return 0;
	}
	if (strcmp(what, "instance") == 0) {
		struct lab_node *node = find_instance(&lab, n);
		if (node == NULL) {
			fprintf(o->err, "vgwctl: lab fail instance N: no Azure instance %d\n", n);
			return 2;
		}
		lab_daemon_kill(&lab, node, SIGKILL);
		instance_links(node, "down");
		fprintf(o->out, "Azure instance %d (%s) killed and disconnected\n", n, node->name);
		return 0;
	}
	fprintf(o->err, "vgwctl: lab fail: say 'tunnel N' or 'instance N'\n");
	return 2;
}

int lab_heal(const struct lab_opts *o)
{
	struct lab lab;
	int rc = lab_state_load(&lab, o->dir ? o->dir : LAB_DEFAULT_DIR, o->err);
	if (rc != 0)
		return rc;
	for (size_t i = 0; i < lab.n_tunnels; i++)
		tunnel_cut(&lab, &lab.tunnels[i], false);
	for (size_t i = 0; i < lab.n_nodes; i++) {
		struct lab_node *n = &lab.nodes[i];
		if (n->kind != LAB_GATEWAY)
			continue;
		instance_links(n, "up");
		lab_net_routes(&lab, n);
		if (n->has_daemon && lab_daemon_pid(&lab, n) == 0) {
			fprintf(o->out, "restarting vgwd of %s\n", n->name);
			lab_daemon_start(&lab, n, o->err);
		}
	}
	fprintf(o->out, "healed: every path restored, every daemon running\n");
	return 0;
}

int lab_check(const struct lab_opts *o)
{
	struct lab lab;
	int rc = lab_state_load(&lab, o->dir ? o->dir : LAB_DEFAULT_DIR, o->err);
	if (rc != 0)
		return rc;
	char vnet[48], vpc[48];
	snprintf(vnet, sizeof(vnet), LAB_NS_PREFIX "%s", lab.vnet_node);
	snprintf(vpc, sizeof(vpc), LAB_NS_PREFIX "%s", lab.vpc_node);
	int bad = lab_ping(vnet, &lab.vpc_host, 3, o->out);
	bad |= lab_ping(vpc, &lab.vnet_host, 3, o->out);
	bad |= lab_tcp_transfer(vnet, vpc, &lab.vpc_host, 1u << 20, o->out);
	bad |= lab_tcp_transfer(vpc, vnet, &lab.vnet_host, 1u << 20, o->out);
	return bad ? 1 : 0;
}
