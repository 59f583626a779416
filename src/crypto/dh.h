/*
 * Diffie-Hellman key exchange for IKEv2 (RFC 7296 2.14, Transform Type 4).
 *
 * Groups by IANA number: MODP 2 (RFC 2409 6.2), 14/15/16 (RFC 3526),
 * 24 (RFC 5114 2.3, 2048-bit prime with a 256-bit subgroup), ECP 19/20/21
 * (RFC 5903: the KE data and the shared secret are the x coordinate, and the
 * public value is x || y, each padded to the field size), and Curve25519 31
 * (RFC 8031: 32-byte little-endian u coordinates).
 *
 * A struct crypto_dh owns one private value; crypto_dh_free() wipes it.
 */
#ifndef VGW_CRYPTO_DH_H
#define VGW_CRYPTO_DH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crypto/secret.h"

enum crypto_dh_group {
	CRYPTO_DH_MODP_1024 = 2,
	CRYPTO_DH_MODP_2048 = 14,
	CRYPTO_DH_MODP_3072 = 15,
	CRYPTO_DH_MODP_4096 = 16,
	CRYPTO_DH_ECP_256 = 19,
	CRYPTO_DH_ECP_384 = 20,
	CRYPTO_DH_ECP_521 = 21,
	CRYPTO_DH_MODP_2048_256 = 24,
	CRYPTO_DH_CURVE25519 = 31,
};

struct crypto_dh;

bool crypto_dh_supported(uint16_t group);
/* Length of the KE payload data (public value) for group, 0 if unknown. */
size_t crypto_dh_public_len(uint16_t group);

/* New key pair with a random private value; NULL if unsupported/failure. */
struct crypto_dh *crypto_dh_new(uint16_t group);
/*
 * New key pair from a given private value (big-endian integer for MODP and
 * ECP, 32 raw bytes for Curve25519). For known-answer tests and the
 * deterministic test seam only.
 */
struct crypto_dh *crypto_dh_new_private(uint16_t group, const uint8_t *priv,
					size_t priv_len);
/* Wipes the private value and frees; NULL-safe. */
void crypto_dh_free(struct crypto_dh *dh);

uint16_t crypto_dh_group(const struct crypto_dh *dh);
/* Writes the public value (crypto_dh_public_len bytes). False on failure. */
bool crypto_dh_public(const struct crypto_dh *dh, uint8_t *out, size_t len);

/*
 * The shared secret g^ir from the peer's public value, padded to the
 * modulus length (MODP) or the x coordinate (ECP). The peer value is
 * validated first (length, range 1 < y < p-1 and subgroup for MODP, on-curve
 * for ECP, non-zero result for Curve25519). Returns NULL if it is invalid.
 */
struct secret *crypto_dh_shared(const struct crypto_dh *dh,
				const uint8_t *peer, size_t peer_len);

#endif
