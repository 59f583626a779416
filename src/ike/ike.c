/*
 * The module's entry points: the ike object, and ike_input(), which takes
 * every received IKE message through the same steps:
 *
 *   1. decode header and outer payloads (payload.c)      bad: silent drop
 *   2. IKE_SA_INIT request -> sa_init.c (no SA yet)
 *   3. find the IKE SA by our SPI; check the Message ID window (size 1):
 *      a response must answer our outstanding request, a request must be
 *      the next one expected, or the previous one (retransmission: the
 *      cached response is sent again)
 *   4. decrypt and verify the SK payload (sk.c)           bad: silent drop
 *   5. check the rule table for the exchange (payload.c)
 *   6. one handler per exchange and direction
 *   7. act on the returned disposition, here and only here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

struct ike *ike_new(struct loop *loop, const struct ike_io *io,
		    const struct ike_hooks *hooks, void *arg)
{
	struct ike *ike = calloc(1, sizeof(*ike));
	if (ike == NULL)
		return NULL;
	ike->loop = loop;
	ike->io = io;
	ike->hooks = hooks;
	ike->arg = arg;
	log_limit_init(&ike->limit, 10, 10);
	if (!crypto_random(ike->cookie_secret, sizeof(ike->cookie_secret))) {
		free(ike);
		return NULL;
	}
	ike->cookie_version = 1;
	return ike;
}

void ike_free(struct ike *ike)
{
	if (ike == NULL)
		return;
	ike->freeing = true;
	ike_tunnels_free(ike);
	while (ike->sas != NULL)
		ike_sa_destroy(ike->sas);
	secret_cleanse(ike->cookie_secret, sizeof(ike->cookie_secret));
	free(ike);
}

void ike_set_seams(struct ike *ike, const struct ike_seams *seams)
{
	ike->seams = *seams;
}

const struct ike_stats *ike_get_stats(const struct ike *ike)
{
	return &ike->stats;
}

static void drop(struct ike *ike, const struct ike_msg *m, const char *why)
{
	ike->stats.dropped++;
	if (log_limit_allow(&ike->limit, clock_wall_seconds()))
		vlog(VLOG_DEBUG, "ike", "-", "dropped %s message #%u: %s",
		     ike_exchange_name(m->h.exchange), m->h.msg_id,
		     why ? why : "?");
}

static void answer_notify(struct ike_sa *sa, const struct ike_msg *m,
			  const struct ike_disp *d)
{
	struct ike_enc *e = malloc(sizeof(*e));
	if (e == NULL)
		return;
	ike_enc_init(e);
	ike_enc_notify(e, 0, NULL, 0, d->notify, d->data, d->data_len);
	if (ike_sa_send_response(sa, m, e) && d->notify < 64)
		sa->ike->stats.notify_tx[d->notify]++;
	free(e);
}

static void reason_text(char *buf, size_t size, const struct ike_disp *d,
			bool from_peer)
{
	if (d->notify)
		snprintf(buf, size, "%s%s (%s)", ike_notify_name(d->notify),
			 from_peer ? " from peer" : "", d->why ? d->why : "");
	else
		snprintf(buf, size, "%s", d->why ? d->why : "failed");
}

/* Step 7: the one place a disposition is carried out. */
static void act(struct ike *ike, struct ike_sa *sa, const struct ike_msg *m,
		struct ike_disp d, bool authenticated)
{
	bool request = !(m->h.flags & IKE_FLAG_RESPONSE);
	char reason[160];
	/* Errors we found ourselves count per tunnel too (peer's are counted
	 * where they are received). */
	if (sa != NULL && sa->tun != NULL && d.notify && d.notify < 64 &&
	    !d.from_peer && authenticated &&
	    (d.kind == IKE_D_NOTIFY || d.kind == IKE_D_DELETE_SA))
		sa->tun->errors[d.notify]++;
	switch (d.kind) {
	case IKE_D_OK:
		return;
	case IKE_D_DROP:
		drop(ike, m, d.why);
		return;
	case IKE_D_NOTIFY:
		if (!authenticated || sa == NULL || !request) {
			drop(ike, m, d.why);
			return;
		}
		vlog(VLOG_INFO, "ike", sa->ctx, "answering %s with %s: %s",
		     ike_exchange_name(m->h.exchange), ike_notify_name(d.notify),
		     d.why ? d.why : "");
		answer_notify(sa, m, &d);
		return;
	case IKE_D_DELETE_SA:
		if (sa == NULL) {
			drop(ike, m, d.why);
			return;
		}
		if (request && authenticated && d.notify)
			answer_notify(sa, m, &d);
		reason_text(reason, sizeof(reason), &d, d.from_peer);
		vlog(VLOG_WARN, "ike", sa->ctx, "IKE SA failed: %s", reason);
		if (sa->tun != NULL) {
			ike_tunnel_note_error(sa->tun,
					      d.notify ? ike_notify_name(d.notify)
						       : "ERROR",
					      reason);
			ike_tunnel_sa_gone(sa->tun, sa, false, reason);
		}
		if (sa->state == IKE_SA_ESTABLISHED && !request)
			ike_info_send_delete_ike(sa);
		else
			ike_sa_kill(sa, reason);
		return;
	}
}

static struct ike_disp dispatch_request(struct ike_sa *sa, struct ike_msg *m)
{
	switch (m->h.exchange) {
	case IKE_X_IKE_AUTH:
		return ike_auth_request(sa, m);
	case IKE_X_CREATE_CHILD_SA:
		return ike_child_request(sa, m);
	case IKE_X_INFORMATIONAL:
		return ike_info_request(sa, m);
	default:
		return ike_d_drop("unexpected exchange");
	}
}

static struct ike_disp dispatch_response(struct ike_sa *sa, struct ike_msg *m,
					 struct ike_request *req)
{
	if (m->h.exchange != req->exchange)
		return ike_d_drop("response to a different exchange");
	switch (m->h.exchange) {
	case IKE_X_IKE_SA_INIT:
		return ike_sa_init_response(sa, m, req);
	case IKE_X_IKE_AUTH:
		return ike_auth_response(sa, m, req);
	case IKE_X_CREATE_CHILD_SA:
		return ike_child_response(sa, m, req);
	case IKE_X_INFORMATIONAL:
		return ike_info_response(sa, m, req);
	default:
		return ike_d_drop("unexpected exchange");
	}
}

/* Decrypts (except IKE_SA_INIT) and applies the rule table. */
static struct ike_disp open_and_check(struct ike_sa *sa, struct ike_msg *m)
{
	if (m->h.exchange != IKE_X_IKE_SA_INIT) {
		struct ike_disp d = ike_sk_open(sa, m);
		if (d.kind != IKE_D_OK)
			return d;
	}
	return ike_msg_check_rules(m);
}

/* After authentication: follow the peer's address/port (its NAT-T move). */
static void follow_peer(struct ike_sa *sa, const struct ike_endpoint *local,
			const struct ike_endpoint *remote)
{
	if (sa->remote.port != remote->port || sa->local.port != local->port)
		vlog(VLOG_INFO, "ike", sa->ctx, "peer now at port %u",
		     remote->port);
	sa->local = *local;
	sa->remote = *remote;
	if (local->port != sa->tun->cfg.ike_port)
		sa->natt = true;
}

static void input_response(struct ike *ike, struct ike_sa *sa,
			   struct ike_msg *m, const struct ike_endpoint *local,
			   const struct ike_endpoint *remote)
{
	if (sa->out.kind == IKE_REQ_NONE || m->h.msg_id != sa->out.msg_id) {
		drop(ike, m, "unexpected Message ID in response");
		return;
	}
	struct ike_disp d = open_and_check(sa, m);
	bool auth = m->h.exchange != IKE_X_IKE_SA_INIT && d.kind != IKE_D_DROP;
	if (d.kind == IKE_D_DROP || (!auth && d.kind != IKE_D_OK)) {
		drop(ike, m, d.why);
		return;
	}
	if (auth) {
		ike_timers_rx_authenticated(sa);
		follow_peer(sa, local, remote);
	}
	/* The request is answered: free the slot before the handler runs, so
	 * it can send the next request. */
	loop_timer_cancel(ike->loop, &sa->out.timer);
	struct ike_request req = sa->out;
	struct loop_timer t = sa->out.timer;
	memset(&sa->out, 0, sizeof(sa->out));
	sa->out.timer = t;
	if (d.kind == IKE_D_OK)
		d = dispatch_response(sa, m, &req);
	else
		d = ike_d_delete(d.notify, d.why);
	act(ike, sa, m, d, auth);
	ike_request_clear(&req);
}

static void input_request(struct ike *ike, struct ike_sa *sa,
			  struct ike_msg *m, const struct ike_endpoint *local,
			  const struct ike_endpoint *remote)
{
	bool retransmit = sa->has_last_resp && m->h.msg_id == sa->last_resp_id &&
			  m->h.msg_id + 1 == sa->peer_msg_id;
	if (!retransmit && m->h.msg_id != sa->peer_msg_id) {
		drop(ike, m, "Message ID outside the window");
		return;
	}
	struct ike_disp d = open_and_check(sa, m);
	if (d.kind == IKE_D_DROP) {
		drop(ike, m, d.why);
		return;
	}
	ike_timers_rx_authenticated(sa);
	follow_peer(sa, local, remote);
	if (retransmit) {
		ike_send_raw(ike, &sa->local, &sa->remote, sa->last_resp,
			     sa->last_resp_len);
		return;
	}
	if (d.kind == IKE_D_OK)
		d = dispatch_request(sa, m);
	act(ike, sa, m, d, true);
}

static void input_sa_init_request(struct ike *ike, struct ike_msg *m,
				  const struct ike_endpoint *local,
				  const struct ike_endpoint *remote)
{
	struct ike_disp d = ike_msg_check_rules(m);
	if (d.kind == IKE_D_OK)
		d = ike_sa_init_request(ike, m, local, remote);
	if (d.kind == IKE_D_NOTIFY) {
		/* Unauthenticated, but RFC 7296 2.21.1 lets us answer. */
		ike_send_init_notify(ike, m, local, remote, d.notify, d.data,
				     d.data_len);
		return;
	}
	if (d.kind != IKE_D_OK)
		drop(ike, m, d.why);
}

void ike_input(struct ike *ike, const struct ike_endpoint *local,
	       const struct ike_endpoint *remote, const uint8_t *pkt,
	       size_t len)
{
	struct ike_msg *m = malloc(sizeof(*m));
	ike->stats.rx++;
	if (m == NULL)
		return;
	struct ike_disp d = ike_msg_decode(m, pkt, len);
	bool resp = m->h.flags & IKE_FLAG_RESPONSE;
	if (d.kind != IKE_D_OK && !(d.kind == IKE_D_NOTIFY &&
				    m->h.exchange == IKE_X_IKE_SA_INIT && !resp)) {
		drop(ike, m, d.why);
	} else if (m->h.exchange == IKE_X_IKE_SA_INIT && !resp) {
		if (d.kind == IKE_D_NOTIFY)
			ike_send_init_notify(ike, m, local, remote, d.notify,
					     d.data, d.data_len);
		else
			input_sa_init_request(ike, m, local, remote);
	} else {
		bool we_init = !(m->h.flags & IKE_FLAG_INITIATOR);
		struct ike_sa *sa = ike_sa_find(ike, m->h.spi_i, m->h.spi_r,
						we_init);
		if (sa == NULL || sa->state == IKE_SA_DEAD) {
			drop(ike, m, "unknown IKE SA");
		} else {
			if (resp)
				input_response(ike, sa, m, local, remote);
			else
				input_request(ike, sa, m, local, remote);
		}
	}
	free(m);
}
