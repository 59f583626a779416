/* Tunnel views (daemon_tunnel_views.c), registered in daemon_views.c. */
#ifndef VGW_DAEMON_VIEWS_H
#define VGW_DAEMON_VIEWS_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

bool vgwd_view_connections(void *arg, struct json_object *args,
			   struct json_object **data, char *err, size_t errlen);
bool vgwd_view_tunnels(void *arg, struct json_object *args,
		       struct json_object **data, char *err, size_t errlen);

#endif
