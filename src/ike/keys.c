/*
 * Key derivation for IKE SAs and Child SAs, and the PSK AUTH value
 * (RFC 7296 2.13-2.18, RFC 5282 for the AEAD salt).
 *
 * Every function that holds intermediate key material leaves through one
 * exit label that wipes it.
 */
#include <stdlib.h>
#include <string.h>

#include "ike/ike_priv.h"

static size_t integ_key_len(uint16_t integ)
{
	return integ ? crypto_integ_key_len(integ) : 0;
}

void ike_keys_free(struct ike_keys *k)
{
	secret_free(k->sk_d);
	secret_free(k->sk_ai);
	secret_free(k->sk_ar);
	secret_free(k->sk_ei);
	secret_free(k->sk_er);
	secret_free(k->sk_pi);
	secret_free(k->sk_pr);
	memset(k, 0, sizeof(*k));
}

/* Splits km into consecutive secrets of the given lengths. */
static bool split(const uint8_t *km, struct secret **out[], const size_t *lens,
		  size_t n)
{
	size_t off = 0;
	for (size_t i = 0; i < n; i++) {
		*out[i] = secret_dup(km + off, lens[i]);
		if (*out[i] == NULL)
			return false;
		off += lens[i];
	}
	return true;
}

/*
 * SKEYSEED = prf(Ni | Nr, g^ir)                     (initial, 2.14)
 * SKEYSEED = prf_old(SK_d (old), g^ir (new) | Ni | Nr)  (rekey, 2.18)
 * {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr}
 *        = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
 * For AEAD, SK_ai/SK_ar are empty and SK_e* include the 4-byte salt.
 */
bool ike_keys_derive(const struct ike_suite *s, const struct secret *gir,
		     const uint8_t *ni, size_t ni_len, const uint8_t *nr,
		     size_t nr_len, const uint8_t *spi_i, const uint8_t *spi_r,
		     uint16_t old_prf, const struct secret *old_sk_d,
		     struct ike_keys *out)
{
	uint8_t seed_key[2 * IKE_NONCE_MAX], skeyseed[64], *km = NULL;
	struct crypto_prf *prf = NULL;
	size_t prf_len = crypto_prf_len(s->prf), total = 0;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (prf_len == 0 || ni_len > IKE_NONCE_MAX || nr_len > IKE_NONCE_MAX)
		return false;
	if (old_sk_d == NULL) {
		memcpy(seed_key, ni, ni_len);
		memcpy(seed_key + ni_len, nr, nr_len);
		struct crypto_chunk in = { gir->p, gir->len };
		prf = crypto_prf_new(s->prf, seed_key, ni_len + nr_len);
		if (prf == NULL || !crypto_prf_run(prf, &in, 1, skeyseed))
			goto out;
	} else {
		struct crypto_chunk in[3] = { { gir->p, gir->len },
					      { ni, ni_len },
					      { nr, nr_len } };
		prf = crypto_prf_new(old_prf, old_sk_d->p, old_sk_d->len);
		if (prf == NULL || crypto_prf_out_len(prf) != prf_len ||
		    !crypto_prf_run(prf, in, 3, skeyseed))
			goto out;
	}
	size_t ekey = crypto_encr_keymat_len(s->encr, s->encr_bits);
	size_t akey = integ_key_len(s->integ);
	size_t lens[7] = { prf_len, akey, akey, ekey, ekey, prf_len, prf_len };
	for (size_t i = 0; i < 7; i++)
		total += lens[i];
	km = malloc(total);
	struct crypto_chunk seed[4] = { { ni, ni_len }, { nr, nr_len },
					{ spi_i, IKE_SPI_LEN },
					{ spi_r, IKE_SPI_LEN } };
	if (ekey == 0 || km == NULL || !crypto_prf_rekey(prf, skeyseed, prf_len) ||
	    !crypto_prf_plus(prf, seed, 4, km, total))
		goto out;
	struct secret **dst[7] = { &out->sk_d, &out->sk_ai, &out->sk_ar,
				   &out->sk_ei, &out->sk_er, &out->sk_pi,
				   &out->sk_pr };
	ok = split(km, dst, lens, 7);
out:
	if (!ok)
		ike_keys_free(out);
	if (km != NULL) {
		secret_cleanse(km, total);
		free(km);
	}
	secret_cleanse(seed_key, sizeof(seed_key));
	secret_cleanse(skeyseed, sizeof(skeyseed));
	crypto_prf_free(prf);
	return ok;
}

void ike_child_keymat_free(struct ike_child_keymat *k)
{
	secret_free(k->encr_i);
	secret_free(k->integ_i);
	secret_free(k->encr_r);
	secret_free(k->integ_r);
	memset(k, 0, sizeof(*k));
}

/*
 * KEYMAT = prf+(SK_d, Ni | Nr), or prf+(SK_d, g^ir (new) | Ni | Nr) with
 * PFS. Keys are taken in the order: encryption i->r, integrity i->r,
 * encryption r->i, integrity r->i (2.17).
 */
bool ike_child_keys_derive(uint16_t prf_id, const struct secret *sk_d,
			   const struct ike_suite *s, const struct secret *gir,
			   const uint8_t *ni, size_t ni_len, const uint8_t *nr,
			   size_t nr_len, struct ike_child_keymat *out)
{
	size_t ekey = crypto_encr_keymat_len(s->encr, s->encr_bits);
	size_t akey = integ_key_len(s->integ);
	size_t total = 2 * (ekey + akey);
	uint8_t *km = malloc(total ? total : 1);
	struct crypto_prf *prf = crypto_prf_new(prf_id, sk_d->p, sk_d->len);
	struct crypto_chunk seed[3];
	size_t n = 0;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	if (gir != NULL)
		seed[n++] = (struct crypto_chunk){ gir->p, gir->len };
	seed[n++] = (struct crypto_chunk){ ni, ni_len };
	seed[n++] = (struct crypto_chunk){ nr, nr_len };
	if (ekey == 0 || km == NULL || prf == NULL ||
	    !crypto_prf_plus(prf, seed, n, km, total))
		goto out;
	size_t lens[4] = { ekey, akey, ekey, akey };
	struct secret **dst[4] = { &out->encr_i, &out->integ_i, &out->encr_r,
				   &out->integ_r };
	ok = split(km, dst, lens, 4);
out:
	if (!ok)
		ike_child_keymat_free(out);
	if (km != NULL) {
		secret_cleanse(km, total);
		free(km);
	}
	crypto_prf_free(prf);
	return ok;
}

/*
 * RFC 7296 2.15:
 *   AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
 *   SignedOctets = RealMessage | NonceData(peer) | prf(SK_p, RestOfIDPayload)
 * The pad string is the 17 ASCII octets without a terminating NUL.
 */
bool ike_auth_psk(uint16_t prf_id, const struct secret *psk,
		  const uint8_t *msg, size_t msg_len, const uint8_t *nonce,
		  size_t nonce_len, const struct secret *sk_p,
		  const uint8_t *id_body, size_t id_len, uint8_t *out)
{
	static const char pad[] = "Key Pad for IKEv2";
	uint8_t maced_id[64], key[64];
	struct crypto_prf *prf = crypto_prf_new(prf_id, sk_p->p, sk_p->len);
	struct crypto_chunk in = { id_body, id_len };
	bool ok = false;

	if (prf == NULL || !crypto_prf_run(prf, &in, 1, maced_id))
		goto out;
	in = (struct crypto_chunk){ (const uint8_t *)pad, sizeof(pad) - 1 };
	if (!crypto_prf_rekey(prf, psk->p, psk->len) ||
	    !crypto_prf_run(prf, &in, 1, key) ||
	    !crypto_prf_rekey(prf, key, crypto_prf_out_len(prf)))
		goto out;
	struct crypto_chunk so[3] = { { msg, msg_len },
				      { nonce, nonce_len },
				      { maced_id, crypto_prf_out_len(prf) } };
	ok = crypto_prf_run(prf, so, 3, out);
out:
	secret_cleanse(key, sizeof(key));
	secret_cleanse(maced_id, sizeof(maced_id));
	crypto_prf_free(prf);
	return ok;
}
