/*
 * Proposal strings <-> IANA transform IDs. See proposal.h for the syntax.
 * One token table drives both the parser and the printer, so every name
 * that is printed parses back to the same transform.
 */
#include "config/proposal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

enum tok_class {
	TOK_ENCR,
	TOK_INTEG, /* integrity; in IKE also implies the matching PRF */
	TOK_PRF,
	TOK_DH,
	TOK_ESN,
};

struct tok {
	const char *name;
	enum tok_class cls;
	uint16_t id;
	uint16_t keylen; /* ENCR: bits; INTEG: the PRF it implies in IKE */
	bool print;      /* canonical name for (cls, id, keylen) */
};

static const struct tok toks[] = {
	{ "aes128", TOK_ENCR, PROPOSAL_ENCR_AES_CBC, 128, true },
	{ "aes192", TOK_ENCR, PROPOSAL_ENCR_AES_CBC, 192, true },
	{ "aes256", TOK_ENCR, PROPOSAL_ENCR_AES_CBC, 256, true },
	{ "aes128gcm16", TOK_ENCR, PROPOSAL_ENCR_AES_GCM_16, 128, true },
	{ "aes192gcm16", TOK_ENCR, PROPOSAL_ENCR_AES_GCM_16, 192, true },
	{ "aes256gcm16", TOK_ENCR, PROPOSAL_ENCR_AES_GCM_16, 256, true },
	{ "aes128gcm", TOK_ENCR, PROPOSAL_ENCR_AES_GCM_16, 128, false },
	{ "aes192gcm", TOK_ENCR, PROPOSAL_ENCR_AES_GCM_16, 192, false },
	{ "aes256gcm", TOK_ENCR, PROPOSAL_ENCR_AES_GCM_16, 256, false },
	{ "sha1", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA1_96,
	  PROPOSAL_PRF_HMAC_SHA1, true },
	{ "sha256", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA2_256_128,
	  PROPOSAL_PRF_HMAC_SHA2_256, true },
	{ "sha384", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA2_384_192,
	  PROPOSAL_PRF_HMAC_SHA2_384, true },
	{ "sha512", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA2_512_256,
	  PROPOSAL_PRF_HMAC_SHA2_512, true },
	{ "sha2_256", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA2_256_128,
	  PROPOSAL_PRF_HMAC_SHA2_256, false },
	{ "sha2_384", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA2_384_192,
	  PROPOSAL_PRF_HMAC_SHA2_384, false },
	{ "sha2_512", TOK_INTEG, PROPOSAL_INTEG_HMAC_SHA2_512_256,
	  PROPOSAL_PRF_HMAC_SHA2_512, false },
	{ "prfsha1", TOK_PRF, PROPOSAL_PRF_HMAC_SHA1, 0, true },
	{ "prfsha256", TOK_PRF, PROPOSAL_PRF_HMAC_SHA2_256, 0, true },
	{ "prfsha384", TOK_PRF, PROPOSAL_PRF_HMAC_SHA2_384, 0, true },
	{ "prfsha512", TOK_PRF, PROPOSAL_PRF_HMAC_SHA2_512, 0, true },
	{ "modp1024", TOK_DH, PROPOSAL_DH_MODP1024, 0, true },
	{ "modp2048", TOK_DH, PROPOSAL_DH_MODP2048, 0, true },
	{ "modp3072", TOK_DH, PROPOSAL_DH_MODP3072, 0, true },
	{ "modp4096", TOK_DH, PROPOSAL_DH_MODP4096, 0, true },
	{ "ecp256", TOK_DH, PROPOSAL_DH_ECP256, 0, true },
	{ "ecp384", TOK_DH, PROPOSAL_DH_ECP384, 0, true },
	{ "ecp521", TOK_DH, PROPOSAL_DH_ECP521, 0, true },
	{ "modp2048s256", TOK_DH, PROPOSAL_DH_MODP2048S256, 0, true },
	{ "curve25519", TOK_DH, PROPOSAL_DH_CURVE25519, 0, true },
	{ "x25519", TOK_DH, PROPOSAL_DH_CURVE25519, 0, false },
	{ "noesn", TOK_ESN, PROPOSAL_ESN_NO, 0, true },
	{ "esn", TOK_ESN, PROPOSAL_ESN_YES, 0, true },
};

#define N_TOKS (sizeof(toks) / sizeof(toks[0]))

static const struct tok *tok_by_name(const char *s, size_t len)
{
	for (size_t i = 0; i < N_TOKS; i++) {
		if (strlen(toks[i].name) == len &&
		    memcmp(toks[i].name, s, len) == 0)
			return &toks[i];
	}
	return NULL;
}

static const struct tok *tok_canonical(enum tok_class cls, uint16_t id,
				       uint16_t keylen)
{
	for (size_t i = 0; i < N_TOKS; i++) {
		const struct tok *t = &toks[i];
		if (t->print && t->cls == cls && t->id == id &&
		    (cls != TOK_ENCR || t->keylen == keylen))
			return t;
	}
	return NULL;
}

static bool seterr(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static bool seterr(char *err, size_t errlen, const char *fmt, ...)
{
	if (err != NULL && errlen > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return false;
}

static bool has_u16(const uint16_t *v, size_t n, uint16_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* Appends x to v[*n] unless present; false when full. */
static bool add_u16(uint16_t *v, uint8_t *n, size_t max, uint16_t x)
{
	if (has_u16(v, *n, x))
		return true;
	if (*n >= max)
		return false;
	v[(*n)++] = x;
	return true;
}

static bool add_encr(struct proposal *p, const struct tok *t)
{
	for (size_t i = 0; i < p->n_encr; i++)
		if (p->encr[i].id == t->id && p->encr[i].keylen == t->keylen)
			return true;
	if (p->n_encr >= PROPOSAL_MAX_ENCR)
		return false;
	p->encr[p->n_encr].id = t->id;
	p->encr[p->n_encr].keylen = t->keylen;
	p->n_encr++;
	return true;
}

/* Records one token; false (with err) on a token not valid here. */
static bool add_tok(struct proposal *p, const struct tok *t,
		    uint16_t *implied_prf, uint8_t *n_implied, char *err,
		    size_t errlen)
{
	bool ok = true;
	switch (t->cls) {
	case TOK_ENCR:
		ok = add_encr(p, t);
		break;
	case TOK_INTEG:
		ok = add_u16(p->integ, &p->n_integ, PROPOSAL_MAX_INTEG, t->id);
		if (ok && p->kind == PROPOSAL_IKE)
			ok = add_u16(implied_prf, n_implied, PROPOSAL_MAX_PRF,
				     t->keylen);
		break;
	case TOK_PRF:
		if (p->kind != PROPOSAL_IKE)
			return seterr(err, errlen,
				      "'%s': a PRF only belongs in an IKE "
				      "proposal", t->name);
		ok = add_u16(p->prf, &p->n_prf, PROPOSAL_MAX_PRF, t->id);
		break;
	case TOK_DH:
		ok = add_u16(p->dh, &p->n_dh, PROPOSAL_MAX_DH, t->id);
		break;
	case TOK_ESN:
		if (p->kind != PROPOSAL_ESP)
			return seterr(err, errlen,
				      "'%s': ESN only belongs in an ESP "
				      "proposal", t->name);
		if (t->id == PROPOSAL_ESN_YES)
			p->esn_yes = true;
		else
			p->esn_no = true;
		break;
	}
	if (!ok)
		return seterr(err, errlen, "'%s': too many algorithms of this "
			      "type in one proposal", t->name);
	return true;
}

bool proposal_is_aead(const struct proposal *p)
{
	return p->n_encr > 0 && p->encr[0].id == PROPOSAL_ENCR_AES_GCM_16;
}

/* RFC 7296 3.3 structure rules, after all tokens are in. */
static bool check_shape(struct proposal *p, const uint16_t *implied,
			uint8_t n_implied, char *err, size_t errlen)
{
	if (p->n_encr == 0)
		return seterr(err, errlen, "no encryption algorithm "
			      "(e.g. aes256 or aes256gcm16)");
	bool aead = proposal_is_aead(p);
	for (size_t i = 1; i < p->n_encr; i++)
		if ((p->encr[i].id == PROPOSAL_ENCR_AES_GCM_16) != aead)
			return seterr(err, errlen, "AEAD and non-AEAD ciphers "
				      "cannot share one proposal (RFC 7296 "
				      "3.3); write two proposals");
	if (p->kind == PROPOSAL_IKE) {
		/* A bare integrity name implies its PRF (strongSwan rule). */
		if (p->n_prf == 0) {
			for (uint8_t i = 0; i < n_implied; i++)
				p->prf[p->n_prf++] = implied[i];
		}
		if (aead)
			p->n_integ = 0;
		if (p->n_prf == 0)
			return seterr(err, errlen, "no PRF: add a prf* token "
				      "(e.g. prfsha256) or an integrity "
				      "algorithm");
		if (!aead && p->n_integ == 0)
			return seterr(err, errlen, "no integrity algorithm "
				      "for a non-AEAD cipher (e.g. sha256)");
		if (p->n_dh == 0)
			return seterr(err, errlen, "no DH group: an IKE SA "
				      "needs one (e.g. modp2048, ecp256)");
		return true;
	}
	if (aead && p->n_integ > 0)
		return seterr(err, errlen, "an AEAD cipher takes no integrity "
			      "algorithm in ESP (RFC 4106 / RFC 7296 3.3)");
	if (!aead && p->n_integ == 0)
		return seterr(err, errlen, "no integrity algorithm for a "
			      "non-AEAD cipher (e.g. sha256)");
	if (!p->esn_yes)
		p->esn_no = true;
	return true;
}

bool proposal_parse(const char *s, enum proposal_kind kind,
		    struct proposal *out, char *err, size_t errlen)
{
	struct proposal p;
	uint16_t implied[PROPOSAL_MAX_PRF];
	uint8_t n_implied = 0;

	memset(&p, 0, sizeof(p));
	p.kind = kind;
	if (s == NULL || *s == '\0')
		return seterr(err, errlen, "empty proposal");
	const char *cur = s;
	for (;;) {
		const char *dash = strchr(cur, '-');
		size_t len = dash ? (size_t)(dash - cur) : strlen(cur);
		if (len == 0)
			return seterr(err, errlen, "empty algorithm name "
				      "(doubled or trailing '-')");
		const struct tok *t = tok_by_name(cur, len);
		if (t == NULL)
			return seterr(err, errlen, "unknown algorithm '%.*s'",
				      (int)(len > 40 ? 40 : len), cur);
		if (!add_tok(&p, t, implied, &n_implied, err, errlen))
			return false;
		if (dash == NULL)
			break;
		cur = dash + 1;
	}
	if (!check_shape(&p, implied, n_implied, err, errlen))
		return false;
	*out = p;
	return true;
}

struct sbuf {
	char *p;
	size_t size;
	size_t len; /* needed length */
};

static void sb_tok(struct sbuf *b, const struct tok *t)
{
	const char *name = t ? t->name : "?";
	int n = snprintf(b->p && b->len < b->size ? b->p + b->len : NULL,
			 b->p && b->len < b->size ? b->size - b->len : 0,
			 "%s%s", b->len ? "-" : "", name);
	if (n > 0)
		b->len += (size_t)n;
}

size_t proposal_fmt(const struct proposal *p, char *buf, size_t size)
{
	struct sbuf b = { buf, size, 0 };
	if (buf != NULL && size > 0)
		buf[0] = '\0';
	for (size_t i = 0; i < p->n_encr; i++)
		sb_tok(&b, tok_canonical(TOK_ENCR, p->encr[i].id,
					 p->encr[i].keylen));
	for (size_t i = 0; i < p->n_integ; i++)
		sb_tok(&b, tok_canonical(TOK_INTEG, p->integ[i], 0));
	for (size_t i = 0; i < p->n_prf; i++)
		sb_tok(&b, tok_canonical(TOK_PRF, p->prf[i], 0));
	for (size_t i = 0; i < p->n_dh; i++)
		sb_tok(&b, tok_canonical(TOK_DH, p->dh[i], 0));
	if (p->kind == PROPOSAL_ESP && p->esn_yes) {
		if (p->esn_no)
			sb_tok(&b, tok_canonical(TOK_ESN, PROPOSAL_ESN_NO, 0));
		sb_tok(&b, tok_canonical(TOK_ESN, PROPOSAL_ESN_YES, 0));
	}
	return b.len;
}

bool proposal_eq(const struct proposal *a, const struct proposal *b)
{
	if (a->kind != b->kind || a->n_encr != b->n_encr ||
	    a->n_integ != b->n_integ || a->n_prf != b->n_prf ||
	    a->n_dh != b->n_dh || a->esn_no != b->esn_no ||
	    a->esn_yes != b->esn_yes)
		return false;
	for (size_t i = 0; i < a->n_encr; i++)
		if (a->encr[i].id != b->encr[i].id ||
		    a->encr[i].keylen != b->encr[i].keylen)
			return false;
	return memcmp(a->integ, b->integ, a->n_integ * sizeof(uint16_t)) == 0 &&
	       memcmp(a->prf, b->prf, a->n_prf * sizeof(uint16_t)) == 0 &&
	       memcmp(a->dh, b->dh, a->n_dh * sizeof(uint16_t)) == 0;
}

const char *proposal_dh_name(uint16_t group)
{
	const struct tok *t = tok_canonical(TOK_DH, group, 0);
	return t ? t->name : "unknown";
}

const char *proposal_integ_name(uint16_t id)
{
	const struct tok *t = tok_canonical(TOK_INTEG, id, 0);
	return t ? t->name : "unknown";
}

const char *proposal_prf_name(uint16_t id)
{
	const struct tok *t = tok_canonical(TOK_PRF, id, 0);
	return t ? t->name : "unknown";
}

/*
 * Cloud profiles, as text so they read like the clouds' documentation.
 *
 * aws-default: what an AWS tunnel permits unless narrowed (AWS S2S VPN
 * user guide, "Tunnel options"): AES128/256 CBC and GCM-16, SHA-1 and
 * SHA2-256/384/512, DH 2, 14-16, 19-21, 24 (the groups vgw implements; 17,
 * 18, 22, 23 are not). Phase 2 always carries a DH group (PFS).
 *
 * azure-default: the route-based gateway's documented default offers
 * (Azure "About VPN devices", IPsec section): IKE with DH 2 and
 * AES256/SHA1, AES256/SHA256, AES128/SHA1, AES128/SHA256 (3DES left out);
 * Child SA offers GCM-AES256, AES256/SHA1, AES256/SHA256, AES128/SHA1
 * without PFS, followed by the PFS variants Azure accepts as responder
 * (groups 2, 14, 24 with AES256/AES128 and SHA1/SHA256).
 */
#define AWS_DH "modp1024-modp2048-modp3072-modp4096-ecp256-ecp384-ecp521-" \
	       "modp2048s256"
static const char *const aws_ike[] = {
	"aes128-aes256-sha1-sha256-sha384-sha512-" AWS_DH,
	"aes128gcm16-aes256gcm16-prfsha1-prfsha256-prfsha384-prfsha512-"
	AWS_DH,
	NULL,
};
static const char *const aws_esp[] = {
	"aes128-aes256-sha1-sha256-sha384-sha512-" AWS_DH,
	"aes128gcm16-aes256gcm16-" AWS_DH,
	NULL,
};
static const char *const azure_ike[] = {
	"aes256-sha1-modp1024",
	"aes256-sha256-modp1024",
	"aes128-sha1-modp1024",
	"aes128-sha256-modp1024",
	NULL,
};
static const char *const azure_esp[] = {
	"aes256gcm16",
	"aes256-sha1",
	"aes256-sha256",
	"aes128-sha1",
	"aes128-sha256",
	"aes256-aes128-sha1-sha256-modp1024-modp2048-modp2048s256",
	NULL,
};

struct profile {
	const char *name;
	const char *const *ike;
	const char *const *esp;
};

static const struct profile profiles[] = {
	{ "aws-default", aws_ike, aws_esp },
	{ "azure-default", azure_ike, azure_esp },
};

static const struct profile *profile_find(const char *name)
{
	for (size_t i = 0; i < sizeof(profiles) / sizeof(profiles[0]); i++)
		if (strcmp(profiles[i].name, name) == 0)
			return &profiles[i];
	return NULL;
}

bool proposal_profile_exists(const char *name)
{
	return name != NULL && profile_find(name) != NULL;
}

size_t proposal_profile(const char *name, enum proposal_kind kind,
			struct proposal *out, size_t max)
{
	const struct profile *pr = name ? profile_find(name) : NULL;
	if (pr == NULL)
		return 0;
	const char *const *list = kind == PROPOSAL_IKE ? pr->ike : pr->esp;
	size_t n = 0;
	for (; list[n] != NULL && n < max; n++) {
		/* The tables above are tested to parse (test_proposal). */
		if (!proposal_parse(list[n], kind, &out[n], NULL, 0))
			return 0;
	}
	return n;
}
