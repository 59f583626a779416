/*
 * IKE SA rekey with CREATE_CHILD_SA (RFC 7296 1.3.2, 2.18):
 *
 *   HDR, SK {SA, Ni, KEi}  -->
 *                      <--  HDR, SK {SA, Nr, KEr}
 *
 * The SA payloads carry the new IKE SPIs (SPI size 8). The initiator of
 * this exchange is the initiator of the new IKE SA. Keys:
 *   SKEYSEED = prf_old(SK_d (old), g^ir (new) | Ni | Nr)
 * and prf+ as for a new SA with the new SPIs. Child SAs move to the new
 * IKE SA; the rekey initiator then deletes the old one. Collisions are
 * resolved like Child SA collisions (see rekey.c).
 */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

#define REKEY_RETRY_MS 2000

static void enc_ke(struct ike_enc *e, const struct crypto_dh *dh)
{
	uint8_t pub[600];
	uint16_t g = crypto_dh_group(dh);
	size_t len = crypto_dh_public_len(g);
	if (len <= sizeof(pub) && crypto_dh_public(dh, pub, len))
		ike_enc_ke(e, g, pub, len);
	else
		e->w.err = true;
}

bool ike_rekey_ike_start(struct ike_sa *sa)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	uint8_t spi[IKE_SPI_LEN], nonce[IKE_NONCE_LEN];
	struct crypto_dh *dh = NULL;
	struct ike_enc *e = NULL;
	bool ok = false;

	if (sa->out.kind != IKE_REQ_NONE || sa->state != IKE_SA_ESTABLISHED)
		return false;
	uint16_t group = sa->tun->dh_hint ? sa->tun->dh_hint : sa->suite.dh;
	if (!ike_random(sa->ike, spi, sizeof(spi)) ||
	    !ike_random(sa->ike, nonce, sizeof(nonce)) ||
	    (dh = ike_dh_new(sa->ike, group)) == NULL ||
	    (e = malloc(sizeof(*e))) == NULL)
		goto out;
	ike_enc_init(e);
	ike_sa_payload_encode_ike(e, cfg->ike, cfg->n_ike, spi, sizeof(spi));
	ike_enc_nonce(e, nonce, sizeof(nonce));
	enc_ke(e, dh);
	if (!ike_sa_send_request(sa, IKE_X_CREATE_CHILD_SA, IKE_REQ_IKE_REKEY, e))
		goto out;
	sa->out.dh = dh;
	dh = NULL;
	memcpy(sa->out.nonce, nonce, sizeof(nonce));
	sa->out.nonce_len = sizeof(nonce);
	memcpy(sa->out.new_ike_spi, spi, sizeof(spi));
	vlog(VLOG_INFO, "ike", sa->ctx, "rekeying IKE SA");
	ok = true;
out:
	crypto_dh_free(dh);
	free(e);
	secret_cleanse(nonce, sizeof(nonce));
	return ok;
}

/* The new IKE SA, keyed from the old one. */
static struct ike_sa *rekey_new_sa(struct ike_sa *old, bool initiator,
				   const uint8_t *spi_i, const uint8_t *spi_r,
				   const struct ike_suite *s,
				   const struct secret *gir, const uint8_t *ni,
				   size_t ni_len, const uint8_t *nr,
				   size_t nr_len)
{
	struct ike_sa *sa = ike_sa_new(old->ike, old->tun, initiator);
	if (sa == NULL)
		return NULL;
	memcpy(sa->spi_i, spi_i, IKE_SPI_LEN);
	memcpy(sa->spi_r, spi_r, IKE_SPI_LEN);
	ike_sa_update_ctx(sa);
	sa->suite = *s;
	sa->local = old->local;
	sa->remote = old->remote;
	sa->natt = old->natt;
	sa->nat_local = old->nat_local;
	sa->nat_remote = old->nat_remote;
	memcpy(sa->ni, ni, ni_len);
	sa->ni_len = ni_len;
	memcpy(sa->nr, nr, nr_len);
	sa->nr_len = nr_len;
	if (!ike_keys_derive(s, gir, ni, ni_len, nr, nr_len, spi_i, spi_r,
			     old->suite.prf, old->keys.sk_d, &sa->keys) ||
	    !ike_sa_install_ciphers(sa)) {
		ike_sa_destroy(sa);
		return NULL;
	}
	ike_sa_set_state(sa, IKE_SA_ESTABLISHED, "rekeyed");
	ike_timers_established(sa);
	return sa;
}

/* Makes nsa the tunnel's IKE SA; old stops its own timers. */
static void rekey_switch(struct ike_sa *old, struct ike_sa *nsa)
{
	ike_sa_move_children(old, nsa);
	if (old->tun->sa == old)
		old->tun->sa = nsa;
	old->tun->ike_rekeys++;
	loop_timer_cancel(old->ike->loop, &old->dpd_timer);
	loop_timer_cancel(old->ike->loop, &old->rekey_timer);
	if (old->state == IKE_SA_ESTABLISHED)
		ike_sa_set_state(old, IKE_SA_REKEYED, "replaced");
	/* Safety net if the peer never deletes the old SA. */
	loop_timer_arm_ms(old->ike->loop, &old->expire_timer, 30000);
}

static bool read_nonce(const struct ike_msg *m, uint8_t *out, size_t *len)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_NONCE, 0);
	if (p == NULL)
		return false;
	struct rd r = p->body;
	*len = rd_left(&r);
	return *len >= 16 && *len <= IKE_NONCE_MAX && rd_bytes(&r, out, *len);
}

static struct secret *read_ke(const struct ike_msg *m,
			      const struct crypto_dh *dh)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_KE, 0);
	uint16_t g, res;
	if (p == NULL || dh == NULL)
		return NULL;
	struct rd r = p->body;
	if (!rd_u16be(&r, &g) || !rd_u16be(&r, &res) ||
	    g != crypto_dh_group(dh))
		return NULL;
	return crypto_dh_shared(dh, rd_cur(&r), rd_left(&r));
}

static uint16_t ke_group(const struct ike_msg *m)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_KE, 0);
	uint16_t g = 0;
	if (p != NULL) {
		struct rd r = p->body;
		rd_u16be(&r, &g);
	}
	return g;
}

static struct ike_disp rekey_answer(struct ike_sa *sa, struct ike_msg *m,
				    uint8_t num, const uint8_t *spi_r,
				    const struct ike_suite *s,
				    const uint8_t *nr, struct crypto_dh *dh)
{
	struct ike_enc *e = malloc(sizeof(*e));
	if (e == NULL)
		return ike_d_drop("out of memory");
	ike_enc_init(e);
	ike_sa_payload_encode_chosen(e, num, IKE_PROTO_IKE, spi_r, IKE_SPI_LEN,
				     s, false);
	ike_enc_nonce(e, nr, IKE_NONCE_LEN);
	enc_ke(e, dh);
	ike_sa_send_response(sa, m, e);
	free(e);
	return ike_d_ok();
}

struct ike_disp ike_rekey_ike_request(struct ike_sa *sa, struct ike_msg *m,
				      const struct ike_payload *sa_p)
{
	struct ike_prop props[16];
	struct ike_suite s;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_LEN], spi_r[IKE_SPI_LEN];
	size_t np, ni_len;

	if (!ike_sa_payload_decode(sa_p, props, 16, &np))
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad SA payload");
	int k = ike_choose_ike(props, np, sa->tun->cfg.ike, sa->tun->cfg.n_ike,
			       &s);
	if (k < 0 || props[k].spi_size != IKE_SPI_LEN)
		return ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN, "no IKE proposal");
	uint16_t g = ke_group(m);
	if (g != s.dh) {
		struct ike_disp d = ike_d_notify(IKE_N_INVALID_KE_PAYLOAD,
						 "KE group differs");
		d.data[0] = s.dh >> 8;
		d.data[1] = s.dh & 0xff;
		d.data_len = 2;
		return d;
	}
	struct crypto_dh *dh = ike_dh_new(sa->ike, s.dh);
	struct secret *gir = read_ke(m, dh);
	if (gir == NULL || !read_nonce(m, ni, &ni_len) ||
	    !ike_random(sa->ike, nr, sizeof(nr)) ||
	    !ike_random(sa->ike, spi_r, sizeof(spi_r))) {
		secret_free(gir);
		crypto_dh_free(dh);
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad KE or nonce");
	}
	struct ike_sa *nsa = rekey_new_sa(sa, false, props[k].spi, spi_r, &s,
					  gir, ni, ni_len, nr, sizeof(nr));
	secret_free(gir);
	if (nsa == NULL) {
		crypto_dh_free(dh);
		return ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN, "rekey failed");
	}
	if (sa->out.kind == IKE_REQ_IKE_REKEY) {
		size_t ml = ni_len;
		const uint8_t *mn = ni;
		if (ike_nonce_cmp(nr, sizeof(nr), ni, ni_len) < 0) {
			mn = nr;
			ml = sizeof(nr);
		}
		sa->out.collided = true;
		memcpy(sa->out.coll_nonce, mn, ml);
		sa->out.coll_nonce_len = ml;
		sa->out.coll_sa = nsa;
		vlog(VLOG_INFO, "ike", sa->ctx, "IKE SA rekey collision");
	}
	rekey_switch(sa, nsa);
	struct ike_disp d = rekey_answer(sa, m, props[k].num, spi_r, &s, nr, dh);
	crypto_dh_free(dh);
	return d;
}

static struct ike_disp rekey_error(struct ike_sa *sa, const struct ike_notify *n)
{
	struct rd r = n->data;
	uint16_t g;
	ike_sa_count_error(sa, n->type);
	vlog(VLOG_WARN, "ike", sa->ctx, "IKE SA rekey refused: %s",
	     ike_notify_name(n->type));
	int64_t wait = REKEY_RETRY_MS;
	if (n->type == IKE_N_INVALID_KE_PAYLOAD && rd_u16be(&r, &g) &&
	    crypto_dh_supported(g) && g != sa->tun->dh_hint) {
		sa->tun->dh_hint = g;
		wait = 0;
	}
	if (sa->state == IKE_SA_ESTABLISHED)
		loop_timer_arm_ms(sa->ike->loop, &sa->rekey_timer, wait);
	return ike_d_ok();
}

struct ike_disp ike_rekey_ike_response(struct ike_sa *sa, struct ike_msg *m,
				       struct ike_request *req)
{
	struct ike_prop props[2];
	struct ike_suite s;
	struct ike_notify n;
	uint8_t nr[IKE_NONCE_MAX];
	size_t np, nr_len;

	if (ike_msg_error_notify(m, &n) != NULL)
		return rekey_error(sa, &n);
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);
	if (sa_p == NULL || !ike_sa_payload_decode(sa_p, props, 2, &np) ||
	    np != 1 || props[0].spi_size != IKE_SPI_LEN ||
	    !ike_accept_ike(&props[0], sa->tun->cfg.ike, sa->tun->cfg.n_ike,
			    &s) ||
	    !read_nonce(m, nr, &nr_len))
		return ike_d_delete(IKE_N_NO_PROPOSAL_CHOSEN, "bad IKE rekey answer");
	struct secret *gir = read_ke(m, req->dh);
	if (gir == NULL)
		return ike_d_delete(IKE_N_INVALID_KE_PAYLOAD, "bad KE in rekey");
	struct ike_sa *nsa = rekey_new_sa(sa, true, req->new_ike_spi,
					  props[0].spi, &s, gir, req->nonce,
					  req->nonce_len, nr, nr_len);
	secret_free(gir);
	if (nsa == NULL)
		return ike_d_delete(0, "IKE rekey failed");
	if (req->collided) {
		size_t ml = req->nonce_len;
		const uint8_t *mn = req->nonce;
		if (ike_nonce_cmp(nr, nr_len, mn, ml) < 0) {
			mn = nr;
			ml = nr_len;
		}
		if (ike_nonce_cmp(mn, ml, req->coll_nonce, req->coll_nonce_len) < 0) {
			/* Ours holds the lowest nonce: it is redundant. */
			vlog(VLOG_INFO, "ike", nsa->ctx,
			     "IKE rekey collision: this new IKE SA is redundant");
			nsa->tun = sa->tun;
			ike_sa_set_state(nsa, IKE_SA_REKEYED, "redundant");
			ike_info_send_delete_ike(nsa);
			return ike_d_ok();
		}
		/* Theirs is redundant; they delete it. Take the children. */
		if (req->coll_sa != NULL)
			ike_sa_move_children(req->coll_sa, nsa);
		if (sa->tun->sa != nsa)
			sa->tun->sa = nsa;
	} else {
		rekey_switch(sa, nsa);
	}
	if (sa->state == IKE_SA_ESTABLISHED)
		ike_sa_set_state(sa, IKE_SA_REKEYED, "replaced");
	ike_info_send_delete_ike(sa);
	return ike_d_ok();
}
