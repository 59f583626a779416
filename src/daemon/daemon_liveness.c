/*
 * Fast liveness between vgw gateways (tunnel liveness_ms != 0).
 *
 * IKE's DPD and BGP's hold timer detect a dead path in seconds at best (BGP
 * hold time cannot go below 3 s, RFC 4271 4.2). Between two vgw gateways
 * the dataplane can do better: every liveness_ms each side sends an ESP
 * dummy packet (RFC 4303 2.6: next header 59, discarded by the receiver
 * after the ICV check), so an authenticated packet arrives at least that
 * often on a healthy tunnel. When none has arrived for three intervals the
 * tunnel counts as dead: the BGP session over it is shut at once, which
 * withdraws its routes from the Loc-RIB and the kernel FIB, and traffic
 * moves to the remaining paths. When authenticated packets flow again the
 * session is enabled and comes back by itself. IKE is left alone: its own
 * DPD decides about the SAs.
 */
#include "base/log.h"
#include "config/dconf.h"
#include "daemon/daemon_priv.h"
#include "io/dataplane.h"

#define LIVENESS_MISSES 3

static int64_t silent_ms(struct vgwd *d, const struct vgwd_tunnel *t)
{
	struct dp_tunnel_stats st;
	dp_tunnel_stats(t->dpt, &st);
	int64_t last = st.last_rx_ns > t->up_since.ns ? st.last_rx_ns : t->up_since.ns;
	return (loop_now(d->loop).ns - last) / VTIME_NS_PER_MS;
}

static void liveness_tick(void *arg)
{
	struct vgwd_tunnel *t = arg;
	struct vgwd *d = t->d;
	uint32_t ms = t->cfg->liveness_ms;
	if (t->state == VGWD_TUNNEL_UP && t->dpt != NULL) {
		dp_tunnel_send_dummy(t->dp, t->dpt);
		int64_t quiet = silent_ms(d, t);
		if (!t->live_down && quiet > (int64_t)ms * LIVENESS_MISSES) {
			t->live_down = true;
			vlog(VLOG_WARN, "vgwd", t->cfg->name,
			     "no authenticated packet for %lld ms: tunnel considered dead, BGP over it shut",
			     (long long)quiet);
			vgwd_bgp_tunnel_changed(d, t);
		} else if (t->live_down && quiet <= (int64_t)ms) {
			t->live_down = false;
			vlog(VLOG_INFO, "vgwd", t->cfg->name, "packets flow again: tunnel alive");
			vgwd_bgp_tunnel_changed(d, t);
		}
	} else {
		t->live_down = false;
	}
	loop_timer_arm_ms(d->loop, &t->t_live, ms);
}

void vgwd_liveness_start(struct vgwd *d, struct vgwd_tunnel *t)
{
	t->d = d;
	t->live_down = false;
	loop_timer_init(&t->t_live, liveness_tick, t);
	if (t->cfg->liveness_ms != 0)
		loop_timer_arm_ms(d->loop, &t->t_live, t->cfg->liveness_ms);
}

/* Safe on a tunnel whose liveness never started (t->d still NULL). */
void vgwd_liveness_stop(struct vgwd *d, struct vgwd_tunnel *t)
{
	if (t->d != NULL)
		loop_timer_cancel(d->loop, &t->t_live);
}
