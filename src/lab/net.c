/*
 * Namespaces, links and addresses of the lab (lab.h has the picture).
 *
 * Public addresses are /32s on each gateway's pub0, all on one bridge in
 * the internet namespace, with a /32 route to every other gateway's public
 * addresses and nothing else: there is no default route anywhere, so
 * traffic between VNet and VPC can only cross a tunnel, never leak in clear.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/lab_priv.h"

static int sh_ok(FILE *err, int rc, const char *what)
{
	if (rc != 0)
		fprintf(err, "vgwctl: lab: %s failed (exit %d)\n", what, rc);
	return rc;
}

static int make_ns(const struct lab_node *n, FILE *err)
{
	char *add[] = { "ip", "netns", "add", (char *)n->ns, NULL };
	if (sh_ok(err, lab_run(add, NULL, 0), n->ns) != 0)
		return -1;
	lab_ip(n->ns, "link", "set", "lo", "up", NULL);
	lab_sysctl(n->ns, "net.ipv6.conf.all.disable_ipv6", "1");
	lab_sysctl(n->ns, "net.ipv6.conf.default.disable_ipv6", "1");
	lab_sysctl(n->ns, "net.ipv4.conf.all.rp_filter", "0");
	lab_sysctl(n->ns, "net.ipv4.conf.default.rp_filter", "0");
	if (n->kind == LAB_GATEWAY)
		lab_sysctl(n->ns, "net.ipv4.ip_forward", "1");
	return 0;
}

static int addr_add(const char *ns, const struct ip_addr *a, unsigned len, const char *dev)
{
	char b[IP_PREFIX_STRLEN], ab[IP_ADDR_STRLEN];
	snprintf(b, sizeof(b), "%s/%u", ip_addr_fmt(a, ab, sizeof(ab)), len);
	return lab_ip(ns, "addr", "add", b, "dev", dev, NULL);
}

static int link_gateway(const struct lab *lab, const struct lab_node *n, FILE *err)
{
	char peer[16];
	snprintf(peer, sizeof(peer), "p-%.12s", n->name);
	const char *inet = LAB_NS_PREFIX "internet";
	if (sh_ok(err, lab_ip(n->ns, "link", "add", "pub0", "type", "veth", "peer", "name",
			      peer, "netns", inet, NULL), "veth to the internet") != 0)
		return -1;
	lab_ip(inet, "link", "set", peer, "master", "inet0", "up", NULL);
	for (size_t i = 0; i < n->n_pub; i++)
		addr_add(n->ns, &n->pub[i], 32, "pub0");
	lab_ip(n->ns, "link", "set", "pub0", "up", NULL);
	lab_net_routes(lab, n);
	return 0;
}

/* A /32 route to every other gateway's public addresses (again after a
 * link went down and took them away). */
void lab_net_routes(const struct lab *lab, const struct lab_node *n)
{
	for (size_t j = 0; j < lab->n_nodes; j++) {
		const struct lab_node *o = &lab->nodes[j];
		if (o == n || o->kind != LAB_GATEWAY)
			continue;
		for (size_t i = 0; i < o->n_pub; i++) {
			char b[IP_ADDR_STRLEN + 4], ab[IP_ADDR_STRLEN];
			snprintf(b, sizeof(b), "%s/32", ip_addr_fmt(&o->pub[i], ab, sizeof(ab)));
			lab_ip(n->ns, "route", "replace", b, "dev", "pub0", NULL);
		}
	}
}

/* The inside network: Azure instance <-> VNet fabric bridge, VGW <-> VPC. */
static int link_inner(const struct lab *lab, const struct lab_node *n, FILE *err)
{
	if (n->inner_if[0] == '\0')
		return 0;
	const char *other = strcmp(n->inner_if, "fab0") == 0 ? lab->vnet_node : lab->vpc_node;
	char ns[48], peer[16];
	snprintf(ns, sizeof(ns), LAB_NS_PREFIX "%s", other);
	bool fabric = strcmp(n->inner_if, "fab0") == 0;
	if (fabric)
		snprintf(peer, sizeof(peer), "f-%.12s", n->name);
	else
		snprintf(peer, sizeof(peer), "eth0");
	if (sh_ok(err, lab_ip(n->ns, "link", "add", n->inner_if, "type", "veth", "peer",
			      "name", peer, "netns", ns, NULL), "veth to the inside network") != 0)
		return -1;
	addr_add(n->ns, &n->inner.addr, n->inner.len, n->inner_if);
	lab_ip(n->ns, "link", "set", n->inner_if, "up", NULL);
	if (fabric)
		lab_ip(ns, "link", "set", peer, "master", "fabric", "up", NULL);
	else
		lab_ip(ns, "link", "set", peer, "up", NULL);
	return 0;
}

int lab_net_build(const struct lab *lab, FILE *err)
{
	for (size_t i = 0; i < lab->n_nodes; i++)
		if (make_ns(&lab->nodes[i], err) < 0)
			return -1;
	lab_ip(LAB_NS_PREFIX "internet", "link", "add", "inet0", "type", "bridge", NULL);
	lab_ip(LAB_NS_PREFIX "internet", "link", "set", "inet0", "up", NULL);
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];
		if (n->kind != LAB_VNET)
			continue;
		lab_ip(n->ns, "link", "add", "fabric", "type", "bridge", NULL);
		lab_ip(n->ns, "link", "set", "fabric", "up", NULL);
		addr_add(n->ns, &n->inner.addr, n->inner.len, "fabric");
	}
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];
		if (n->kind == LAB_GATEWAY &&
		    (link_gateway(lab, n, err) < 0 || link_inner(lab, n, err) < 0))
			return -1;
	}
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];
		if (n->kind == LAB_VPC)
			addr_add(n->ns, &n->inner.addr, n->inner.len, "eth0");
	}
	return 0;
}

/* Every namespace whose name starts with the lab prefix, with whatever
 * still runs inside it: found by name, so a crashed "up" is cleaned too. */
void lab_net_destroy(FILE *err)
{
	char out[8192];
	char *list[] = { "ip", "netns", "list", NULL };
	if (lab_run(list, out, sizeof(out)) != 0)
		return;
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char ns[64];
		if (sscanf(line, "%63s", ns) != 1 || strncmp(ns, LAB_NS_PREFIX, strlen(LAB_NS_PREFIX)) != 0)
			continue;
		char pids[4096];
		char *getp[] = { "ip", "netns", "pids", ns, NULL };
		if (lab_run(getp, pids, sizeof(pids)) == 0) {
			char *s2 = NULL;
			for (char *p = strtok_r(pids, "\n", &s2); p; p = strtok_r(NULL, "\n", &s2)) {
				long pid = strtol(p, NULL, 10);
				if (pid > 1)
					kill((pid_t)pid, SIGKILL);
			}
		}
		char *del[] = { "ip", "netns", "delete", ns, NULL };
		if (lab_run(del, NULL, 0) != 0)
			fprintf(err, "vgwctl: lab: cannot delete namespace %s\n", ns);
	}
}
