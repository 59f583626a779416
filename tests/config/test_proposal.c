/*
 * Proposal strings: a table of (kind, input, expected canonical text or
 * NULL for "must fail", expected transform IDs) rows, plus profile checks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "config/proposal.h"

struct row {
	enum proposal_kind kind;
	const char *in;
	const char *canon; /* NULL: parse must fail */
	const char *err;   /* substring of the error when failing */
	uint16_t encr, keylen, integ, prf, dh; /* first of each, 0 = none */
};

static const struct row rows[] = {
	{ PROPOSAL_IKE, "aes256-sha256-modp2048",
	  "aes256-sha256-prfsha256-modp2048", NULL, 12, 256, 12, 5, 14 },
	{ PROPOSAL_IKE, "aes256gcm16-prfsha384-ecp384",
	  "aes256gcm16-prfsha384-ecp384", NULL, 20, 256, 0, 6, 20 },
	{ PROPOSAL_IKE, "aes128-sha1-modp1024",
	  "aes128-sha1-prfsha1-modp1024", NULL, 12, 128, 2, 2, 2 },
	{ PROPOSAL_IKE, "aes256gcm-sha384-ecp384",
	  "aes256gcm16-prfsha384-ecp384", NULL, 20, 256, 0, 6, 20 },
	{ PROPOSAL_IKE, "modp2048-sha512-aes192",
	  "aes192-sha512-prfsha512-modp2048", NULL, 12, 192, 14, 7, 14 },
	{ PROPOSAL_IKE, "aes128-sha256-prfsha1-x25519",
	  "aes128-sha256-prfsha1-curve25519", NULL, 12, 128, 12, 2, 31 },
	{ PROPOSAL_IKE, "aes256-aes128-sha256-sha1-ecp256-modp2048s256",
	  "aes256-aes128-sha256-sha1-prfsha256-prfsha1-ecp256-modp2048s256",
	  NULL, 12, 256, 12, 5, 19 },
	{ PROPOSAL_IKE, "aes128-sha256-sha256-ecp521",
	  "aes128-sha256-prfsha256-ecp521", NULL, 12, 128, 12, 5, 21 },
	{ PROPOSAL_ESP, "aes256gcm16-modp2048", "aes256gcm16-modp2048", NULL,
	  20, 256, 0, 0, 14 },
	{ PROPOSAL_ESP, "aes256-sha1", "aes256-sha1", NULL, 12, 256, 2, 0, 0 },
	{ PROPOSAL_ESP, "aes128gcm16", "aes128gcm16", NULL, 20, 128, 0, 0, 0 },
	{ PROPOSAL_ESP, "aes256-sha384-modp3072-esn",
	  "aes256-sha384-modp3072-esn", NULL, 12, 256, 13, 0, 15 },
	{ PROPOSAL_ESP, "aes256-sha256-noesn-esn",
	  "aes256-sha256-noesn-esn", NULL, 12, 256, 12, 0, 0 },
	{ PROPOSAL_ESP, "aes256-sha256-noesn", "aes256-sha256", NULL, 12, 256,
	  12, 0, 0 },
	{ PROPOSAL_ESP, "aes128-sha2_256-modp4096", "aes128-sha256-modp4096",
	  NULL, 12, 128, 12, 0, 16 },
	/* failures */
	{ PROPOSAL_IKE, "", NULL, "empty", 0, 0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256-sha256", NULL, "no DH group", 0, 0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256gcm16-ecp384", NULL, "no PRF", 0, 0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256-prfsha256-modp2048", NULL, "no integrity", 0,
	  0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256-sha256-modp768", NULL, "unknown algorithm "
	  "'modp768'", 0, 0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256--sha256-modp2048", NULL, "empty algorithm", 0,
	  0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256-sha256-modp2048-", NULL, "empty algorithm", 0,
	  0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256-aes256gcm16-sha256-modp2048", NULL,
	  "AEAD and non-AEAD", 0, 0, 0, 0, 0 },
	{ PROPOSAL_IKE, "aes256-sha256-modp2048-esn", NULL, "ESN only", 0, 0,
	  0, 0, 0 },
	{ PROPOSAL_ESP, "aes256-sha256-prfsha256", NULL, "PRF only", 0, 0, 0,
	  0, 0 },
	{ PROPOSAL_ESP, "aes256gcm16-sha256", NULL, "takes no integrity", 0,
	  0, 0, 0, 0 },
	{ PROPOSAL_ESP, "aes256", NULL, "no integrity", 0, 0, 0, 0, 0 },
	{ PROPOSAL_ESP, "sha256-modp2048", NULL, "no encryption", 0, 0, 0, 0,
	  0 },
	{ PROPOSAL_ESP, "AES256-SHA256", NULL, "unknown algorithm", 0, 0, 0, 0,
	  0 },
	{ PROPOSAL_IKE, "aes128-aes192-aes256-aes128gcm16", NULL, "AEAD", 0,
	  0, 0, 0, 0 },
	{ PROPOSAL_IKE,
	  "modp1024-modp2048-modp3072-modp4096-ecp256-ecp384-ecp521-"
	  "modp2048s256-curve25519-x25519-aes128-sha1", "aes128-sha1-prfsha1-"
	  "modp1024-modp2048-modp3072-modp4096-ecp256-ecp384-ecp521-"
	  "modp2048s256-curve25519", NULL, 12, 128, 2, 2, 2 },
};

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct row *r = &rows[i];
		struct proposal p;
		char err[128] = "";
		bool ok = proposal_parse(r->in, r->kind, &p, err, sizeof(err));
		print_message("row %zu: %s\n", i, r->in);
		if (r->canon == NULL) {
			assert_false(ok);
			assert_non_null(strstr(err, r->err));
			continue;
		}
		assert_true(ok);
		char buf[PROPOSAL_STRLEN];
		size_t need = proposal_fmt(&p, buf, sizeof(buf));
		assert_int_equal(need, strlen(r->canon));
		assert_string_equal(buf, r->canon);
		assert_int_equal(p.encr[0].id, r->encr);
		assert_int_equal(p.encr[0].keylen, r->keylen);
		assert_int_equal(p.n_integ ? p.integ[0] : 0, r->integ);
		assert_int_equal(p.n_prf ? p.prf[0] : 0, r->prf);
		assert_int_equal(p.n_dh ? p.dh[0] : 0, r->dh);
		/* canonical text parses back to the same proposal */
		struct proposal q;
		assert_true(proposal_parse(buf, r->kind, &q, NULL, 0));
		assert_true(proposal_eq(&p, &q));
	}
}

static void test_fmt_truncates(void **state)
{
	(void)state;
	struct proposal p;
	assert_true(proposal_parse("aes256-sha256-modp2048", PROPOSAL_IKE, &p,
				   NULL, 0));
	char small[8];
	size_t need = proposal_fmt(&p, small, sizeof(small));
	assert_int_equal(need, strlen("aes256-sha256-prfsha256-modp2048"));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_int_equal(proposal_fmt(&p, NULL, 0), need);
}

static void test_profiles(void **state)
{
	(void)state;
	struct proposal v[16];
	assert_int_equal(proposal_profile("aws-default", PROPOSAL_IKE, v, 16),
			 2);
	assert_false(proposal_is_aead(&v[0]));
	assert_true(proposal_is_aead(&v[1]));
	assert_int_equal(v[0].n_dh, 8);
	assert_int_equal(proposal_profile("aws-default", PROPOSAL_ESP, v, 16),
			 2);
	assert_int_equal(v[1].n_dh, 8); /* AWS phase 2 always has PFS */
	assert_int_equal(proposal_profile("azure-default", PROPOSAL_IKE, v,
					  16), 4);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(v[i].n_dh, 1);
		assert_int_equal(v[i].dh[0], PROPOSAL_DH_MODP1024);
	}
	assert_int_equal(proposal_profile("azure-default", PROPOSAL_ESP, v,
					  16), 6);
	assert_true(proposal_is_aead(&v[0]));
	assert_int_equal(v[0].n_dh, 0); /* Azure initiator: no PFS */
	assert_int_equal(proposal_profile("nope", PROPOSAL_ESP, v, 16), 0);
	assert_true(proposal_profile_exists("azure-default"));
	assert_false(proposal_profile_exists("azure-custom"));
	assert_string_equal(proposal_dh_name(19), "ecp256");
	assert_string_equal(proposal_dh_name(99), "unknown");
	assert_string_equal(proposal_integ_name(13), "sha384");
	assert_string_equal(proposal_prf_name(7), "prfsha512");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_fmt_truncates),
		cmocka_unit_test(test_profiles),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
