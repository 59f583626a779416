/*
 * The IKE_AUTH exchange with pre-shared keys (RFC 7296 1.2, 2.15):
 *
 *   HDR, SK {IDi, [N(INITIAL_CONTACT),] [IDr,] AUTH, SAi2, TSi, TSr}  -->
 *                     <--  HDR, SK {IDr, AUTH, SAr2, TSi, TSr}
 *                     <--  HDR, SK {N(AUTHENTICATION_FAILED)}
 *                     <--  HDR, SK {IDr, AUTH, N(NO_PROPOSAL_CHOSEN |
 *                                                TS_UNACCEPTABLE)}
 *
 * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), <SignedOctets>) where the
 * initiator signs its IKE_SA_INIT request | Nr | prf(SK_pi, IDi') and the
 * responder its IKE_SA_INIT response | Ni | prf(SK_pr, IDr'), IDx' being
 * the ID payload body without its generic header.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

/* AUTH payload body: | Auth Method | RESERVED (3) | Authentication Data | */
static bool auth_compute(struct ike_sa *sa, bool for_initiator,
			 const uint8_t *id_body, size_t id_len, uint8_t *out)
{
	const uint8_t *msg = for_initiator ? sa->init_req : sa->init_resp;
	size_t msg_len = for_initiator ? sa->init_req_len : sa->init_resp_len;
	const uint8_t *nonce = for_initiator ? sa->nr : sa->ni;
	size_t nonce_len = for_initiator ? sa->nr_len : sa->ni_len;
	const struct secret *skp = for_initiator ? sa->keys.sk_pi
						 : sa->keys.sk_pr;
	return msg != NULL && ike_auth_psk(sa->suite.prf, sa->tun->psk, msg,
					   msg_len, nonce, nonce_len, skp,
					   id_body, id_len, out);
}

/* Writes ID and AUTH payloads for our side. */
static bool auth_enc_id_auth(struct ike_sa *sa, struct ike_enc *e)
{
	uint8_t mac[64];
	uint8_t id_type = sa->initiator ? IKE_P_IDi : IKE_P_IDr;
	size_t start = wr_len(&e->w);
	ike_id_encode(e, id_type, sa->tun, true);
	if (!wr_ok(&e->w))
		return false;
	const uint8_t *body = e->buf + start + IKE_GENERIC_HDR_LEN;
	size_t body_len = wr_len(&e->w) - start - IKE_GENERIC_HDR_LEN;
	if (!auth_compute(sa, sa->initiator, body, body_len, mac))
		return false;
	if (sa->initiator && sa->tun->cfg.remote_id.type != 0)
		ike_id_encode(e, IKE_P_IDr, sa->tun, false);
	size_t s = ike_enc_begin(e, IKE_P_AUTH);
	wr_u8(&e->w, IKE_AUTH_SHARED_KEY_MIC);
	wr_zero(&e->w, 3);
	wr_bytes(&e->w, mac, crypto_prf_len(sa->suite.prf));
	ike_enc_end(e, s);
	secret_cleanse(mac, sizeof(mac));
	return wr_ok(&e->w);
}

/* Checks the peer's ID and AUTH payloads. */
static struct ike_disp auth_verify(struct ike_sa *sa, const struct ike_msg *m)
{
	uint8_t want[64];
	uint8_t method;
	const uint8_t *got;
	const struct ike_payload *id =
		ike_msg_find(m, sa->initiator ? IKE_P_IDr : IKE_P_IDi, 0);
	const struct ike_payload *au = ike_msg_find(m, IKE_P_AUTH, 0);
	size_t len = crypto_prf_len(sa->suite.prf);
	struct rd r;

	if (id == NULL || au == NULL)
		return ike_d_notify(IKE_N_AUTHENTICATION_FAILED,
				    "ID or AUTH payload missing");
	if (!ike_id_matches(sa->tun, id))
		return ike_d_notify(IKE_N_AUTHENTICATION_FAILED,
				    "peer ID does not match the configured remote ID");
	r = au->body;
	if (!rd_u8(&r, &method) || !rd_skip(&r, 3) ||
	    method != IKE_AUTH_SHARED_KEY_MIC || rd_left(&r) != len ||
	    !rd_ptr(&r, len, &got))
		return ike_d_notify(IKE_N_AUTHENTICATION_FAILED,
				    "AUTH method is not PSK or has a bad length");
	if (!auth_compute(sa, !sa->initiator, id->body.p + id->body.off,
			  rd_left(&id->body), want))
		return ike_d_notify(IKE_N_AUTHENTICATION_FAILED,
				    "cannot compute AUTH");
	bool ok = secret_equal(got, want, len);
	secret_cleanse(want, sizeof(want));
	return ok ? ike_d_ok()
		  : ike_d_notify(IKE_N_AUTHENTICATION_FAILED,
				 "AUTH value does not verify (PSK mismatch?)");
}

bool ike_auth_send_request(struct ike_sa *sa)
{
	struct ike_enc *e = malloc(sizeof(*e));
	struct ip_prefix ts_l, ts_r;
	bool ok = false;
	if (e == NULL)
		return false;
	ike_enc_init(e);
	sa->pending_spi = ike_child_new_spi(sa->ike);
	if (!auth_enc_id_auth(sa, e))
		goto out;
	/* RFC 7296 2.4: only when no other IKE SA with this peer exists (not
	 * during a simultaneous initiation, for instance). */
	bool alone = true;
	for (struct ike_sa *o = sa->ike->sas; o != NULL; o = o->next)
		alone &= o == sa || o->tun != sa->tun || o->state == IKE_SA_DEAD;
	if (alone)
		ike_enc_notify(e, 0, NULL, 0, IKE_N_INITIAL_CONTACT, NULL, 0);
	ike_sa_payload_encode_esp(e, sa->tun->cfg.esp, sa->tun->cfg.n_esp,
				  sa->pending_spi, false);
	ike_ts_local(sa->tun, &ts_l);
	ike_ts_remote(sa->tun, &ts_r);
	ike_ts_encode(e, IKE_P_TSi, &ts_l);
	ike_ts_encode(e, IKE_P_TSr, &ts_r);
	ok = ike_sa_send_request(sa, IKE_X_IKE_AUTH, IKE_REQ_AUTH, e);
out:
	free(e);
	return ok;
}

/*
 * The child part of IKE_AUTH, responder side: choose an ESP proposal,
 * check the traffic selectors, derive keys and install. Returns an error
 * notify type, or 0 with the answer payloads written to e.
 */
static uint16_t auth_child_respond(struct ike_sa *sa, const struct ike_msg *m,
				   struct ike_enc *e)
{
	struct ike_prop props[16];
	struct ike_esp_proposal acc[2 * IKE_MAX_PROPOSALS];
	struct ike_suite s;
	struct ike_child_keymat km;
	size_t n, n_acc;
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);

	if (sa_p == NULL)
		return 0; /* childless IKE SA (RFC 6023) */
	if (!ike_sa_payload_decode(sa_p, props, 16, &n))
		return IKE_N_INVALID_SYNTAX;
	ike_child_accept_list(sa->tun, acc, &n_acc);
	int k = ike_choose_esp(props, n, acc, n_acc, false, &s);
	if (k < 0) {
		char buf[512];
		ike_props_fmt(props, n, buf, sizeof(buf));
		vlog(VLOG_WARN, "ike", sa->ctx,
		     "NO_PROPOSAL_CHOSEN for the Child SA: peer offered %s",
		     buf);
		return IKE_N_NO_PROPOSAL_CHOSEN;
	}
	struct ike_disp d = ike_ts_check(sa, m, false);
	if (d.kind != IKE_D_OK)
		return d.notify;
	uint32_t spi_out = (uint32_t)props[k].spi[0] << 24 |
			   (uint32_t)props[k].spi[1] << 16 |
			   (uint32_t)props[k].spi[2] << 8 | props[k].spi[3];
	uint32_t spi_in = ike_child_new_spi(sa->ike);
	uint8_t spi_b[4] = { spi_in >> 24, spi_in >> 16, spi_in >> 8, spi_in };
	if (!ike_child_keys_derive(sa->suite.prf, sa->keys.sk_d, &s, NULL,
				   sa->ni, sa->ni_len, sa->nr, sa->nr_len, &km))
		return IKE_N_NO_PROPOSAL_CHOSEN;
	ike_child_install(sa, spi_in, spi_out, &s, &km, false);
	ike_child_keymat_free(&km);
	ike_sa_payload_encode_chosen(e, props[k].num, IKE_PROTO_ESP, spi_b, 4,
				     &s, true);
	ike_ts_encode_answer(sa, m, e);
	return 0;
}

struct ike_disp ike_auth_request(struct ike_sa *sa, struct ike_msg *m)
{
	if (sa->state != IKE_SA_INIT_DONE)
		return ike_d_drop("IKE_AUTH in wrong state");
	struct ike_disp d = auth_verify(sa, m);
	if (d.kind != IKE_D_OK) {
		vlog(VLOG_WARN, "ike", sa->ctx, "AUTHENTICATION_FAILED: %s",
		     d.why);
		ike_tunnel_note_error(sa->tun, "AUTHENTICATION_FAILED", d.why);
		return ike_d_delete(IKE_N_AUTHENTICATION_FAILED, d.why);
	}
	struct ike_enc *e = malloc(sizeof(*e));
	if (e == NULL)
		return ike_d_drop("out of memory");
	ike_enc_init(e);
	if (!auth_enc_id_auth(sa, e)) {
		free(e);
		return ike_d_delete(IKE_N_AUTHENTICATION_FAILED, "cannot sign");
	}
	ike_sa_set_state(sa, IKE_SA_ESTABLISHED, "peer authenticated");
	struct ike_notify ic;
	if (ike_msg_find_notify(m, IKE_N_INITIAL_CONTACT, &ic) != NULL)
		ike_tunnel_initial_contact(sa->tun, sa);
	if (sa->counted_half_open) {
		sa->counted_half_open = false;
		sa->ike->half_open--;
	}
	ike_timers_established(sa);
	uint16_t err = auth_child_respond(sa, m, e);
	if (err)
		ike_enc_notify(e, 0, NULL, 0, err, NULL, 0);
	ike_sa_send_response(sa, m, e);
	free(e);
	ike_tunnel_sa_up(sa->tun, sa);
	return ike_d_ok();
}

/* Initiator: the child part of the IKE_AUTH answer. */
static struct ike_disp auth_child_accept(struct ike_sa *sa,
					 const struct ike_msg *m)
{
	struct ike_prop props[2];
	struct ike_suite s;
	struct ike_child_keymat km;
	struct ike_notify n;
	size_t np;
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);

	if (ike_msg_error_notify(m, &n) != NULL) {
		ike_sa_count_error(sa, n.type);
		return ike_d_peer_error(n.type, "Child SA refused by peer");
	}
	if (sa_p == NULL || !ike_sa_payload_decode(sa_p, props, 2, &np) ||
	    np != 1 ||
	    !ike_accept_esp(&props[0], sa->tun->cfg.esp, sa->tun->cfg.n_esp,
			    false, &s))
		return ike_d_delete(IKE_N_NO_PROPOSAL_CHOSEN,
				    "peer chose an ESP proposal we did not offer");
	struct ike_disp d = ike_ts_check(sa, m, true);
	if (d.kind != IKE_D_OK)
		return ike_d_delete(d.notify, d.why);
	uint32_t spi_out = (uint32_t)props[0].spi[0] << 24 |
			   (uint32_t)props[0].spi[1] << 16 |
			   (uint32_t)props[0].spi[2] << 8 | props[0].spi[3];
	if (!ike_child_keys_derive(sa->suite.prf, sa->keys.sk_d, &s, NULL,
				   sa->ni, sa->ni_len, sa->nr, sa->nr_len, &km))
		return ike_d_delete(0, "child key derivation failed");
	ike_child_install(sa, sa->pending_spi, spi_out, &s, &km, true);
	ike_child_keymat_free(&km);
	return ike_d_ok();
}

struct ike_disp ike_auth_response(struct ike_sa *sa, struct ike_msg *m,
				  struct ike_request *req)
{
	struct ike_notify n;
	(void)req;
	if (sa->state != IKE_SA_AUTH_SENT)
		return ike_d_drop("IKE_AUTH answer in wrong state");
	if (ike_msg_find(m, IKE_P_AUTH, 0) == NULL &&
	    ike_msg_error_notify(m, &n) != NULL) {
		ike_sa_count_error(sa, n.type);
		return ike_d_peer_error(n.type, "IKE_AUTH refused by peer");
	}
	struct ike_disp d = auth_verify(sa, m);
	if (d.kind != IKE_D_OK) {
		vlog(VLOG_WARN, "ike", sa->ctx, "AUTHENTICATION_FAILED: %s",
		     d.why);
		return ike_d_delete(IKE_N_AUTHENTICATION_FAILED, d.why);
	}
	ike_sa_set_state(sa, IKE_SA_ESTABLISHED, "peer authenticated");
	ike_timers_established(sa);
	d = auth_child_accept(sa, m);
	if (d.kind != IKE_D_OK)
		return d;
	ike_tunnel_sa_up(sa->tun, sa);
	return ike_d_ok();
}
