/*
 * Path attribute encoding, AS_PATH helpers and the interning table.
 *
 * Interning: an open-addressing hash table of pointers to refcounted sets.
 * A set is one allocation (header + AS_PATH bytes + communities + unknown
 * attributes), freed when its last route lets go of it.
 */
#include "bgp/attr.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* ---- AS_PATH helpers ---- */

void bgp_aspath_derive(struct bgp_attrs *a)
{
	a->path_count = 0;
	a->first_as = 0;
	size_t off = 0;
	while (off + 2 <= a->aspath_len) {
		uint8_t type = a->aspath[off], n = a->aspath[off + 1];
		if (off + 2 + 4 * (size_t)n > a->aspath_len)
			break;
		if (type == BGP_AS_SEQUENCE) {
			if (a->first_as == 0 && off == 0 && n > 0)
				a->first_as = rd32(a->aspath + 2);
			a->path_count = (uint16_t)(a->path_count + n);
		} else if (type == BGP_AS_SET) {
			a->path_count++;
		}
		off += 2 + 4 * (size_t)n;
	}
}

bool bgp_aspath_contains(const struct bgp_attrs *a, uint32_t asn)
{
	size_t off = 0;
	while (off + 2 <= a->aspath_len) {
		uint8_t n = a->aspath[off + 1];
		for (size_t i = 0; i < n; i++) {
			size_t at = off + 2 + 4 * i;
			if (at + 4 <= a->aspath_len && rd32(a->aspath + at) == asn)
				return true;
		}
		off += 2 + 4 * (size_t)n;
	}
	return false;
}

void bgp_aspath_format(const struct bgp_attrs *a, char *buf, size_t size)
{
	size_t used = 0;
	buf[0] = '\0';
	size_t off = 0;
	while (off + 2 <= a->aspath_len && used + 16 < size) {
		uint8_t type = a->aspath[off], n = a->aspath[off + 1];
		bool set = type == BGP_AS_SET || type == BGP_AS_CONFED_SET;
		used += (size_t)snprintf(buf + used, size - used, "%s%s",
					 used ? " " : "", set ? "{" : "");
		for (size_t i = 0; i < n && used + 16 < size; i++) {
			size_t at = off + 2 + 4 * i;
			if (at + 4 > a->aspath_len)
				break;
			used += (size_t)snprintf(buf + used, size - used,
						 "%s%u", i ? " " : "",
						 rd32(a->aspath + at));
		}
		if (set && used + 2 < size)
			used += (size_t)snprintf(buf + used, size - used, "}");
		off += 2 + 4 * (size_t)n;
	}
}

size_t bgp_aspath_prepend(const struct bgp_attrs *a, uint32_t asn, unsigned n,
			  uint8_t *out, size_t cap)
{
	struct wr w;
	wr_init(&w, out, cap);
	size_t off = 0;
	/* Merge into a leading AS_SEQUENCE when there is room (max 255). */
	if (a->aspath_len >= 2 && a->aspath[0] == BGP_AS_SEQUENCE &&
	    a->aspath[1] + n <= 255) {
		wr_u8(&w, BGP_AS_SEQUENCE);
		wr_u8(&w, (uint8_t)(a->aspath[1] + n));
		for (unsigned i = 0; i < n; i++)
			wr_u32be(&w, asn);
		off = 2;
	} else {
		while (n > 0) {
			unsigned k = n > 255 ? 255 : n;
			wr_u8(&w, BGP_AS_SEQUENCE);
			wr_u8(&w, (uint8_t)k);
			for (unsigned i = 0; i < k; i++)
				wr_u32be(&w, asn);
			n -= k;
		}
	}
	wr_bytes(&w, a->aspath + off, a->aspath_len - off);
	return wr_ok(&w) ? wr_len(&w) : 0;
}

/* ---- encoding ---- */

static void attr_hdr(struct wr *w, uint8_t flags, uint8_t type, size_t len)
{
	if (len > 255) {
		wr_u8(w, flags | BGP_AF_EXTLEN);
		wr_u8(w, type);
		wr_u16be(w, (uint16_t)len);
	} else {
		wr_u8(w, flags);
		wr_u8(w, type);
		wr_u8(w, (uint8_t)len);
	}
}

/* True if any ASN in the path does not fit in 2 octets. */
static bool aspath_needs_as4(const struct bgp_attrs *a)
{
	size_t off = 0;
	while (off + 2 <= a->aspath_len) {
		uint8_t n = a->aspath[off + 1];
		for (size_t i = 0; i < n; i++) {
			if (rd32(a->aspath + off + 2 + 4 * i) > 0xffff)
				return true;
		}
		off += 2 + 4 * (size_t)n;
	}
	return false;
}

static void put_aspath(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	if (as4) {
		attr_hdr(w, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, a->aspath_len);
		wr_bytes(w, a->aspath, a->aspath_len);
		return;
	}
	/* 2-octet form, AS_TRANS for larger ASNs (RFC 6793 4.2.2); each
	 * segment shrinks from 2 + 4n to 2 + 2n octets. */
	size_t len = 0, off = 0;
	while (off + 2 <= a->aspath_len) {
		uint8_t n = a->aspath[off + 1];
		len += 2 + 2 * (size_t)n;
		off += 2 + 4 * (size_t)n;
	}
	attr_hdr(w, BGP_AF_TRANSITIVE, BGP_ATTR_AS_PATH, len);
	off = 0;
	while (off + 2 <= a->aspath_len) {
		uint8_t type = a->aspath[off], n = a->aspath[off + 1];
		wr_u8(w, type);
		wr_u8(w, n);
		for (size_t i = 0; i < n; i++) {
			uint32_t asn = rd32(a->aspath + off + 2 + 4 * i);
			wr_u16be(w, asn > 0xffff ? BGP_AS_TRANS : (uint16_t)asn);
		}
		off += 2 + 4 * (size_t)n;
	}
}

static void put_u32_attr(struct wr *w, uint8_t flags, uint8_t type, uint32_t v)
{
	attr_hdr(w, flags, type, 4);
	wr_u32be(w, v);
}

static void put_aggregator(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	uint8_t f = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE;
	if (as4) {
		attr_hdr(w, f, BGP_ATTR_AGGREGATOR, 8);
		wr_u32be(w, a->aggr_as);
	} else {
		attr_hdr(w, f, BGP_ATTR_AGGREGATOR, 6);
		wr_u16be(w, a->aggr_as > 0xffff ? BGP_AS_TRANS :
						  (uint16_t)a->aggr_as);
	}
	wr_u32be(w, a->aggr_id);
}

static void put_as4_attrs(struct wr *w, const struct bgp_attrs *a)
{
	uint8_t f = BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE;
	if (aspath_needs_as4(a)) {
		/* RFC 6793 4.2.2: confederation segments are not sent. */
		attr_hdr(w, f, BGP_ATTR_AS4_PATH, a->aspath_len);
		wr_bytes(w, a->aspath, a->aspath_len);
	}
	if ((a->flags & BGP_A_AGGREGATOR) && a->aggr_as > 0xffff) {
		attr_hdr(w, f, BGP_ATTR_AS4_AGGREGATOR, 8);
		wr_u32be(w, a->aggr_as);
		wr_u32be(w, a->aggr_id);
	}
}

bool bgp_attrs_encode(struct wr *w, const struct bgp_attrs *a, bool as4)
{
	attr_hdr(w, BGP_AF_TRANSITIVE, BGP_ATTR_ORIGIN, 1);
	wr_u8(w, a->origin);
	put_aspath(w, a, as4);
	if (a->nexthop.family == AF_INET) {
		attr_hdr(w, BGP_AF_TRANSITIVE, BGP_ATTR_NEXT_HOP, 4);
		wr_bytes(w, a->nexthop.a, 4);
	}
	if (a->flags & BGP_A_MED)
		put_u32_attr(w, BGP_AF_OPTIONAL, BGP_ATTR_MED, a->med);
	if (a->flags & BGP_A_LOCAL_PREF)
		put_u32_attr(w, BGP_AF_TRANSITIVE, BGP_ATTR_LOCAL_PREF,
			     a->local_pref);
	if (a->flags & BGP_A_ATOMIC)
		attr_hdr(w, BGP_AF_TRANSITIVE, BGP_ATTR_ATOMIC_AGGREGATE, 0);
	if (a->flags & BGP_A_AGGREGATOR)
		put_aggregator(w, a, as4);
	if (a->n_comm > 0) {
		attr_hdr(w, BGP_AF_OPTIONAL | BGP_AF_TRANSITIVE,
			 BGP_ATTR_COMMUNITIES, 4 * (size_t)a->n_comm);
		for (size_t i = 0; i < a->n_comm; i++)
			wr_u32be(w, a->comm[i]);
	}
	if (!as4)
		put_as4_attrs(w, a);
	if (a->unknown_len > 0)
		wr_bytes(w, a->unknown, a->unknown_len);
	return wr_ok(w);
}

size_t bgp_mp_reach_begin(struct wr *w, const struct bgp_attrs *a)
{
	wr_u8(w, BGP_AF_OPTIONAL | BGP_AF_EXTLEN);
	wr_u8(w, BGP_ATTR_MP_REACH);
	size_t off = wr_reserve(w, 2);
	bool v6 = a->nexthop.family == AF_INET6;
	wr_u16be(w, v6 ? BGP_AFI_IPV6 : BGP_AFI_IPV4);
	wr_u8(w, BGP_SAFI_UNICAST);
	if (v6 && a->nexthop_ll.family == AF_INET6) {
		wr_u8(w, 32);
		wr_bytes(w, a->nexthop.a, 16);
		wr_bytes(w, a->nexthop_ll.a, 16);
	} else {
		wr_u8(w, v6 ? 16 : 4);
		wr_bytes(w, a->nexthop.a, v6 ? 16 : 4);
	}
	wr_u8(w, 0);
	return off;
}

size_t bgp_mp_unreach_begin(struct wr *w, uint16_t afi)
{
	wr_u8(w, BGP_AF_OPTIONAL | BGP_AF_EXTLEN);
	wr_u8(w, BGP_ATTR_MP_UNREACH);
	size_t off = wr_reserve(w, 2);
	wr_u16be(w, afi);
	wr_u8(w, BGP_SAFI_UNICAST);
	return off;
}

bool bgp_mp_end(struct wr *w, size_t off)
{
	if (!wr_ok(w))
		return false;
	return wr_patch_u16be(w, off, (uint16_t)(wr_len(w) - off - 2));
}

/* ---- interning ---- */

static uint32_t mix(uint32_t h, uint32_t v)
{
	h ^= v;
	h *= 0x01000193u;
	return h ^ (h >> 15);
}

static uint32_t hash_bytes(uint32_t h, const void *p, size_t n)
{
	const uint8_t *b = p;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 0x01000193u;
	return h;
}

static uint32_t attrs_hash(const struct bgp_attrs *a)
{
	uint32_t h = 0x811c9dc5u;
	h = mix(h, a->origin | (uint32_t)a->flags << 8);
	h = mix(h, a->med);
	h = mix(h, a->local_pref);
	h = mix(h, a->aggr_as ^ a->aggr_id ^ a->originator_id);
	h = hash_bytes(h, &a->nexthop, sizeof(a->nexthop));
	h = hash_bytes(h, &a->nexthop_ll, sizeof(a->nexthop_ll));
	h = hash_bytes(h, a->aspath, a->aspath_len);
	h = hash_bytes(h, a->comm, 4 * (size_t)a->n_comm);
	h = hash_bytes(h, a->unknown, a->unknown_len);
	return h ? h : 1;
}

static bool mem_eq(const void *a, const void *b, size_t n)
{
	return n == 0 || memcmp(a, b, n) == 0;
}

bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	return a->origin == b->origin && a->flags == b->flags &&
	       a->med == b->med && a->local_pref == b->local_pref &&
	       a->aggr_as == b->aggr_as && a->aggr_id == b->aggr_id &&
	       a->originator_id == b->originator_id &&
	       memcmp(&a->nexthop, &b->nexthop, sizeof(a->nexthop)) == 0 &&
	       memcmp(&a->nexthop_ll, &b->nexthop_ll, sizeof(a->nexthop_ll)) == 0 &&
	       a->aspath_len == b->aspath_len && a->n_comm == b->n_comm &&
	       a->unknown_len == b->unknown_len &&
	       mem_eq(a->aspath, b->aspath, a->aspath_len) &&
	       mem_eq(a->comm, b->comm, 4 * (size_t)a->n_comm) &&
	       mem_eq(a->unknown, b->unknown, a->unknown_len);
}

void bgp_attr_table_init(struct bgp_attr_table *t)
{
	memset(t, 0, sizeof(*t));
}

void bgp_attr_table_free(struct bgp_attr_table *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		struct bgp_attrs *a = t->slots[i];
		while (a != NULL) {
			struct bgp_attrs *next = a->hnext;
			free(a);
			a = next;
		}
	}
	free(t->slots);
	memset(t, 0, sizeof(*t));
}

static bool table_grow(struct bgp_attr_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct bgp_attrs **ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return false;
	for (size_t i = 0; i < t->cap; i++) {
		struct bgp_attrs *a = t->slots[i];
		while (a != NULL) {
			struct bgp_attrs *next = a->hnext;
			size_t j = a->hash & (ncap - 1);
			a->hnext = ns[j];
			ns[j] = a;
			a = next;
		}
	}
	free(t->slots);
	t->slots = ns;
	t->cap = ncap;
	return true;
}

static struct bgp_attrs *attrs_copy(const struct bgp_attrs *a)
{
	size_t var = (size_t)a->aspath_len + 4 * (size_t)a->n_comm +
		     a->unknown_len;
	/* Communities first: they need 4-byte alignment. */
	struct bgp_attrs *n = malloc(sizeof(*n) + var);
	if (n == NULL)
		return NULL;
	*n = *a;
	uint8_t *p = (uint8_t *)(n + 1);
	if (a->n_comm > 0)
		memcpy(p, a->comm, 4 * (size_t)a->n_comm);
	n->comm = a->n_comm ? (const uint32_t *)p : NULL;
	p += 4 * (size_t)a->n_comm;
	if (a->aspath_len > 0)
		memcpy(p, a->aspath, a->aspath_len);
	n->aspath = a->aspath_len ? p : NULL;
	p += a->aspath_len;
	if (a->unknown_len > 0)
		memcpy(p, a->unknown, a->unknown_len);
	n->unknown = a->unknown_len ? p : NULL;
	n->refcnt = 1;
	n->hnext = NULL;
	bgp_aspath_derive(n);
	return n;
}

struct bgp_attrs *bgp_attrs_intern(struct bgp_attr_table *t,
				   const struct bgp_attrs *a)
{
	uint32_t h = attrs_hash(a);
	if (t->cap > 0) {
		for (struct bgp_attrs *e = t->slots[h & (t->cap - 1)]; e;
		     e = e->hnext) {
			if (e->hash == h && bgp_attrs_equal(e, a)) {
				e->refcnt++;
				return e;
			}
		}
	}
	if (t->count >= t->cap && !table_grow(t))
		return NULL;
	struct bgp_attrs *n = attrs_copy(a);
	if (n == NULL)
		return NULL;
	n->hash = h;
	size_t j = h & (t->cap - 1);
	n->hnext = t->slots[j];
	t->slots[j] = n;
	t->count++;
	return n;
}

struct bgp_attrs *bgp_attrs_ref(struct bgp_attrs *a)
{
	a->refcnt++;
	return a;
}

void bgp_attrs_unref(struct bgp_attr_table *t, struct bgp_attrs *a)
{
	if (a == NULL || --a->refcnt > 0)
		return;
	struct bgp_attrs **pp = &t->slots[a->hash & (t->cap - 1)];
	while (*pp != NULL && *pp != a)
		pp = &(*pp)->hnext;
	if (*pp == a)
		*pp = a->hnext;
	t->count--;
	free(a);
}
