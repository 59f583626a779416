/*
 * Export: the Adj-RIB-Out, update packing, MRAI and End-of-RIB.
 *
 * When a prefix's best path changes, its rnode is appended to the queue of
 * every Established peer (except when nothing can change for that peer).
 * A flush takes the queue in chunks, decides per prefix what the peer
 * should have (export rules + policy, cached per source attribute set),
 * compares with rnode->adv (what the peer has), groups the announcements
 * of a chunk by exported attribute set and packs as many prefixes per
 * UPDATE as fit in 4096 octets; withdrawals are packed the same way.
 *
 * Flow control: a flush stops while the peer's output buffer holds more
 * than out_limit bytes and resumes when the socket drains, so a slow peer
 * costs at most out_limit bytes plus its queue (8 bytes per prefix).
 *
 * MRAI (RFC 4271 9.2.1.1): with mrai_ms > 0 a peer gets at most one burst
 * per interval (per peer, not per prefix, like BIRD and OpenBGPD). The
 * default is 0: vgw peers are few, and tests and convergence want updates
 * at once; RFC 4271 suggests 30 s for eBGP, configurable here.
 */
#include "bgp/bgp_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK BGP_EXPORT_CHUNK
#define DEFAULT_OUT_LIMIT (4u << 20)


static bool queue_push(struct bgp_peer *p, struct bgp_rnode *rn)
{
	if (p->qlen == p->qcap) {
		size_t nc = p->qcap ? p->qcap * 2 : 1024;
		struct bgp_rnode **n = realloc(p->q, nc * sizeof(*n));
		if (n == NULL)
			return false;
		p->q = n;
		p->qcap = nc;
	}
	p->q[p->qlen++] = rn;
	return true;
}

void bgp_export_queue(struct bgp *bgp, struct bgp_rnode *rn, uint8_t from_src)
{
	for (int i = 1; i < BGP_NSRC; i++) {
		struct bgp_peer *p = bgp->peers[i];
		if (p == NULL || p->state != BGP_ESTABLISHED)
			continue;
		/* The source of the best path gets nothing unless it was sent
		 * this prefix before (then it needs a withdrawal). */
		if (from_src == i && !(rn->adv & (1u << i)))
			continue;
		queue_push(p, rn);
	}
}

void bgp_export_full(struct bgp_peer *p, int family)
{
	/* A full pass of this family queued and not started yet covers this
	 * request too, so a peer repeating ROUTE-REFRESH cannot grow the
	 * queue without bound. */
	int i = family == AF_INET6 ? 1 : 0;
	if ((p->full_pending & (1 << i)) && p->qhead <= p->full_start[i])
		return;
	p->full_pending |= (uint8_t)(1 << i);
	p->full_start[i] = p->qlen;
	size_t pos = 0;
	struct bgp_rnode *rn;
	while ((rn = bgp_rib_next(&p->bgp->rib, &pos)) != NULL) {
		if (rn->af == family && (rn->paths != NULL || (rn->adv & (1u << p->slot))))
			queue_push(p, rn);
	}
}

static void xcache_clear(struct bgp_peer *p)
{
	struct bgp_attr_table *t = &p->bgp->rib.attrs;
	for (size_t i = 0; i < BGP_EXPORT_CACHE; i++) {
		struct bgp_xcache *x = &p->xc[i];
		bgp_attrs_unref(t, x->src);
		bgp_attrs_unref(t, x->out);
		free(x->enc);
		memset(x, 0, sizeof(*x));
	}
}

void bgp_export_reset(struct bgp_peer *p)
{
	xcache_clear(p);
	p->qhead = p->qlen = 0;
	p->full_pending = 0;
	if (p->qcap > 65536) {
		free(p->q);
		p->q = NULL;
		p->qcap = 0;
	}
	p->eor_pending = false;
}

void bgp_export_peer_down(struct bgp_peer *p)
{
	uint32_t bit = 1u << p->slot;
	size_t pos = p->st.advertised == 0 ? SIZE_MAX : 0;
	struct bgp_rnode *rn;
	while ((rn = bgp_rib_next(&p->bgp->rib, &pos)) != NULL)
		rn->adv &= ~bit;
	p->st.advertised = 0;
	bgp_export_reset(p);
}

static const struct bgp_xcache *xcache_get(struct bgp_peer *p,
					   struct bgp_attrs *src,
					   const struct bgp_src *from)
{
	struct bgp *bgp = p->bgp;
	size_t h = ((uintptr_t)src >> 4) % BGP_EXPORT_CACHE;
	struct bgp_xcache *x = &p->xc[h];
	if (x->src == src)
		return x;
	struct bgp_attrs out;
	if (!bgp_policy_export(p, src, from, &out, &bgp->scratch))
		return NULL;
	struct bgp_attrs *in = bgp_attrs_intern(&bgp->rib.attrs, &out);
	if (in == NULL)
		return NULL;
	uint8_t enc[BGP_MAX_MSG];
	struct wr w;
	wr_init(&w, enc, sizeof(enc) - 64);
	uint8_t *copy = NULL;
	if (!bgp_attrs_encode(&w, in, p->as4) ||
	    (copy = malloc(wr_len(&w) ? wr_len(&w) : 1)) == NULL) {
		bgp_attrs_unref(&bgp->rib.attrs, in);
		return NULL;
	}
	memcpy(copy, enc, wr_len(&w));
	bgp_attrs_unref(&bgp->rib.attrs, x->src);
	bgp_attrs_unref(&bgp->rib.attrs, x->out);
	free(x->enc);
	x->src = bgp_attrs_ref(src);
	x->out = in;
	x->enc = copy;
	x->enc_len = wr_len(&w);
	return x;
}

static bool comm_has(const struct bgp_attrs *a, uint32_t c)
{
	for (size_t i = 0; i < a->n_comm; i++) {
		if (a->comm[i] == c)
			return true;
	}
	return false;
}

/* What the peer should have for rn: an export cache entry or NULL. */
static const struct bgp_xcache *export_eval(struct bgp_peer *p,
					    struct bgp_rnode *rn)
{
	struct bgp_rpath *best = bgp_rnode_best(rn);
	if (best == NULL || best->src == p->slot)
		return NULL;
	if (rn->af == AF_INET ? !p->v4 : !p->v6)
		return NULL;
	const struct bgp_src *from = &p->bgp->rib.src[best->src];
	const struct bgp_attrs *a = best->attrs;
	if (!from->ebgp && !from->local && !p->ebgp)
		return NULL; /* RFC 4271 9.2: no iBGP -> iBGP (no reflection) */
	if (comm_has(a, BGP_COMM_NO_ADVERTISE) ||
	    (p->ebgp && comm_has(a, BGP_COMM_NO_EXPORT)))
		return NULL; /* RFC 1997 */
	if (p->ebgp && bgp_aspath_contains(a, p->cfg.remote_as))
		return NULL; /* the peer would drop it as a loop */
	struct ip_prefix pfx;
	bgp_rnode_prefix(rn, &pfx);
	if (!bgp_policy_prefix_ok(&p->cfg.export, &pfx))
		return NULL;
	return xcache_get(p, best->attrs, from);
}

static int ann_cmp(const void *a, const void *b)
{
	const struct bgp_ann *x = a, *y = b;
	if (x->x != y->x)
		return (uintptr_t)x->x < (uintptr_t)y->x ? -1 : 1;
	return 0;
}

static size_t rn_nlri_size(const struct bgp_rnode *rn)
{
	return 1 + ((size_t)rn->len + 7) / 8;
}

static void put_rn(struct wr *w, const struct bgp_rnode *rn)
{
	wr_u8(w, rn->len);
	wr_bytes(w, rn->addr, ((size_t)rn->len + 7) / 8);
}

/* Packs withdrawals of one family; returns entries consumed. */
static size_t emit_withdraw(struct bgp_peer *p, struct bgp_rnode **v, size_t n)
{
	struct bgp_conn *c = p->conn;
	uint8_t *buf = bgp_conn_reserve(c, BGP_MAX_MSG);
	if (buf == NULL)
		return n;
	struct wr w;
	wr_init(&w, buf, BGP_MAX_MSG);
	bool v6 = v[0]->af == AF_INET6;
	size_t off = bgp_header_begin(&w, BGP_MSG_UPDATE);
	size_t lenoff, mpoff = 0, i = 0;
	if (!v6) {
		lenoff = wr_reserve(&w, 2);
	} else {
		wr_u16be(&w, 0);
		lenoff = wr_reserve(&w, 2);
		mpoff = bgp_mp_unreach_begin(&w, BGP_AFI_IPV6);
	}
	size_t start = wr_len(&w);
	for (; i < n && wr_len(&w) + rn_nlri_size(v[i]) + 2 <= BGP_MAX_MSG; i++) {
		put_rn(&w, v[i]);
		v[i]->adv &= ~(1u << p->slot);
		p->st.advertised--;
	}
	if (!v6) {
		wr_patch_u16be(&w, lenoff, (uint16_t)(wr_len(&w) - start));
		wr_u16be(&w, 0);
	} else {
		bgp_mp_end(&w, mpoff);
		wr_patch_u16be(&w, lenoff, (uint16_t)(wr_len(&w) - lenoff - 2));
	}
	bgp_header_end(&w, off);
	bgp_conn_commit(c, wr_len(&w), BGP_MSG_UPDATE);
	return i;
}

/* Packs announcements sharing one attribute set; returns entries used. */
static size_t emit_announce(struct bgp_peer *p, const struct bgp_ann *v, size_t n)
{
	struct bgp_conn *c = p->conn;
	const struct bgp_xcache *x = v[0].x;
	uint8_t *buf = bgp_conn_reserve(c, BGP_MAX_MSG);
	if (buf == NULL)
		return n;
	struct wr w;
	wr_init(&w, buf, BGP_MAX_MSG);
	bool v6 = v[0].rn->af == AF_INET6;
	size_t off = bgp_header_begin(&w, BGP_MSG_UPDATE);
	wr_u16be(&w, 0);
	size_t lenoff = wr_reserve(&w, 2);
	wr_bytes(&w, x->enc, x->enc_len);
	size_t mpoff = v6 ? bgp_mp_reach_begin(&w, x->out) : 0;
	size_t attr_end = wr_len(&w);
	size_t i = 0;
	for (; i < n && v[i].x == x &&
	       wr_len(&w) + rn_nlri_size(v[i].rn) <= BGP_MAX_MSG; i++) {
		put_rn(&w, v[i].rn);
		uint32_t bit = 1u << p->slot;
		if (!(v[i].rn->adv & bit))
			p->st.advertised++;
		v[i].rn->adv |= bit;
	}
	if (v6) {
		bgp_mp_end(&w, mpoff);
		attr_end = wr_len(&w);
	}
	wr_patch_u16be(&w, lenoff, (uint16_t)(attr_end - lenoff - 2));
	if (!bgp_header_end(&w, off) || i == 0)
		return n; /* attributes alone do not fit: drop (logged once) */
	bgp_conn_commit(c, wr_len(&w), BGP_MSG_UPDATE);
	return i;
}

/* All n announcements (one attribute set) fit in a single UPDATE. */
static bool fits_one(const struct bgp_ann *v, size_t n)
{
	/* header 19 + lengths 4 + attributes + MP_REACH overhead (IPv6) */
	size_t size = 23 + v[0].x->enc_len + (v[0].rn->af == AF_INET6 ? 41 : 0);
	for (size_t i = 0; i < n && size <= BGP_MAX_MSG; i++)
		size += rn_nlri_size(v[i].rn);
	return size <= BGP_MAX_MSG;
}

static void emit_groups(struct bgp_peer *p, struct bgp_ann *ann, size_t n_ann,
			struct bgp_rnode **wd, size_t n_wd)
{
	/* Withdrawals first, each family packed separately. */
	size_t n4 = 0;
	for (size_t i = 0; i < n_wd; i++) {
		if (wd[i]->af == AF_INET) {
			struct bgp_rnode *t = wd[n4];
			wd[n4++] = wd[i];
			wd[i] = t;
		}
	}
	for (size_t i = 0; i < n4;)
		i += emit_withdraw(p, wd + i, n4 - i);
	for (size_t i = n4; i < n_wd;)
		i += emit_withdraw(p, wd + i, n_wd - i);
	qsort(ann, n_ann, sizeof(*ann), ann_cmp);
	size_t budget = CHUNK / 4;
	for (size_t i = 0; i < n_ann;) {
		size_t j = i;
		while (j < n_ann && ann[j].x == ann[i].x)
			j++;
		while (i < j) {
			/* The tail of a group that would leave an UPDATE half
			 * empty goes back to the queue to be packed with the
			 * next chunk (bounded, so every chunk makes progress). */
			if (p->qhead < p->qlen && j - i <= budget &&
			    fits_one(ann + i, j - i)) {
				budget -= j - i;
				for (size_t k = i; k < j; k++)
					p->q[--p->qhead] = ann[k].rn;
				i = j;
				break;
			}
			i += emit_announce(p, ann + i, j - i);
		}
	}
}

static void do_chunk(struct bgp_peer *p)
{
	struct bgp_ann *ann = p->bgp->xscratch.ann;
	struct bgp_rnode **wd = p->bgp->xscratch.wd;
	size_t n_ann = 0, n_wd = 0;
	uint32_t bit = 1u << p->slot;
	while (p->qhead < p->qlen && n_ann < CHUNK && n_wd < CHUNK) {
		struct bgp_rnode *rn = p->q[p->qhead++];
		const struct bgp_xcache *x = export_eval(p, rn);
		if (x != NULL)
			ann[n_ann++] = (struct bgp_ann){ x, rn };
		else if (rn->adv & bit)
			wd[n_wd++] = rn;
	}
	emit_groups(p, ann, n_ann, wd, n_wd);
}

static void send_eor(struct bgp_peer *p)
{
	struct bgp_conn *c = p->conn;
	p->eor_pending = false;
	if (!p->peer_gr)
		return; /* RFC 4724 2: only to peers that understand it */
	for (int af = 0; af < 2; af++) {
		if (af == 0 ? !p->v4 : !p->v6)
			continue;
		uint8_t *buf = bgp_conn_reserve(c, 64);
		if (buf == NULL)
			return;
		struct wr w;
		wr_init(&w, buf, 64);
		size_t off = bgp_header_begin(&w, BGP_MSG_UPDATE);
		wr_u16be(&w, 0);
		if (af == 0) {
			wr_u16be(&w, 0);
		} else {
			size_t l = wr_reserve(&w, 2);
			size_t mp = bgp_mp_unreach_begin(&w, BGP_AFI_IPV6);
			bgp_mp_end(&w, mp);
			wr_patch_u16be(&w, l, (uint16_t)(wr_len(&w) - l - 2));
		}
		bgp_header_end(&w, off);
		bgp_conn_commit(c, wr_len(&w), BGP_MSG_UPDATE);
	}
	vlog(VLOG_INFO, "bgp", p->ctx, "initial table sent (%llu prefixes), End-of-RIB",
	     (unsigned long long)p->st.advertised);
}

void bgp_export_flush(struct bgp_peer *p)
{
	struct bgp *bgp = p->bgp;
	struct bgp_conn *c = p->conn;
	if (p->state != BGP_ESTABLISHED || c == NULL ||
	    loop_timer_armed(&p->t_mrai))
		return;
	size_t limit = bgp->cfg.out_limit ? bgp->cfg.out_limit : DEFAULT_OUT_LIMIT;
	bool sent = false;
	while (p->qhead < p->qlen && bgp_conn_pending(c) < limit) {
		do_chunk(p);
		bgp_conn_flush(c);
		sent = true;
	}
	if (p->qhead < p->qlen)
		return; /* resumed on EPOLLOUT */
	p->qhead = p->qlen = 0;
	p->full_pending = 0;
	if (p->eor_pending)
		send_eor(p);
	bgp_conn_flush(c);
	if (sent && bgp->cfg.mrai_ms > 0)
		loop_timer_arm_ms(bgp->loop, &p->t_mrai, bgp->cfg.mrai_ms);
}

void bgp_export_flush_all(struct bgp *bgp)
{
	for (int i = 1; i < BGP_NSRC; i++) {
		if (bgp->peers[i] != NULL)
			bgp_export_flush(bgp->peers[i]);
	}
	bgp_gc_run(bgp);
}
