/*
 * IKEv2 message codec: header, generic payload chain, notify payloads and
 * the rule table that says which payloads each exchange may carry
 * (RFC 7296 1.2-1.5, 3.1-3.2, 3.10). Structure is checked here, before any
 * handler looks at meaning.
 */
#include <string.h>

#include "ike/ike_priv.h"

/*
 * RFC 7296 3.1 IKE header:
 *                      1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Initiator's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                       IKE SA Responder's SPI                  |
 * |                                                               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Next Payload | MjVer | MnVer | Exchange Type |     Flags     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Message ID                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Length                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 */
bool ike_hdr_decode(struct rd *r, struct ike_hdr *h)
{
	struct rd t = *r;
	if (!rd_bytes(&t, h->spi_i, IKE_SPI_LEN) ||
	    !rd_bytes(&t, h->spi_r, IKE_SPI_LEN) || !rd_u8(&t, &h->next) ||
	    !rd_u8(&t, &h->version) || !rd_u8(&t, &h->exchange) ||
	    !rd_u8(&t, &h->flags) || !rd_u32be(&t, &h->msg_id) ||
	    !rd_u32be(&t, &h->length))
		return false;
	*r = t;
	return true;
}

void ike_hdr_encode(struct wr *w, const struct ike_hdr *h)
{
	wr_bytes(w, h->spi_i, IKE_SPI_LEN);
	wr_bytes(w, h->spi_r, IKE_SPI_LEN);
	wr_u8(w, h->next);
	wr_u8(w, h->version);
	wr_u8(w, h->exchange);
	wr_u8(w, h->flags);
	wr_u32be(w, h->msg_id);
	wr_u32be(w, h->length);
}

static bool payload_type_known(uint8_t t)
{
	switch (t) {
#define X(n, v) case v:
		IKE_PAYLOAD_LIST(X)
#undef X
		return t != IKE_P_NONE;
	default:
		return false;
	}
}

/*
 * RFC 7296 3.2 Generic Payload Header:
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Next Payload  |C|  RESERVED   |         Payload Length        |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * Payload Length includes the 4-byte header. An unknown payload with the
 * critical bit set rejects the whole message (UNSUPPORTED_CRITICAL_PAYLOAD,
 * data: the payload type); without it the payload is skipped.
 */
struct ike_disp ike_payloads_decode(struct ike_msg *m, struct rd *r,
				    uint8_t first, bool encrypted)
{
	uint8_t type = first;
	while (type != IKE_P_NONE) {
		uint8_t next, flags;
		uint16_t plen;
		struct rd body;
		if (!rd_u8(r, &next) || !rd_u8(r, &flags) || !rd_u16be(r, &plen) ||
		    plen < IKE_GENERIC_HDR_LEN ||
		    !rd_sub(r, plen - IKE_GENERIC_HDR_LEN, &body))
			return ike_d_notify(IKE_N_INVALID_SYNTAX,
					    "truncated payload");
		if (!payload_type_known(type)) {
			if (flags & IKE_PAYLOAD_CRITICAL) {
				struct ike_disp d = ike_d_notify(
					IKE_N_UNSUPPORTED_CRITICAL_PAYLOAD,
					"unknown critical payload");
				d.data[0] = type;
				d.data_len = 1;
				return d;
			}
			type = next;
			continue;
		}
		if (m->n == IKE_MAX_PAYLOADS)
			return ike_d_notify(IKE_N_INVALID_SYNTAX,
					    "too many payloads");
		m->pl[m->n++] = (struct ike_payload){
			.type = type,
			.critical = flags & IKE_PAYLOAD_CRITICAL,
			.encrypted = encrypted,
			.body = body,
		};
		if (type == IKE_P_SK) {
			/* RFC 7296 3.14: SK is the last payload. */
			if (encrypted || !rd_done(r))
				return ike_d_notify(IKE_N_INVALID_SYNTAX,
						    "SK not last");
			m->has_sk = true;
			m->sk_next = next;
			m->sk_off = m->raw_len - plen;
			return ike_d_ok();
		}
		type = next;
	}
	if (!rd_done(r))
		return ike_d_notify(IKE_N_INVALID_SYNTAX, "trailing bytes");
	return ike_d_ok();
}

struct ike_disp ike_msg_decode(struct ike_msg *m, const uint8_t *pkt,
			       size_t len)
{
	struct rd r;
	m->n = 0;
	m->has_sk = false;
	m->plain_len = 0;
	m->raw = pkt;
	m->raw_len = len;
	rd_init(&r, pkt, len);
	if (!ike_hdr_decode(&r, &m->h))
		return ike_d_drop("short header");
	if ((m->h.version >> 4) != 2)
		return ike_d_drop("IKE major version not 2");
	if (m->h.length != len || len > IKE_MAX_MSG)
		return ike_d_drop("length mismatch");
	if (m->h.exchange < IKE_X_IKE_SA_INIT ||
	    m->h.exchange > IKE_X_INFORMATIONAL)
		return ike_d_drop("unknown exchange type");
	return ike_payloads_decode(m, &r, m->h.next, false);
}

/* ---- rule table ---- */

struct ike_rule {
	uint8_t exchange;
	bool response;
	uint8_t type;
	uint8_t min, max;
};

/*
 * Allowed payloads per exchange and direction, RFC 7296 1.2-1.5 (min
 * counts are waived when the message carries an error notify or COOKIE).
 * Every exchange but IKE_SA_INIT carries all its payloads inside SK.
 */
static const struct ike_rule ike_rules[] = {
	/* HDR, SAi1, KEi, Ni  -->  <-- HDR, SAr1, KEr, Nr, [CERTREQ] */
	{ IKE_X_IKE_SA_INIT, false, IKE_P_SA, 1, 1 },
	{ IKE_X_IKE_SA_INIT, false, IKE_P_KE, 1, 1 },
	{ IKE_X_IKE_SA_INIT, false, IKE_P_NONCE, 1, 1 },
	{ IKE_X_IKE_SA_INIT, false, IKE_P_N, 0, 32 },
	{ IKE_X_IKE_SA_INIT, false, IKE_P_V, 0, 16 },
	{ IKE_X_IKE_SA_INIT, false, IKE_P_CERTREQ, 0, 8 },
	{ IKE_X_IKE_SA_INIT, true, IKE_P_SA, 1, 1 },
	{ IKE_X_IKE_SA_INIT, true, IKE_P_KE, 1, 1 },
	{ IKE_X_IKE_SA_INIT, true, IKE_P_NONCE, 1, 1 },
	{ IKE_X_IKE_SA_INIT, true, IKE_P_N, 0, 32 },
	{ IKE_X_IKE_SA_INIT, true, IKE_P_V, 0, 16 },
	{ IKE_X_IKE_SA_INIT, true, IKE_P_CERTREQ, 0, 8 },
	/* HDR, SK {IDi, [CERT,] [CERTREQ,] [IDr,] AUTH, SAi2, TSi, TSr} */
	{ IKE_X_IKE_AUTH, false, IKE_P_IDi, 1, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_IDr, 0, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_AUTH, 1, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_CERT, 0, 8 },
	{ IKE_X_IKE_AUTH, false, IKE_P_CERTREQ, 0, 8 },
	{ IKE_X_IKE_AUTH, false, IKE_P_CP, 0, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_SA, 0, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_TSi, 0, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_TSr, 0, 1 },
	{ IKE_X_IKE_AUTH, false, IKE_P_N, 0, 32 },
	{ IKE_X_IKE_AUTH, false, IKE_P_V, 0, 16 },
	/* <-- HDR, SK {IDr, [CERT,] AUTH, SAr2, TSi, TSr} */
	{ IKE_X_IKE_AUTH, true, IKE_P_IDr, 1, 1 },
	{ IKE_X_IKE_AUTH, true, IKE_P_AUTH, 1, 1 },
	{ IKE_X_IKE_AUTH, true, IKE_P_CERT, 0, 8 },
	{ IKE_X_IKE_AUTH, true, IKE_P_CP, 0, 1 },
	{ IKE_X_IKE_AUTH, true, IKE_P_SA, 0, 1 },
	{ IKE_X_IKE_AUTH, true, IKE_P_TSi, 0, 1 },
	{ IKE_X_IKE_AUTH, true, IKE_P_TSr, 0, 1 },
	{ IKE_X_IKE_AUTH, true, IKE_P_N, 0, 32 },
	{ IKE_X_IKE_AUTH, true, IKE_P_V, 0, 16 },
	/* HDR, SK {[N(REKEY_SA)], SA, Ni, [KEi], [TSi, TSr]} and reply */
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_SA, 1, 1 },
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_NONCE, 1, 1 },
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_KE, 0, 1 },
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_TSi, 0, 1 },
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_TSr, 0, 1 },
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_N, 0, 32 },
	{ IKE_X_CREATE_CHILD_SA, false, IKE_P_V, 0, 16 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_SA, 1, 1 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_NONCE, 1, 1 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_KE, 0, 1 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_TSi, 0, 1 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_TSr, 0, 1 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_N, 0, 32 },
	{ IKE_X_CREATE_CHILD_SA, true, IKE_P_V, 0, 16 },
	/* HDR, SK {[N,] [D,] [CP,] ...} */
	{ IKE_X_INFORMATIONAL, false, IKE_P_N, 0, 32 },
	{ IKE_X_INFORMATIONAL, false, IKE_P_D, 0, 32 },
	{ IKE_X_INFORMATIONAL, false, IKE_P_CP, 0, 1 },
	{ IKE_X_INFORMATIONAL, false, IKE_P_V, 0, 16 },
	{ IKE_X_INFORMATIONAL, true, IKE_P_N, 0, 32 },
	{ IKE_X_INFORMATIONAL, true, IKE_P_D, 0, 32 },
	{ IKE_X_INFORMATIONAL, true, IKE_P_CP, 0, 1 },
	{ IKE_X_INFORMATIONAL, true, IKE_P_V, 0, 16 },
};

static const struct ike_rule *rule_find(uint8_t x, bool resp, uint8_t type)
{
	for (size_t i = 0; i < sizeof(ike_rules) / sizeof(ike_rules[0]); i++)
		if (ike_rules[i].exchange == x && ike_rules[i].response == resp &&
		    ike_rules[i].type == type)
			return &ike_rules[i];
	return NULL;
}

static bool waives_min(const struct ike_msg *m)
{
	struct ike_notify n;
	return ike_msg_error_notify(m, &n) != NULL ||
	       ike_msg_find_notify(m, IKE_N_COOKIE, &n) != NULL;
}

struct ike_disp ike_msg_check_rules(const struct ike_msg *m)
{
	bool resp = m->h.flags & IKE_FLAG_RESPONSE;
	uint8_t x = m->h.exchange;
	bool want_enc = x != IKE_X_IKE_SA_INIT;

	for (size_t i = 0; i < m->n; i++) {
		const struct ike_payload *p = &m->pl[i];
		if (p->type == IKE_P_SK) {
			if (!want_enc)
				return ike_d_notify(IKE_N_INVALID_SYNTAX,
						    "SK in IKE_SA_INIT");
			continue;
		}
		if (want_enc && !p->encrypted)
			return ike_d_notify(IKE_N_INVALID_SYNTAX,
					    "payload outside SK");
		const struct ike_rule *r = rule_find(x, resp, p->type);
		if (r == NULL)
			return ike_d_notify(IKE_N_INVALID_SYNTAX,
					    "payload not allowed here");
		if (ike_msg_count(m, p->type) > r->max)
			return ike_d_notify(IKE_N_INVALID_SYNTAX,
					    "payload repeated");
	}
	if (waives_min(m))
		return ike_d_ok();
	for (size_t i = 0; i < sizeof(ike_rules) / sizeof(ike_rules[0]); i++) {
		const struct ike_rule *r = &ike_rules[i];
		if (r->exchange == x && r->response == resp &&
		    ike_msg_count(m, r->type) < r->min)
			return ike_d_notify(IKE_N_INVALID_SYNTAX,
					    "mandatory payload missing");
	}
	return ike_d_ok();
}

const struct ike_payload *ike_msg_find(const struct ike_msg *m, uint8_t type,
				       size_t nth)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == type && nth-- == 0)
			return &m->pl[i];
	return NULL;
}

size_t ike_msg_count(const struct ike_msg *m, uint8_t type)
{
	size_t c = 0;
	for (size_t i = 0; i < m->n; i++)
		c += m->pl[i].type == type;
	return c;
}

/*
 * RFC 7296 3.10 Notify Payload body:
 * | Protocol ID  |   SPI Size    |      Notify Message Type      |
 * |                Security Parameter Index (SPI)                 ~
 * |                       Notification Data                       ~
 */
bool ike_notify_decode(const struct ike_payload *p, struct ike_notify *n)
{
	struct rd r = p->body;
	if (!rd_u8(&r, &n->proto) || !rd_u8(&r, &n->spi_size) ||
	    !rd_u16be(&r, &n->type) || !rd_ptr(&r, n->spi_size, &n->spi))
		return false;
	n->data = r;
	return true;
}

const struct ike_payload *ike_msg_find_notify(const struct ike_msg *m,
					      uint16_t type,
					      struct ike_notify *n)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == IKE_P_N &&
		    ike_notify_decode(&m->pl[i], n) && n->type == type)
			return &m->pl[i];
	return NULL;
}

const struct ike_payload *ike_msg_error_notify(const struct ike_msg *m,
					       struct ike_notify *n)
{
	for (size_t i = 0; i < m->n; i++)
		if (m->pl[i].type == IKE_P_N &&
		    ike_notify_decode(&m->pl[i], n) && n->type < 16384)
			return &m->pl[i];
	return NULL;
}

/* ---- encoder ---- */

void ike_enc_init(struct ike_enc *e)
{
	wr_init(&e->w, e->buf, sizeof(e->buf));
	e->next_off = SIZE_MAX;
	e->first = IKE_P_NONE;
}

size_t ike_enc_begin(struct ike_enc *e, uint8_t type)
{
	if (e->next_off == SIZE_MAX)
		e->first = type;
	else
		wr_patch_u8(&e->w, e->next_off, type);
	size_t start = wr_len(&e->w);
	e->next_off = start;
	wr_u8(&e->w, IKE_P_NONE);
	wr_u8(&e->w, 0);
	wr_u16be(&e->w, 0);
	return start;
}

void ike_enc_end(struct ike_enc *e, size_t start)
{
	size_t len = wr_len(&e->w) - start;
	if (len > UINT16_MAX) {
		e->w.err = true;
		return;
	}
	wr_patch_u16be(&e->w, start + 2, (uint16_t)len);
}

void ike_enc_notify(struct ike_enc *e, uint8_t proto, const uint8_t *spi,
		    size_t spi_len, uint16_t type, const void *data, size_t len)
{
	size_t s = ike_enc_begin(e, IKE_P_N);
	wr_u8(&e->w, proto);
	wr_u8(&e->w, (uint8_t)spi_len);
	wr_u16be(&e->w, type);
	if (spi_len)
		wr_bytes(&e->w, spi, spi_len);
	if (len)
		wr_bytes(&e->w, data, len);
	ike_enc_end(e, s);
}

void ike_enc_nonce(struct ike_enc *e, const uint8_t *n, size_t len)
{
	size_t s = ike_enc_begin(e, IKE_P_NONCE);
	wr_bytes(&e->w, n, len);
	ike_enc_end(e, s);
}

/* RFC 7296 3.4: | DH Group Num (2) | RESERVED (2) | Key Exchange Data | */
void ike_enc_ke(struct ike_enc *e, uint16_t group, const uint8_t *pub,
		size_t len)
{
	size_t s = ike_enc_begin(e, IKE_P_KE);
	wr_u16be(&e->w, group);
	wr_u16be(&e->w, 0);
	wr_bytes(&e->w, pub, len);
	ike_enc_end(e, s);
}

bool ike_msg_assemble(const struct ike_hdr *h, const struct ike_enc *e,
		      uint8_t *out, size_t cap, size_t *len)
{
	struct ike_hdr hh = *h;
	struct wr w;
	if (!wr_ok(&e->w))
		return false;
	hh.next = e->first;
	hh.length = (uint32_t)(IKE_HDR_LEN + wr_len(&e->w));
	wr_init(&w, out, cap);
	ike_hdr_encode(&w, &hh);
	wr_bytes(&w, e->buf, wr_len(&e->w));
	*len = wr_len(&w);
	return wr_ok(&w);
}
