/*
 * Stateless cookies against IKE_SA_INIT floods (RFC 7296 2.6).
 *
 * Once more than seams.cookie_threshold IKE SAs are half-open, a responder
 * answers an IKE_SA_INIT request without a valid cookie with
 * N(COOKIE) only and keeps no state. The cookie is
 *   <VersionIDofSecret (4 octets)> | HMAC-SHA256(secret, Ni | IPi | SPIi)
 * so it can be checked without memory; the secret is random per process.
 */
#include <string.h>

#include "ike/ike_priv.h"

#define COOKIE_LEN (4 + 32)

bool ike_cookie_required(const struct ike *ike)
{
	uint32_t thr = ike->seams.cookie_threshold ? ike->seams.cookie_threshold
						   : 64;
	return ike->half_open >= thr;
}

void ike_cookie_compute(struct ike *ike, const uint8_t *ni, size_t ni_len,
			const struct ike_endpoint *remote, const uint8_t *spi_i,
			uint32_t version, uint8_t *out, size_t *len)
{
	struct crypto_prf *prf = crypto_prf_new(
		CRYPTO_PRF_HMAC_SHA2_256, ike->cookie_secret,
		sizeof(ike->cookie_secret));
	struct crypto_chunk in[3] = { { ni, ni_len },
				      { remote->addr.a,
					ip_addr_len(&remote->addr) },
				      { spi_i, IKE_SPI_LEN } };
	out[0] = version >> 24;
	out[1] = version >> 16;
	out[2] = version >> 8;
	out[3] = version;
	if (prf == NULL || !crypto_prf_run(prf, in, 3, out + 4))
		memset(out + 4, 0, 32);
	crypto_prf_free(prf);
	*len = COOKIE_LEN;
}

bool ike_cookie_valid(struct ike *ike, const struct ike_notify *n,
		      const uint8_t *ni, size_t ni_len,
		      const struct ike_endpoint *remote, const uint8_t *spi_i)
{
	uint8_t want[COOKIE_LEN];
	size_t len;
	struct rd r = n->data;
	const uint8_t *got;
	if (rd_left(&r) != COOKIE_LEN || !rd_ptr(&r, COOKIE_LEN, &got))
		return false;
	ike_cookie_compute(ike, ni, ni_len, remote, spi_i, ike->cookie_version,
			   want, &len);
	return secret_equal(got, want, COOKIE_LEN);
}
