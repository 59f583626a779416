/*
 * The IKEv2 control plane (RFC 7296) of vgw: the contract for the daemon.
 *
 * The module is transport-agnostic. The daemon owns the UDP sockets on 500
 * and 4500 and:
 *   - passes every non-ESP datagram to ike_input(). On port 4500 it strips
 *     the 4-byte non-ESP marker (RFC 3948 2.2) before calling ike_input();
 *   - sends what struct ike_io's send() is given. When the local port is
 *     the NAT-T port the daemon prepends the non-ESP marker itself: pkt is
 *     always a bare IKE message.
 * Child SAs (ESP) are handed to the daemon through struct ike_hooks.
 *
 * Everything runs on one struct loop (timers: retransmission, DPD, rekey,
 * lifetimes); tests use the loop's fake clock and the seams in
 * struct ike_seams to run two endpoints deterministically in one process.
 */
#ifndef VGW_IKE_IKE_H
#define VGW_IKE_IKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"
#include "base/clock.h"
#include "base/loop.h"
#include "crypto/secret.h"

struct json_object;
struct ike;

#define IKE_PORT 500
#define IKE_NATT_PORT 4500
#define IKE_MAX_PROPOSALS 192
#define IKE_NAME_MAX 64
#define IKE_ID_MAX 128

struct ike_endpoint {
	struct ip_addr addr;
	uint16_t port;
};

/* One IKE suite: IANA Transform IDs (RFC 7296 3.3.2). integ 0 for AEAD. */
struct ike_ike_proposal {
	uint16_t encr, encr_bits, integ, prf, dh;
};

/* One ESP suite. pfs_dh 0: no PFS. esn: 0 off, 1 on. */
struct ike_esp_proposal {
	uint16_t encr, encr_bits, integ, pfs_dh;
	uint8_t esn;
};

enum ike_dpd_action {
	IKE_DPD_CLEAR,   /* delete the IKE SA, tunnel DOWN */
	IKE_DPD_RESTART, /* delete and initiate again */
	IKE_DPD_NONE,    /* only log */
};

enum ike_initiation {
	IKE_INIT_START,          /* initiate at once and after failures */
	IKE_INIT_ADD,            /* wait for the peer (AWS default) */
	IKE_INIT_DEFAULT,        /* both (Azure "Default") */
	IKE_INIT_INITIATOR_ONLY, /* Azure InitiatorOnly: never respond */
	IKE_INIT_RESPONDER_ONLY, /* Azure ResponderOnly: never initiate */
};

enum ike_id_type {
	IKE_IDT_IPV4_ADDR = 1,
	IKE_IDT_FQDN = 2,
};

struct ike_id {
	enum ike_id_type type; /* 0: default (the outside address) */
	char value[IKE_ID_MAX];
};

struct ike_tunnel_config {
	char name[IKE_NAME_MAX];
	struct ip_addr local, remote; /* outside addresses */
	uint16_t ike_port;            /* 0: 500 */
	uint16_t natt_port;           /* 0: 4500 */
	const struct secret *psk;     /* copied by ike_tunnel_add */
	struct ike_id local_id, remote_id;
	struct ike_ike_proposal ike[IKE_MAX_PROPOSALS];
	size_t n_ike;
	/* Offered as initiator, and accepted as responder. */
	struct ike_esp_proposal esp[IKE_MAX_PROPOSALS];
	size_t n_esp;
	/* Extra suites accepted only as responder (Azure's PFS variants). */
	struct ike_esp_proposal esp_accept[IKE_MAX_PROPOSALS];
	size_t n_esp_accept;
	uint32_t ike_lifetime_s, child_lifetime_s, rekey_margin_s;
	uint32_t rekey_fuzz_pct;
	uint32_t dpd_interval_s, dpd_timeout_s; /* interval 0: no DPD */
	enum ike_dpd_action dpd_action;
	enum ike_initiation initiation;
	uint32_t replay_window;
	bool force_encap;
	/* Traffic selectors; unset (family 0) means 0.0.0.0/0. */
	struct ip_prefix local_ts, remote_ts;
};

/* Named cloud profiles (see proposal.c). False if name is unknown. */
bool ike_profile_apply(struct ike_tunnel_config *cfg, const char *name);
/* Sane defaults: aws-default suites, lifetimes, DPD 10/30 s, restart. */
void ike_tunnel_config_defaults(struct ike_tunnel_config *cfg);

struct ike_io {
	/* Returns 0, or -errno (counted; retransmission covers the loss). */
	int (*send)(void *arg, const struct ike_endpoint *local,
		    const struct ike_endpoint *remote, const uint8_t *pkt,
		    size_t len);
};

/*
 * Keys of a new Child SA pair. The secrets belong to the IKE module and are
 * valid only during the child_up call: the daemon copies what it keeps.
 */
struct ike_child_sa_keys {
	uint32_t spi_in, spi_out; /* host order */
	uint16_t encr, encr_bits, integ;
	bool esn;
	const struct secret *encr_in, *integ_in, *encr_out, *integ_out;
	bool encap; /* UDP encapsulation (RFC 3948) */
	struct ike_endpoint local, remote;
	uint32_t replay_window;
	bool rekey; /* replaces an older child of the same tunnel */
};

enum ike_tunnel_state {
	IKE_TUNNEL_DOWN,
	IKE_TUNNEL_CONNECTING,
	IKE_TUNNEL_UP,
};

/*
 * Hooks are called from inside ike_input() and timer callbacks: they must
 * not call back into this module synchronously (defer with a loop timer).
 */
struct ike_hooks {
	/* Install inbound at once, switch outbound; old inbound stays until
	 * child_down. */
	void (*child_up)(void *arg, const char *tunnel,
			 const struct ike_child_sa_keys *k);
	void (*child_down)(void *arg, const char *tunnel, uint32_t spi_in,
			   uint32_t spi_out);
	void (*tunnel_state)(void *arg, const char *tunnel,
			     enum ike_tunnel_state st, const char *reason);
	/* Optional: time of the last authenticated inbound ESP packet. */
	struct vtime (*last_inbound)(void *arg, const char *tunnel);
};

/*
 * Test seams (all optional). rng fills SPIs, nonces and IVs; dh_private
 * returns the private value for a new DH key (len bytes wanted for MODP/ECP
 * as a big-endian integer, 32 for Curve25519) or false for a random key.
 */
struct ike_seams {
	bool (*rng)(void *arg, void *buf, size_t len);
	bool (*dh_private)(void *arg, uint16_t group, uint8_t *buf,
			   size_t *len);
	void *arg;
	/* Half-open IKE SAs above which cookies are demanded (default 64). */
	uint32_t cookie_threshold;
};

/* NULL on allocation failure. loop, io, hooks must outlive the object. */
struct ike *ike_new(struct loop *loop, const struct ike_io *io,
		    const struct ike_hooks *hooks, void *arg);
/* Frees everything silently: no DELETE sent (see ike_shutdown_all) and no
 * hooks called. NULL-safe. */
void ike_free(struct ike *ike);
void ike_set_seams(struct ike *ike, const struct ike_seams *seams);

/* Returns 0, -EEXIST (name taken), -EINVAL (bad config) or -ENOMEM.
 * Initiates at once for IKE_INIT_START / IKE_INIT_DEFAULT. */
int ike_tunnel_add(struct ike *ike, const struct ike_tunnel_config *cfg);
/* Sends DELETE for its IKE SA (if up) and forgets the tunnel. 0/-ENOENT. */
int ike_tunnel_remove(struct ike *ike, const char *name);
/* Starts IKE_SA_INIT. 0, -ENOENT, -EALREADY (an IKE SA exists or is
 * being set up), -EPERM (responder-only tunnel) or -ENOMEM. */
int ike_tunnel_initiate(struct ike *ike, const char *name);
/* Sends DELETE and goes DOWN; the tunnel stays configured. */
int ike_tunnel_terminate(struct ike *ike, const char *name);
/* DELETE for every IKE SA (best effort, no wait for replies). */
void ike_shutdown_all(struct ike *ike);
enum ike_tunnel_state ike_tunnel_get_state(struct ike *ike, const char *name);

/*
 * Feed one received IKE message (non-ESP marker already stripped; NAT-T
 * keepalives, the single byte 0xff on 4500, are the daemon's to drop).
 * local must be the address the datagram was sent to (IP_PKTINFO), as
 * tunnels are matched by (local, remote) address.
 */
void ike_input(struct ike *ike, const struct ike_endpoint *local,
	       const struct ike_endpoint *remote, const uint8_t *pkt,
	       size_t len);

/* New json-c object (caller puts it) describing every tunnel. */
struct json_object *ike_tunnels_json(struct ike *ike);

/* Counters for tests and the CLI. */
struct ike_stats {
	uint64_t rx, tx, dropped, retransmits, bad_icv;
	uint64_t notify_rx[64], notify_tx[64]; /* index: error type < 64 */
	uint64_t cookies_sent;
};
const struct ike_stats *ike_get_stats(const struct ike *ike);

const char *ike_tunnel_state_name(enum ike_tunnel_state st);

#endif
