/*
 * Tunnels in vgwd: IKE (src/ike) negotiates, the dataplane (src/io) carries
 * ESP between UDP 4500 and one TUN per tunnel. This file is the glue:
 * IKE's packets go out through the dataplane's sockets, packets the
 * dataplane sees as IKE go to ike_input(), Child SA keys go into the
 * dataplane make-before-break, and tunnel state changes drive BGP.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "config/dconf.h"
#include "crypto/secret.h"
#include "daemon/daemon_priv.h"
#include "daemon/ikemap.h"
#include "ike/ike.h"
#include "io/dataplane.h"

struct vgwd_tunnel *vgwd_tunnel_find(struct vgwd *d, const char *name)
{
	for (size_t i = 0; i < d->n_tunnels; i++)
		if (strcmp(d->tunnels[i].cfg->name, name) == 0)
			return &d->tunnels[i];
	return NULL;
}

static struct dp *dp_for_local(struct vgwd *d, const struct ip_addr *local)
{
	for (size_t i = 0; i < d->n_dps; i++)
		if (ip_addr_eq(&d->dps[i].local, local))
			return d->dps[i].dp;
	return NULL;
}

/* ---- IKE -> network ---- */

static int ike_send(void *arg, const struct ike_endpoint *local,
		    const struct ike_endpoint *remote, const uint8_t *pkt, size_t len)
{
	struct vgwd *d = arg;
	struct dp *dp = dp_for_local(d, &local->addr);
	if (dp == NULL)
		return -EADDRNOTAVAIL;
	struct dp_endpoint r = { .addr = remote->addr, .port = remote->port };
	return dp_send_ike(dp, local->port, &r, pkt, len);
}

static void dp_ike_packet(void *arg, const struct dp_endpoint *local,
			  const struct dp_endpoint *remote, const uint8_t *pkt, size_t len)
{
	struct vgwd *d = arg;
	struct ike_endpoint l = { .addr = local->addr, .port = local->port };
	struct ike_endpoint r = { .addr = remote->addr, .port = remote->port };
	ike_input(d->ike, &l, &r, pkt, len);
}

/* ---- IKE hooks ---- */

static void set_state(struct vgwd *d, struct vgwd_tunnel *t,
		      enum vgwd_tunnel_state st, const char *reason)
{
	snprintf(t->reason, sizeof(t->reason), "%s", reason ? reason : "");
	if (t->state == st)
		return;
	t->state = st;
	t->last_change_wall = clock_wall_seconds();
	if (st == VGWD_TUNNEL_UP)
		t->up_since = loop_now(d->loop);
	vgwd_bgp_tunnel_changed(d, t);
}

static void on_tunnel_state(void *arg, const char *tunnel,
			    enum ike_tunnel_state st, const char *reason)
{
	struct vgwd *d = arg;
	struct vgwd_tunnel *t = vgwd_tunnel_find(d, tunnel);
	if (t == NULL)
		return;
	enum vgwd_tunnel_state s = st == IKE_TUNNEL_UP ? VGWD_TUNNEL_UP
				   : st == IKE_TUNNEL_CONNECTING ? VGWD_TUNNEL_CONNECTING
								 : VGWD_TUNNEL_DOWN;
	set_state(d, t, s, reason);
}

static void on_child_up(void *arg, const char *tunnel, const struct ike_child_sa_keys *k)
{
	struct vgwd *d = arg;
	struct vgwd_tunnel *t = vgwd_tunnel_find(d, tunnel);
	if (t == NULL || t->dpt == NULL)
		return;
	struct esp_sa_params in = {
		.spi = k->spi_in, .encr = k->encr, .key_bits = k->encr_bits,
		.integ = k->integ, .esn = k->esn, .encr_key = k->encr_in,
		.integ_key = k->integ ? k->integ_in : NULL,
		.replay_window = k->replay_window,
	};
	struct esp_sa_params out = in;
	out.spi = k->spi_out;
	out.encr_key = k->encr_out;
	out.integ_key = k->integ ? k->integ_out : NULL;
	int rc = dp_tunnel_sa_install(t->dp, t->dpt, &in, &out);
	if (rc < 0) {
		vlog(VLOG_ERR, "vgwd", tunnel, "cannot install Child SA %08x/%08x: %s",
		     k->spi_in, k->spi_out, strerror(-rc));
		return;
	}
	t->spi_in = k->spi_in;
	t->spi_out = k->spi_out;
}

static void on_child_down(void *arg, const char *tunnel, uint32_t spi_in, uint32_t spi_out)
{
	struct vgwd *d = arg;
	struct vgwd_tunnel *t = vgwd_tunnel_find(d, tunnel);
	if (t == NULL || t->dpt == NULL)
		return;
	/* The dataplane falls back to the outbound SA this child's replaced
	 * (sequence numbers continuing) when the child going is the newest. */
	dp_tunnel_sa_remove(t->dp, t->dpt, spi_in);
	dp_tunnel_sa_remove(t->dp, t->dpt, spi_out);
	if (t->spi_in == spi_in)
		t->spi_in = t->spi_out = 0;
}

static struct vtime on_last_inbound(void *arg, const char *tunnel)
{
	struct vgwd *d = arg;
	struct vgwd_tunnel *t = vgwd_tunnel_find(d, tunnel);
	struct dp_tunnel_stats st;
	if (t == NULL || t->dpt == NULL)
		return (struct vtime){ 0 };
	dp_tunnel_stats(t->dpt, &st);
	return (struct vtime){ st.last_rx_ns };
}

static const struct ike_io ike_io = { .send = ike_send };
static const struct ike_hooks ike_hooks = {
	.child_up = on_child_up,
	.child_down = on_child_down,
	.tunnel_state = on_tunnel_state,
	.last_inbound = on_last_inbound,
};

/* ---- setup ---- */

static struct dp *open_dp(struct vgwd *d, const struct dconf_tunnel *tc)
{
	struct dp *dp = dp_for_local(d, &tc->local_outside);
	if (dp != NULL)
		return dp;
	if (d->n_dps == sizeof(d->dps) / sizeof(d->dps[0]))
		return NULL;
	/* One crypto helper thread when there is a second core: a batch's
	 * encryption runs on both (bench/dataplane measures the gain). */
	struct dp_config cfg = { .local = tc->local_outside, .ike_port = tc->ike_port,
				 .natt_port = tc->natt_port,
				 .crypto_threads = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? 1 : 0 };
	struct dp_hooks hooks = { .ike_packet = dp_ike_packet, .arg = d };
	dp = dp_new(d->loop, &cfg, &hooks);
	if (dp == NULL) {
		char a[IP_ADDR_STRLEN];
		vlog(VLOG_ERR, "vgwd", tc->name, "cannot open UDP %u/%u on %s: %s",
		     tc->ike_port, tc->natt_port,
		     ip_addr_fmt(&tc->local_outside, a, sizeof(a)), strerror(errno));
		return NULL;
	}
	d->dps[d->n_dps].local = tc->local_outside;
	d->dps[d->n_dps++].dp = dp;
	return dp;
}

static int add_tunnel(struct vgwd *d, struct vgwd_tunnel *t)
{
	const struct dconf_tunnel *tc = t->cfg;
	t->dp = open_dp(d, tc);
	if (t->dp == NULL)
		return -1;
	struct dp_tunnel_config c = {
		.name = tc->name,
		.ifname = tc->ifname,
		.remote = { .addr = tc->remote_outside, .port = tc->natt_port },
		.inside = tc->inside_address.addr,
		.inside_len = tc->inside_address.len,
		.inside_peer = tc->inside_peer,
		/* 0: the dataplane sizes the MTU for the suite each Child SA
		 * actually negotiates (a peer may pick any offered suite). */
		.mtu = tc->mtu,
		.mss = (uint16_t)tc->mss_clamp,
		.no_mss_clamp = tc->mss_clamp == 0,
	};
	t->dpt = dp_tunnel_add(t->dp, &c);
	if (t->dpt == NULL) {
		vlog(VLOG_ERR, "vgwd", tc->name, "cannot create tunnel interface %s: %s",
		     tc->ifname, strerror(errno));
		return -1;
	}
	t->ifindex = dp_tunnel_ifindex(t->dpt);
	vgwd_liveness_start(d, t);
	t->last_change_wall = clock_wall_seconds();
	snprintf(t->reason, sizeof(t->reason), "waiting for IKE");
	struct ike_tunnel_config ic;
	vgwd_map_ike_tunnel(tc, &ic);
	int rc = ike_tunnel_add(d->ike, &ic);
	if (rc < 0) {
		vlog(VLOG_ERR, "vgwd", tc->name, "IKE refused the tunnel: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

int vgwd_tunnels_start(struct vgwd *d)
{
	if (d->cfg->n_tunnels == 0)
		return 0;
	d->tunnels = calloc(d->cfg->n_tunnels, sizeof(*d->tunnels));
	d->ike = ike_new(d->loop, &ike_io, &ike_hooks, d);
	if (d->tunnels == NULL || d->ike == NULL)
		return -1;
	d->n_tunnels = d->cfg->n_tunnels;
	for (size_t i = 0; i < d->n_tunnels; i++)
		d->tunnels[i].cfg = &d->cfg->tunnels[i];
	for (size_t i = 0; i < d->n_tunnels; i++)
		if (add_tunnel(d, &d->tunnels[i]) < 0)
			return -1;
	return 0;
}

void vgwd_tunnels_stop(struct vgwd *d)
{
	if (d->ike != NULL)
		ike_shutdown_all(d->ike);
	ike_free(d->ike);
	d->ike = NULL;
	for (size_t i = 0; i < d->n_dps; i++)
		dp_free(d->dps[i].dp);
	d->n_dps = 0;
	for (size_t i = 0; i < d->n_tunnels; i++)
		vgwd_liveness_stop(d, &d->tunnels[i]);
	free(d->tunnels);
	d->tunnels = NULL;
	d->n_tunnels = 0;
}

/*
 * Administrative down forgets the tunnel in IKE (DELETE sent), so a peer's
 * re-initiation finds nothing to match until it is brought up again. Up on
 * a tunnel that is down for another reason (DPD "clear") initiates it.
 */
int vgwd_tunnel_admin(struct vgwd *d, const char *name, bool up)
{
	struct vgwd_tunnel *t = vgwd_tunnel_find(d, name);
	if (t == NULL || d->ike == NULL)
		return -ENOENT;
	if (up && !t->admin_down) {
		/* Not administratively down, e.g. cleared by DPD: initiate. */
		int rc = ike_tunnel_initiate(d->ike, name);
		return rc == -EALREADY || rc == -EPERM ? 0 : rc;
	}
	if (!up && t->admin_down)
		return 0;
	t->admin_down = !up;
	vlog(VLOG_INFO, "vgwd", name, "administratively %s", up ? "up" : "down");
	if (!up) {
		ike_tunnel_remove(d->ike, name);
		/* Removing the tunnel from IKE deleted its children. */
		t->spi_in = t->spi_out = 0;
		set_state(d, t, VGWD_TUNNEL_DOWN, "administratively down");
		return 0;
	}
	struct ike_tunnel_config ic;
	vgwd_map_ike_tunnel(t->cfg, &ic);
	snprintf(t->reason, sizeof(t->reason), "waiting for IKE");
	return ike_tunnel_add(d->ike, &ic);
}

/* ---- reload ---- */

static void remove_tunnel(struct vgwd *d, struct vgwd_tunnel *t)
{
	vgwd_liveness_stop(d, t);
	set_state(d, t, VGWD_TUNNEL_DOWN, "removed by reload");
	ike_tunnel_remove(d->ike, t->cfg->name);
	dp_tunnel_remove(t->dp, t->dpt);
	t->dpt = NULL;
}

static int find_tunnel_cfg(const struct dconf *c, const char *name)
{
	for (size_t i = 0; i < c->n_tunnels; i++)
		if (strcmp(c->tunnels[i].name, name) == 0)
			return (int)i;
	return -1;
}

int vgwd_tunnels_reload(struct vgwd *d, struct dconf *n, struct vgwd_reload_stats *st)
{
	struct vgwd_tunnel *arr = calloc(n->n_tunnels ? n->n_tunnels : 1, sizeof(*arr));
	bool *added = calloc(n->n_tunnels ? n->n_tunnels : 1, sizeof(*added));
	if (arr == NULL || added == NULL || (d->ike == NULL && n->n_tunnels &&
	    (d->ike = ike_new(d->loop, &ike_io, &ike_hooks, d)) == NULL)) {
		free(arr);
		free(added);
		return -1;
	}
	for (size_t i = 0; i < d->n_tunnels; i++) {
		struct vgwd_tunnel *t = &d->tunnels[i];
		int j = find_tunnel_cfg(n, t->cfg->name);
		if (j >= 0 && vgwd_tunnel_cfg_equal(t->cfg, &n->tunnels[j])) {
			/* Its embedded timer moves with it: re-armed below. */
			vgwd_liveness_stop(d, t);
			arr[j] = *t;
			arr[j].cfg = &n->tunnels[j];
			st->tunnels_kept++;
		} else {
			remove_tunnel(d, t);
			st->tunnels_removed++;
		}
	}
	for (size_t j = 0; j < n->n_tunnels; j++) {
		if (arr[j].cfg == NULL) {
			arr[j].cfg = &n->tunnels[j];
			added[j] = true;
		}
	}
	free(d->tunnels);
	d->tunnels = arr;
	d->n_tunnels = n->n_tunnels;
	memset(d->nb_ifindex, 0, sizeof(d->nb_ifindex));
	int rc = 0;
	for (size_t j = 0; j < n->n_tunnels; j++) {
		if (!added[j]) {
			vgwd_liveness_start(d, &arr[j]);
			continue;
		}
		st->tunnels_added++;
		if (add_tunnel(d, &arr[j]) < 0)
			rc = -1;
	}
	free(added);
	return rc;
}
