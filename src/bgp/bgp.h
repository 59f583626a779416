/*
 * vgw BGP-4 speaker (RFC 4271) as a library driven by the daemon.
 *
 * One struct bgp is one speaker (one ASN, one router id) running on a
 * struct loop. It talks plain TCP to its peers and assumes nothing about
 * tunnels: any reachability works, loopback included.
 *
 * Supported: 4-octet ASN (RFC 6793), multiprotocol IPv4/IPv6 unicast
 * (RFC 4760), route refresh (RFC 2918), graceful restart helper with
 * End-of-RIB (RFC 4724), RFC 7606 UPDATE error handling, RFC 8203/9003
 * shutdown communication, RFC 4486 cease subcodes, communities (RFC 1997)
 * incl. GRACEFUL_SHUTDOWN (RFC 8326). Extended messages are not offered.
 *
 * Threading: single-threaded, every call from the loop's thread.
 * Ownership: the speaker copies every config struct it is given (strings and
 * lists included); callers keep ownership of what they pass. Pointers passed
 * to hooks are valid only for the duration of the call. Hooks must not call
 * bgp_free() or bgp_peer_remove(); other calls are allowed. bgp_free() calls
 * no hooks.
 * Peers: at most BGP_MAX_PEERS; an incoming connection is matched by its
 * remote address (and the configured local address, if any).
 * Errors: functions returning int return 0 on success or a negative errno
 * (-EINVAL bad argument, -ENOENT unknown peer, -EEXIST duplicate, -ENOSPC
 * too many peers, -ENOMEM).
 */
#ifndef VGW_BGP_BGP_H
#define VGW_BGP_BGP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/loop.h"

struct bgp;
struct json_object;

/* RFC 4271 8.2.2 states; numbering as in the BGP MIB (RFC 4273). */
enum bgp_state {
	BGP_IDLE = 1,
	BGP_CONNECT = 2,
	BGP_ACTIVE = 3,
	BGP_OPENSENT = 4,
	BGP_OPENCONFIRM = 5,
	BGP_ESTABLISHED = 6,
};
const char *bgp_state_name(int state);

#define BGP_MAX_LISTEN 4
#define BGP_MAX_PEERS 31 /* per speaker; Adj-RIB-Out state is a 32-bit mask */

struct bgp_config {
	uint32_t asn;                 /* 4-octet ASN of this speaker */
	struct ip_addr router_id;     /* IPv4 BGP Identifier, non-zero */
	struct ip_addr listen[BGP_MAX_LISTEN]; /* unset entries ignored; */
	size_t n_listen;              /* none = listen on 0.0.0.0 and :: */
	uint16_t port;                /* 0 = do not listen */
	bool multipath;               /* ECMP across equal paths */
	uint32_t max_paths;           /* multipath set size, 0 = 8 */
	uint32_t mrai_ms;             /* MinRouteAdvertisementInterval, 0 = send at once */
	uint32_t gr_restart_time;     /* advertised GR restart time s, 0 = 120 */
	size_t out_limit;             /* per-peer output buffer high water, 0 = 4 MiB */
};

/* One prefix-list entry: matches p when p is inside prefix and
 * ge <= p.len <= le (ge = le = prefix.len for an exact entry). */
struct bgp_prefix_rule {
	struct ip_prefix prefix;
	uint8_t ge, le;
	bool permit;
};

enum bgp_max_prefix_action {
	BGP_MAXPFX_CEASE = 0, /* NOTIFICATION Cease/1 with AFI/SAFI/limit, Idle */
	BGP_MAXPFX_WARN = 1,  /* drop routes over the limit and warn */
};

struct bgp_policy {
	/* Prefix list, first match wins; with rules and no match: deny.
	 * n_rules = 0: permit everything. */
	const struct bgp_prefix_rule *rules;
	size_t n_rules;
	/* Routes whose prefix equals one of these are refused (Azure refuses
	 * advertisements identical to its VNet prefixes). */
	const struct ip_prefix *deny_exact;
	size_t n_deny_exact;
	uint8_t prepend;          /* export: prepend own AS this many extra times */
	bool set_med;
	uint32_t med;
	bool set_local_pref;      /* import only */
	uint32_t local_pref;
	const uint32_t *communities; /* added (RFC 1997) */
	size_t n_communities;
	bool graceful_shutdown;   /* export: add GRACEFUL_SHUTDOWN 65535:0 */
};

struct bgp_peer_config {
	const char *name;             /* unique; e.g. "aws-tunnel1" */
	struct ip_addr remote;
	struct ip_addr local;         /* bind address, unset = any */
	uint32_t remote_as;           /* == bgp asn: iBGP */
	uint16_t hold_time;           /* s, 0 = 90; 0 < h < 3 invalid */
	uint16_t keepalive;           /* s, 0 = hold/3 */
	uint16_t connect_retry;       /* s, 0 = 120 */
	uint32_t idle_hold_ms;        /* first delay after a failure, 0 = 1000 */
	bool passive;                 /* never connect, only accept */
	uint8_t multihop_ttl;         /* eBGP: 0 = TTL 1 (directly connected) */
	uint16_t port;                /* remote port, 0 = 179 */
	struct {
		uint32_t limit;       /* 0 = no limit */
		enum bgp_max_prefix_action action;
		uint32_t restart_s;   /* cease: restart after, 0 = stay down */
	} max_prefix;
	struct bgp_policy import, export;
	bool next_hop_self;           /* also toward iBGP (always for eBGP) */
	bool gr_helper;               /* retain routes when a GR peer restarts */
	bool ipv6;                    /* offer IPv6 unicast (IPv4 always) */
	/* Next hop announced for routes of the other family than the session's
	 * (IPv6 routes over an IPv4 session and vice versa; no RFC 8950).
	 * Unset: such routes are not announced on this session. */
	struct ip_addr nexthop4, nexthop6;
	bool disabled;                /* start administratively down */
};

/* One next hop of a Loc-RIB best path. peer == NULL: locally originated. */
struct bgp_nexthop {
	struct ip_addr addr;
	const char *peer;
	uint32_t peer_as;
};

struct bgp_hooks {
	/* Loc-RIB best (multipath set) of p changed; n_nh == 0: withdrawn.
	 * NULL: not called. Called once per changed prefix. */
	void (*route_changed)(void *arg, const struct ip_prefix *p,
			      const struct bgp_nexthop *nh, size_t n_nh);
	/* A peer changed FSM state; reason is human text or NULL. */
	void (*peer_state)(void *arg, const char *peer, int old_state,
			   int new_state, const char *reason);
	/* Decision process step "IGP cost to NEXT_HOP" (RFC 4271 9.1.2.2 e);
	 * NULL: every next hop costs 0. */
	uint32_t (*igp_cost)(void *arg, const struct ip_addr *nexthop);
};

/* Returns NULL on invalid config (logged) or failure to listen. cfg is
 * copied; hooks is copied; loop must outlive the speaker. */
struct bgp *bgp_new(struct loop *loop, const struct bgp_config *cfg,
		    const struct bgp_hooks *hooks, void *arg);
/* NULL-safe. Closes every session (Cease/Peer De-configured), frees all. */
void bgp_free(struct bgp *bgp);

int bgp_peer_add(struct bgp *bgp, const struct bgp_peer_config *pc);
/* Sends Cease/Peer De-configured, withdraws its routes, frees the peer. */
int bgp_peer_remove(struct bgp *bgp, const char *name);
/* Applies policy/timer changes without a reset when possible (policy:
 * re-export to the peer and ROUTE-REFRESH for import), else resets. */
int bgp_peer_update_config(struct bgp *bgp, const struct bgp_peer_config *pc);
/* Admin down: Cease/Administrative Shutdown carrying the RFC 8203
 * communication (may be NULL, truncated to 255 bytes); stays Idle. */
int bgp_peer_shutdown(struct bgp *bgp, const char *name,
		      const char *communication);
int bgp_peer_enable(struct bgp *bgp, const char *name);
/* Cease/Administrative Reset, then restarts the session. */
int bgp_peer_clear(struct bgp *bgp, const char *name);
/* Sends ROUTE-REFRESH for every negotiated family; -EAGAIN if the session
 * is not Established, -ENOTSUP if the peer lacks the capability. */
int bgp_peer_refresh(struct bgp *bgp, const char *name);
int bgp_peer_state(const struct bgp *bgp, const char *name);

/* Locally originated routes (ORIGIN IGP, empty AS_PATH). */
int bgp_originate(struct bgp *bgp, const struct ip_prefix *p);
int bgp_withdraw(struct bgp *bgp, const struct ip_prefix *p);

/* Introspection; the caller owns the returned object (json_object_put). */
struct json_object *bgp_peers_json(const struct bgp *bgp);
struct bgp_route_filter {
	const struct ip_prefix *prefix; /* exact prefix, NULL = all */
	const char *peer;               /* only paths from this peer */
	uint8_t family;                 /* AF_INET / AF_INET6 / 0 = both */
	size_t limit;                   /* max prefixes listed, 0 = 1000 */
};
struct json_object *bgp_routes_json(const struct bgp *bgp,
				    const struct bgp_route_filter *filter);
struct json_object *bgp_counters_json(const struct bgp *bgp);
/* Prefixes in the Loc-RIB (with at least one path). */
size_t bgp_route_count(const struct bgp *bgp);

#endif
