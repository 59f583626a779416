/*
 * IKE message codec: round trips and a table of malformed inputs with the
 * disposition each must produce (RFC 7296 2.5, 3.1-3.3, 3.10, 3.14).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ike/ike_priv.h"

static struct ike_msg msg; /* big: keep it off the stack */

/* A valid IKE_SA_INIT request: HDR, SA, KE, Ni, N(NAT_D_S). */
static size_t build_init(uint8_t *out, size_t cap)
{
	static struct ike_enc e;
	static const struct ike_ike_proposal p[2] = {
		{ 20, 256, 0, 5, 19 },
		{ 12, 128, 12, 5, 14 },
	};
	uint8_t ke[64] = { 1 }, nonce[32] = { 2 }, nat[20] = { 3 };
	struct ike_hdr h = { .spi_i = { 1, 2, 3, 4, 5, 6, 7, 8 },
			     .version = IKE_VERSION,
			     .exchange = IKE_X_IKE_SA_INIT,
			     .flags = IKE_FLAG_INITIATOR };
	size_t len;
	ike_enc_init(&e);
	ike_sa_payload_encode_ike(&e, p, 2, NULL, 0);
	ike_enc_ke(&e, 19, ke, sizeof(ke));
	ike_enc_nonce(&e, nonce, sizeof(nonce));
	ike_enc_notify(&e, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, nat, 20);
	assert_true(ike_msg_assemble(&h, &e, out, cap, &len));
	return len;
}

static void test_round_trip(void **state)
{
	(void)state;
	uint8_t buf[1024];
	size_t len = build_init(buf, sizeof(buf));
	struct ike_disp d = ike_msg_decode(&msg, buf, len);
	assert_int_equal(d.kind, IKE_D_OK);
	assert_int_equal(msg.n, 4);
	assert_int_equal(msg.pl[0].type, IKE_P_SA);
	assert_int_equal(msg.pl[1].type, IKE_P_KE);
	assert_int_equal(msg.pl[2].type, IKE_P_NONCE);
	assert_int_equal(msg.pl[3].type, IKE_P_N);
	assert_int_equal(ike_msg_check_rules(&msg).kind, IKE_D_OK);
	struct ike_notify n;
	assert_non_null(ike_msg_find_notify(&msg, IKE_N_NAT_DETECTION_SOURCE_IP, &n));
	assert_int_equal(rd_left(&n.data), 20);
	/* SA payload: two proposals (AEAD, non-AEAD), choice by suite. */
	struct ike_prop props[4];
	size_t np;
	assert_true(ike_sa_payload_decode(&msg.pl[0], props, 4, &np));
	assert_int_equal(np, 2);
	assert_int_equal(props[0].num, 1);
	assert_int_equal(props[1].num, 2);
	struct ike_ike_proposal want = { 12, 128, 12, 5, 14 };
	struct ike_suite s;
	assert_int_equal(ike_choose_ike(props, np, &want, 1, &s), 1);
	assert_int_equal(s.encr, 12);
	assert_int_equal(s.encr_bits, 128);
	assert_int_equal(s.dh, 14);
	/* Key length is part of the match. */
	want.encr_bits = 256;
	assert_int_equal(ike_choose_ike(props, np, &want, 1, &s), -1);
	/* The answer encoder yields exactly one transform per type. */
	static struct ike_enc e;
	ike_enc_init(&e);
	struct ike_suite chosen = { 20, 256, 0, 5, 19, 0 };
	ike_sa_payload_encode_chosen(&e, 1, IKE_PROTO_IKE, NULL, 0, &chosen,
				     false);
	struct ike_payload p = { .type = IKE_P_SA };
	rd_init(&p.body, e.buf + 4, wr_len(&e.w) - 4);
	assert_true(ike_sa_payload_decode(&p, props, 4, &np));
	assert_int_equal(np, 1);
	struct ike_ike_proposal ours = { 20, 256, 0, 5, 19 };
	assert_true(ike_accept_ike(&props[0], &ours, 1, &s));
}

static void test_esp_proposals(void **state)
{
	(void)state;
	static struct ike_enc e;
	struct ike_esp_proposal esp[3] = {
		{ 20, 256, 0, 19, 0 },
		{ 12, 128, 2, 14, 1 },
		{ 12, 256, 12, 0, 0 },
	};
	struct ike_prop props[4];
	struct ike_suite s;
	size_t np;
	ike_enc_init(&e);
	ike_sa_payload_encode_esp(&e, esp, 3, 0x11223344, true);
	struct ike_payload p = { .type = IKE_P_SA };
	rd_init(&p.body, e.buf + 4, wr_len(&e.w) - 4);
	assert_true(ike_sa_payload_decode(&p, props, 4, &np));
	assert_int_equal(np, 2);
	assert_int_equal(props[0].spi_size, 4);
	assert_int_equal(props[0].spi[0], 0x11);
	/* PFS negotiated: the group must be there. */
	struct ike_esp_proposal want = { 12, 128, 2, 14, 1 };
	assert_int_equal(ike_choose_esp(props, np, &want, 1, true, &s), 1);
	assert_int_equal(s.dh, 14);
	assert_int_equal(s.esn, 1);
	want.pfs_dh = 21;
	assert_int_equal(ike_choose_esp(props, np, &want, 1, true, &s), -1);
	/* In IKE_AUTH, DH transforms are ignored. */
	assert_int_equal(ike_choose_esp(props, np, &want, 1, false, &s), 1);
	assert_int_equal(s.dh, 0);
	/* ESN must match. */
	want.esn = 0;
	want.encr_bits = 256;
	want.integ = 12;
	assert_int_equal(ike_choose_esp(props, np, &want, 1, false, &s), 1);
}

enum mut {
	M_NONE,
	M_TRUNC_HDR,
	M_LEN_LONGER,
	M_LEN_SHORTER,
	M_VERSION,
	M_EXCHANGE,
	M_PLEN_SMALL,
	M_PLEN_BEYOND,
	M_UNKNOWN_CRIT,
	M_UNKNOWN_NONCRIT,
	M_TRAILING,
	M_SK_NOT_LAST,
	M_TWO_SA,
	M_NO_KE,
	M_AUTH_OUTSIDE_SK,
	M_BAD_PROPOSAL,
};

struct mal_case {
	const char *name;
	enum mut m;
	enum ike_disp_kind decode;   /* from ike_msg_decode */
	enum ike_disp_kind rules;    /* from ike_msg_check_rules, if decoded */
	uint16_t notify;
};

static const struct mal_case mal[] = {
	{ "valid", M_NONE, IKE_D_OK, IKE_D_OK, 0 },
	{ "truncated header", M_TRUNC_HDR, IKE_D_DROP, 0, 0 },
	{ "length field longer than datagram", M_LEN_LONGER, IKE_D_DROP, 0, 0 },
	{ "length field shorter than datagram", M_LEN_SHORTER, IKE_D_DROP, 0, 0 },
	{ "major version 1", M_VERSION, IKE_D_DROP, 0, 0 },
	{ "unknown exchange", M_EXCHANGE, IKE_D_DROP, 0, 0 },
	{ "payload length < 4", M_PLEN_SMALL, IKE_D_NOTIFY, 0, IKE_N_INVALID_SYNTAX },
	{ "payload length past end", M_PLEN_BEYOND, IKE_D_NOTIFY, 0, IKE_N_INVALID_SYNTAX },
	{ "unknown critical payload", M_UNKNOWN_CRIT, IKE_D_NOTIFY, 0,
	  IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD },
	{ "unknown non-critical payload", M_UNKNOWN_NONCRIT, IKE_D_OK, IKE_D_OK, 0 },
	{ "trailing bytes", M_TRAILING, IKE_D_NOTIFY, 0, IKE_N_INVALID_SYNTAX },
	{ "SK not last", M_SK_NOT_LAST, IKE_D_NOTIFY, 0, IKE_N_INVALID_SYNTAX },
	{ "two SA payloads", M_TWO_SA, IKE_D_OK, IKE_D_NOTIFY, IKE_N_INVALID_SYNTAX },
	{ "no KE payload", M_NO_KE, IKE_D_OK, IKE_D_NOTIFY, IKE_N_INVALID_SYNTAX },
	{ "IKE_AUTH payload outside SK", M_AUTH_OUTSIDE_SK, IKE_D_OK, IKE_D_NOTIFY,
	  IKE_N_INVALID_SYNTAX },
	{ "bad proposal inside SA", M_BAD_PROPOSAL, IKE_D_OK, IKE_D_OK, 0 },
};

/* Writes a message: HDR + chain of (type, flags, body) with a mutation. */
static size_t build_mutated(enum mut m, uint8_t *out, size_t cap)
{
	static struct ike_enc e;
	uint8_t body[40] = { 0 };
	struct ike_hdr h = { .spi_i = { 9, 9, 9, 9, 9, 9, 9, 9 },
			     .version = IKE_VERSION,
			     .exchange = IKE_X_IKE_SA_INIT,
			     .flags = IKE_FLAG_INITIATOR };
	static const struct ike_ike_proposal p = { 20, 128, 0, 5, 19 };
	size_t len;

	if (m == M_AUTH_OUTSIDE_SK)
		h.exchange = IKE_X_IKE_AUTH;
	ike_enc_init(&e);
	ike_sa_payload_encode_ike(&e, &p, 1, NULL, 0);
	if (m == M_TWO_SA)
		ike_sa_payload_encode_ike(&e, &p, 1, NULL, 0);
	if (m != M_NO_KE)
		ike_enc_ke(&e, 19, body, 32);
	if (m == M_UNKNOWN_CRIT || m == M_UNKNOWN_NONCRIT) {
		size_t s = ike_enc_begin(&e, 200);
		wr_bytes(&e.w, body, 8);
		ike_enc_end(&e, s);
		if (m == M_UNKNOWN_CRIT)
			e.buf[s + 1] = IKE_PAYLOAD_CRITICAL;
	}
	if (m == M_SK_NOT_LAST) {
		size_t s = ike_enc_begin(&e, IKE_P_SK);
		wr_bytes(&e.w, body, 20);
		ike_enc_end(&e, s);
	}
	size_t nonce_at = wr_len(&e.w);
	ike_enc_nonce(&e, body, 16);
	assert_true(ike_msg_assemble(&h, &e, out, cap, &len));
	size_t n_off = IKE_HDR_LEN + nonce_at; /* the nonce payload header */
	switch (m) {
	case M_TRUNC_HDR:
		return 27;
	case M_LEN_LONGER:
		out[27] += 1;
		break;
	case M_LEN_SHORTER:
		out[27] -= 1;
		break;
	case M_VERSION:
		out[17] = 0x10;
		break;
	case M_EXCHANGE:
		out[18] = 99;
		break;
	case M_PLEN_SMALL:
		out[n_off + 2] = 0;
		out[n_off + 3] = 3;
		break;
	case M_PLEN_BEYOND:
		out[n_off + 3] += 4;
		break;
	case M_TRAILING:
		out[len] = 0xab;
		len++;
		out[24] = (uint8_t)(len >> 24);
		out[25] = (uint8_t)(len >> 16);
		out[26] = (uint8_t)(len >> 8);
		out[27] = (uint8_t)len;
		break;
	case M_BAD_PROPOSAL:
		/* Proposal "last" field 1 is invalid: SA decode must fail. */
		out[IKE_HDR_LEN + 4] = 1;
		break;
	default:
		break;
	}
	return len;
}

static void test_malformed_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mal) / sizeof(mal[0]); i++) {
		uint8_t buf[1024];
		size_t len = build_mutated(mal[i].m, buf, sizeof(buf));
		struct ike_disp d = ike_msg_decode(&msg, buf, len);
		print_message("%-36s decode=%d notify=%u\n", mal[i].name, d.kind,
			      d.notify);
		assert_int_equal(d.kind, mal[i].decode);
		if (d.kind == IKE_D_NOTIFY)
			assert_int_equal(d.notify, mal[i].notify);
		if (mal[i].m == M_UNKNOWN_CRIT) {
			assert_int_equal(d.data_len, 1);
			assert_int_equal(d.data[0], 200);
		}
		if (d.kind != IKE_D_OK)
			continue;
		struct ike_disp r = ike_msg_check_rules(&msg);
		assert_int_equal(r.kind, mal[i].rules);
		if (r.kind == IKE_D_NOTIFY)
			assert_int_equal(r.notify, mal[i].notify);
		if (mal[i].m == M_BAD_PROPOSAL) {
			struct ike_prop props[2];
			size_t np;
			assert_false(ike_sa_payload_decode(
				ike_msg_find(&msg, IKE_P_SA, 0), props, 2, &np));
		}
	}
}

/* Every prefix of a valid message decodes without crashing and fails. */
static void test_all_truncations(void **state)
{
	(void)state;
	uint8_t buf[1024];
	size_t len = build_init(buf, sizeof(buf));
	for (size_t l = 0; l < len; l++) {
		uint8_t *copy = malloc(l ? l : 1);
		memcpy(copy, buf, l);
		struct ike_disp d = ike_msg_decode(&msg, copy, l);
		assert_int_not_equal(d.kind, IKE_D_OK);
		free(copy);
	}
}

static void test_names(void **state)
{
	(void)state;
	assert_string_equal(ike_exchange_name(34), "IKE_SA_INIT");
	assert_string_equal(ike_payload_name(46), "SK");
	assert_string_equal(ike_notify_name(24), "AUTHENTICATION_FAILED");
	assert_string_equal(ike_notify_name(16388), "NAT_DETECTION_SOURCE_IP");
	assert_string_equal(ike_encr_name(20), "AES_GCM_16");
	assert_string_equal(ike_dh_name(31), "CURVE_25519");
	assert_string_equal(ike_prf_name(7), "PRF_HMAC_SHA2_512");
	assert_string_equal(ike_integ_name(12), "HMAC_SHA2_256_128");
	assert_string_equal(ike_transform_type_name(5), "ESN");
	assert_string_equal(ike_notify_name(60000), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_esp_proposals),
		cmocka_unit_test(test_malformed_table),
		cmocka_unit_test(test_all_truncations),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
