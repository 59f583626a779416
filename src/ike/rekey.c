/*
 * CREATE_CHILD_SA (RFC 7296 1.3, 2.8, 2.17, 2.18): rekeying Child SAs and
 * the IKE SA.
 *
 *   HDR, SK {N(REKEY_SA), SA, Ni, [KEi,] TSi, TSr}  -->   (Child SA rekey)
 *                         <--  HDR, SK {SA, Nr, [KEr,] TSi, TSr}
 *   HDR, SK {SA, Ni, KEi}                           -->   (IKE SA rekey)
 *                         <--  HDR, SK {SA, Nr, KEr}
 *
 * Child SA rekey: the new SA is installed (child_up, inbound first) before
 * the old one is deleted with an INFORMATIONAL exchange, so traffic never
 * has a gap. IKE SA rekey: the Child SAs move to the new IKE SA and the
 * initiator of the rekey deletes the old IKE SA.
 *
 * Collisions (2.8.1): if both ends rekey the same SA at once, each answers
 * the other's request, so two new SAs exist. The one created by the
 * exchange holding the lowest of the four nonces is redundant and is
 * deleted by the side that initiated that exchange; the other side deletes
 * the old SA. Both sides reach the same conclusion, so one SA survives.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

#define REKEY_RETRY_MS 2000

static uint32_t spi32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static bool nonce_read(const struct ike_msg *m, uint8_t *out, size_t *len)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_NONCE, 0);
	if (p == NULL)
		return false;
	struct rd r = p->body;
	*len = rd_left(&r);
	return *len >= 16 && *len <= IKE_NONCE_MAX && rd_bytes(&r, out, *len);
}

static bool ke_read(const struct ike_msg *m, uint16_t *group, struct rd *data)
{
	const struct ike_payload *p = ike_msg_find(m, IKE_P_KE, 0);
	uint16_t res;
	if (p == NULL)
		return false;
	*data = p->body;
	return rd_u16be(data, group) && rd_u16be(data, &res);
}

static void enc_ke_of(struct ike_enc *e, const struct crypto_dh *dh)
{
	uint8_t pub[600];
	uint16_t g = crypto_dh_group(dh);
	size_t len = crypto_dh_public_len(g);
	if (len <= sizeof(pub) && crypto_dh_public(dh, pub, len))
		ike_enc_ke(e, g, pub, len);
	else
		e->w.err = true;
}

/* Lowest nonce of an exchange: a pointer to the smaller of the two. */
static const uint8_t *min_nonce(const uint8_t *a, size_t al, const uint8_t *b,
				size_t bl, size_t *len)
{
	if (ike_nonce_cmp(a, al, b, bl) <= 0) {
		*len = al;
		return a;
	}
	*len = bl;
	return b;
}

/* ---- Child SA rekey, initiator ---- */

bool ike_rekey_child_start(struct ike_sa *sa, struct ike_child *c)
{
	const struct ike_tunnel_config *cfg = &sa->tun->cfg;
	struct ip_prefix l, r;
	uint8_t nonce[IKE_NONCE_LEN];
	uint8_t old[4] = { c->spi_in >> 24, c->spi_in >> 16, c->spi_in >> 8,
			   c->spi_in };
	uint16_t pfs = sa->tun->pfs_hint ? sa->tun->pfs_hint : cfg->esp[0].pfs_dh;
	struct crypto_dh *dh = NULL;
	struct ike_enc *e = NULL;
	bool ok = false;

	if (sa->out.kind != IKE_REQ_NONE || c->state != IKE_CHILD_INSTALLED)
		return false;
	uint32_t spi = ike_child_new_spi(sa->ike);
	if (!ike_random(sa->ike, nonce, sizeof(nonce)) ||
	    (pfs && (dh = ike_dh_new(sa->ike, pfs)) == NULL) ||
	    (e = malloc(sizeof(*e))) == NULL)
		goto out;
	ike_enc_init(e);
	ike_enc_notify(e, IKE_PROTO_ESP, old, 4, IKE_N_REKEY_SA, NULL, 0);
	ike_sa_payload_encode_esp(e, cfg->esp, cfg->n_esp, spi, pfs != 0);
	ike_enc_nonce(e, nonce, sizeof(nonce));
	if (dh != NULL)
		enc_ke_of(e, dh);
	ike_ts_local(sa->tun, &l);
	ike_ts_remote(sa->tun, &r);
	ike_ts_encode(e, IKE_P_TSi, &l);
	ike_ts_encode(e, IKE_P_TSr, &r);
	if (!ike_sa_send_request(sa, IKE_X_CREATE_CHILD_SA, IKE_REQ_CHILD_REKEY,
				 e))
		goto out;
	sa->out.dh = dh;
	dh = NULL;
	memcpy(sa->out.nonce, nonce, sizeof(nonce));
	sa->out.nonce_len = sizeof(nonce);
	sa->out.new_spi = spi;
	sa->out.old_child = c;
	ike_child_set_state(c, IKE_CHILD_REKEYING, "rekey sent");
	vlog(VLOG_INFO, "ike", sa->ctx, "rekeying Child SA %08x", c->spi_in);
	ok = true;
out:
	crypto_dh_free(dh);
	free(e);
	secret_cleanse(nonce, sizeof(nonce));
	return ok;
}

/* The DH part shared by both roles: NULL gir when there is no PFS. */
static struct ike_disp child_dh(const struct ike_msg *m, struct crypto_dh *dh,
				uint16_t want, struct secret **gir)
{
	uint16_t g;
	struct rd ke;
	*gir = NULL;
	bool has_ke = ke_read(m, &g, &ke);
	if (want == 0)
		return has_ke ? ike_d_notify(IKE_N_INVALID_SYNTAX, "unexpected KE")
			      : ike_d_ok();
	if (!has_ke || g != want || dh == NULL)
		return ike_d_notify(IKE_N_INVALID_KE_PAYLOAD, "KE group mismatch");
	*gir = crypto_dh_shared(dh, rd_cur(&ke), rd_left(&ke));
	return *gir != NULL ? ike_d_ok()
			    : ike_d_notify(IKE_N_INVALID_SYNTAX, "invalid KE value");
}

static void rekey_retry_later(struct ike_sa *sa, struct ike_child *c,
			      int64_t ms)
{
	if (c == NULL)
		return;
	ike_child_set_state(c, IKE_CHILD_INSTALLED, "rekey failed, retry");
	loop_timer_arm_ms(sa->ike->loop, &c->rekey_timer, ms);
}

static struct ike_disp child_rekey_error(struct ike_sa *sa,
					 const struct ike_notify *n,
					 struct ike_request *req)
{
	struct rd r = n->data;
	uint16_t g;
	ike_sa_count_error(sa, n->type);
	vlog(VLOG_WARN, "ike", sa->ctx, "Child SA rekey refused: %s",
	     ike_notify_name(n->type));
	if (req->collided && req->old_child != NULL) {
		/* The peer's rekey of the same SA went through: its new SA
		 * replaces the old one, which the peer deletes (2.8.1). */
		ike_child_set_state(req->old_child, IKE_CHILD_REKEYED,
				    "rekeyed by the peer meanwhile");
		return ike_d_ok();
	}
	int64_t wait = REKEY_RETRY_MS;
	if (n->type == IKE_N_INVALID_KE_PAYLOAD && rd_u16be(&r, &g) &&
	    crypto_dh_supported(g) && g != sa->tun->pfs_hint) {
		sa->tun->pfs_hint = g;
		wait = 0; /* RFC 7296 1.3: retry at once with that group */
	}
	rekey_retry_later(sa, req->old_child, wait);
	return ike_d_ok();
}

/* Collision: which new SA survives. True if ours (this exchange) does. */
static bool ours_survives(const struct ike_request *req, const uint8_t *nr,
			  size_t nr_len)
{
	size_t ml;
	const uint8_t *mn = min_nonce(req->nonce, req->nonce_len, nr, nr_len,
				      &ml);
	return ike_nonce_cmp(mn, ml, req->coll_nonce, req->coll_nonce_len) > 0;
}

static struct ike_disp child_rekey_done(struct ike_sa *sa, struct ike_msg *m,
					struct ike_request *req)
{
	struct ike_prop props[2];
	struct ike_suite s;
	struct ike_child_keymat km;
	struct secret *gir = NULL;
	uint8_t nr[IKE_NONCE_MAX];
	size_t np, nr_len;
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);
	bool pfs = req->dh != NULL;

	if (sa_p == NULL || !ike_sa_payload_decode(sa_p, props, 2, &np) ||
	    np != 1 || !nonce_read(m, nr, &nr_len) ||
	    !ike_accept_esp(&props[0], sa->tun->cfg.esp, sa->tun->cfg.n_esp,
			    pfs, &s)) {
		rekey_retry_later(sa, req->old_child, REKEY_RETRY_MS);
		return ike_d_drop("bad CREATE_CHILD_SA answer");
	}
	struct ike_disp d = child_dh(m, req->dh, s.dh, &gir);
	if (d.kind != IKE_D_OK ||
	    !ike_child_keys_derive(sa->suite.prf, sa->keys.sk_d, &s, gir,
				   req->nonce, req->nonce_len, nr, nr_len, &km)) {
		secret_free(gir);
		rekey_retry_later(sa, req->old_child, REKEY_RETRY_MS);
		return ike_d_drop("rekey key exchange failed");
	}
	secret_free(gir);
	struct ike_child *nc = ike_child_install(sa, req->new_spi,
						 spi32(props[0].spi), &s, &km,
						 true);
	ike_child_keymat_free(&km);
	sa->tun->child_rekeys++;
	if (req->collided && !ours_survives(req, nr, nr_len)) {
		vlog(VLOG_INFO, "ike", sa->ctx,
		     "rekey collision: our new Child SA is redundant");
		if (nc != NULL)
			ike_info_send_delete_child(sa, nc);
		return ike_d_ok();
	}
	if (req->collided) {
		struct ike_child *other = ike_child_find_in(sa, req->coll_child_spi);
		if (other != NULL)
			ike_child_set_state(other, IKE_CHILD_REKEYED,
						    "collision: peer deletes it");
	}
	if (req->old_child != NULL) {
		ike_child_set_state(req->old_child, IKE_CHILD_REKEYED,
				    "replaced");
		ike_info_send_delete_child(sa, req->old_child);
	}
	return ike_d_ok();
}

struct ike_disp ike_child_response(struct ike_sa *sa, struct ike_msg *m,
				   struct ike_request *req)
{
	struct ike_notify n;
	if (req->kind == IKE_REQ_IKE_REKEY)
		return ike_rekey_ike_response(sa, m, req);
	if (ike_msg_error_notify(m, &n) != NULL)
		return child_rekey_error(sa, &n, req);
	return child_rekey_done(sa, m, req);
}

/* ---- Child SA rekey, responder ---- */

static struct ike_disp child_choose(struct ike_sa *sa, const struct ike_msg *m,
				    struct ike_prop *props, size_t *np,
				    struct ike_suite *s, int *chosen)
{
	struct ike_esp_proposal acc[2 * IKE_MAX_PROPOSALS], same[2 * IKE_MAX_PROPOSALS];
	size_t n_acc, n_same = 0;
	uint16_t g = 0;
	struct rd ke;
	bool has_ke = ke_read(m, &g, &ke);
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);
	if (!ike_sa_payload_decode(sa_p, props, 16, np))
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad SA payload");
	ike_child_accept_list(sa->tun, acc, &n_acc);
	for (size_t i = 0; i < n_acc; i++)
		if (acc[i].pfs_dh == (has_ke ? g : 0))
			same[n_same++] = acc[i];
	int k = ike_choose_esp(props, *np, same, n_same, true, s);
	if (k < 0)
		k = ike_choose_esp(props, *np, acc, n_acc, true, s);
	if (k < 0) {
		char buf[512];
		ike_props_fmt(props, *np, buf, sizeof(buf));
		vlog(VLOG_WARN, "ike", sa->ctx,
		     "NO_PROPOSAL_CHOSEN for CREATE_CHILD_SA: peer offered %s",
		     buf);
		return ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN, "no ESP proposal");
	}
	if (s->dh != 0 && s->dh != g) {
		struct ike_disp d = ike_d_notify(IKE_N_INVALID_KE_PAYLOAD,
						 "PFS group differs");
		d.data[0] = s->dh >> 8;
		d.data[1] = s->dh & 0xff;
		d.data_len = 2;
		return d;
	}
	*chosen = k;
	return ike_d_ok();
}

static struct ike_disp child_rekey_request(struct ike_sa *sa, struct ike_msg *m,
					   const struct ike_notify *rk)
{
	struct ike_prop props[16];
	struct ike_suite s;
	struct ike_child_keymat km;
	struct secret *gir = NULL;
	struct crypto_dh *dh = NULL;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_LEN];
	size_t np, ni_len;

	if (rk->spi_size != 4 || rk->proto != IKE_PROTO_ESP)
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad REKEY_SA");
	struct ike_child *old = ike_child_find_out(sa, spi32(rk->spi));
	if (old == NULL)
		return ike_d_notify(IKE_N_CHILD_SA_NOT_FOUND, "rekey of unknown SA");
	if (old->state == IKE_CHILD_REKEYED || old->state == IKE_CHILD_DELETING)
		return ike_d_notify(IKE_N_TEMPORARY_FAILURE, "SA being deleted");
	int k = 0;
	struct ike_disp d = child_choose(sa, m, props, &np, &s, &k);
	if (d.kind != IKE_D_OK)
		return d;
	if (!nonce_read(m, ni, &ni_len) || !ike_random(sa->ike, nr, sizeof(nr)))
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad nonce");
	if (s.dh != 0 && (dh = ike_dh_new(sa->ike, s.dh)) == NULL)
		return ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN, "DH unavailable");
	d = child_dh(m, dh, s.dh, &gir);
	if (d.kind != IKE_D_OK ||
	    !ike_child_keys_derive(sa->suite.prf, sa->keys.sk_d, &s, gir, ni,
				   ni_len, nr, sizeof(nr), &km)) {
		crypto_dh_free(dh);
		secret_free(gir);
		return d.kind != IKE_D_OK ? d
					  : ike_d_notify(IKE_N_NO_PROPOSAL_CHOSEN,
							 "key derivation");
	}
	secret_free(gir);
	uint32_t spi_in = ike_child_new_spi(sa->ike);
	uint8_t spi_b[4] = { spi_in >> 24, spi_in >> 16, spi_in >> 8, spi_in };
	ike_child_install(sa, spi_in, spi32(props[k].spi), &s, &km, false);
	ike_child_keymat_free(&km);
	if (sa->out.kind == IKE_REQ_CHILD_REKEY && sa->out.old_child == old) {
		size_t ml;
		const uint8_t *mn = min_nonce(ni, ni_len, nr, sizeof(nr), &ml);
		sa->out.collided = true;
		memcpy(sa->out.coll_nonce, mn, ml);
		sa->out.coll_nonce_len = ml;
		sa->out.coll_child_spi = spi_in;
		vlog(VLOG_INFO, "ike", sa->ctx, "Child SA rekey collision");
	} else {
		ike_child_set_state(old, IKE_CHILD_REKEYED, "replaced by peer");
	}
	struct ike_enc *e = malloc(sizeof(*e));
	if (e != NULL) {
		ike_enc_init(e);
		ike_sa_payload_encode_chosen(e, props[k].num, IKE_PROTO_ESP,
					     spi_b, 4, &s, true);
		ike_enc_nonce(e, nr, sizeof(nr));
		if (dh != NULL)
			enc_ke_of(e, dh);
		ike_ts_encode_answer(sa, m, e);
		ike_sa_send_response(sa, m, e);
		free(e);
	}
	crypto_dh_free(dh);
	return ike_d_ok();
}

struct ike_disp ike_child_request(struct ike_sa *sa, struct ike_msg *m)
{
	struct ike_notify rk;
	struct ike_prop first;
	size_t n;
	const struct ike_payload *sa_p = ike_msg_find(m, IKE_P_SA, 0);
	if (sa->state != IKE_SA_ESTABLISHED)
		return ike_d_notify(IKE_N_TEMPORARY_FAILURE, "IKE SA not ready");
	if (sa_p == NULL || !ike_sa_payload_decode(sa_p, &first, 1, &n))
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "bad SA payload");
	if (first.proto == IKE_PROTO_IKE)
		return ike_rekey_ike_request(sa, m, sa_p);
	if (ike_msg_find_notify(m, IKE_N_REKEY_SA, &rk) != NULL)
		return child_rekey_request(sa, m, &rk);
	/* Route-based: one Child SA pair per tunnel (AWS allows no more). */
	return ike_d_notify(IKE_N_NO_ADDITIONAL_SAS, "extra Child SA refused");
}
