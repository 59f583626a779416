/*
 * ESP decapsulation with fixed keys. Byte 0 picks the suite (GCM-256 or
 * CBC-256/SHA2-256), ESN on/off, and the mode:
 *   raw:    the rest is an ESP packet as received (SPI 0x01020304 accepted),
 *           exercising length checks, replay logic and ICV rejection;
 *   forged: the rest is a plaintext body (inner packet | padding | pad len |
 *           next header) that the harness seals with a valid ICV first, so
 *           the checks behind the ICV (padding, next header, inner version)
 *           are reached too.
 * Each input is decapsulated twice (the second must be a replay drop when
 * the first was accepted).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cipher.h"
#include "esp/esp.h"

#define SPI 0x01020304u

static struct esp_sa *sa_new(uint16_t encr, uint16_t integ, bool esn,
			     enum esp_dir dir)
{
	uint8_t k[64];
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)(i + 1);
	struct secret *ek = secret_dup(k, crypto_encr_keymat_len(encr, 256));
	struct secret *ik = integ ? secret_dup(k, crypto_integ_key_len(integ))
				  : NULL;
	struct esp_sa_params p = { .spi = SPI, .encr = encr, .key_bits = 256,
				   .integ = integ, .esn = esn,
				   .encr_key = ek, .integ_key = ik,
				   .replay_window = 64 };
	struct esp_sa *sa = esp_sa_new(&p, dir);
	secret_free(ek);
	secret_free(ik);
	return sa;
}

static void decap_twice(struct esp_sa *in, const uint8_t *pkt, size_t len)
{
	uint8_t *buf = malloc(len ? len : 1);
	if (buf == NULL)
		return;
	for (int i = 0; i < 2; i++) {
		size_t off, ilen;
		uint8_t nh;
		memcpy(buf, pkt, len);
		enum esp_drop d = esp_decap(in, buf, len, &off, &ilen, &nh,
					    (struct vtime){ 1 });
		if (d == ESP_DROP_OK && (off + ilen > len || (nh != 4 && nh != 41)))
			abort();
		if (i == 1 && d == ESP_DROP_OK)
			abort(); /* a replay was accepted */
	}
	free(buf);
}

/* Seals body (multiple of the block size) as sequence number seq. */
static size_t forge(uint16_t encr, uint16_t integ, const uint8_t *body,
		    size_t n, uint8_t *out)
{
	uint8_t k[64];
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)(i + 1);
	struct crypto_cipher *c = crypto_cipher_new(encr, 256, integ,
						    CRYPTO_ENCRYPT, k, k);
	if (c == NULL)
		return 0;
	size_t ivl = crypto_cipher_iv_len(c), icvl = crypto_cipher_icv_len(c);
	static const uint8_t hdr[8] = { 1, 2, 3, 4, 0, 0, 0, 7 };
	memcpy(out, hdr, 8);
	memset(out + 8, 0x5c, ivl);
	memcpy(out + 8 + ivl, body, n);
	bool ok = crypto_cipher_seal(c, hdr, 8, out + 8, out + 8 + ivl, n,
				     NULL, 0, out + 8 + ivl + n);
	crypto_cipher_free(c);
	return ok ? 8 + ivl + n + icvl : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 4096)
		return 0;
	uint8_t sel = data[0];
	bool gcm = sel & 1, esn = (sel & 2) && !(sel & 4), forged = sel & 4;
	uint16_t encr = gcm ? CRYPTO_ENCR_AES_GCM_16 : CRYPTO_ENCR_AES_CBC;
	uint16_t integ = gcm ? CRYPTO_INTEG_NONE : CRYPTO_INTEG_HMAC_SHA2_256_128;
	struct esp_sa *in = sa_new(encr, integ, esn, ESP_IN);
	if (in == NULL)
		abort();
	if (!forged) {
		decap_twice(in, data + 1, size - 1);
	} else {
		size_t block = gcm ? 4 : 16, n = (size - 1) / block * block;
		uint8_t *pkt = malloc(n + 64);
		size_t len = pkt ? forge(encr, integ, data + 1, n, pkt) : 0;
		if (len)
			decap_twice(in, pkt, len);
		free(pkt);
	}
	esp_sa_free(in);
	return 0;
}
