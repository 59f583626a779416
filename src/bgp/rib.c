/*
 * Prefix table and path lists.
 *
 * The table is open addressing with linear probing over rnode pointers,
 * grown at 3/4 load, with backward-shift deletion (no tombstones), so a
 * lookup is one hash and usually one cache miss. Nodes and paths come from
 * slabs: a million routes are a few hundred 64 KiB chunks, not two million
 * mallocs.
 */
#include "bgp/rib.h"

#include <stdlib.h>
#include <string.h>

#define SLAB_CHUNK 65536

void bgp_slab_init(struct bgp_slab *s, size_t size)
{
	memset(s, 0, sizeof(*s));
	s->size = size < sizeof(void *) ? sizeof(void *) : size;
}

void bgp_slab_free_all(struct bgp_slab *s)
{
	for (size_t i = 0; i < s->n_chunks; i++)
		free(s->chunks[i]);
	free(s->chunks);
	size_t size = s->size;
	memset(s, 0, sizeof(*s));
	s->size = size;
}

void *bgp_slab_alloc(struct bgp_slab *s)
{
	if (s->free != NULL) {
		void *p = s->free;
		memcpy(&s->free, p, sizeof(void *));
		s->in_use++;
		return p;
	}
	if (s->cur_left < s->size) {
		if (s->n_chunks == s->cap_chunks) {
			size_t nc = s->cap_chunks ? s->cap_chunks * 2 : 16;
			void **n = realloc(s->chunks, nc * sizeof(*n));
			if (n == NULL)
				return NULL;
			s->chunks = n;
			s->cap_chunks = nc;
		}
		uint8_t *c = malloc(SLAB_CHUNK);
		if (c == NULL)
			return NULL;
		s->chunks[s->n_chunks++] = c;
		s->cur = c;
		s->cur_left = SLAB_CHUNK;
	}
	void *p = s->cur;
	s->cur += s->size;
	s->cur_left -= s->size;
	s->in_use++;
	return p;
}

void bgp_slab_put(struct bgp_slab *s, void *p)
{
	memcpy(p, &s->free, sizeof(void *));
	s->free = p;
	s->in_use--;
}

/* ---- table ---- */

void bgp_rib_init(struct bgp_rib *rib)
{
	memset(rib, 0, sizeof(*rib));
	bgp_slab_init(&rib->nodes, sizeof(struct bgp_rnode));
	bgp_slab_init(&rib->paths, sizeof(struct bgp_rpath));
	bgp_attr_table_init(&rib->attrs);
}

void bgp_rib_free(struct bgp_rib *rib)
{
	size_t pos = 0;
	struct bgp_rnode *rn;
	while ((rn = bgp_rib_next(rib, &pos)) != NULL) {
		for (struct bgp_rpath *p = rn->paths; p; p = p->next)
			bgp_attrs_unref(&rib->attrs, p->attrs);
	}
	free(rib->slots);
	bgp_slab_free_all(&rib->nodes);
	bgp_slab_free_all(&rib->paths);
	bgp_attr_table_free(&rib->attrs);
	memset(rib->src, 0, sizeof(rib->src));
	rib->slots = NULL;
	rib->cap = rib->count = rib->n_routes = 0;
}

static uint64_t key_hash(uint8_t af, uint8_t len, const uint8_t *a)
{
	uint64_t w0, w1 = 0;
	memcpy(&w0, a, 8);
	if (af == AF_INET6)
		memcpy(&w1, a + 8, 8);
	else
		w0 &= 0xffffffffu;
	uint64_t h = w0 ^ (w1 * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)len << 40) ^
		     ((uint64_t)af << 48);
	/* murmur3 fmix64: every input bit reaches every output bit */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return h;
}

/*
 * A slot holds the rnode pointer in its low 48 bits and 16 bits of the
 * hash in the top bits, so a probe rejects non-matching entries without
 * touching the rnode (one cache miss per lookup instead of one per probe).
 */
#define PTR_BITS 48
#define PTR_MASK ((1ULL << PTR_BITS) - 1)

static uint64_t slot_make(const struct bgp_rnode *rn, uint64_t h)
{
	return (uint64_t)(uintptr_t)rn | (h & ~PTR_MASK);
}

static struct bgp_rnode *slot_ptr(uint64_t v)
{
	return (struct bgp_rnode *)(uintptr_t)(v & PTR_MASK);
}

static size_t rn_slot(const struct bgp_rib *rib, const struct bgp_rnode *rn)
{
	return (size_t)key_hash(rn->af, rn->len, rn->addr) & (rib->cap - 1);
}

static bool rn_match(const struct bgp_rnode *rn, const struct ip_prefix *p)
{
	return rn->af == p->addr.family && rn->len == p->len &&
	       memcmp(rn->addr, p->addr.a, p->addr.family == AF_INET ? 4 : 16) == 0;
}

void bgp_rnode_prefix(const struct bgp_rnode *rn, struct ip_prefix *p)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = rn->af;
	memcpy(p->addr.a, rn->addr, 16);
	p->len = rn->len;
}

struct bgp_rnode *bgp_rib_find(const struct bgp_rib *rib,
			       const struct ip_prefix *p)
{
	if (rib->cap == 0)
		return NULL;
	size_t mask = rib->cap - 1;
	uint64_t h = key_hash(p->addr.family, p->len, p->addr.a);
	uint64_t tag = h & ~PTR_MASK;
	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		uint64_t v = rib->slots[i];
		if (v == 0)
			return NULL;
		if ((v & ~PTR_MASK) == tag && rn_match(slot_ptr(v), p))
			return slot_ptr(v);
	}
}

/* Inserts into a table known not to contain rn. */
static void slot_insert(uint64_t *slots, size_t cap, struct bgp_rnode *rn)
{
	uint64_t h = key_hash(rn->af, rn->len, rn->addr);
	size_t j = (size_t)h & (cap - 1);
	while (slots[j] != 0)
		j = (j + 1) & (cap - 1);
	slots[j] = slot_make(rn, h);
}

void bgp_rib_prefetch(const struct bgp_rib *rib, const struct ip_prefix *p)
{
	if (rib->cap == 0)
		return;
	uint64_t h = key_hash(p->addr.family, p->len, p->addr.a);
	__builtin_prefetch(&rib->slots[(size_t)h & (rib->cap - 1)]);
}

/* Rehash by walking the node slab in memory order (sequential reads),
 * not the old slots (one random rnode access each). */
static bool rib_grow(struct bgp_rib *rib)
{
	size_t ncap = rib->cap ? rib->cap * 2 : 1024;
	uint64_t *ns = calloc(ncap, sizeof(*ns));
	if (ns == NULL)
		return false;
	/* Batches of 16: prefetch the target slots, then insert, so the
	 * cache misses overlap instead of queueing. */
	size_t pos = 0;
	struct bgp_rnode *batch[16];
	size_t n;
	do {
		n = 0;
		while (n < 16 && (batch[n] = bgp_rib_next(rib, &pos)) != NULL) {
			uint64_t h = key_hash(batch[n]->af, batch[n]->len,
					      batch[n]->addr);
			__builtin_prefetch(&ns[(size_t)h & (ncap - 1)], 1);
			n++;
		}
		for (size_t k = 0; k < n; k++)
			slot_insert(ns, ncap, batch[k]);
	} while (n == 16);
	free(rib->slots);
	rib->slots = ns;
	rib->cap = ncap;
	return true;
}

struct bgp_rnode *bgp_rib_get(struct bgp_rib *rib, const struct ip_prefix *p)
{
	if ((rib->count + 1) * 4 > rib->cap * 3 && !rib_grow(rib))
		return NULL;
	size_t mask = rib->cap - 1;
	uint64_t h = key_hash(p->addr.family, p->len, p->addr.a);
	uint64_t tag = h & ~PTR_MASK;
	size_t i = (size_t)h & mask;
	for (;; i = (i + 1) & mask) {
		uint64_t v = rib->slots[i];
		if (v == 0)
			break;
		if ((v & ~PTR_MASK) == tag && rn_match(slot_ptr(v), p))
			return slot_ptr(v);
	}
	struct bgp_rnode *rn = bgp_slab_alloc(&rib->nodes);
	if (rn == NULL)
		return NULL;
	if (((uintptr_t)rn & ~(uintptr_t)PTR_MASK) != 0) {
		bgp_slab_put(&rib->nodes, rn); /* address space beyond 48 bits */
		return NULL;
	}
	memset(rn, 0, sizeof(*rn));
	rn->af = p->addr.family;
	rn->len = p->len;
	memcpy(rn->addr, p->addr.a, p->addr.family == AF_INET ? 4 : 16);
	rib->slots[i] = slot_make(rn, h);
	rib->count++;
	return rn;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void rib_unlink(struct bgp_rib *rib, size_t i)
{
	size_t mask = rib->cap - 1;
	rib->slots[i] = 0;
	size_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		uint64_t v = rib->slots[j];
		if (v == 0)
			return;
		size_t home = rn_slot(rib, slot_ptr(v));
		/* Move the entry into the hole if its home is not in (i, j]. */
		bool between = i <= j ? (home > i && home <= j) :
					(home > i || home <= j);
		if (!between) {
			rib->slots[i] = v;
			rib->slots[j] = 0;
			i = j;
		}
	}
}

void bgp_rib_maybe_drop(struct bgp_rib *rib, struct bgp_rnode *rn)
{
	if (rn->paths != NULL || rn->adv != 0 || (rn->flags & BGP_RN_GC))
		return;
	size_t mask = rib->cap - 1;
	size_t i = rn_slot(rib, rn);
	while (slot_ptr(rib->slots[i]) != rn) {
		if (rib->slots[i] == 0)
			return; /* not in the table: invariant broken */
		i = (i + 1) & mask;
	}
	rib_unlink(rib, i);
	rib->count--;
	rn->af = 0; /* marks the slab object free for bgp_rib_next */
	bgp_slab_put(&rib->nodes, rn);
}

struct bgp_rpath *bgp_rnode_path(struct bgp_rnode *rn, uint8_t src)
{
	for (struct bgp_rpath *p = rn->paths; p; p = p->next) {
		if (p->src == src)
			return p;
	}
	return NULL;
}

int bgp_rib_set_path(struct bgp_rib *rib, struct bgp_rnode *rn, uint8_t src,
		     struct bgp_attrs *attrs)
{
	struct bgp_rpath *p = bgp_rnode_path(rn, src);
	if (p != NULL) {
		p->flags &= (uint8_t)~BGP_RP_STALE;
		if (p->attrs == attrs) {
			bgp_attrs_unref(&rib->attrs, attrs);
			return 0;
		}
		bgp_attrs_unref(&rib->attrs, p->attrs);
		p->attrs = attrs;
		return 1;
	}
	p = bgp_slab_alloc(&rib->paths);
	if (p == NULL) {
		bgp_attrs_unref(&rib->attrs, attrs);
		return -1;
	}
	memset(p, 0, sizeof(*p));
	p->attrs = attrs;
	p->src = src;
	if (rn->paths == NULL)
		rib->n_routes++;
	p->next = rn->paths;
	rn->paths = p;
	rib->src[src].n_paths++;
	return 1;
}

bool bgp_rib_del_path(struct bgp_rib *rib, struct bgp_rnode *rn, uint8_t src)
{
	for (struct bgp_rpath **pp = &rn->paths; *pp; pp = &(*pp)->next) {
		struct bgp_rpath *p = *pp;
		if (p->src != src)
			continue;
		*pp = p->next;
		bgp_attrs_unref(&rib->attrs, p->attrs);
		bgp_slab_put(&rib->paths, p);
		rib->src[src].n_paths--;
		if (rn->paths == NULL)
			rib->n_routes--;
		return true;
	}
	return false;
}

/*
 * Iteration walks the node slab in memory order: sequential, prefetch
 * friendly, and unaffected by table growth. Free objects have af == 0.
 */
struct bgp_rnode *bgp_rib_next(const struct bgp_rib *rib, size_t *pos)
{
	const struct bgp_slab *s = &rib->nodes;
	size_t per = SLAB_CHUNK / s->size;
	size_t last_used = s->n_chunks ? (SLAB_CHUNK - s->cur_left) / s->size : 0;
	while (*pos < s->n_chunks * per) {
		size_t c = *pos / per, k = *pos % per;
		(*pos)++;
		if (c == s->n_chunks - 1 && k >= last_used) {
			*pos = s->n_chunks * per;
			return NULL;
		}
		struct bgp_rnode *rn = (struct bgp_rnode *)((uint8_t *)s->chunks[c] +
							     k * s->size);
		if (rn->af != 0)
			return rn;
	}
	return NULL;
}
