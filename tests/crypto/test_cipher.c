/*
 * Known-answer tests for crypto/cipher.h from published vectors:
 *  - AES-GCM: McGrew/Viega, "The Galois/Counter Mode of Operation", test
 *    cases 3, 4 (AES-128) and 15, 16 (AES-256). Their 96-bit IV splits into
 *    the RFC 4106 salt (first 4 bytes, appended to the key) and 8-byte IV.
 *  - AES-CBC: RFC 3602 4 case #2 (AES-128), NIST SP 800-38A F.2.5 (AES-256).
 *  - HMAC truncations: RFC 2202 test case 3 (SHA1-96), RFC 4868 2.7.2
 *    test case 3 (key 0xaa.., data 0xdd x 50) for SHA2-256/384/512.
 * plus round trips of every suite with single-bit tampering everywhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/cipher.h"

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (h[0] && h[1] && n < cap) {
		unsigned v;
		if (sscanf(h, "%2x", &v) != 1)
			break;
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

struct gcm_kat {
	const char *name;
	uint16_t bits;
	const char *key, *nonce, *pt, *aad, *ct, *tag;
};

#define GCM_P3                                                                 \
	"d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"     \
	"1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255"
#define GCM_K128 "feffe9928665731c6d6a8f9467308308"
#define GCM_NONCE "cafebabefacedbaddecaf888"
#define GCM_AAD "feedfacedeadbeeffeedfacedeadbeefabaddad2"

static const struct gcm_kat gcm_kats[] = {
	{ "tc3", 128, GCM_K128, GCM_NONCE, GCM_P3, "",
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
	  "4d5c2af327cd64a62cf35abd2ba6fab4" },
	{ "tc4", 128, GCM_K128, GCM_NONCE,
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  GCM_AAD,
	  "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
	  "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
	  "5bc94fbc3221a5db94fae95ae7121a47" },
	{ "tc15", 256, GCM_K128 GCM_K128, GCM_NONCE, GCM_P3, "",
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
	  "b094dac5d93471bdec1a502270e3cc6c" },
	{ "tc16", 256, GCM_K128 GCM_K128, GCM_NONCE,
	  "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
	  "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39",
	  GCM_AAD,
	  "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
	  "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
	  "76fc6ece0f4e1768cddf8853bb2d551b" },
};

static void test_gcm_kat(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(gcm_kats) / sizeof(gcm_kats[0]); i++) {
		const struct gcm_kat *k = &gcm_kats[i];
		uint8_t key[36], nonce[12], pt[64], aad[20], ct[64], tag[16];
		uint8_t buf[64], icv[16];
		size_t kl = unhex(k->key, key, 32);
		unhex(k->nonce, nonce, 12);
		size_t pl = unhex(k->pt, pt, 64);
		size_t al = unhex(k->aad, aad, 20);
		assert_int_equal(unhex(k->ct, ct, 64), pl);
		unhex(k->tag, tag, 16);
		/* RFC 4106 8.1: keymat = key || salt (first 4 nonce bytes). */
		memcpy(key + kl, nonce, 4);
		assert_int_equal(kl + 4, crypto_encr_keymat_len(20, k->bits));
		struct crypto_cipher *e = crypto_cipher_new(
			20, k->bits, 0, CRYPTO_ENCRYPT, key, NULL);
		struct crypto_cipher *d = crypto_cipher_new(
			20, k->bits, 0, CRYPTO_DECRYPT, key, NULL);
		assert_non_null(e);
		assert_non_null(d);
		memcpy(buf, pt, pl);
		assert_true(crypto_cipher_seal(e, aad, al, nonce + 4, buf, pl,
					       NULL, 0, icv));
		assert_memory_equal(buf, ct, pl);
		assert_memory_equal(icv, tag, 16);
		assert_true(crypto_cipher_open(d, aad, al, nonce + 4, buf, pl,
					       NULL, 0, icv));
		assert_memory_equal(buf, pt, pl);
		/* Same context, second packet: state must re-arm cleanly. */
		memcpy(buf, ct, pl);
		icv[15] ^= 1;
		assert_false(crypto_cipher_open(d, aad, al, nonce + 4, buf,
						pl, NULL, 0, icv));
		crypto_cipher_free(e);
		crypto_cipher_free(d);
	}
}

struct cbc_kat {
	uint16_t bits;
	const char *key, *iv, *pt, *ct;
};

static const struct cbc_kat cbc_kats[] = {
	/* RFC 3602 4, case #2 */
	{ 128, "c286696d887c9aa0611bbb3e2025a45a",
	  "562e17996d093d28ddb3ba695a2e6f58",
	  "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
	  "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1" },
	/* NIST SP 800-38A F.2.5, block 1 */
	{ 256,
	  "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
	  "000102030405060708090a0b0c0d0e0f",
	  "6bc1bee22e409f96e93d7e117393172a",
	  "f58c4c04d6e5f1ba779eabfb5f7bfbd6" },
};

static void test_cbc_kat(void **state)
{
	(void)state;
	uint8_t ikey[20] = { 0 };
	for (size_t i = 0; i < sizeof(cbc_kats) / sizeof(cbc_kats[0]); i++) {
		const struct cbc_kat *k = &cbc_kats[i];
		uint8_t key[32], iv[16], pt[32], ct[32], buf[32], icv[16];
		unhex(k->key, key, 32);
		unhex(k->iv, iv, 16);
		size_t pl = unhex(k->pt, pt, 32);
		assert_int_equal(unhex(k->ct, ct, 32), pl);
		struct crypto_cipher *e = crypto_cipher_new(
			12, k->bits, 2, CRYPTO_ENCRYPT, key, ikey);
		struct crypto_cipher *d = crypto_cipher_new(
			12, k->bits, 2, CRYPTO_DECRYPT, key, ikey);
		assert_non_null(e);
		assert_non_null(d);
		memcpy(buf, pt, pl);
		assert_true(crypto_cipher_seal(e, NULL, 0, iv, buf, pl, NULL,
					       0, icv));
		assert_memory_equal(buf, ct, pl);
		assert_true(crypto_cipher_open(d, NULL, 0, iv, buf, pl, NULL,
					       0, icv));
		assert_memory_equal(buf, pt, pl);
		crypto_cipher_free(e);
		crypto_cipher_free(d);
	}
}

struct mac_kat {
	uint16_t integ;
	size_t key_len;
	const char *icv;
};

static const struct mac_kat mac_kats[] = {
	{ CRYPTO_INTEG_HMAC_SHA1_96, 20, "125d7342b9ac11cd91a39af4" },
	{ CRYPTO_INTEG_HMAC_SHA2_256_128, 32,
	  "cdcb1220d1ecccea91e53aba3092f962" },
	{ CRYPTO_INTEG_HMAC_SHA2_384_192, 48,
	  "809f439be00274321d4a538652164b53554a508184a0c316" },
	{ CRYPTO_INTEG_HMAC_SHA2_512_256, 64,
	  "2ee7acd783624ca9398710f3ee05ae41b9f9b0510c87e49e586cc9bf961733d8" },
};

/*
 * The MAC covers aad | iv | ciphertext | trailer. With an empty ciphertext
 * the 50 data bytes are split across aad (20), iv (16) and trailer (14), so
 * the published HMAC value must come out whatever the split.
 */
static void test_hmac_kat(void **state)
{
	(void)state;
	uint8_t ekey[16] = { 0 }, ikey[64], data[50], icv[32];
	memset(data, 0xdd, sizeof(data));
	memset(ikey, 0xaa, sizeof(ikey));
	for (size_t i = 0; i < sizeof(mac_kats) / sizeof(mac_kats[0]); i++) {
		const struct mac_kat *k = &mac_kats[i];
		uint8_t want[32];
		size_t wl = unhex(k->icv, want, 32);
		assert_int_equal(crypto_integ_key_len(k->integ), k->key_len);
		struct crypto_cipher *e = crypto_cipher_new(
			12, 128, k->integ, CRYPTO_ENCRYPT, ekey, ikey);
		struct crypto_cipher *d = crypto_cipher_new(
			12, 128, k->integ, CRYPTO_DECRYPT, ekey, ikey);
		assert_non_null(e);
		assert_int_equal(crypto_cipher_icv_len(e), wl);
		for (int rep = 0; rep < 2; rep++) {
			memset(icv, 0, sizeof(icv));
			assert_true(crypto_cipher_seal(e, data, 20, data + 20,
						       NULL, 0, data + 36, 14,
						       icv));
			assert_memory_equal(icv, want, wl);
		}
		assert_true(crypto_cipher_open(d, data, 20, data + 20, NULL, 0,
					       data + 36, 14, icv));
		icv[wl - 1] ^= 0x80;
		assert_false(crypto_cipher_open(d, data, 20, data + 20, NULL,
						0, data + 36, 14, icv));
		crypto_cipher_free(e);
		crypto_cipher_free(d);
	}
}

struct suite {
	uint16_t encr, bits, integ;
};

static const struct suite suites[] = {
	{ 20, 128, 0 },	 { 20, 256, 0 },  { 12, 128, 2 },  { 12, 256, 2 },
	{ 12, 128, 12 }, { 12, 256, 12 }, { 12, 128, 13 }, { 12, 256, 14 },
};

enum { RT_AAD = 8, RT_LEN = 96, RT_TRAILER = 4 };

/* Flip one bit at position pos of the concatenation aad|iv|ct|trailer|icv. */
static void flip(uint8_t *aad, uint8_t *iv, size_t ivl, uint8_t *ct,
		 uint8_t *tr, size_t trl, uint8_t *icv, size_t pos)
{
	uint8_t *parts[] = { aad, iv, ct, tr, icv };
	size_t lens[] = { RT_AAD, ivl, RT_LEN, trl, 32 };
	for (size_t i = 0; i < 5; i++) {
		if (pos < lens[i]) {
			parts[i][pos] ^= 0x01;
			return;
		}
		pos -= lens[i];
	}
}

static void roundtrip_tamper(const struct suite *s)
{
	uint8_t ek[36], ik[64], aad[RT_AAD], iv[16], pt[RT_LEN], buf[RT_LEN];
	uint8_t tr[RT_TRAILER] = { 0, 0, 0, 1 }, icv[32];
	for (size_t i = 0; i < sizeof(ek); i++)
		ek[i] = (uint8_t)(i * 7 + 1);
	for (size_t i = 0; i < sizeof(ik); i++)
		ik[i] = (uint8_t)(i * 13 + 5);
	for (size_t i = 0; i < sizeof(pt); i++)
		pt[i] = (uint8_t)i;
	memset(aad, 0x5a, sizeof(aad));
	memset(iv, 0x33, sizeof(iv));
	struct crypto_cipher *e = crypto_cipher_new(s->encr, s->bits, s->integ,
						    CRYPTO_ENCRYPT, ek, ik);
	struct crypto_cipher *d = crypto_cipher_new(s->encr, s->bits, s->integ,
						    CRYPTO_DECRYPT, ek, ik);
	assert_non_null(e);
	assert_non_null(d);
	size_t ivl = crypto_cipher_iv_len(e), icvl = crypto_cipher_icv_len(e);
	size_t trl = s->encr == 20 ? 0 : RT_TRAILER;
	memcpy(buf, pt, RT_LEN);
	assert_true(crypto_cipher_seal(e, aad, RT_AAD, iv, buf, RT_LEN,
				       trl ? tr : NULL, trl, icv));
	assert_memory_not_equal(buf, pt, RT_LEN);
	uint8_t ct[RT_LEN];
	memcpy(ct, buf, RT_LEN);
	assert_true(crypto_cipher_open(d, aad, RT_AAD, iv, buf, RT_LEN,
				       trl ? tr : NULL, trl, icv));
	assert_memory_equal(buf, pt, RT_LEN);
	size_t total = RT_AAD + ivl + RT_LEN + trl + icvl;
	for (size_t pos = 0; pos < total; pos += 3) {
		memcpy(buf, ct, RT_LEN);
		flip(aad, iv, ivl, buf, tr, trl, icv, pos);
		assert_false(crypto_cipher_open(d, aad, RT_AAD, iv, buf,
						RT_LEN, trl ? tr : NULL, trl,
						icv));
		memcpy(buf, ct, RT_LEN);
		flip(aad, iv, ivl, buf, tr, trl, icv, pos);
	}
	/* Still verifies after all the failures. */
	memcpy(buf, ct, RT_LEN);
	assert_true(crypto_cipher_open(d, aad, RT_AAD, iv, buf, RT_LEN,
				       trl ? tr : NULL, trl, icv));
	/* Wrong direction and bad lengths are refused. */
	assert_false(crypto_cipher_seal(d, aad, RT_AAD, iv, buf, RT_LEN, NULL,
					0, icv));
	if (s->encr == 12)
		assert_false(crypto_cipher_seal(e, aad, RT_AAD, iv, buf,
						RT_LEN - 1, NULL, 0, icv));
	else
		assert_false(crypto_cipher_seal(e, aad, RT_AAD, iv, buf,
						RT_LEN, tr, RT_TRAILER, icv));
	crypto_cipher_free(e);
	crypto_cipher_free(d);
}

static void test_roundtrip_tamper(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++)
		roundtrip_tamper(&suites[i]);
}

struct support_row {
	uint16_t encr, bits, integ;
	bool ok;
	size_t ekl, ikl, ivl, icvl, blk;
};

static const struct support_row support_rows[] = {
	{ 20, 128, 0, true, 20, 0, 8, 16, 4 },
	{ 20, 256, 0, true, 36, 0, 8, 16, 4 },
	{ 20, 192, 0, false, 0, 0, 0, 0, 0 },
	{ 20, 256, 12, false, 36, 32, 0, 0, 0 },
	{ 12, 128, 2, true, 16, 20, 16, 12, 16 },
	{ 12, 256, 12, true, 32, 32, 16, 16, 16 },
	{ 12, 256, 13, true, 32, 48, 16, 24, 16 },
	{ 12, 128, 14, true, 16, 64, 16, 32, 16 },
	{ 12, 128, 0, false, 16, 0, 0, 0, 0 },
	{ 12, 128, 5, false, 16, 0, 0, 0, 0 },
	{ 3, 128, 2, false, 0, 20, 0, 0, 0 },
};

static void test_supported(void **state)
{
	(void)state;
	uint8_t k[64] = { 0 };
	for (size_t i = 0; i < sizeof(support_rows) / sizeof(support_rows[0]);
	     i++) {
		const struct support_row *r = &support_rows[i];
		assert_int_equal(crypto_cipher_supported(r->encr, r->bits,
							 r->integ),
				 r->ok);
		assert_int_equal(crypto_encr_keymat_len(r->encr, r->bits),
				 r->ekl);
		assert_int_equal(crypto_integ_key_len(r->integ), r->ikl);
		struct crypto_cipher *c = crypto_cipher_new(
			r->encr, r->bits, r->integ, CRYPTO_ENCRYPT, k, k);
		assert_int_equal(c != NULL, r->ok);
		if (c == NULL)
			continue;
		assert_int_equal(crypto_cipher_iv_len(c), r->ivl);
		assert_int_equal(crypto_cipher_icv_len(c), r->icvl);
		assert_int_equal(crypto_cipher_block_len(c), r->blk);
		crypto_cipher_free(c);
	}
	crypto_cipher_free(NULL);
	assert_null(crypto_cipher_new(12, 128, 2, CRYPTO_ENCRYPT, k, NULL));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gcm_kat),
		cmocka_unit_test(test_cbc_kat),
		cmocka_unit_test(test_hmac_kat),
		cmocka_unit_test(test_roundtrip_tamper),
		cmocka_unit_test(test_supported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
