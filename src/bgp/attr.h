/*
 * Path attributes: the decoded form, the UPDATE codec (RFC 4271 4.3,
 * RFC 4760, RFC 6793, RFC 7606) and interned attribute sets.
 *
 * A struct bgp_attrs is immutable once interned: every route with the same
 * attributes points at the same refcounted set, so a full table from one
 * peer costs a few hundred sets, not a million.
 */
#ifndef VGW_BGP_ATTR_H
#define VGW_BGP_ATTR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/cursor.h"
#include "bgp/bgp_wire.h"

enum {
	BGP_A_MED = 1 << 0,
	BGP_A_LOCAL_PREF = 1 << 1,
	BGP_A_ATOMIC = 1 << 2,
	BGP_A_AGGREGATOR = 1 << 3,
	BGP_A_ORIGINATOR = 1 << 4,
};

struct bgp_attrs {
	uint32_t refcnt;
	uint32_t hash;
	struct bgp_attrs *hnext;
	uint8_t origin;
	uint8_t flags;              /* BGP_A_* */
	uint16_t aspath_len;        /* bytes of aspath (4-octet form) */
	uint16_t n_comm;
	uint16_t unknown_len;
	uint32_t med, local_pref;
	uint32_t aggr_as, aggr_id;  /* aggr_id host order */
	uint32_t originator_id;
	struct ip_addr nexthop;     /* unset: locally originated */
	struct ip_addr nexthop_ll;  /* IPv6 link-local, optional */
	/* AS_PATH segments: type u8, count u8, count x u32 big endian. */
	const uint8_t *aspath;
	const uint32_t *comm;       /* host order */
	/* Unknown optional transitive attributes, raw (flags incl. PARTIAL). */
	const uint8_t *unknown;
	/* Derived, not part of identity. */
	uint16_t path_count;        /* RFC 4271 9.1.2.2 a: AS_SET counts 1 */
	uint32_t first_as;          /* leftmost AS of the first AS_SEQUENCE */
};

/* Scratch space for building one set before interning. */
#define BGP_SCRATCH_ASPATH 8704
#define BGP_SCRATCH_COMM 1280
struct bgp_attr_buf {
	uint8_t aspath[BGP_SCRATCH_ASPATH];
	uint32_t comm[BGP_SCRATCH_COMM];
	uint8_t unknown[BGP_MAX_MSG];
};

/* ---- UPDATE decode ---- */

struct bgp_decode_ctx {
	bool as4;        /* 4-octet AS capability negotiated */
	bool ebgp;
	uint32_t peer_as;
	bool v6;         /* IPv6 unicast negotiated */
};

struct bgp_update {
	struct rd withdrawn;   /* IPv4 withdrawn routes (validated) */
	struct rd nlri;        /* IPv4 NLRI (validated) */
	bool mp_reach, mp_unreach;
	uint16_t reach_afi, unreach_afi;
	uint8_t reach_safi, unreach_safi;
	struct rd reach_nlri, unreach_nlri; /* validated when AFI/SAFI known */
	struct ip_addr mp_nh, mp_nh_ll; /* MP_REACH next hop (attrs.nexthop
					 * is the NEXT_HOP attribute) */
	uint32_t seen;         /* bit per attribute type < 32 seen */
	uint16_t n_discarded;  /* attributes discarded (RFC 7606) */
	struct bgp_attrs attrs;  /* pointers into the struct bgp_attr_buf */
	struct bgp_disp disp;    /* worst disposition */
};

/*
 * Decodes an UPDATE body. Never fails on peer input: the outcome is
 * u->disp (BGP_OK, BGP_DISCARD_ATTR (some attributes ignored),
 * BGP_TREAT_AS_WITHDRAW (every NLRI in it is to be withdrawn) or BGP_RESET
 * (NOTIFICATION u->disp.code/sub)).
 */
void bgp_update_decode(struct rd *body, const struct bgp_decode_ctx *ctx,
		       struct bgp_attr_buf *buf, struct bgp_update *u);
/* True for an End-of-RIB marker (RFC 4724 2); *afi set. */
bool bgp_update_is_eor(const struct bgp_update *u, uint16_t *afi);

/* Reads one NLRI prefix of family af; false at end or on error. */
bool bgp_nlri_next(struct rd *r, uint8_t af, struct ip_prefix *p);
/* Writes one NLRI prefix. */
bool bgp_nlri_put(struct wr *w, const struct ip_prefix *p);
size_t bgp_nlri_size(const struct ip_prefix *p);

/* ---- encode ---- */

/*
 * Encodes the attributes of a (final, export-processed) set for a peer:
 * with as4 false, AS_PATH in 2-octet form plus AS4_PATH/AS4_AGGREGATOR
 * when a 4-octet ASN had to become AS_TRANS (RFC 6793 4.2.2). NEXT_HOP is
 * written only for an IPv4 next hop; IPv6 goes in MP_REACH_NLRI.
 */
bool bgp_attrs_encode(struct wr *w, const struct bgp_attrs *a, bool as4);
/* Appends MP_REACH_NLRI header; the caller appends NLRI and patches the
 * length via the returned offset (extended length is always used). */
size_t bgp_mp_reach_begin(struct wr *w, const struct bgp_attrs *a);
size_t bgp_mp_unreach_begin(struct wr *w, uint16_t afi);
bool bgp_mp_end(struct wr *w, size_t off);

/* ---- AS_PATH helpers ---- */
void bgp_aspath_derive(struct bgp_attrs *a);
bool bgp_aspath_contains(const struct bgp_attrs *a, uint32_t asn);
/* Writes "64512 65000 {1 2}" into buf. */
void bgp_aspath_format(const struct bgp_attrs *a, char *buf, size_t size);
/* Writes into out: n copies of asn prepended to a's path. Returns length
 * or 0 when it does not fit. */
size_t bgp_aspath_prepend(const struct bgp_attrs *a, uint32_t asn, unsigned n,
			  uint8_t *out, size_t cap);

/* ---- interning ---- */

struct bgp_attr_table {
	struct bgp_attrs **slots;
	size_t cap, count;
};

void bgp_attr_table_init(struct bgp_attr_table *t);
/* Frees the table; sets still referenced are leaked on purpose in release
 * and reported in tests through count. */
void bgp_attr_table_free(struct bgp_attr_table *t);
/* Returns the interned set equal to a (refcount incremented), copying the
 * variable parts. NULL on ENOMEM. */
struct bgp_attrs *bgp_attrs_intern(struct bgp_attr_table *t,
				   const struct bgp_attrs *a);
struct bgp_attrs *bgp_attrs_ref(struct bgp_attrs *a);
void bgp_attrs_unref(struct bgp_attr_table *t, struct bgp_attrs *a);
bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b);

#endif
