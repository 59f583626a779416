/*
 * The tunnel views, shaped like the clouds' portals:
 *   show connections  Azure's Connections page: name, status (Connected,
 *                     Connecting, NotConnected), ingress/egress bytes, uptime.
 *   show tunnels      AWS's Tunnel details: outside IP, inside CIDR, status
 *                     UP/DOWN, status message ("2 BGP ROUTES"), last change.
 * AWS shows a BGP tunnel UP only when its BGP session is up too, and says how
 * many routes it learned; Azure shows the IPsec state alone.
 */
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "config/dconf.h"
#include "daemon/daemon_priv.h"
#include "daemon/views.h"
#include "ike/ike.h"
#include "io/dataplane.h"

static const char *azure_status(const struct vgwd_tunnel *t)
{
	switch (t->state) {
	case VGWD_TUNNEL_UP:
		return "Connected";
	case VGWD_TUNNEL_CONNECTING:
		return "Connecting";
	default:
		return "NotConnected";
	}
}

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static void add_int(struct json_object *o, const char *k, int64_t v)
{
	json_object_object_add(o, k, json_object_new_int64(v));
}

static int64_t uptime_s(const struct vgwd *d, const struct vgwd_tunnel *t)
{
	if (t->state != VGWD_TUNNEL_UP)
		return 0;
	return vtime_diff_ms(loop_now(d->loop), t->up_since) / 1000;
}

bool vgwd_view_connections(void *arg, struct json_object *args,
			   struct json_object **data, char *err, size_t errlen)
{
	struct vgwd *d = arg;
	(void)args;
	(void)err;
	(void)errlen;
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < d->n_tunnels; i++) {
		const struct vgwd_tunnel *t = &d->tunnels[i];
		struct dp_tunnel_stats st = { 0 };
		if (t->dpt)
			dp_tunnel_stats(t->dpt, &st);
		struct json_object *o = json_object_new_object();
		add_str(o, "name", t->cfg->name);
		add_str(o, "status", azure_status(t));
		add_int(o, "ingress_bytes", (int64_t)st.rx_bytes);
		add_int(o, "egress_bytes", (int64_t)st.tx_bytes);
		add_int(o, "uptime_s", uptime_s(d, t));
		add_str(o, "reason", t->reason);
		json_object_array_add(arr, o);
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "connections", arr);
	*data = o;
	return true;
}

/* The BGP peer object (from bgp_peers_json) running over tunnel t. */
static struct json_object *peer_of(struct json_object *peers,
				   const struct dconf_neighbor *nb)
{
	size_t n = peers ? json_object_array_length(peers) : 0;
	for (size_t i = 0; nb && i < n; i++) {
		struct json_object *p = json_object_array_get_idx(peers, i), *v;
		if (json_object_object_get_ex(p, "name", &v) &&
		    strcmp(json_object_get_string(v), nb->name) == 0)
			return p;
	}
	return NULL;
}

static const char *peer_field(struct json_object *p, const char *k)
{
	struct json_object *v;
	return p && json_object_object_get_ex(p, k, &v) ? json_object_get_string(v) : "";
}

static void aws_status(const struct vgwd_tunnel *t, const struct dconf_neighbor *nb,
		       struct json_object *peer, struct json_object *o)
{
	bool bgp_up = strcmp(peer_field(peer, "state"), "Established") == 0;
	struct json_object *v;
	int64_t routes = bgp_up && json_object_object_get_ex(peer, "routes_accepted", &v)
				 ? json_object_get_int64(v) : 0;
	bool up = t->state == VGWD_TUNNEL_UP && (nb == NULL || bgp_up);
	char msg[192];
	if (t->state != VGWD_TUNNEL_UP)
		snprintf(msg, sizeof(msg), "IPSEC IS DOWN%s%s", t->reason[0] ? ": " : "", t->reason);
	else if (nb == NULL)
		snprintf(msg, sizeof(msg), "IPSEC IS UP");
	else if (!bgp_up)
		snprintf(msg, sizeof(msg), "BGP IS %s%s%s", peer_field(peer, "state"),
			 peer_field(peer, "last_error")[0] ? ": " : "", peer_field(peer, "last_error"));
	else
		snprintf(msg, sizeof(msg), "%lld BGP ROUTES", (long long)routes);
	add_str(o, "status", up ? "UP" : "DOWN");
	add_str(o, "status_message", msg);
	add_str(o, "bgp_state", peer ? peer_field(peer, "state") : "");
	add_int(o, "bgp_routes", routes);
	json_object_object_add(o, "has_bgp", json_object_new_boolean(nb != NULL));
}

static struct json_object *tunnel_json(const struct vgwd *d, const struct vgwd_tunnel *t,
				       struct json_object *peers)
{
	const struct dconf_tunnel *c = t->cfg;
	const struct dconf_neighbor *nb = vgwd_neighbor_for_tunnel(d, c->name);
	char a[IP_ADDR_STRLEN], p[IP_PREFIX_STRLEN];
	struct json_object *o = json_object_new_object();
	add_str(o, "name", c->name);
	add_str(o, "ifname", c->ifname);
	add_str(o, "outside_ip", ip_addr_fmt(&c->remote_outside, a, sizeof(a)));
	add_str(o, "local_outside_ip", ip_addr_fmt(&c->local_outside, a, sizeof(a)));
	struct ip_prefix inside = { .addr = c->inside_address.addr, .len = c->inside_address.len };
	ip_prefix_canonicalize(&inside);
	add_str(o, "inside_cidr", ip_prefix_fmt(&inside, p, sizeof(p)));
	add_str(o, "inside_address", ip_addr_fmt(&c->inside_address.addr, a, sizeof(a)));
	add_str(o, "inside_peer", ip_addr_fmt(&c->inside_peer, a, sizeof(a)));
	aws_status(t, nb, peer_of(peers, nb), o);
	add_int(o, "last_status_change", t->last_change_wall);
	add_str(o, "ike_state", azure_status(t));
	add_str(o, "liveness", c->liveness_ms == 0 ? "off" : t->live_down ? "dead" : "alive");
	char spi[24];
	snprintf(spi, sizeof(spi), "%08x/%08x", t->spi_in, t->spi_out);
	add_str(o, "child_spis", spi);
	return o;
}

bool vgwd_view_tunnels(void *arg, struct json_object *args,
		       struct json_object **data, char *err, size_t errlen)
{
	struct vgwd *d = arg;
	(void)args;
	(void)err;
	(void)errlen;
	struct json_object *peers = d->bgp ? bgp_peers_json(d->bgp) : NULL;
	struct json_object *arr = json_object_new_array();
	for (size_t i = 0; i < d->n_tunnels; i++)
		json_object_array_add(arr, tunnel_json(d, &d->tunnels[i], peers));
	json_object_put(peers);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "tunnels", arr);
	json_object_object_add(o, "ike", d->ike ? ike_tunnels_json(d->ike) : NULL);
	if (d->ike != NULL) {
		/* IKE messages dropped before any SA could account for them
		 * (garbage, unknown SPIs, bad ICVs) are only counted here. */
		const struct ike_stats *is = ike_get_stats(d->ike);
		struct json_object *st = json_object_new_object();
		add_int(st, "rx", (int64_t)is->rx);
		add_int(st, "tx", (int64_t)is->tx);
		add_int(st, "dropped", (int64_t)is->dropped);
		add_int(st, "bad_icv", (int64_t)is->bad_icv);
		add_int(st, "retransmits", (int64_t)is->retransmits);
		add_int(st, "cookies_sent", (int64_t)is->cookies_sent);
		json_object_object_add(o, "ike_stats", st);
	}
	struct json_object *dps = json_object_new_array();
	for (size_t i = 0; i < d->n_dps; i++)
		json_object_array_add(dps, dp_stats_json(d->dps[i].dp));
	json_object_object_add(o, "dataplane", dps);
	*data = o;
	return true;
}
