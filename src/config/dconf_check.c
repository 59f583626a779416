/*
 * dconf_finalize: derive every default that depends on other fields, then
 * validate the whole config. After it succeeds every field holds its
 * effective value, so vgwd and the printer never see a placeholder.
 *
 * Diagnostics carry the dotted path of the field ("tunnels[1].inside_peer")
 * and, when the config came from YAML, the position of that key, or of the
 * enclosing mapping when the value was defaulted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "config/dconf_priv.h"
#include "crypto/secret.h"

struct chk {
	struct diag_list *d;
	const struct ytree_node *root;
	const char *file;
	bool failed;
};

enum sect { S_TOP, S_TUNNEL, S_BGP, S_NEIGHBOR };

static const struct ytree_node *seq_item(const struct ytree_node *seq,
					 size_t i)
{
	if (seq == NULL || seq->kind != YTREE_SEQ || i >= seq->count)
		return NULL;
	return seq->items[i];
}

static const struct ytree_node *sect_node(const struct chk *k, enum sect s,
					  size_t i)
{
	const struct ytree_node *bgp = ytree_map_get(k->root, "bgp");
	switch (s) {
	case S_TOP: return k->root;
	case S_TUNNEL: return seq_item(ytree_map_get(k->root, "tunnels"), i);
	case S_BGP: return bgp;
	case S_NEIGHBOR: return seq_item(ytree_map_get(bgp, "neighbors"), i);
	}
	return NULL;
}

static void sect_path(char *buf, size_t size, enum sect s, size_t i,
		      const char *key)
{
	switch (s) {
	case S_TOP:
		snprintf(buf, size, "%s", key ? key : "");
		break;
	case S_TUNNEL:
		snprintf(buf, size, "tunnels[%zu]%s%s", i, key ? "." : "",
			 key ? key : "");
		break;
	case S_BGP:
		snprintf(buf, size, "bgp%s%s", key ? "." : "", key ? key : "");
		break;
	case S_NEIGHBOR:
		snprintf(buf, size, "bgp.neighbors[%zu]%s%s", i,
			 key ? "." : "", key ? key : "");
		break;
	}
}

static void report(struct chk *k, enum diag_level lvl, enum sect s, size_t i,
		   const char *key, const char *rule, const char *hint,
		   const char *fmt, ...) __attribute__((format(printf, 8, 9)));

static void report(struct chk *k, enum diag_level lvl, enum sect s, size_t i,
		   const char *key, const char *rule, const char *hint,
		   const char *fmt, ...)
{
	char path[128];
	sect_path(path, sizeof(path), s, i, key);
	struct diag_pos pos = { k->file, 0, 0 };
	const struct ytree_node *n = k->root ? sect_node(k, s, i) : NULL;
	const struct ytree_node *v = key ? ytree_map_get(n, key) : NULL;
	if (v != NULL || n != NULL)
		pos = ytree_pos(v ? v : n);
	va_list ap;
	va_start(ap, fmt);
	diag_addv(k->d, lvl, &pos, path, rule, hint, fmt, ap);
	va_end(ap);
	if (lvl == DIAG_ERROR)
		k->failed = true;
}

/* ---- tunnels ------------------------------------------------------------ */

/*
 * AWS recommended TCP MSS per suite with NAT-T off (AWS "Best practices for
 * your customer gateway device"): GCM 1406, CBC+SHA1/SHA2-256 1398,
 * CBC+SHA2-384/512 1382. The clamp takes the smallest value over every
 * suite the tunnel may negotiate.
 */
static uint32_t suite_mss(const struct dconf_tunnel *t)
{
	uint32_t mss = 1406;
	for (size_t i = 0; i < t->n_esp; i++) {
		const struct proposal *p = &t->esp[i];
		for (size_t j = 0; j < p->n_integ; j++) {
			uint32_t m = 1398;
			if (p->integ[j] == PROPOSAL_INTEG_HMAC_SHA2_384_192 ||
			    p->integ[j] == PROPOSAL_INTEG_HMAC_SHA2_512_256)
				m = 1382;
			if (m < mss)
				mss = m;
		}
	}
	return mss;
}

static void derive_tunnel(const struct dconf *c, struct dconf_tunnel *t,
			  size_t i)
{
	if (t->ifname[0] == '\0')
		snprintf(t->ifname, sizeof(t->ifname), "vgw%zu", i);
	if (!ip_addr_is_set(&t->local_outside))
		t->local_outside = c->outside_address;
	if (t->local_id.type == 0 && ip_addr_is_set(&t->local_outside)) {
		t->local_id.type = t->local_outside.family == AF_INET
					   ? DCONF_ID_IPV4_ADDR
					   : DCONF_ID_IPV6_ADDR;
		ip_addr_fmt(&t->local_outside, t->local_id.value,
			    sizeof(t->local_id.value));
	}
	if (t->remote_id.type == 0 && ip_addr_is_set(&t->remote_outside)) {
		t->remote_id.type = t->remote_outside.family == AF_INET
					    ? DCONF_ID_IPV4_ADDR
					    : DCONF_ID_IPV6_ADDR;
		ip_addr_fmt(&t->remote_outside, t->remote_id.value,
			    sizeof(t->remote_id.value));
	}
	if (t->n_ike == 0 || t->n_esp == 0) {
		struct dconf_tunnel def;
		dconf_default_proposals(c->role, &def);
		if (t->n_ike == 0) {
			memcpy(t->ike, def.ike, sizeof(t->ike));
			t->n_ike = def.n_ike;
		}
		if (t->n_esp == 0) {
			memcpy(t->esp, def.esp, sizeof(t->esp));
			t->n_esp = def.n_esp;
		}
	}
	if (t->mss_clamp == DCONF_AUTO)
		t->mss_clamp = suite_mss(t);
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= DCONF_IFNAME_MAX || strcmp(s, ".") == 0 ||
	    strcmp(s, "..") == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || (unsigned char)s[i] <= ' ' ||
		    (unsigned char)s[i] >= 0x7f)
			return false;
	return true;
}

static struct ip_prefix inside_net(const struct dconf_tunnel *t)
{
	struct ip_prefix p = { t->inside_address.addr, t->inside_address.len };
	ip_prefix_canonicalize(&p);
	return p;
}

/* Network and broadcast addresses are not usable hosts below /31. */
static bool usable_host(const struct ip_prefix *net, const struct ip_addr *a)
{
	if (!ip_prefix_contains_addr(net, a))
		return false;
	if (a->family != AF_INET || net->len >= 31)
		return true;
	uint32_t host = ip_addr_v4_host(a);
	uint32_t base = ip_addr_v4_host(&net->addr);
	uint32_t bcast = base | (0xFFFFFFFFu >> net->len);
	return host != base && host != bcast;
}

static void check_inside(struct chk *k, const struct dconf_tunnel *t,
			 size_t i)
{
	const struct dconf_ifaddr *in = &t->inside_address;
	if (!ip_addr_is_set(&in->addr)) {
		report(k, DIAG_ERROR, S_TUNNEL, i, "inside_address",
		       "dconf.tunnel.inside", "e.g. 169.254.21.2/30",
		       "missing inside_address");
		return;
	}
	unsigned max = in->addr.family == AF_INET ? 31 : 127;
	struct ip_prefix net = inside_net(t);
	if (in->len == 0 || in->len > max || !usable_host(&net, &in->addr)) {
		report(k, DIAG_ERROR, S_TUNNEL, i, "inside_address",
		       "dconf.tunnel.inside", "use a host of a /30, e.g. "
		       "169.254.21.2/30", "not a usable host address with "
		       "room for a peer");
		return;
	}
	if (!ip_addr_is_set(&t->inside_peer)) {
		report(k, DIAG_ERROR, S_TUNNEL, i, "inside_peer",
		       "dconf.tunnel.inside_peer", NULL,
		       "missing inside_peer");
	} else if (!usable_host(&net, &t->inside_peer) ||
		   ip_addr_eq(&t->inside_peer, &in->addr)) {
		char buf[IP_PREFIX_STRLEN];
		report(k, DIAG_ERROR, S_TUNNEL, i, "inside_peer",
		       "dconf.tunnel.inside_peer",
		       "the peer is the other host of the inside subnet",
		       "not a usable host of %s other than inside_address",
		       ip_prefix_fmt(&net, buf, sizeof(buf)));
	}
}

static void check_outside(struct chk *k, const struct dconf_tunnel *t,
			  size_t i)
{
	if (!ip_addr_is_set(&t->remote_outside))
		report(k, DIAG_ERROR, S_TUNNEL, i, "remote_outside",
		       "dconf.tunnel.remote_outside", NULL,
		       "missing remote_outside");
	else if (t->remote_outside.family != t->local_outside.family)
		report(k, DIAG_ERROR, S_TUNNEL, i, "remote_outside",
		       "dconf.tunnel.family", NULL,
		       "remote_outside and local_outside differ in address "
		       "family");
	if (t->ike_port == 0 || t->natt_port == 0 ||
	    t->ike_port == t->natt_port)
		report(k, DIAG_ERROR, S_TUNNEL, i, "natt_port",
		       "dconf.tunnel.ports", "defaults are 500 and 4500",
		       "ike_port and natt_port must be distinct non-zero "
		       "ports");
	/* A built config may name a psk_file it has not read (the planner
	 * when the topology holds no key); the loader always reads it. */
	if ((t->psk == NULL || t->psk->len == 0) && t->psk_file[0] == '\0')
		report(k, DIAG_ERROR, S_TUNNEL, i, "psk", "dconf.tunnel.psk",
		       "set psk or psk_file", "no pre-shared key");
}

static void check_timers(struct chk *k, const struct dconf_tunnel *t,
			 size_t i)
{
	if (t->ike_lifetime_s < 60 || t->child_lifetime_s < 60)
		report(k, DIAG_ERROR, S_TUNNEL, i, t->ike_lifetime_s < 60
		       ? "ike_lifetime_s" : "child_lifetime_s",
		       "dconf.tunnel.lifetime", NULL,
		       "lifetimes must be at least 60 s");
	uint64_t window = (uint64_t)t->rekey_margin_s +
			  (uint64_t)t->rekey_margin_s * t->rekey_fuzz_pct / 100;
	if (t->child_lifetime_s >= 60 && window > t->child_lifetime_s)
		report(k, DIAG_ERROR, S_TUNNEL, i, "rekey_margin_s",
		       "dconf.tunnel.rekey_margin",
		       "the margin plus fuzz must fit in the lifetime",
		       "rekey_margin_s %u plus %u%% fuzz exceeds the child "
		       "lifetime %u s", (unsigned)t->rekey_margin_s,
		       (unsigned)t->rekey_fuzz_pct,
		       (unsigned)t->child_lifetime_s);
	if (t->rekey_fuzz_pct > 100)
		report(k, DIAG_ERROR, S_TUNNEL, i, "rekey_fuzz_pct",
		       "dconf.tunnel.fuzz", NULL, "rekey_fuzz_pct above 100");
	if (t->replay_window < 64 || t->replay_window > 2048)
		report(k, DIAG_ERROR, S_TUNNEL, i, "replay_window",
		       "dconf.tunnel.replay", NULL,
		       "replay_window must be 64..2048 packets");
	if (t->dpd_interval_s > 0 && t->dpd_timeout_s < t->dpd_interval_s)
		report(k, DIAG_ERROR, S_TUNNEL, i, "dpd_timeout_s",
		       "dconf.tunnel.dpd", NULL,
		       "dpd_timeout_s is shorter than dpd_interval_s");
	if (t->mtu != 0 && (t->mtu < 576 || t->mtu > 9000))
		report(k, DIAG_ERROR, S_TUNNEL, i, "mtu", "dconf.tunnel.mtu",
		       "0 means automatic", "mtu must be 0 or 576..9000");
	uint32_t mss_max = t->mtu ? t->mtu - 40 : 1460;
	if (t->mss_clamp != 0 && (t->mss_clamp < 536 || t->mss_clamp > mss_max))
		report(k, DIAG_ERROR, S_TUNNEL, i, "mss_clamp",
		       "dconf.tunnel.mss", "0 turns clamping off",
		       "mss_clamp must be 0 or 536..%u", (unsigned)mss_max);
	if (t->liveness_ms != 0 && t->liveness_ms < 50)
		report(k, DIAG_ERROR, S_TUNNEL, i, "liveness_ms", "dconf.tunnel.liveness",
		       "0 turns it off", "liveness_ms must be 0 or 50..60000");
}

static void check_tunnel(struct chk *k, const struct dconf *c, size_t i)
{
	const struct dconf_tunnel *t = &c->tunnels[i];
	if (!dconf_name_ok(t->name))
		report(k, DIAG_ERROR, S_TUNNEL, i, "name", "dconf.name",
		       "letters, digits, '.', '_', ':', '-'",
		       "invalid tunnel name");
	if (!ifname_ok(t->ifname))
		report(k, DIAG_ERROR, S_TUNNEL, i, "ifname",
		       "dconf.tunnel.ifname", "at most 15 characters, no '/', "
		       "':' or blanks", "invalid interface name '%s'",
		       t->ifname);
	check_outside(k, t, i);
	check_inside(k, t, i);
	check_timers(k, t, i);
	if (t->n_ike == 0 || t->n_esp == 0)
		report(k, DIAG_ERROR, S_TUNNEL, i, t->n_ike ? "esp_proposals"
		       : "ike_proposals", "dconf.tunnel.proposals", NULL,
		       "no proposals");
	for (size_t j = 0; j < i; j++) {
		const struct dconf_tunnel *o = &c->tunnels[j];
		struct ip_prefix a = inside_net(t), b = inside_net(o);
		if (strcmp(o->name, t->name) == 0)
			report(k, DIAG_ERROR, S_TUNNEL, i, "name",
			       "dconf.tunnel.unique", NULL,
			       "duplicate tunnel name '%s'", t->name);
		if (strcmp(o->ifname, t->ifname) == 0)
			report(k, DIAG_ERROR, S_TUNNEL, i, "ifname",
			       "dconf.tunnel.unique", NULL,
			       "interface '%s' already used by tunnel '%s'",
			       t->ifname, o->name);
		if (ip_addr_is_set(&a.addr) && ip_addr_is_set(&b.addr) &&
		    ip_prefix_overlaps(&a, &b))
			report(k, DIAG_ERROR, S_TUNNEL, i, "inside_address",
			       "dconf.tunnel.overlap", NULL,
			       "inside subnet overlaps tunnel '%s'", o->name);
		if (ip_addr_eq(&o->local_outside, &t->local_outside) &&
		    ip_addr_eq(&o->remote_outside, &t->remote_outside) &&
		    o->ike_port == t->ike_port)
			report(k, DIAG_ERROR, S_TUNNEL, i, "remote_outside",
			       "dconf.tunnel.unique", "give each tunnel its "
			       "own outside address pair or ike_port",
			       "same outside addresses and port as tunnel "
			       "'%s'", o->name);
	}
}

/* ---- bgp ---------------------------------------------------------------- */

static bool asn_ok(uint32_t asn)
{
	return asn != 0 && asn != 23456; /* AS_TRANS, RFC 6793 */
}

static void derive_neighbor(const struct dconf *c, struct dconf_neighbor *n,
			    size_t i)
{
	const struct dconf_defaults *d = dconf_defaults(c->role);
	if (n->tunnel[0] == '\0' && ip_addr_is_set(&n->address)) {
		for (size_t j = 0; j < c->n_tunnels; j++) {
			struct ip_prefix net = inside_net(&c->tunnels[j]);
			if (ip_addr_is_set(&net.addr) &&
			    ip_prefix_contains_addr(&net, &n->address)) {
				snprintf(n->tunnel, sizeof(n->tunnel), "%s",
					 c->tunnels[j].name);
				break;
			}
		}
	}
	const struct dconf_tunnel *t = dconf_find_tunnel(c, n->tunnel);
	if (!ip_addr_is_set(&n->local_address) && t != NULL)
		n->local_address = t->inside_address.addr;
	if (n->name[0] == '\0') {
		ip_addr_fmt(&n->address, n->name, sizeof(n->name));
		if (!dconf_name_ok(n->name)) /* "::1" */
			snprintf(n->name, sizeof(n->name), "neighbor%zu", i);
	}
	if (d->deny_own_prefixes && !n->import.deny_exact.given)
		for (size_t j = 0; j < c->bgp.announce.n; j++)
			dconf_prefix_list_add(&n->import.deny_exact,
					      &c->bgp.announce.v[j]);
	if (d->deny_default_export && !n->export.deny_exact.given) {
		struct ip_prefix def;
		memset(&def, 0, sizeof(def));
		def.addr = ip_addr_v4(0);
		dconf_prefix_list_add(&n->export.deny_exact, &def);
	}
	n->import.deny_exact.given = n->export.deny_exact.given = true;
}

static void check_neighbor_timers(struct chk *k, const struct dconf_neighbor *n,
				  size_t i)
{
	/* RFC 4271 4.2: Hold Time zero or at least three seconds. */
	if (n->hold_time != 0 && n->hold_time < 3)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "hold_time",
		       "dconf.bgp.hold", "RFC 4271 4.2",
		       "hold_time must be 0 or at least 3 s");
	else if (n->hold_time == 0 && n->keepalive != 0)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "keepalive",
		       "dconf.bgp.keepalive", NULL,
		       "keepalive must be 0 when hold_time is 0");
	else if (n->hold_time != 0 &&
		 (n->keepalive == 0 || n->keepalive >= n->hold_time))
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "keepalive",
		       "dconf.bgp.keepalive", "one third of hold_time is usual",
		       "keepalive must be 1..hold_time-1");
	if (n->connect_retry == 0)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "connect_retry",
		       "dconf.bgp.connect_retry", NULL,
		       "connect_retry must be at least 1 s");
	if (n->ttl == 0 || n->ttl > 255)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "ttl", "dconf.bgp.ttl",
		       NULL, "ttl must be 1..255");
}

static void check_neighbor(struct chk *k, const struct dconf *c, size_t i)
{
	const struct dconf_neighbor *n = &c->bgp.neighbors[i];
	if (!dconf_name_ok(n->name))
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "name", "dconf.name",
		       NULL, "invalid neighbor name");
	if (!ip_addr_is_set(&n->address))
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "address",
		       "dconf.bgp.address", NULL, "missing address");
	if (!asn_ok(n->remote_as))
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "remote_as",
		       "dconf.bgp.asn", NULL, "missing or invalid remote_as");
	if (n->tunnel[0] != '\0' && dconf_find_tunnel(c, n->tunnel) == NULL)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "tunnel",
		       "dconf.bgp.tunnel", NULL, "no tunnel named '%s'",
		       n->tunnel);
	if (!ip_addr_is_set(&n->local_address))
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "local_address",
		       "dconf.bgp.local_address", "or bind it to a tunnel",
		       "missing local_address");
	else if (n->local_address.family != n->address.family ||
		 ip_addr_eq(&n->local_address, &n->address))
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "local_address",
		       "dconf.bgp.local_address", NULL,
		       "local_address must be another address of the same "
		       "family as address");
	if (n->passive && !c->bgp.listen)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "passive",
		       "dconf.bgp.passive", "set bgp.listen: true",
		       "a passive neighbor needs the listener");
	if (n->prepend > 16)
		report(k, DIAG_ERROR, S_NEIGHBOR, i, "prepend",
		       "dconf.bgp.prepend", NULL, "prepend at most 16 times");
	check_neighbor_timers(k, n, i);
	for (size_t j = 0; j < i; j++)
		if (ip_addr_eq(&c->bgp.neighbors[j].address, &n->address) &&
		    c->bgp.neighbors[j].port == n->port)
			report(k, DIAG_ERROR, S_NEIGHBOR, i, "address",
			       "dconf.bgp.unique", NULL,
			       "same address as neighbor '%s'",
			       c->bgp.neighbors[j].name);
}

static void finalize_bgp(struct chk *k, struct dconf *c)
{
	struct dconf_bgp *b = &c->bgp;
	if (!b->enabled)
		return;
	if (b->max_paths == DCONF_AUTO)
		b->max_paths = b->multipath ? 8 : 1;
	if (!ip_addr_is_set(&b->router_id) &&
	    c->outside_address.family == AF_INET)
		b->router_id = c->outside_address;
	/* IPv6 outside address: the first IPv4 tunnel inside address. */
	for (size_t i = 0; !ip_addr_is_set(&b->router_id) && i < c->n_tunnels;
	     i++)
		if (c->tunnels[i].inside_address.addr.family == AF_INET)
			b->router_id = c->tunnels[i].inside_address.addr;
	for (size_t i = 0; i < b->n_neighbors; i++)
		derive_neighbor(c, &b->neighbors[i], i);
	b->announce.given = true;
	if (!asn_ok(b->asn))
		report(k, DIAG_ERROR, S_BGP, 0, "asn", "dconf.bgp.asn",
		       "1..4294967295 except 23456", "missing or invalid asn");
	if (b->router_id.family != AF_INET ||
	    ip_addr_v4_host(&b->router_id) == 0)
		report(k, DIAG_ERROR, S_BGP, 0, "router_id",
		       "dconf.bgp.router_id", "an IPv4 address",
		       "missing router_id (no IPv4 outside or inside address "
		       "to use)");
	if (b->max_paths == 0 || (!b->multipath && b->max_paths != 1))
		report(k, DIAG_ERROR, S_BGP, 0, "max_paths",
		       "dconf.bgp.max_paths", NULL,
		       "max_paths must be 1 without multipath, else >= 1");
	if (b->listen_port == 0)
		report(k, DIAG_ERROR, S_BGP, 0, "listen_port",
		       "dconf.bgp.port", NULL, "listen_port must be non-zero");
	for (size_t i = 0; i < b->n_neighbors; i++)
		check_neighbor(k, c, i);
}

/* ---- top level ---------------------------------------------------------- */

static void finalize_top(struct chk *k, struct dconf *c)
{
	if (!dconf_name_ok(c->name))
		report(k, DIAG_ERROR, S_TOP, 0, "name", "dconf.name",
		       "letters, digits, '.', '_', ':', '-' (max 63)",
		       "missing or invalid name");
	else if (c->control_socket[0] == '\0')
		snprintf(c->control_socket, sizeof(c->control_socket),
			 "/run/vgw/%s.sock", c->name);
	if (!ip_addr_is_set(&c->outside_address))
		report(k, DIAG_ERROR, S_TOP, 0, "outside_address",
		       "dconf.outside_address", NULL,
		       "missing outside_address");
	if (c->n_tunnels == 0)
		report(k, DIAG_WARNING, S_TOP, 0, "tunnels", "dconf.tunnels",
		       NULL, "no tunnels: the daemon will only run BGP");
}

bool dconf_finalize_at(struct dconf *c, struct diag_list *diags,
		       const struct ytree_node *root)
{
	struct chk k = { diags, root, c->source[0] ? c->source : c->name,
			 false };
	finalize_top(&k, c);
	for (size_t i = 0; i < c->n_tunnels; i++)
		derive_tunnel(c, &c->tunnels[i], i);
	for (size_t i = 0; i < c->n_tunnels; i++)
		check_tunnel(&k, c, i);
	finalize_bgp(&k, c);
	return !k.failed;
}

bool dconf_finalize(struct dconf *c, struct diag_list *diags)
{
	return dconf_finalize_at(c, diags, NULL);
}
