#include "daemon/daemon.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "config/dconf.h"
#include "ctl/ctl.h"
#include "daemon/daemon_priv.h"
#include "route/route.h"

static void on_terminate(void *arg, int signo)
{
	struct vgwd *d = arg;
	vlog(VLOG_INFO, "vgwd", d->cfg->name, "signal %d: shutting down", signo);
	loop_stop(d->loop);
}

static void on_hangup(void *arg, int signo)
{
	struct vgwd *d = arg;
	(void)signo;
	vgwd_reload(d);
}

/* mkdir -p for the control socket's directory (mode 0755). */
static void ensure_parent_dir(const char *path)
{
	char dir[256];
	size_t n = strlen(path);
	if (n >= sizeof(dir))
		return;
	memcpy(dir, path, n + 1);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		mkdir(dir, 0755);
		*p = '/';
	}
}

static int start_fib(struct vgwd *d)
{
	if (d->opts.no_fib || !d->cfg->bgp.enabled)
		return 0;
	d->fib = route_fib_new(d->loop, NULL);
	if (d->fib == NULL) {
		vlog(VLOG_ERR, "vgwd", d->cfg->name, "cannot open rtnetlink: %s",
		     strerror(errno));
		return -1;
	}
	long stale = route_fib_sweep_stale(d->fib);
	if (stale > 0)
		vlog(VLOG_INFO, "fib", NULL, "removed %ld stale vgw routes", stale);
	return 0;
}

static int start_ctl(struct vgwd *d)
{
	const char *path = d->opts.socket_override ? d->opts.socket_override
						   : d->cfg->control_socket;
	ensure_parent_dir(path);
	d->ctl = ctl_new(d->loop, path, vgwd_commands, vgwd_n_commands, d);
	return d->ctl ? 0 : -1;
}

struct vgwd *vgwd_new(const struct vgwd_options *opts, struct dconf *cfg)
{
	struct vgwd *d = calloc(1, sizeof(*d));
	if (d == NULL) {
		dconf_free(cfg);
		return NULL;
	}
	d->opts = *opts;
	d->cfg = cfg;
	d->started_wall = clock_wall_seconds();
	d->loop = loop_new(&clock_system);
	if (d->loop == NULL)
		goto fail;
	d->started = loop_now(d->loop);
	signal(SIGPIPE, SIG_IGN);
	if (loop_signal_add(d->loop, SIGTERM, on_terminate, d) < 0 ||
	    loop_signal_add(d->loop, SIGINT, on_terminate, d) < 0 ||
	    loop_signal_add(d->loop, SIGHUP, on_hangup, d) < 0)
		goto fail;
	if (start_ctl(d) < 0 || start_fib(d) < 0)
		goto fail;
	if (vgwd_tunnels_start(d) < 0 || vgwd_bgp_start(d) < 0)
		goto fail;
	vlog(VLOG_INFO, "vgwd", cfg->name, "started: role %s, %zu tunnels, %zu BGP neighbors",
	     dconf_role_name(cfg->role), cfg->n_tunnels, cfg->bgp.n_neighbors);
	return d;
fail:
	vlog(VLOG_ERR, "vgwd", cfg->name, "start-up failed");
	vgwd_free(d);
	return NULL;
}

int vgwd_run(struct vgwd *d)
{
	int rc = loop_run(d->loop);
	if (rc < 0) {
		vlog(VLOG_ERR, "vgwd", d->cfg->name, "event loop failed: %s", strerror(-rc));
		return 1;
	}
	return d->exit_code;
}

void vgwd_free(struct vgwd *d)
{
	if (d == NULL)
		return;
	/* Order matters: BGP first (Cease to peers, routes withdrawn from the
	 * FIB through the hooks), then the tunnels (IKE DELETE), then the FIB
	 * (remaining routes flushed), then the control socket. */
	vgwd_bgp_stop(d);
	vgwd_tunnels_stop(d);
	route_fib_free(d->fib, true);
	ctl_free(d->ctl);
	loop_free(d->loop);
	if (d->cfg)
		vlog(VLOG_INFO, "vgwd", d->cfg->name, "stopped");
	dconf_free(d->cfg);
	free(d);
}
