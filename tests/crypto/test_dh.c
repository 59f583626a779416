/*
 * Diffie-Hellman known-answer and validation tests.
 *
 * ECP: RFC 5903 section 8 (i, g^i, r, g^r, g^ir for P-256/384/521).
 * Curve25519: RFC 7748 section 6.1 (RFC 8031 uses these encodings as is).
 * MODP: no short published vectors; known answers from tiny exponents
 * (g^1 = 2, g^2 = 4 padded to the prime's length), agreement between two
 * fixed private values, and rejection of out-of-range peer values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/dh.h"

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

struct ecp_kat {
	uint16_t group;
	const char *i, *gi, *r, *gr, *girx;
};

static const struct ecp_kat ecp_kats[] = {
	{ 19, "c88f01f510d9ac3f70a292daa2316de544e9aab8afe84049c62a9c57862d1433",
	  "dad0b65394221cf9b051e1feca5787d098dfe637fc90b9ef945d0c3772581180"
	  "5271a0461cdb8252d61f1c456fa3e59ab1f45b33accf5f58389e0577b8990bb3",
	  "c6ef9c5d78ae012a011164acb397ce2088685d8f06bf9be0b283ab46476bee53",
	  "d12dfb5289c8d4f81208b70270398c342296970a0bccb74c736fc7554494bf63"
	  "56fbf3ca366cc23e8157854c13c58d6aac23f046ada30f8353e74f33039872ab",
	  "d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de" },
	{ 20,
	  "099f3c7034d4a2c699884d73a375a67f7624ef7c6b3c0f160647b67414dce655"
	  "e35b538041e649ee3faef896783ab194",
	  "667842d7d180ac2cde6f74f37551f55755c7645c20ef73e31634fe72b4c55ee6"
	  "de3ac808acb4bdb4c88732aee95f41aa"
	  "9482ed1fc0eeb9cafc4984625ccfc23f65032149e0e144ada024181535a0f38e"
	  "eb9fcff3c2c947dae69b4c634573a81c",
	  "41cb0779b4bdb85d47846725fbec3c9430fab46cc8dc5060855cc9bda0aa2942"
	  "e0308312916b8ed2960e4bd55a7448fc",
	  "e558dbef53eecde3d3fccfc1aea08a89a987475d12fd950d83cfa41732bc509d"
	  "0d1ac43a0336def96fda41d0774a3571"
	  "dcfbec7aacf3196472169e838430367f66eebe3c6e70c416dd5f0c68759dd1ff"
	  "f83fa40142209dff5eaad96db9e6386c",
	  "11187331c279962d93d604243fd592cb9d0a926f422e47187521287e7156c5c4"
	  "d603135569b9e9d09cf5d4a270f59746" },
	{ 21,
	  "0037ade9319a89f4dabdb3ef411aaccca5123c61acab57b5393dce47608172a0"
	  "95aa85a30fe1c2952c6771d937ba9777f5957b2639bab072462f68c27a57382d"
	  "4a52",
	  "0015417e84dbf28c0ad3c278713349dc7df153c897a1891bd98bab4357c9ecbe"
	  "e1e3bf42e00b8e380aeae57c2d107564941885942af5a7f4601723c4195d176c"
	  "ed3e"
	  "017cae20b6641d2eeb695786d8c946146239d099e18e1d5a514c739d7cb4a10a"
	  "d8a788015ac405d7799dc75e7b7d5b6cf2261a6a7f1507438bf01beb6ca3926f"
	  "9582",
	  "0145ba99a847af43793fdd0e872e7cdfa16be30fdc780f97bccc3f078380201e"
	  "9c677d600b343757a3bdbf2a3163e4c2f869cca7458aa4a4effc311f5cb15168"
	  "5eb9",
	  "00d0b3975ac4b799f5bea16d5e13e9af971d5e9b984c9f39728b5e5739735a21"
	  "9b97c356436adc6e95bb0352f6be64a6c2912d4ef2d0433ced2b6171640012d9"
	  "460f"
	  "015c68226383956e3bd066e797b623c27ce0eac2f551a10c2c724d9852077b87"
	  "220b6536c5c408a1d2aebb8e86d678ae49cb57091f4732296579ab44fcd17f0f"
	  "c56a",
	  "01144c7d79ae6956bc8edb8e7c787c4521cb086fa64407f97894e5e6b2d79b04"
	  "d1427e73ca4baa240a34786859810c06b3c715a3a8cc3151f2bee417996d19f3"
	  "ddea" },
	/* RFC 7748 6.1 (Alice = i, Bob = r). */
	{ 31, "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a",
	  "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
	  "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb",
	  "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f",
	  "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742" },
};

static void check_side(uint16_t group, const char *priv_hex,
		       const char *pub_hex, const char *peer_hex,
		       const char *shared_hex)
{
	uint8_t priv[80], pub[140], peer[140], shared[80], got[140];
	size_t privlen = unhex(priv_hex, priv, sizeof(priv));
	size_t publen = unhex(pub_hex, pub, sizeof(pub));
	size_t peerlen = unhex(peer_hex, peer, sizeof(peer));
	size_t slen = unhex(shared_hex, shared, sizeof(shared));

	assert_int_equal(crypto_dh_public_len(group), publen);
	struct crypto_dh *dh = crypto_dh_new_private(group, priv, privlen);
	assert_non_null(dh);
	assert_true(crypto_dh_public(dh, got, publen));
	assert_memory_equal(got, pub, publen);
	struct secret *s = crypto_dh_shared(dh, peer, peerlen);
	assert_non_null(s);
	assert_int_equal(s->len, slen);
	assert_memory_equal(s->p, shared, slen);
	secret_free(s);
	crypto_dh_free(dh);
}

static void test_ecp_curve25519_kats(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ecp_kats) / sizeof(ecp_kats[0]); i++) {
		const struct ecp_kat *k = &ecp_kats[i];
		check_side(k->group, k->i, k->gi, k->gr, k->girx);
		check_side(k->group, k->r, k->gr, k->gi, k->girx);
	}
}

static void test_ecp_invalid_point(void **state)
{
	(void)state;
	uint8_t pub[64];
	struct crypto_dh *dh = crypto_dh_new(19);
	assert_non_null(dh);
	assert_true(crypto_dh_public(dh, pub, sizeof(pub)));
	pub[63] ^= 1; /* y no longer on the curve */
	assert_null(crypto_dh_shared(dh, pub, sizeof(pub)));
	memset(pub, 0, sizeof(pub)); /* point at "infinity" / not on curve */
	assert_null(crypto_dh_shared(dh, pub, sizeof(pub)));
	assert_null(crypto_dh_shared(dh, pub, 63)); /* wrong length */
	crypto_dh_free(dh);

	/* Curve25519: a low-order peer value gives an all-zero secret. */
	dh = crypto_dh_new(31);
	assert_non_null(dh);
	uint8_t zero[32] = { 0 };
	assert_null(crypto_dh_shared(dh, zero, 32));
	crypto_dh_free(dh);
}

static const uint16_t modp_groups[] = { 2, 14, 15, 16, 24 };

static void test_modp_small_exponents(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(modp_groups) / sizeof(modp_groups[0]);
	     i++) {
		uint16_t g = modp_groups[i];
		size_t len = crypto_dh_public_len(g);
		uint8_t one = 1, two = 2, pub[512], want[512];
		assert_true(len > 0 && len <= sizeof(pub));
		/* Group 24's generator is not 2; only check the padding. */
		struct crypto_dh *a = crypto_dh_new_private(g, &one, 1);
		assert_non_null(a);
		assert_true(crypto_dh_public(a, pub, len));
		if (g != 24) {
			memset(want, 0, len);
			want[len - 1] = 2;
			assert_memory_equal(pub, want, len);
		}
		/* (g^2)^1 == g^2 computed by the side with exponent 2. */
		struct crypto_dh *b = crypto_dh_new_private(g, &two, 1);
		assert_non_null(b);
		uint8_t pub_b[512];
		assert_true(crypto_dh_public(b, pub_b, len));
		struct secret *s = crypto_dh_shared(a, pub_b, len);
		assert_non_null(s);
		assert_int_equal(s->len, len);
		assert_memory_equal(s->p, pub_b, len);
		secret_free(s);
		crypto_dh_free(a);
		crypto_dh_free(b);
	}
}

static void test_modp_agreement_and_validation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(modp_groups) / sizeof(modp_groups[0]);
	     i++) {
		uint16_t g = modp_groups[i];
		size_t len = crypto_dh_public_len(g);
		uint8_t pa[512], pb[512], bad[512];
		struct crypto_dh *a = crypto_dh_new(g), *b = crypto_dh_new(g);
		assert_non_null(a);
		assert_non_null(b);
		assert_true(crypto_dh_public(a, pa, len));
		assert_true(crypto_dh_public(b, pb, len));
		struct secret *sa = crypto_dh_shared(a, pb, len);
		struct secret *sb = crypto_dh_shared(b, pa, len);
		assert_non_null(sa);
		assert_non_null(sb);
		assert_int_equal(sa->len, len);
		assert_memory_equal(sa->p, sb->p, len);
		secret_free(sa);
		secret_free(sb);
		/* 0, 1, all-ones (>= p) and a short value are rejected. */
		memset(bad, 0, len);
		assert_null(crypto_dh_shared(a, bad, len));
		bad[len - 1] = 1;
		assert_null(crypto_dh_shared(a, bad, len));
		memset(bad, 0xff, len);
		assert_null(crypto_dh_shared(a, bad, len));
		assert_null(crypto_dh_shared(a, pb, len - 1));
		crypto_dh_free(a);
		crypto_dh_free(b);
	}
}

static void test_unsupported(void **state)
{
	(void)state;
	assert_false(crypto_dh_supported(1));
	assert_false(crypto_dh_supported(5));
	assert_null(crypto_dh_new(1));
	assert_int_equal(crypto_dh_public_len(17), 0);
	crypto_dh_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ecp_curve25519_kats),
		cmocka_unit_test(test_ecp_invalid_point),
		cmocka_unit_test(test_modp_small_exponents),
		cmocka_unit_test(test_modp_agreement_and_validation),
		cmocka_unit_test(test_unsupported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
