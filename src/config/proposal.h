/*
 * IKEv2 / ESP proposals in strongSwan-like text syntax, carried as IANA
 * transform IDs (RFC 7296 3.3.2, IANA "IKEv2 Parameters").
 *
 * A proposal is one SA proposal: for each transform type a list of
 * acceptable algorithms (any one of each type may be chosen by the
 * responder), as in strongSwan's "aes128-aes256-sha256-modp2048-ecp256".
 * Tokens are separated by '-' and may come in any order; the printer emits
 * them in the canonical order ENCR, INTEG, PRF, DH, ESN.
 *
 *   IKE: "aes256-sha256-modp2048"        -> ENCR AES-CBC/256, INTEG
 *        SHA2-256-128, PRF HMAC-SHA2-256 (derived from the integrity
 *        algorithm when no prf* token is given), DH 14.
 *        "aes256gcm16-prfsha384-ecp384"  -> AEAD, PRF SHA2-384, DH 20.
 *        With an AEAD cipher a bare "sha384" names the PRF (strongSwan).
 *   ESP: "aes256gcm16-modp2048"          -> AEAD, PFS with DH 14.
 *        "aes256-sha1"                   -> no PFS (no DH transform).
 *        "esn" / "noesn" select extended sequence numbers (default noesn).
 *
 * RFC 7296 3.3: an AEAD (combined-mode) cipher and a non-AEAD cipher may not
 * share one proposal, and an AEAD proposal carries no integrity transform.
 */
#ifndef VGW_CONFIG_PROPOSAL_H
#define VGW_CONFIG_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* IANA IKEv2 transform types (RFC 7296 3.3.2). */
enum proposal_xform_type {
	PROPOSAL_XFORM_ENCR = 1,
	PROPOSAL_XFORM_PRF = 2,
	PROPOSAL_XFORM_INTEG = 3,
	PROPOSAL_XFORM_DH = 4,
	PROPOSAL_XFORM_ESN = 5,
};

/* Transform type 1, encryption algorithm IDs used here. */
enum proposal_encr {
	PROPOSAL_ENCR_AES_CBC = 12,
	PROPOSAL_ENCR_AES_GCM_16 = 20,
};

/* Transform type 2, PRF IDs. */
enum proposal_prf {
	PROPOSAL_PRF_HMAC_SHA1 = 2,
	PROPOSAL_PRF_HMAC_SHA2_256 = 5,
	PROPOSAL_PRF_HMAC_SHA2_384 = 6,
	PROPOSAL_PRF_HMAC_SHA2_512 = 7,
};

/* Transform type 3, integrity algorithm IDs. */
enum proposal_integ {
	PROPOSAL_INTEG_HMAC_SHA1_96 = 2,
	PROPOSAL_INTEG_HMAC_SHA2_256_128 = 12,
	PROPOSAL_INTEG_HMAC_SHA2_384_192 = 13,
	PROPOSAL_INTEG_HMAC_SHA2_512_256 = 14,
};

/* Transform type 4, Diffie-Hellman group numbers. */
enum proposal_dh {
	PROPOSAL_DH_MODP1024 = 2,
	PROPOSAL_DH_MODP2048 = 14,
	PROPOSAL_DH_MODP3072 = 15,
	PROPOSAL_DH_MODP4096 = 16,
	PROPOSAL_DH_ECP256 = 19,
	PROPOSAL_DH_ECP384 = 20,
	PROPOSAL_DH_ECP521 = 21,
	PROPOSAL_DH_MODP2048S256 = 24,
	PROPOSAL_DH_CURVE25519 = 31,
};

/* Transform type 5 values. */
enum proposal_esn {
	PROPOSAL_ESN_NO = 0,
	PROPOSAL_ESN_YES = 1,
};

enum proposal_kind {
	PROPOSAL_IKE = 1, /* IKE SA: ENCR, PRF, INTEG (unless AEAD), DH */
	PROPOSAL_ESP = 3, /* Child SA: ENCR, INTEG (unless AEAD), DH=PFS, ESN */
};

#define PROPOSAL_MAX_ENCR 6
#define PROPOSAL_MAX_INTEG 6
#define PROPOSAL_MAX_PRF 6
#define PROPOSAL_MAX_DH 12
#define PROPOSAL_STRLEN 512 /* enough for any printable proposal */

struct proposal_encr_xform {
	uint16_t id;     /* enum proposal_encr */
	uint16_t keylen; /* key length in bits (Key Length attribute) */
};

struct proposal {
	enum proposal_kind kind;
	uint8_t n_encr, n_integ, n_prf, n_dh;
	struct proposal_encr_xform encr[PROPOSAL_MAX_ENCR];
	uint16_t integ[PROPOSAL_MAX_INTEG]; /* empty for AEAD */
	uint16_t prf[PROPOSAL_MAX_PRF];     /* IKE only */
	uint16_t dh[PROPOSAL_MAX_DH];       /* IKE: >= 1; ESP: 0 = no PFS */
	bool esn_no, esn_yes;               /* ESP only; default esn_no */
};

/*
 * Parses one proposal string of the given kind. On failure returns false
 * and writes a one-line reason naming the offending token into err.
 */
bool proposal_parse(const char *s, enum proposal_kind kind,
		    struct proposal *out, char *err, size_t errlen);

/*
 * Canonical text of p into buf (at most size bytes incl. NUL). Returns the
 * length that was needed (like snprintf); the text re-parses to an equal
 * proposal.
 */
size_t proposal_fmt(const struct proposal *p, char *buf, size_t size);

bool proposal_eq(const struct proposal *a, const struct proposal *b);
/* True if p uses an AEAD (combined-mode) cipher. */
bool proposal_is_aead(const struct proposal *p);

/*
 * Named profiles: "aws-default", "azure-default" (IKE and ESP lists as the
 * clouds document them, see docs/daemon-config.md). Returns the number of
 * proposals written to out (at most max), 0 for an unknown name.
 */
size_t proposal_profile(const char *name, enum proposal_kind kind,
			struct proposal *out, size_t max);
bool proposal_profile_exists(const char *name);

/* Token names for logs and the CLI ("aes256gcm16", "modp2048", ...). */
const char *proposal_dh_name(uint16_t group);
const char *proposal_integ_name(uint16_t id);
const char *proposal_prf_name(uint16_t id);

#endif
