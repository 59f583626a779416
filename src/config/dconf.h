/*
 * Daemon configuration: one file per gateway instance, loaded by vgwd and
 * written by the planner (vgwctl plan --out). Format: docs/daemon-config.md.
 *
 * Pipeline: YAML text -> dconf_load_*() (parse, apply the role's defaults,
 * derive the rest, validate) -> immutable struct dconf -> dconf_print()
 * (canonical: every field, defaults explicit, stable order). After a
 * successful load or dconf_finalize() every field holds its effective value:
 * consumers never see "unset" markers (DCONF_AUTO, empty ids, ...).
 *
 * Ownership: a struct dconf owns everything it points to (arrays, secrets);
 * dconf_free() releases all of it and wipes the PSKs.
 *
 * Stability: this header is a contract with src/daemon. Fields are added,
 * never renamed or re-typed.
 */
#ifndef VGW_CONFIG_DCONF_H
#define VGW_CONFIG_DCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/addr.h"
#include "base/log.h"
#include "config/proposal.h"

struct diag_list; /* config/diag.h */
struct secret;    /* crypto/secret.h */

#define DCONF_VERSION 1
#define DCONF_NAME_MAX 64     /* names incl. NUL: [A-Za-z0-9._-], 1..63 */
#define DCONF_IFNAME_MAX 16   /* IFNAMSIZ: at most 15 characters */
#define DCONF_PATH_MAX 256
#define DCONF_ID_MAX 256
#define DCONF_MAX_PROPOSALS 16
#define DCONF_MAX_TUNNELS 64
#define DCONF_MAX_NEIGHBORS 64
#define DCONF_MAX_PREFIXES 256 /* per prefix list */
#define DCONF_MAX_COMMUNITIES 32
/* Builder input meaning "not given; derive it in dconf_finalize()". */
#define DCONF_AUTO UINT32_MAX

enum dconf_role {
	DCONF_ROLE_GENERIC = 0,        /* "generic": RFC defaults */
	DCONF_ROLE_AZURE_INSTANCE = 1, /* "azure-instance": one Azure VPN
					* gateway instance (active-active) */
	DCONF_ROLE_AWS_VGW = 2,        /* "aws-vgw": AWS virtual private
					* gateway endpoint */
};

enum dconf_dpd_action {
	DCONF_DPD_CLEAR = 0,   /* "clear": delete the SAs, withdraw routes */
	DCONF_DPD_RESTART = 1, /* "restart": delete, then re-initiate */
	DCONF_DPD_NONE = 2,    /* "none": take no action */
};

/*
 * Who sends the first IKE_SA_INIT. AWS "startup action" and Azure
 * "connection mode" map onto one enum (aliases accepted by the loader):
 *   start          AWS start / Azure default: initiate at startup, also
 *                  accept the peer's initiation.
 *   add            AWS add / Azure responder-only: wait for the peer.
 *   initiator-only Azure initiator-only: initiate, refuse inbound
 *                  IKE_SA_INIT for this tunnel.
 * Only the first exchange is affected; rekeys may come from either side.
 */
enum dconf_initiation {
	DCONF_INIT_START = 0,
	DCONF_INIT_ADD = 1,
	DCONF_INIT_INITIATOR_ONLY = 2,
};

/* What a BGP session does when a peer sends more than max_prefix.limit. */
enum dconf_max_prefix_action {
	DCONF_MAXPFX_CEASE = 0, /* NOTIFICATION Cease/1 (RFC 4486), Idle,
				 * retry after restart_s (AWS behaviour) */
	DCONF_MAXPFX_DROP = 1,  /* close the session without NOTIFICATION,
				 * retry after restart_s (Azure: "dropped") */
	DCONF_MAXPFX_WARN = 2,  /* log once and keep the session */
};

/* IKEv2 identification (RFC 7296 3.5); text "1.2.3.4", "fqdn:x", "email:x". */
enum dconf_id_type {
	DCONF_ID_IPV4_ADDR = 1,
	DCONF_ID_FQDN = 2,
	DCONF_ID_RFC822_ADDR = 3,
	DCONF_ID_IPV6_ADDR = 5,
};

struct dconf_id {
	enum dconf_id_type type; /* 0 = not given (builder only) */
	char value[DCONF_ID_MAX];
};

/* An interface address with its prefix length: "169.254.21.2/30". */
struct dconf_ifaddr {
	struct ip_addr addr; /* host bits kept */
	uint8_t len;
};

struct dconf_tunnel {
	char name[DCONF_NAME_MAX];
	char ifname[DCONF_IFNAME_MAX]; /* route-based tunnel interface */
	struct ip_addr local_outside;  /* default: dconf.outside_address */
	struct ip_addr remote_outside; /* required */
	uint16_t ike_port;             /* default 500 */
	uint16_t natt_port;            /* default 4500 */
	struct dconf_ifaddr inside_address; /* ours, e.g. 169.254.21.2/30 */
	struct ip_addr inside_peer;    /* e.g. 169.254.21.1; in the subnet */
	/* Pre-shared key (RFC 7296 2.15). psk_file is kept for the printer
	 * ("" when the key was given inline); psk is always loaded. */
	struct secret *psk;
	char psk_file[DCONF_PATH_MAX];
	struct dconf_id local_id;  /* default: local_outside as an address */
	struct dconf_id remote_id; /* default: remote_outside */
	uint8_t n_ike, n_esp;      /* in preference order, >= 1 each */
	struct proposal ike[DCONF_MAX_PROPOSALS];
	struct proposal esp[DCONF_MAX_PROPOSALS];
	uint32_t ike_lifetime_s;   /* IKE SA rekey time */
	uint32_t child_lifetime_s; /* Child SA rekey time */
	uint64_t child_lifetime_kb; /* 0 = no volume limit */
	uint32_t rekey_margin_s;   /* rekey this long before expiry */
	uint32_t rekey_fuzz_pct;   /* random extra margin, % of margin */
	uint32_t replay_window;    /* packets, 64..2048 */
	uint32_t dpd_interval_s;   /* idle time before a liveness check */
	uint32_t dpd_timeout_s;    /* peer dead after this long unanswered */
	enum dconf_dpd_action dpd_action;
	enum dconf_initiation initiation;
	uint32_t mtu;       /* tunnel interface MTU; 0 = auto */
	uint32_t mss_clamp; /* TCP MSS clamp; 0 = off */
	/* Fast liveness between vgw gateways: send an ESP dummy packet
	 * (RFC 4303 2.6, next header 59) every liveness_ms and declare the
	 * tunnel dead after 3 intervals without any authenticated inbound
	 * packet (its BGP session is shut and its routes withdrawn at once;
	 * back when packets flow again). 0 = off. Peers that are not vgw
	 * discard the dummies as RFC 4303 requires, but send none: only
	 * enable it toward a vgw. */
	uint32_t liveness_ms;
};

struct dconf_prefix_list {
	size_t n;
	struct ip_prefix *v; /* owned */
	bool given;          /* present in the input; finalize keeps it */
};

/*
 * Route policy for one direction of one neighbor. A route is refused when
 * it equals a deny_exact entry; otherwise, if allow is non-empty, it must
 * lie inside (equal to or more specific than) one allow entry.
 */
struct dconf_policy {
	struct dconf_prefix_list deny_exact;
	struct dconf_prefix_list allow;
};

struct dconf_max_prefix {
	uint32_t limit; /* 0 = no limit */
	enum dconf_max_prefix_action action;
	uint32_t restart_s; /* 0 = stay down until reset by the operator */
};

struct dconf_neighbor {
	char name[DCONF_NAME_MAX];
	struct ip_addr address;       /* peer's address */
	struct ip_addr local_address; /* default: the tunnel's inside address */
	uint32_t remote_as;
	char tunnel[DCONF_NAME_MAX];  /* tunnel it runs over, "" if none */
	bool passive;                 /* never open TCP/179, only accept */
	uint32_t hold_time;           /* s, 0 or >= 3 (RFC 4271 4.2) */
	uint32_t keepalive;           /* s, < hold_time (0 with hold 0) */
	uint32_t connect_retry;       /* s (RFC 4271 ConnectRetryTime) */
	uint32_t ttl;                 /* 1 = directly connected, >1 multihop */
	uint16_t port;                /* peer's TCP port, default 179 */
	struct dconf_max_prefix max_prefix;
	struct dconf_policy import;
	struct dconf_policy export;
	uint32_t prepend;             /* extra copies of our AS on export */
	bool has_med;                 /* MED sent on export */
	uint32_t med;
	uint32_t local_pref;          /* given to routes learned here */
	size_t n_communities;
	uint32_t communities[DCONF_MAX_COMMUNITIES]; /* added on export,
						      * (asn << 16) | value */
	bool graceful_shutdown;       /* RFC 8326: tag exports GRACEFUL_SHUTDOWN,
				       * and lower their preference */
};

struct dconf_bgp {
	bool enabled;            /* the "bgp" section is present */
	uint32_t asn;            /* 4-octet; text plain or asdot "1.10" */
	struct ip_addr router_id; /* IPv4; default: outside_address */
	bool listen;             /* accept TCP/179 from configured peers */
	uint16_t listen_port;    /* default 179 */
	bool multipath;          /* ECMP over equal best paths */
	uint32_t max_paths;      /* with multipath; default 4 */
	struct dconf_prefix_list announce; /* originated prefixes */
	size_t n_neighbors;
	struct dconf_neighbor *neighbors; /* owned */
};

struct dconf {
	uint32_t version;          /* DCONF_VERSION */
	enum dconf_role role;
	char name[DCONF_NAME_MAX];
	struct ip_addr outside_address;
	char control_socket[DCONF_PATH_MAX]; /* default /run/vgw/<name>.sock */
	enum vlog_level log_level; /* default info */
	size_t n_tunnels;
	struct dconf_tunnel *tunnels; /* owned */
	struct dconf_bgp bgp;
	char source[DCONF_PATH_MAX]; /* file it was loaded from; for a built
				      * config "" or the file it is meant for
				      * (names it in diagnostics) */
};

/* Flags for dconf_print(). */
enum {
	DCONF_PRINT_SECRETS = 1 << 0, /* emit inline PSKs as "psk: <key>";
				       * otherwise "psk: <redacted>" (which the
				       * loader refuses) or "psk_file: path" */
	DCONF_PRINT_NO_HEADER = 1 << 1, /* omit the leading comment line */
};

/*
 * Loads, defaults and validates a daemon config. Problems go to diags as
 * "FILE:LINE:COL: error: path: msg (hint: ...)". Returns NULL on any error
 * (warnings alone do not fail). A psk_file is resolved relative to the
 * directory of path and read at load time.
 */
struct dconf *dconf_load_file(const char *path, struct diag_list *diags);
/* Same from memory; name is used in diagnostics and as the base for
 * relative psk_file paths (its directory). */
struct dconf *dconf_load_string(const char *text, size_t len,
				const char *name, struct diag_list *diags);
/* NULL-safe; wipes PSKs. */
void dconf_free(struct dconf *c);

/*
 * Canonical printer. Returns 0, or -1 if writing failed. The output of a
 * valid config (with DCONF_PRINT_SECRETS when PSKs are inline) loads back to
 * an equal config and prints identically.
 */
int dconf_print(FILE *out, const struct dconf *c, unsigned flags);
/*
 * Writes the canonical print with secrets to path, created with mode 0600
 * (an existing file is replaced atomically via path.tmp + rename).
 * Returns 0 or -errno.
 */
int dconf_write_file(const char *path, const struct dconf *c);

/* ---- Builder (the planner, tests): construct, then finalize. ---- */

/* Empty config of this role with the role's defaults filled in. */
struct dconf *dconf_new(enum dconf_role role, const char *name);
/* Appends a tunnel (role defaults, unset fields AUTO); NULL when full. */
struct dconf_tunnel *dconf_add_tunnel(struct dconf *c, const char *name);
/* Enables BGP and appends a neighbor (role defaults); NULL when full. */
struct dconf_neighbor *dconf_add_neighbor(struct dconf *c, const char *name);
/* Appends a prefix to a list; false when full or out of memory. */
bool dconf_prefix_list_add(struct dconf_prefix_list *l,
			   const struct ip_prefix *p);
/* Sets a tunnel's PSK (copied). False on allocation failure. */
bool dconf_tunnel_set_psk(struct dconf_tunnel *t, const char *psk);
/*
 * Derives every remaining default (ifnames, ids, local addresses, router
 * id, MSS per suite, Azure VNet deny list, ...) and validates. Returns
 * false with diagnostics (path-only, no line) when invalid.
 */
bool dconf_finalize(struct dconf *c, struct diag_list *diags);

/* ---- Names ---- */
const char *dconf_role_name(enum dconf_role r);
bool dconf_role_parse(const char *s, enum dconf_role *out);
const char *dconf_dpd_action_name(enum dconf_dpd_action a);
const char *dconf_initiation_name(enum dconf_initiation i);
const char *dconf_max_prefix_action_name(enum dconf_max_prefix_action a);
/* Tunnel by name, NULL if absent. */
const struct dconf_tunnel *dconf_find_tunnel(const struct dconf *c,
					     const char *name);

#endif
