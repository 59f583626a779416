/*
 * The BGP speaker inside vgwd: config mapping (dconf -> bgp), originated
 * prefixes, and Loc-RIB changes into the kernel FIB.
 *
 * A neighbor bound to a tunnel only runs while that tunnel is up: when IKE
 * declares the tunnel down the session is shut at once (its routes leave
 * the Loc-RIB and the FIB now, not at hold-timer expiry) and re-enabled when
 * the tunnel is back.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "bgp/bgp.h"
#include "config/dconf.h"
#include "daemon/daemon_priv.h"
#include "route/route.h"

/* Prefix-list rules and buffers built for one neighbor's policies. */
struct policy_buf {
	struct bgp_prefix_rule rules[DCONF_MAX_PREFIXES];
};

static void map_policy(const struct dconf_policy *in, struct bgp_policy *out,
		       struct policy_buf *buf)
{
	memset(out, 0, sizeof(*out));
	size_t n = in->allow.n < DCONF_MAX_PREFIXES ? in->allow.n : DCONF_MAX_PREFIXES;
	for (size_t i = 0; i < n; i++) {
		const struct ip_prefix *p = &in->allow.v[i];
		/* "inside one allow entry": equal to or more specific. */
		buf->rules[i] = (struct bgp_prefix_rule){
			.prefix = *p,
			.ge = p->len,
			.le = p->addr.family == AF_INET ? 32 : 128,
			.permit = true,
		};
	}
	out->rules = buf->rules;
	out->n_rules = n;
	out->deny_exact = in->deny_exact.v;
	out->n_deny_exact = in->deny_exact.n;
}

static void map_neighbor(const struct dconf_neighbor *nb, struct bgp_peer_config *pc,
			 struct policy_buf *imp, struct policy_buf *exp)
{
	memset(pc, 0, sizeof(*pc));
	pc->name = nb->name;
	pc->remote = nb->address;
	pc->local = nb->local_address;
	pc->remote_as = nb->remote_as;
	pc->hold_time = (uint16_t)nb->hold_time;
	pc->keepalive = (uint16_t)nb->keepalive;
	pc->connect_retry = (uint16_t)nb->connect_retry;
	pc->passive = nb->passive;
	pc->multihop_ttl = nb->ttl > 1 ? (uint8_t)(nb->ttl > 255 ? 255 : nb->ttl) : 0;
	pc->port = nb->port;
	pc->max_prefix.limit = nb->max_prefix.limit;
	/* Azure "drops" a session past its limit and AWS sends Cease/1: both
	 * end the session; our speaker always says why (Cease/1). */
	pc->max_prefix.action = nb->max_prefix.action == DCONF_MAXPFX_WARN
					? BGP_MAXPFX_WARN : BGP_MAXPFX_CEASE;
	pc->max_prefix.restart_s = nb->max_prefix.restart_s;
	map_policy(&nb->import, &pc->import, imp);
	map_policy(&nb->export, &pc->export, exp);
	pc->import.set_local_pref = true;
	pc->import.local_pref = nb->local_pref;
	pc->export.prepend = (uint8_t)(nb->prepend > 255 ? 255 : nb->prepend);
	pc->export.set_med = nb->has_med;
	pc->export.med = nb->med;
	pc->export.communities = nb->communities;
	pc->export.n_communities = nb->n_communities;
	pc->export.graceful_shutdown = nb->graceful_shutdown;
	pc->next_hop_self = true;
	pc->gr_helper = true;
	pc->ipv6 = nb->address.family == AF_INET6;
}

const struct dconf_neighbor *vgwd_neighbor_for_tunnel(const struct vgwd *d,
						      const char *tunnel)
{
	for (size_t i = 0; i < d->cfg->bgp.n_neighbors; i++)
		if (strcmp(d->cfg->bgp.neighbors[i].tunnel, tunnel) == 0)
			return &d->cfg->bgp.neighbors[i];
	return NULL;
}

/* Index of the neighbor called name in the config, or -1. */
static int neighbor_index(const struct vgwd *d, const char *name)
{
	for (size_t i = 0; i < d->cfg->bgp.n_neighbors; i++)
		if (strcmp(d->cfg->bgp.neighbors[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The interface whose connected subnet holds addr (e.g. a veth toward a
 * BGP peer without a tunnel); 0 if none. */
static int ifindex_for_onlink(const struct ip_addr *addr)
{
	struct ifaddrs *ifa, *it;
	int idx = 0;
	if (getifaddrs(&ifa) < 0)
		return 0;
	for (it = ifa; it && idx == 0; it = it->ifa_next) {
		if (it->ifa_addr == NULL || it->ifa_netmask == NULL ||
		    it->ifa_addr->sa_family != AF_INET || addr->family != AF_INET)
			continue;
		uint32_t a = ((struct sockaddr_in *)it->ifa_addr)->sin_addr.s_addr;
		uint32_t m = ((struct sockaddr_in *)it->ifa_netmask)->sin_addr.s_addr;
		uint32_t x;
		memcpy(&x, addr->a, 4);
		if ((a & m) == (x & m))
			idx = (int)if_nametoindex(it->ifa_name);
	}
	freeifaddrs(ifa);
	return idx;
}

/* Called per changed prefix: the lookup is cached per neighbor. */
static int nexthop_ifindex(struct vgwd *d, const struct bgp_nexthop *nh)
{
	int i = neighbor_index(d, nh->peer);
	if (i < 0 || (size_t)i >= sizeof(d->nb_ifindex) / sizeof(d->nb_ifindex[0]))
		return ifindex_for_onlink(&nh->addr);
	if (d->nb_ifindex[i] != 0)
		return d->nb_ifindex[i];
	const struct dconf_neighbor *nb = &d->cfg->bgp.neighbors[i];
	int idx = 0;
	if (nb->tunnel[0] != '\0') {
		struct vgwd_tunnel *t = vgwd_tunnel_find(d, nb->tunnel);
		if (t != NULL)
			idx = t->ifindex;
	}
	if (idx <= 0)
		idx = ifindex_for_onlink(&nh->addr);
	d->nb_ifindex[i] = idx > 0 ? idx : -1;
	return d->nb_ifindex[i];
}

static void on_route_changed(void *arg, const struct ip_prefix *p,
			     const struct bgp_nexthop *nh, size_t n_nh)
{
	struct vgwd *d = arg;
	if (d->fib == NULL)
		return;
	struct route_nexthop rnh[ROUTE_NEXTHOP_MAX];
	size_t n = 0;
	for (size_t i = 0; i < n_nh && n < ROUTE_NEXTHOP_MAX; i++) {
		if (nh[i].peer == NULL)
			continue; /* our own origination: nothing to install */
		int idx = nexthop_ifindex(d, &nh[i]);
		if (idx <= 0)
			continue;
		rnh[n++] = (struct route_nexthop){ .gateway = nh[i].addr,
						   .ifindex = idx, .weight = 1 };
	}
	int rc = n ? route_fib_replace(d->fib, p, rnh, n) : route_fib_delete(d->fib, p);
	if (rc < 0 && rc != -EINVAL)
		vlog(VLOG_WARN, "fib", NULL, "route update failed: %s", strerror(-rc));
}

static void on_peer_state(void *arg, const char *peer, int old_state,
			  int new_state, const char *reason)
{
	/* The speaker logs the transition itself; forget the cached next-hop
	 * interface so it is looked up again for the new session. */
	struct vgwd *d = arg;
	(void)old_state;
	(void)new_state;
	(void)reason;
	int i = neighbor_index(d, peer);
	if (i >= 0 && (size_t)i < sizeof(d->nb_ifindex) / sizeof(d->nb_ifindex[0]))
		d->nb_ifindex[i] = 0;
}

static int add_neighbor(struct vgwd *d, const struct dconf_neighbor *nb)
{
	struct bgp_peer_config pc;
	struct policy_buf *imp = malloc(sizeof(*imp)), *exp = malloc(sizeof(*exp));
	int rc = -ENOMEM;
	if (imp && exp) {
		map_neighbor(nb, &pc, imp, exp);
		/* A tunnel neighbor starts down: the tunnel brings it up. */
		struct vgwd_tunnel *t = nb->tunnel[0] ? vgwd_tunnel_find(d, nb->tunnel) : NULL;
		pc.disabled = t != NULL && t->state != VGWD_TUNNEL_UP;
		rc = bgp_peer_add(d->bgp, &pc);
	}
	free(imp);
	free(exp);
	if (rc < 0)
		vlog(VLOG_ERR, "bgp", nb->name, "cannot add neighbor: %s", strerror(-rc));
	return rc;
}

int vgwd_bgp_start(struct vgwd *d)
{
	const struct dconf_bgp *b = &d->cfg->bgp;
	if (!b->enabled)
		return 0;
	struct bgp_config bc = {
		.asn = b->asn,
		.router_id = b->router_id,
		.port = b->listen ? b->listen_port : 0,
		.multipath = b->multipath,
		.max_paths = b->max_paths,
	};
	/* Listen on the neighbors' local addresses (so several speakers can
	 * share a host); with more distinct addresses than the speaker takes,
	 * on the wildcard address. */
	for (size_t i = 0; i < b->n_neighbors; i++) {
		const struct ip_addr *a = &b->neighbors[i].local_address;
		bool dup = !ip_addr_is_set(a);
		for (size_t k = 0; k < bc.n_listen && !dup; k++)
			dup = ip_addr_eq(&bc.listen[k], a);
		if (dup)
			continue;
		if (bc.n_listen == BGP_MAX_LISTEN) {
			bc.n_listen = 0;
			break;
		}
		bc.listen[bc.n_listen++] = *a;
	}
	static const struct bgp_hooks hooks = {
		.route_changed = on_route_changed,
		.peer_state = on_peer_state,
	};
	d->bgp = bgp_new(d->loop, &bc, &hooks, d);
	if (d->bgp == NULL) {
		vlog(VLOG_ERR, "bgp", NULL, "cannot start the BGP speaker (AS%u)", b->asn);
		return -1;
	}
	for (size_t i = 0; i < b->n_neighbors; i++)
		if (add_neighbor(d, &b->neighbors[i]) < 0)
			return -1;
	for (size_t i = 0; i < b->announce.n; i++)
		bgp_originate(d->bgp, &b->announce.v[i]);
	return 0;
}

void vgwd_bgp_stop(struct vgwd *d)
{
	bgp_free(d->bgp);
	d->bgp = NULL;
	if (d->fib)
		route_fib_sync(d->fib);
}

void vgwd_bgp_tunnel_changed(struct vgwd *d, const struct vgwd_tunnel *t)
{
	if (d->bgp == NULL)
		return;
	for (size_t i = 0; i < d->cfg->bgp.n_neighbors; i++) {
		const struct dconf_neighbor *nb = &d->cfg->bgp.neighbors[i];
		if (strcmp(nb->tunnel, t->cfg->name) != 0)
			continue;
		if (t->state == VGWD_TUNNEL_UP && !t->admin_down && !t->live_down)
			bgp_peer_enable(d->bgp, nb->name);
		else
			bgp_peer_shutdown(d->bgp, nb->name,
					  t->live_down ? "tunnel silent (liveness)" : "tunnel down");
	}
}

/* ---- reload ---- */

static int find_neighbor_cfg(const struct dconf *c, const char *name)
{
	for (size_t i = 0; i < c->bgp.n_neighbors; i++)
		if (strcmp(c->bgp.neighbors[i].name, name) == 0)
			return (int)i;
	return -1;
}

static bool plist_has(const struct dconf_prefix_list *l, const struct ip_prefix *p)
{
	for (size_t i = 0; i < l->n; i++)
		if (ip_prefix_eq(&l->v[i], p))
			return true;
	return false;
}

static void reload_announce(struct vgwd *d, const struct dconf *n)
{
	const struct dconf_prefix_list *o = &d->cfg->bgp.announce, *nw = &n->bgp.announce;
	for (size_t i = 0; i < o->n; i++)
		if (!plist_has(nw, &o->v[i]))
			bgp_withdraw(d->bgp, &o->v[i]);
	for (size_t i = 0; i < nw->n; i++)
		if (!plist_has(o, &nw->v[i]))
			bgp_originate(d->bgp, &nw->v[i]);
}

static int update_neighbor(struct vgwd *d, const struct dconf_neighbor *nb)
{
	struct bgp_peer_config pc;
	struct policy_buf *imp = malloc(sizeof(*imp)), *exp = malloc(sizeof(*exp));
	int rc = -1;
	if (imp && exp) {
		map_neighbor(nb, &pc, imp, exp);
		rc = bgp_peer_update_config(d->bgp, &pc);
	}
	free(imp);
	free(exp);
	return rc;
}

int vgwd_bgp_reload(struct vgwd *d, struct dconf *n, struct vgwd_reload_stats *st)
{
	if (d->bgp == NULL)
		return 0;
	const struct dconf_bgp *ob = &d->cfg->bgp;
	for (size_t i = 0; i < ob->n_neighbors; i++) {
		const struct dconf_neighbor *o = &ob->neighbors[i];
		int j = find_neighbor_cfg(n, o->name);
		if (j < 0) {
			bgp_peer_remove(d->bgp, o->name);
			st->nb_removed++;
		} else if (vgwd_neighbor_cfg_equal(o, &n->bgp.neighbors[j])) {
			st->nb_kept++;
		} else {
			if (update_neighbor(d, &n->bgp.neighbors[j]) < 0)
				return -1;
			st->nb_changed++;
		}
	}
	reload_announce(d, n);
	/* New neighbors refer to tunnels by name: look them up in the new
	 * config, which the tunnels reload has already switched to. */
	const struct dconf *saved = d->cfg;
	d->cfg = n;
	int rc = 0;
	for (size_t j = 0; j < n->bgp.n_neighbors; j++) {
		if (find_neighbor_cfg(saved, n->bgp.neighbors[j].name) >= 0)
			continue;
		st->nb_added++;
		if (add_neighbor(d, &n->bgp.neighbors[j]) < 0)
			rc = -1;
	}
	d->cfg = (struct dconf *)saved;
	return rc;
}
