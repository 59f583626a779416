/*
 * The IKE SA object: creation, lookup, the state machine's one transition
 * function, and sending requests (with retransmission, see timers.c) and
 * responses (cached, so a retransmitted request gets the same answer,
 * RFC 7296 2.1).
 *
 * States (initiator path on the left, responder on the right):
 *
 *   NEW --IKE_SA_INIT req sent--> INIT_SENT      NEW --answered--> INIT_DONE
 *   INIT_SENT --reply ok, IKE_AUTH sent--> AUTH_SENT
 *   AUTH_SENT --reply authenticated--> ESTABLISHED <--AUTH ok-- INIT_DONE
 *   ESTABLISHED --replaced by a rekeyed IKE SA--> REKEYED
 *   any --our DELETE sent--> DELETING
 *   any --failure, peer DELETE, timeout--> DEAD (freed from a timer)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

const char *ike_sa_state_name(enum ike_sa_state st)
{
	static const char *const names[] = {
		"NEW", "INIT_SENT", "INIT_DONE", "AUTH_SENT",
		"ESTABLISHED", "REKEYED", "DELETING", "DEAD",
	};
	return (unsigned)st < sizeof(names) / sizeof(names[0]) ? names[st]
								: "?";
}

/* allowed[from] is a bit set of the states reachable from 'from'. */
static const unsigned sa_allowed[] = {
	[IKE_SA_NEW] = 1u << IKE_SA_INIT_SENT | 1u << IKE_SA_INIT_DONE |
		       1u << IKE_SA_ESTABLISHED /* rekeyed in */ |
		       1u << IKE_SA_DEAD,
	[IKE_SA_INIT_SENT] = 1u << IKE_SA_AUTH_SENT | 1u << IKE_SA_DEAD |
			     1u << IKE_SA_INIT_SENT,
	[IKE_SA_INIT_DONE] = 1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DEAD,
	[IKE_SA_AUTH_SENT] = 1u << IKE_SA_ESTABLISHED | 1u << IKE_SA_DEAD |
			     1u << IKE_SA_DELETING,
	[IKE_SA_ESTABLISHED] = 1u << IKE_SA_REKEYED | 1u << IKE_SA_DELETING |
			       1u << IKE_SA_DEAD,
	[IKE_SA_REKEYED] = 1u << IKE_SA_DELETING | 1u << IKE_SA_DEAD,
	[IKE_SA_DELETING] = 1u << IKE_SA_DEAD,
	[IKE_SA_DEAD] = 1u << IKE_SA_DEAD,
};

void ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state st, const char *why)
{
	if (sa->state == st && st != IKE_SA_INIT_SENT)
		return;
	if (!(sa_allowed[sa->state] & (1u << st)))
		vlog(VLOG_ERR, "ike", sa->ctx, "BUG: transition %s -> %s",
		     ike_sa_state_name(sa->state), ike_sa_state_name(st));
	vlog(VLOG_INFO, "ike", sa->ctx, "state %s -> %s (%s)",
	     ike_sa_state_name(sa->state), ike_sa_state_name(st), why);
	sa->state = st;
}

void ike_sa_update_ctx(struct ike_sa *sa)
{
	char a[17], b[17];
	for (size_t i = 0; i < 8; i++) {
		snprintf(a + 2 * i, 3, "%02x", sa->spi_i[i]);
		snprintf(b + 2 * i, 3, "%02x", sa->spi_r[i]);
	}
	size_t n = 0;
	const char *name = sa->tun ? sa->tun->cfg.name : "-";
	n = strnlen(name, 40);
	memcpy(sa->ctx, name, n);
	sa->ctx[n++] = ' ';
	memcpy(sa->ctx + n, a, 16);
	n += 16;
	sa->ctx[n++] = '/';
	memcpy(sa->ctx + n, b, 16);
	sa->ctx[n + 16] = '\0';
}

bool ike_random(struct ike *ike, void *buf, size_t len)
{
	if (ike->seams.rng != NULL)
		return ike->seams.rng(ike->seams.arg, buf, len);
	return crypto_random(buf, len);
}

struct crypto_dh *ike_dh_new(struct ike *ike, uint16_t group)
{
	uint8_t priv[80];
	size_t len = sizeof(priv);
	struct crypto_dh *dh = NULL;
	if (ike->seams.dh_private != NULL &&
	    ike->seams.dh_private(ike->seams.arg, group, priv, &len))
		dh = crypto_dh_new_private(group, priv, len);
	else
		dh = crypto_dh_new(group);
	secret_cleanse(priv, sizeof(priv));
	return dh;
}

static void sa_free_timer_fn(void *arg)
{
	ike_sa_destroy(arg);
}

struct ike_sa *ike_sa_new(struct ike *ike, struct ike_tunnel *tun,
			  bool initiator)
{
	struct ike_sa *sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return NULL;
	sa->ike = ike;
	sa->tun = tun;
	sa->initiator = initiator;
	uint8_t *mine = initiator ? sa->spi_i : sa->spi_r;
	do {
		if (!ike_random(ike, mine, IKE_SPI_LEN)) {
			free(sa);
			return NULL;
		}
	} while (memcmp(mine, "\0\0\0\0\0\0\0\0", 8) == 0);
	loop_timer_init(&sa->free_timer, sa_free_timer_fn, sa);
	ike_timers_init(sa);
	sa->next = ike->sas;
	ike->sas = sa;
	ike_sa_update_ctx(sa);
	return sa;
}

void ike_request_clear(struct ike_request *req)
{
	free(req->pkt);
	crypto_dh_free(req->dh);
	secret_cleanse(req->nonce, sizeof(req->nonce));
	struct loop_timer t = req->timer;
	memset(req, 0, sizeof(*req));
	req->timer = t;
}

void ike_sa_destroy(struct ike_sa *sa)
{
	struct ike *ike = sa->ike;
	ike_timers_stop(sa);
	loop_timer_cancel(ike->loop, &sa->free_timer);
	loop_timer_cancel(ike->loop, &sa->out.timer);
	while (sa->children != NULL)
		ike_child_remove(sa, sa->children);
	for (struct ike_sa **pp = &ike->sas; *pp != NULL; pp = &(*pp)->next)
		if (*pp == sa) {
			*pp = sa->next;
			break;
		}
	if (sa->tun != NULL && sa->tun->sa == sa)
		sa->tun->sa = NULL;
	for (struct ike_sa *o = ike->sas; o != NULL; o = o->next)
		if (o->out.coll_sa == sa)
			o->out.coll_sa = NULL;
	if (sa->counted_half_open && ike->half_open > 0)
		ike->half_open--;
	ike_request_clear(&sa->out);
	ike_keys_free(&sa->keys);
	crypto_cipher_free(sa->c_out);
	crypto_cipher_free(sa->c_in);
	crypto_dh_free(sa->dh);
	free(sa->init_req);
	free(sa->init_resp);
	free(sa->last_resp);
	secret_cleanse(sa->ni, sizeof(sa->ni));
	secret_cleanse(sa->nr, sizeof(sa->nr));
	free(sa);
}

void ike_sa_kill(struct ike_sa *sa, const char *reason)
{
	if (sa->state == IKE_SA_DEAD)
		return;
	ike_sa_set_state(sa, IKE_SA_DEAD, reason);
	ike_timers_stop(sa);
	loop_timer_cancel(sa->ike->loop, &sa->out.timer);
	loop_timer_arm_ms(sa->ike->loop, &sa->free_timer, 0);
}

struct ike_sa *ike_sa_find(struct ike *ike, const uint8_t *spi_i,
			   const uint8_t *spi_r, bool we_are_initiator)
{
	static const uint8_t zero[IKE_SPI_LEN];
	for (struct ike_sa *sa = ike->sas; sa != NULL; sa = sa->next) {
		if (sa->state == IKE_SA_DEAD || sa->initiator != we_are_initiator)
			continue;
		const uint8_t *mine = we_are_initiator ? sa->spi_i : sa->spi_r;
		const uint8_t *peer = we_are_initiator ? sa->spi_r : sa->spi_i;
		const uint8_t *m_mine = we_are_initiator ? spi_i : spi_r;
		const uint8_t *m_peer = we_are_initiator ? spi_r : spi_i;
		if (memcmp(mine, m_mine, IKE_SPI_LEN) != 0)
			continue;
		if (memcmp(peer, zero, IKE_SPI_LEN) != 0 &&
		    memcmp(peer, m_peer, IKE_SPI_LEN) != 0)
			continue;
		return sa;
	}
	return NULL;
}

struct ike_sa *ike_sa_find_init(struct ike *ike, const uint8_t *spi_i,
				const struct ike_endpoint *remote)
{
	for (struct ike_sa *sa = ike->sas; sa != NULL; sa = sa->next)
		if (!sa->initiator && sa->state != IKE_SA_DEAD &&
		    memcmp(sa->spi_i, spi_i, IKE_SPI_LEN) == 0 &&
		    ip_addr_eq(&sa->remote.addr, &remote->addr))
			return sa;
	return NULL;
}

bool ike_sa_install_ciphers(struct ike_sa *sa)
{
	const struct ike_keys *k = &sa->keys;
	const struct secret *eo = sa->initiator ? k->sk_ei : k->sk_er;
	const struct secret *ao = sa->initiator ? k->sk_ai : k->sk_ar;
	const struct secret *ei = sa->initiator ? k->sk_er : k->sk_ei;
	const struct secret *ai = sa->initiator ? k->sk_ar : k->sk_ai;
	uint16_t integ = sa->suite.integ;
	crypto_cipher_free(sa->c_out);
	crypto_cipher_free(sa->c_in);
	sa->c_out = crypto_cipher_new(sa->suite.encr, sa->suite.encr_bits, integ,
				      CRYPTO_ENCRYPT, eo->p,
				      integ ? ao->p : NULL);
	sa->c_in = crypto_cipher_new(sa->suite.encr, sa->suite.encr_bits, integ,
				     CRYPTO_DECRYPT, ei->p,
				     integ ? ai->p : NULL);
	sa->iv_counter = 0;
	return sa->c_out != NULL && sa->c_in != NULL;
}

void ike_send_raw(struct ike *ike, const struct ike_endpoint *local,
		  const struct ike_endpoint *remote, const uint8_t *pkt,
		  size_t len)
{
	ike->stats.tx++;
	if (ike->io->send(ike->arg, local, remote, pkt, len) < 0)
		vlog(VLOG_DEBUG, "ike", "-", "send failed");
}

static bool sa_build(struct ike_sa *sa, const struct ike_hdr *h,
		     const struct ike_enc *e, uint8_t **pkt, size_t *len)
{
	*pkt = malloc(IKE_MAX_MSG);
	if (*pkt == NULL)
		return false;
	bool ok = h->exchange == IKE_X_IKE_SA_INIT
			  ? ike_msg_assemble(h, e, *pkt, IKE_MAX_MSG, len)
			  : ike_sk_seal(sa, h, e, *pkt, IKE_MAX_MSG, len);
	if (!ok) {
		free(*pkt);
		*pkt = NULL;
	}
	return ok;
}

static void sa_hdr(const struct ike_sa *sa, struct ike_hdr *h, uint8_t x,
		   bool response, uint32_t msg_id)
{
	memset(h, 0, sizeof(*h));
	memcpy(h->spi_i, sa->spi_i, IKE_SPI_LEN);
	memcpy(h->spi_r, sa->spi_r, IKE_SPI_LEN);
	h->version = IKE_VERSION;
	h->exchange = x;
	h->flags = (sa->initiator ? IKE_FLAG_INITIATOR : 0) |
		   (response ? IKE_FLAG_RESPONSE : 0);
	h->msg_id = msg_id;
}

bool ike_sa_send_request(struct ike_sa *sa, uint8_t exchange,
			 enum ike_req_kind kind, const struct ike_enc *e)
{
	struct ike_hdr h;
	if (sa->out.kind != IKE_REQ_NONE)
		return false;
	sa_hdr(sa, &h, exchange, false, sa->req_msg_id);
	if (!sa_build(sa, &h, e, &sa->out.pkt, &sa->out.len))
		return false;
	sa->out.kind = kind;
	sa->out.exchange = exchange;
	sa->out.msg_id = sa->req_msg_id++;
	sa->out.tries = 0;
	sa->out.first_sent = loop_now(sa->ike->loop);
	vlog(VLOG_DEBUG, "ike", sa->ctx, "sending %s request #%u",
	     ike_exchange_name(exchange), sa->out.msg_id);
	ike_send_raw(sa->ike, &sa->local, &sa->remote, sa->out.pkt,
		     sa->out.len);
	ike_timers_request_sent(sa);
	return true;
}

bool ike_sa_send_response(struct ike_sa *sa, const struct ike_msg *m,
			  const struct ike_enc *e)
{
	struct ike_hdr h;
	uint8_t *pkt;
	size_t len;
	sa_hdr(sa, &h, m->h.exchange, true, m->h.msg_id);
	if (!sa_build(sa, &h, e, &pkt, &len))
		return false;
	free(sa->last_resp);
	sa->last_resp = pkt;
	sa->last_resp_len = len;
	sa->last_resp_id = m->h.msg_id;
	sa->has_last_resp = true;
	sa->peer_msg_id = m->h.msg_id + 1;
	ike_send_raw(sa->ike, &sa->local, &sa->remote, pkt, len);
	return true;
}

void ike_send_init_notify(struct ike *ike, const struct ike_msg *m,
			  const struct ike_endpoint *local,
			  const struct ike_endpoint *remote, uint16_t type,
			  const uint8_t *data, size_t len)
{
	struct ike_enc *e = malloc(sizeof(*e));
	uint8_t *pkt = malloc(IKE_MAX_MSG);
	struct ike_hdr h = m->h;
	size_t plen;
	if (e != NULL && pkt != NULL) {
		ike_enc_init(e);
		ike_enc_notify(e, 0, NULL, 0, type, data, len);
		memset(h.spi_r, 0, IKE_SPI_LEN);
		h.flags = IKE_FLAG_RESPONSE;
		if (ike_msg_assemble(&h, e, pkt, IKE_MAX_MSG, &plen)) {
			ike_send_raw(ike, local, remote, pkt, plen);
			if (type < 64)
				ike->stats.notify_tx[type]++;
		}
	}
	free(e);
	free(pkt);
}

void ike_sa_count_error(struct ike_sa *sa, uint16_t notify)
{
	if (notify < 64) {
		sa->errors[notify]++;
		sa->ike->stats.notify_rx[notify]++;
		if (sa->tun != NULL)
			sa->tun->errors[notify]++;
	}
}

void ike_sa_move_children(struct ike_sa *from, struct ike_sa *to)
{
	while (from->children != NULL) {
		struct ike_child *c = from->children;
		from->children = c->next;
		c->sa = to;
		c->next = to->children;
		to->children = c;
	}
}

int ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	int r = memcmp(a, b, alen < blen ? alen : blen);
	if (r != 0)
		return r;
	return alen < blen ? -1 : alen > blen;
}
