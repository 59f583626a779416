/*
 * The lab's daemons: the planned gateway configs, extended with the
 * sessions that stand in for the clouds' own fabrics, and one vgwd per
 * gateway instance, fabric and VPC route table.
 *
 * Azure programs what its gateway instances learn into the VNet's routing;
 * here each instance has an iBGP session to a vgwd in the VNet namespace,
 * which installs those routes (ECMP over the instances) for the FrontEnd
 * host. AWS propagates the VGW's routes into the VPC route table only when
 * route propagation is on; here the VPC namespace runs a vgwd with an iBGP
 * session to the VGW only in that case. Neither fabric session re-announces
 * the network's own prefix into it.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/dconf.h"
#include "config/diag.h"
#include "lab/lab_priv.h"
#include "lab/model.h"

/* lab --fast: vgw's fastest detection between vgw gateways. The fabric
 * sessions keep 1/3 s BGP timers (the RFC minimum hold time is 3 s). */
static void fast_timers(struct dconf *c)
{
	for (size_t i = 0; i < c->n_tunnels; i++) {
		c->tunnels[i].dpd_interval_s = 1;
		c->tunnels[i].dpd_timeout_s = 3;
		/* Both ends are vgw in the lab: sub-second failure detection. */
		c->tunnels[i].liveness_ms = 100;
	}
	for (size_t i = 0; i < c->bgp.n_neighbors; i++) {
		c->bgp.neighbors[i].hold_time = 3;
		c->bgp.neighbors[i].keepalive = 1;
		c->bgp.neighbors[i].connect_retry = 1;
	}
}

/* An iBGP session inside a cloud network (no tunnel). */
static bool add_fabric_neighbor(struct dconf *c, const char *name, const struct ip_addr *peer,
				const struct ip_addr *local, const struct dconf_prefix_list *deny)
{
	struct dconf_neighbor *n = dconf_add_neighbor(c, name);
	if (n == NULL)
		return false;
	n->address = *peer;
	n->local_address = *local;
	n->remote_as = c->bgp.asn;
	n->hold_time = 9;
	n->keepalive = 3;
	n->connect_retry = 1;
	n->max_prefix.limit = 0;
	for (size_t i = 0; deny && i < deny->n; i++)
		dconf_prefix_list_add(&n->export.deny_exact, &deny->v[i]);
	return true;
}

static struct dconf *router_config(const char *name, uint32_t asn, const struct ip_addr *id)
{
	struct dconf *c = dconf_new(DCONF_ROLE_GENERIC, name);
	if (c == NULL)
		return NULL;
	c->outside_address = *id;
	c->bgp.enabled = true;
	c->bgp.asn = asn;
	c->bgp.router_id = *id;
	c->bgp.multipath = true;
	return c;
}

static int finish(struct dconf *c, const char *path, bool fast, FILE *err)
{
	struct diag_list d;
	diag_list_init(&d);
	if (fast)
		fast_timers(c);
	/* The lab's own configs are known-good: only errors are worth a word
	 * (the fabric's "no tunnels" warning is the point of it). */
	bool ok = dconf_finalize(c, &d);
	if (!ok)
		diag_list_print(&d, err);
	diag_list_free(&d);
	if (!ok)
		return -1;
	int rc = dconf_write_file(path, c);
	if (rc < 0)
		fprintf(err, "vgwctl: lab: cannot write %s: %s\n", path, strerror(-rc));
	return rc;
}

static int gateway_configs(const struct lab *lab, struct lab_model *m, FILE *err)
{
	struct lab *l = (struct lab *)lab;
	struct lab_node *vnet = lab_node_find(l, lab->vnet_node);
	struct lab_node *vpc = lab_node_find(l, lab->vpc_node);
	for (size_t i = 0; i < m->gws.n; i++) {
		struct dconf *c = m->gws.gw[i].conf;
		const struct lab_node *n = m->gw[i].node;
		if (n == NULL)
			continue;
		bool ok = true;
		if (n->instance >= 0 && vnet != NULL)
			ok = add_fabric_neighbor(c, "vnet-fabric", &vnet->inner.addr,
						 &n->inner.addr, &c->bgp.announce);
		else if (strcmp(n->name, "aws") == 0 && vpc != NULL && lab->propagation)
			ok = add_fabric_neighbor(c, "vpc-route-table", &vpc->inner.addr,
						 &n->inner.addr, &c->bgp.announce);
		if (!ok || finish(c, n->conf, lab->fast, err) < 0)
			return -1;
	}
	return 0;
}

static int vnet_config(const struct lab *lab, const struct lab_model *m, FILE *err)
{
	struct lab_node *vnet = lab_node_find((struct lab *)lab, lab->vnet_node);
	if (vnet == NULL)
		return 0;
	const struct topology *t = &m->plan->topo;
	struct dconf *c = router_config("vnet-fabric", t->azure.gateway.asn, &vnet->inner.addr);
	if (c == NULL)
		return -1;
	struct dconf_prefix_list own = { 0 };
	for (size_t i = 0; i < t->azure.vnet.n_spaces; i++)
		dconf_prefix_list_add(&own, &t->azure.vnet.spaces[i]);
	bool ok = true;
	for (size_t i = 0; i < lab->n_nodes && ok; i++) {
		const struct lab_node *g = &lab->nodes[i];
		if (g->kind != LAB_GATEWAY || g->instance < 0)
			continue;
		ok = add_fabric_neighbor(c, g->name, &g->inner.addr, &vnet->inner.addr, NULL);
		/* The fabric never takes the VNet's own prefix from a gateway. */
		for (size_t k = 0; ok && k < own.n; k++)
			dconf_prefix_list_add(&c->bgp.neighbors[c->bgp.n_neighbors - 1].import.deny_exact,
					      &own.v[k]);
	}
	free(own.v);
	int rc = ok ? finish(c, vnet->conf, lab->fast, err) : -1;
	dconf_free(c);
	return rc;
}

static int vpc_config(const struct lab *lab, const struct lab_model *m, FILE *err)
{
	struct lab_node *vpc = lab_node_find((struct lab *)lab, lab->vpc_node);
	struct lab_node *aws = lab_node_find((struct lab *)lab, "aws");
	if (vpc == NULL || aws == NULL || !lab->propagation)
		return 0;
	const struct topology *t = &m->plan->topo;
	struct dconf *c = router_config("vpc-route-table", t->aws.vgw.asn, &vpc->inner.addr);
	if (c == NULL)
		return -1;
	struct ip_prefix own = t->aws.vpc.cidr;
	bool ok = add_fabric_neighbor(c, "aws", &aws->inner.addr, &vpc->inner.addr, NULL) &&
		  dconf_prefix_list_add(&c->bgp.neighbors[0].import.deny_exact, &own);
	int rc = ok ? finish(c, vpc->conf, lab->fast, err) : -1;
	dconf_free(c);
	return rc;
}

int lab_write_configs(const struct lab *lab, struct lab_model *m, FILE *err)
{
	if (gateway_configs(lab, m, err) < 0 || vnet_config(lab, m, err) < 0 ||
	    vpc_config(lab, m, err) < 0)
		return -1;
	return 0;
}

/* ---- processes ---- */

static void pid_path(const struct lab *lab, const struct lab_node *n, char *buf, size_t size)
{
	snprintf(buf, size, "%.200s/%.24s.pid", lab->dir, n->name);
}

int lab_daemon_start(const struct lab *lab, const struct lab_node *n, FILE *err)
{
	char *argv[] = { (char *)lab->vgwd, "-c", (char *)n->conf, "-s", (char *)n->sock,
			 "--log-level", "info", NULL };
	pid_t pid = lab_spawn(n->ns, argv, n->log);
	if (pid < 0) {
		fprintf(err, "vgwctl: lab: cannot start vgwd for %s: %s\n", n->name, strerror(errno));
		return -1;
	}
	char path[LAB_PATH + 16];
	pid_path(lab, n, path, sizeof(path));
	FILE *f = fopen(path, "w");
	if (f != NULL) {
		fprintf(f, "%ld\n", (long)pid);
		fclose(f);
	}
	return 0;
}

int lab_daemons_start(const struct lab *lab, FILE *err)
{
	for (size_t i = 0; i < lab->n_nodes; i++) {
		const struct lab_node *n = &lab->nodes[i];
		if (n->has_daemon && lab_daemon_start(lab, n, err) < 0)
			return -1;
	}
	return 0;
}

/* The recorded vgwd of n if /proc says it still is a vgwd, else 0. */
pid_t lab_daemon_pid(const struct lab *lab, const struct lab_node *n)
{
	char path[LAB_PATH + 16], comm[64] = "";
	pid_path(lab, n, path, sizeof(path));
	FILE *f = fopen(path, "r");
	long pid = 0;
	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld", &pid) != 1)
		pid = 0;
	fclose(f);
	char cp[64];
	snprintf(cp, sizeof(cp), "/proc/%ld/comm", pid);
	f = pid > 1 ? fopen(cp, "r") : NULL;
	if (f == NULL)
		return 0;
	if (fgets(comm, sizeof(comm), f) == NULL)
		comm[0] = '\0';
	fclose(f);
	return strncmp(comm, "vgwd", 4) == 0 ? (pid_t)pid : 0;
}

void lab_daemon_kill(const struct lab *lab, const struct lab_node *n, int sig)
{
	pid_t pid = lab_daemon_pid(lab, n);
	if (pid > 0)
		kill(pid, sig);
}

void lab_daemons_stop(const char *dir)
{
	struct lab lab;
	FILE *null = fopen("/dev/null", "w");
	if (lab_state_load(&lab, dir, null ? null : stderr) == 0) {
		for (size_t i = 0; i < lab.n_nodes; i++)
			if (lab.nodes[i].has_daemon)
				lab_daemon_kill(&lab, &lab.nodes[i], SIGTERM);
		/* Give them a moment for a clean shutdown (Cease, DELETE). */
		usleep(300 * 1000);
	}
	if (null)
		fclose(null);
}
