/*
 * Configured tunnels: configuration checks, identities, the tunnel state
 * (DOWN / CONNECTING / UP, reported through the tunnel_state hook), the
 * initiation mode and the reconnect policy.
 *
 * A tunnel taken down by DPD with action "clear" is not re-initiated
 * automatically (whatever the initiation mode) until it comes up again
 * through the peer or ike_tunnel_initiate(); "restart" re-initiates.
 *
 * Initiation modes: START and DEFAULT initiate at once and reconnect after
 * a failure (backoff 1, 2, 4 ... 30 s); INITIATOR_ONLY too, but never
 * answers an IKE_SA_INIT; ADD and RESPONDER_ONLY wait for the peer, and
 * only a DPD action "restart" makes them initiate (RESPONDER_ONLY never).
 *
 * Simultaneous initiation: both ends may end up with two IKE SAs for one
 * tunnel. When the second one is established, the one whose lower nonce
 * is the lowest is deleted (both ends compute the same), so one survives.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

#define RECONNECT_MAX_MS 30000

const char *ike_tunnel_state_name(enum ike_tunnel_state st)
{
	switch (st) {
	case IKE_TUNNEL_DOWN:
		return "DOWN";
	case IKE_TUNNEL_CONNECTING:
		return "CONNECTING";
	case IKE_TUNNEL_UP:
		return "UP";
	}
	return "?";
}

void ike_tunnel_config_defaults(struct ike_tunnel_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	ike_profile_apply(cfg, "aws-default");
	cfg->ike_port = IKE_PORT;
	cfg->natt_port = IKE_NATT_PORT;
	cfg->dpd_action = IKE_DPD_RESTART;
	cfg->initiation = IKE_INIT_DEFAULT;
}

static bool suites_ok(const struct ike_tunnel_config *c)
{
	for (size_t i = 0; i < c->n_ike; i++) {
		const struct ike_ike_proposal *p = &c->ike[i];
		if (!crypto_cipher_supported(p->encr, p->encr_bits, p->integ) ||
		    !crypto_prf_supported(p->prf) || !crypto_dh_supported(p->dh))
			return false;
	}
	for (size_t i = 0; i < c->n_esp + c->n_esp_accept; i++) {
		const struct ike_esp_proposal *p =
			i < c->n_esp ? &c->esp[i] : &c->esp_accept[i - c->n_esp];
		if (!crypto_cipher_supported(p->encr, p->encr_bits, p->integ) ||
		    (p->pfs_dh && !crypto_dh_supported(p->pfs_dh)) || p->esn > 1)
			return false;
	}
	return true;
}

static bool config_valid(const struct ike_tunnel_config *c)
{
	return c->name[0] != '\0' && c->local.family == AF_INET &&
	       c->remote.family == AF_INET && c->psk != NULL &&
	       c->psk->len > 0 && c->n_ike > 0 && c->n_esp > 0 &&
	       c->n_ike <= IKE_MAX_PROPOSALS && c->n_esp <= IKE_MAX_PROPOSALS &&
	       c->n_esp_accept <= IKE_MAX_PROPOSALS && suites_ok(c);
}

struct ike_tunnel *ike_tunnel_find(struct ike *ike, const char *name)
{
	for (struct ike_tunnel *t = ike->tunnels; t != NULL; t = t->next)
		if (strcmp(t->cfg.name, name) == 0)
			return t;
	return NULL;
}

struct ike_tunnel *ike_tunnel_match(struct ike *ike,
				    const struct ike_endpoint *local,
				    const struct ike_endpoint *remote)
{
	for (struct ike_tunnel *t = ike->tunnels; t != NULL; t = t->next)
		if (ip_addr_eq(&t->cfg.remote, &remote->addr) &&
		    ip_addr_eq(&t->cfg.local, &local->addr))
			return t;
	return NULL;
}

static bool may_initiate(const struct ike_tunnel *t)
{
	return t->cfg.initiation == IKE_INIT_START ||
	       t->cfg.initiation == IKE_INIT_DEFAULT ||
	       t->cfg.initiation == IKE_INIT_INITIATOR_ONLY;
}

bool ike_tunnel_may_respond(const struct ike_tunnel *t)
{
	return t->cfg.initiation != IKE_INIT_INITIATOR_ONLY;
}

void ike_tunnel_set_state(struct ike_tunnel *t, enum ike_tunnel_state st,
			  const char *reason)
{
	if (t->state == st)
		return;
	vlog(VLOG_INFO, "ike", t->cfg.name, "tunnel %s -> %s (%s)",
	     ike_tunnel_state_name(t->state), ike_tunnel_state_name(st), reason);
	t->state = st;
	if (st == IKE_TUNNEL_UP)
		t->up_since = loop_now(t->ike->loop);
	else if (st == IKE_TUNNEL_DOWN)
		t->up_since = (struct vtime){ 0 };
	if (t->ike->hooks->tunnel_state != NULL && !t->ike->freeing)
		t->ike->hooks->tunnel_state(t->ike->arg, t->cfg.name, st, reason);
}

void ike_tunnel_note_error(struct ike_tunnel *t, const char *code,
			   const char *why)
{
	if (t != NULL)
		snprintf(t->last_error, sizeof(t->last_error), "%s: %s", code,
			 why);
}

static void reconnect_fn(void *arg)
{
	struct ike_tunnel *t = arg;
	if (t->sa == NULL && !t->admin_down)
		ike_sa_init_start(t);
}

static void schedule_reconnect(struct ike_tunnel *t)
{
	int64_t ms = 1000LL << (t->reconnect_tries < 5 ? t->reconnect_tries : 5);
	if (ms > RECONNECT_MAX_MS)
		ms = RECONNECT_MAX_MS;
	t->reconnect_tries++;
	loop_timer_arm_ms(t->ike->loop, &t->reconnect_timer, ms);
}

/* Another live IKE SA of this tunnel (simultaneous initiation). */
static struct ike_sa *other_sa(struct ike_tunnel *t, struct ike_sa *not)
{
	for (struct ike_sa *s = t->ike->sas; s != NULL; s = s->next)
		if (s != not && s->tun == t && s->state == IKE_SA_ESTABLISHED)
			return s;
	return NULL;
}

void ike_tunnel_sa_gone(struct ike_tunnel *t, struct ike_sa *sa, bool restart,
			const char *reason)
{
	if (t->sa != NULL && t->sa != sa)
		return;
	t->sa = other_sa(t, sa);
	if (t->sa != NULL)
		return;
	char buf[200];
	snprintf(buf, sizeof(buf), "%s", reason);
	ike_tunnel_set_state(t, IKE_TUNNEL_DOWN, buf);
	if (restart && t->cfg.initiation != IKE_INIT_RESPONDER_ONLY)
		t->retrying = true;
	bool again = (may_initiate(t) && !t->dpd_cleared) || t->retrying;
	if (again && !t->admin_down)
		schedule_reconnect(t);
}

static const uint8_t *sa_min_nonce(const struct ike_sa *sa, size_t *len)
{
	if (ike_nonce_cmp(sa->ni, sa->ni_len, sa->nr, sa->nr_len) <= 0) {
		*len = sa->ni_len;
		return sa->ni;
	}
	*len = sa->nr_len;
	return sa->nr;
}

void ike_tunnel_sa_up(struct ike_tunnel *t, struct ike_sa *sa)
{
	struct ike_sa *cur = t->sa;
	if (cur != NULL && cur != sa && cur->state == IKE_SA_ESTABLISHED) {
		size_t la, lb;
		const uint8_t *a = sa_min_nonce(sa, &la);
		const uint8_t *b = sa_min_nonce(cur, &lb);
		struct ike_sa *loser = ike_nonce_cmp(a, la, b, lb) < 0 ? sa : cur;
		struct ike_sa *winner = loser == sa ? cur : sa;
		vlog(VLOG_INFO, "ike", t->cfg.name,
		     "duplicate IKE SA (simultaneous initiation): deleting %s",
		     loser->ctx);
		t->sa = winner;
		ike_info_send_delete_ike(loser);
	} else {
		if (cur != NULL && cur != sa && cur->state != IKE_SA_DEAD &&
		    cur->initiator && cur->state != IKE_SA_ESTABLISHED)
			vlog(VLOG_INFO, "ike", t->cfg.name,
			     "peer's IKE SA came up first; ours continues");
		t->sa = sa;
	}
	t->reconnect_tries = 0;
	t->retrying = false;
	t->dpd_cleared = false;
	t->last_error[0] = '\0';
	loop_timer_cancel(t->ike->loop, &t->reconnect_timer);
	char buf[128];
	ike_suite_fmt(&t->sa->suite, true, buf, sizeof(buf));
	ike_tunnel_set_state(t, IKE_TUNNEL_UP, buf);
}

/* ---- identities (RFC 7296 3.5) ---- */

static void id_of(const struct ike_tunnel *t, bool local, uint8_t *type,
		  uint8_t *data, size_t *len)
{
	const struct ike_id *id = local ? &t->cfg.local_id : &t->cfg.remote_id;
	const struct ip_addr *a = local ? &t->cfg.local : &t->cfg.remote;
	if (id->type == IKE_IDT_FQDN) {
		*type = IKE_ID_FQDN;
		*len = strnlen(id->value, sizeof(id->value));
		memcpy(data, id->value, *len);
		return;
	}
	struct ip_addr parsed;
	if (id->type == IKE_IDT_IPV4_ADDR && ip_addr_parse(id->value, &parsed) &&
	    parsed.family == AF_INET)
		a = &parsed;
	*type = IKE_ID_IPV4_ADDR;
	*len = 4;
	memcpy(data, a->a, 4);
}

/* | ID Type | RESERVED (3) | Identification Data | */
void ike_id_encode(struct ike_enc *e, uint8_t ptype, const struct ike_tunnel *t,
		   bool local)
{
	uint8_t type, data[IKE_ID_MAX];
	size_t len;
	id_of(t, local, &type, data, &len);
	size_t s = ike_enc_begin(e, ptype);
	wr_u8(&e->w, type);
	wr_zero(&e->w, 3);
	wr_bytes(&e->w, data, len);
	ike_enc_end(e, s);
}

bool ike_id_matches(const struct ike_tunnel *t, const struct ike_payload *p)
{
	uint8_t want_type, want[IKE_ID_MAX], type;
	size_t want_len;
	struct rd r = p->body;
	id_of(t, false, &want_type, want, &want_len);
	if (!rd_u8(&r, &type) || !rd_skip(&r, 3))
		return false;
	bool ok = type == want_type && rd_left(&r) == want_len &&
		  memcmp(rd_cur(&r), want, want_len) == 0;
	if (!ok)
		vlog(VLOG_WARN, "ike", t->cfg.name,
		     "peer ID (type %u, %zu bytes) differs from the configured remote ID (type %u)",
		     type, rd_left(&r), want_type);
	return ok;
}

/* ---- API ---- */

int ike_tunnel_add(struct ike *ike, const struct ike_tunnel_config *cfg)
{
	if (!config_valid(cfg))
		return -EINVAL;
	if (ike_tunnel_find(ike, cfg->name) != NULL)
		return -EEXIST;
	struct ike_tunnel *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return -ENOMEM;
	t->ike = ike;
	t->cfg = *cfg;
	t->cfg.name[IKE_NAME_MAX - 1] = '\0';
	t->psk = secret_dup(cfg->psk->p, cfg->psk->len);
	if (t->psk == NULL) {
		free(t);
		return -ENOMEM;
	}
	t->cfg.psk = t->psk;
	if (t->cfg.ike_port == 0)
		t->cfg.ike_port = IKE_PORT;
	if (t->cfg.natt_port == 0)
		t->cfg.natt_port = IKE_NATT_PORT;
	loop_timer_init(&t->reconnect_timer, reconnect_fn, t);
	t->next = ike->tunnels;
	ike->tunnels = t;
	vlog(VLOG_INFO, "ike", t->cfg.name, "tunnel added (%zu IKE, %zu ESP suites)",
	     t->cfg.n_ike, t->cfg.n_esp);
	if (may_initiate(t))
		ike_sa_init_start(t);
	return 0;
}

/* Destroys every IKE SA of t, sending DELETE for established ones. */
static void tunnel_drop_sas(struct ike_tunnel *t, bool send_delete)
{
	struct ike *ike = t->ike;
	for (struct ike_sa *sa = ike->sas, *next; sa != NULL; sa = next) {
		next = sa->next;
		if (sa->tun != t)
			continue;
		if (send_delete)
			ike_info_send_delete_ike(sa);
		ike_sa_destroy(sa);
	}
}

int ike_tunnel_remove(struct ike *ike, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(ike, name);
	if (t == NULL)
		return -ENOENT;
	t->admin_down = true;
	tunnel_drop_sas(t, true);
	loop_timer_cancel(ike->loop, &t->reconnect_timer);
	for (struct ike_tunnel **pp = &ike->tunnels; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	ike_tunnel_set_state(t, IKE_TUNNEL_DOWN, "removed");
	secret_free(t->psk);
	free(t);
	return 0;
}

int ike_tunnel_initiate(struct ike *ike, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(ike, name);
	if (t == NULL)
		return -ENOENT;
	t->admin_down = false;
	t->dpd_cleared = false;
	if (t->sa != NULL && t->sa->state != IKE_SA_DEAD)
		return -EALREADY;
	if (t->cfg.initiation == IKE_INIT_RESPONDER_ONLY)
		return -EPERM;
	return ike_sa_init_start(t) ? 0 : -ENOMEM;
}

int ike_tunnel_terminate(struct ike *ike, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(ike, name);
	if (t == NULL)
		return -ENOENT;
	t->admin_down = true;
	t->retrying = false;
	loop_timer_cancel(ike->loop, &t->reconnect_timer);
	for (struct ike_sa *sa = ike->sas; sa != NULL; sa = sa->next)
		if (sa->tun == t && !ike_info_send_delete_ike(sa))
			ike_sa_kill(sa, "terminated");
	t->sa = NULL;
	ike_tunnel_set_state(t, IKE_TUNNEL_DOWN, "terminated");
	return 0;
}

void ike_shutdown_all(struct ike *ike)
{
	for (struct ike_tunnel *t = ike->tunnels; t != NULL; t = t->next) {
		t->admin_down = true;
		loop_timer_cancel(ike->loop, &t->reconnect_timer);
		for (struct ike_sa *sa = ike->sas; sa != NULL; sa = sa->next)
			if (sa->tun == t)
				ike_info_send_delete_ike(sa);
	}
}

enum ike_tunnel_state ike_tunnel_get_state(struct ike *ike, const char *name)
{
	struct ike_tunnel *t = ike_tunnel_find(ike, name);
	return t != NULL ? t->state : IKE_TUNNEL_DOWN;
}

void ike_tunnels_free(struct ike *ike)
{
	while (ike->tunnels != NULL) {
		struct ike_tunnel *t = ike->tunnels;
		ike->tunnels = t->next;
		tunnel_drop_sas(t, false);
		loop_timer_cancel(ike->loop, &t->reconnect_timer);
		secret_free(t->psk);
		free(t);
	}
}

void ike_tunnel_initial_contact(struct ike_tunnel *t, struct ike_sa *keep)
{
	for (struct ike_sa *sa = t->ike->sas; sa != NULL; sa = sa->next) {
		if (sa == keep || sa->tun != t || (sa->state != IKE_SA_ESTABLISHED &&
						      sa->state != IKE_SA_REKEYED))
			continue;
		/* Normally the peer restarted and lost this SA. But in a
		 * simultaneous initiation the peer may still hold it, so it
		 * is deleted with a DELETE rather than forgotten silently. */
		vlog(VLOG_INFO, "ike", sa->ctx,
		     "INITIAL_CONTACT: deleting the older IKE SA");
		while (sa->children != NULL)
			ike_child_remove(sa, sa->children);
		if (t->sa == sa)
			t->sa = NULL;
		if (!ike_info_send_delete_ike(sa))
			ike_sa_kill(sa, "replaced after INITIAL_CONTACT");
	}
}
