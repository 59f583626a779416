/*
 * IKEv2 PRFs over the OpenSSL 3 EVP_MAC HMAC implementation (see prf.h).
 */
#include "crypto/prf.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto/secret.h"

#define PRF_MAX_OUT 64

struct crypto_prf {
	EVP_MAC_CTX *ctx;
	size_t out_len;
	bool keyed;
};

static const char *prf_digest(uint16_t id, size_t *len)
{
	switch (id) {
	case CRYPTO_PRF_HMAC_SHA1:
		*len = 20;
		return "SHA1";
	case CRYPTO_PRF_HMAC_SHA2_256:
		*len = 32;
		return "SHA256";
	case CRYPTO_PRF_HMAC_SHA2_384:
		*len = 48;
		return "SHA384";
	case CRYPTO_PRF_HMAC_SHA2_512:
		*len = 64;
		return "SHA512";
	default:
		*len = 0;
		return NULL;
	}
}

bool crypto_prf_supported(uint16_t prf_id)
{
	size_t len;
	return prf_digest(prf_id, &len) != NULL;
}

size_t crypto_prf_len(uint16_t prf_id)
{
	size_t len;
	prf_digest(prf_id, &len);
	return len;
}

struct crypto_prf *crypto_prf_new(uint16_t prf_id, const uint8_t *key,
				  size_t key_len)
{
	size_t out_len;
	const char *md = prf_digest(prf_id, &out_len);
	if (md == NULL)
		return NULL;
	struct crypto_prf *prf = calloc(1, sizeof(*prf));
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (prf == NULL || mac == NULL)
		goto fail;
	prf->ctx = EVP_MAC_CTX_new(mac);
	prf->out_len = out_len;
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
						 (char *)md, 0),
		OSSL_PARAM_construct_end(),
	};
	if (prf->ctx == NULL || !EVP_MAC_CTX_set_params(prf->ctx, params) ||
	    !crypto_prf_rekey(prf, key, key_len))
		goto fail;
	EVP_MAC_free(mac);
	return prf;
fail:
	EVP_MAC_free(mac);
	crypto_prf_free(prf);
	return NULL;
}

bool crypto_prf_rekey(struct crypto_prf *prf, const uint8_t *key,
		      size_t key_len)
{
	static const uint8_t empty[1];
	/* HMAC with an empty key is legal; EVP wants a non-NULL pointer. */
	prf->keyed = EVP_MAC_init(prf->ctx, key_len ? key : empty, key_len,
				  NULL) == 1;
	return prf->keyed;
}

void crypto_prf_free(struct crypto_prf *prf)
{
	if (prf == NULL)
		return;
	EVP_MAC_CTX_free(prf->ctx); /* frees and cleanses the HMAC key */
	free(prf);
}

size_t crypto_prf_out_len(const struct crypto_prf *prf)
{
	return prf->out_len;
}

bool crypto_prf_run(struct crypto_prf *prf, const struct crypto_chunk *in,
		    size_t n, uint8_t *out)
{
	size_t len = 0;
	/* A NULL key re-initialises the context with the key it already has. */
	if (!prf->keyed || EVP_MAC_init(prf->ctx, NULL, 0, NULL) != 1)
		return false;
	for (size_t i = 0; i < n; i++)
		if (in[i].len > 0 &&
		    EVP_MAC_update(prf->ctx, in[i].p, in[i].len) != 1)
			return false;
	return EVP_MAC_final(prf->ctx, out, &len, prf->out_len) == 1 &&
	       len == prf->out_len;
}

bool crypto_prf_plus(struct crypto_prf *prf, const struct crypto_chunk *seed,
		     size_t n, uint8_t *out, size_t out_len)
{
	uint8_t t[PRF_MAX_OUT];
	struct crypto_chunk in[18];
	size_t done = 0, tlen = 0;
	uint8_t counter = 1;
	bool ok = false;

	if (n > 16 || out_len > 255 * prf->out_len)
		return false;
	while (done < out_len) {
		size_t k = 0;
		in[k++] = (struct crypto_chunk){ t, tlen };
		for (size_t i = 0; i < n; i++)
			in[k++] = seed[i];
		in[k++] = (struct crypto_chunk){ &counter, 1 };
		if (!crypto_prf_run(prf, in, k, t))
			goto out;
		tlen = prf->out_len;
		size_t take = out_len - done < tlen ? out_len - done : tlen;
		memcpy(out + done, t, take);
		done += take;
		counter++;
	}
	ok = true;
out:
	secret_cleanse(t, sizeof(t));
	return ok;
}

bool crypto_sha1(const struct crypto_chunk *in, size_t n, uint8_t *out)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned len = 0;
	bool ok = ctx != NULL && EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) == 1;
	for (size_t i = 0; ok && i < n; i++)
		ok = EVP_DigestUpdate(ctx, in[i].p, in[i].len) == 1;
	ok = ok && EVP_DigestFinal_ex(ctx, out, &len) == 1 && len == 20;
	EVP_MD_CTX_free(ctx);
	return ok;
}
