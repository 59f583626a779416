/*
 * Introspection as json-c objects for the daemon's control socket. Field
 * names are part of the control protocol: add, never rename.
 */
#include "bgp/bgp_priv.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static void add_bool(struct json_object *o, const char *k, bool v)
{
	json_object_object_add(o, k, json_object_new_boolean(v));
}

static struct json_object *msg_counts(const uint64_t *v)
{
	struct json_object *o = json_object_new_object();
	uint64_t total = 0;
	for (int t = BGP_MSG_OPEN; t <= BGP_MSG_ROUTE_REFRESH; t++) {
		add_int(o, bgp_msg_name(t), (int64_t)v[t]);
		total += v[t];
	}
	add_int(o, "total", (int64_t)total);
	return o;
}

static struct json_object *caps_json(const struct bgp_peer *p)
{
	struct json_object *c = json_object_new_object();
	add_bool(c, "four_octet_as", p->as4);
	add_bool(c, "route_refresh", p->rr);
	add_bool(c, "graceful_restart", p->peer_gr);
	add_int(c, "graceful_restart_time", p->peer_gr_time);
	add_bool(c, "ipv4_unicast", p->v4);
	add_bool(c, "ipv6_unicast", p->v6);
	return c;
}

static struct json_object *peer_json(const struct bgp_peer *p)
{
	struct bgp *bgp = p->bgp;
	struct json_object *o = json_object_new_object();
	char a[IP_ADDR_STRLEN];
	add_str(o, "name", p->name);
	add_str(o, "state", bgp_state_name(p->state));
	add_str(o, "address", ip_addr_fmt(&p->cfg.remote, a, sizeof(a)));
	add_int(o, "port", p->cfg.port ? p->cfg.port : BGP_PORT);
	if (p->conn != NULL && ip_addr_is_set(&p->conn->local))
		add_str(o, "local_address", ip_addr_fmt(&p->conn->local, a, sizeof(a)));
	add_int(o, "remote_as", p->cfg.remote_as);
	add_int(o, "local_as", bgp->cfg.asn);
	add_str(o, "type", p->ebgp ? "ebgp" : "ibgp");
	add_bool(o, "admin_down", p->admin_down);
	add_bool(o, "max_prefix_down", p->maxpfx_down);
	if (p->state == BGP_ESTABLISHED) {
		struct ip_addr id = ip_addr_v4(p->remote_id);
		add_str(o, "remote_router_id", ip_addr_fmt(&id, a, sizeof(a)));
		add_int(o, "uptime_s", vtime_diff_ms(loop_now(bgp->loop),
						     p->up_since) / 1000);
		add_int(o, "hold_time", p->hold);
		add_int(o, "keepalive", p->keepalive);
		json_object_object_add(o, "capabilities", caps_json(p));
	}
	add_int(o, "established_count", (int64_t)p->st.established_count);
	json_object_object_add(o, "messages_sent", msg_counts(p->st.msgs_out));
	json_object_object_add(o, "messages_received", msg_counts(p->st.msgs_in));
	add_int(o, "routes_received", (int64_t)p->st.prefixes_received);
	add_int(o, "routes_accepted", bgp->rib.src[p->slot].n_paths);
	add_int(o, "routes_denied", (int64_t)p->st.prefixes_denied);
	add_int(o, "routes_advertised", (int64_t)p->st.advertised);
	add_int(o, "treat_as_withdraw", (int64_t)p->st.treat_as_withdraw);
	add_int(o, "attributes_discarded", (int64_t)p->st.attr_discarded);
	add_bool(o, "graceful_restart_stale", p->gr_stale);
	add_str(o, "last_error", p->last_error);
	return o;
}

struct json_object *bgp_peers_json(const struct bgp *bgp)
{
	struct json_object *arr = json_object_new_array();
	for (int i = 1; i < BGP_NSRC; i++) {
		if (bgp->peers[i] != NULL)
			json_object_array_add(arr, peer_json(bgp->peers[i]));
	}
	return arr;
}

static struct json_object *comm_json(const struct bgp_attrs *a)
{
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < a->n_comm; i++) {
		char buf[24];
		snprintf(buf, sizeof(buf), "%u:%u", a->comm[i] >> 16,
			 a->comm[i] & 0xffff);
		json_object_array_add(arr, json_object_new_string(buf));
	}
	return arr;
}

static const char *origin_name(uint8_t o)
{
	return o == BGP_ORIGIN_IGP ? "igp" : o == BGP_ORIGIN_EGP ? "egp" :
							       "incomplete";
}

static struct json_object *path_json(const struct bgp *bgp,
				     const struct bgp_rpath *p)
{
	const struct bgp_attrs *a = p->attrs;
	const struct bgp_src *s = &bgp->rib.src[p->src];
	struct json_object *o = json_object_new_object();
	char buf[1024];
	add_str(o, "peer", s->local ? "local" : s->name);
	if (!s->local)
		add_str(o, "next_hop", ip_addr_fmt(&a->nexthop, buf, sizeof(buf)));
	bgp_aspath_format(a, buf, sizeof(buf));
	add_str(o, "as_path", buf);
	add_str(o, "origin", origin_name(a->origin));
	if (a->flags & BGP_A_MED)
		add_int(o, "med", a->med);
	add_int(o, "local_pref", (a->flags & BGP_A_LOCAL_PREF) ? a->local_pref : 100);
	json_object_object_add(o, "communities", comm_json(a));
	add_bool(o, "best", (p->flags & BGP_RP_BEST) != 0);
	add_bool(o, "multipath", (p->flags & BGP_RP_MULTIPATH) != 0);
	add_bool(o, "stale", (p->flags & BGP_RP_STALE) != 0);
	return o;
}

static bool route_match(const struct bgp_rnode *rn,
			const struct bgp_route_filter *f, const struct bgp *bgp)
{
	if (rn->paths == NULL)
		return false;
	if (f == NULL)
		return true;
	if (f->family != 0 && rn->af != f->family)
		return false;
	if (f->prefix != NULL) {
		struct ip_prefix p;
		bgp_rnode_prefix(rn, &p);
		if (!ip_prefix_eq(&p, f->prefix))
			return false;
	}
	if (f->peer != NULL) {
		const struct bgp_peer *peer = bgp_peer_by_name(bgp, f->peer);
		if (peer == NULL ||
		    bgp_rnode_path((struct bgp_rnode *)rn, peer->slot) == NULL)
			return false;
	}
	return true;
}

static struct json_object *route_json(const struct bgp *bgp,
				      const struct bgp_rnode *rn)
{
	struct json_object *o = json_object_new_object();
	struct ip_prefix p;
	char buf[IP_PREFIX_STRLEN];
	bgp_rnode_prefix(rn, &p);
	add_str(o, "prefix", ip_prefix_fmt(&p, buf, sizeof(buf)));
	struct json_object *paths = json_object_new_array();
	for (const struct bgp_rpath *r = rn->paths; r; r = r->next)
		json_object_array_add(paths, path_json(bgp, r));
	json_object_object_add(o, "paths", paths);
	return o;
}

struct json_object *bgp_routes_json(const struct bgp *bgp,
				    const struct bgp_route_filter *filter)
{
	struct json_object *arr = json_object_new_array();
	size_t limit = filter && filter->limit ? filter->limit : 1000;
	size_t n = 0;
	if (filter != NULL && filter->prefix != NULL) {
		struct bgp_rnode *rn = bgp_rib_find(&bgp->rib, filter->prefix);
		if (rn != NULL && route_match(rn, filter, bgp))
			json_object_array_add(arr, route_json(bgp, rn));
		return arr;
	}
	size_t pos = 0;
	struct bgp_rnode *rn;
	while (n < limit && (rn = bgp_rib_next(&bgp->rib, &pos)) != NULL) {
		if (!route_match(rn, filter, bgp))
			continue;
		json_object_array_add(arr, route_json(bgp, rn));
		n++;
	}
	return arr;
}

struct json_object *bgp_counters_json(const struct bgp *bgp)
{
	struct json_object *o = json_object_new_object();
	add_int(o, "routes", (int64_t)bgp->rib.n_routes);
	add_int(o, "prefix_nodes", (int64_t)bgp->rib.count);
	add_int(o, "paths", (int64_t)bgp->rib.paths.in_use);
	add_int(o, "attribute_sets", (int64_t)bgp->rib.attrs.count);
	add_int(o, "updates_received", (int64_t)bgp->updates_in);
	add_int(o, "loc_rib_changes", (int64_t)bgp->route_changes);
	return o;
}
