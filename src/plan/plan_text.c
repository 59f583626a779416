/*
 * Text form of a plan: the seed tutorial's two tables (per tunnel: Azure
 * APIPA address, AWS BGP peer address, AWS inside CIDR; per Azure
 * connection: primary / secondary custom BGP address), the APIPA lists per
 * instance, what each side creates, and the gateway configs --out writes.
 * Values the planner filled in carry a '*'. Lines fit 80 columns for names
 * up to the lengths the seed uses; tables size their columns to content.
 */
#include <stdio.h>
#include <string.h>

#include "plan/plan_priv.h"

#define COLS 4
#define ROWS (PLAN_MAX_TUNNELS + 1)
#define CELL 96

struct table {
	size_t n_rows, n_cols;
	char cell[ROWS][COLS][CELL];
};

static void row(struct table *t, const char *a, const char *b, const char *c,
		const char *d)
{
	if (t->n_rows >= ROWS)
		return;
	const char *v[COLS] = { a, b, c, d };
	for (size_t i = 0; i < t->n_cols; i++)
		snprintf(t->cell[t->n_rows][i], CELL, "%s", v[i] ? v[i] : "");
	t->n_rows++;
}

static void widths(const struct table *t, size_t *w)
{
	for (size_t c = 0; c < COLS; c++)
		w[c] = 0;
	for (size_t r = 0; r < t->n_rows; r++)
		for (size_t c = 0; c < t->n_cols; c++)
			if (strlen(t->cell[r][c]) > w[c])
				w[c] = strlen(t->cell[r][c]);
}

static size_t table_width(const struct table *t)
{
	size_t w[COLS], sum = 0;
	widths(t, w);
	for (size_t c = 0; c < t->n_cols; c++)
		sum += w[c] + (c ? 2 : 0);
	return sum;
}

static void table_print(FILE *f, const struct table *t)
{
	size_t w[COLS];
	widths(t, w);
	for (size_t r = 0; r < t->n_rows; r++) {
		for (size_t c = 0; c + 1 < t->n_cols; c++)
			fprintf(f, "%-*s  ", (int)w[c], t->cell[r][c]);
		fprintf(f, "%s\n", t->cell[r][t->n_cols - 1]);
	}
}

static const char *ip(const struct ip_addr *a, char *buf, bool planned)
{
	ip_addr_fmt(a, buf, IP_PREFIX_STRLEN);
	if (planned)
		strcat(buf, "*");
	return buf;
}

static const char *pfx(const struct ip_prefix *p, char *buf, bool planned)
{
	ip_prefix_fmt(p, buf, IP_PREFIX_STRLEN);
	if (planned)
		strcat(buf, "*");
	return buf;
}

/* The seed's row label, or a short one when the table would pass 80. */
static void tunnel_label(const struct plan *p, const struct plan_tunnel *pt,
			 bool brief, char *buf)
{
	if (pt->onprem)
		snprintf(buf, CELL, brief ? "T%zu -> %.40s" : "AWS Tunnel %zu "
			 "to %.60s", pt->tunnel + 1,
			 p->topo.aws.vpns[pt->vpn].customer_gateway);
	else
		snprintf(buf, CELL, brief ? "T%zu -> instance %d"
			 : "AWS Tunnel %zu to Azure Instance %d",
			 pt->tunnel + 1, pt->instance);
}

static void tunnel_rows(const struct plan *p, bool onprem, bool brief,
			struct table *t)
{
	t->n_rows = 0;
	t->n_cols = 4;
	row(t, "Tunnel", onprem ? "CGW inside IP" : "Azure APIPA",
	    "AWS BGP peer", "AWS inside CIDR");
	for (size_t i = 0; i < p->n_tunnels; i++) {
		const struct plan_tunnel *pt = &p->tunnels[i];
		if (pt->onprem != onprem || (!onprem && pt->instance < 0))
			continue;
		char label[CELL], a[IP_PREFIX_STRLEN], b[IP_PREFIX_STRLEN],
			c[IP_PREFIX_STRLEN];
		bool pl = p->inside_planned[pt->vpn][pt->tunnel];
		/* An APIPA address the file gave is not planned. */
		bool pl_peer = pl && (onprem || p->apipa_planned);
		tunnel_label(p, pt, brief, label);
		row(t, label, ip(&pt->peer_ip, a, pl_peer),
		    ip(&pt->aws_ip, b, pl), pfx(&pt->inside_cidr, c, pl));
	}
}

static void tunnel_table(FILE *f, const struct plan *p, bool onprem)
{
	struct table t;
	tunnel_rows(p, onprem, false, &t);
	if (table_width(&t) > 80)
		tunnel_rows(p, onprem, true, &t);
	if (t.n_rows > 1)
		table_print(f, &t);
}

static void custom_cell(const struct plan *p, const struct plan_tunnel *pt,
			int j, char *buf)
{
	const struct topo_connection *c = &p->topo.azure.conns[pt->conn];
	char a[IP_PREFIX_STRLEN];
	bool pl = p->conn_planned[pt->conn];
	if (!c->custom_bgp_set || !c->custom_bgp_has[j])
		snprintf(buf, CELL, "-");
	else if (pt->instance == j)
		snprintf(buf, CELL, "%s", ip(&c->custom_bgp[j], a, pl));
	else
		snprintf(buf, CELL, "not used (%s)",
			 ip(&c->custom_bgp[j], a, pl));
}

static void conn_table(FILE *f, const struct plan *p)
{
	struct table t = { .n_cols = 3 };
	row(&t, "Connection", "Primary", "Secondary", NULL);
	for (size_t i = 0; i < p->n_tunnels; i++) {
		const struct plan_tunnel *pt = &p->tunnels[i];
		if (pt->instance < 0 || pt->conn < 0)
			continue;
		char prim[CELL], sec[CELL];
		custom_cell(p, pt, 0, prim);
		custom_cell(p, pt, 1, sec);
		row(&t, p->topo.azure.conns[pt->conn].name, prim, sec, NULL);
	}
	if (t.n_rows > 1) {
		fprintf(f, "\nAzure connections: custom BGP addresses\n");
		table_print(f, &t);
	}
}

static void apipa_lists(FILE *f, const struct plan *p)
{
	const struct topo_azure_gateway *gw = &p->topo.azure.gateway;
	if (!p->topo.azure.present || gw->n_apipa_lists == 0)
		return;
	fprintf(f, "\nAzure gateway %s: custom APIPA BGP addresses\n",
		gw->name);
	for (size_t i = 0; i < gw->n_apipa_lists; i++) {
		char a[IP_PREFIX_STRLEN];
		fprintf(f, "  Instance %zu", i);
		if (i < gw->n_public_ips)
			fprintf(f, " (%s)", ip(&gw->public_ips[i].address, a,
					       false));
		for (size_t j = 0; j < gw->n_apipa[i]; j++)
			fprintf(f, "%s%s", j ? ", " : ": ",
				ip(&gw->apipa[i][j], a, p->apipa_planned));
		fputc('\n', f);
	}
}

static void print_header(FILE *f, const struct plan *p)
{
	fprintf(f, "vgw plan: %s\n", p->topo.file);
	if (p->topo.description[0])
		fprintf(f, "%s\n", p->topo.description);
	bool onprem = false, azure = false;
	for (size_t i = 0; i < p->n_tunnels; i++) {
		onprem |= p->tunnels[i].onprem;
		azure |= p->tunnels[i].instance >= 0;
	}
	if (azure) {
		fprintf(f, "\nBGP APIPA addresses\n");
		tunnel_table(f, p, false);
	}
	if (onprem) {
		fprintf(f, "\nAWS tunnels to the on-prem vgw\n");
		tunnel_table(f, p, true);
	}
	apipa_lists(f, p);
	conn_table(f, p);
}

static bool anything_planned(const struct plan *p)
{
	bool any = p->apipa_planned;
	for (size_t i = 0; i < TOPO_MAX_LNGS; i++)
		any |= p->lng_planned[i];
	for (size_t i = 0; i < TOPO_MAX_CONNS; i++)
		any |= p->conn_planned[i];
	for (size_t v = 0; v < TOPO_MAX_VPNS; v++)
		for (size_t k = 0; k < TOPO_TUNNELS; k++)
			any |= p->inside_planned[v][k] ||
			       p->outside_planned[v][k];
	return any;
}

static void print_configs(FILE *f, const struct plan *p)
{
	struct plan_gateways g;
	struct diag_list d;
	diag_list_init(&d);
	fprintf(f, "\nGateway configs (vgwctl plan --out DIR)\n");
	if (!plan_gateways_build(p, &g, &d)) {
		fprintf(f, "  (cannot build them: run with --out for details)\n");
		diag_list_free(&d);
		return;
	}
	for (size_t i = 0; i < g.n; i++) {
		const struct dconf *c = g.gw[i].conf;
		char a[IP_PREFIX_STRLEN];
		fprintf(f, "  %s: %s %s, %zu tunnel%s, %zu BGP peer%s\n",
			g.gw[i].file, dconf_role_name(c->role),
			ip(&c->outside_address, a, false), c->n_tunnels,
			c->n_tunnels == 1 ? "" : "s", c->bgp.n_neighbors,
			c->bgp.n_neighbors == 1 ? "" : "s");
	}
	plan_gateways_free(&g);
	diag_list_free(&d);
}

int plan_print_text(FILE *f, const struct plan *p)
{
	print_header(f, p);
	plan_print_resources(f, p);
	print_configs(f, p);
	if (anything_planned(p))
		fprintf(f, "\n* planned by vgw: not in %s\n", p->topo.file);
	return ferror(f) ? -1 : 0;
}
