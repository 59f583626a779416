/*
 * The RIB: one table of prefixes (struct bgp_rnode), each with the list of
 * paths learned for it (struct bgp_rpath), one per source peer. The paths
 * of one peer across all prefixes form that peer's Adj-RIB-In (post import
 * policy); the paths flagged BEST/MULTIPATH form the Loc-RIB. Adj-RIB-Out
 * is not stored as routes: rnode->adv records which peers were sent the
 * prefix, and the exported attributes are recomputed from the best path
 * (export policy is a pure function of the best path's attribute set).
 *
 * Memory per prefix with one path: rnode 32 + rpath 24 bytes from slabs
 * (no malloc header) + 8-16 bytes of hash slot.
 */
#ifndef VGW_BGP_RIB_H
#define VGW_BGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "bgp/attr.h"

#define BGP_SRC_LOCAL 0 /* slot 0: locally originated routes */
#define BGP_NSRC 32

enum {
	BGP_RP_BEST = 1 << 0,
	BGP_RP_MULTIPATH = 1 << 1, /* in the ECMP set (best included) */
	BGP_RP_STALE = 1 << 2,     /* RFC 4724 helper: kept across restart */
};

struct bgp_rpath {
	struct bgp_rpath *next;
	struct bgp_attrs *attrs; /* one reference held */
	uint8_t src;             /* peer slot */
	uint8_t flags;
	uint16_t pad;
	uint32_t pad2;
};

enum { BGP_RN_GC = 1 << 0 };

struct bgp_rnode {
	struct bgp_rpath *paths;
	uint32_t adv;            /* bit per peer slot: advertised there */
	uint8_t len;
	uint8_t af;
	uint8_t flags;
	uint8_t pad;
	uint8_t addr[16];
};

/* Fixed-size object allocator: 64 KiB chunks, free list, no headers. */
struct bgp_slab {
	size_t size;
	void *free;
	void **chunks;
	size_t n_chunks, cap_chunks;
	uint8_t *cur;
	size_t cur_left;
	size_t in_use;
};
void bgp_slab_init(struct bgp_slab *s, size_t size);
void bgp_slab_free_all(struct bgp_slab *s);
void *bgp_slab_alloc(struct bgp_slab *s);
void bgp_slab_put(struct bgp_slab *s, void *p);

/* What the decision process knows about a path's source. */
struct bgp_src {
	bool used;
	bool ebgp;
	bool local;
	uint32_t router_id;  /* BGP Identifier, host order */
	uint32_t as;
	struct ip_addr addr; /* peer address */
	const char *name;
	uint32_t n_paths;    /* accepted prefixes (Adj-RIB-In size) */
};

struct bgp_rib {
	uint64_t *slots;          /* open addressing: tag | rnode pointer */
	size_t cap, count;        /* count: rnodes incl. empty ones */
	size_t n_routes;          /* rnodes with at least one path */
	struct bgp_slab nodes, paths;
	struct bgp_attr_table attrs;
	struct bgp_src src[BGP_NSRC];
};

void bgp_rib_init(struct bgp_rib *rib);
void bgp_rib_free(struct bgp_rib *rib);
void bgp_rnode_prefix(const struct bgp_rnode *rn, struct ip_prefix *p);
struct bgp_rnode *bgp_rib_find(const struct bgp_rib *rib,
			       const struct ip_prefix *p);
/* Finds or creates; NULL on ENOMEM. */
struct bgp_rnode *bgp_rib_get(struct bgp_rib *rib, const struct ip_prefix *p);
/* Hint: p will be looked up soon (starts the slot's cache miss). */
void bgp_rib_prefetch(const struct bgp_rib *rib, const struct ip_prefix *p);
/* Frees rn if it holds no paths and is advertised nowhere. */
void bgp_rib_maybe_drop(struct bgp_rib *rib, struct bgp_rnode *rn);
struct bgp_rpath *bgp_rnode_path(struct bgp_rnode *rn, uint8_t src);
/*
 * Sets src's path of rn to attrs (takes over the caller's reference).
 * Returns 1 if the path was added or its attributes changed, 0 if equal,
 * -1 on ENOMEM (reference released).
 */
int bgp_rib_set_path(struct bgp_rib *rib, struct bgp_rnode *rn, uint8_t src,
		     struct bgp_attrs *attrs);
/* Removes src's path; true if there was one. */
bool bgp_rib_del_path(struct bgp_rib *rib, struct bgp_rnode *rn, uint8_t src);
/* Iteration (slab order): the next rnode at or after *pos, NULL at end.
 * Safe while paths change; rnodes are only freed via bgp_rib_maybe_drop. */
struct bgp_rnode *bgp_rib_next(const struct bgp_rib *rib, size_t *pos);

/* ---- decision process (decide.c) ---- */

enum bgp_decide_step {
	BGP_STEP_NONE = 0,
	BGP_STEP_LOCAL_PREF,
	BGP_STEP_AS_PATH,
	BGP_STEP_ORIGIN,
	BGP_STEP_MED,
	BGP_STEP_EBGP,
	BGP_STEP_IGP,
	BGP_STEP_ROUTER_ID,
	BGP_STEP_PEER_ADDR,
};

struct bgp_cand {
	const struct bgp_attrs *attrs;
	const struct bgp_src *src;
	uint32_t igp_cost;
};

/* RFC 4271 9.1.2.2: < 0 if a is preferred, > 0 if b; *step: the deciding
 * step. Equal up to and including BGP_STEP_IGP = multipath-equal. */
int bgp_decide_cmp(const struct bgp_cand *a, const struct bgp_cand *b,
		   enum bgp_decide_step *step);

struct bgp_decide_cfg {
	bool multipath;
	uint32_t max_paths;
	uint32_t (*igp_cost)(void *arg, const struct ip_addr *nh);
	void *arg;
};

/*
 * Runs the decision process on rn: sets BEST/MULTIPATH flags. Returns
 * true if the Loc-RIB result (best path or multipath set, incl. next hops)
 * changed; *best_changed is true if the best path itself or its attribute
 * set changed (export relevant).
 */
bool bgp_decide(const struct bgp_rib *rib, struct bgp_rnode *rn,
		const struct bgp_decide_cfg *cfg, bool *best_changed);
struct bgp_rpath *bgp_rnode_best(const struct bgp_rnode *rn);

#endif
