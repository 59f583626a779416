/* vgwd internals shared by the daemon's files (not a public contract). */
#ifndef VGW_DAEMON_PRIV_H
#define VGW_DAEMON_PRIV_H

#include <stdbool.h>
#include <stdint.h>

#include "base/clock.h"
#include "base/addr.h"
#include "base/loop.h"
#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "daemon/reload.h"

struct bgp;
struct ctl;
struct dconf;
struct dconf_neighbor;
struct dconf_tunnel;
struct dp;
struct ike;
struct route_fib;

/* What the IKE layer last told us about a tunnel. */
enum vgwd_tunnel_state {
	VGWD_TUNNEL_DOWN = 0,
	VGWD_TUNNEL_CONNECTING = 1,
	VGWD_TUNNEL_UP = 2,
};

struct vgwd_tunnel {
	struct vgwd *d;
	const struct dconf_tunnel *cfg; /* points into vgwd.cfg */
	struct dp *dp;                  /* the dataplane of its local address */
	struct dp_tunnel *dpt;
	enum vgwd_tunnel_state state;
	bool admin_down;
	int ifindex;
	int64_t last_change_wall; /* epoch seconds of the last state change */
	struct vtime up_since;
	char reason[160];         /* why it is in this state */
	uint32_t spi_in, spi_out; /* current Child SA */
	struct loop_timer t_live;  /* fast liveness (liveness_ms) */
	bool live_down;            /* liveness says dead: BGP shut */
};

struct vgwd {
	struct vgwd_options opts;
	struct dconf *cfg;
	struct loop *loop;
	struct ctl *ctl;
	struct bgp *bgp;
	struct route_fib *fib;
	struct ike *ike;
	/* One dataplane (UDP 500/4500 sockets) per local outside address:
	 * an AWS VGW endpoint has one per tunnel. */
	struct {
		struct ip_addr local;
		struct dp *dp;
	} dps[64];
	size_t n_dps;
	struct vgwd_tunnel *tunnels;
	size_t n_tunnels;
	int64_t started_wall;
	struct vtime started;
	int exit_code;
	/* Per BGP neighbor (config order): interface its next hops use;
	 * 0 = not looked up yet. Reset when the neighbor's session changes. */
	int nb_ifindex[64];
};

/* daemon_bgp.c: the BGP speaker and its routes into the FIB. */
int vgwd_bgp_start(struct vgwd *d);
void vgwd_bgp_stop(struct vgwd *d);
/* Tunnel t went up/down: enable/shut the BGP neighbors that run over it. */
void vgwd_bgp_tunnel_changed(struct vgwd *d, const struct vgwd_tunnel *t);
const struct dconf_neighbor *vgwd_neighbor_for_tunnel(const struct vgwd *d,
						      const char *tunnel);

/* daemon_tunnel.c: IKE + dataplane glue. */
int vgwd_tunnels_start(struct vgwd *d);
void vgwd_tunnels_stop(struct vgwd *d);
struct vgwd_tunnel *vgwd_tunnel_find(struct vgwd *d, const char *name);
int vgwd_tunnel_admin(struct vgwd *d, const char *name, bool up);

/* daemon_liveness.c: vgw-to-vgw fast failure detection. */
void vgwd_liveness_start(struct vgwd *d, struct vgwd_tunnel *t);
void vgwd_liveness_stop(struct vgwd *d, struct vgwd_tunnel *t);

/* daemon_views.c: the control socket's commands. */
extern const struct ctl_command vgwd_commands[];
extern const size_t vgwd_n_commands;

/* daemon_reload.c */
int vgwd_reload(struct vgwd *d);

#endif
