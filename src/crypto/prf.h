/*
 * IKEv2 pseudo-random functions (RFC 7296 2.13, Transform Type 2) and prf+.
 *
 * Supported: PRF_HMAC_SHA1 (2), PRF_HMAC_SHA2_256 (5), _384 (6), _512 (7)
 * (RFC 4868). A struct crypto_prf holds one long-lived keyed HMAC context:
 * key it once (crypto_prf_new / crypto_prf_rekey) and run it many times.
 */
#ifndef VGW_CRYPTO_PRF_H
#define VGW_CRYPTO_PRF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum crypto_prf_id {
	CRYPTO_PRF_HMAC_SHA1 = 2,
	CRYPTO_PRF_HMAC_SHA2_256 = 5,
	CRYPTO_PRF_HMAC_SHA2_384 = 6,
	CRYPTO_PRF_HMAC_SHA2_512 = 7,
};

/* A borrowed byte range; prf inputs are lists of these, concatenated. */
struct crypto_chunk {
	const uint8_t *p;
	size_t len;
};

struct crypto_prf;

bool crypto_prf_supported(uint16_t prf_id);
/* Output length in bytes (also the preferred key length), 0 if unknown. */
size_t crypto_prf_len(uint16_t prf_id);

/* New keyed PRF (key copied into the HMAC context); NULL on failure. */
struct crypto_prf *crypto_prf_new(uint16_t prf_id, const uint8_t *key,
				  size_t key_len);
/* Replaces the key. False on failure. */
bool crypto_prf_rekey(struct crypto_prf *prf, const uint8_t *key,
		      size_t key_len);
/* Wipes and frees; NULL-safe. */
void crypto_prf_free(struct crypto_prf *prf);
size_t crypto_prf_out_len(const struct crypto_prf *prf);

/* out (crypto_prf_out_len bytes) = prf(key, in[0] | in[1] | ...). */
bool crypto_prf_run(struct crypto_prf *prf, const struct crypto_chunk *in,
		    size_t n, uint8_t *out);

/*
 * RFC 7296 2.13: prf+(K, S) = T1 | T2 | ... with T1 = prf(K, S | 0x01),
 * Tn = prf(K, Tn-1 | S | n). Writes out_len bytes; out_len may be at most
 * 255 * crypto_prf_out_len (the counter is one octet). False on failure.
 */
bool crypto_prf_plus(struct crypto_prf *prf, const struct crypto_chunk *seed,
		     size_t n, uint8_t *out, size_t out_len);

/*
 * The plain SHA-1 digest IKEv2 uses for NAT detection (RFC 7296 2.23) of
 * the concatenated chunks. out holds 20 bytes.
 */
bool crypto_sha1(const struct crypto_chunk *in, size_t n, uint8_t *out);

#endif
