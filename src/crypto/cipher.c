/*
 * AES-GCM-16 (RFC 4106, RFC 5282) and AES-CBC + HMAC-SHA1/SHA2 (RFC 3602,
 * RFC 2404, RFC 4868) behind the transform-ID contract in cipher.h.
 *
 * Each struct crypto_cipher holds one EVP_CIPHER_CTX keyed once at creation;
 * a packet only re-arms the IV (EVP_CipherInit_ex with NULL cipher and key),
 * so the AES key schedule and GHASH tables are never recomputed per packet.
 * For CBC the HMAC context is keyed once too, and each packet starts from a
 * copy of that keyed state (EVP_MAC_CTX copy would allocate, so we re-init
 * with a NULL key, which OpenSSL 3 defines as "reuse the key").
 */
#include "crypto/cipher.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#define GCM_SALT_LEN 4
#define GCM_IV_LEN 8
#define GCM_ICV_LEN 16
#define CBC_IV_LEN 16
#define AES_BLOCK 16
#define MAX_KEY 32
#define MAX_INTEG_KEY 64
#define MAX_DIGEST 64

struct integ_desc {
	uint16_t id;
	const char *digest; /* OpenSSL digest name */
	size_t key_len;
	size_t icv_len;
};

/* RFC 2404 (SHA1-96) and RFC 4868 2.1: key = full digest size, ICV = half. */
static const struct integ_desc integ_table[] = {
	{ CRYPTO_INTEG_HMAC_SHA1_96, "SHA1", 20, 12 },
	{ CRYPTO_INTEG_HMAC_SHA2_256_128, "SHA256", 32, 16 },
	{ CRYPTO_INTEG_HMAC_SHA2_384_192, "SHA384", 48, 24 },
	{ CRYPTO_INTEG_HMAC_SHA2_512_256, "SHA512", 64, 32 },
};

struct crypto_cipher {
	uint16_t encr;
	enum crypto_dir dir;
	EVP_CIPHER_CTX *ctx;
	EVP_MAC *mac;
	EVP_MAC_CTX *mac_ctx;
	const struct integ_desc *integ;
	uint8_t salt[GCM_SALT_LEN];
};

static const struct integ_desc *integ_find(uint16_t integ)
{
	for (size_t i = 0; i < sizeof(integ_table) / sizeof(integ_table[0]); i++)
		if (integ_table[i].id == integ)
			return &integ_table[i];
	return NULL;
}

static bool key_bits_ok(uint16_t key_bits)
{
	return key_bits == 128 || key_bits == 256;
}

bool crypto_cipher_supported(uint16_t encr, uint16_t key_bits, uint16_t integ)
{
	if (!key_bits_ok(key_bits))
		return false;
	if (encr == CRYPTO_ENCR_AES_GCM_16)
		return integ == CRYPTO_INTEG_NONE;
	if (encr == CRYPTO_ENCR_AES_CBC)
		return integ_find(integ) != NULL;
	return false;
}

size_t crypto_encr_keymat_len(uint16_t encr, uint16_t key_bits)
{
	if (!key_bits_ok(key_bits))
		return 0;
	if (encr == CRYPTO_ENCR_AES_GCM_16)
		return key_bits / 8 + GCM_SALT_LEN;
	if (encr == CRYPTO_ENCR_AES_CBC)
		return key_bits / 8;
	return 0;
}

size_t crypto_integ_key_len(uint16_t integ)
{
	const struct integ_desc *d = integ_find(integ);
	return d != NULL ? d->key_len : 0;
}

static const EVP_CIPHER *evp_for(uint16_t encr, uint16_t key_bits)
{
	if (encr == CRYPTO_ENCR_AES_GCM_16)
		return key_bits == 128 ? EVP_aes_128_gcm() : EVP_aes_256_gcm();
	return key_bits == 128 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
}

static bool mac_setup(struct crypto_cipher *c, const uint8_t *integ_key)
{
	c->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (c->mac == NULL)
		return false;
	c->mac_ctx = EVP_MAC_CTX_new(c->mac);
	if (c->mac_ctx == NULL)
		return false;
	OSSL_PARAM params[2];
	params[0] = OSSL_PARAM_construct_utf8_string(
		OSSL_MAC_PARAM_DIGEST, (char *)c->integ->digest, 0);
	params[1] = OSSL_PARAM_construct_end();
	return EVP_MAC_init(c->mac_ctx, integ_key, c->integ->key_len,
			    params) == 1;
}

static bool cipher_setup(struct crypto_cipher *c, uint16_t key_bits,
			 const uint8_t *encr_key)
{
	int enc = c->dir == CRYPTO_ENCRYPT ? 1 : 0;
	c->ctx = EVP_CIPHER_CTX_new();
	if (c->ctx == NULL)
		return false;
	if (EVP_CipherInit_ex(c->ctx, evp_for(c->encr, key_bits), NULL, NULL,
			      NULL, enc) != 1)
		return false;
	if (c->encr == CRYPTO_ENCR_AES_GCM_16 &&
	    EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_GCM_SET_IVLEN,
				GCM_SALT_LEN + GCM_IV_LEN, NULL) != 1)
		return false;
	if (EVP_CipherInit_ex(c->ctx, NULL, NULL, encr_key, NULL, enc) != 1)
		return false;
	/*
	 * CBC must not pad (ESP pads itself, and with padding on, decryption
	 * holds back the last block). GCM never pads; setting the flag there
	 * would only make every per-packet re-init pay a parameter round trip.
	 */
	if (c->encr == CRYPTO_ENCR_AES_GCM_16)
		return true;
	return EVP_CIPHER_CTX_set_padding(c->ctx, 0) == 1;
}

struct crypto_cipher *crypto_cipher_new(uint16_t encr, uint16_t key_bits,
					uint16_t integ, enum crypto_dir dir,
					const uint8_t *encr_key,
					const uint8_t *integ_key)
{
	if (!crypto_cipher_supported(encr, key_bits, integ) || encr_key == NULL)
		return NULL;
	if (encr == CRYPTO_ENCR_AES_CBC && integ_key == NULL)
		return NULL;
	struct crypto_cipher *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->encr = encr;
	c->dir = dir;
	if (encr == CRYPTO_ENCR_AES_GCM_16)
		memcpy(c->salt, encr_key + key_bits / 8, GCM_SALT_LEN);
	bool ok = cipher_setup(c, key_bits, encr_key);
	if (ok && encr == CRYPTO_ENCR_AES_CBC) {
		c->integ = integ_find(integ);
		ok = mac_setup(c, integ_key);
	}
	if (!ok) {
		crypto_cipher_free(c);
		return NULL;
	}
	return c;
}

void crypto_cipher_free(struct crypto_cipher *c)
{
	if (c == NULL)
		return;
	/* Both *_free functions cleanse the key schedules they own. */
	EVP_CIPHER_CTX_free(c->ctx);
	EVP_MAC_CTX_free(c->mac_ctx);
	EVP_MAC_free(c->mac);
	OPENSSL_cleanse(c, sizeof(*c));
	free(c);
}

size_t crypto_cipher_iv_len(const struct crypto_cipher *c)
{
	return c->encr == CRYPTO_ENCR_AES_GCM_16 ? GCM_IV_LEN : CBC_IV_LEN;
}

size_t crypto_cipher_icv_len(const struct crypto_cipher *c)
{
	return c->encr == CRYPTO_ENCR_AES_GCM_16 ? GCM_ICV_LEN
						 : c->integ->icv_len;
}

size_t crypto_cipher_block_len(const struct crypto_cipher *c)
{
	/* GCM is a stream mode; ESP still aligns to 4 bytes (RFC 4303 2.4). */
	return c->encr == CRYPTO_ENCR_AES_GCM_16 ? 4 : AES_BLOCK;
}

/* EVP update lengths are int: reject anything that does not fit. */
static bool len_fits(size_t len)
{
	return len <= (size_t)0x7fffffff;
}

static bool gcm_run(struct crypto_cipher *c, const uint8_t *aad,
		    size_t aad_len, const uint8_t *iv, uint8_t *buf, size_t len,
		    const uint8_t *trailer, size_t trailer_len)
{
	/* RFC 4106 4: nonce = salt || explicit IV. */
	uint8_t nonce[GCM_SALT_LEN + GCM_IV_LEN];
	memcpy(nonce, c->salt, GCM_SALT_LEN);
	memcpy(nonce + GCM_SALT_LEN, iv, GCM_IV_LEN);
	int out;
	/* GCM takes all AAD in front; ESN high bits go into aad (see .h). */
	(void)trailer;
	if (trailer_len)
		return false;
	if (EVP_CipherInit_ex(c->ctx, NULL, NULL, NULL, nonce, -1) != 1)
		return false;
	if (aad_len && EVP_CipherUpdate(c->ctx, NULL, &out, aad,
					(int)aad_len) != 1)
		return false;
	if (len && EVP_CipherUpdate(c->ctx, buf, &out, buf, (int)len) != 1)
		return false;
	return true;
}

static bool mac_compute(struct crypto_cipher *c, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, const uint8_t *ct,
			size_t len, const uint8_t *trailer, size_t trailer_len,
			uint8_t *digest)
{
	size_t dlen = 0;
	if (EVP_MAC_init(c->mac_ctx, NULL, 0, NULL) != 1)
		return false;
	if (aad_len && EVP_MAC_update(c->mac_ctx, aad, aad_len) != 1)
		return false;
	if (EVP_MAC_update(c->mac_ctx, iv, CBC_IV_LEN) != 1)
		return false;
	if (len && EVP_MAC_update(c->mac_ctx, ct, len) != 1)
		return false;
	if (trailer_len && EVP_MAC_update(c->mac_ctx, trailer, trailer_len) != 1)
		return false;
	return EVP_MAC_final(c->mac_ctx, digest, &dlen, MAX_DIGEST) == 1 &&
	       dlen >= c->integ->icv_len;
}

static bool cbc_run(struct crypto_cipher *c, const uint8_t *iv, uint8_t *buf,
		    size_t len)
{
	int out;
	if (len % AES_BLOCK != 0)
		return false;
	if (EVP_CipherInit_ex(c->ctx, NULL, NULL, NULL, iv, -1) != 1)
		return false;
	if (len && EVP_CipherUpdate(c->ctx, buf, &out, buf, (int)len) != 1)
		return false;
	return true;
}

static bool seal_gcm(struct crypto_cipher *c, const uint8_t *aad,
		     size_t aad_len, const uint8_t *iv, uint8_t *buf,
		     size_t len, const uint8_t *trailer, size_t trailer_len,
		     uint8_t *icv)
{
	uint8_t tail[AES_BLOCK];
	int out;
	if (!gcm_run(c, aad, aad_len, iv, buf, len, trailer, trailer_len))
		return false;
	if (EVP_CipherFinal_ex(c->ctx, tail, &out) != 1)
		return false;
	return EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_GCM_GET_TAG, GCM_ICV_LEN,
				   icv) == 1;
}

static bool seal_cbc(struct crypto_cipher *c, const uint8_t *aad,
		     size_t aad_len, const uint8_t *iv, uint8_t *buf,
		     size_t len, const uint8_t *trailer, size_t trailer_len,
		     uint8_t *icv)
{
	uint8_t digest[MAX_DIGEST];
	if (!cbc_run(c, iv, buf, len))
		return false;
	if (!mac_compute(c, aad, aad_len, iv, buf, len, trailer, trailer_len,
			 digest))
		return false;
	memcpy(icv, digest, c->integ->icv_len);
	return true;
}

bool crypto_cipher_seal(struct crypto_cipher *c, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, uint8_t *buf,
			size_t len, const uint8_t *trailer_aad,
			size_t trailer_len, uint8_t *icv)
{
	if (c == NULL || c->dir != CRYPTO_ENCRYPT || !len_fits(len) ||
	    !len_fits(aad_len))
		return false;
	if (c->encr == CRYPTO_ENCR_AES_GCM_16)
		return seal_gcm(c, aad, aad_len, iv, buf, len, trailer_aad,
				trailer_len, icv);
	return seal_cbc(c, aad, aad_len, iv, buf, len, trailer_aad,
			trailer_len, icv);
}

static bool open_gcm(struct crypto_cipher *c, const uint8_t *aad,
		     size_t aad_len, const uint8_t *iv, uint8_t *buf,
		     size_t len, const uint8_t *trailer, size_t trailer_len,
		     const uint8_t *icv)
{
	uint8_t tail[AES_BLOCK];
	int out;
	if (!gcm_run(c, aad, aad_len, iv, buf, len, trailer, trailer_len))
		return false;
	/* OpenSSL compares the tag with CRYPTO_memcmp in Final. */
	if (EVP_CIPHER_CTX_ctrl(c->ctx, EVP_CTRL_GCM_SET_TAG, GCM_ICV_LEN,
				(void *)icv) != 1)
		return false;
	return EVP_CipherFinal_ex(c->ctx, tail, &out) == 1;
}

static bool open_cbc(struct crypto_cipher *c, const uint8_t *aad,
		     size_t aad_len, const uint8_t *iv, uint8_t *buf,
		     size_t len, const uint8_t *trailer, size_t trailer_len,
		     const uint8_t *icv)
{
	uint8_t digest[MAX_DIGEST];
	if (len % AES_BLOCK != 0)
		return false;
	/* Encrypt-then-MAC: verify before touching the ciphertext. */
	if (!mac_compute(c, aad, aad_len, iv, buf, len, trailer, trailer_len,
			 digest))
		return false;
	if (CRYPTO_memcmp(digest, icv, c->integ->icv_len) != 0)
		return false;
	return cbc_run(c, iv, buf, len);
}

bool crypto_cipher_open(struct crypto_cipher *c, const uint8_t *aad,
			size_t aad_len, const uint8_t *iv, uint8_t *buf,
			size_t len, const uint8_t *trailer_aad,
			size_t trailer_len, const uint8_t *icv)
{
	if (c == NULL || c->dir != CRYPTO_DECRYPT || !len_fits(len) ||
	    !len_fits(aad_len))
		return false;
	if (c->encr == CRYPTO_ENCR_AES_GCM_16)
		return open_gcm(c, aad, aad_len, iv, buf, len, trailer_aad,
				trailer_len, icv);
	return open_cbc(c, aad, aad_len, iv, buf, len, trailer_aad,
			trailer_len, icv);
}
