/*
 * ESP SA lifecycle and per-packet processing (RFC 4303 3.3 outbound,
 * 3.4 inbound; RFC 4106 for the GCM IV and AAD).
 */
#include <stdlib.h>
#include <string.h>

#include "base/cursor.h"
#include "crypto/secret.h"
#include "esp/esp_priv.h"

static const char *const drop_names[] = {
#define ESP_DROP_NAME(sym, name) name,
	ESP_DROP_LIST(ESP_DROP_NAME)
#undef ESP_DROP_NAME
};

const char *esp_drop_name(enum esp_drop d)
{
	return (unsigned)d < ESP_DROP_MAX ? drop_names[d] : "?";
}

/* Single writer per SA: a relaxed load + store is enough (no lock prefix). */
static void stat_add(_Atomic uint64_t *c, uint64_t n)
{
	atomic_store_explicit(c, atomic_load_explicit(c, memory_order_relaxed) + n,
			      memory_order_relaxed);
}

static bool keys_ok(const struct esp_sa_params *p)
{
	if (!crypto_cipher_supported(p->encr, p->key_bits, p->integ))
		return false;
	size_t ekl = crypto_encr_keymat_len(p->encr, p->key_bits);
	size_t ikl = crypto_integ_key_len(p->integ);
	if (p->encr_key == NULL || p->encr_key->len != ekl)
		return false;
	if (ikl == 0)
		return p->integ_key == NULL || p->integ_key->len == 0;
	return p->integ_key != NULL && p->integ_key->len == ikl;
}

struct esp_sa *esp_sa_new(const struct esp_sa_params *p, enum esp_dir dir)
{
	return esp_sa_new_lanes(p, dir, 1);
}

struct esp_sa *esp_sa_new_lanes(const struct esp_sa_params *p,
				enum esp_dir dir, unsigned lanes)
{
	if (p == NULL || !keys_ok(p) || lanes < 1 || lanes > ESP_MAX_LANES)
		return NULL;
	struct esp_sa *sa = calloc(1, sizeof(*sa));
	if (sa == NULL)
		return NULL;
	sa->spi = p->spi;
	sa->dir = dir;
	sa->esn = p->esn;
	sa->gcm = p->encr == CRYPTO_ENCR_AES_GCM_16;
	sa->seq_max = p->esn ? UINT64_MAX : UINT32_MAX;
	sa->iv_pool_off = ESP_IV_POOL;
	bool ok = esp_replay_init(&sa->replay, p->replay_window, p->esn);
	for (unsigned i = 0; ok && i < lanes; i++) {
		sa->cipher[i] = crypto_cipher_new(
			p->encr, p->key_bits, p->integ,
			dir == ESP_OUT ? CRYPTO_ENCRYPT : CRYPTO_DECRYPT,
			p->encr_key->p, p->integ_key ? p->integ_key->p : NULL);
		ok = sa->cipher[i] != NULL;
		sa->lanes = i + 1;
	}
	if (!ok) {
		esp_sa_free(sa);
		return NULL;
	}
	sa->iv_len = (uint8_t)crypto_cipher_iv_len(sa->cipher[0]);
	sa->icv_len = (uint8_t)crypto_cipher_icv_len(sa->cipher[0]);
	sa->block = (uint8_t)crypto_cipher_block_len(sa->cipher[0]);
	return sa;
}

void esp_sa_free(struct esp_sa *sa)
{
	if (sa == NULL)
		return;
	for (unsigned i = 0; i < sa->lanes; i++)
		crypto_cipher_free(sa->cipher[i]);
	secret_cleanse(sa->iv_pool, sizeof(sa->iv_pool));
	free(sa);
}

uint32_t esp_sa_spi(const struct esp_sa *sa)
{
	return sa->spi;
}

enum esp_dir esp_sa_dir(const struct esp_sa *sa)
{
	return sa->dir;
}

const struct esp_sa_stats *esp_sa_stats(const struct esp_sa *sa)
{
	return &sa->stats;
}

void esp_sa_count_drop(struct esp_sa *sa, enum esp_drop d)
{
	if (d > ESP_DROP_OK && d < ESP_DROP_MAX)
		stat_add(&sa->stats.drops[d], 1);
}

size_t esp_sa_head_len(const struct esp_sa *sa)
{
	return ESP_HDR_LEN + sa->iv_len;
}

size_t esp_sa_tail_max(const struct esp_sa *sa)
{
	return (size_t)sa->block - 1 + ESP_TRAILER_LEN + sa->icv_len;
}

/* RFC 4303 2.4: payload + padding + 2 is a multiple of the block size. */
static size_t padded_len(const struct esp_sa *sa, size_t inner_len)
{
	size_t b = sa->block;
	return (inner_len + ESP_TRAILER_LEN + b - 1) / b * b;
}

size_t esp_sa_packet_len(const struct esp_sa *sa, size_t inner_len)
{
	return esp_sa_head_len(sa) + padded_len(sa, inner_len) + sa->icv_len;
}

size_t esp_sa_inner_mtu(const struct esp_sa *sa, size_t outer_room)
{
	size_t fixed = esp_sa_head_len(sa) + sa->icv_len;
	if (outer_room < fixed + sa->block)
		return 0;
	size_t body = (outer_room - fixed) / sa->block * sa->block;
	return body - ESP_TRAILER_LEN;
}

uint64_t esp_sa_seq_out(const struct esp_sa *sa)
{
	return sa->seq + 1;
}

bool esp_sa_rekey_needed(const struct esp_sa *sa)
{
	return sa->seq_max - sa->seq < ESP_SEQ_SOFT_MARGIN;
}

bool esp_peek_spi(const uint8_t *pkt, size_t len, uint32_t *spi)
{
	struct rd r;
	rd_init(&r, pkt, len);
	return len >= ESP_HDR_LEN && rd_u32be(&r, spi);
}

static void put_u32be(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static bool next_iv(struct esp_sa *sa, uint8_t *iv, uint64_t seq)
{
	if (sa->gcm) {
		/* RFC 4106 3.1: the IV must never repeat for a key; the
		 * sequence number is unique per SA, so use it. */
		put_u32be(iv, (uint32_t)(seq >> 32));
		put_u32be(iv + 4, (uint32_t)seq);
		return true;
	}
	if (sa->iv_pool_off + sa->iv_len > ESP_IV_POOL) {
		if (!crypto_random(sa->iv_pool, ESP_IV_POOL))
			return false;
		sa->iv_pool_off = 0;
	}
	memcpy(iv, sa->iv_pool + sa->iv_pool_off, sa->iv_len);
	sa->iv_pool_off += sa->iv_len;
	return true;
}

static uint8_t inner_next_hdr(const uint8_t *inner, size_t len)
{
	if (len < 1)
		return 0;
	switch (inner[0] >> 4) {
	case 4:
		return len >= 20 ? ESP_NH_IPV4 : 0;
	case 6:
		return len >= 40 ? ESP_NH_IPV6 : 0;
	default:
		return 0;
	}
}

static enum esp_drop drop(struct esp_sa *sa, enum esp_drop d)
{
	esp_sa_count_drop(sa, d);
	return d;
}

/*
 * AAD per RFC 4106 5 / RFC 4303 2.2.1: SPI | seq low for 32-bit numbers;
 * with ESN, GCM authenticates SPI | seq high | seq low, while HMAC
 * authenticates SPI | seq low in front and seq high after the ciphertext.
 */
struct esp_aad {
	uint8_t aad[12];
	size_t aad_len;
	uint8_t trailer[4];
	size_t trailer_len;
};

static void build_aad(const struct esp_sa *sa, uint64_t seq,
		      struct esp_aad *a)
{
	put_u32be(a->aad, sa->spi);
	a->trailer_len = 0;
	if (!sa->esn) {
		put_u32be(a->aad + 4, (uint32_t)seq);
		a->aad_len = 8;
	} else if (sa->gcm) {
		put_u32be(a->aad + 4, (uint32_t)(seq >> 32));
		put_u32be(a->aad + 8, (uint32_t)seq);
		a->aad_len = 12;
	} else {
		put_u32be(a->aad + 4, (uint32_t)seq);
		a->aad_len = 8;
		put_u32be(a->trailer, (uint32_t)(seq >> 32));
		a->trailer_len = 4;
	}
}

static enum esp_drop frame(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			   size_t inner_len, uint8_t nh, size_t *esp_len,
			   uint64_t *seq_out, struct vtime now)
{
	size_t head = esp_sa_head_len(sa);
	size_t body = padded_len(sa, inner_len);
	if (cap < head + body + sa->icv_len)
		return drop(sa, ESP_DROP_NO_ROOM);
	/* RFC 4303 3.3.3: never cycle the counter; the SA must be rekeyed. */
	if (sa->seq >= sa->seq_max)
		return drop(sa, ESP_DROP_SEQ_OVERFLOW);
	uint64_t seq = sa->seq + 1;
	uint8_t *trail = pkt + head + inner_len;
	size_t pad = body - inner_len - ESP_TRAILER_LEN;
	for (size_t i = 0; i < pad; i++)
		trail[i] = (uint8_t)(i + 1); /* RFC 4303 2.4 default pattern */
	trail[pad] = (uint8_t)pad;
	trail[pad + 1] = nh;
	put_u32be(pkt, sa->spi);
	put_u32be(pkt + 4, (uint32_t)seq);
	if (!next_iv(sa, pkt + ESP_HDR_LEN, seq))
		return drop(sa, ESP_DROP_CRYPTO);
	sa->seq = seq;
	*seq_out = seq;
	*esp_len = head + body + sa->icv_len;
	stat_add(&sa->stats.packets, 1);
	stat_add(&sa->stats.bytes, inner_len);
	atomic_store_explicit(&sa->stats.last_ns, now.ns, memory_order_relaxed);
	return ESP_DROP_OK;
}

enum esp_drop esp_encap_frame(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			      size_t inner_len, size_t *esp_len,
			      uint64_t *seq_out, struct vtime now)
{
	size_t head = esp_sa_head_len(sa);
	if (cap < head || cap - head < inner_len)
		return drop(sa, ESP_DROP_NO_ROOM);
	uint8_t nh = inner_next_hdr(pkt + head, inner_len);
	if (nh == 0)
		return drop(sa, ESP_DROP_INNER);
	return frame(sa, pkt, cap, inner_len, nh, esp_len, seq_out, now);
}

/* RFC 4303 2.6: a dummy packet has next header 59 and no payload; the
 * receiver verifies and then discards it. */
enum esp_drop esp_encap_dummy(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			      size_t *esp_len, struct vtime now)
{
	uint64_t seq;
	enum esp_drop d = frame(sa, pkt, cap, 0, ESP_NH_NONE, esp_len, &seq, now);
	if (d != ESP_DROP_OK)
		return d;
	if (!esp_encap_seal(sa, 0, pkt, *esp_len, seq))
		return drop(sa, ESP_DROP_CRYPTO);
	return ESP_DROP_OK;
}

bool esp_encap_seal(struct esp_sa *sa, unsigned lane, uint8_t *pkt,
		    size_t esp_len, uint64_t seq)
{
	size_t head = esp_sa_head_len(sa);
	if (lane >= sa->lanes || esp_len < head + sa->icv_len)
		return false;
	size_t body = esp_len - head - sa->icv_len;
	struct esp_aad a;
	build_aad(sa, seq, &a);
	return crypto_cipher_seal(sa->cipher[lane], a.aad, a.aad_len,
				  pkt + ESP_HDR_LEN, pkt + head, body,
				  a.trailer, a.trailer_len, pkt + head + body);
}

enum esp_drop esp_encap(struct esp_sa *sa, uint8_t *pkt, size_t cap,
			size_t inner_len, size_t *esp_len, struct vtime now)
{
	uint64_t seq;
	enum esp_drop d = esp_encap_frame(sa, pkt, cap, inner_len, esp_len,
					  &seq, now);
	if (d != ESP_DROP_OK)
		return d;
	if (!esp_encap_seal(sa, 0, pkt, *esp_len, seq))
		return drop(sa, ESP_DROP_CRYPTO);
	return ESP_DROP_OK;
}

/* RFC 4303 2.4: padding bytes, if any, must be 1, 2, 3, ... */
static bool padding_ok(const uint8_t *pad, size_t n)
{
	uint8_t bad = 0;
	for (size_t i = 0; i < n; i++)
		bad |= (uint8_t)(pad[i] ^ (uint8_t)(i + 1));
	return bad == 0;
}

static enum esp_drop check_trailer(const uint8_t *body, size_t body_len,
				   size_t *inner_len, uint8_t *next_hdr)
{
	uint8_t pad = body[body_len - 2], nh = body[body_len - 1];
	if ((size_t)pad + ESP_TRAILER_LEN > body_len)
		return ESP_DROP_PAD;
	size_t ilen = body_len - ESP_TRAILER_LEN - pad;
	if (!padding_ok(body + ilen, pad))
		return ESP_DROP_PAD;
	if (nh == ESP_NH_NONE)
		return ESP_DROP_DUMMY;
	if (nh != ESP_NH_IPV4 && nh != ESP_NH_IPV6)
		return ESP_DROP_NEXT_HDR;
	if (inner_next_hdr(body, ilen) != nh)
		return ESP_DROP_INNER;
	*inner_len = ilen;
	*next_hdr = nh;
	return ESP_DROP_OK;
}

static enum esp_drop replay_verdict(const struct esp_sa *sa, uint64_t seq)
{
	switch (esp_replay_check(&sa->replay, seq)) {
	case ESP_REPLAY_OK:
		return ESP_DROP_OK;
	case ESP_REPLAY_DUP:
		return ESP_DROP_REPLAY;
	default:
		return ESP_DROP_TOO_OLD;
	}
}

/*
 * The packet's shape: header, IV, body (a whole number of blocks, room for
 * the trailer), ICV. Offsets come back through the pointers.
 */
static enum esp_drop parse(const struct esp_sa *sa, const uint8_t *pkt,
			   size_t len, uint32_t *seq_low, size_t *body)
{
	struct rd r;
	uint32_t spi;
	rd_init(&r, pkt, len);
	if (!rd_u32be(&r, &spi) || !rd_u32be(&r, seq_low) ||
	    !rd_skip(&r, sa->iv_len) || rd_left(&r) < sa->icv_len)
		return ESP_DROP_SHORT;
	if (spi != sa->spi)
		return ESP_DROP_UNKNOWN_SPI;
	*body = rd_left(&r) - sa->icv_len;
	if (*body < ESP_TRAILER_LEN || *body % sa->block != 0)
		return ESP_DROP_SHORT;
	return ESP_DROP_OK;
}

enum esp_drop esp_decap_check(struct esp_sa *sa, const uint8_t *pkt,
			      size_t len, uint64_t *seq)
{
	uint32_t seq_low;
	size_t body;
	enum esp_drop d = parse(sa, pkt, len, &seq_low, &body);
	if (d != ESP_DROP_OK)
		return drop(sa, d);
	/* RFC 4303 3.4.3: replay check before spending any crypto. */
	*seq = esp_replay_infer(&sa->replay, seq_low);
	d = replay_verdict(sa, *seq);
	if (d != ESP_DROP_OK)
		return drop(sa, d);
	return ESP_DROP_OK;
}

bool esp_decap_open(struct esp_sa *sa, unsigned lane, uint8_t *pkt,
		    size_t len, uint64_t seq)
{
	uint32_t seq_low;
	size_t body;
	if (lane >= sa->lanes || parse(sa, pkt, len, &seq_low, &body) != ESP_DROP_OK)
		return false;
	size_t head = ESP_HDR_LEN + sa->iv_len;
	struct esp_aad a;
	build_aad(sa, seq, &a);
	return crypto_cipher_open(sa->cipher[lane], a.aad, a.aad_len,
				  pkt + ESP_HDR_LEN, pkt + head, body,
				  a.trailer, a.trailer_len, pkt + head + body);
}

enum esp_drop esp_decap_finish(struct esp_sa *sa, bool open_ok,
			       uint8_t *pkt, size_t len, uint64_t seq,
			       size_t *inner_off, size_t *inner_len,
			       uint8_t *next_hdr, struct vtime now)
{
	if (!open_ok)
		return drop(sa, ESP_DROP_ICV);
	/* Two copies of one number may have passed the check in a batch. */
	enum esp_drop d = replay_verdict(sa, seq);
	if (d != ESP_DROP_OK)
		return drop(sa, d);
	/* Authenticated: only now may the window move (RFC 4303 3.4.3). */
	esp_replay_update(&sa->replay, seq);
	size_t head = ESP_HDR_LEN + sa->iv_len;
	size_t body = len - head - sa->icv_len;
	d = check_trailer(pkt + head, body, inner_len, next_hdr);
	if (d != ESP_DROP_OK)
		return drop(sa, d);
	*inner_off = head;
	stat_add(&sa->stats.packets, 1);
	stat_add(&sa->stats.bytes, *inner_len);
	atomic_store_explicit(&sa->stats.last_ns, now.ns, memory_order_relaxed);
	return ESP_DROP_OK;
}

enum esp_drop esp_decap(struct esp_sa *sa, uint8_t *pkt, size_t len,
			size_t *inner_off, size_t *inner_len,
			uint8_t *next_hdr, struct vtime now)
{
	uint64_t seq;
	enum esp_drop d = esp_decap_check(sa, pkt, len, &seq);
	if (d != ESP_DROP_OK)
		return d;
	bool ok = esp_decap_open(sa, 0, pkt, len, seq);
	return esp_decap_finish(sa, ok, pkt, len, seq, inner_off, inner_len,
				next_hdr, now);
}
