/*
 * SA payloads (RFC 7296 3.3), proposal choice, and the named cloud
 * profiles.
 *
 * Configuration lists whole suites (one ENCR, PRF, INTEG, DH, ESN each).
 * On the wire an initiator sends at most two proposals, one with every
 * AEAD transform and one with every non-AEAD transform of its suites, in
 * first-seen order (what charon does); a responder answers with exactly one
 * transform per type. The responder walks the peer's proposals in the
 * peer's order and takes the first one that contains one of our suites
 * (RFC 7296 2.7); the initiator checks that the answer is a suite it has.
 */
#include <stdio.h>
#include <string.h>

#include "ike/ike_priv.h"

static bool encr_is_aead(uint16_t encr)
{
	return encr == IKE_ENCR_AES_GCM_8 || encr == IKE_ENCR_AES_GCM_12 ||
	       encr == IKE_ENCR_AES_GCM_16;
}

static bool encr_needs_keylen(uint16_t encr)
{
	return encr == IKE_ENCR_AES_CBC || encr == IKE_ENCR_AES_CTR ||
	       encr_is_aead(encr);
}

/* ---- encoding ---- */

struct xf_list {
	struct ike_xform xf[IKE_MAX_XFORMS];
	size_t n;
};

static void xf_add(struct xf_list *l, uint8_t type, uint16_t id, uint16_t bits)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->xf[i].type == type && l->xf[i].id == id &&
		    l->xf[i].key_bits == bits)
			return;
	if (l->n < IKE_MAX_XFORMS)
		l->xf[l->n++] = (struct ike_xform){ type, id, bits };
}

/*
 * Transform substructure (RFC 7296 3.3.2):
 * | Last Substruc |   RESERVED    |        Transform Length       |
 * |Transform Type |   RESERVED    |          Transform ID         |
 * ~                      Transform Attributes                     ~
 * Key Length attribute (3.3.5), TV format: 0x800E, key bits.
 * Transforms are written grouped by type, as RFC 7296 3.3 asks.
 */
static void enc_transforms(struct wr *w, const struct xf_list *l)
{
	size_t left = l->n;
	for (uint8_t t = IKE_T_ENCR; t <= IKE_T_ESN; t++) {
		for (size_t i = 0; i < l->n; i++) {
			const struct ike_xform *x = &l->xf[i];
			if (x->type != t)
				continue;
			left--;
			size_t len = 8 + (x->key_bits ? 4 : 0);
			wr_u8(w, left ? 3 : 0);
			wr_u8(w, 0);
			wr_u16be(w, (uint16_t)len);
			wr_u8(w, x->type);
			wr_u8(w, 0);
			wr_u16be(w, x->id);
			if (x->key_bits) {
				wr_u16be(w, IKE_ATTR_FORMAT_TV | IKE_ATTR_KEY_LENGTH);
				wr_u16be(w, x->key_bits);
			}
		}
	}
}

/*
 * Proposal substructure (RFC 7296 3.3.1):
 * | Last Substruc |   RESERVED    |         Proposal Length       |
 * | Proposal Num  |  Protocol ID  |    SPI Size   |Num  Transforms|
 * ~                        SPI (variable)                         ~
 * ~                        <Transforms>                           ~
 */
static void enc_proposal(struct wr *w, bool last, uint8_t num, uint8_t proto,
			 const uint8_t *spi, size_t spi_len,
			 const struct xf_list *l)
{
	size_t start = wr_len(w);
	wr_u8(w, last ? 0 : 2);
	wr_u8(w, 0);
	wr_u16be(w, 0);
	wr_u8(w, num);
	wr_u8(w, proto);
	wr_u8(w, (uint8_t)spi_len);
	wr_u8(w, (uint8_t)l->n);
	if (spi_len)
		wr_bytes(w, spi, spi_len);
	enc_transforms(w, l);
	wr_patch_u16be(w, start + 2, (uint16_t)(wr_len(w) - start));
}

static void enc_two(struct ike_enc *e, uint8_t proto, const uint8_t *spi,
		    size_t spi_len, const struct xf_list *aead,
		    const struct xf_list *plain)
{
	size_t s = ike_enc_begin(e, IKE_P_SA);
	uint8_t num = 1;
	if (aead->n)
		enc_proposal(&e->w, plain->n == 0, num++, proto, spi, spi_len,
			     aead);
	if (plain->n)
		enc_proposal(&e->w, true, num, proto, spi, spi_len, plain);
	ike_enc_end(e, s);
}

void ike_sa_payload_encode_ike(struct ike_enc *e,
			       const struct ike_ike_proposal *p, size_t n,
			       const uint8_t *spi, size_t spi_len)
{
	struct xf_list aead, plain;
	aead.n = plain.n = 0;
	for (size_t pass = 0; pass < 4; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct xf_list *l = encr_is_aead(p[i].encr) ? &aead
								    : &plain;
			if (pass == 0)
				xf_add(l, IKE_T_ENCR, p[i].encr,
				       encr_needs_keylen(p[i].encr) ? p[i].encr_bits
								    : 0);
			else if (pass == 1)
				xf_add(l, IKE_T_PRF, p[i].prf, 0);
			else if (pass == 2 && p[i].integ)
				xf_add(l, IKE_T_INTEG, p[i].integ, 0);
			else if (pass == 3)
				xf_add(l, IKE_T_DH, p[i].dh, 0);
		}
	}
	enc_two(e, IKE_PROTO_IKE, spi, spi_len, &aead, &plain);
}

void ike_sa_payload_encode_esp(struct ike_enc *e,
			       const struct ike_esp_proposal *p, size_t n,
			       uint32_t spi, bool with_pfs)
{
	struct xf_list aead, plain;
	uint8_t spi_b[4] = { spi >> 24, spi >> 16, spi >> 8, spi };
	aead.n = plain.n = 0;
	for (size_t pass = 0; pass < 4; pass++) {
		for (size_t i = 0; i < n; i++) {
			struct xf_list *l = encr_is_aead(p[i].encr) ? &aead
								    : &plain;
			if (pass == 0)
				xf_add(l, IKE_T_ENCR, p[i].encr,
				       encr_needs_keylen(p[i].encr) ? p[i].encr_bits
								    : 0);
			else if (pass == 1 && p[i].integ)
				xf_add(l, IKE_T_INTEG, p[i].integ, 0);
			else if (pass == 2 && with_pfs && p[i].pfs_dh)
				xf_add(l, IKE_T_DH, p[i].pfs_dh, 0);
			else if (pass == 3)
				xf_add(l, IKE_T_ESN, p[i].esn, 0);
		}
	}
	enc_two(e, IKE_PROTO_ESP, spi_b, 4, &aead, &plain);
}

void ike_sa_payload_encode_chosen(struct ike_enc *e, uint8_t num,
				  uint8_t proto, const uint8_t *spi,
				  size_t spi_len, const struct ike_suite *s,
				  bool esn_present)
{
	struct xf_list l;
	l.n = 0;
	xf_add(&l, IKE_T_ENCR, s->encr,
	       encr_needs_keylen(s->encr) ? s->encr_bits : 0);
	if (proto == IKE_PROTO_IKE)
		xf_add(&l, IKE_T_PRF, s->prf, 0);
	if (s->integ)
		xf_add(&l, IKE_T_INTEG, s->integ, 0);
	if (s->dh)
		xf_add(&l, IKE_T_DH, s->dh, 0);
	if (proto == IKE_PROTO_ESP && esn_present)
		xf_add(&l, IKE_T_ESN, s->esn, 0);
	size_t st = ike_enc_begin(e, IKE_P_SA);
	enc_proposal(&e->w, true, num, proto, spi, spi_len, &l);
	ike_enc_end(e, st);
}

/* ---- decoding ---- */

/* Attributes: only Key Length is known; any other makes the transform
 * unusable (RFC 7296 3.3.6), which we mark with type 0. */
static bool dec_attrs(struct rd *r, struct ike_xform *x)
{
	while (!rd_done(r)) {
		uint16_t at, v;
		if (!rd_u16be(r, &at) || !rd_u16be(r, &v))
			return false;
		if (!(at & IKE_ATTR_FORMAT_TV)) {
			if (!rd_skip(r, v))
				return false;
			x->type = 0;
		} else if ((at & 0x7fff) == IKE_ATTR_KEY_LENGTH) {
			x->key_bits = v;
		} else {
			x->type = 0;
		}
	}
	return true;
}

static bool dec_transform(struct rd *r, bool last_expected,
			  struct ike_xform *x)
{
	uint8_t last, res, type, res2;
	uint16_t len, id;
	struct rd body;
	if (!rd_u8(r, &last) || !rd_u8(r, &res) || !rd_u16be(r, &len) ||
	    len < 8 || !rd_sub(r, len - 4, &body) || !rd_u8(&body, &type) ||
	    !rd_u8(&body, &res2) || !rd_u16be(&body, &id))
		return false;
	if (last != (last_expected ? 0 : 3))
		return false;
	*x = (struct ike_xform){ type, id, 0 };
	return dec_attrs(&body, x);
}

static bool dec_proposal(struct rd *r, struct ike_prop *p, bool *last)
{
	uint8_t l, res, ntr;
	uint16_t len;
	struct rd body;
	if (!rd_u8(r, &l) || !rd_u8(r, &res) || !rd_u16be(r, &len) ||
	    len < 8 || !rd_sub(r, len - 4, &body) || (l != 0 && l != 2))
		return false;
	*last = l == 0;
	if (!rd_u8(&body, &p->num) || !rd_u8(&body, &p->proto) ||
	    !rd_u8(&body, &p->spi_size) || !rd_u8(&body, &ntr) ||
	    p->spi_size > IKE_SPI_LEN || !rd_bytes(&body, p->spi, p->spi_size))
		return false;
	p->n_xf = 0;
	for (size_t i = 0; i < ntr; i++) {
		struct ike_xform x;
		if (!dec_transform(&body, i + 1 == ntr, &x))
			return false;
		if (p->n_xf < IKE_MAX_XFORMS)
			p->xf[p->n_xf++] = x;
	}
	return rd_done(&body);
}

bool ike_sa_payload_decode(const struct ike_payload *pl, struct ike_prop *props,
			   size_t max, size_t *n)
{
	struct rd r = pl->body;
	bool last = false;
	*n = 0;
	while (!last) {
		struct ike_prop tmp;
		if (!dec_proposal(&r, &tmp, &last))
			return false;
		if (*n < max)
			props[(*n)++] = tmp;
	}
	return rd_done(&r) && *n > 0;
}

/* ---- matching ---- */

static bool prop_has(const struct ike_prop *p, uint8_t type, uint16_t id,
		     uint16_t bits)
{
	for (size_t i = 0; i < p->n_xf; i++)
		if (p->xf[i].type == type && p->xf[i].id == id &&
		    (type != IKE_T_ENCR || p->xf[i].key_bits == bits))
			return true;
	return false;
}

static size_t prop_count(const struct ike_prop *p, uint8_t type)
{
	size_t c = 0;
	for (size_t i = 0; i < p->n_xf; i++)
		c += p->xf[i].type == type;
	return c;
}

/* An absent INTEG/DH type equals the single transform NONE. */
static bool prop_has_or_none(const struct ike_prop *p, uint8_t type,
			     uint16_t id)
{
	if (id == 0)
		return prop_count(p, type) == 0 || prop_has(p, type, 0, 0);
	return prop_has(p, type, id, 0);
}

static bool ike_suite_in(const struct ike_prop *p,
			 const struct ike_ike_proposal *s)
{
	uint16_t bits = encr_needs_keylen(s->encr) ? s->encr_bits : 0;
	return p->proto == IKE_PROTO_IKE &&
	       prop_has(p, IKE_T_ENCR, s->encr, bits) &&
	       prop_has(p, IKE_T_PRF, s->prf, 0) &&
	       prop_has_or_none(p, IKE_T_INTEG, s->integ) &&
	       prop_has(p, IKE_T_DH, s->dh, 0);
}

static uint8_t esn_of(const struct ike_prop *p, uint8_t want)
{
	if (prop_count(p, IKE_T_ESN) == 0)
		return want == IKE_ESN_NO ? IKE_ESN_NO : 0xff;
	return prop_has(p, IKE_T_ESN, want, 0) ? want : 0xff;
}

/* dh_matters: CREATE_CHILD_SA (PFS negotiated); in IKE_AUTH any DH
 * transform is ignored, as there is no KE payload (RFC 7296 1.2). */
static bool esp_suite_in(const struct ike_prop *p,
			 const struct ike_esp_proposal *s, bool dh_matters)
{
	uint16_t bits = encr_needs_keylen(s->encr) ? s->encr_bits : 0;
	return p->proto == IKE_PROTO_ESP && p->spi_size == 4 &&
	       prop_has(p, IKE_T_ENCR, s->encr, bits) &&
	       prop_has_or_none(p, IKE_T_INTEG, s->integ) &&
	       (!dh_matters || prop_has_or_none(p, IKE_T_DH, s->pfs_dh)) &&
	       esn_of(p, s->esn) != 0xff;
}

int ike_choose_ike(const struct ike_prop *props, size_t n,
		   const struct ike_ike_proposal *ours, size_t n_ours,
		   struct ike_suite *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n_ours; j++)
			if (ike_suite_in(&props[i], &ours[j])) {
				*out = (struct ike_suite){
					ours[j].encr, ours[j].encr_bits,
					ours[j].integ, ours[j].prf, ours[j].dh,
					0 };
				return (int)i;
			}
	return -1;
}

int ike_choose_esp(const struct ike_prop *props, size_t n,
		   const struct ike_esp_proposal *ours, size_t n_ours,
		   bool dh_matters, struct ike_suite *out)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < n_ours; j++)
			if (esp_suite_in(&props[i], &ours[j], dh_matters)) {
				*out = (struct ike_suite){
					ours[j].encr, ours[j].encr_bits,
					ours[j].integ, 0,
					dh_matters ? ours[j].pfs_dh : 0,
					ours[j].esn };
				return (int)i;
			}
	return -1;
}

/* Exactly one transform per type present (RFC 7296 3.3.6). */
static bool prop_single(const struct ike_prop *p)
{
	for (uint8_t t = IKE_T_ENCR; t <= IKE_T_ESN; t++)
		if (prop_count(p, t) > 1)
			return false;
	return prop_count(p, 0) == 0;
}

bool ike_accept_ike(const struct ike_prop *p,
		    const struct ike_ike_proposal *ours, size_t n_ours,
		    struct ike_suite *out)
{
	return prop_single(p) && ike_choose_ike(p, 1, ours, n_ours, out) == 0;
}

bool ike_accept_esp(const struct ike_prop *p,
		    const struct ike_esp_proposal *ours, size_t n_ours,
		    bool with_pfs, struct ike_suite *out)
{
	return prop_single(p) &&
	       ike_choose_esp(p, 1, ours, n_ours, with_pfs, out) == 0;
}

void ike_suite_fmt(const struct ike_suite *s, bool ike, char *buf,
		   size_t size)
{
	int n = snprintf(buf, size, "%s-%u", ike_encr_name(s->encr),
			 s->encr_bits);
	if (n < 0 || (size_t)n >= size)
		return;
	if (s->integ)
		n += snprintf(buf + n, size - n, "/%s", ike_integ_name(s->integ));
	if (ike && (size_t)n < size)
		n += snprintf(buf + n, size - n, "/%s", ike_prf_name(s->prf));
	if (s->dh && (size_t)n < size)
		n += snprintf(buf + n, size - n, "/%s", ike_dh_name(s->dh));
	if (!ike && (size_t)n < size)
		snprintf(buf + n, size - n, "/%s", s->esn ? "ESN" : "NO_ESN");
}

void ike_props_fmt(const struct ike_prop *props, size_t n, char *buf,
		   size_t size)
{
	size_t off = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < n && off + 1 < size; i++) {
		const struct ike_prop *p = &props[i];
		int w = snprintf(buf + off, size - off, "%s#%u:", i ? " " : "",
				 p->num);
		for (size_t j = 0; j < p->n_xf && w > 0; j++) {
			off += (size_t)w;
			if (off + 1 >= size)
				return;
			const struct ike_xform *x = &p->xf[j];
			w = snprintf(buf + off, size - off, "%s%s=%u%s%.0u",
				     j ? "," : "",
				     ike_transform_type_name(x->type), x->id,
				     x->key_bits ? "/" : "", x->key_bits);
		}
		if (w > 0)
			off += (size_t)w;
	}
}

/* ---- named cloud profiles (cloud-rules.md 1.6 and 2.3) ---- */

static void add_ike(struct ike_tunnel_config *c, uint16_t encr, uint16_t bits,
		    uint16_t integ, uint16_t prf, uint16_t dh)
{
	if (c->n_ike < IKE_MAX_PROPOSALS)
		c->ike[c->n_ike++] = (struct ike_ike_proposal){ encr, bits,
								integ, prf, dh };
}

static void add_esp(struct ike_esp_proposal *arr, size_t *n, uint16_t encr,
		    uint16_t bits, uint16_t integ, uint16_t dh)
{
	if (*n < IKE_MAX_PROPOSALS)
		arr[(*n)++] = (struct ike_esp_proposal){ encr, bits, integ, dh,
							 IKE_ESN_NO };
}

static uint16_t prf_for(uint16_t integ)
{
	switch (integ) {
	case IKE_INTEG_HMAC_SHA2_256_128:
		return IKE_PRF_HMAC_SHA2_256;
	case IKE_INTEG_HMAC_SHA2_384_192:
		return IKE_PRF_HMAC_SHA2_384;
	case IKE_INTEG_HMAC_SHA2_512_256:
		return IKE_PRF_HMAC_SHA2_512;
	default:
		return IKE_PRF_HMAC_SHA1;
	}
}

/*
 * Azure route-based default (1.6): IKE AES256/SHA1, AES256/SHA256,
 * AES128/SHA1, AES128/SHA256 with DH group 2 (3DES not supported here).
 * Child as initiator: GCM-AES256, AES256/SHA1, AES256/SHA256, AES128/SHA1,
 * no PFS; as responder also the PFS variants with groups 2, 14, 24
 * (group 1 is not supported). Lifetimes 28800/27000 s, DPD 45 s.
 */
static void profile_azure(struct ike_tunnel_config *c)
{
	static const uint16_t suites[4][2] = {
		{ 256, IKE_INTEG_HMAC_SHA1_96 },
		{ 256, IKE_INTEG_HMAC_SHA2_256_128 },
		{ 128, IKE_INTEG_HMAC_SHA1_96 },
		{ 128, IKE_INTEG_HMAC_SHA2_256_128 },
	};
	static const uint16_t pfs[] = { IKE_DH_MODP_1024, IKE_DH_MODP_2048,
					IKE_DH_MODP_2048_256 };
	for (size_t i = 0; i < 4; i++)
		add_ike(c, IKE_ENCR_AES_CBC, suites[i][0], suites[i][1],
			prf_for(suites[i][1]), IKE_DH_MODP_1024);
	add_esp(c->esp, &c->n_esp, IKE_ENCR_AES_GCM_16, 256, 0, 0);
	for (size_t i = 0; i < 3; i++)
		add_esp(c->esp, &c->n_esp, IKE_ENCR_AES_CBC, suites[i][0],
			suites[i][1], 0);
	add_esp(c->esp_accept, &c->n_esp_accept, IKE_ENCR_AES_CBC, 128,
		IKE_INTEG_HMAC_SHA2_256_128, 0);
	for (size_t g = 0; g < 3; g++)
		for (size_t i = 0; i < 4; i++)
			add_esp(c->esp_accept, &c->n_esp_accept,
				IKE_ENCR_AES_CBC, suites[i][0], suites[i][1],
				pfs[g]);
	c->ike_lifetime_s = 28800;
	c->child_lifetime_s = 27000;
	c->dpd_interval_s = 15;
	c->dpd_timeout_s = 45;
}

/*
 * AWS default tunnel options (2.3): AES128, AES256, AES128-GCM-16,
 * AES256-GCM-16; SHA1, SHA2-256/384/512; DH 2 and 14-24 (those we
 * implement: 2, 14, 15, 16, 19, 20, 21, 24), lowest first. Phase 2: the
 * same, PFS always. Lifetimes 28800/3600 s, margin 540 s, fuzz 100 %,
 * DPD timeout 30 s, action clear, replay window 1024.
 */
static void profile_aws(struct ike_tunnel_config *c)
{
	static const uint16_t dhs[] = { 2, 14, 15, 16, 19, 20, 21, 24 };
	static const uint16_t integs[] = { IKE_INTEG_HMAC_SHA1_96,
					   IKE_INTEG_HMAC_SHA2_256_128,
					   IKE_INTEG_HMAC_SHA2_384_192,
					   IKE_INTEG_HMAC_SHA2_512_256 };
	static const uint16_t bits[] = { 128, 256 };
	for (size_t d = 0; d < 8; d++)
		for (size_t b = 0; b < 2; b++)
			for (size_t i = 0; i < 4; i++) {
				add_ike(c, IKE_ENCR_AES_CBC, bits[b], integs[i],
					prf_for(integs[i]), dhs[d]);
				add_ike(c, IKE_ENCR_AES_GCM_16, bits[b], 0,
					prf_for(integs[i]), dhs[d]);
				add_esp(c->esp, &c->n_esp, IKE_ENCR_AES_CBC,
					bits[b], integs[i], dhs[d]);
			}
	for (size_t d = 0; d < 8; d++)
		for (size_t b = 0; b < 2; b++)
			add_esp(c->esp, &c->n_esp, IKE_ENCR_AES_GCM_16, bits[b],
				0, dhs[d]);
	c->ike_lifetime_s = 28800;
	c->child_lifetime_s = 3600;
	c->rekey_margin_s = 540;
	c->rekey_fuzz_pct = 100;
	c->dpd_interval_s = 10;
	c->dpd_timeout_s = 30;
	c->dpd_action = IKE_DPD_CLEAR;
	c->replay_window = 1024;
}

bool ike_profile_apply(struct ike_tunnel_config *cfg, const char *name)
{
	cfg->n_ike = cfg->n_esp = cfg->n_esp_accept = 0;
	if (strcmp(name, "azure-default") == 0)
		profile_azure(cfg);
	else if (strcmp(name, "aws-default") == 0)
		profile_aws(cfg);
	else
		return false;
	return true;
}
