/*
 * vgwd: one daemon per gateway instance. It owns the event loop and wires
 * the modules together: IKE (src/ike) negotiates the tunnels, the dataplane
 * (src/io, src/esp) carries ESP between the outside UDP sockets and one TUN
 * interface per tunnel, BGP (src/bgp) runs over the tunnels' inside
 * addresses, and the FIB module (src/route) installs BGP's best paths in the
 * kernel. The control socket (ctl.h) serves the views vgwctl shows.
 */
#ifndef VGW_DAEMON_DAEMON_H
#define VGW_DAEMON_DAEMON_H

#include <stdbool.h>

#include "base/log.h"

struct dconf;
struct vgwd;

struct vgwd_options {
	const char *config_path;     /* reloaded on SIGHUP */
	const char *socket_override; /* NULL: the config's control_socket */
	bool no_fib;                 /* do not touch the kernel FIB */
};

/*
 * Takes ownership of cfg. Opens sockets, TUN devices and the control socket;
 * starts tunnels and BGP sessions as configured. Returns NULL (and logs why)
 * on failure; cfg is freed in that case too.
 */
struct vgwd *vgwd_new(const struct vgwd_options *opts, struct dconf *cfg);
/* Runs until SIGTERM/SIGINT; returns the process exit code. */
int vgwd_run(struct vgwd *d);
/* Clean shutdown (BGP Cease, IKE DELETE, routes withdrawn) and free; NULL-safe. */
void vgwd_free(struct vgwd *d);

#endif
