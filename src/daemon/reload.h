/* Config diff and apply for reload (daemon_reload.c and friends). */
#ifndef VGW_DAEMON_RELOAD_H
#define VGW_DAEMON_RELOAD_H

#include <stdbool.h>

struct dconf;
struct dconf_neighbor;
struct dconf_tunnel;
struct vgwd;

struct vgwd_reload_stats {
	unsigned tunnels_kept, tunnels_added, tunnels_removed;
	unsigned nb_kept, nb_changed, nb_added, nb_removed;
};

bool vgwd_tunnel_cfg_equal(const struct dconf_tunnel *a, const struct dconf_tunnel *b);
bool vgwd_neighbor_cfg_equal(const struct dconf_neighbor *a, const struct dconf_neighbor *b);

/*
 * Apply the new config's tunnels / neighbors. On success every pointer the
 * daemon keeps into a config points into n (the caller then frees the old
 * config). Return 0 or -1.
 */
int vgwd_tunnels_reload(struct vgwd *d, struct dconf *n, struct vgwd_reload_stats *st);
int vgwd_bgp_reload(struct vgwd *d, struct dconf *n, struct vgwd_reload_stats *st);

#endif
