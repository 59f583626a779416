/*
 * INFORMATIONAL exchanges (RFC 7296 1.4, 2.4, 3.11): liveness checks and
 * deletion of IKE and Child SAs.
 *
 *   HDR, SK {}                     <-->  HDR, SK {}          (DPD)
 *   HDR, SK {D(IKE)}                -->  <-- HDR, SK {}
 *   HDR, SK {D(ESP, spi...)}        -->  <-- HDR, SK {D(ESP, our spi...)}
 *
 * A Child SA delete names the sender's inbound SPIs; the answer names the
 * matching SPIs of the other direction, except for SAs the answering side
 * is already deleting itself (simultaneous delete, 1.4.1).
 */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

static void enc_delete_esp(struct ike_enc *e, const uint32_t *spis, size_t n)
{
	size_t s = ike_enc_begin(e, IKE_P_D);
	wr_u8(&e->w, IKE_PROTO_ESP);
	wr_u8(&e->w, 4);
	wr_u16be(&e->w, (uint16_t)n);
	for (size_t i = 0; i < n; i++)
		wr_u32be(&e->w, spis[i]);
	ike_enc_end(e, s);
}

static bool info_send(struct ike_sa *sa, enum ike_req_kind kind,
		      void (*fill)(struct ike_enc *e, const void *arg),
		      const void *arg)
{
	struct ike_enc *e = malloc(sizeof(*e));
	bool ok;
	if (e == NULL)
		return false;
	ike_enc_init(e);
	if (fill != NULL)
		fill(e, arg);
	ok = ike_sa_send_request(sa, IKE_X_INFORMATIONAL, kind, e);
	free(e);
	return ok;
}

bool ike_info_send_dpd(struct ike_sa *sa)
{
	vlog(VLOG_DEBUG, "ike", sa->ctx, "DPD: probing idle peer");
	return info_send(sa, IKE_REQ_DPD, NULL, NULL);
}

static void fill_delete_ike(struct ike_enc *e, const void *arg)
{
	(void)arg;
	size_t s = ike_enc_begin(e, IKE_P_D);
	wr_u8(&e->w, IKE_PROTO_IKE);
	wr_u8(&e->w, 0);
	wr_u16be(&e->w, 0);
	ike_enc_end(e, s);
}

bool ike_info_send_delete_ike(struct ike_sa *sa)
{
	if (sa->state != IKE_SA_ESTABLISHED && sa->state != IKE_SA_REKEYED &&
	    sa->state != IKE_SA_AUTH_SENT)
		return false;
	if (sa->out.kind != IKE_REQ_NONE) {
		/* Window size 1: drop what is outstanding, delete wins. */
		loop_timer_cancel(sa->ike->loop, &sa->out.timer);
		ike_request_clear(&sa->out);
	}
	if (!info_send(sa, IKE_REQ_DELETE_IKE, fill_delete_ike, NULL))
		return false;
	ike_sa_set_state(sa, IKE_SA_DELETING, "DELETE sent");
	return true;
}

static void fill_delete_child(struct ike_enc *e, const void *arg)
{
	enc_delete_esp(e, arg, 1);
}

bool ike_info_send_delete_child(struct ike_sa *sa, struct ike_child *c)
{
	uint32_t spi = c->spi_in;
	if (!info_send(sa, IKE_REQ_DELETE_CHILD, fill_delete_child, &spi))
		return false;
	sa->out.delete_spi = spi;
	ike_child_set_state(c, IKE_CHILD_DELETING, "DELETE sent");
	return true;
}

/* Deletes the children named in a D(ESP) payload; collects our SPIs. */
static void info_delete_children(struct ike_sa *sa, struct rd r,
				 uint32_t *ours, size_t *n_ours, size_t max)
{
	uint16_t n;
	if (!rd_u16be(&r, &n))
		return;
	for (uint16_t i = 0; i < n; i++) {
		uint32_t spi;
		if (!rd_u32be(&r, &spi))
			return;
		struct ike_child *c = ike_child_find_out(sa, spi);
		if (c == NULL)
			continue;
		if (c->state != IKE_CHILD_DELETING && *n_ours < max)
			ours[(*n_ours)++] = c->spi_in;
		ike_child_remove(sa, c);
	}
}

struct ike_disp ike_info_request(struct ike_sa *sa, struct ike_msg *m)
{
	uint32_t ours[64];
	size_t n_ours = 0;
	bool delete_ike = false;
	for (size_t i = 0; i < m->n; i++) {
		const struct ike_payload *p = &m->pl[i];
		uint8_t proto, spi_size;
		struct rd r = p->body;
		if (p->type != IKE_P_D || !rd_u8(&r, &proto) ||
		    !rd_u8(&r, &spi_size))
			continue;
		if (proto == IKE_PROTO_IKE)
			delete_ike = true;
		else if (proto == IKE_PROTO_ESP && spi_size == 4)
			info_delete_children(sa, r, ours, &n_ours, 64);
	}
	struct ike_enc *e = malloc(sizeof(*e));
	if (e == NULL)
		return ike_d_drop("out of memory");
	ike_enc_init(e);
	if (n_ours && !delete_ike)
		enc_delete_esp(e, ours, n_ours);
	ike_sa_send_response(sa, m, e);
	free(e);
	if (delete_ike) {
		vlog(VLOG_INFO, "ike", sa->ctx, "IKE SA deleted by peer");
		if (sa->tun != NULL && sa->tun->sa == sa)
			ike_tunnel_sa_gone(sa->tun, sa, false,
					   "IKE SA deleted by peer");
		ike_sa_kill(sa, "deleted by peer");
	}
	return ike_d_ok();
}

struct ike_disp ike_info_response(struct ike_sa *sa, struct ike_msg *m,
				  struct ike_request *req)
{
	(void)m;
	switch (req->kind) {
	case IKE_REQ_DELETE_IKE:
		ike_sa_kill(sa, "DELETE acknowledged");
		break;
	case IKE_REQ_DELETE_CHILD: {
		struct ike_child *c = ike_child_find_in(sa, req->delete_spi);
		if (c != NULL)
			ike_child_remove(sa, c);
		break;
	}
	default:
		break; /* DPD answered: the peer is alive */
	}
	return ike_d_ok();
}
