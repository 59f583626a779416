/* dconf tunnel -> IKE tunnel config (daemon_ikemap.c). */
#ifndef VGW_DAEMON_IKEMAP_H
#define VGW_DAEMON_IKEMAP_H

#include "ike/ike.h"

struct dconf_tunnel;

/* Fills c from t. c->psk points at t's secret (copied by ike_tunnel_add). */
void vgwd_map_ike_tunnel(const struct dconf_tunnel *t, struct ike_tunnel_config *c);

#endif
