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
	for (size_t i = 0; i < rib->cap; i++) {
		struct bgp_rnode *rn = rib->slots[i];
		if (rn == NULL)
			continue;
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
	uint64_t h = (w0 ^ (w1 * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)len << 56) ^
		      af) * 0xff51afd7ed558ccdULL;
	return h ^ (h >> 29);
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
	size_t i = (size_t)key_hash(p->addr.family, p->len, p->addr.a) & mask;
	for (;;) {
		struct bgp_rnode *rn = rib->slots[i];
		if (rn == NULL)
			return NULL;
		if (rn_match(rn, p))
			return rn;
		i = (i + 1) & mask;
	}
}

static bool rib_grow(struct bgp_rib *rib)
{
	size_t ncap = rib->cap ? rib->cap * 2 : 1024;
	struct bgp_rnode **old = rib->slots;
	size_t ocap = rib->cap;
	rib->slots = calloc(ncap, sizeof(*rib->slots));
	if (rib->slots == NULL) {
		rib->slots = old;
		return false;
	}
	rib->cap = ncap;
	for (size_t i = 0; i < ocap; i++) {
		struct bgp_rnode *rn = old[i];
		if (rn == NULL)
			continue;
		size_t j = rn_slot(rib, rn);
		while (rib->slots[j] != NULL)
			j = (j + 1) & (ncap - 1);
		rib->slots[j] = rn;
	}
	free(old);
	return true;
}

struct bgp_rnode *bgp_rib_get(struct bgp_rib *rib, const struct ip_prefix *p)
{
	if ((rib->count + 1) * 4 > rib->cap * 3 && !rib_grow(rib))
		return NULL;
	size_t mask = rib->cap - 1;
	size_t i = (size_t)key_hash(p->addr.family, p->len, p->addr.a) & mask;
	for (;;) {
		struct bgp_rnode *rn = rib->slots[i];
		if (rn == NULL)
			break;
		if (rn_match(rn, p))
			return rn;
		i = (i + 1) & mask;
	}
	struct bgp_rnode *rn = bgp_slab_alloc(&rib->nodes);
	if (rn == NULL)
		return NULL;
	memset(rn, 0, sizeof(*rn));
	rn->af = p->addr.family;
	rn->len = p->len;
	memcpy(rn->addr, p->addr.a, p->addr.family == AF_INET ? 4 : 16);
	rib->slots[i] = rn;
	rib->count++;
	return rn;
}

/* Backward-shift deletion keeps probe chains intact without tombstones. */
static void rib_unlink(struct bgp_rib *rib, size_t i)
{
	size_t mask = rib->cap - 1;
	rib->slots[i] = NULL;
	size_t j = i;
	for (;;) {
		j = (j + 1) & mask;
		struct bgp_rnode *rn = rib->slots[j];
		if (rn == NULL)
			return;
		size_t home = rn_slot(rib, rn);
		/* Move rn into the hole if its home is not in (i, j]. */
		bool between = i <= j ? (home > i && home <= j) :
					(home > i || home <= j);
		if (!between) {
			rib->slots[i] = rn;
			rib->slots[j] = NULL;
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
	while (rib->slots[i] != rn) {
		if (rib->slots[i] == NULL)
			return; /* not in the table: invariant broken */
		i = (i + 1) & mask;
	}
	rib_unlink(rib, i);
	rib->count--;
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

struct bgp_rnode *bgp_rib_next(const struct bgp_rib *rib, size_t *pos)
{
	while (*pos < rib->cap) {
		struct bgp_rnode *rn = rib->slots[(*pos)++];
		if (rn != NULL)
			return rn;
	}
	return NULL;
}
