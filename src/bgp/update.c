/*
 * UPDATE decoding (RFC 4271 4.3) with RFC 7606 error handling.
 *
 *  +-----------------------------------------------------+
 *  |   Withdrawn Routes Length (2 octets)                |
 *  |   Withdrawn Routes (variable)                       |
 *  |   Total Path Attribute Length (2 octets)            |
 *  |   Path Attributes (variable)                        |
 *  |   Network Layer Reachability Information (variable) |
 *  +-----------------------------------------------------+
 *
 * Path attribute: | Flags (1) | Type (1) | Length (1 or 2) | Value |.
 *
 * Structure is checked by one descriptor table (flags, length rule, error
 * class) before meaning; each attribute decoder returns a disposition and
 * the worst one wins (RESET > TREAT_AS_WITHDRAW > DISCARD_ATTR > OK).
 */
#include "bgp/attr.h"

#include <string.h>

/* ---- NLRI ---- */

bool bgp_nlri_next(struct rd *r, uint8_t af, struct ip_prefix *p)
{
	uint8_t len;
	size_t max = af == AF_INET ? 32 : 128;
	if (!rd_peek_u8(r, &len) || len > max)
		return false;
	size_t n = ((size_t)len + 7) / 8;
	if (rd_left(r) < 1 + n)
		return false;
	rd_skip(r, 1);
	memset(p, 0, sizeof(*p));
	p->addr.family = af;
	p->len = len;
	rd_bytes(r, p->addr.a, n);
	if (len % 8 != 0) /* host bits beyond len are ignored */
		p->addr.a[n - 1] &= (uint8_t)(0xff << (8 - len % 8));
	return true;
}

bool bgp_nlri_put(struct wr *w, const struct ip_prefix *p)
{
	wr_u8(w, p->len);
	return wr_bytes(w, p->addr.a, ((size_t)p->len + 7) / 8);
}

size_t bgp_nlri_size(const struct ip_prefix *p)
{
	return 1 + ((size_t)p->len + 7) / 8;
}

/* Whole field parses as prefixes of af. */
static bool nlri_valid(const struct rd *field, uint8_t af)
{
	struct rd r = *field;
	struct ip_prefix p;
	while (!rd_done(&r)) {
		if (!bgp_nlri_next(&r, af, &p))
			return false;
	}
	return true;
}

/* ---- dispositions ---- */

static int severity(enum bgp_disp_kind k)
{
	switch (k) {
	case BGP_RESET:
		return 3;
	case BGP_TREAT_AS_WITHDRAW:
		return 2;
	case BGP_DISCARD_ATTR:
		return 1;
	default:
		return 0;
	}
}

static void note(struct bgp_update *u, enum bgp_disp_kind k, uint8_t sub,
		 uint8_t attr)
{
	if (k == BGP_DISCARD_ATTR)
		u->n_discarded++;
	if (severity(k) <= severity(u->disp.kind))
		return;
	u->disp.kind = k;
	u->disp.code = BGP_ERR_UPDATE;
	u->disp.sub = sub;
	u->disp.attr = attr;
	u->disp.data_len = 0;
}

static void note_reset(struct bgp_update *u, uint8_t sub, uint8_t attr,
		       const uint8_t *data, size_t len)
{
	if (u->disp.kind == BGP_RESET)
		return;
	u->disp = bgp_disp_reset(BGP_ERR_UPDATE, sub, data, len);
	u->disp.attr = attr;
}

/* ---- per-attribute decoders ---- */

struct dec {
	struct bgp_update *u;
	const struct bgp_decode_ctx *ctx;
	struct bgp_attr_buf *buf;
	const uint8_t *as4_path;   /* raw AS4_PATH value, merged at the end */
	uint16_t as4_path_len;
	uint32_t as4_aggr_as, as4_aggr_id;
	bool have_as4_aggr;
	const uint8_t *raw_attr;   /* whole current attribute for error data */
	size_t raw_len;
};

/* Decoders return the disposition for a malformed value. */
typedef enum bgp_disp_kind (*attr_dec_fn)(struct dec *d, struct rd *v);

static enum bgp_disp_kind dec_origin(struct dec *d, struct rd *v)
{
	uint8_t o;
	if (rd_left(v) != 1 || !rd_u8(v, &o) || o > BGP_ORIGIN_INCOMPLETE)
		return BGP_TREAT_AS_WITHDRAW; /* RFC 7606 7.1 */
	d->u->attrs.origin = o;
	return BGP_OK;
}

/*
 * Converts AS_PATH segments with asn_size-octet ASNs into the 4-octet form
 * in out. Returns bytes written, or -1 if malformed (RFC 7606 7.2: bad
 * segment type, zero-length segment, overrun).
 */
static int aspath_convert(struct rd *v, size_t asn_size, uint8_t *out,
			  size_t cap)
{
	struct wr w;
	wr_init(&w, out, cap);
	while (!rd_done(v)) {
		uint8_t type, n;
		if (!rd_u8(v, &type) || !rd_u8(v, &n) || n == 0 ||
		    type < BGP_AS_SET || type > BGP_AS_CONFED_SET ||
		    rd_left(v) < n * asn_size)
			return -1;
		wr_u8(&w, type);
		wr_u8(&w, n);
		for (unsigned i = 0; i < n; i++) {
			uint32_t asn = 0;
			if (asn_size == 2) {
				uint16_t a16;
				rd_u16be(v, &a16);
				asn = a16;
			} else {
				rd_u32be(v, &asn);
			}
			wr_u32be(&w, asn);
		}
	}
	return wr_ok(&w) ? (int)wr_len(&w) : -1;
}

static enum bgp_disp_kind dec_as_path(struct dec *d, struct rd *v)
{
	struct rd copy = *v;
	int n = aspath_convert(&copy, d->ctx->as4 ? 4 : 2, d->buf->aspath,
			       sizeof(d->buf->aspath));
	if (n < 0)
		return BGP_TREAT_AS_WITHDRAW;
	d->u->attrs.aspath = d->buf->aspath;
	d->u->attrs.aspath_len = (uint16_t)n;
	return BGP_OK;
}

static enum bgp_disp_kind dec_next_hop(struct dec *d, struct rd *v)
{
	uint32_t nh;
	if (rd_left(v) != 4 || !rd_u32be(v, &nh))
		return BGP_TREAT_AS_WITHDRAW;
	/* RFC 7606 7.3 / RFC 4271 6.3: semantically invalid next hop. */
	if (nh == 0 || nh == 0xffffffffu || (nh >> 28) == 0xe)
		return BGP_TREAT_AS_WITHDRAW;
	d->u->attrs.nexthop = ip_addr_v4(nh);
	return BGP_OK;
}

static enum bgp_disp_kind dec_u32(struct rd *v, uint32_t *out)
{
	if (rd_left(v) != 4 || !rd_u32be(v, out))
		return BGP_TREAT_AS_WITHDRAW;
	return BGP_OK;
}

static enum bgp_disp_kind dec_med(struct dec *d, struct rd *v)
{
	enum bgp_disp_kind k = dec_u32(v, &d->u->attrs.med);
	if (k == BGP_OK)
		d->u->attrs.flags |= BGP_A_MED;
	return k;
}

static enum bgp_disp_kind dec_local_pref(struct dec *d, struct rd *v)
{
	if (d->ctx->ebgp)
		return BGP_DISCARD_ATTR; /* RFC 7606 7.5 */
	enum bgp_disp_kind k = dec_u32(v, &d->u->attrs.local_pref);
	if (k == BGP_OK)
		d->u->attrs.flags |= BGP_A_LOCAL_PREF;
	return k;
}

static enum bgp_disp_kind dec_atomic(struct dec *d, struct rd *v)
{
	if (rd_left(v) != 0)
		return BGP_DISCARD_ATTR; /* RFC 7606 7.6 */
	d->u->attrs.flags |= BGP_A_ATOMIC;
	return BGP_OK;
}

static enum bgp_disp_kind dec_aggregator(struct dec *d, struct rd *v)
{
	uint32_t as, id;
	if (d->ctx->as4) {
		if (rd_left(v) != 8 || !rd_u32be(v, &as) || !rd_u32be(v, &id))
			return BGP_DISCARD_ATTR; /* RFC 7606 7.7 */
	} else {
		uint16_t as16;
		if (rd_left(v) != 6 || !rd_u16be(v, &as16) || !rd_u32be(v, &id))
			return BGP_DISCARD_ATTR;
		as = as16;
	}
	d->u->attrs.aggr_as = as;
	d->u->attrs.aggr_id = id;
	d->u->attrs.flags |= BGP_A_AGGREGATOR;
	return BGP_OK;
}

static enum bgp_disp_kind dec_communities(struct dec *d, struct rd *v)
{
	size_t n = rd_left(v) / 4;
	if (rd_left(v) == 0 || rd_left(v) % 4 != 0 || n > BGP_SCRATCH_COMM)
		return BGP_TREAT_AS_WITHDRAW; /* RFC 7606 7.8 */
	for (size_t i = 0; i < n; i++)
		rd_u32be(v, &d->buf->comm[i]);
	d->u->attrs.comm = d->buf->comm;
	d->u->attrs.n_comm = (uint16_t)n;
	return BGP_OK;
}

static enum bgp_disp_kind dec_originator(struct dec *d, struct rd *v)
{
	enum bgp_disp_kind k = dec_u32(v, &d->u->attrs.originator_id);
	if (k == BGP_OK)
		d->u->attrs.flags |= BGP_A_ORIGINATOR;
	return k;
}

static enum bgp_disp_kind dec_cluster_list(struct dec *d, struct rd *v)
{
	/* RFC 7606 7.10; validated only: this speaker does not reflect. */
	if (rd_left(v) == 0 || rd_left(v) % 4 != 0)
		return BGP_TREAT_AS_WITHDRAW;
	return BGP_OK;
}

/*
 * RFC 4760 3:
 *  | AFI (2) | SAFI (1) | NH len (1) | Next Hop (var) | Reserved (1) | NLRI |
 * RFC 7606 7.11: a malformed MP_REACH_NLRI resets the session.
 */
static enum bgp_disp_kind dec_mp_reach(struct dec *d, struct rd *v)
{
	struct bgp_update *u = d->u;
	uint8_t nhlen, res;
	const uint8_t *nh;
	if (!rd_u16be(v, &u->reach_afi) || !rd_u8(v, &u->reach_safi) ||
	    !rd_u8(v, &nhlen) || !rd_ptr(v, nhlen, &nh) || !rd_u8(v, &res))
		return BGP_RESET;
	u->mp_reach = true;
	u->reach_nlri = *v;
	if (u->reach_safi != BGP_SAFI_UNICAST)
		return BGP_OK; /* not negotiated: ignored by the session */
	if (u->reach_afi == BGP_AFI_IPV6) {
		if (nhlen != 16 && nhlen != 32)
			return BGP_RESET;
		u->mp_nh.family = AF_INET6;
		memcpy(u->mp_nh.a, nh, 16);
		if (nhlen == 32) {
			u->mp_nh_ll.family = AF_INET6;
			memcpy(u->mp_nh_ll.a, nh + 16, 16);
		}
		return nlri_valid(v, AF_INET6) ? BGP_OK : BGP_RESET;
	}
	if (u->reach_afi == BGP_AFI_IPV4) {
		if (nhlen != 4)
			return BGP_RESET;
		u->mp_nh.family = AF_INET;
		memcpy(u->mp_nh.a, nh, 4);
		return nlri_valid(v, AF_INET) ? BGP_OK : BGP_RESET;
	}
	return BGP_OK;
}

/* RFC 4760 4: | AFI (2) | SAFI (1) | Withdrawn Routes (var) | */
static enum bgp_disp_kind dec_mp_unreach(struct dec *d, struct rd *v)
{
	struct bgp_update *u = d->u;
	if (!rd_u16be(v, &u->unreach_afi) || !rd_u8(v, &u->unreach_safi))
		return BGP_RESET;
	u->mp_unreach = true;
	u->unreach_nlri = *v;
	if (u->unreach_safi != BGP_SAFI_UNICAST)
		return BGP_OK;
	if (u->unreach_afi == BGP_AFI_IPV6)
		return nlri_valid(v, AF_INET6) ? BGP_OK : BGP_RESET;
	if (u->unreach_afi == BGP_AFI_IPV4)
		return nlri_valid(v, AF_INET) ? BGP_OK : BGP_RESET;
	return BGP_OK;
}

static enum bgp_disp_kind dec_as4_path(struct dec *d, struct rd *v)
{
	/* RFC 6793 4.1: from a NEW speaker AS4_PATH is discarded. */
	if (d->ctx->as4)
		return BGP_DISCARD_ATTR;
	struct rd copy = *v;
	uint8_t tmp[BGP_MAX_MSG];
	if (aspath_convert(&copy, 4, tmp, sizeof(tmp)) < 0)
		return BGP_DISCARD_ATTR; /* RFC 7606 7.2, RFC 6793 6 */
	d->as4_path = rd_cur(v);
	d->as4_path_len = (uint16_t)rd_left(v);
	return BGP_OK;
}

static enum bgp_disp_kind dec_as4_aggr(struct dec *d, struct rd *v)
{
	if (d->ctx->as4)
		return BGP_DISCARD_ATTR;
	if (rd_left(v) != 8 || !rd_u32be(v, &d->as4_aggr_as) ||
	    !rd_u32be(v, &d->as4_aggr_id))
		return BGP_DISCARD_ATTR;
	d->have_as4_aggr = true;
	return BGP_OK;
}

struct attr_desc {
	uint8_t flags;           /* expected OPTIONAL|TRANSITIVE bits */
	enum bgp_disp_kind bad;  /* disposition for a flags error */
	uint8_t sub;             /* subcode reported for RESET */
	attr_dec_fn dec;
};

#define WK BGP_AF_TRANSITIVE
#define OT (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)
#define ON BGP_AF_OPTIONAL
static const struct attr_desc attr_table[] = {
	[BGP_ATTR_ORIGIN] = { WK, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_ORIGIN, dec_origin },
	[BGP_ATTR_AS_PATH] = { WK, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_AS_PATH, dec_as_path },
	[BGP_ATTR_NEXT_HOP] = { WK, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_NEXT_HOP, dec_next_hop },
	[BGP_ATTR_MED] = { ON, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_ATTR_LEN, dec_med },
	[BGP_ATTR_LOCAL_PREF] = { WK, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_ATTR_LEN, dec_local_pref },
	[BGP_ATTR_ATOMIC_AGGREGATE] = { WK, BGP_DISCARD_ATTR, BGP_SUB_UPD_ATTR_LEN, dec_atomic },
	[BGP_ATTR_AGGREGATOR] = { OT, BGP_DISCARD_ATTR, BGP_SUB_UPD_ATTR_LEN, dec_aggregator },
	[BGP_ATTR_COMMUNITIES] = { OT, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_OPTIONAL, dec_communities },
	[BGP_ATTR_ORIGINATOR_ID] = { ON, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_OPTIONAL, dec_originator },
	[BGP_ATTR_CLUSTER_LIST] = { ON, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_OPTIONAL, dec_cluster_list },
	[BGP_ATTR_MP_REACH] = { ON, BGP_RESET, BGP_SUB_UPD_OPTIONAL, dec_mp_reach },
	[BGP_ATTR_MP_UNREACH] = { ON, BGP_RESET, BGP_SUB_UPD_OPTIONAL, dec_mp_unreach },
	[BGP_ATTR_AS4_PATH] = { OT, BGP_DISCARD_ATTR, BGP_SUB_UPD_OPTIONAL, dec_as4_path },
	[BGP_ATTR_AS4_AGGREGATOR] = { OT, BGP_DISCARD_ATTR, BGP_SUB_UPD_OPTIONAL, dec_as4_aggr },
};
#undef WK
#undef OT
#undef ON

static const struct attr_desc *attr_lookup(uint8_t type)
{
	if (type >= sizeof(attr_table) / sizeof(attr_table[0]) ||
	    attr_table[type].dec == NULL)
		return NULL;
	return &attr_table[type];
}

/* Unknown optional transitive: kept with the Partial bit (RFC 4271 5). */
static void keep_unknown(struct dec *d, uint8_t flags, uint8_t type,
			 struct rd *v)
{
	struct bgp_attrs *a = &d->u->attrs;
	size_t len = rd_left(v);
	size_t need = 4 + len;
	if ((size_t)a->unknown_len + need > sizeof(d->buf->unknown))
		return;
	uint8_t *p = d->buf->unknown + a->unknown_len;
	p[0] = (uint8_t)(flags | BGP_AF_PARTIAL | BGP_AF_EXTLEN);
	p[1] = type;
	p[2] = (uint8_t)(len >> 8);
	p[3] = (uint8_t)len;
	rd_bytes(v, p + 4, len);
	a->unknown = d->buf->unknown;
	a->unknown_len = (uint16_t)(a->unknown_len + need);
}

static void one_attr(struct dec *d, uint8_t flags, uint8_t type, struct rd *v)
{
	struct bgp_update *u = d->u;
	const struct attr_desc *desc = attr_lookup(type);
	if (desc == NULL) {
		if (!(flags & BGP_AF_OPTIONAL))
			note_reset(u, BGP_SUB_UPD_WELLKNOWN, type, d->raw_attr,
				   d->raw_len);
		else if (flags & BGP_AF_TRANSITIVE)
			keep_unknown(d, flags, type, v);
		return;
	}
	enum bgp_disp_kind k;
	if ((flags & (BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE)) != desc->flags)
		k = desc->bad; /* RFC 7606 3 c */
	else
		k = desc->dec(d, v);
	if (k == BGP_RESET)
		note_reset(u, desc->sub, type, d->raw_attr, d->raw_len);
	else if (k != BGP_OK)
		note(u, k, desc->sub, type);
}

static void parse_attrs(struct dec *d, struct rd *attrs)
{
	struct bgp_update *u = d->u;
	while (!rd_done(attrs)) {
		const uint8_t *start = rd_cur(attrs);
		uint8_t flags, type;
		uint16_t len;
		uint8_t l8;
		bool ok = rd_u8(attrs, &flags) && rd_u8(attrs, &type);
		if (ok && (flags & BGP_AF_EXTLEN))
			ok = rd_u16be(attrs, &len);
		else if (ok && (ok = rd_u8(attrs, &l8)))
			len = l8;
		struct rd v;
		if (!ok || !rd_sub(attrs, len, &v)) {
			/* RFC 7606 4: an attribute overrunning the total
			 * path attribute length. */
			note(u, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_ATTR_LEN, 0);
			return;
		}
		bool dup = type < 32 && (u->seen & (1u << type));
		if (dup && (type == BGP_ATTR_MP_REACH ||
			    type == BGP_ATTR_MP_UNREACH)) {
			note_reset(u, BGP_SUB_UPD_ATTR_LIST, type, NULL, 0);
			return;
		}
		if (dup) { /* RFC 7606 3 g: later copies discarded */
			note(u, BGP_DISCARD_ATTR, BGP_SUB_UPD_ATTR_LIST, type);
			continue;
		}
		if (type < 32)
			u->seen |= 1u << type;
		d->raw_attr = start;
		d->raw_len = (size_t)(rd_cur(attrs) - start);
		one_attr(d, flags, type, &v);
	}
}

/* ---- AS4 reconstruction (RFC 6793 4.2.3) ---- */

static size_t path_count_raw(const uint8_t *p, size_t len)
{
	size_t count = 0, off = 0;
	while (off + 2 <= len) {
		uint8_t type = p[off], n = p[off + 1];
		if (type == BGP_AS_SEQUENCE)
			count += n;
		else if (type == BGP_AS_SET)
			count += 1;
		off += 2 + 4 * (size_t)n;
	}
	return count;
}

static void merge_as4(struct dec *d)
{
	struct bgp_attrs *a = &d->u->attrs;
	if (d->have_as4_aggr && (a->flags & BGP_A_AGGREGATOR)) {
		/* An AGGREGATOR with a real 2-octet AS voids both AS4 attrs. */
		if (a->aggr_as != BGP_AS_TRANS)
			return;
		a->aggr_as = d->as4_aggr_as;
		a->aggr_id = d->as4_aggr_id;
	}
	if (d->as4_path == NULL || a->aspath == NULL)
		return;
	uint8_t as4[BGP_MAX_MSG];
	struct rd r;
	rd_init(&r, d->as4_path, d->as4_path_len);
	int n4 = aspath_convert(&r, 4, as4, sizeof(as4));
	size_t c2 = path_count_raw(a->aspath, a->aspath_len);
	size_t c4 = path_count_raw(as4, (size_t)n4);
	if (n4 < 0 || c4 > c2)
		return; /* RFC 6793 4.2.3: AS4_PATH ignored */
	/* Keep the leading (c2 - c4) ASNs of AS_PATH, then AS4_PATH. */
	size_t keep = c2 - c4;
	uint8_t out[BGP_SCRATCH_ASPATH];
	struct wr w;
	wr_init(&w, out, sizeof(out));
	size_t off = 0;
	while (keep > 0 && off + 2 <= a->aspath_len) {
		uint8_t type = a->aspath[off], cnt = a->aspath[off + 1];
		size_t weight = type == BGP_AS_SEQUENCE ? cnt :
				type == BGP_AS_SET ? 1 : 0;
		uint8_t take = cnt;
		if (type == BGP_AS_SEQUENCE && weight > keep)
			take = (uint8_t)keep;
		wr_u8(&w, type);
		wr_u8(&w, take);
		wr_bytes(&w, a->aspath + off + 2, 4 * (size_t)take);
		keep -= weight > keep ? keep : weight;
		off += 2 + 4 * (size_t)cnt;
	}
	wr_bytes(&w, as4, (size_t)n4);
	if (!wr_ok(&w))
		return;
	memcpy(d->buf->aspath, out, wr_len(&w));
	a->aspath = d->buf->aspath;
	a->aspath_len = (uint16_t)wr_len(&w);
}

/* eBGP: the leftmost AS must be the peer's (RFC 4271 6.3, RFC 7606 7.2). */
static bool first_as_ok(const struct bgp_update *u,
			const struct bgp_decode_ctx *ctx)
{
	const struct bgp_attrs *a = &u->attrs;
	if (!ctx->ebgp)
		return true;
	if (a->aspath_len < 6 || a->aspath[0] != BGP_AS_SEQUENCE)
		return false;
	uint32_t first = (uint32_t)a->aspath[2] << 24 |
			 (uint32_t)a->aspath[3] << 16 |
			 (uint32_t)a->aspath[4] << 8 | a->aspath[5];
	return first == ctx->peer_as;
}

static void check_mandatory(struct bgp_update *u,
			    const struct bgp_decode_ctx *ctx)
{
	bool v4_nlri = !rd_done(&u->nlri);
	bool reach = u->mp_reach && !rd_done(&u->reach_nlri);
	if (!v4_nlri && !reach)
		return;
	uint32_t need = (1u << BGP_ATTR_ORIGIN) | (1u << BGP_ATTR_AS_PATH);
	if (v4_nlri)
		need |= 1u << BGP_ATTR_NEXT_HOP;
	if (!ctx->ebgp)
		need |= 1u << BGP_ATTR_LOCAL_PREF;
	if ((u->seen & need) != need) {
		/* RFC 7606 3 d: missing well-known attribute. */
		note(u, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_MISSING, 0);
		return;
	}
	if (u->attrs.aspath != NULL && !first_as_ok(u, ctx))
		note(u, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_AS_PATH,
		     BGP_ATTR_AS_PATH);
	if (u->attrs.aspath == NULL && ctx->ebgp)
		note(u, BGP_TREAT_AS_WITHDRAW, BGP_SUB_UPD_AS_PATH,
		     BGP_ATTR_AS_PATH);
}

void bgp_update_decode(struct rd *body, const struct bgp_decode_ctx *ctx,
		       struct bgp_attr_buf *buf, struct bgp_update *u)
{
	memset(u, 0, sizeof(*u));
	u->attrs.origin = BGP_ORIGIN_INCOMPLETE;
	uint16_t wlen, alen;
	struct rd attrs;
	if (!rd_u16be(body, &wlen) || !rd_sub(body, wlen, &u->withdrawn) ||
	    !rd_u16be(body, &alen) || !rd_sub(body, alen, &attrs)) {
		/* RFC 7606 5.3 / RFC 4271 6.3: lengths inconsistent. */
		u->disp = bgp_disp_reset(BGP_ERR_UPDATE, BGP_SUB_UPD_ATTR_LIST,
					 NULL, 0);
		return;
	}
	u->nlri = *body;
	if (!nlri_valid(&u->withdrawn, AF_INET) ||
	    !nlri_valid(&u->nlri, AF_INET)) {
		u->disp = bgp_disp_reset(BGP_ERR_UPDATE, BGP_SUB_UPD_NETWORK,
					 NULL, 0);
		return;
	}
	struct dec d = { .u = u, .ctx = ctx, .buf = buf };
	parse_attrs(&d, &attrs);
	if (u->disp.kind == BGP_RESET)
		return;
	if (u->disp.kind != BGP_TREAT_AS_WITHDRAW)
		merge_as4(&d);
	bgp_aspath_derive(&u->attrs);
	check_mandatory(u, ctx);
}

bool bgp_update_is_eor(const struct bgp_update *u, uint16_t *afi)
{
	if (!rd_done(&u->withdrawn) || !rd_done(&u->nlri) || u->mp_reach)
		return false;
	if (u->seen == 0) {
		*afi = BGP_AFI_IPV4;
		return true;
	}
	if (u->seen == (1u << BGP_ATTR_MP_UNREACH) &&
	    rd_done(&u->unreach_nlri)) {
		*afi = u->unreach_afi;
		return true;
	}
	return false;
}
