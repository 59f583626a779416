/*
 * Encryption transforms shared by the IKEv2 SK payload (RFC 7296 3.14,
 * RFC 5282 for AEAD) and ESP (RFC 4303, RFC 4106 for GCM).
 *
 * Both wrap a plaintext the same way: IV | ciphertext (incl. padding) | ICV,
 * with authenticated data in front (the IKE header and SK payload header, or
 * the ESP SPI and sequence number). A struct crypto_cipher is one long-lived
 * context for one key and one direction: set it up once per SA, never per
 * packet.
 *
 * Transforms are named by their IANA IKEv2 IDs (Transform Type 1 and 3).
 *
 * AES-GCM-16 (ENCR 20): key material is key || 4-byte salt (RFC 4106 8.1),
 *   IV is 8 bytes, nonce = salt || IV, ICV 16 bytes, integ must be NONE.
 * AES-CBC (ENCR 12) + HMAC integ: key material for encryption is the AES key,
 *   IV is 16 bytes, ICV = first N bytes of HMAC(integ_key, aad | iv |
 *   ciphertext | trailer_aad), N per integ transform.
 *
 * trailer_aad exists for ESP with extended sequence numbers: for CBC+HMAC the
 * high 32 bits of the sequence number are authenticated after the ciphertext
 * (RFC 4303 2.2.1); for GCM the caller puts them into aad instead
 * (RFC 4106 5).
 */
#ifndef VGW_CRYPTO_CIPHER_H
#define VGW_CRYPTO_CIPHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum crypto_encr_id {
	CRYPTO_ENCR_AES_CBC = 12,
	CRYPTO_ENCR_AES_GCM_16 = 20,
};

enum crypto_integ_id {
	CRYPTO_INTEG_NONE = 0,
	CRYPTO_INTEG_HMAC_SHA1_96 = 2,
	CRYPTO_INTEG_HMAC_SHA2_256_128 = 12,
	CRYPTO_INTEG_HMAC_SHA2_384_192 = 13,
	CRYPTO_INTEG_HMAC_SHA2_512_256 = 14,
};

enum crypto_dir {
	CRYPTO_ENCRYPT,
	CRYPTO_DECRYPT,
};

struct crypto_cipher;

/* True if the (encr, key_bits, integ) triple is supported and consistent. */
bool crypto_cipher_supported(uint16_t encr, uint16_t key_bits, uint16_t integ);
/* Bytes of encryption key material (incl. GCM salt) and integrity key. */
size_t crypto_encr_keymat_len(uint16_t encr, uint16_t key_bits);
size_t crypto_integ_key_len(uint16_t integ);

/*
 * New context. encr_key is crypto_encr_keymat_len() bytes, integ_key is
 * crypto_integ_key_len() bytes (NULL for AEAD). The keys are copied; the
 * caller wipes its own copies. Returns NULL if unsupported or on failure.
 */
struct crypto_cipher *crypto_cipher_new(uint16_t encr, uint16_t key_bits,
					uint16_t integ, enum crypto_dir dir,
					const uint8_t *encr_key,
					const uint8_t *integ_key);
/* Wipes keys and frees; NULL-safe. */
void crypto_cipher_free(struct crypto_cipher *c);

size_t crypto_cipher_iv_len(const struct crypto_cipher *c);
size_t crypto_cipher_icv_len(const struct crypto_cipher *c);
/* Plaintext (incl. padding) must be a multiple of this (1 for GCM: use 4). */
size_t crypto_cipher_block_len(const struct crypto_cipher *c);

/*
 * Encrypt len bytes at buf in place. iv has crypto_cipher_iv_len() bytes
 * (the caller chooses it: a counter for GCM, random for CBC). Writes the ICV
 * to icv. For CBC, len must be a multiple of the block size.
 * Returns true on success.
 */
bool crypto_cipher_seal(struct crypto_cipher *c, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, uint8_t *buf,
			size_t len, const uint8_t *trailer_aad,
			size_t trailer_len, uint8_t *icv);

/*
 * Verify icv and decrypt len bytes at buf in place. Returns false, leaving
 * buf unspecified, if the ICV does not verify (compared in constant time) or
 * the length is not valid for the transform.
 */
bool crypto_cipher_open(struct crypto_cipher *c, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, uint8_t *buf,
			size_t len, const uint8_t *trailer_aad,
			size_t trailer_len, const uint8_t *icv);

#endif
