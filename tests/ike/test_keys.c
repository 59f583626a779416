/*
 * Key derivation known answers (RFC 7296 2.13-2.18, RFC 5282 salt).
 *
 * No published IKEv2 vectors exist for these exact inputs; the expected
 * values were computed with an independent implementation (Python's hmac
 * module, prf+ written from the RFC text), and SKEYSEED of the CBC case was
 * cross-checked with `openssl mac -digest SHA256 -macopt hexkey:... HMAC`.
 * The prf+ building block itself has KATs in tests/crypto/test_prf.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ike/ike_priv.h"

static void unhex(const char *h, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(h), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(h + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_secret(const struct secret *s, const char *hex)
{
	uint8_t want[128];
	assert_non_null(s);
	assert_int_equal(s->len, strlen(hex) / 2);
	unhex(hex, want, s->len);
	assert_memory_equal(s->p, want, s->len);
}

static uint8_t ni[32], nr[32], gir_b[64];
static const uint8_t spi_i[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
static const uint8_t spi_r[8] = { 0x11, 0x12, 0x13, 0x14,
				  0x15, 0x16, 0x17, 0x18 };

static int setup(void **state)
{
	(void)state;
	for (int i = 0; i < 32; i++) {
		ni[i] = (uint8_t)i;
		nr[i] = (uint8_t)(32 + i);
	}
	for (int i = 0; i < 64; i++)
		gir_b[i] = (uint8_t)(i * 3);
	return 0;
}

static void derive_cbc(struct ike_keys *k)
{
	struct secret *gir = secret_dup(gir_b, sizeof(gir_b));
	struct ike_suite s = { 12, 128, 12, 5, 19, 0 };
	assert_true(ike_keys_derive(&s, gir, ni, 32, nr, 32, spi_i, spi_r, 0,
				    NULL, k));
	secret_free(gir);
}

static void test_ike_sa_keys_cbc(void **state)
{
	(void)state;
	struct ike_keys k;
	derive_cbc(&k);
	assert_secret(k.sk_d, "89cafb55d1660407ed686fd227152aa1798f88f9154aef0cea932e9408ad7c3c");
	assert_secret(k.sk_ai, "79de17f8be1cfc90df8390308d1f8c1aa8609e983574a91ebb0707b7b6de069b");
	assert_secret(k.sk_ar, "036cf632fceaf4222aa1b2a2c535bf824c2ca5cb7b2fd8a164c8934e428ace5e");
	assert_secret(k.sk_ei, "24c0c18821c9c3a58a8234f803b0758c");
	assert_secret(k.sk_er, "0b632b1c0b312d4b179eccbca13a6f9d");
	assert_secret(k.sk_pi, "0c32b66badcb423c8d147d584c023d0f4e5a33814271563f3d7d117c6c924e78");
	assert_secret(k.sk_pr, "ec0a5920a83b9525bfa1a4ac1636cd5a22d7001226e19aeb4c8584370de3b317");
	ike_keys_free(&k);
}

static void test_ike_sa_keys_gcm(void **state)
{
	(void)state;
	struct ike_keys k;
	struct secret *gir = secret_dup(gir_b, sizeof(gir_b));
	struct ike_suite s = { 20, 256, 0, 6, 20, 0 };
	assert_true(ike_keys_derive(&s, gir, ni, 32, nr, 32, spi_i, spi_r, 0,
				    NULL, &k));
	secret_free(gir);
	assert_secret(k.sk_d, "5e8982bacfe6d6bc26e1c985bdfb97cd1ca1bb4a9a100907"
			      "ec4b29dc49549bab0b56bbcaac1d7c5b0f487e29bba6dff4");
	assert_int_equal(k.sk_ai->len, 0);
	/* 32-byte AES key followed by the 4-byte salt. */
	assert_secret(k.sk_ei, "1d89978e8ad112c196c808f1fa1cf15d378d984bb7a37cf3"
			       "d3cac8ca202d7b85ef7933dd");
	assert_secret(k.sk_er, "fe18bdccd3c95b21676281302a93c703317d5bdf25299641"
			       "1de51da71c525213174f8a4a");
	assert_secret(k.sk_pr, "9ab18f13d3a4a49f2143e530f59c35859e2cc7b18d99175b"
			       "7088cf541956b13c086fce6217eaa4c232362444d90ad86d");
	ike_keys_free(&k);
}

static void test_rekeyed_ike_sa(void **state)
{
	(void)state;
	struct ike_keys old, k;
	uint8_t ni2[16], nr2[24], g2[32];
	static const uint8_t si[8] = { 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28 };
	static const uint8_t sr[8] = { 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38 };
	memset(ni2, 0xa0, sizeof(ni2));
	memset(nr2, 0xb0, sizeof(nr2));
	memset(g2, 7, sizeof(g2));
	derive_cbc(&old);
	struct secret *gir = secret_dup(g2, sizeof(g2));
	struct ike_suite s = { 12, 128, 12, 5, 19, 0 };
	assert_true(ike_keys_derive(&s, gir, ni2, 16, nr2, 24, si, sr, 5,
				    old.sk_d, &k));
	assert_secret(k.sk_d, "02ecc00e3a84781be8ddadf1f2025212af172c2d7a5382eb5f52a59607010195");
	assert_secret(k.sk_pr, "7fec6bbcb8ffefcb28b243077b3f381f871af90df432e15fcd67f8c9b6e51be9");
	/* Child keys with PFS from the same inputs. */
	struct ike_child_keymat km;
	struct ike_suite cs = { 12, 128, 2, 0, 14, 0 };
	assert_true(ike_child_keys_derive(5, old.sk_d, &cs, gir, ni2, 16, nr2,
					  24, &km));
	assert_secret(km.encr_i, "f3ee47112a2a02667bdcbeaf7997b3f5");
	assert_secret(km.integ_i, "492eb8f467b43bac617f89f13b89e85c1c7797ce");
	assert_secret(km.encr_r, "b6be17a32c20f0102d66a15ce7bdd10c");
	assert_secret(km.integ_r, "454059bfcdb1f4f82aa0f794b872a3c6f71cb039");
	ike_child_keymat_free(&km);
	secret_free(gir);
	ike_keys_free(&old);
	ike_keys_free(&k);
}

static void test_child_keys(void **state)
{
	(void)state;
	struct ike_keys k;
	struct ike_child_keymat km;
	derive_cbc(&k);
	struct ike_suite cs = { 12, 128, 2, 0, 0, 0 };
	assert_true(ike_child_keys_derive(5, k.sk_d, &cs, NULL, ni, 32, nr, 32,
					  &km));
	assert_secret(km.encr_i, "c056b9bd3d3de1a4b10bb334f3e76ddc");
	assert_secret(km.integ_i, "e6e98dc17477d566ec399753888b55c58cadbf1f");
	assert_secret(km.encr_r, "91027e6aa68d1cf44140a70ada493d5c");
	assert_secret(km.integ_r, "65c2ac4b1e7caef08436122d16536355fbd844fa");
	ike_child_keymat_free(&km);
	ike_keys_free(&k);
}

static void test_psk_auth(void **state)
{
	(void)state;
	struct ike_keys k;
	uint8_t msg[100], out[64], want[32];
	static const uint8_t id[] = { 2, 0, 0, 0, 'l', 'e', 'f', 't', '.', 'e',
				      'x', 'a', 'm', 'p', 'l', 'e' };
	for (int i = 0; i < 100; i++)
		msg[i] = (uint8_t)(i * 7);
	derive_cbc(&k);
	struct secret *psk = secret_from_str("test-psk-0123");
	assert_true(ike_auth_psk(5, psk, msg, sizeof(msg), nr, 32, k.sk_pi, id,
				 sizeof(id), out));
	unhex("c791bd804fbfc5a12b5ec59c462a45b84988476763fb760bf7e13a048aa9dc2d",
	      want, 32);
	assert_memory_equal(out, want, 32);
	/* A different PSK gives a different AUTH. */
	secret_free(psk);
	psk = secret_from_str("test-psk-0124");
	assert_true(ike_auth_psk(5, psk, msg, sizeof(msg), nr, 32, k.sk_pi, id,
				 sizeof(id), out));
	assert_memory_not_equal(out, want, 32);
	secret_free(psk);
	ike_keys_free(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ike_sa_keys_cbc),
		cmocka_unit_test(test_ike_sa_keys_gcm),
		cmocka_unit_test(test_rekeyed_ike_sa),
		cmocka_unit_test(test_child_keys),
		cmocka_unit_test(test_psk_auth),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
