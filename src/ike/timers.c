/*
 * IKE timers. Other files report events; this file owns the policy.
 *
 * Retransmission (RFC 7296 2.1, 2.4). A request is sent and the event
 * "request sent" arms the retransmit timer at 1 s; each expiry resends the
 * identical packet and doubles the wait (1, 2, 4, 8, 16 s), five
 * retransmissions in all. A DPD probe is instead given up once
 * dpd_timeout_s has passed since it was first sent. Giving up means the
 * peer is dead: for DPD the configured dpd_action runs (clear: delete the
 * IKE SA and go DOWN; restart: delete and initiate again; none: log), for
 * any other request the IKE SA is deleted and the tunnel's reconnect
 * policy decides. "Request answered" cancels the timer.
 *
 * Liveness (RFC 7296 2.4). Every dpd_interval_s an established IKE SA
 * checks when it last heard from the peer: any authenticated IKE message,
 * or (through the last_inbound hook) any authenticated ESP packet. Only if
 * the tunnel has been quiet for a whole interval, and no other request is
 * outstanding, an empty INFORMATIONAL request is sent.
 *
 * Half-open IKE SAs. A responder that answered IKE_SA_INIT gives the
 * initiator 30 s to authenticate, then forgets the SA.
 *
 * Lifetimes. When an IKE SA or Child SA is established, its rekey time is
 * lifetime - margin - a random part of margin * fuzz_pct / 100 (the AWS
 * rekey window), and its hard expiry is the lifetime. At the rekey time a
 * CREATE_CHILD_SA exchange starts (retried every second while another
 * request is outstanding); at expiry a Child SA that was not replaced is
 * deleted, and an IKE SA is deleted and re-established.
 */
#include <stdint.h>

#include "ike/ike_priv.h"

#define RETRANSMIT_BASE_MS 1000
#define RETRANSMIT_TRIES 5
#define BUSY_RETRY_MS 1000
#define HALF_OPEN_MS 30000

static void retransmit_fn(void *arg);
static void dpd_fn(void *arg);
static void ike_rekey_fn(void *arg);
static void ike_expire_fn(void *arg);

void ike_timers_init(struct ike_sa *sa)
{
	loop_timer_init(&sa->out.timer, retransmit_fn, sa);
	loop_timer_init(&sa->dpd_timer, dpd_fn, sa);
	loop_timer_init(&sa->rekey_timer, ike_rekey_fn, sa);
	loop_timer_init(&sa->expire_timer, ike_expire_fn, sa);
}

void ike_timers_stop(struct ike_sa *sa)
{
	struct loop *l = sa->ike->loop;
	loop_timer_cancel(l, &sa->out.timer);
	loop_timer_cancel(l, &sa->dpd_timer);
	loop_timer_cancel(l, &sa->rekey_timer);
	loop_timer_cancel(l, &sa->expire_timer);
	for (struct ike_child *c = sa->children; c != NULL; c = c->next)
		ike_timers_child_stop(sa, c);
}

void ike_timers_request_sent(struct ike_sa *sa)
{
	loop_timer_arm_ms(sa->ike->loop, &sa->out.timer, RETRANSMIT_BASE_MS);
}

void ike_timers_request_answered(struct ike_sa *sa)
{
	loop_timer_cancel(sa->ike->loop, &sa->out.timer);
}

static void peer_dead(struct ike_sa *sa, bool dpd)
{
	struct ike_tunnel *t = sa->tun;
	enum ike_dpd_action act = t ? t->cfg.dpd_action : IKE_DPD_CLEAR;
	vlog(VLOG_WARN, "ike", sa->ctx, "peer not responding (%s), %s",
	     dpd ? "DPD" : ike_exchange_name(sa->out.exchange),
	     dpd ? (act == IKE_DPD_CLEAR	    ? "action clear"
		    : act == IKE_DPD_RESTART ? "action restart"
					     : "action none")
		 : "giving up");
	if (dpd && act == IKE_DPD_NONE) {
		ike_request_clear(&sa->out);
		return;
	}
	bool restart = dpd && act == IKE_DPD_RESTART;
	if (t != NULL && dpd && act == IKE_DPD_CLEAR)
		t->dpd_cleared = true;
	if (t != NULL)
		ike_tunnel_sa_gone(t, sa, restart,
				   dpd ? "DPD timeout" : "peer not responding");
	ike_sa_kill(sa, "peer dead");
}

static void retransmit_fn(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike *ike = sa->ike;
	bool dpd = sa->out.kind == IKE_REQ_DPD;
	int64_t elapsed = vtime_diff_ms(loop_now(ike->loop), sa->out.first_sent);

	if (sa->out.kind == IKE_REQ_NONE)
		return;
	if (dpd && sa->tun != NULL ? elapsed >= (int64_t)sa->tun->cfg.dpd_timeout_s * 1000
				   : sa->out.tries >= RETRANSMIT_TRIES) {
		peer_dead(sa, dpd);
		return;
	}
	sa->out.tries++;
	sa->retransmits++;
	ike->stats.retransmits++;
	vlog(VLOG_DEBUG, "ike", sa->ctx, "retransmit %u of %s #%u",
	     sa->out.tries, ike_exchange_name(sa->out.exchange),
	     sa->out.msg_id);
	ike_send_raw(ike, &sa->local, &sa->remote, sa->out.pkt, sa->out.len);
	int64_t wait = (int64_t)RETRANSMIT_BASE_MS << sa->out.tries;
	/* A DPD probe's verdict is due dpd_timeout_s after the first send,
	 * not at the next backoff step past it. */
	if (dpd && sa->tun != NULL) {
		int64_t left = (int64_t)sa->tun->cfg.dpd_timeout_s * 1000 - elapsed;
		if (left > 0 && left < wait)
			wait = left;
	}
	loop_timer_arm_ms(ike->loop, &sa->out.timer, wait);
}

void ike_timers_rx_authenticated(struct ike_sa *sa)
{
	sa->last_rx = loop_now(sa->ike->loop);
}

static struct vtime last_heard(struct ike_sa *sa)
{
	struct vtime t = sa->last_rx;
	const struct ike_hooks *h = sa->ike->hooks;
	if (h->last_inbound != NULL && sa->tun != NULL) {
		struct vtime e = h->last_inbound(sa->ike->arg, sa->tun->cfg.name);
		if (vtime_before(t, e))
			t = e;
	}
	return t;
}

static void dpd_fn(void *arg)
{
	struct ike_sa *sa = arg;
	struct ike *ike = sa->ike;
	int64_t iv = (int64_t)sa->tun->cfg.dpd_interval_s * 1000;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	loop_timer_arm_ms(ike->loop, &sa->dpd_timer, iv);
	if (sa->out.kind != IKE_REQ_NONE)
		return;
	if (vtime_diff_ms(loop_now(ike->loop), last_heard(sa)) < iv)
		return;
	ike_info_send_dpd(sa);
}

/* lifetime - margin - rand(0 .. margin * fuzz / 100), in ms. */
static int64_t rekey_delay_ms(struct ike *ike, uint32_t life_s,
			      uint32_t margin_s, uint32_t fuzz_pct)
{
	uint32_t r = 0;
	int64_t margin = (int64_t)margin_s * 1000;
	int64_t fuzz = margin * fuzz_pct / 100;
	if (fuzz > 0)
		ike_random(ike, &r, sizeof(r));
	int64_t d = (int64_t)life_s * 1000 - margin -
		    (fuzz > 0 ? (int64_t)(r % (uint64_t)(fuzz + 1)) : 0);
	return d > 1000 ? d : 1000;
}

void ike_timers_half_open(struct ike_sa *sa)
{
	loop_timer_arm_ms(sa->ike->loop, &sa->expire_timer, HALF_OPEN_MS);
}

void ike_timers_established(struct ike_sa *sa)
{
	struct ike *ike = sa->ike;
	const struct ike_tunnel_config *c = &sa->tun->cfg;
	loop_timer_cancel(ike->loop, &sa->expire_timer);
	sa->last_rx = loop_now(ike->loop);
	if (c->dpd_interval_s > 0)
		loop_timer_arm_ms(ike->loop, &sa->dpd_timer,
				  (int64_t)c->dpd_interval_s * 1000);
	if (c->ike_lifetime_s > 0) {
		int64_t d = rekey_delay_ms(ike, c->ike_lifetime_s,
					   c->rekey_margin_s, c->rekey_fuzz_pct);
		sa->rekey_at = vtime_add_ms(loop_now(ike->loop), d);
		loop_timer_arm_ms(ike->loop, &sa->rekey_timer, d);
		loop_timer_arm_ms(ike->loop, &sa->expire_timer,
				  (int64_t)c->ike_lifetime_s * 1000);
	}
}

static void ike_rekey_fn(void *arg)
{
	struct ike_sa *sa = arg;
	if (sa->state != IKE_SA_ESTABLISHED)
		return;
	if (!ike_rekey_ike_start(sa))
		loop_timer_arm_ms(sa->ike->loop, &sa->rekey_timer,
				  BUSY_RETRY_MS);
}

static void ike_expire_fn(void *arg)
{
	struct ike_sa *sa = arg;
	if (sa->state == IKE_SA_INIT_DONE) {
		if (sa->tun != NULL)
			ike_tunnel_sa_gone(sa->tun, sa, false,
					   "peer did not authenticate");
		ike_sa_kill(sa, "half-open timeout");
		return;
	}
	vlog(VLOG_WARN, "ike", sa->ctx, "IKE SA lifetime expired");
	if (sa->tun != NULL && sa->tun->sa == sa)
		ike_tunnel_sa_gone(sa->tun, sa, true, "IKE SA expired");
	ike_sa_kill(sa, "lifetime expired");
}

/* ---- Child SAs ---- */

static void child_rekey_fn(void *arg)
{
	struct ike_child *c = arg;
	struct ike_sa *sa = c->sa;
	if (c->state != IKE_CHILD_INSTALLED)
		return;
	if (sa->state != IKE_SA_ESTABLISHED || !ike_rekey_child_start(sa, c))
		loop_timer_arm_ms(sa->ike->loop, &c->rekey_timer, BUSY_RETRY_MS);
}

static void child_expire_fn(void *arg)
{
	struct ike_child *c = arg;
	struct ike_sa *sa = c->sa;
	vlog(VLOG_WARN, "ike", sa->ctx, "Child SA %08x expired", c->spi_in);
	if (sa->state == IKE_SA_ESTABLISHED && sa->out.kind == IKE_REQ_NONE &&
	    ike_info_send_delete_child(sa, c))
		return;
	ike_child_remove(sa, c);
}

void ike_timers_child_init(struct ike_child *c)
{
	loop_timer_init(&c->rekey_timer, child_rekey_fn, c);
	loop_timer_init(&c->expire_timer, child_expire_fn, c);
}

void ike_timers_child_started(struct ike_sa *sa, struct ike_child *c)
{
	struct ike *ike = sa->ike;
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	if (cfg->child_lifetime_s == 0)
		return;
	int64_t d = rekey_delay_ms(ike, cfg->child_lifetime_s,
				   cfg->rekey_margin_s, cfg->rekey_fuzz_pct);
	c->rekey_at = vtime_add_ms(loop_now(ike->loop), d);
	c->expire_at = vtime_add_ms(loop_now(ike->loop),
				    (int64_t)cfg->child_lifetime_s * 1000);
	loop_timer_arm_ms(ike->loop, &c->rekey_timer, d);
	loop_timer_arm_ms(ike->loop, &c->expire_timer,
			  (int64_t)cfg->child_lifetime_s * 1000);
}

void ike_timers_child_stop(struct ike_sa *sa, struct ike_child *c)
{
	loop_timer_cancel(sa->ike->loop, &c->rekey_timer);
	loop_timer_cancel(sa->ike->loop, &c->expire_timer);
}
