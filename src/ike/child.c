/*
 * Child SAs (ESP, tunnel mode): traffic selectors (RFC 7296 2.9, 3.13),
 * SPI allocation, and handing keys to the daemon through the hooks.
 *
 * vgw is route-based: by default both sides' selectors are 0.0.0.0/0 and
 * the routing table decides what enters the tunnel. A responder narrows
 * the peer's selectors to its configured ones (intersection) and answers
 * TS_UNACCEPTABLE only when nothing is left; an initiator accepts an
 * answer that intersects what it asked for.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

struct ts4 {
	uint32_t start, end; /* host order, inclusive */
};

static void prefix_default(const struct ip_prefix *cfg, struct ip_prefix *p)
{
	if (cfg->addr.family == AF_INET) {
		*p = *cfg;
		return;
	}
	memset(p, 0, sizeof(*p));
	p->addr.family = AF_INET;
	p->len = 0;
}

void ike_ts_local(const struct ike_tunnel *t, struct ip_prefix *p)
{
	prefix_default(&t->cfg.local_ts, p);
}

void ike_ts_remote(const struct ike_tunnel *t, struct ip_prefix *p)
{
	prefix_default(&t->cfg.remote_ts, p);
}

static struct ts4 ts_of_prefix(const struct ip_prefix *p)
{
	uint32_t a = ip_addr_v4_host(&p->addr);
	uint32_t mask = p->len == 0 ? 0 : 0xffffffffu << (32 - p->len);
	return (struct ts4){ a & mask, (a & mask) | ~mask };
}

/*
 * Traffic Selector (RFC 7296 3.13.1):
 * |   TS Type     |IP Protocol ID*|       Selector Length         |
 * |           Start Port*         |           End Port*           |
 * ~                         Starting Address*                     ~
 * ~                         Ending Address*                       ~
 * The payload body starts with | Number of TSs | RESERVED (3) |.
 */
static void ts_encode_range(struct ike_enc *e, uint8_t type, struct ts4 r)
{
	size_t s = ike_enc_begin(e, type);
	wr_u8(&e->w, 1);
	wr_zero(&e->w, 3);
	wr_u8(&e->w, IKE_TS_IPV4_ADDR_RANGE);
	wr_u8(&e->w, 0);
	wr_u16be(&e->w, 16);
	wr_u16be(&e->w, 0);
	wr_u16be(&e->w, 0xffff);
	wr_u32be(&e->w, r.start);
	wr_u32be(&e->w, r.end);
	ike_enc_end(e, s);
}

void ike_ts_encode(struct ike_enc *e, uint8_t type, const struct ip_prefix *p)
{
	ts_encode_range(e, type, ts_of_prefix(p));
}

/* Union hull of the IPv4 selectors of a TS payload (others ignored). */
static bool ts_decode(const struct ike_payload *p, struct ts4 *out)
{
	struct rd r = p->body;
	uint8_t n;
	bool any = false;
	if (!rd_u8(&r, &n) || !rd_skip(&r, 3))
		return false;
	for (uint8_t i = 0; i < n; i++) {
		uint8_t type, proto;
		uint16_t len, sp, ep;
		struct rd b;
		if (!rd_u8(&r, &type) || !rd_u8(&r, &proto) ||
		    !rd_u16be(&r, &len) || len < 8 || !rd_sub(&r, len - 4, &b))
			return false;
		struct ts4 t;
		if (type != IKE_TS_IPV4_ADDR_RANGE || len != 16 ||
		    !rd_u16be(&b, &sp) || !rd_u16be(&b, &ep) ||
		    !rd_u32be(&b, &t.start) || !rd_u32be(&b, &t.end) ||
		    t.start > t.end)
			continue;
		if (!any) {
			*out = t;
		} else {
			if (t.start < out->start)
				out->start = t.start;
			if (t.end > out->end)
				out->end = t.end;
		}
		any = true;
	}
	return any && rd_done(&r);
}

static bool ts_intersect(struct ts4 a, struct ts4 b, struct ts4 *out)
{
	out->start = a.start > b.start ? a.start : b.start;
	out->end = a.end < b.end ? a.end : b.end;
	return out->start <= out->end;
}

static void ts_fmt(struct ts4 t, char *buf, size_t size)
{
	snprintf(buf, size, "%u.%u.%u.%u-%u.%u.%u.%u", t.start >> 24,
		 (t.start >> 16) & 255, (t.start >> 8) & 255, t.start & 255,
		 t.end >> 24, (t.end >> 16) & 255, (t.end >> 8) & 255,
		 t.end & 255);
}

/* TSi is the initiator's side, TSr the responder's (of this exchange). */
static struct ike_disp ts_match(struct ike_sa *sa, const struct ike_msg *m,
				bool we_initiated, struct ts4 *mine,
				struct ts4 *theirs)
{
	struct ip_prefix l, r;
	struct ts4 ti, tr;
	const struct ike_payload *pi = ike_msg_find(m, IKE_P_TSi, 0);
	const struct ike_payload *pr = ike_msg_find(m, IKE_P_TSr, 0);
	if (pi == NULL || pr == NULL || !ts_decode(pi, &ti) ||
	    !ts_decode(pr, &tr))
		return ike_d_notify(IKE_N_TS_UNACCEPTABLE,
				    "no usable IPv4 traffic selectors");
	ike_ts_local(sa->tun, &l);
	ike_ts_remote(sa->tun, &r);
	struct ts4 want_l = ts_of_prefix(&l), want_r = ts_of_prefix(&r);
	struct ts4 got_l = we_initiated ? ti : tr, got_r = we_initiated ? tr : ti;
	if (!ts_intersect(want_l, got_l, mine) ||
	    !ts_intersect(want_r, got_r, theirs)) {
		char a[40], b[40], c[40], d[40];
		ts_fmt(got_l, a, sizeof(a));
		ts_fmt(got_r, b, sizeof(b));
		ts_fmt(want_l, c, sizeof(c));
		ts_fmt(want_r, d, sizeof(d));
		vlog(VLOG_WARN, "ike", sa->ctx,
		     "TS_UNACCEPTABLE: peer has local %s remote %s, we want local %s remote %s",
		     a, b, c, d);
		return ike_d_notify(IKE_N_TS_UNACCEPTABLE,
				    "traffic selectors do not intersect");
	}
	return ike_d_ok();
}

struct ike_disp ike_ts_check(struct ike_sa *sa, const struct ike_msg *m,
			     bool we_are_initiator)
{
	struct ts4 a, b;
	return ts_match(sa, m, we_are_initiator, &a, &b);
}

void ike_ts_encode_answer(struct ike_sa *sa, const struct ike_msg *m,
			  struct ike_enc *e)
{
	struct ts4 mine, theirs;
	if (ts_match(sa, m, false, &mine, &theirs).kind != IKE_D_OK)
		return;
	ts_encode_range(e, IKE_P_TSi, theirs);
	ts_encode_range(e, IKE_P_TSr, mine);
}

const struct ike_esp_proposal *ike_child_accept_list(const struct ike_tunnel *t,
						     struct ike_esp_proposal *buf,
						     size_t *n)
{
	memcpy(buf, t->cfg.esp, t->cfg.n_esp * sizeof(*buf));
	memcpy(buf + t->cfg.n_esp, t->cfg.esp_accept,
	       t->cfg.n_esp_accept * sizeof(*buf));
	*n = t->cfg.n_esp + t->cfg.n_esp_accept;
	return buf;
}

/* ---- Child SA objects ---- */

static bool spi_in_use(struct ike *ike, uint32_t spi)
{
	for (struct ike_sa *sa = ike->sas; sa != NULL; sa = sa->next)
		for (struct ike_child *c = sa->children; c != NULL; c = c->next)
			if (c->spi_in == spi)
				return true;
	return false;
}

uint32_t ike_child_new_spi(struct ike *ike)
{
	uint32_t spi = 0;
	/* SPIs 1-255 are reserved (RFC 4303 2.1). */
	for (int i = 0; i < 64; i++)
		if (ike_random(ike, &spi, sizeof(spi)) && spi >= 256 &&
		    !spi_in_use(ike, spi))
			return spi;
	return 0x100u + (uint32_t)(ike->stats.tx & 0xffffff);
}

struct ike_child *ike_child_find_out(struct ike_sa *sa, uint32_t spi_out)
{
	for (struct ike_child *c = sa->children; c != NULL; c = c->next)
		if (c->spi_out == spi_out)
			return c;
	return NULL;
}

struct ike_child *ike_child_find_in(struct ike_sa *sa, uint32_t spi_in)
{
	for (struct ike_child *c = sa->children; c != NULL; c = c->next)
		if (c->spi_in == spi_in)
			return c;
	return NULL;
}

static const char *child_state_name(enum ike_child_state st)
{
	static const char *const names[] = { "INSTALLED", "REKEYING",
					     "REKEYED", "DELETING" };
	return (unsigned)st < 4 ? names[st] : "?";
}

/*
 * INSTALLED -> REKEYING (our rekey out) -> INSTALLED (refused, retry later)
 * INSTALLED/REKEYING -> REKEYED (replaced; its DELETE follows)
 * any -> DELETING (our DELETE out); removal is ike_child_remove().
 */
void ike_child_set_state(struct ike_child *c, enum ike_child_state st,
			 const char *why)
{
	if (c->state == st)
		return;
	vlog(VLOG_INFO, "ike", c->sa->ctx, "Child SA %08x: %s -> %s (%s)",
	     c->spi_in, child_state_name(c->state), child_state_name(st), why);
	c->state = st;
}

/*
 * exch_initiator: we sent the request of the exchange that created the
 * child, so our outbound keys are the i->r half of KEYMAT.
 */
struct ike_child *ike_child_install(struct ike_sa *sa, uint32_t spi_in,
				    uint32_t spi_out, const struct ike_suite *s,
				    const struct ike_child_keymat *km,
				    bool exch_initiator)
{
	struct ike *ike = sa->ike;
	struct ike_child *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	bool rekey = sa->children != NULL || sa->tun->up_since.ns != 0;
	c->spi_in = spi_in;
	c->spi_out = spi_out;
	c->suite = *s;
	c->sa = sa;
	c->state = IKE_CHILD_INSTALLED;
	c->established = loop_now(ike->loop);
	ike_timers_child_init(c);
	c->next = sa->children;
	sa->children = c;
	struct ike_child_sa_keys k = {
		.spi_in = spi_in,
		.spi_out = spi_out,
		.encr = s->encr,
		.encr_bits = s->encr_bits,
		.integ = s->integ,
		.esn = s->esn,
		.encr_in = exch_initiator ? km->encr_r : km->encr_i,
		.integ_in = exch_initiator ? km->integ_r : km->integ_i,
		.encr_out = exch_initiator ? km->encr_i : km->encr_r,
		.integ_out = exch_initiator ? km->integ_i : km->integ_r,
		.encap = ike_nat_encap(sa),
		.local = sa->local,
		.remote = sa->remote,
		.replay_window = sa->tun->cfg.replay_window,
		.rekey = rekey,
	};
	char buf[96];
	ike_suite_fmt(s, false, buf, sizeof(buf));
	vlog(VLOG_INFO, "ike", sa->ctx, "Child SA up: in %08x out %08x %s%s",
	     spi_in, spi_out, buf, k.encap ? " UDP-encap" : "");
	if (ike->hooks->child_up != NULL)
		ike->hooks->child_up(ike->arg, sa->tun->cfg.name, &k);
	ike_timers_child_started(sa, c);
	return c;
}

void ike_child_remove(struct ike_sa *sa, struct ike_child *c)
{
	struct ike *ike = sa->ike;
	ike_timers_child_stop(sa, c);
	if (sa->out.old_child == c)
		sa->out.old_child = NULL;
	for (struct ike_child **pp = &sa->children; *pp != NULL;
	     pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	vlog(VLOG_INFO, "ike", sa->ctx, "Child SA down: in %08x out %08x",
	     c->spi_in, c->spi_out);
	if (ike->hooks->child_down != NULL && sa->tun != NULL && !ike->freeing)
		ike->hooks->child_down(ike->arg, sa->tun->cfg.name, c->spi_in,
				       c->spi_out);
	free(c);
}
