/*
 * SIGHUP / "reload": build a new config, diff it against the running one,
 * and touch only what changed. Unchanged tunnels keep their IKE and Child
 * SAs and unchanged BGP neighbors keep their sessions; a changed neighbor's
 * policy or timers are applied by the speaker without a reset when it can.
 * Identity changes (role, name, ASN, router id, listen settings) need a
 * restart and are refused with a message: the running config stays.
 */
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "bgp/bgp.h"
#include "config/dconf.h"
#include "config/diag.h"
#include "crypto/secret.h"
#include "daemon/daemon_priv.h"
#include "daemon/reload.h"

static bool psk_equal(const struct secret *a, const struct secret *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a->len == b->len && secret_equal(a->p, b->p, a->len);
}

static bool proposals_equal(const struct proposal *a, size_t na,
			    const struct proposal *b, size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (!proposal_eq(&a[i], &b[i]))
			return false;
	return true;
}

static bool id_equal(const struct dconf_id *a, const struct dconf_id *b)
{
	return a->type == b->type && strcmp(a->value, b->value) == 0;
}

bool vgwd_tunnel_cfg_equal(const struct dconf_tunnel *a, const struct dconf_tunnel *b)
{
	return strcmp(a->name, b->name) == 0 && strcmp(a->ifname, b->ifname) == 0 &&
	       ip_addr_eq(&a->local_outside, &b->local_outside) &&
	       ip_addr_eq(&a->remote_outside, &b->remote_outside) &&
	       a->ike_port == b->ike_port && a->natt_port == b->natt_port &&
	       ip_addr_eq(&a->inside_address.addr, &b->inside_address.addr) &&
	       a->inside_address.len == b->inside_address.len &&
	       ip_addr_eq(&a->inside_peer, &b->inside_peer) &&
	       psk_equal(a->psk, b->psk) && id_equal(&a->local_id, &b->local_id) &&
	       id_equal(&a->remote_id, &b->remote_id) &&
	       proposals_equal(a->ike, a->n_ike, b->ike, b->n_ike) &&
	       proposals_equal(a->esp, a->n_esp, b->esp, b->n_esp) &&
	       a->ike_lifetime_s == b->ike_lifetime_s &&
	       a->child_lifetime_s == b->child_lifetime_s &&
	       a->child_lifetime_kb == b->child_lifetime_kb &&
	       a->rekey_margin_s == b->rekey_margin_s &&
	       a->rekey_fuzz_pct == b->rekey_fuzz_pct &&
	       a->replay_window == b->replay_window &&
	       a->dpd_interval_s == b->dpd_interval_s &&
	       a->dpd_timeout_s == b->dpd_timeout_s && a->dpd_action == b->dpd_action &&
	       a->initiation == b->initiation && a->mtu == b->mtu &&
	       a->mss_clamp == b->mss_clamp;
}

static bool plist_equal(const struct dconf_prefix_list *a, const struct dconf_prefix_list *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!ip_prefix_eq(&a->v[i], &b->v[i]))
			return false;
	return true;
}

static bool policy_equal(const struct dconf_policy *a, const struct dconf_policy *b)
{
	return plist_equal(&a->deny_exact, &b->deny_exact) && plist_equal(&a->allow, &b->allow);
}

bool vgwd_neighbor_cfg_equal(const struct dconf_neighbor *a, const struct dconf_neighbor *b)
{
	return strcmp(a->name, b->name) == 0 && ip_addr_eq(&a->address, &b->address) &&
	       ip_addr_eq(&a->local_address, &b->local_address) &&
	       a->remote_as == b->remote_as && strcmp(a->tunnel, b->tunnel) == 0 &&
	       a->passive == b->passive && a->hold_time == b->hold_time &&
	       a->keepalive == b->keepalive && a->connect_retry == b->connect_retry &&
	       a->ttl == b->ttl && a->port == b->port &&
	       a->max_prefix.limit == b->max_prefix.limit &&
	       a->max_prefix.action == b->max_prefix.action &&
	       a->max_prefix.restart_s == b->max_prefix.restart_s &&
	       policy_equal(&a->import, &b->import) && policy_equal(&a->export, &b->export) &&
	       a->prepend == b->prepend && a->has_med == b->has_med && a->med == b->med &&
	       a->local_pref == b->local_pref && a->n_communities == b->n_communities &&
	       memcmp(a->communities, b->communities,
		      a->n_communities * sizeof(a->communities[0])) == 0 &&
	       a->graceful_shutdown == b->graceful_shutdown;
}

/* What a reload cannot change in place. NULL if nothing. */
static const char *identity_change(const struct dconf *o, const struct dconf *n)
{
	if (o->role != n->role)
		return "role";
	if (strcmp(o->name, n->name) != 0)
		return "name";
	if (strcmp(o->control_socket, n->control_socket) != 0)
		return "control_socket";
	if (o->bgp.enabled != n->bgp.enabled)
		return "bgp (added or removed)";
	if (o->bgp.enabled &&
	    (o->bgp.asn != n->bgp.asn || !ip_addr_eq(&o->bgp.router_id, &n->bgp.router_id) ||
	     o->bgp.listen != n->bgp.listen || o->bgp.listen_port != n->bgp.listen_port ||
	     o->bgp.multipath != n->bgp.multipath || o->bgp.max_paths != n->bgp.max_paths))
		return "bgp asn/router_id/listen/multipath";
	return NULL;
}

int vgwd_reload(struct vgwd *d)
{
	struct diag_list diags;
	diag_list_init(&diags);
	struct dconf *n = dconf_load_file(d->opts.config_path, &diags);
	for (size_t i = 0; i < diags.n; i++) {
		char line[512];
		diag_format(&diags.v[i], line, sizeof(line));
		vlog(diags.v[i].level == DIAG_ERROR ? VLOG_ERR : VLOG_WARN, "reload", NULL, "%s", line);
	}
	diag_list_free(&diags);
	if (n == NULL) {
		vlog(VLOG_ERR, "reload", d->opts.config_path, "config has errors; keeping the running config");
		return -1;
	}
	const char *what = identity_change(d->cfg, n);
	if (what != NULL) {
		vlog(VLOG_ERR, "reload", d->opts.config_path,
		     "%s changed: restart vgwd to apply it; keeping the running config", what);
		dconf_free(n);
		return -1;
	}
	struct vgwd_reload_stats st = { 0 };
	if (vgwd_tunnels_reload(d, n, &st) < 0 || vgwd_bgp_reload(d, n, &st) < 0) {
		vlog(VLOG_ERR, "reload", d->opts.config_path, "applying the new config failed");
		dconf_free(n);
		return -1;
	}
	dconf_free(d->cfg);
	d->cfg = n;
	vlog_set_level(n->log_level);
	vlog(VLOG_INFO, "reload", n->name,
	     "done: tunnels %u kept, %u added, %u removed; neighbors %u kept, %u changed, %u added, %u removed",
	     st.tunnels_kept, st.tunnels_added, st.tunnels_removed, st.nb_kept,
	     st.nb_changed, st.nb_added, st.nb_removed);
	return 0;
}
