/*
 * topology_validate(): resolve references between the two clouds once,
 * then run every theme's pass (validate_*.c). Each rule has a stable id
 * ("aws.inside_cidr.reserved") listed in docs/topology.md.
 */
#include "config/validate_priv.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void topo_vd_report(struct topo_vd *v, enum diag_level level,
		    const struct topo_pos *at, const char *rule,
		    const char *hint, const char *fmt, ...)
{
	struct diag_pos pos = { v->t->file, at->line, at->col };
	va_list ap;
	va_start(ap, fmt);
	diag_addv(v->d, level, &pos, at->path, rule, hint, fmt, ap);
	va_end(ap);
}

const char *topo_vd_ip(const struct ip_addr *a, char *buf)
{
	return ip_addr_fmt(a, buf, IP_PREFIX_STRLEN);
}

const char *topo_vd_pfx(const struct ip_prefix *p, char *buf)
{
	return ip_prefix_fmt(p, buf, IP_PREFIX_STRLEN);
}

struct ip_prefix topo_vd_prefix(const char *s)
{
	struct ip_prefix p;
	memset(&p, 0, sizeof(p));
	ip_prefix_parse(s, &p, true);
	return p;
}

bool topo_vd_in_azure_apipa(const struct ip_addr *a)
{
	struct ip_prefix r21 = topo_vd_prefix("169.254.21.0/24");
	struct ip_prefix r22 = topo_vd_prefix("169.254.22.0/24");
	return ip_prefix_contains_addr(&r21, a) ||
	       ip_prefix_contains_addr(&r22, a);
}

bool topo_vd_prefix_in_azure_apipa(const struct ip_prefix *p)
{
	struct ip_prefix r21 = topo_vd_prefix("169.254.21.0/24");
	struct ip_prefix r22 = topo_vd_prefix("169.254.22.0/24");
	return ip_prefix_contains(&r21, p) || ip_prefix_contains(&r22, p);
}

bool topo_vd_conn_tunnel(const struct topo_vd *v, size_t c, size_t *vpn,
			 size_t *tunnel)
{
	int l = v->l.conn_lng[c];
	if (l < 0 || v->l.lng_vpn[l] < 0)
		return false;
	*vpn = (size_t)v->l.lng_vpn[l];
	*tunnel = (size_t)v->l.lng_tunnel[l];
	return true;
}

static void resolve_aws(struct topo_vd *v)
{
	const struct topology *t = v->t;
	for (size_t i = 0; i < t->aws.n_vpns; i++) {
		v->l.vpn_cgw[i] = topology_find_cgw(t, t->aws.vpns[i].customer_gateway);
		v->l.vpn_instance[i] = topology_vpn_instance(t, i);
		v->l.vpn_onprem[i] = topology_vpn_is_onprem(t, i);
		for (size_t k = 0; k < TOPO_TUNNELS; k++)
			v->l.tunnel_lng[i][k] = -1;
	}
}

static void resolve_azure(struct topo_vd *v)
{
	const struct topology *t = v->t;
	for (size_t i = 0; i < t->azure.n_lngs; i++) {
		size_t vpn, k;
		v->l.lng_vpn[i] = v->l.lng_tunnel[i] = -1;
		if (!topology_find_tunnel_by_outside_ip(
			    t, &t->azure.lngs[i].endpoint_ip, &vpn, &k))
			continue;
		v->l.lng_vpn[i] = (int)vpn;
		v->l.lng_tunnel[i] = (int)k;
		if (v->l.tunnel_lng[vpn][k] < 0)
			v->l.tunnel_lng[vpn][k] = (int)i;
	}
	for (size_t c = 0; c < t->azure.n_conns; c++)
		v->l.conn_lng[c] = topology_find_lng(t, t->azure.conns[c].lng);
}

bool topology_validate(const struct topology *t, struct diag_list *diags)
{
	struct topo_vd v;
	memset(&v, 0, sizeof(v));
	v.t = t;
	v.d = diags;
	size_t errors = diags->errors;
	resolve_aws(&v);
	resolve_azure(&v);
	topo_vd_names(&v);
	topo_vd_addressing(&v);
	topo_vd_apipa(&v);
	topo_vd_asn(&v);
	topo_vd_gateway(&v);
	topo_vd_active_active(&v);
	topo_vd_connections(&v);
	topo_vd_initiation(&v);
	topo_vd_psk(&v);
	topo_vd_crypto(&v);
	return diags->errors == errors;
}
