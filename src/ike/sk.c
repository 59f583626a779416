/*
 * The Encrypted payload (RFC 7296 3.14; RFC 5282 for AES-GCM) through the
 * cipher contract in crypto/cipher.h.
 *
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  | Next Payload  |C|  RESERVED   |         Payload Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Initialization Vector                     |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  ~                    Encrypted IKE Payloads                     ~
 *  +               +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |               |             Padding (0-255 octets)            |
 *  +-+-+-+-+-+-+-+-+                               +-+-+-+-+-+-+-+-+
 *  |                                               |  Pad Length   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  ~                    Integrity Checksum Data                    ~
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * Next Payload names the first inner payload. The authenticated data is the
 * IKE header plus this 4-byte header (RFC 5282 5.1); for CBC+HMAC the
 * checksum covers the same bytes followed by IV and ciphertext, which is
 * what crypto_cipher_seal computes. Next Payload of the SK payload is the
 * first inner payload's type.
 */
#include <string.h>

#include "ike/ike_priv.h"

static bool sk_make_iv(struct ike_sa *sa, uint8_t *iv, size_t len)
{
	if (sa->suite.encr == IKE_ENCR_AES_GCM_16) {
		/* A counter never repeats under one key (RFC 5282 3.1). */
		uint64_t c = ++sa->iv_counter;
		memset(iv, 0, len);
		for (size_t i = 0; i < 8 && i < len; i++)
			iv[len - 1 - i] = (uint8_t)(c >> (8 * i));
		return true;
	}
	return ike_random(sa->ike, iv, len);
}

bool ike_sk_seal(struct ike_sa *sa, const struct ike_hdr *h,
		 const struct ike_enc *inner, uint8_t *out, size_t cap,
		 size_t *len)
{
	struct crypto_cipher *c = sa->c_out;
	size_t iv_len = crypto_cipher_iv_len(c);
	size_t icv_len = crypto_cipher_icv_len(c);
	size_t blk = crypto_cipher_block_len(c);
	size_t plain = wr_len(&inner->w);
	size_t pad = (blk - (plain + 1) % blk) % blk;
	size_t enc_len = plain + pad + 1;
	size_t sk_len = IKE_GENERIC_HDR_LEN + iv_len + enc_len + icv_len;
	size_t total = IKE_HDR_LEN + sk_len;
	struct ike_hdr hh = *h;
	struct wr w;

	if (!wr_ok(&inner->w) || total > cap || total > IKE_MAX_MSG)
		return false;
	hh.next = IKE_P_SK;
	hh.length = (uint32_t)total;
	wr_init(&w, out, cap);
	ike_hdr_encode(&w, &hh);
	wr_u8(&w, inner->first);
	wr_u8(&w, 0);
	wr_u16be(&w, (uint16_t)sk_len);
	uint8_t *iv = out + wr_len(&w);
	wr_zero(&w, iv_len);
	if (!wr_ok(&w) || !sk_make_iv(sa, iv, iv_len))
		return false;
	uint8_t *buf = out + wr_len(&w);
	wr_bytes(&w, inner->buf, plain);
	wr_zero(&w, pad);
	wr_u8(&w, (uint8_t)pad);
	uint8_t *icv = out + wr_len(&w);
	wr_zero(&w, icv_len);
	if (!wr_ok(&w))
		return false;
	if (!crypto_cipher_seal(c, out, IKE_HDR_LEN + IKE_GENERIC_HDR_LEN, iv,
				buf, enc_len, NULL, 0, icv))
		return false;
	*len = total;
	return true;
}

struct ike_disp ike_sk_open(struct ike_sa *sa, struct ike_msg *m)
{
	struct crypto_cipher *c = sa->c_in;
	const struct ike_payload *sk = &m->pl[m->n - 1];
	struct rd r = sk->body;
	const uint8_t *iv, *ct, *icv;

	if (c == NULL || !m->has_sk)
		return ike_d_drop("no SK payload or keys");
	size_t iv_len = crypto_cipher_iv_len(c);
	size_t icv_len = crypto_cipher_icv_len(c);
	if (rd_left(&r) < iv_len + icv_len + 1)
		return ike_d_drop("SK payload too short");
	size_t ct_len = rd_left(&r) - iv_len - icv_len;
	if (!rd_ptr(&r, iv_len, &iv) || !rd_ptr(&r, ct_len, &ct) ||
	    !rd_ptr(&r, icv_len, &icv) || ct_len > sizeof(m->plain))
		return ike_d_drop("SK payload malformed");
	memcpy(m->plain, ct, ct_len);
	if (!crypto_cipher_open(c, m->raw, m->sk_off + IKE_GENERIC_HDR_LEN, iv,
				m->plain, ct_len, NULL, 0, icv)) {
		sa->ike->stats.bad_icv++;
		return ike_d_drop("SK integrity check failed");
	}
	uint8_t pad = m->plain[ct_len - 1];
	if ((size_t)pad + 1 > ct_len)
		return ike_d_drop("SK pad length too large");
	m->plain_len = ct_len - pad - 1;
	m->n--; /* replace the SK payload by its contents */
	struct rd inner;
	rd_init(&inner, m->plain, m->plain_len);
	return ike_payloads_decode(m, &inner, m->sk_next, true);
}
