/*
 * Internals shared by the speaker's files: the speaker, its peers and their
 * TCP connections. Not part of the contract (bgp.h).
 */
#ifndef VGW_BGP_BGP_PRIV_H
#define VGW_BGP_BGP_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "base/loop.h"
#include "bgp/attr.h"
#include "bgp/bgp.h"
#include "bgp/bgp_wire.h"
#include "bgp/rib.h"

#define BGP_RBUF_SIZE (256 * 1024)
#define BGP_OPENSENT_HOLD_S 240 /* RFC 4271 8.2.2: "large value" */
#define BGP_EXPORT_CACHE 64
#define BGP_EXPORT_CHUNK 2048

struct bgp_peer;

/* One TCP connection; a peer has a primary and, during a collision, an
 * alternate one. */
struct bgp_conn {
	struct bgp_peer *peer;
	int fd;
	bool outgoing;
	bool connecting;        /* nonblocking connect in progress */
	bool got_open;
	int st;                 /* enum bgp_state of this connection */
	struct ip_addr local;   /* local address of the TCP connection */
	struct bgp_open ropen;  /* remote OPEN once got_open */
	uint8_t *rbuf;
	size_t rlen;
	uint8_t *wbuf;
	size_t wlen, woff, wcap;
	bool epollout;
};

/* An export cache entry: source attribute set -> attributes and their
 * encoding for this peer (both refcounted / owned). */
struct bgp_xcache {
	struct bgp_attrs *src;
	struct bgp_attrs *out;
	uint8_t *enc;
	size_t enc_len;
};

/* One queued announcement during a flush (export.c). */
struct bgp_ann {
	const struct bgp_xcache *x;
	struct bgp_rnode *rn;
};

/* Owned copy of a policy (the config's arrays point into it). */
struct bgp_policy_store {
	struct bgp_prefix_rule *rules;
	struct ip_prefix *deny_exact;
	uint32_t *communities;
};

struct bgp_peer_stats {
	uint64_t msgs_in[6], msgs_out[6]; /* by message type */
	uint64_t prefixes_received;       /* NLRI announced to us */
	uint64_t prefixes_denied;         /* refused by import policy */
	uint64_t withdraws_received;
	uint64_t treat_as_withdraw, attr_discarded;
	uint64_t advertised;              /* prefixes currently advertised */
	uint64_t established_count;
	uint64_t notif_in, notif_out;
};

struct bgp_peer {
	struct bgp *bgp;
	uint8_t slot;
	char name[64];
	char ctx[96]; /* "peer 169.254.21.1 AS64512" */
	struct bgp_peer_config cfg;
	struct bgp_policy_store imp_store, exp_store;
	bool ebgp;

	int state;
	bool admin_down;
	bool maxpfx_down;
	uint32_t idle_hold_ms;
	struct bgp_conn *conn, *alt;
	struct loop_timer t_connect, t_hold, t_keepalive, t_idle, t_gr, t_mrai;

	/* negotiated at OpenConfirm */
	uint16_t hold, keepalive;
	bool as4, rr, v4, v6;
	bool peer_gr;            /* GR capability seen (GR-aware) */
	uint8_t peer_gr_afs;     /* AFs listed in it: bit 0 IPv4, bit 1 IPv6 */
	uint16_t peer_gr_time;
	uint32_t remote_id;

	/* graceful restart helper */
	bool gr_stale;           /* routes of this peer are marked stale */

	/* export */
	struct bgp_rnode **q;
	size_t qhead, qlen, qcap;
	bool eor_pending;
	uint8_t full_pending;    /* families with a full pass queued */
	size_t full_start[2];    /* queue index where that pass starts */
	bool maxpfx_warned;
	struct bgp_xcache xc[BGP_EXPORT_CACHE];

	struct bgp_peer_stats st;
	struct vtime up_since;
	char last_error[320];
	struct log_limit lim;
};

struct bgp {
	struct loop *loop;
	struct bgp_config cfg;
	struct bgp_hooks hooks;
	void *arg;
	int lfd[BGP_MAX_LISTEN * 2];
	size_t n_lfd;
	struct bgp_peer *peers[BGP_NSRC]; /* by slot; 0 unused (local) */
	struct bgp_rib rib;
	struct bgp_attr_buf scratch;       /* per-UPDATE decode/export scratch */
	struct {
		struct bgp_ann ann[BGP_EXPORT_CHUNK];
		struct bgp_rnode *wd[BGP_EXPORT_CHUNK];
	} xscratch;                        /* one flush chunk */
	struct bgp_decide_cfg dcfg;
	struct bgp_rnode **gc;    /* emptied rnodes to drop later */
	size_t gc_len, gc_cap;
	struct bgp_attrs *local_attrs[2]; /* originated, per family */
	uint64_t updates_in, prefixes_in, route_changes;
};

/* session.c: FSM and connections */
void bgp_session_start(struct bgp_peer *p);
void bgp_session_stop(struct bgp_peer *p, uint8_t code, uint8_t sub,
		      const uint8_t *data, size_t data_len, const char *why);
void bgp_session_accept(struct bgp *bgp, int fd, const struct ip_addr *remote,
			const struct ip_addr *local);
void bgp_peer_free_conns(struct bgp_peer *p);
void bgp_session_timers_init(struct bgp_peer *p);
/* Appends a complete message to the primary connection and tries to send. */
bool bgp_conn_send(struct bgp_conn *c, const uint8_t *msg, size_t len);
/* Room for at least n more bytes at the end of the output buffer. */
uint8_t *bgp_conn_reserve(struct bgp_conn *c, size_t n);
void bgp_conn_commit(struct bgp_conn *c, size_t n, uint8_t type);
void bgp_conn_flush(struct bgp_conn *c);
size_t bgp_conn_pending(const struct bgp_conn *c);

/* import.c: UPDATE processing into the RIB */
void bgp_import_update(struct bgp_peer *p, struct rd *body);
/* Removes every path of the peer, except those of the address families in
 * stale_afs (bit 0 IPv4, bit 1 IPv6), which are marked stale (RFC 4724). */
void bgp_import_flush_peer(struct bgp_peer *p, uint8_t stale_afs);
void bgp_import_drop_stale(struct bgp_peer *p, int family);
/* Re-runs decision for rn after a path change and propagates. */
void bgp_rib_changed(struct bgp *bgp, struct bgp_rnode *rn, bool path_changed,
		     uint8_t old_flags);
void bgp_gc_run(struct bgp *bgp);

/* policy.c */
bool bgp_policy_prefix_ok(const struct bgp_policy *pol,
			  const struct ip_prefix *p);
bool bgp_policy_copy(struct bgp_policy *dst, struct bgp_policy_store *store,
		     const struct bgp_policy *src);
void bgp_policy_store_free(struct bgp_policy_store *s);
/* Builds the import-transformed attributes into a (scratch-backed). */
void bgp_policy_import(const struct bgp_peer *p, struct bgp_attrs *a,
		       uint32_t *comm_buf, size_t comm_cap);
/* Builds the attributes exported to p for best path attributes src. */
bool bgp_policy_export(const struct bgp_peer *p, const struct bgp_attrs *src,
		       const struct bgp_src *from, struct bgp_attrs *out,
		       struct bgp_attr_buf *buf);

/* export.c: Adj-RIB-Out */
void bgp_export_queue(struct bgp *bgp, struct bgp_rnode *rn, uint8_t from_src);
void bgp_export_full(struct bgp_peer *p, int family);
void bgp_export_flush(struct bgp_peer *p);
void bgp_export_flush_all(struct bgp *bgp);
void bgp_export_reset(struct bgp_peer *p);
void bgp_export_peer_down(struct bgp_peer *p);

struct bgp_peer *bgp_peer_by_name(const struct bgp *bgp, const char *name);
void bgp_peer_set_error(struct bgp_peer *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
