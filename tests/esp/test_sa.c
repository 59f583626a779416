/*
 * ESP SA tests: round trips for every suite (with and without ESN, IPv4 and
 * IPv6 inner packets), every drop reason counted exactly once, forged,
 * replayed and truncated packets, the RFC 4303 3.4.3 ordering (a forged
 * packet must not move the window), ESN across 2^32, counter exhaustion.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "crypto/cipher.h"
#include "esp/esp_priv.h"

#define SPI 0xc0ffee01u
#define BUF 2048

struct suite {
	uint16_t encr, bits, integ;
};

static const struct suite suites[] = {
	{ 20, 128, 0 },	 { 20, 256, 0 },  { 12, 128, 2 },  { 12, 256, 2 },
	{ 12, 128, 12 }, { 12, 256, 12 }, { 12, 256, 13 }, { 12, 256, 14 },
};

struct pair {
	struct secret *ek, *ik;
	struct esp_sa_params p;
	struct esp_sa *out, *in;
};

static void pair_init(struct pair *x, const struct suite *s, bool esn,
		      uint32_t window)
{
	uint8_t k[72];
	for (size_t i = 0; i < sizeof(k); i++)
		k[i] = (uint8_t)(i * 31 + s->integ);
	x->ek = secret_dup(k, crypto_encr_keymat_len(s->encr, s->bits));
	size_t ikl = crypto_integ_key_len(s->integ);
	x->ik = ikl ? secret_dup(k + 3, ikl) : NULL;
	x->p = (struct esp_sa_params){ .spi = SPI, .encr = s->encr,
				       .key_bits = s->bits, .integ = s->integ,
				       .esn = esn, .encr_key = x->ek,
				       .integ_key = x->ik,
				       .replay_window = window };
	x->out = esp_sa_new(&x->p, ESP_OUT);
	x->in = esp_sa_new(&x->p, ESP_IN);
	assert_non_null(x->out);
	assert_non_null(x->in);
}

static void pair_free(struct pair *x)
{
	esp_sa_free(x->out);
	esp_sa_free(x->in);
	secret_free(x->ek);
	secret_free(x->ik);
}

/* A syntactically plausible inner packet: version nibble + filler. */
static void make_inner(uint8_t *p, size_t len, int version)
{
	for (size_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7);
	p[0] = (uint8_t)(version == 4 ? 0x45 : 0x60);
}

static size_t seal(struct pair *x, uint8_t *buf, size_t inner_len,
		   int version)
{
	size_t head = esp_sa_head_len(x->out), len = 0;
	make_inner(buf + head, inner_len, version);
	assert_int_equal(esp_encap(x->out, buf, BUF, inner_len, &len,
				   (struct vtime){ 1 }),
			 ESP_DROP_OK);
	assert_int_equal(len, esp_sa_packet_len(x->out, inner_len));
	return len;
}

static enum esp_drop open_pkt(struct pair *x, uint8_t *buf, size_t len)
{
	size_t off, ilen;
	uint8_t nh;
	return esp_decap(x->in, buf, len, &off, &ilen, &nh,
			 (struct vtime){ 2 });
}

static void test_roundtrip(void **state)
{
	(void)state;
	static const size_t lens[] = { 20, 40, 41, 100, 1399, 1400, 1500 };
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		for (int esn = 0; esn < 2; esn++) {
			struct pair x;
			pair_init(&x, &suites[s], esn, 0);
			uint64_t bytes = 0;
			for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]);
			     i++) {
				int ver = lens[i] >= 40 && i % 2 ? 6 : 4;
				uint8_t buf[BUF], want[BUF];
				size_t len = seal(&x, buf, lens[i], ver);
				make_inner(want, lens[i], ver);
				size_t off, ilen;
				uint8_t nh;
				assert_int_equal(esp_decap(x.in, buf, len, &off,
							   &ilen, &nh,
							   (struct vtime){ 7 }),
						 ESP_DROP_OK);
				assert_int_equal(off, esp_sa_head_len(x.in));
				assert_int_equal(ilen, lens[i]);
				assert_int_equal(nh, ver == 4 ? 4 : 41);
				assert_memory_equal(buf + off, want, ilen);
				bytes += lens[i];
			}
			const struct esp_sa_stats *st = esp_sa_stats(x.in);
			assert_int_equal(st->packets, 7);
			assert_int_equal(st->bytes, bytes);
			assert_int_equal(st->last_ns, 7);
			assert_int_equal(esp_sa_stats(x.out)->packets, 7);
			pair_free(&x);
		}
	}
}

static uint64_t drops(const struct pair *x, enum esp_drop d)
{
	return esp_sa_stats(x->in)->drops[d];
}

/*
 * Builds an authenticated ESP packet with an arbitrary plaintext body (to
 * reach the checks behind the ICV), non-ESN, GCM or CBC.
 */
static size_t forge(struct pair *x, uint32_t seq, const uint8_t *body,
		    size_t body_len, uint8_t *buf)
{
	struct crypto_cipher *c = crypto_cipher_new(
		x->p.encr, x->p.key_bits, x->p.integ, CRYPTO_ENCRYPT,
		x->ek->p, x->ik ? x->ik->p : NULL);
	assert_non_null(c);
	size_t ivl = crypto_cipher_iv_len(c), icvl = crypto_cipher_icv_len(c);
	uint8_t hdr[8] = { SPI >> 24, (SPI >> 16) & 0xff, (SPI >> 8) & 0xff,
			   SPI & 0xff, (uint8_t)(seq >> 24),
			   (uint8_t)(seq >> 16), (uint8_t)(seq >> 8),
			   (uint8_t)seq };
	memcpy(buf, hdr, 8);
	memset(buf + 8, 0x42, ivl);
	memcpy(buf + 8 + ivl, body, body_len);
	assert_true(crypto_cipher_seal(c, hdr, 8, buf + 8, buf + 8 + ivl,
				       body_len, NULL, 0,
				       buf + 8 + ivl + body_len));
	crypto_cipher_free(c);
	return 8 + ivl + body_len + icvl;
}

struct trailer_case {
	const char *name;
	uint8_t tail[8]; /* last 8 bytes of a 48-byte body */
	enum esp_drop want;
};

static const struct trailer_case trailer_cases[] = {
	{ "good", { 0, 0, 0, 0, 1, 2, 2, 4 }, ESP_DROP_OK },
	{ "bad pad byte", { 0, 0, 0, 0, 1, 3, 2, 4 }, ESP_DROP_PAD },
	{ "pad too long", { 0, 0, 0, 0, 0, 0, 200, 4 }, ESP_DROP_PAD },
	{ "next header 17", { 0, 0, 0, 0, 0, 0, 0, 17 }, ESP_DROP_NEXT_HDR },
	{ "dummy 59", { 0, 0, 0, 0, 0, 0, 0, 59 }, ESP_DROP_DUMMY },
	{ "v4 packet, next header 41", { 0, 0, 0, 0, 0, 0, 0, 41 }, ESP_DROP_INNER },
};

static void test_trailer_checks(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s += 3) {
		struct pair x;
		pair_init(&x, &suites[s], false, 0);
		for (size_t i = 0; i < sizeof(trailer_cases) /
					       sizeof(trailer_cases[0]);
		     i++) {
			const struct trailer_case *t = &trailer_cases[i];
			uint8_t body[48], buf[BUF];
			make_inner(body, 40, 4);
			memcpy(body + 40, t->tail, 8);
			uint64_t before = drops(&x, t->want);
			size_t len = forge(&x, (uint32_t)(i + 1), body, 48, buf);
			assert_int_equal(open_pkt(&x, buf, len), t->want);
			if (t->want != ESP_DROP_OK)
				assert_int_equal(drops(&x, t->want), before + 1);
			/* Authenticated, so the window moved anyway. */
			len = forge(&x, (uint32_t)(i + 1), body, 48, buf);
			assert_int_equal(open_pkt(&x, buf, len),
					 ESP_DROP_REPLAY);
		}
		pair_free(&x);
	}
}

static void test_forged_replayed_truncated(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		struct pair x;
		pair_init(&x, &suites[s], false, 64);
		uint8_t buf[BUF], copy[BUF];
		size_t len = seal(&x, buf, 100, 4);
		memcpy(copy, buf, len);
		/* Forged: every byte after the SPI, one at a time. */
		for (size_t i = 4; i < len; i++) {
			memcpy(buf, copy, len);
			buf[i] ^= 0x20;
			enum esp_drop d = open_pkt(&x, buf, len);
			assert_true(d == ESP_DROP_ICV ||
				    d == ESP_DROP_TOO_OLD ||
				    d == ESP_DROP_SHORT);
		}
		assert_true(drops(&x, ESP_DROP_ICV) >= len - 8 - 4);
		/* The forgeries did not move the window: the real one passes. */
		memcpy(buf, copy, len);
		assert_int_equal(open_pkt(&x, buf, len), ESP_DROP_OK);
		memcpy(buf, copy, len);
		assert_int_equal(open_pkt(&x, buf, len), ESP_DROP_REPLAY);
		assert_int_equal(drops(&x, ESP_DROP_REPLAY), 1);
		/* Truncated: every shorter length. */
		uint64_t icv = drops(&x, ESP_DROP_ICV);
		for (size_t l = 0; l < len; l++) {
			memcpy(buf, copy, len);
			enum esp_drop d = open_pkt(&x, buf, l);
			assert_true(d == ESP_DROP_SHORT || d == ESP_DROP_ICV ||
				    d == ESP_DROP_REPLAY);
		}
		assert_true(drops(&x, ESP_DROP_SHORT) > 0);
		(void)icv;
		/* Unknown SPI. */
		memcpy(buf, copy, len);
		buf[0] ^= 1;
		assert_int_equal(open_pkt(&x, buf, len), ESP_DROP_UNKNOWN_SPI);
		/* Too old: 100 newer packets push seq 1 out of a 64 window. */
		for (int i = 0; i < 100; i++) {
			size_t l2 = seal(&x, buf, 60, 4);
			assert_int_equal(open_pkt(&x, buf, l2), ESP_DROP_OK);
		}
		memcpy(buf, copy, len);
		assert_int_equal(open_pkt(&x, buf, len), ESP_DROP_TOO_OLD);
		assert_int_equal(drops(&x, ESP_DROP_TOO_OLD), 1);
		pair_free(&x);
	}
}

static void test_outbound_drops(void **state)
{
	(void)state;
	struct pair x;
	pair_init(&x, &suites[1], false, 0);
	uint8_t buf[BUF];
	size_t len, head = esp_sa_head_len(x.out);
	/* Not IP. */
	memset(buf, 0, sizeof(buf));
	assert_int_equal(esp_encap(x.out, buf, BUF, 60, &len,
				   (struct vtime){ 0 }),
			 ESP_DROP_INNER);
	/* No room. */
	make_inner(buf + head, 100, 4);
	assert_int_equal(esp_encap(x.out, buf, head + 100 + 10, 100, &len,
				   (struct vtime){ 0 }),
			 ESP_DROP_NO_ROOM);
	assert_int_equal(esp_encap(x.out, buf, 3, 100, &len,
				   (struct vtime){ 0 }),
			 ESP_DROP_NO_ROOM);
	/* Counter exhaustion: last usable number is 2^32 - 1. */
	x.out->seq = UINT32_MAX - 1;
	assert_true(esp_sa_rekey_needed(x.out));
	seal(&x, buf, 100, 4);
	make_inner(buf + head, 100, 4);
	assert_int_equal(esp_encap(x.out, buf, BUF, 100, &len,
				   (struct vtime){ 0 }),
			 ESP_DROP_SEQ_OVERFLOW);
	const struct esp_sa_stats *st = esp_sa_stats(x.out);
	assert_int_equal(st->drops[ESP_DROP_INNER], 1);
	assert_int_equal(st->drops[ESP_DROP_NO_ROOM], 2);
	assert_int_equal(st->drops[ESP_DROP_SEQ_OVERFLOW], 1);
	pair_free(&x);
}

static void test_esn_wrap(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		struct pair x, plain;
		pair_init(&x, &suites[s], true, 128);
		pair_init(&plain, &suites[s], false, 128);
		esp_sa_free(plain.in);
		plain.in = esp_sa_new(&plain.p, ESP_IN);
		x.out->seq = UINT32_MAX - 2;
		/* The receiver has seen the numbers just below the wrap. */
		esp_replay_update(&x.in->replay, UINT32_MAX - 3);
		uint8_t buf[BUF];
		for (int i = 0; i < 6; i++) {
			size_t len = seal(&x, buf, 80, 4);
			assert_int_equal(open_pkt(&x, buf, len), ESP_DROP_OK);
		}
		assert_int_equal(x.in->replay.top, (uint64_t)UINT32_MAX + 4);
		assert_false(esp_sa_rekey_needed(x.out));
		/* The high half is authenticated: a non-ESN peer fails. */
		size_t len = seal(&x, buf, 80, 4);
		plain.in->replay.top = 0;
		assert_int_equal(open_pkt(&plain, buf, len), ESP_DROP_ICV);
		/* A pre-wrap replay is still recognised after the wrap. */
		x.out->seq = UINT32_MAX - 1;
		len = seal(&x, buf, 80, 4);
		assert_int_equal(open_pkt(&x, buf, len), ESP_DROP_REPLAY);
		pair_free(&x);
		pair_free(&plain);
	}
}

/*
 * Split phases with two lanes, as the dataplane's crypto workers use them:
 * a batch is framed and checked in order, sealed/opened on alternating
 * lanes, finished in order; a duplicate inside one batch passes the check
 * twice but only the first finishes.
 */
static void test_lanes(void **state)
{
	(void)state;
	for (size_t s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
		struct pair x;
		pair_init(&x, &suites[s], s % 2, 0);
		esp_sa_free(x.out);
		esp_sa_free(x.in);
		x.out = esp_sa_new_lanes(&x.p, ESP_OUT, 2);
		x.in = esp_sa_new_lanes(&x.p, ESP_IN, 2);
		assert_non_null(x.out);
		assert_non_null(x.in);
		assert_null(esp_sa_new_lanes(&x.p, ESP_IN, 0));
		assert_null(esp_sa_new_lanes(&x.p, ESP_IN, ESP_MAX_LANES + 1));
		enum { N = 6 };
		static uint8_t buf[N + 1][BUF];
		size_t len[N + 1];
		uint64_t seq[N + 1];
		size_t head = esp_sa_head_len(x.out);
		for (int i = 0; i < N; i++) {
			make_inner(buf[i] + head, 100 + (size_t)i, 4);
			assert_int_equal(esp_encap_frame(x.out, buf[i], BUF,
							 100 + (size_t)i, &len[i],
							 &seq[i], (struct vtime){ 3 }),
					 ESP_DROP_OK);
			assert_int_equal(seq[i], (uint64_t)i + 1);
		}
		for (int i = N - 1; i >= 0; i--) /* any order, any lane */
			assert_true(esp_encap_seal(x.out, (unsigned)i % 2, buf[i],
						   len[i], seq[i]));
		assert_false(esp_encap_seal(x.out, 2, buf[0], len[0], seq[0]));
		memcpy(buf[N], buf[2], len[2]); /* duplicate in the batch */
		len[N] = len[2];
		uint64_t rs[N + 1];
		for (int i = 0; i <= N; i++)
			assert_int_equal(esp_decap_check(x.in, buf[i], len[i], &rs[i]),
					 ESP_DROP_OK);
		bool ok[N + 1];
		for (int i = N; i >= 0; i--)
			ok[i] = esp_decap_open(x.in, (unsigned)i % 2, buf[i], len[i],
					       rs[i]);
		for (int i = 0; i <= N; i++) {
			size_t off, ilen;
			uint8_t nh;
			enum esp_drop d = esp_decap_finish(x.in, ok[i], buf[i], len[i],
							   rs[i], &off, &ilen, &nh,
							   (struct vtime){ 4 });
			assert_int_equal(d, i < N ? ESP_DROP_OK : ESP_DROP_REPLAY);
			if (i < N)
				assert_int_equal(ilen, 100 + (size_t)i);
		}
		/* A failed open is counted as an ICV failure at finish. */
		size_t off, ilen;
		uint8_t nh;
		assert_int_equal(esp_decap_finish(x.in, false, buf[0], len[0], 99,
						  &off, &ilen, &nh, (struct vtime){ 5 }),
				 ESP_DROP_ICV);
		assert_int_equal(drops(&x, ESP_DROP_ICV), 1);
		assert_int_equal(esp_sa_stats(x.in)->packets, N);
		pair_free(&x);
	}
}

static void test_params(void **state)
{
	(void)state;
	struct pair x;
	pair_init(&x, &suites[0], false, 0);
	struct esp_sa_params p = x.p;
	p.replay_window = 32;
	assert_null(esp_sa_new(&p, ESP_IN));
	p = x.p;
	p.key_bits = 256; /* key material is 20 bytes: wrong length */
	assert_null(esp_sa_new(&p, ESP_IN));
	p = x.p;
	p.integ = 12; /* GCM with integrity */
	assert_null(esp_sa_new(&p, ESP_IN));
	assert_null(esp_sa_new(NULL, ESP_IN));
	esp_sa_free(NULL);
	assert_int_equal(esp_sa_spi(x.in), SPI);
	assert_int_equal(esp_sa_dir(x.in), ESP_IN);
	/* GCM-128: 8 hdr + 8 iv + 16 icv, 4-byte alignment. */
	assert_int_equal(esp_sa_head_len(x.out), 16);
	assert_int_equal(esp_sa_packet_len(x.out, 1400), 16 + 1404 + 16);
	assert_int_equal(esp_sa_inner_mtu(x.out, 1436), 1402);
	assert_int_equal(esp_sa_inner_mtu(x.out, 1435), 1398);
	assert_int_equal(esp_sa_seq_out(x.out), 1);
	uint32_t spi;
	uint8_t hdr[8] = { 1, 2, 3, 4, 0, 0, 0, 1 };
	assert_true(esp_peek_spi(hdr, 8, &spi));
	assert_int_equal(spi, 0x01020304);
	assert_false(esp_peek_spi(hdr, 7, &spi));
	for (int d = 0; d < ESP_DROP_MAX; d++)
		assert_string_not_equal(esp_drop_name(d), "?");
	assert_string_equal(esp_drop_name(ESP_DROP_MAX), "?");
	pair_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_trailer_checks),
		cmocka_unit_test(test_forged_replayed_truncated),
		cmocka_unit_test(test_outbound_drops),
		cmocka_unit_test(test_esn_wrap),
		cmocka_unit_test(test_lanes),
		cmocka_unit_test(test_params),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
