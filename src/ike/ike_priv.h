/*
 * Internals of the IKE module shared between its files: the decoded
 * message, the failure disposition, the IKE SA and Child SA objects and the
 * cross-file functions. Not part of the contract (that is ike.h).
 */
#ifndef VGW_IKE_IKE_PRIV_H
#define VGW_IKE_IKE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/cursor.h"
#include "base/log.h"
#include "crypto/cipher.h"
#include "crypto/dh.h"
#include "crypto/prf.h"
#include "crypto/secret.h"
#include "ike/ike.h"
#include "ike/ikev2_wire.h"

#define IKE_MAX_PAYLOADS 48
#define IKE_NONCE_LEN 32
#define IKE_NONCE_MAX 256
#define IKE_COOKIE_MAX 64
#define IKE_CTX_LEN 96

/* ---- failure disposition (STYLE: a value, acted on in one place) ---- */

enum ike_disp_kind {
	IKE_D_OK,
	IKE_D_DROP,      /* silent drop + counter */
	IKE_D_NOTIFY,    /* answer the request with an error notify */
	IKE_D_DELETE_SA, /* tear the IKE SA down */
};

struct ike_disp {
	enum ike_disp_kind kind;
	uint16_t notify;
	uint8_t data[2]; /* notify data: payload type, or DH group */
	size_t data_len;
	bool from_peer; /* the notify is one the peer sent us */
	const char *why;
};

static inline struct ike_disp ike_d_ok(void)
{
	return (struct ike_disp){ .kind = IKE_D_OK };
}
static inline struct ike_disp ike_d_drop(const char *why)
{
	return (struct ike_disp){ .kind = IKE_D_DROP, .why = why };
}
static inline struct ike_disp ike_d_notify(uint16_t type, const char *why)
{
	return (struct ike_disp){ .kind = IKE_D_NOTIFY, .notify = type,
				  .why = why };
}
static inline struct ike_disp ike_d_delete(uint16_t type, const char *why)
{
	return (struct ike_disp){ .kind = IKE_D_DELETE_SA, .notify = type,
				  .why = why };
}

/* Give up the SA because the peer answered with error notify type. */
static inline struct ike_disp ike_d_peer_error(uint16_t type, const char *why)
{
	return (struct ike_disp){ .kind = IKE_D_DELETE_SA, .notify = type,
				  .from_peer = true, .why = why };
}

/* ---- decoded messages (payload.c) ---- */

struct ike_hdr {
	uint8_t spi_i[IKE_SPI_LEN], spi_r[IKE_SPI_LEN];
	uint8_t next, version, exchange, flags;
	uint32_t msg_id, length;
};

struct ike_payload {
	uint8_t type;
	bool critical;
	bool encrypted; /* came out of the SK payload */
	struct rd body;
};

struct ike_msg {
	struct ike_hdr h;
	const uint8_t *raw;
	size_t raw_len;
	struct ike_payload pl[IKE_MAX_PAYLOADS];
	size_t n;
	bool has_sk;
	size_t sk_off; /* offset of the SK generic header in raw */
	uint8_t sk_next;
	uint8_t plain[IKE_MAX_MSG]; /* decrypted inner payloads */
	size_t plain_len;
};

struct ike_notify {
	uint8_t proto, spi_size;
	const uint8_t *spi;
	uint16_t type;
	struct rd data;
};

bool ike_hdr_decode(struct rd *r, struct ike_hdr *h);
void ike_hdr_encode(struct wr *w, const struct ike_hdr *h);
/* Header + outer payload chain (stops at SK, which must be last). */
struct ike_disp ike_msg_decode(struct ike_msg *m, const uint8_t *pkt,
			       size_t len);
/* Chain of payloads inside r starting with type first (inner or outer). */
struct ike_disp ike_payloads_decode(struct ike_msg *m, struct rd *r,
				    uint8_t first, bool encrypted);
/* RFC 7296 rule table check for the message's exchange and direction. */
struct ike_disp ike_msg_check_rules(const struct ike_msg *m);
const struct ike_payload *ike_msg_find(const struct ike_msg *m, uint8_t type,
				       size_t nth);
size_t ike_msg_count(const struct ike_msg *m, uint8_t type);
bool ike_notify_decode(const struct ike_payload *p, struct ike_notify *n);
/* First N payload of the given type, or NULL. */
const struct ike_payload *ike_msg_find_notify(const struct ike_msg *m,
					      uint16_t type,
					      struct ike_notify *n);
/* First error notify (< 16384), or NULL. */
const struct ike_payload *ike_msg_error_notify(const struct ike_msg *m,
					       struct ike_notify *n);

/* A payload chain being written: patches each header's Next Payload. */
struct ike_enc {
	struct wr w;
	uint8_t buf[IKE_MAX_MSG];
	size_t next_off; /* SIZE_MAX: nothing written yet */
	uint8_t first;
};

void ike_enc_init(struct ike_enc *e);
size_t ike_enc_begin(struct ike_enc *e, uint8_t type);
void ike_enc_end(struct ike_enc *e, size_t start);
void ike_enc_notify(struct ike_enc *e, uint8_t proto, const uint8_t *spi,
		    size_t spi_len, uint16_t type, const void *data,
		    size_t len);
void ike_enc_nonce(struct ike_enc *e, const uint8_t *n, size_t len);
void ike_enc_ke(struct ike_enc *e, uint16_t group, const uint8_t *pub,
		size_t len);
/* Plaintext message: header (length patched) + chain. False if too big. */
bool ike_msg_assemble(const struct ike_hdr *h, const struct ike_enc *e,
		      uint8_t *out, size_t cap, size_t *len);

/* ---- proposals (proposal.c) ---- */

#define IKE_MAX_XFORMS 64

struct ike_xform {
	uint8_t type;
	uint16_t id;
	uint16_t key_bits; /* 0: no Key Length attribute */
};

struct ike_prop {
	uint8_t num, proto, spi_size;
	uint8_t spi[IKE_SPI_LEN];
	struct ike_xform xf[IKE_MAX_XFORMS];
	size_t n_xf;
};

/* A negotiated suite, IKE or ESP (integ 0 for AEAD, dh 0 for no PFS). */
struct ike_suite {
	uint16_t encr, encr_bits, integ, prf, dh;
	uint8_t esn;
};

void ike_sa_payload_encode_ike(struct ike_enc *e,
			       const struct ike_ike_proposal *p, size_t n,
			       const uint8_t *spi, size_t spi_len);
void ike_sa_payload_encode_esp(struct ike_enc *e,
			       const struct ike_esp_proposal *p, size_t n,
			       uint32_t spi, bool with_pfs);
/* One chosen proposal (the responder's answer). */
void ike_sa_payload_encode_chosen(struct ike_enc *e, uint8_t num,
				  uint8_t proto, const uint8_t *spi,
				  size_t spi_len, const struct ike_suite *s,
				  bool esn_present);
/* Decode an SA payload into props (at most max). False if malformed. */
bool ike_sa_payload_decode(const struct ike_payload *p, struct ike_prop *props,
			   size_t max, size_t *n);
/*
 * Responder choice: the first peer proposal (peer order) that contains one
 * of our suites. Returns the index into props, or -1. *out is the suite.
 */
int ike_choose_ike(const struct ike_prop *props, size_t n,
		   const struct ike_ike_proposal *ours, size_t n_ours,
		   struct ike_suite *out);
int ike_choose_esp(const struct ike_prop *props, size_t n,
		   const struct ike_esp_proposal *ours, size_t n_ours,
		   bool pfs_allowed, struct ike_suite *out);
/* Initiator: the single returned proposal must be one we offered. */
bool ike_accept_ike(const struct ike_prop *p, const struct ike_ike_proposal *ours,
		    size_t n_ours, struct ike_suite *out);
bool ike_accept_esp(const struct ike_prop *p, const struct ike_esp_proposal *ours,
		    size_t n_ours, bool with_pfs, struct ike_suite *out);
/* Text like "AES_GCM_16-256/PRF_HMAC_SHA2_256/ECP_256". */
void ike_suite_fmt(const struct ike_suite *s, bool ike, char *buf,
		   size_t size);
/* Describe what the peer offered, for NO_PROPOSAL_CHOSEN logs. */
void ike_props_fmt(const struct ike_prop *props, size_t n, char *buf,
		   size_t size);

/* ---- key derivation (keys.c) ---- */

struct ike_keys {
	struct secret *sk_d, *sk_ai, *sk_ar, *sk_ei, *sk_er, *sk_pi, *sk_pr;
};

void ike_keys_free(struct ike_keys *k);
/*
 * RFC 7296 2.14 (old_prf 0, old_sk_d NULL) and 2.18 (rekey: SKEYSEED =
 * prf_old(SK_d old, g^ir | Ni | Nr)). False on failure (keys freed).
 */
bool ike_keys_derive(const struct ike_suite *s, const struct secret *gir,
		     const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		     size_t nr_len, const uint8_t *spi_i, const uint8_t *spi_r,
		     uint16_t old_prf, const struct secret *old_sk_d,
		     struct ike_keys *out);
/* RFC 7296 2.17 KEYMAT = prf+(SK_d, [g^ir |] Ni | Nr), split i->r, r->i. */
struct ike_child_keymat {
	struct secret *encr_i, *integ_i, *encr_r, *integ_r;
};
bool ike_child_keys_derive(uint16_t prf, const struct secret *sk_d,
			   const struct ike_suite *s, const struct secret *gir,
			   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			   size_t nr_len, struct ike_child_keymat *out);
void ike_child_keymat_free(struct ike_child_keymat *k);
/*
 * RFC 7296 2.15 PSK AUTH = prf(prf(PSK, "Key Pad for IKEv2"),
 * RealMessage | Nonce | prf(SK_p, IDbody)). out holds prf length bytes.
 */
bool ike_auth_psk(uint16_t prf, const struct secret *psk,
		  const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		  size_t nonce_len, const struct secret *sk_p,
		  const uint8_t *id_body, size_t id_len, uint8_t *out);

/* ---- objects ---- */

enum ike_sa_state {
	IKE_SA_NEW,
	IKE_SA_INIT_SENT,   /* initiator: IKE_SA_INIT request out */
	IKE_SA_INIT_DONE,   /* responder: answered IKE_SA_INIT */
	IKE_SA_AUTH_SENT,   /* initiator: IKE_AUTH request out */
	IKE_SA_ESTABLISHED,
	IKE_SA_REKEYED,     /* replaced by a new IKE SA, being deleted */
	IKE_SA_DELETING,    /* our DELETE is out */
	IKE_SA_DEAD,        /* to be freed */
};

enum ike_child_state {
	IKE_CHILD_INSTALLED,
	IKE_CHILD_REKEYING,
	IKE_CHILD_REKEYED, /* a newer child replaced it; DELETE pending */
	IKE_CHILD_DELETING,
};

struct ike_child {
	struct ike_child *next;
	uint32_t spi_in, spi_out;
	struct ike_suite suite;
	enum ike_child_state state;
	struct vtime established, rekey_at, expire_at;
	struct loop_timer rekey_timer, expire_timer;
	struct ike_sa *sa;
};

/* What the outstanding request of an IKE SA is for. */
enum ike_req_kind {
	IKE_REQ_NONE,
	IKE_REQ_SA_INIT,
	IKE_REQ_AUTH,
	IKE_REQ_CHILD_REKEY,
	IKE_REQ_IKE_REKEY,
	IKE_REQ_DPD,
	IKE_REQ_DELETE_CHILD,
	IKE_REQ_DELETE_IKE,
};

struct ike_request {
	enum ike_req_kind kind;
	uint8_t exchange;
	uint32_t msg_id;
	uint8_t *pkt;
	size_t len;
	unsigned tries;
	struct vtime first_sent;
	struct loop_timer timer;
	/* CREATE_CHILD_SA context */
	struct crypto_dh *dh;
	uint8_t nonce[IKE_NONCE_MAX];
	size_t nonce_len;
	uint32_t new_spi;
	uint8_t new_ike_spi[IKE_SPI_LEN];
	struct ike_child *old_child;
	uint32_t delete_spi;
	/*
	 * Rekey collision (RFC 7296 2.8.1): set when the peer rekeyed the same
	 * SA while this request was outstanding; min_nonce is the lowest
	 * nonce of the peer's exchange, and the SA it created is named here.
	 */
	bool collided;
	uint8_t coll_nonce[IKE_NONCE_MAX];
	size_t coll_nonce_len;
	uint32_t coll_child_spi;
	struct ike_sa *coll_sa;
};

struct ike_tunnel;

struct ike_sa {
	struct ike_sa *next;
	struct ike *ike;
	struct ike_tunnel *tun;
	enum ike_sa_state state;
	bool initiator;
	uint8_t spi_i[IKE_SPI_LEN], spi_r[IKE_SPI_LEN];
	char ctx[IKE_CTX_LEN]; /* "tunnel ab12../cd34..": log context */
	struct ike_endpoint local, remote;
	bool natt;                   /* moved to the NAT-T port */
	bool nat_local, nat_remote;  /* NAT detected in front of us/peer */
	struct ike_suite suite;
	struct crypto_dh *dh;
	uint16_t dh_group;
	uint8_t ni[IKE_NONCE_MAX], nr[IKE_NONCE_MAX];
	size_t ni_len, nr_len;
	uint8_t *init_req, *init_resp; /* IKE_SA_INIT messages, for AUTH */
	size_t init_req_len, init_resp_len;
	uint8_t cookie[IKE_COOKIE_MAX];
	size_t cookie_len;
	struct ike_keys keys;
	struct crypto_cipher *c_out, *c_in;
	uint64_t iv_counter;
	uint32_t req_msg_id;  /* next request we send */
	uint32_t peer_msg_id; /* next request we expect */
	struct ike_request out;
	uint8_t *last_resp;
	size_t last_resp_len;
	uint32_t last_resp_id;
	bool has_last_resp;
	struct ike_child *children;
	uint32_t pending_spi; /* initiator: ESP SPI offered in IKE_AUTH */
	struct loop_timer dpd_timer, rekey_timer, expire_timer, free_timer;
	struct vtime established_at, last_rx, rekey_at;
	uint32_t retransmits;
	uint32_t errors[64];
	bool counted_half_open;
};

struct ike_tunnel {
	struct ike_tunnel *next;
	struct ike *ike;
	struct ike_tunnel_config cfg; /* cfg.psk is our own copy */
	struct secret *psk;
	enum ike_tunnel_state state;
	struct ike_sa *sa; /* the current IKE SA (or the one being set up) */
	struct loop_timer reconnect_timer;
	unsigned reconnect_tries;
	uint16_t dh_hint; /* group requested by INVALID_KE_PAYLOAD */
	uint16_t pfs_hint; /* same for CREATE_CHILD_SA */
	struct vtime up_since;
	char last_error[128];
	uint64_t child_rekeys, ike_rekeys;
	uint32_t errors[64]; /* error notifies received, by type */
	bool admin_down; /* terminated: no automatic reconnect */
	bool retrying;   /* a DPD restart is in progress: keep trying */
	bool dpd_cleared; /* DPD action clear took it down: no automatic
			   * re-initiation until the peer or the operator
			   * brings it up (strongSwan and AWS "clear") */
};

struct ike {
	struct loop *loop;
	const struct ike_io *io;
	const struct ike_hooks *hooks;
	void *arg;
	struct ike_seams seams;
	struct ike_tunnel *tunnels;
	struct ike_sa *sas;
	struct ike_stats stats;
	struct log_limit limit;
	uint8_t cookie_secret[32];
	uint32_t cookie_version;
	uint32_t half_open;
	bool freeing; /* ike_free(): no more hook calls */
};

/* ---- sa.c ---- */
struct ike_sa *ike_sa_new(struct ike *ike, struct ike_tunnel *tun,
			  bool initiator);
/* Unlinks, stops timers, frees children (child_down) and keys. */
void ike_sa_destroy(struct ike_sa *sa);
/* Schedules destruction from a timer (safe inside handlers). */
void ike_sa_kill(struct ike_sa *sa, const char *reason);
void ike_sa_set_state(struct ike_sa *sa, enum ike_sa_state st,
		      const char *why);
const char *ike_sa_state_name(enum ike_sa_state st);
struct ike_sa *ike_sa_find(struct ike *ike, const uint8_t *spi_i,
			   const uint8_t *spi_r, bool we_are_initiator);
struct ike_sa *ike_sa_find_init(struct ike *ike, const uint8_t *spi_i,
				const struct ike_endpoint *remote);
void ike_sa_update_ctx(struct ike_sa *sa);
bool ike_random(struct ike *ike, void *buf, size_t len);
struct crypto_dh *ike_dh_new(struct ike *ike, uint16_t group);
/* Installs SK_e/SK_a ciphers from sa->keys. */
bool ike_sa_install_ciphers(struct ike_sa *sa);
/*
 * Sends a new request (exchange, inner chain e) and arms retransmission.
 * Encrypted unless exchange is IKE_SA_INIT. False if one is outstanding or
 * encoding failed.
 */
bool ike_sa_send_request(struct ike_sa *sa, uint8_t exchange,
			 enum ike_req_kind kind, const struct ike_enc *e);
/* Answers request m with chain e and caches it for retransmits. */
bool ike_sa_send_response(struct ike_sa *sa, const struct ike_msg *m,
			  const struct ike_enc *e);
/* Frees what a finished request holds (packet, DH, context). */
void ike_request_clear(struct ike_request *req);
/* Plain (unencrypted) IKE_SA_INIT error answer without SA state. */
void ike_send_init_notify(struct ike *ike, const struct ike_msg *m,
			  const struct ike_endpoint *local,
			  const struct ike_endpoint *remote, uint16_t type,
			  const uint8_t *data, size_t len);
void ike_send_raw(struct ike *ike, const struct ike_endpoint *local,
		  const struct ike_endpoint *remote, const uint8_t *pkt,
		  size_t len);
void ike_sa_count_error(struct ike_sa *sa, uint16_t notify);

/* ---- sk.c ---- */
bool ike_sk_seal(struct ike_sa *sa, const struct ike_hdr *h,
		 const struct ike_enc *inner, uint8_t *out, size_t cap,
		 size_t *len);
struct ike_disp ike_sk_open(struct ike_sa *sa, struct ike_msg *m);

/* ---- exchanges ---- */
bool ike_sa_init_start(struct ike_tunnel *tun);
struct ike_disp ike_sa_init_request(struct ike *ike, struct ike_msg *m,
				    const struct ike_endpoint *local,
				    const struct ike_endpoint *remote);
struct ike_disp ike_sa_init_response(struct ike_sa *sa, struct ike_msg *m,
				     struct ike_request *req);
bool ike_auth_send_request(struct ike_sa *sa);
struct ike_disp ike_auth_request(struct ike_sa *sa, struct ike_msg *m);
struct ike_disp ike_auth_response(struct ike_sa *sa, struct ike_msg *m,
				  struct ike_request *req);
struct ike_disp ike_child_request(struct ike_sa *sa, struct ike_msg *m);
struct ike_disp ike_child_response(struct ike_sa *sa, struct ike_msg *m,
				   struct ike_request *req);
struct ike_disp ike_info_request(struct ike_sa *sa, struct ike_msg *m);
struct ike_disp ike_info_response(struct ike_sa *sa, struct ike_msg *m,
				  struct ike_request *req);
bool ike_info_send_dpd(struct ike_sa *sa);
bool ike_info_send_delete_ike(struct ike_sa *sa);
bool ike_info_send_delete_child(struct ike_sa *sa, struct ike_child *c);
bool ike_rekey_child_start(struct ike_sa *sa, struct ike_child *c);
bool ike_rekey_ike_start(struct ike_sa *sa);
/* Responder side of CREATE_CHILD_SA for an IKE SA rekey. */
struct ike_disp ike_rekey_ike_request(struct ike_sa *sa, struct ike_msg *m,
				      const struct ike_payload *sa_p);
struct ike_disp ike_rekey_ike_response(struct ike_sa *sa, struct ike_msg *m,
				       struct ike_request *req);
/* Moves every Child SA of from to to (IKE SA rekey, RFC 7296 2.18). */
void ike_sa_move_children(struct ike_sa *from, struct ike_sa *to);
/* memcmp-style order of nonces for collision resolution. */
int ike_nonce_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
		  size_t blen);

/* ---- child.c ---- */
struct ike_child *ike_child_install(struct ike_sa *sa, uint32_t spi_in,
				    uint32_t spi_out, const struct ike_suite *s,
				    const struct ike_child_keymat *km,
				    bool rekey);
void ike_child_remove(struct ike_sa *sa, struct ike_child *c);
/* The Child SA state machine's one transition function (logged). */
void ike_child_set_state(struct ike_child *c, enum ike_child_state st,
			 const char *why);
struct ike_child *ike_child_find_out(struct ike_sa *sa, uint32_t spi_out);
struct ike_child *ike_child_find_in(struct ike_sa *sa, uint32_t spi_in);
uint32_t ike_child_new_spi(struct ike *ike);
void ike_ts_encode(struct ike_enc *e, uint8_t type, const struct ip_prefix *p);
/* Checks TSi/TSr of m cover what cfg wants (0/0 default). */
struct ike_disp ike_ts_check(struct ike_sa *sa, const struct ike_msg *m,
			     bool we_are_initiator);
/* Responder: writes TSi/TSr narrowed to what both sides allow. */
void ike_ts_encode_answer(struct ike_sa *sa, const struct ike_msg *m,
			  struct ike_enc *e);
void ike_ts_local(const struct ike_tunnel *t, struct ip_prefix *p);
void ike_ts_remote(const struct ike_tunnel *t, struct ip_prefix *p);
/* Responder side of child creation shared by IKE_AUTH and CREATE_CHILD_SA. */
const struct ike_esp_proposal *ike_child_accept_list(const struct ike_tunnel *t,
						     struct ike_esp_proposal *buf,
						     size_t *n);

/* ---- nat.c ---- */
void ike_nat_encode(struct ike_sa *sa, struct ike_enc *e,
		    const uint8_t *spi_i, const uint8_t *spi_r);
/* Evaluates NAT-D notifies of m; sets sa->nat_local/nat_remote. */
void ike_nat_check(struct ike_sa *sa, const struct ike_msg *m);
/* Initiator: switch to the NAT-T port after IKE_SA_INIT if needed. */
void ike_nat_float(struct ike_sa *sa);
bool ike_nat_encap(const struct ike_sa *sa);

/* ---- cookie.c ---- */
bool ike_cookie_required(const struct ike *ike);
void ike_cookie_compute(struct ike *ike, const uint8_t *ni, size_t ni_len,
			const struct ike_endpoint *remote, const uint8_t *spi_i,
			uint32_t version, uint8_t *out, size_t *len);
bool ike_cookie_valid(struct ike *ike, const struct ike_notify *n,
		      const uint8_t *ni, size_t ni_len,
		      const struct ike_endpoint *remote, const uint8_t *spi_i);

/* ---- timers.c ---- */
void ike_timers_init(struct ike_sa *sa);
void ike_timers_stop(struct ike_sa *sa);
void ike_timers_request_sent(struct ike_sa *sa);
void ike_timers_request_answered(struct ike_sa *sa);
void ike_timers_half_open(struct ike_sa *sa);
void ike_timers_established(struct ike_sa *sa);
void ike_timers_rx_authenticated(struct ike_sa *sa);
void ike_timers_child_init(struct ike_child *c);
void ike_timers_child_started(struct ike_sa *sa, struct ike_child *c);
void ike_timers_child_stop(struct ike_sa *sa, struct ike_child *c);

/* ---- tunnel.c ---- */
void ike_tunnels_free(struct ike *ike);
struct ike_tunnel *ike_tunnel_find(struct ike *ike, const char *name);
struct ike_tunnel *ike_tunnel_match(struct ike *ike,
				    const struct ike_endpoint *local,
				    const struct ike_endpoint *remote);
void ike_tunnel_set_state(struct ike_tunnel *t, enum ike_tunnel_state st,
			  const char *reason);
/* The tunnel's IKE SA failed or went away: apply the reconnect policy. */
void ike_tunnel_sa_gone(struct ike_tunnel *t, struct ike_sa *sa,
			bool restart, const char *reason);
void ike_tunnel_sa_up(struct ike_tunnel *t, struct ike_sa *sa);
/* RFC 7296 2.4 INITIAL_CONTACT: forget every other IKE SA of t. */
void ike_tunnel_initial_contact(struct ike_tunnel *t, struct ike_sa *keep);
bool ike_tunnel_may_respond(const struct ike_tunnel *t);
/* Remembers an error (shown in JSON and in the DOWN reason). */
void ike_tunnel_note_error(struct ike_tunnel *t, const char *code,
			   const char *why);
void ike_id_encode(struct ike_enc *e, uint8_t type, const struct ike_tunnel *t,
		   bool local);
/* ID payload body matches the configured remote ID? */
bool ike_id_matches(const struct ike_tunnel *t, const struct ike_payload *p);

#endif
