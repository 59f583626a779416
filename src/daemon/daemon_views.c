/*
 * Control socket commands: the views vgwctl shows (docs/control-protocol.md).
 * Each handler builds one JSON object from the modules' own introspection.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <json-c/json.h>

#include "base/addr.h"
#include "bgp/bgp.h"
#include "config/dconf.h"
#include "ctl/ctl.h"
#include "daemon/daemon_priv.h"
#include "daemon/views.h"
#include "route/route.h"

static bool cmd_status(void *arg, struct json_object *args,
		       struct json_object **data, char *err, size_t errlen)
{
	struct vgwd *d = arg;
	(void)args;
	(void)err;
	(void)errlen;
	struct json_object *o = json_object_new_object();
	char buf[IP_ADDR_STRLEN];
	json_object_object_add(o, "name", json_object_new_string(d->cfg->name));
	json_object_object_add(o, "role", json_object_new_string(dconf_role_name(d->cfg->role)));
	json_object_object_add(o, "version", json_object_new_string("0.1.0"));
	json_object_object_add(o, "config", json_object_new_string(d->cfg->source));
	json_object_object_add(o, "outside_address",
			       json_object_new_string(ip_addr_fmt(&d->cfg->outside_address, buf, sizeof(buf))));
	json_object_object_add(o, "uptime_s",
			       json_object_new_int64(vtime_diff_ms(loop_now(d->loop), d->started) / 1000));
	json_object_object_add(o, "tunnels", json_object_new_int64((int64_t)d->n_tunnels));
	json_object_object_add(o, "bgp_neighbors", json_object_new_int64((int64_t)d->cfg->bgp.n_neighbors));
	json_object_object_add(o, "loc_rib_prefixes",
			       json_object_new_int64(d->bgp ? (int64_t)bgp_route_count(d->bgp) : 0));
	if (d->fib != NULL) {
		struct route_fib_counters fc;
		route_fib_counters(d->fib, &fc);
		json_object_object_add(o, "fib_installed", json_object_new_int64((int64_t)fc.installed));
		json_object_object_add(o, "fib_pending", json_object_new_int64((int64_t)fc.pending));
		json_object_object_add(o, "fib_failed", json_object_new_int64((int64_t)fc.failed));
	}
	*data = o;
	return true;
}

static bool cmd_bgp(void *arg, struct json_object *args,
		    struct json_object **data, char *err, size_t errlen)
{
	struct vgwd *d = arg;
	(void)args;
	if (d->bgp == NULL) {
		snprintf(err, errlen, "BGP is not configured on %s", d->cfg->name);
		return false;
	}
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "asn", json_object_new_int64(d->cfg->bgp.asn));
	json_object_object_add(o, "peers", bgp_peers_json(d->bgp));
	*data = o;
	return true;
}

static bool cmd_routes(void *arg, struct json_object *args,
		       struct json_object **data, char *err, size_t errlen)
{
	struct vgwd *d = arg;
	struct json_object *v;
	struct bgp_route_filter f = { .limit = 10000 };
	struct ip_prefix p;
	if (d->bgp == NULL) {
		snprintf(err, errlen, "BGP is not configured on %s", d->cfg->name);
		return false;
	}
	if (args && json_object_object_get_ex(args, "prefix", &v)) {
		if (!ip_prefix_parse(json_object_get_string(v), &p, false)) {
			snprintf(err, errlen, "bad prefix '%.60s'", json_object_get_string(v));
			return false;
		}
		f.prefix = &p;
	}
	if (args && json_object_object_get_ex(args, "limit", &v))
		f.limit = (size_t)json_object_get_int64(v);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "routes", bgp_routes_json(d->bgp, &f));
	json_object_object_add(o, "count", json_object_new_int64((int64_t)bgp_route_count(d->bgp)));
	json_object_object_add(o, "fib", d->fib ? route_fib_stats_json(d->fib) : NULL);
	*data = o;
	return true;
}

static bool cmd_reload(void *arg, struct json_object *args,
		       struct json_object **data, char *err, size_t errlen)
{
	struct vgwd *d = arg;
	(void)args;
	if (vgwd_reload(d) < 0) {
		snprintf(err, errlen, "reload failed: the config has errors (see the daemon log); the running config is unchanged");
		return false;
	}
	*data = json_object_new_object();
	return true;
}

static bool tunnel_admin(struct vgwd *d, struct json_object *args, bool up,
			 struct json_object **data, char *err, size_t errlen)
{
	struct json_object *v;
	if (args == NULL || !json_object_object_get_ex(args, "name", &v)) {
		snprintf(err, errlen, "missing argument 'name'");
		return false;
	}
	const char *name = json_object_get_string(v);
	if (vgwd_tunnel_admin(d, name, up) < 0) {
		snprintf(err, errlen, "no tunnel named '%.64s'", name);
		return false;
	}
	*data = json_object_new_object();
	return true;
}

static bool cmd_tunnel_down(void *arg, struct json_object *args,
			    struct json_object **data, char *err, size_t errlen)
{
	return tunnel_admin(arg, args, false, data, err, errlen);
}

static bool cmd_tunnel_up(void *arg, struct json_object *args,
			  struct json_object **data, char *err, size_t errlen)
{
	return tunnel_admin(arg, args, true, data, err, errlen);
}

/* "bgp refresh|shutdown|enable|clear" {"peer": NAME[, "message": TEXT]} */
static bool bgp_admin(struct vgwd *d, struct json_object *args, const char *what,
		      struct json_object **data, char *err, size_t errlen)
{
	struct json_object *v, *m;
	if (d->bgp == NULL) {
		snprintf(err, errlen, "BGP is not configured on %s", d->cfg->name);
		return false;
	}
	if (args == NULL || !json_object_object_get_ex(args, "peer", &v)) {
		snprintf(err, errlen, "missing argument 'peer'");
		return false;
	}
	const char *peer = json_object_get_string(v);
	int rc;
	if (strcmp(what, "refresh") == 0)
		rc = bgp_peer_refresh(d->bgp, peer);
	else if (strcmp(what, "shutdown") == 0)
		rc = bgp_peer_shutdown(d->bgp, peer,
				       json_object_object_get_ex(args, "message", &m)
					       ? json_object_get_string(m) : NULL);
	else if (strcmp(what, "enable") == 0)
		rc = bgp_peer_enable(d->bgp, peer);
	else
		rc = bgp_peer_clear(d->bgp, peer);
	if (rc == -ENOENT)
		snprintf(err, errlen, "no BGP neighbor named '%.64s'", peer);
	else if (rc == -EAGAIN)
		snprintf(err, errlen, "the session with '%.64s' is not established", peer);
	else if (rc == -ENOTSUP)
		snprintf(err, errlen, "'%.64s' did not offer route refresh", peer);
	else if (rc < 0)
		snprintf(err, errlen, "bgp %s %.64s: %s", what, peer, strerror(-rc));
	if (rc < 0)
		return false;
	*data = json_object_new_object();
	return true;
}

static bool cmd_bgp_refresh(void *arg, struct json_object *args, struct json_object **data,
			    char *err, size_t errlen)
{
	return bgp_admin(arg, args, "refresh", data, err, errlen);
}

static bool cmd_bgp_shutdown(void *arg, struct json_object *args, struct json_object **data,
			     char *err, size_t errlen)
{
	return bgp_admin(arg, args, "shutdown", data, err, errlen);
}

static bool cmd_bgp_enable(void *arg, struct json_object *args, struct json_object **data,
			   char *err, size_t errlen)
{
	return bgp_admin(arg, args, "enable", data, err, errlen);
}

static bool cmd_bgp_clear(void *arg, struct json_object *args, struct json_object **data,
			  char *err, size_t errlen)
{
	return bgp_admin(arg, args, "clear", data, err, errlen);
}

const struct ctl_command vgwd_commands[] = {
	{ "show status", true, "daemon summary", cmd_status },
	{ "show connections", true, "tunnels as Azure's Connections page", vgwd_view_connections },
	{ "show tunnels", true, "tunnels as AWS's Tunnel details", vgwd_view_tunnels },
	{ "show bgp", true, "BGP peers", cmd_bgp },
	{ "show routes", true, "Loc-RIB and FIB", cmd_routes },
	{ "reload", false, "re-read the config file", cmd_reload },
	{ "tunnel down", false, "take a tunnel administratively down", cmd_tunnel_down },
	{ "tunnel up", false, "bring an administratively down tunnel back", cmd_tunnel_up },
	{ "bgp refresh", false, "send ROUTE-REFRESH to a neighbor", cmd_bgp_refresh },
	{ "bgp shutdown", false, "administratively shut a BGP session (RFC 8203 message)", cmd_bgp_shutdown },
	{ "bgp enable", false, "re-enable a shut BGP session", cmd_bgp_enable },
	{ "bgp clear", false, "reset a BGP session", cmd_bgp_clear },
};
const size_t vgwd_n_commands = sizeof(vgwd_commands) / sizeof(vgwd_commands[0]);
