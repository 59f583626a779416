/*
 * PRF and prf+ known-answer tests.
 *
 * HMAC vectors: RFC 2202 test case 2 (SHA-1) and RFC 4231 test cases 2 and
 * 6 (SHA-2). prf+ (RFC 7296 2.13) has no published vectors; the expected
 * values were computed independently with Python's hmac module and the
 * first block cross-checked with `openssl mac -digest SHA256 HMAC`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/prf.h"

static size_t unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = strlen(h) / 2;
	assert_true(n <= cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

struct hmac_kat {
	uint16_t prf;
	const char *key_hex; /* NULL: key_byte repeated key_len times */
	uint8_t key_byte;
	size_t key_len;
	const char *data;
	const char *mac_hex;
};

static const struct hmac_kat hmac_kats[] = {
	{ CRYPTO_PRF_HMAC_SHA1, "4a656665", 0, 0, "what do ya want for nothing?",
	  "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ CRYPTO_PRF_HMAC_SHA2_256, "4a656665", 0, 0,
	  "what do ya want for nothing?",
	  "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ CRYPTO_PRF_HMAC_SHA2_384, "4a656665", 0, 0,
	  "what do ya want for nothing?",
	  "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
	  "8e2240ca5e69e2c78b3239ecfab21649" },
	{ CRYPTO_PRF_HMAC_SHA2_512, "4a656665", 0, 0,
	  "what do ya want for nothing?",
	  "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
	  "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737" },
	{ CRYPTO_PRF_HMAC_SHA2_256, NULL, 0xaa, 131,
	  "Test Using Larger Than Block-Size Key - Hash Key First",
	  "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
};

static void test_hmac_kats(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(hmac_kats) / sizeof(hmac_kats[0]); i++) {
		const struct hmac_kat *k = &hmac_kats[i];
		uint8_t key[200], want[64], got[64];
		size_t klen;
		if (k->key_hex != NULL) {
			klen = unhex(k->key_hex, key, sizeof(key));
		} else {
			klen = k->key_len;
			memset(key, k->key_byte, klen);
		}
		size_t wlen = unhex(k->mac_hex, want, sizeof(want));
		assert_int_equal(crypto_prf_len(k->prf), wlen);
		struct crypto_prf *p = crypto_prf_new(k->prf, key, klen);
		assert_non_null(p);
		/* Split the input in two chunks: concatenation must not matter. */
		size_t dl = strlen(k->data);
		struct crypto_chunk in[2] = {
			{ (const uint8_t *)k->data, 5 },
			{ (const uint8_t *)k->data + 5, dl - 5 },
		};
		assert_true(crypto_prf_run(p, in, 2, got));
		assert_memory_equal(got, want, wlen);
		/* The long-lived context gives the same answer again. */
		memset(got, 0, sizeof(got));
		assert_true(crypto_prf_run(p, in, 2, got));
		assert_memory_equal(got, want, wlen);
		crypto_prf_free(p);
	}
}

static const struct {
	uint16_t prf;
	const char *out_hex;
} prfplus_kats[] = {
	{ CRYPTO_PRF_HMAC_SHA1,
	  "1aa44e76cb4429ec06bed2f8a96cd35060b84816fc368fe2df0099faa048ecba"
	  "dd97e5ffb233c716c7c95bd58ad9dc62786bd64d34434b99564d0d6e1b9cab38"
	  "8eb7796e707a6a9f3938d122630fe6872344cab5e9e83947f19167f12c2dd552"
	  "47249c30" },
	{ CRYPTO_PRF_HMAC_SHA2_256,
	  "96a5bec64bf49bf101a580799b2492841d44a7ab4620d60756c95f5f3c89c868"
	  "f1572cd4684ff3c784b731973931f4bb9e209a34b91f3bb7eda10e012f51dd74"
	  "3b0b249bf73fd223131c60953f46396bb5411966418405a6baad052d140a1bd8"
	  "a853c9e3" },
	{ CRYPTO_PRF_HMAC_SHA2_384,
	  "dfc41b5ee4478ce309315579a7dc56506c8125efb107916ce93865eda707455b"
	  "183d586aab3195908bdb15c8729e3bd0719f6842dd5e126f4fa227d25bc9667d"
	  "1275e4deae685e150161c89a9492f7b269d4a8857a89126f809c3556891423c2"
	  "bc39c7db" },
	{ CRYPTO_PRF_HMAC_SHA2_512,
	  "6a52a818a644f346649cf74e722fcade4d2b98a7aede698d2a2404a05a3f747e"
	  "534ad687fc0f9c484d56be52a30f5d0ae2582cfbc08065da5c52fbe63fdae88c"
	  "72ed5bdd7f7fbb3387fe2425e9df9272398517146de364c521293ba67b8933df"
	  "eb15bb41" },
};

static void test_prf_plus(void **state)
{
	(void)state;
	uint8_t key[32];
	for (size_t i = 0; i < 32; i++)
		key[i] = (uint8_t)(i + 1);
	const char *seed = "IKEv2 prf+ test seed";
	for (size_t i = 0; i < sizeof(prfplus_kats) / sizeof(prfplus_kats[0]);
	     i++) {
		uint8_t want[100], got[100];
		assert_int_equal(unhex(prfplus_kats[i].out_hex, want, 100), 100);
		struct crypto_prf *p = crypto_prf_new(prfplus_kats[i].prf, key, 32);
		assert_non_null(p);
		struct crypto_chunk s[2] = { { (const uint8_t *)seed, 6 },
					     { (const uint8_t *)seed + 6,
					       strlen(seed) - 6 } };
		assert_true(crypto_prf_plus(p, s, 2, got, 100));
		assert_memory_equal(got, want, 100);
		/* A shorter output is a prefix of the longer one. */
		assert_true(crypto_prf_plus(p, s, 2, got, 7));
		assert_memory_equal(got, want, 7);
		crypto_prf_free(p);
	}
}

static void test_prf_limits(void **state)
{
	(void)state;
	uint8_t key[20] = { 1 }, out[20];
	assert_null(crypto_prf_new(99, key, 20));
	assert_false(crypto_prf_supported(1)); /* HMAC-MD5 not offered */
	struct crypto_prf *p = crypto_prf_new(CRYPTO_PRF_HMAC_SHA1, key, 20);
	assert_non_null(p);
	/* The prf+ counter is one octet: at most 255 blocks. */
	uint8_t *big = malloc(255 * 20 + 1);
	assert_non_null(big);
	assert_false(crypto_prf_plus(p, NULL, 0, big, 255 * 20 + 1));
	assert_true(crypto_prf_plus(p, NULL, 0, big, 255 * 20));
	free(big);
	/* Rekey changes the output; an empty key is legal HMAC. */
	assert_true(crypto_prf_run(p, NULL, 0, out));
	uint8_t first[20];
	memcpy(first, out, 20);
	assert_true(crypto_prf_rekey(p, NULL, 0));
	assert_true(crypto_prf_run(p, NULL, 0, out));
	assert_memory_not_equal(first, out, 20);
	crypto_prf_free(p);
	crypto_prf_free(NULL);
}

/* FIPS 180-4 example: SHA-1("abc"), used by NAT detection. */
static void test_sha1(void **state)
{
	(void)state;
	uint8_t out[20], want[20];
	unhex("a9993e364706816aba3e25717850c26c9cd0d89d", want, 20);
	struct crypto_chunk in[2] = { { (const uint8_t *)"a", 1 },
				      { (const uint8_t *)"bc", 2 } };
	assert_true(crypto_sha1(in, 2, out));
	assert_memory_equal(out, want, 20);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hmac_kats),
		cmocka_unit_test(test_prf_plus),
		cmocka_unit_test(test_prf_limits),
		cmocka_unit_test(test_sha1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
