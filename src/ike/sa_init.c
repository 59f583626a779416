/*
 * The IKE_SA_INIT exchange (RFC 7296 1.2, 2.6, 2.7, 2.10, 2.14, 2.23):
 *
 *   Initiator                         Responder
 *   HDR, [N(COOKIE),] SAi1, KEi, Ni,
 *        N(NAT_DETECTION_*_IP)  -->
 *                               <--  HDR, SAr1, KEr, Nr, N(NAT_D...)
 *                               <--  HDR, N(COOKIE)               (loaded)
 *                               <--  HDR, N(INVALID_KE_PAYLOAD)   (group)
 *                               <--  HDR, N(NO_PROPOSAL_CHOSEN)
 *
 * The responder keeps no state for the error answers; a COOKIE or
 * INVALID_KE retry reuses the initiator's SPI and nonce with Message ID 0.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

static bool init_send_request(struct ike_sa *sa)
{
	const struct ike_tunnel_config *c = &sa->tun->cfg;
	uint8_t pub[600];
	size_t plen = crypto_dh_public_len(sa->dh_group);
	struct ike_enc *e = malloc(sizeof(*e));
	bool ok = false;

	if (e == NULL || !crypto_dh_public(sa->dh, pub, plen))
		goto out;
	ike_enc_init(e);
	/* RFC 7296 2.6: the COOKIE notify is the first payload. */
	if (sa->cookie_len)
		ike_enc_notify(e, 0, NULL, 0, IKE_N_COOKIE, sa->cookie,
			       sa->cookie_len);
	ike_sa_payload_encode_ike(e, c->ike, c->n_ike, NULL, 0);
	ike_enc_ke(e, sa->dh_group, pub, plen);
	ike_enc_nonce(e, sa->ni, sa->ni_len);
	ike_nat_encode(sa, e, sa->spi_i, sa->spi_r);
	sa->req_msg_id = 0;
	ok = ike_sa_send_request(sa, IKE_X_IKE_SA_INIT, IKE_REQ_SA_INIT, e);
	if (ok) {
		free(sa->init_req);
		sa->init_req = malloc(sa->out.len);
		ok = sa->init_req != NULL;
		if (ok) {
			memcpy(sa->init_req, sa->out.pkt, sa->out.len);
			sa->init_req_len = sa->out.len;
		}
	}
out:
	free(e);
	return ok;
}

static bool init_new_dh(struct ike_sa *sa, uint16_t group)
{
	crypto_dh_free(sa->dh);
	sa->dh_group = group;
	sa->dh = ike_dh_new(sa->ike, group);
	return sa->dh != NULL;
}

bool ike_sa_init_start(struct ike_tunnel *tun)
{
	struct ike *ike = tun->ike;
	const struct ike_tunnel_config *c = &tun->cfg;
	struct ike_sa *sa = ike_sa_new(ike, tun, true);
	if (sa == NULL)
		return false;
	tun->sa = sa;
	sa->local = (struct ike_endpoint){ c->local, c->ike_port };
	sa->remote = (struct ike_endpoint){ c->remote, c->ike_port };
	sa->ni_len = IKE_NONCE_LEN;
	uint16_t group = tun->dh_hint ? tun->dh_hint : c->ike[0].dh;
	if (!ike_random(ike, sa->ni, sa->ni_len) || !init_new_dh(sa, group) ||
	    !init_send_request(sa)) {
		ike_sa_kill(sa, "cannot start IKE_SA_INIT");
		return false;
	}
	ike_sa_set_state(sa, IKE_SA_INIT_SENT, "initiating");
	ike_tunnel_set_state(tun, IKE_TUNNEL_CONNECTING, "initiating");
	return true;
}

/* ---- responder ---- */

static const struct ike_payload *ke_decode(const struct ike_msg *m,
					   uint16_t *group, struct rd *data)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_KE, 0);
	uint16_t res;
	if (p == NULL)
		return NULL;
	*data = p->body;
	if (!rd_u16be(data, group) || !rd_u16be(data, &res))
		return NULL;
	return p;
}

static bool nonce_get(const struct ike_msg *m, uint8_t *out, size_t *len)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_NONCE, 0);
	struct rd r;
	if (p == NULL)
		return false;
	r = p->body;
	/* RFC 7296 3.9: 16 to 256 octets. */
	*len = rd_left(&r);
	return *len >= 16 && *len <= IKE_NONCE_MAX && rd_bytes(&r, out, *len);
}

/* Pick a suite; prefer one whose group matches the peer's KE. */
static struct ike_disp init_choose(const struct ike_tunnel *t,
				   const struct ike_msg *m, uint16_t ke_group,
				   struct ike_suite *s, uint8_t *num)
{
	struct ike_prop props[16];
	struct ike_ike_proposal same[IKE_MAX_PROPOSALS];
	size_t n, n_same = 0;
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);
	if (sa_p == NULL ||
	    !ike_sa_payload_decode(sa_p, props, 16, &n))
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad SA payload");
	for (size_t i = 0; i < t->cfg.n_ike; i++)
		if (t->cfg.ike[i].dh == ke_group)
			same[n_same++] = t->cfg.ike[i];
	int k = ike_choose_ike(props, n, same, n_same, s);
	if (k < 0)
		k = ike_choose_ike(props, n, t->cfg.ike, t->cfg.n_ike, s);
	if (k < 0) {
		char buf[512];
		ike_props_fmt(props, n, buf, sizeof(buf));
		vlog(VLOG_WARN, "ike", t->cfg.name,
		     "NO_PROPOSAL_CHOSEN: peer offered %s, none matches our %zu IKE suites",
		     buf, t->cfg.n_ike);
		return ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN, "no IKE proposal");
	}
	*num = props[k].num;
	return ike_d_ok();
}

static bool init_send_response(struct ike_sa *sa, const struct ike_msg *m,
			       uint8_t num)
{
	uint8_t pub[600];
	size_t plen = crypto_dh_public_len(sa->dh_group);
	struct ike_enc *e = malloc(sizeof(*e));
	bool ok = false;
	if (e == NULL || !crypto_dh_public(sa->dh, pub, plen))
		goto out;
	ike_enc_init(e);
	ike_sa_payload_encode_chosen(e, num, IKE_PROTO_IKE, NULL, 0, &sa->suite,
				     false);
	ike_enc_ke(e, sa->dh_group, pub, plen);
	ike_enc_nonce(e, sa->nr, sa->nr_len);
	ike_nat_encode(sa, e, sa->spi_i, sa->spi_r);
	ok = ike_sa_send_response(sa, m, e);
	if (ok && (sa->init_resp = malloc(sa->last_resp_len)) != NULL) {
		memcpy(sa->init_resp, sa->last_resp, sa->last_resp_len);
		sa->init_resp_len = sa->last_resp_len;
	} else {
		ok = false;
	}
out:
	free(e);
	return ok;
}

/* Key exchange and key derivation, shared by both roles. */
static struct ike_disp init_derive(struct ike_sa *sa, struct rd *ke)
{
	struct secret *gir = crypto_dh_shared(sa->dh, rd_cur(ke), rd_left(ke));
	if (gir == NULL)
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "invalid KE value");
	bool ok = ike_keys_derive(&sa->suite, gir, sa->ni, sa->ni_len, sa->nr,
				  sa->nr_len, sa->spi_i, sa->spi_r, 0, NULL,
				  &sa->keys) &&
		  ike_sa_install_ciphers(sa);
	secret_free(gir);
	return ok ? ike_d_ok()
		  : ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN, "key derivation");
}

static bool cookie_check(struct ike *ike, const struct ike_msg *m,
			 const struct ike_endpoint *local,
			 const struct ike_endpoint *remote)
{
	uint8_t ni[IKE_NONCE_MAX], ck[64];
	size_t ni_len, ck_len;
	struct ike_notify n;
	if (!ike_cookie_required(ike) || !nonce_get(m, ni, &ni_len))
		return true;
	if (ike_msg_find_notify(m, IKE_N_COOKIE, &n) != NULL &&
	    ike_cookie_valid(ike, &n, ni, ni_len, remote, m->h.spi_i))
		return true;
	ike_cookie_compute(ike, ni, ni_len, remote, m->h.spi_i,
			   ike->cookie_version, ck, &ck_len);
	ike_send_init_notify(ike, m, local, remote, IKE_N_COOKIE, ck, ck_len);
	ike->stats.cookies_sent++;
	return false;
}

static struct ike_disp init_accept(struct ike *ike, struct ike_tunnel *t,
				   struct ike_msg *m,
				   const struct ike_endpoint *local,
				   const struct ike_endpoint *remote)
{
	struct ike_suite s;
	uint16_t ke_group;
	uint8_t num;
	struct rd ke;
	if (ke_decode(m, &ke_group, &ke) == NULL)
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad KE payload");
	struct ike_disp d = init_choose(t, m, ke_group, &s, &num);
	if (d.kind != IKE_D_OK)
		return d;
	if (s.dh != ke_group) {
		vlog(VLOG_INFO, "ike", t->cfg.name,
		     "peer sent KE for %s, asking for %s", ike_dh_name(ke_group),
		     ike_dh_name(s.dh));
		d = ike_d_notify(IKE_N_INVALID_KE_PAYLOAD, "KE group differs");
		d.data[0] = s.dh >> 8;
		d.data[1] = s.dh & 0xff;
		d.data_len = 2;
		return d;
	}
	struct ike_sa *sa = ike_sa_new(ike, t, false);
	if (sa == NULL)
		return ike_d_drop("out of memory");
	memcpy(sa->spi_i, m->h.spi_i, IKE_SPI_LEN);
	ike_sa_update_ctx(sa);
	sa->local = *local;
	sa->remote = *remote;
	sa->natt = local->port != (t->cfg.ike_port ? t->cfg.ike_port : IKE_PORT);
	sa->suite = s;
	sa->counted_half_open = true;
	ike->half_open++;
	sa->nr_len = IKE_NONCE_LEN;
	if (!nonce_get(m, sa->ni, &sa->ni_len) ||
	    !ike_random(ike, sa->nr, sa->nr_len) || !init_new_dh(sa, s.dh)) {
		ike_sa_kill(sa, "bad nonce or no DH");
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad nonce");
	}
	d = init_derive(sa, &ke);
	if (d.kind != IKE_D_OK) {
		ike_sa_kill(sa, d.why);
		return d;
	}
	ike_nat_check(sa, m);
	sa->init_req = malloc(m->raw_len);
	if (sa->init_req == NULL || !init_send_response(sa, m, num)) {
		ike_sa_kill(sa, "cannot answer IKE_SA_INIT");
		return ike_d_drop("cannot answer");
	}
	memcpy(sa->init_req, m->raw, m->raw_len);
	sa->init_req_len = m->raw_len;
	crypto_dh_free(sa->dh);
	sa->dh = NULL;
	char buf[128];
	ike_suite_fmt(&sa->suite, true, buf, sizeof(buf));
	ike_sa_set_state(sa, IKE_SA_INIT_DONE, buf);
	ike_timers_half_open(sa);
	if (t->state == IKE_TUNNEL_DOWN)
		ike_tunnel_set_state(t, IKE_TUNNEL_CONNECTING, "peer initiating");
	return ike_d_ok();
}

struct ike_disp ike_sa_init_request(struct ike *ike, struct ike_msg *m,
				    const struct ike_endpoint *local,
				    const struct ike_endpoint *remote)
{
	struct ike_sa *old = ike_sa_find_init(ike, m->h.spi_i, remote);
	if (old != NULL) {
		/* A retransmitted request: resend the cached answer. */
		if (m->h.msg_id == 0 && old->has_last_resp &&
		    old->last_resp_id == 0 && old->state == IKE_SA_INIT_DONE)
			ike_send_raw(ike, &old->local, &old->remote,
				     old->last_resp, old->last_resp_len);
		return ike_d_ok();
	}
	if (m->h.msg_id != 0 || !(m->h.flags & IKE_FLAG_INITIATOR))
		return ike_d_drop("IKE_SA_INIT request with bad header");
	struct ike_tunnel *t = ike_tunnel_match(ike, local, remote);
	if (t == NULL)
		return ike_d_drop("no tunnel configured for this peer");
	if (!ike_tunnel_may_respond(t))
		return ike_d_drop("tunnel is initiator-only");
	if (!cookie_check(ike, m, local, remote))
		return ike_d_ok();
	return init_accept(ike, t, m, local, remote);
}

/* ---- initiator: the answer ---- */

static struct ike_disp init_retry(struct ike_sa *sa, const char *why)
{
	if (!init_send_request(sa))
		return ike_d_delete(0, "cannot resend IKE_SA_INIT");
	ike_sa_set_state(sa, IKE_SA_INIT_SENT, why);
	return ike_d_ok();
}

static bool group_offered(const struct ike_tunnel *t, uint16_t g)
{
	for (size_t i = 0; i < t->cfg.n_ike; i++)
		if (t->cfg.ike[i].dh == g)
			return true;
	return false;
}

static struct ike_disp init_error_answer(struct ike_sa *sa,
					 const struct ike_msg *m)
{
	struct ike_notify n;
	struct rd r;
	if (ike_msg_find_notify(m, IKE_N_COOKIE, &n) != NULL) {
		r = n.data;
		size_t len = rd_left(&r);
		if (len < 1 || len > IKE_COOKIE_MAX || sa->cookie_len)
			return ike_d_delete(0, "bad or repeated COOKIE");
		rd_bytes(&r, sa->cookie, len);
		sa->cookie_len = len;
		return init_retry(sa, "retry with cookie");
	}
	if (ike_msg_find_notify(m, IKE_N_INVALID_KE_PAYLOAD, &n) != NULL) {
		uint16_t g = 0;
		r = n.data;
		ike_sa_count_error(sa, IKE_N_INVALID_KE_PAYLOAD);
		if (!rd_u16be(&r, &g) || !group_offered(sa->tun, g) ||
		    g == sa->dh_group)
			return ike_d_delete(IKE_N_INVALID_KE_PAYLOAD,
					    "INVALID_KE_PAYLOAD for a group we did not offer");
		vlog(VLOG_INFO, "ike", sa->ctx,
		     "peer wants %s (INVALID_KE_PAYLOAD), retrying",
		     ike_dh_name(g));
		sa->tun->dh_hint = g;
		if (!init_new_dh(sa, g))
			return ike_d_delete(0, "DH group unavailable");
		return init_retry(sa, "retry with requested DH group");
	}
	if (ike_msg_error_notify(m, &n) != NULL) {
		ike_sa_count_error(sa, n.type);
		return ike_d_peer_error(n.type, "error notify from peer");
	}
	return ike_d_ok();
}

struct ike_disp ike_sa_init_response(struct ike_sa *sa, struct ike_msg *m,
				     struct ike_request *req)
{
	struct ike_prop props[4];
	static const uint8_t zero[IKE_SPI_LEN];
	size_t n;
	struct ike_notify nn;
	uint16_t group;
	struct rd ke;

	(void)req;
	if (ike_msg_error_notify(m, &nn) != NULL ||
	    ike_msg_find_notify(m, IKE_N_COOKIE, &nn) != NULL)
		return init_error_answer(sa, m);
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);
	if (memcmp(m->h.spi_r, zero, IKE_SPI_LEN) == 0 || sa_p == NULL ||
	    !ike_sa_payload_decode(sa_p, props, 4, &n) || n != 1 ||
	    !ike_accept_ike(&props[0], sa->tun->cfg.ike, sa->tun->cfg.n_ike,
			    &sa->suite))
		return ike_d_delete(IKE_N_NO_PROPOSAL_CHOSEN,
				    "peer chose a proposal we did not offer");
	if (ke_decode(m, &group, &ke) == NULL || group != sa->dh_group ||
	    sa->suite.dh != group)
		return ike_d_delete(IKE_N_INVALID_KE_PAYLOAD, "KE group mismatch");
	if (!nonce_get(m, sa->nr, &sa->nr_len))
		return ike_d_delete(IKE_N_INVALID_SYNTAX, "bad nonce");
	memcpy(sa->spi_r, m->h.spi_r, IKE_SPI_LEN);
	ike_sa_update_ctx(sa);
	struct ike_disp d = init_derive(sa, &ke);
	if (d.kind != IKE_D_OK)
		return ike_d_delete(d.notify, d.why);
	crypto_dh_free(sa->dh);
	sa->dh = NULL;
	free(sa->init_resp);
	sa->init_resp = malloc(m->raw_len);
	if (sa->init_resp == NULL)
		return ike_d_delete(0, "out of memory");
	memcpy(sa->init_resp, m->raw, m->raw_len);
	sa->init_resp_len = m->raw_len;
	ike_nat_check(sa, m);
	ike_nat_float(sa);
	if (!ike_auth_send_request(sa))
		return ike_d_delete(0, "cannot send IKE_AUTH");
	char buf[128];
	ike_suite_fmt(&sa->suite, true, buf, sizeof(buf));
	ike_sa_set_state(sa, IKE_SA_AUTH_SENT, buf);
	return ike_d_ok();
}
