/*
 * Canonical topology printer: documented key order, defaults explicit,
 * planned parts omitted, strings quoted only when YAML needs it. The
 * output loads back into the same model (tests/config/test_topo_print.c).
 */
#include "config/topology.h"

#include <stdarg.h>
#include <string.h>

struct pr {
	FILE *f;
	unsigned flags;
	bool err;
};

static void line(struct pr *p, int indent, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void line(struct pr *p, int indent, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	if (fprintf(p->f, "%*s", indent, "") < 0 ||
	    vfprintf(p->f, fmt, ap) < 0 || fputc('\n', p->f) == EOF)
		p->err = true;
	va_end(ap);
}

/* A scalar that reads back as the same text without quotes. */
static bool plain_ok(const char *s)
{
	static const char *const special[] = { "true", "false", "null", "Null",
					       "NULL", "~", "yes", "no" };
	if (s[0] == '\0' || s[0] == '-' || s[0] == '.')
		return false;
	for (size_t i = 0; i < sizeof(special) / sizeof(special[0]); i++)
		if (strcmp(s, special[i]) == 0)
			return false;
	for (const char *c = s; *c; c++) {
		bool ok = (*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') ||
			  (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' ||
			  *c == '.' || *c == '/';
		if (!ok)
			return false;
	}
	return true;
}

/*
 * Decodes one UTF-8 sequence at c (libyaml only hands out valid UTF-8);
 * returns its length, or 1 with the byte itself when it is malformed.
 */
static size_t utf8_decode(const unsigned char *c, uint32_t *cp)
{
	size_t len = *c >= 0xf0 ? 4 : *c >= 0xe0 ? 3 : *c >= 0xc0 ? 2 : 1;
	uint32_t v = len == 1 ? *c : (uint32_t)(*c & (0x7f >> len));
	for (size_t i = 1; i < len; i++) {
		if ((c[i] & 0xc0) != 0x80) {
			*cp = *c;
			return 1;
		}
		v = v << 6 | (c[i] & 0x3f);
	}
	*cp = v;
	return len;
}

/*
 * Writes s as a YAML scalar into buf (size >= 10 * strlen(s) + 3),
 * double-quoted when needed. Everything outside printable ASCII is
 * escaped by code point, so line-break characters (NEL, LS, PS) cannot be
 * folded on reload.
 */
static const char *yq(const char *s, char *buf, size_t size)
{
	if (plain_ok(s)) {
		snprintf(buf, size, "%s", s);
		return buf;
	}
	size_t n = 0;
	buf[n++] = '"';
	for (const unsigned char *c = (const unsigned char *)s;
	     *c && n + 12 < size;) {
		uint32_t cp;
		size_t len = utf8_decode(c, &cp);
		if (cp == '"' || cp == '\\') {
			buf[n++] = '\\';
			buf[n++] = (char)cp;
		} else if (cp >= 0x20 && cp < 0x7f) {
			buf[n++] = (char)cp;
		} else if (cp <= 0xff) {
			n += (size_t)snprintf(buf + n, size - n, "\\x%02x", cp);
		} else if (cp <= 0xffff) {
			n += (size_t)snprintf(buf + n, size - n, "\\u%04x", cp);
		} else {
			n += (size_t)snprintf(buf + n, size - n, "\\U%08x", cp);
		}
		c += len;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return buf;
}

static void kv_str(struct pr *p, int ind, const char *key, const char *v)
{
	char q[TOPO_PSK_MAX * 10 + 8];
	line(p, ind, "%s: %s", key, yq(v, q, sizeof(q)));
}

static void kv_secret(struct pr *p, int ind, const char *key, const char *v)
{
	kv_str(p, ind, key, (p->flags & TOPO_PRINT_REDACT) ? "<redacted>" : v);
}

static void kv_ip(struct pr *p, int ind, const char *key,
		  const struct ip_addr *a)
{
	char b[IP_ADDR_STRLEN];
	line(p, ind, "%s: %s", key, ip_addr_fmt(a, b, sizeof(b)));
}

static void kv_pfx(struct pr *p, int ind, const char *key,
		   const struct ip_prefix *x)
{
	char b[IP_PREFIX_STRLEN];
	line(p, ind, "%s: %s", key, ip_prefix_fmt(x, b, sizeof(b)));
}

static void kv_bool(struct pr *p, int ind, const char *key, bool v)
{
	line(p, ind, "%s: %s", key, v ? "true" : "false");
}

static void kv_u(struct pr *p, int ind, const char *key, uint64_t v)
{
	line(p, ind, "%s: %llu", key, (unsigned long long)v);
}

static void kv_pfx_list(struct pr *p, int ind, const char *key,
			const struct ip_prefix *arr, size_t n)
{
	char out[TOPO_MAX_SPACES * (IP_PREFIX_STRLEN + 2) + 4] = "";
	for (size_t i = 0; i < n; i++) {
		char b[IP_PREFIX_STRLEN];
		strcat(out, i ? ", " : "");
		strcat(out, ip_prefix_fmt(&arr[i], b, sizeof(b)));
	}
	line(p, ind, "%s: [%s]", key, out);
}

/* ---- Azure ---------------------------------------------------------------- */

static const char *azure_alg(enum topo_alg a)
{
	switch (a) {
	case TOPO_ALG_NONE: return "None";
	case TOPO_ALG_DES: return "DES";
	case TOPO_ALG_3DES: return "DES3";
	case TOPO_ALG_AES128: return "AES128";
	case TOPO_ALG_AES192: return "AES192";
	case TOPO_ALG_AES256: return "AES256";
	case TOPO_ALG_AES128_GCM16: return "GCMAES128";
	case TOPO_ALG_AES192_GCM16: return "GCMAES192";
	case TOPO_ALG_AES256_GCM16: return "GCMAES256";
	case TOPO_ALG_MD5: return "MD5";
	case TOPO_ALG_SHA1: return "SHA1";
	case TOPO_ALG_SHA256: return "SHA256";
	case TOPO_ALG_SHA384: return "SHA384";
	default: return "?";
	}
}

static const char *azure_group(unsigned g, bool pfs)
{
	switch (g) {
	case 0: return "None";
	case 1: return pfs ? "PFS1" : "DHGroup1";
	case 2: return pfs ? "PFS2" : "DHGroup2";
	case 14: return pfs ? "PFS2048" : "DHGroup14";
	case 19: return "ECP256";
	case 20: return "ECP384";
	case 24: return pfs ? "PFS24" : "DHGroup24";
	default: return "?";
	}
}

static void pr_policy(struct pr *p, const struct topo_azure_policy *x)
{
	if (!x->custom) {
		line(p, 6, "ipsec_policy: default");
		return;
	}
	line(p, 6, "ipsec_policy:");
	line(p, 8, "ike_encryption: %s", azure_alg(x->ike_encryption));
	line(p, 8, "ike_integrity: %s", azure_alg(x->ike_integrity));
	line(p, 8, "dh_group: %s", azure_group(x->dh_group, false));
	line(p, 8, "ipsec_encryption: %s", azure_alg(x->ipsec_encryption));
	line(p, 8, "ipsec_integrity: %s", azure_alg(x->ipsec_integrity));
	line(p, 8, "pfs_group: %s",
	     x->pfs_mm ? "PFSMM" : azure_group(x->pfs_group, true));
	kv_u(p, 8, "sa_lifetime_s", x->sa_lifetime_s);
	kv_u(p, 8, "sa_data_size_kb", x->sa_data_size_kb);
}

static void pr_gateway(struct pr *p, const struct topo_azure_gateway *gw)
{
	line(p, 2, "gateway:");
	kv_str(p, 4, "name", gw->name);
	line(p, 4, "type: %s", gw->type == TOPO_GW_VPN ? "vpn" : "expressroute");
	line(p, 4, "vpn_type: %s", gw->vpn_type == TOPO_VPN_ROUTE_BASED
					   ? "route_based" : "policy_based");
	line(p, 4, "sku: %s", topo_sku_name(gw->sku));
	line(p, 4, "generation: Generation%u", gw->generation);
	kv_bool(p, 4, "active_active", gw->active_active);
	kv_bool(p, 4, "bgp_enabled", gw->bgp_enabled);
	if (gw->asn_set)
		kv_u(p, 4, "asn", gw->asn);
	line(p, 4, "public_ips:");
	for (size_t i = 0; i < gw->n_public_ips; i++) {
		char q[TOPO_NAME_MAX * 10 + 8];
		line(p, 6, "- name: %s", yq(gw->public_ips[i].name, q, sizeof(q)));
		kv_ip(p, 8, "address", &gw->public_ips[i].address);
	}
	if (!gw->apipa_set)
		return;
	line(p, 4, "apipa_addresses:");
	for (size_t i = 0; i < gw->n_apipa_lists; i++) {
		char out[TOPO_MAX_APIPA * (IP_ADDR_STRLEN + 2) + 4] = "";
		for (size_t j = 0; j < gw->n_apipa[i]; j++) {
			char b[IP_ADDR_STRLEN];
			strcat(out, j ? ", " : "");
			strcat(out, ip_addr_fmt(&gw->apipa[i][j], b, sizeof(b)));
		}
		line(p, 6, "- [%s]", out);
	}
}

static void pr_lng(struct pr *p, const struct topo_lng *l)
{
	char q[TOPO_NAME_MAX * 10 + 8];
	line(p, 4, "- name: %s", yq(l->name, q, sizeof(q)));
	kv_ip(p, 6, "endpoint_ip", &l->endpoint_ip);
	if (l->bgp_asn_set)
		kv_u(p, 6, "bgp_asn", l->bgp_asn);
	if (l->bgp_peer_ip_set)
		kv_ip(p, 6, "bgp_peer_ip", &l->bgp_peer_ip);
	kv_pfx_list(p, 6, "address_space", l->spaces, l->n_spaces);
}

static void pr_conn(struct pr *p, const struct topo_connection *c)
{
	static const char *const modes[] = { "Default", "InitiatorOnly",
					     "ResponderOnly" };
	static const char *const slots[] = { "primary", "secondary" };
	char q[TOPO_NAME_MAX * 10 + 8];
	line(p, 4, "- name: %s", yq(c->name, q, sizeof(q)));
	kv_str(p, 6, "local_network_gateway", c->lng);
	kv_secret(p, 6, "shared_key", c->shared_key);
	kv_bool(p, 6, "enable_bgp", c->enable_bgp);
	if (c->custom_bgp_set) {
		line(p, 6, "custom_bgp_addresses:");
		for (size_t i = 0; i < TOPO_MAX_INSTANCES; i++)
			if (c->custom_bgp_has[i])
				kv_ip(p, 8, slots[i], &c->custom_bgp[i]);
	}
	line(p, 6, "connection_mode: %s", modes[c->mode]);
	kv_u(p, 6, "dpd_timeout_s", c->dpd_timeout_s);
	pr_policy(p, &c->policy);
	kv_bool(p, 6, "use_policy_based_selectors",
		c->use_policy_based_selectors);
}

static void pr_azure(struct pr *p, const struct topo_azure *az)
{
	char q[TOPO_NAME_MAX * 10 + 8];
	line(p, 0, "azure:");
	kv_str(p, 2, "resource_group", az->resource_group);
	kv_str(p, 2, "location", az->location);
	line(p, 2, "vnet:");
	kv_str(p, 4, "name", az->vnet.name);
	kv_pfx_list(p, 4, "address_spaces", az->vnet.spaces, az->vnet.n_spaces);
	line(p, 4, "subnets:");
	for (size_t i = 0; i < az->vnet.n_subnets; i++) {
		line(p, 6, "- name: %s", yq(az->vnet.subnets[i].name, q, sizeof(q)));
		kv_pfx(p, 8, "prefix", &az->vnet.subnets[i].prefix);
	}
	pr_gateway(p, &az->gateway);
	if (az->lngs_given) {
		line(p, 2, "local_network_gateways:%s", az->n_lngs ? "" : " []");
		for (size_t i = 0; i < az->n_lngs; i++)
			pr_lng(p, &az->lngs[i]);
	}
	if (az->conns_given) {
		line(p, 2, "connections:%s", az->n_conns ? "" : " []");
		for (size_t i = 0; i < az->n_conns; i++)
			pr_conn(p, &az->conns[i]);
	}
}

/* ---- AWS ------------------------------------------------------------------ */

static void pr_algs(struct pr *p, int ind, const char *key, uint32_t set)
{
	char out[256] = "";
	for (unsigned a = 0; a < TOPO_ALG_COUNT; a++)
		if (set & (1u << a)) {
			strcat(out, out[0] ? ", " : "");
			strcat(out, topo_alg_name((enum topo_alg)a));
		}
	line(p, ind, "%s: [%s]", key, out);
}

static void pr_groups(struct pr *p, int ind, const char *key, uint32_t set)
{
	char out[256] = "";
	for (unsigned g = 0; g < 32; g++)
		if (set & (1u << g)) {
			char b[8];
			snprintf(b, sizeof(b), "%s%u", out[0] ? ", " : "", g);
			strcat(out, b);
		}
	line(p, ind, "%s: [%s]", key, out);
}

static void pr_options(struct pr *p, const struct topo_tunnel_options *o)
{
	static const char *const actions[] = { "clear", "none", "restart" };
	char v[32] = "";
	line(p, 10, "options:");
	kv_u(p, 12, "dpd_timeout_s", o->dpd_timeout_s);
	line(p, 12, "dpd_timeout_action: %s", actions[o->dpd_timeout_action]);
	if (o->ike_versions & TOPO_IKEV1)
		strcat(v, "ikev1");
	if (o->ike_versions & TOPO_IKEV2)
		strcat(v, v[0] ? ", ikev2" : "ikev2");
	line(p, 12, "ike_versions: [%s]", v);
	pr_algs(p, 12, "phase1_encryption_algorithms", o->phase1_encryption);
	pr_algs(p, 12, "phase1_integrity_algorithms", o->phase1_integrity);
	pr_groups(p, 12, "phase1_dh_group_numbers", o->phase1_dh_groups);
	pr_algs(p, 12, "phase2_encryption_algorithms", o->phase2_encryption);
	pr_algs(p, 12, "phase2_integrity_algorithms", o->phase2_integrity);
	pr_groups(p, 12, "phase2_dh_group_numbers", o->phase2_dh_groups);
	kv_u(p, 12, "phase1_lifetime_s", o->phase1_lifetime_s);
	kv_u(p, 12, "phase2_lifetime_s", o->phase2_lifetime_s);
	kv_u(p, 12, "rekey_margin_s", o->rekey_margin_s);
	kv_u(p, 12, "rekey_fuzz_pct", o->rekey_fuzz_pct);
	kv_u(p, 12, "replay_window", o->replay_window);
}

static void pr_tunnel(struct pr *p, const struct topo_tunnel *tun)
{
	char q[TOPO_PSK_MAX * 10 + 8];
	const char *k = (p->flags & TOPO_PRINT_REDACT) ? "<redacted>"
						       : tun->pre_shared_key;
	line(p, 8, "- pre_shared_key: %s", yq(k, q, sizeof(q)));
	if (tun->inside_cidr_set)
		kv_pfx(p, 10, "inside_cidr", &tun->inside_cidr);
	if (tun->outside_ip_set)
		kv_ip(p, 10, "outside_ip", &tun->outside_ip);
	kv_bool(p, 10, "bgp_passive", tun->bgp_passive);
	pr_options(p, &tun->options);
}

static void pr_vpn(struct pr *p, const struct topo_vpn *v)
{
	static const char *const routings[] = { "dynamic", "static" };
	char q[TOPO_NAME_MAX * 10 + 8];
	line(p, 4, "- name: %s", yq(v->name, q, sizeof(q)));
	kv_str(p, 6, "vpn_gateway", v->vpn_gateway);
	kv_str(p, 6, "customer_gateway", v->customer_gateway);
	line(p, 6, "routing: %s", routings[v->routing]);
	kv_pfx(p, 6, "local_ipv4_network_cidr", &v->local_cidr);
	kv_pfx(p, 6, "remote_ipv4_network_cidr", &v->remote_cidr);
	line(p, 6, "tunnel_inside_ip_version: ipv%u", v->inside_ip_version);
	line(p, 6, "startup_action: %s",
	     v->startup == TOPO_STARTUP_START ? "start" : "add");
	if (v->n_tunnels == 0)
		return;
	line(p, 6, "tunnels:");
	for (size_t k = 0; k < v->n_tunnels; k++)
		pr_tunnel(p, &v->tunnels[k]);
}

static void pr_aws(struct pr *p, const struct topo_aws *aws)
{
	static const char *const routings[] = { "dynamic", "static" };
	char q[TOPO_NAME_MAX * 10 + 8];
	line(p, 0, "aws:");
	line(p, 2, "vpc:");
	kv_str(p, 4, "name", aws->vpc.name);
	kv_pfx(p, 4, "cidr", &aws->vpc.cidr);
	line(p, 2, "vpn_gateway:");
	kv_str(p, 4, "name", aws->vgw.name);
	kv_u(p, 4, "asn", aws->vgw.asn);
	kv_str(p, 4, "vpc", aws->vgw.vpc);
	kv_bool(p, 4, "route_propagation", aws->vgw.route_propagation);
	line(p, 2, "customer_gateways:%s", aws->n_cgws ? "" : " []");
	for (size_t i = 0; i < aws->n_cgws; i++) {
		const struct topo_cgw *c = &aws->cgws[i];
		line(p, 4, "- name: %s", yq(c->name, q, sizeof(q)));
		line(p, 6, "routing: %s", routings[c->routing]);
		kv_u(p, 6, "bgp_asn", c->bgp_asn);
		kv_ip(p, 6, "ip_address", &c->ip_address);
	}
	line(p, 2, "vpn_connections:%s", aws->n_vpns ? "" : " []");
	for (size_t i = 0; i < aws->n_vpns; i++)
		pr_vpn(p, &aws->vpns[i]);
}

bool topology_print(FILE *out, const struct topology *t, unsigned flags)
{
	struct pr p = { out, flags, false };
	if (t->description[0] != '\0')
		kv_str(&p, 0, "description", t->description);
	if (t->azure.present)
		pr_azure(&p, &t->azure);
	if (t->aws.present)
		pr_aws(&p, &t->aws);
	if (t->onprem.present) {
		line(&p, 0, "onprem:");
		kv_str(&p, 2, "name", t->onprem.name);
		kv_u(&p, 2, "asn", t->onprem.asn);
		kv_ip(&p, 2, "public_ip", &t->onprem.public_ip);
		kv_pfx_list(&p, 2, "address_spaces", t->onprem.spaces,
			    t->onprem.n_spaces);
	}
	return !p.err && fflush(out) == 0;
}
